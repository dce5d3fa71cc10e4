//! The pure layer: sales states, seat checks, the sale plan, printout layout
//! ticket signing, provisioning files and update checks and installs. No SQLite, no network, no clock: everything is an input.

pub mod layout;
pub mod plan;
pub mod provisioning;
pub mod refund;
pub mod sales_state;
pub mod signing;
pub mod update_check;
pub mod update_install;

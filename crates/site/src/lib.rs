//! The Boxoffice terminal engine.
//!
//! [`Site`] owns the terminal's SQLite store, its printer and its link to
//! central. Its commands are plain async methods added by the flows;
//! [`commands::dispatch`] is the JSON door the Tauri shell and the HTTP
//! adapter ([`http`]) share, and the `boxoffice-site` CLI calls the methods
//! directly. The modules form layers; each imports only the ones below it
//! (see ARCHITECTURE.md):
//!
//! - adapters: [`commands`], [`http`], [`pump`], [`boot`]
//! - flows: [`flows`] (sell, sync, seat maps, holds, conflicts, reseat, ...)
//! - services: [`outbox`], [`print_queue`], [`backup`]
//! - core: [`engine`] (`Site`)
//! - infrastructure: [`store`] (all SQL), [`link`] (central), [`auth`],
//!   [`price`], [`keys`], [`private_files`], [`disk`]
//! - pure: [`rules`] (sales states, the sale plan, layout, signing)
//! - base: [`api`], [`error`], [`clock`], [`model`], [`time_fmt`]

pub mod api;
pub mod auth;
pub mod backup;
pub mod boot;
pub mod clock;
pub mod commands;
pub mod disk;
pub mod engine;
pub mod error;
pub mod flows;
pub mod http;
pub mod keys;
pub mod link;
pub mod model;
pub mod outbox;
pub mod price;
pub mod print_queue;
pub mod private_files;
pub mod pump;
pub mod report_files;
pub mod rules;
pub mod store;
pub mod time_fmt;

pub use engine::Site;
pub use error::{ErrorBody, SiteError};

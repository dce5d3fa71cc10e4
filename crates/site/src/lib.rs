//! The Boxoffice terminal engine.
//!
//! [`Site`] owns the terminal's SQLite store, its printer and its link to
//! central. Its commands are plain async methods; [`commands::dispatch`] is
//! the JSON door the Tauri shell and the HTTP adapter ([`http`]) share, and
//! the `boxoffice-site` CLI calls the methods directly.

pub mod api;
pub mod auth;
pub mod best;
pub mod central_client;
pub mod clock;
pub mod collect;
pub mod commands;
pub mod conflicts;
pub mod engine;
pub mod error;
pub mod http;
pub mod price;
pub mod printer;
pub mod pump;
pub mod reprint;
pub mod reseat;
pub mod sale;
pub mod selection;
pub mod shift;
pub mod store;
pub mod ticket;
pub mod ticket_code;
pub mod time_fmt;

pub use engine::Site;
pub use error::{ErrorBody, SiteError};

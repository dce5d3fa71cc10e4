//! The terminal's SQLite store: every SQL statement of the engine lives in
//! this module and its children (configuration, the catalog cache, the seat
//! cache, orders, the outbox, print jobs, conflict tasks, shifts, keys).
//!
//! The database runs in WAL mode with `synchronous=FULL`: once a sale's
//! transaction commits it survives a crash or a power cut.

mod catalog;
mod config;
mod conflicts;
mod keys;
mod orders;
mod outbox;
mod print_jobs;
mod seats;
mod shifts;

pub use crate::model::{PendingEntry, QueueStats, SeatRow, ShowtimeRow, SiteRow, StaffRow};
pub use catalog::*;
pub use config::*;
pub use conflicts::*;
pub use keys::*;
pub use orders::*;
pub use outbox::*;
pub use print_jobs::*;
pub use seats::*;
pub use shifts::*;

use crate::error::{Result, SiteError};
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../../../migrations/site/0001_init.sql")),
        M::up(include_str!(
            "../../../../migrations/site/0002_print_queue.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/site/0003_terminal_keys.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/site/0004_site_logo.sql"
        )),
        M::up(include_str!("../../../../migrations/site/0005_shifts.sql")),
        M::up(include_str!(
            "../../../../migrations/site/0006_leases_conflicts.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/site/0008_web_collections.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/site/0009_cancelled_showtimes.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/site/0007_price_rules.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/site/0010_learn_central_api_version.sql"
        )),
    ])
}

/// The terminal database behind one lock, shared by the engine's parts.
pub struct Db(Mutex<Connection>);

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        Ok(Db(Mutex::new(open(path)?)))
    }

    /// The connection. SQLite rolls back an unfinished transaction when it
    /// is dropped, so the connection is consistent even after a panic
    /// elsewhere: a poisoned lock is taken over.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Opens (creating if needed) the terminal database and migrates it forward.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrations().to_latest(&mut conn)?;
    Ok(conn)
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> SiteError {
    SiteError::Corrupt(what.to_string())
}

//! The terminal's SQLite store: every SQL statement of the engine lives in
//! this module and its children (configuration, the catalog cache, the seat
//! cache, orders, the outbox, print jobs, conflict tasks, shifts, keys) and
//! whole-file work (integrity check, backup copy).
//!
//! The database runs in WAL mode with `synchronous=FULL`: once a sale's
//! transaction commits it survives a crash or a power cut.

mod audit;
mod catalog;
mod config;
mod conflicts;
mod day_figures;
mod days;
mod files;
mod keys;
mod orders;
mod outbox;
mod pins;
mod print_jobs;
mod refunds;
mod seats;
mod shifts;

pub use crate::model::{PendingEntry, QueueStats, SeatRow, ShowtimeRow, SiteRow, StaffRow};
pub use audit::*;
pub use catalog::*;
pub use config::*;
pub use conflicts::*;
pub use day_figures::*;
pub use days::*;
pub use files::*;
pub use keys::*;
pub use orders::*;
pub use outbox::*;
pub use pins::*;
pub use print_jobs::*;
pub use refunds::*;
pub use seats::*;
pub use shifts::*;

use crate::error::{Result, SiteError};
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// One migration: its file name under `migrations/site/` and its SQL.
macro_rules! migration {
    ($file:literal) => {
        (
            $file,
            include_str!(concat!("../../../../migrations/site/", $file)),
        )
    };
}

/// The terminal's migrations, in the order they apply (`user_version` counts
/// them): the n-th is file `000n_*.sql`, which a test checks. Append only;
/// deployed databases applied them in this order, so never reorder or edit.
const MIGRATIONS: &[(&str, &str)] = &[
    migration!("0001_init.sql"),
    migration!("0002_print_queue.sql"),
    migration!("0003_terminal_keys.sql"),
    migration!("0004_site_logo.sql"),
    migration!("0005_shifts.sql"),
    migration!("0006_leases_conflicts.sql"),
    migration!("0007_web_collections.sql"),
    migration!("0008_cancelled_showtimes.sql"),
    migration!("0009_price_rules.sql"),
    migration!("0010_learn_central_api_version.sql"),
    migration!("0011_audit_log.sql"),
    migration!("0012_refunds_voids.sql"),
    migration!("0013_business_days_z.sql"),
    migration!("0014_voided_orders.sql"),
    migration!("0015_shift_cash_signin.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

/// Statements through the connection's statement cache: the engine runs the
/// same few statements again and again (a sale runs about twenty), and
/// parsing them each time cost more than running them.
pub(crate) trait Cached {
    /// `query_row` with a cached statement.
    fn q_row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
    /// `execute` with a cached statement.
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
}

impl Cached for Connection {
    fn q_row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }
}

/// The terminal database behind one lock, shared by the engine's parts,
/// and a second connection that only checkpoints the write-ahead log, so
/// that copying the log into the database (and its disk syncs) never
/// happens inside a sale's commit.
pub struct Db {
    conn: Mutex<Connection>,
    path: std::path::PathBuf,
    checkpointer: Mutex<Option<Connection>>,
}

/// Past this many pages in the log, a commit checkpoints by itself: a
/// safety net for a process whose background checkpoint does not run. The
/// terminal's pump checkpoints every few seconds, long before.
const WAL_AUTOCHECKPOINT_PAGES: u32 = 16_384;

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        Ok(Db {
            conn: Mutex::new(open(path)?),
            path: path.to_path_buf(),
            checkpointer: Mutex::new(None),
        })
    }

    /// Copies what the write-ahead log holds into the database without
    /// waiting for (or blocking) the connection that sells. Returns how
    /// many log frames were checkpointed.
    pub fn checkpoint(&self) -> Result<i64> {
        let mut slot = self.checkpointer.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            let conn = Connection::open(&self.path)?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            *slot = Some(conn);
        }
        let Some(conn) = slot.as_ref() else {
            return Ok(0);
        };
        let (_busy, _log, done): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        Ok(done)
    }

    /// The connection. SQLite rolls back an unfinished transaction when it
    /// is dropped, so the connection is consistent even after a panic
    /// elsewhere: a poisoned lock is taken over.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Opens (creating if needed) the terminal database and migrates it forward.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(96);
    conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
    migrations().to_latest(&mut conn)?;
    days::backfill(&mut conn)?;
    Ok(conn)
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> SiteError {
    SiteError::Corrupt(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list applies the directory's files in file-number order, with no
    /// gaps: file `000n_*.sql` is the n-th migration (`user_version` n).
    #[test]
    fn migrations_are_the_directory_s_files_in_number_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/site");
        let mut files: Vec<(u32, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".sql"))
            .map(|name| {
                let number = name
                    .split_once('_')
                    .and_then(|(n, _)| n.parse().ok())
                    .unwrap_or_else(|| panic!("{name} does not start with a number and _"));
                (number, name)
            })
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(file, _)| *file).collect();
        let on_disk: Vec<&str> = files.iter().map(|(_, name)| name.as_str()).collect();
        assert_eq!(listed, on_disk, "the list and {} differ", dir.display());
        for (i, (number, name)) in files.iter().enumerate() {
            assert_eq!(
                *number as usize,
                i + 1,
                "{name}: numbers must run 1, 2, 3, ..."
            );
        }
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn a_new_database_is_at_the_last_migration() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("site.sqlite")).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }
}

//! Central's SQLite store: the [`CentralDb`] handle, its migrations and its
//! transactions.
//!
//! All writes run in one transaction each. A seat can be sold once per
//! showtime: `sold_seats` has `(showtime_id, seat_label)` as primary key, so
//! even a bug in this code cannot record a second sale of a seat.
//!
//! What central does with it lives in the modules beside this one, each
//! adding its methods to [`CentralDb`] (this module knows none of them):
//! `catalog` (catalog reads), `holds`, `entries` (applying pushed outbox
//! entries), `credentials` (terminal tokens and keys), `leases`, `events`
//! (the seat event feed), `terminals` and `web_bookings` (web sales and
//! bookings); `seats` holds the seat rules every writer shares.

use crate::error::CentralError;
use rusqlite::{Connection, Transaction};
use rusqlite_migration::{M, Migrations};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Longest hold central grants, in seconds.
pub const MAX_HOLD_TTL_SECS: u32 = 900;
/// Hold time-to-live terminals are told to ask for.
pub const DEFAULT_HOLD_TTL_SECS: u32 = 300;

/// One migration: its file name under `migrations/central/` and its SQL.
macro_rules! migration {
    ($file:literal) => {
        (
            $file,
            include_str!(concat!("../../../migrations/central/", $file)),
        )
    };
}

/// Central's migrations, in the order they apply (`user_version` counts
/// them): the n-th is file `000n_*.sql`, which a test checks. Append only;
/// deployed databases applied them in this order, so never reorder or edit.
const MIGRATIONS: &[(&str, &str)] = &[
    migration!("0001_init.sql"),
    migration!("0002_terminal_keys.sql"),
    migration!("0003_site_logo.sql"),
    migration!("0004_leases_events.sql"),
    migration!("0005_terminal_tokens.sql"),
    migration!("0006_web_collect.sql"),
    migration!("0007_cancelled_showtimes.sql"),
    migration!("0008_price_rules.sql"),
    migration!("0009_voided_tickets.sql"),
    migration!("0010_day_entries.sql"),
    migration!("0011_references_numbers.sql"),
    migration!("0012_web_channels_hold_life.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATIONS
            .iter()
            // Each migration checks every reference before it commits (a
            // rebuilt table keeps its rows, SQLite's own procedure).
            .map(|(_, sql)| M::up(sql).foreign_key_check())
            .collect(),
    )
}

/// Central's database.
pub struct CentralDb {
    conn: Mutex<Connection>,
    /// The last seat event's sequence number, for long-polling readers.
    pub(crate) events: tokio::sync::watch::Sender<i64>,
    /// Accept terminals that have no token yet (demo and development only).
    pub(crate) allow_unprovisioned: std::sync::atomic::AtomicBool,
    /// Times the connection was taken, and nanoseconds spent waiting for it.
    lock_taken: AtomicU64,
    lock_wait_ns: AtomicU64,
}

type Result<T> = std::result::Result<T, CentralError>;

pub(crate) fn corrupt(what: impl std::fmt::Display) -> CentralError {
    CentralError::Corrupt(what.to_string())
}

impl CentralDb {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Migrations run with foreign keys off (a table rebuilt keeps its
        // rows); each checks every reference inside its own transaction.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        migrations().to_latest(&mut conn)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let last = last_event_seq(&conn)?;
        Ok(CentralDb {
            conn: Mutex::new(conn),
            events: tokio::sync::watch::channel(last).0,
            allow_unprovisioned: std::sync::atomic::AtomicBool::new(false),
            lock_taken: AtomicU64::new(0),
            lock_wait_ns: AtomicU64::new(0),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        let asked = std::time::Instant::now();
        // A panic while holding the lock leaves SQLite consistent (transactions
        // roll back on drop), so a poisoned lock is safe to reuse.
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let waited = u64::try_from(asked.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.lock_taken.fetch_add(1, Ordering::Relaxed);
        self.lock_wait_ns.fetch_add(waited, Ordering::Relaxed);
        conn
    }

    /// How often the connection was taken, and the seconds spent waiting
    /// for it in all (for the metrics).
    pub fn lock_stats(&self) -> (u64, f64) {
        (
            self.lock_taken.load(Ordering::Relaxed),
            self.lock_wait_ns.load(Ordering::Relaxed) as f64 / 1e9,
        )
    }

    /// Runs `f` in one immediate transaction.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        let last = last_event_seq(&conn)?;
        self.events.send_if_modified(|seen| {
            let changed = *seen != last;
            *seen = last;
            changed
        });
        Ok(out)
    }

    pub(crate) fn read(&self) -> MutexGuard<'_, Connection> {
        self.conn()
    }

    /// Whether the database holds no site yet.
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sites", [], |r| r.get(0))?;
        Ok(n == 0)
    }
}

fn last_event_seq(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT COALESCE(max(seq), 0) FROM seat_events", [], |r| {
            r.get(0)
        })?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list applies the directory's files in file-number order, with no
    /// gaps: file `000n_*.sql` is the n-th migration (`user_version` n).
    #[test]
    fn migrations_are_the_directory_s_files_in_number_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/central");
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
        let db = CentralDb::open(&dir.path().join("central.sqlite")).unwrap();
        let version: i64 = db
            .read()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }
}

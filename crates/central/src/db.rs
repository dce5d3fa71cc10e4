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
use crate::event_watch::Sites;
use crate::sql::{PgPool, Sql};
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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
    migration!("0013_provisioning_fleet.sql"),
    migration!("0014_conflict_indexes.sql"),
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

/// Where central keeps its data.
enum Backend {
    /// One SQLite file, one connection behind a lock.
    Sqlite(Mutex<Connection>),
    /// A PostgreSQL database, shared with any other instances.
    Postgres(PgPool),
}

/// Central's database.
pub struct CentralDb {
    backend: Backend,
    /// The last seat event's sequence number, overall and per site, for
    /// long-polling readers.
    pub(crate) events: Arc<crate::event_watch::EventWatch>,
    /// Pages of the feed this instance's long polls share.
    pub(crate) follower_reads: crate::follower_reads::FollowerReads,
    /// Accept terminals that have no token yet (demo and development only).
    pub(crate) allow_unprovisioned: std::sync::atomic::AtomicBool,
    /// Callers' credential rows (PostgreSQL, while its listener is connected).
    pub(crate) credentials: Arc<crate::credential_cache::CredentialCache>,
    /// Times a connection was taken, and nanoseconds spent waiting for it
    /// (and, on PostgreSQL, for the writer lock).
    lock_taken: AtomicU64,
    lock_wait_ns: AtomicU64,
}

type Result<T> = std::result::Result<T, CentralError>;

pub(crate) fn corrupt(what: impl std::fmt::Display) -> CentralError {
    CentralError::Corrupt(what.to_string())
}

/// JSON text of an argument of one of PostgreSQL's functions (the push of
/// sales, the holds).
pub(crate) fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(corrupt)
}

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

impl CentralDb {
    /// Opens `db`: a `postgres://` connection string or a SQLite file path.
    pub fn connect(db: &str) -> Result<Self> {
        if is_postgres_url(db) {
            Self::open_postgres(db)
        } else {
            Self::open(Path::new(db))
        }
    }

    /// Opens (creating if needed) the SQLite database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Central has a few hundred statements; rusqlite keeps 16 by default,
        // and re-preparing them was most of the time under the lock.
        conn.set_prepared_statement_cache_capacity(512);
        // Migrations run with foreign keys off (a table rebuilt keeps its
        // rows); each checks every reference inside its own transaction.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        migrations().to_latest(&mut conn)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Self::with(Backend::Sqlite(Mutex::new(conn))))
    }

    /// Connects to a PostgreSQL database, migrates it and starts following
    /// the seat events other instances write.
    pub fn open_postgres(url: &str) -> Result<Self> {
        let pool = PgPool::connect(url)?;
        pool.migrate()?;
        let db = Self::with(Backend::Postgres(pool));
        if let Backend::Postgres(pool) = &db.backend {
            pool.listen(&db.events, &db.credentials);
        }
        Ok(db)
    }

    fn with(backend: Backend) -> Self {
        let db = CentralDb {
            backend,
            events: Arc::new(crate::event_watch::EventWatch::new(0)),
            follower_reads: Default::default(),
            allow_unprovisioned: std::sync::atomic::AtomicBool::new(false),
            credentials: Default::default(),
            lock_taken: AtomicU64::new(0),
            lock_wait_ns: AtomicU64::new(0),
        };
        if let Ok(last) = db.read().and_then(|c| last_event_seq(&c)) {
            db.events.raise(last, &crate::event_watch::Sites::All);
        }
        db
    }

    /// Whether central runs on PostgreSQL.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Tells this instance's sequencer that a write of seat events made
    /// outside [`CentralDb::write`] committed (PostgreSQL; nothing on SQLite).
    pub(crate) fn events_committed(&self) {
        if let Backend::Postgres(pool) = &self.backend {
            pool.wake_sequencer();
        }
    }

    /// Which backend this is, for logs and metrics: `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    fn conn(&self) -> Result<Sql<'_>> {
        let asked = std::time::Instant::now();
        let conn = match &self.backend {
            // A panic while holding the lock leaves SQLite consistent
            // (transactions roll back), so a poisoned lock is safe to reuse.
            Backend::Sqlite(c) => Sql::sqlite(c.lock().unwrap_or_else(|e| e.into_inner())),
            Backend::Postgres(p) => Sql::pg(p.get()?),
        };
        self.note_wait(asked);
        Ok(conn)
    }

    fn note_wait(&self, since: std::time::Instant) {
        let waited = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.lock_taken.fetch_add(1, Ordering::Relaxed);
        self.lock_wait_ns.fetch_add(waited, Ordering::Relaxed);
    }

    /// How often a connection was taken, and the seconds spent waiting
    /// for it in all (for the metrics).
    pub fn lock_stats(&self) -> (u64, f64) {
        (
            self.lock_taken.load(Ordering::Relaxed),
            self.lock_wait_ns.load(Ordering::Relaxed) as f64 / 1e9,
        )
    }

    /// PostgreSQL pool connections open and idle (none on SQLite).
    pub fn pool_state(&self) -> Option<(u32, u32)> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(p) => Some(p.state()),
        }
    }

    /// Runs `f` in one write transaction (see [`Sql::begin_write`]) and
    /// wakes the seat event followers of every instance if it added events.
    pub fn write<T>(&self, f: impl FnOnce(&Sql<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn()?;
        tx.begin_write()?;
        self.finish_write(tx, f)
    }

    /// As [`CentralDb::write`], for a write that changes seats of
    /// `showtimes` only: on PostgreSQL it runs beside writes on other
    /// showtimes (see `sql::scope`); recording a seat event of another
    /// showtime fails it.
    pub fn write_showtimes<T>(
        &self,
        showtimes: &[&str],
        f: impl FnOnce(&Sql<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_scoped(showtimes, &[], f)
    }

    /// As [`CentralDb::write_showtimes`], also taking the locks named
    /// `locks` (say, an owner's, when a rule counts across showtimes).
    pub fn write_scoped<T>(
        &self,
        showtimes: &[&str],
        locks: &[&str],
        f: impl FnOnce(&Sql<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut shows: Vec<String> = showtimes.iter().map(|s| s.to_string()).collect();
        shows.sort();
        shows.dedup();
        let tx = self.conn()?;
        tx.begin_scoped(&shows, locks)?;
        self.finish_write(tx, f)
    }

    fn finish_write<T>(&self, tx: Sql<'_>, f: impl FnOnce(&Sql<'_>) -> Result<T>) -> Result<T> {
        let out = f(&tx)?;
        if let Backend::Postgres(pool) = &self.backend {
            // This instance's sequencer numbers the write's events once it
            // commits; followers wake from there.
            let added = tx.events_added();
            tx.commit()?;
            if added {
                pool.wake_sequencer();
            }
            return Ok(out);
        }
        let last = tx.events_added().then(|| last_event_seq(&tx)).transpose()?;
        let sites = Sites::Some(tx.event_sites());
        tx.commit()?;
        if let Some(last) = last {
            self.events.raise(last, &sites);
        }
        Ok(out)
    }

    /// A connection for reads (each statement sees what was committed
    /// when it ran).
    pub(crate) fn read(&self) -> Result<Sql<'_>> {
        self.conn()
    }

    /// Whether the database holds no site yet.
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn()?
            .query_row("SELECT count(*) FROM sites", [], |r| r.get(0))?;
        Ok(n == 0)
    }
}

fn last_event_seq(conn: &Sql<'_>) -> Result<i64> {
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
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }
}

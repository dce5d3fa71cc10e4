//! One small SQL interface over central's two backends, SQLite (embedded:
//! the demo, development, tests that need nothing installed) and PostgreSQL
//! (the chain's central, several instances on one database).
//!
//! Central's modules write their SQL once, in the subset both understand,
//! with `?1`-style placeholders (rewritten to `$1` for PostgreSQL), and run
//! it through a [`Sql`] handle that looks like rusqlite's: `execute`,
//! `query_row`, `prepare(..).query_map(..)`, `.optional()`. Values cross as
//! [`Value`]s; integers are 64-bit on both sides (PostgreSQL columns are
//! `BIGINT`), booleans are stored as 0/1.

pub(crate) mod pg;
pub(crate) mod scope;
mod sequencer;
mod value;

#[cfg(test)]
pub(crate) use pg::EVENTS_CHANNEL;
pub(crate) use pg::PgPool;
pub use pg::{create_database, databases_named, drop_database};
pub use value::{FromValue, Param, Value};

use rusqlite::Connection;
use std::cell::{Cell, RefCell};
use std::sync::MutexGuard;

/// Positional parameters, as rusqlite's `params!`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[&dyn $crate::sql::Param] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::sql::Param),+] as &[&dyn $crate::sql::Param] };
}
pub use crate::params;

/// Records one seat event (the site is the showtime's): in the feed at once
/// on SQLite, which writes one transaction at a time; on PostgreSQL in
/// `pending_seat_events`, numbered by the sequencer after the commit.
pub(crate) fn insert_event(
    tx: &Sql<'_>,
    showtime_id: &str,
    seat: &str,
    state: &str,
    owner: Option<&str>,
    at_ms: i64,
) -> Result<()> {
    let site: Option<String> = tx
        .prepare_cached(if tx.is_postgres() {
            "INSERT INTO pending_seat_events (site_id, showtime_id, seat_label, state, owner, at)
                 SELECT site_id, id, CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS TEXT),
                     CAST(?5 AS BIGINT)
                 FROM showtimes WHERE id = ?1
                 RETURNING site_id"
        } else {
            "INSERT INTO seat_events (site_id, showtime_id, seat_label, state, owner, at)
                 SELECT site_id, id, CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS TEXT),
                     CAST(?5 AS BIGINT)
                 FROM showtimes WHERE id = ?1
                 RETURNING site_id"
        })?
        .query_row(params![showtime_id, seat, state, owner, at_ms], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(site) = site {
        tx.event_sites.borrow_mut().push(site);
    }
    tx.mark_events_added();
    Ok(())
}

/// What a database call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A query that must return a row returned none.
    #[error("query returned no rows")]
    NoRows,
    /// SQLite failed.
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed.
    #[error("{0}")]
    Postgres(#[from] postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// A column held another type than the code reads.
    #[error("column {column}: {message}")]
    Type {
        /// Column index.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// Setting up the database (migrations, connection string) failed.
    #[error("{0}")]
    Setup(String),
    /// A showtime-scoped write broke its scope (a defect, never the caller's).
    #[error("{0}")]
    Scope(String),
}

impl DbError {
    /// Whether PostgreSQL gave up on the transaction because of a concurrent
    /// one (serialization failure or deadlock): running it again is safe.
    pub fn is_retryable(&self) -> bool {
        match self {
            DbError::Postgres(e) => e.code().is_some_and(|c| {
                *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
            }),
            _ => false,
        }
    }
}

type Result<T> = std::result::Result<T, DbError>;

/// `query_row(..).optional()`: no row is `None`, as in rusqlite.
pub trait OptionalExtension<T> {
    /// `Ok(None)` for [`DbError::NoRows`].
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Parameters of one statement: `params![..]`, `[a, b]` or `[]`.
pub trait Params {
    /// The values, in placeholder order.
    fn values(self) -> Vec<Value>;
}

impl Params for &[&dyn Param] {
    fn values(self) -> Vec<Value> {
        self.iter().map(|p| p.value()).collect()
    }
}

impl Params for [&dyn Param; 0] {
    fn values(self) -> Vec<Value> {
        Vec::new()
    }
}

macro_rules! array_params {
    ($($n:literal)+) => {$(
        impl<T: Param> Params for [T; $n] {
            fn values(self) -> Vec<Value> {
                self.iter().map(|p| p.value()).collect()
            }
        }
    )+};
}
array_params!(1 2 3 4 5 6 7 8);

/// A column's position (a trait so that `r.get(0)` infers `usize`).
pub trait ColumnIndex {
    /// The position.
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// One result row.
pub struct Row(Vec<Value>);

impl Row {
    /// Column `i`, converted (the `_` is for rusqlite-style turbofish).
    pub fn get<I: ColumnIndex, T: FromValue>(&self, i: I) -> Result<T> {
        let column = i.index();
        let v = self.0.get(column).ok_or_else(|| DbError::Type {
            column,
            message: "no such column".into(),
        })?;
        T::from_value(v).map_err(|message| DbError::Type { column, message })
    }
}

enum Conn<'a> {
    Sqlite(MutexGuard<'a, Connection>),
    Pg(Box<RefCell<pg::PooledConn>>),
}

/// A connection to either backend, perhaps inside a transaction (rolled
/// back when dropped unless committed).
pub struct Sql<'a> {
    conn: Conn<'a>,
    in_transaction: Cell<bool>,
    events_added: Cell<bool>,
    /// Sites this transaction recorded seat events for.
    event_sites: RefCell<Vec<String>>,
    /// Set for a showtime-scoped write (see [`scope`]).
    scope: RefCell<Option<scope::Scope>>,
}

impl<'a> Sql<'a> {
    pub(crate) fn sqlite(conn: MutexGuard<'a, Connection>) -> Self {
        Sql {
            conn: Conn::Sqlite(conn),
            in_transaction: Cell::new(false),
            events_added: Cell::new(false),
            event_sites: RefCell::new(Vec::new()),
            scope: RefCell::new(None),
        }
    }

    pub(crate) fn pg(conn: pg::PooledConn) -> Self {
        Sql {
            conn: Conn::Pg(Box::new(RefCell::new(conn))),
            in_transaction: Cell::new(false),
            events_added: Cell::new(false),
            event_sites: RefCell::new(Vec::new()),
            scope: RefCell::new(None),
        }
    }

    /// Whether this is a PostgreSQL connection.
    pub fn is_postgres(&self) -> bool {
        matches!(self.conn, Conn::Pg(_))
    }

    /// Starts a write transaction: SQLite takes its write lock at once
    /// (`BEGIN IMMEDIATE`); PostgreSQL takes the database's writer lock,
    /// so writes apply one at a time whatever instance runs them.
    pub(crate) fn begin_write(&self) -> Result<()> {
        match &self.conn {
            Conn::Sqlite(_) => self.execute_batch("BEGIN IMMEDIATE")?,
            Conn::Pg(_) => {
                // Open from here: a failure taking the lock rolls back on drop.
                self.in_transaction.set(true);
                // One round trip (the lock is held until commit, so every
                // round trip inside costs every writer waiting).
                self.execute_batch(&format!(
                    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({})",
                    pg::WRITER_LOCK
                ))?;
            }
        }
        self.in_transaction.set(true);
        Ok(())
    }

    /// Starts a write that changes seats of `showtimes` only, also taking
    /// the named `locks`: on PostgreSQL
    /// it runs beside writes on other showtimes (see [`scope`]); on SQLite
    /// it is [`Sql::begin_write`].
    pub(crate) fn begin_scoped(&self, showtimes: &[String], locks: &[&str]) -> Result<()> {
        if !self.is_postgres() || showtimes.is_empty() {
            return self.begin_write();
        }
        self.in_transaction.set(true);
        self.execute_batch(&scope::begin_statements(showtimes, locks))?;
        *self.scope.borrow_mut() = Some(scope::Scope {
            showtimes: showtimes.to_vec(),
        });
        Ok(())
    }

    /// Notes that this transaction recorded seat events (so its commit
    /// wakes the followers).
    pub(crate) fn mark_events_added(&self) {
        self.events_added.set(true);
    }

    /// The sites this transaction recorded seat events for, once each.
    pub(crate) fn event_sites(&self) -> Vec<String> {
        let mut sites = self.event_sites.borrow().clone();
        sites.sort();
        sites.dedup();
        sites
    }

    /// Whether this transaction recorded seat events.
    pub(crate) fn events_added(&self) -> bool {
        self.events_added.get()
    }

    /// Commits the open transaction.
    pub(crate) fn commit(&self) -> Result<()> {
        self.execute_batch("COMMIT")?;
        self.in_transaction.set(false);
        Ok(())
    }

    /// Runs one statement and returns how many rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        let values = params.values();
        match &self.conn {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(values.iter()))?)
            }
            Conn::Pg(c) => c.borrow_mut().execute(sql, &values),
        }
    }

    /// Runs statements with no parameters and no results.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.conn {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Pg(c) => c.borrow_mut().batch(sql),
        }
    }

    /// All rows of a query.
    pub fn query_rows<P: Params>(&self, sql: &str, params: P) -> Result<Vec<Row>> {
        let values = params.values();
        match &self.conn {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let columns = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let mut row = Vec::with_capacity(columns);
                    for i in 0..columns {
                        row.push(Value::from(r.get_ref(i)?));
                    }
                    out.push(Row(row));
                }
                Ok(out)
            }
            Conn::Pg(c) => c.borrow_mut().query(sql, &values),
        }
    }

    /// The first row of a query, through `f`; [`DbError::NoRows`] if none.
    pub fn query_row<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        let rows = self.query_rows(sql, params)?;
        rows.first().map_or(Err(DbError::NoRows), f)
    }

    /// A statement to run (possibly many times).
    pub fn prepare<'s>(&'s self, sql: &'s str) -> Result<Stmt<'s, 'a>> {
        Ok(Stmt { conn: self, sql })
    }

    /// The same as [`Sql::prepare`]: both backends cache prepared statements.
    pub fn prepare_cached<'s>(&'s self, sql: &'s str) -> Result<Stmt<'s, 'a>> {
        self.prepare(sql)
    }
}

impl Drop for Sql<'_> {
    fn drop(&mut self) {
        if self.in_transaction.get() {
            // An error (or a panic) left the transaction open: nothing of it stays.
            if let Err(e) = self.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "rolling back failed");
            }
        }
    }
}

/// A statement of a [`Sql`] handle.
pub struct Stmt<'s, 'a> {
    conn: &'s Sql<'a>,
    sql: &'s str,
}

impl Stmt<'_, '_> {
    /// Every row through `f`, as rusqlite's `query_map`.
    pub fn query_map<T, P: Params>(
        &mut self,
        params: P,
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let rows = self.conn.query_rows(self.sql, params)?;
        Ok(rows.iter().map(&mut f).collect::<Vec<_>>().into_iter())
    }

    /// The first row through `f`.
    pub fn query_row<T, P: Params>(
        &mut self,
        params: P,
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        self.conn.query_row(self.sql, params, f)
    }

    /// Runs the statement; rows changed.
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        self.conn.execute(self.sql, params)
    }

    /// Whether the query returns any row.
    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        Ok(!self.conn.query_rows(self.sql, params)?.is_empty())
    }
}

/// Rewrites `?N` (and bare `?`) placeholders to PostgreSQL's `$N`, leaving
/// quoted text alone.
pub(crate) fn to_dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut next_bare = 1;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                out.push('$');
                if chars.peek().is_some_and(char::is_ascii_digit) {
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        out.push(d);
                    }
                } else {
                    out.push_str(&next_bare.to_string());
                    next_bare += 1;
                }
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            to_dollar_placeholders("SELECT '?1', \"a?\" FROM t WHERE a = ?1 AND b = ?12"),
            "SELECT '?1', \"a?\" FROM t WHERE a = $1 AND b = $12"
        );
        assert_eq!(to_dollar_placeholders("VALUES (?, ?)"), "VALUES ($1, $2)");
    }
}

//! Showtime-scoped writes on PostgreSQL: the hot writes (a sale pushed by a
//! terminal, a web sale, a hold) name the showtimes whose seats they change
//! and run side by side when those differ, instead of one at a time.
//!
//! Locks, all transaction-level advisory locks, always taken in this order:
//! 1. the writer lock ([`super::pg::WRITER_LOCK`]): *shared* by scoped
//!    writes, *exclusive* by every other write, which therefore still runs
//!    alone, exactly as before;
//! 2. one lock per showtime of the scope, in the order of their keys, so
//!    two writes on one showtime run one after the other.
//!
//! Seat events are numbered later, by the sequencer (`super::sequencer`).
//! A scoped write may change seats of its showtimes only: every seat change
//! records a seat event, and recording one outside the scope is an error.

use super::{DbError, Sql};

/// The first key of a showtime's lock (advisory locks on two 32-bit keys
/// never meet those on one 64-bit key).
pub(crate) const SHOWTIME_LOCK_CLASS: i32 = 0x626f_7853;

/// The scope of a write: its showtimes.
pub(crate) struct Scope {
    pub(crate) showtimes: Vec<String>,
}

/// A showtime's (or a named) lock key: FNV-1a of its id folded to 32 bits (stable across
/// builds and instances; two showtimes sharing a key only wait for each other).
pub(crate) fn lock_key(name: &str) -> i32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ((h >> 32) ^ h) as u32 as i32
}

/// The statements that open a scoped write and take its locks, in one
/// round trip (keys are integers: nothing of the caller's text is in it).
pub(crate) fn begin_statements(showtimes: &[String], locks: &[&str]) -> String {
    let mut sql = format!(
        "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock_shared({});",
        super::pg::WRITER_LOCK
    );
    for key in lock_keys(showtimes, locks) {
        sql.push_str(&format!(
            " SELECT pg_advisory_xact_lock({SHOWTIME_LOCK_CLASS}, {key});"
        ));
    }
    sql
}

/// The keys of the showtime-class locks a write scoped to `showtimes` and
/// the named `locks` takes, in the order it takes them (sorted, each once).
pub(crate) fn lock_keys(showtimes: &[impl AsRef<str>], locks: &[&str]) -> Vec<i32> {
    let named = locks.iter().map(|l| lock_key(&format!("lock:{l}")));
    let mut keys: Vec<i32> = showtimes
        .iter()
        .map(|s| lock_key(s.as_ref()))
        .chain(named)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

impl Sql<'_> {
    /// The showtimes of a scoped write (`None` for any other).
    pub(crate) fn scope_showtimes(&self) -> Option<Vec<String>> {
        self.scope.borrow().as_ref().map(|s| s.showtimes.clone())
    }

    /// Refuses a seat change outside a scoped write's showtimes.
    pub(crate) fn check_in_scope(&self, showtime_id: &str) -> Result<(), DbError> {
        match self.scope.borrow().as_ref() {
            Some(scope) if !scope.showtimes.iter().any(|s| s == showtime_id) => {
                Err(DbError::Scope(format!(
                    "a write scoped to {:?} changed a seat of showtime {showtime_id}",
                    scope.showtimes
                )))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CentralDb;
    use crate::error::CentralError;
    use domain::SeatState;

    #[test]
    fn the_database_s_write_functions_take_a_scoped_write_s_locks() {
        // The web sale (0006), the push of sales (0007, 0011) and the
        // holds (0010: placing one, releasing one) take, in the database, the
        // locks `begin_statements` takes for a scoped write.
        let shared = format!(
            "pg_advisory_xact_lock_shared({})",
            super::super::pg::WRITER_LOCK
        );
        for (file, sql, key) in [
            (
                "0006",
                include_str!("../../../../migrations/central-pg/0006_web_sale_function.sql"),
                "p_lock_key",
            ),
            (
                "0007",
                include_str!("../../../../migrations/central-pg/0007_push_sales_function.sql"),
                "k::INTEGER",
            ),
            (
                "0010",
                include_str!("../../../../migrations/central-pg/0010_hold_functions.sql"),
                "k::INTEGER",
            ),
            (
                "0010",
                include_str!("../../../../migrations/central-pg/0010_hold_functions.sql"),
                "p_lock_key",
            ),
            (
                "0011",
                include_str!("../../../../migrations/central-pg/0011_push_sales_single.sql"),
                "k::INTEGER",
            ),
        ] {
            assert!(sql.contains(&shared), "{file} must share the writer lock");
            let show = format!("pg_advisory_xact_lock({SHOWTIME_LOCK_CLASS}, {key})");
            assert!(sql.contains(&show), "{file} must take the showtime locks");
        }
    }

    /// On a real PostgreSQL server (tests/pg/up.sh), whatever the run's backend.
    #[test]
    fn a_scoped_write_changes_seats_of_its_showtimes_only() {
        let db = CentralDb::connect(&crate::testing::fresh_postgres_database()).unwrap();
        let now = jiff::Timestamp::now();
        let inside = db.write_showtimes(&["show-a"], |tx| {
            crate::seats::emit(tx, "show-a", "A1", SeatState::Sold, None, now)
        });
        assert!(inside.is_ok(), "{inside:?}");
        let outside = db.write_showtimes(&["show-a"], |tx| {
            crate::seats::emit(tx, "show-b", "A1", SeatState::Sold, None, now)
        });
        assert!(
            matches!(outside, Err(CentralError::Db(DbError::Scope(_)))),
            "{outside:?}"
        );
    }

    #[test]
    fn showtime_locks_are_taken_in_key_order_once_each() {
        let shows = ["b-show", "a-show", "b-show"].map(String::from);
        let sql = begin_statements(&shows, &[]);
        let mut keys = [lock_key("a-show"), lock_key("b-show")];
        keys.sort_unstable();
        let expected: String = keys
            .iter()
            .map(|k| format!(" SELECT pg_advisory_xact_lock({SHOWTIME_LOCK_CLASS}, {k});"))
            .collect();
        assert!(sql.ends_with(&expected), "{sql}");
        assert!(sql.contains("pg_advisory_xact_lock_shared"), "{sql}");
        assert_ne!(lock_key("a-show"), lock_key("b-show"));
        let with_owner = begin_statements(&shows, &["t1"]);
        let owner = lock_key("lock:t1");
        assert!(with_owner.contains(&format!("({SHOWTIME_LOCK_CLASS}, {owner});")));
    }
}

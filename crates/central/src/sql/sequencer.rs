//! The seat event sequencer on PostgreSQL (migration 0003): writers record
//! seat events in `pending_seat_events` and go; the sequencer moves them into
//! `seat_events`, which numbers them, one batch per transaction under
//! [`SEQUENCER_LOCK`], so numbers become visible in increasing order.
//!
//! Each instance's sequencer thread (`super::pg`) runs it as soon as a write
//! of that instance with seat events commits, and once a second anyway (for
//! what an instance that stopped left behind); a plain (non-waiting) read of
//! the feed runs it first, so a caller reads what was committed before its
//! read. Several callers at once simply take turns. Writers do not wait for
//! each other to number events, nor NOTIFY (PostgreSQL would put notifying
//! commits in a row): their commits (and fsyncs) overlap.

use super::{DbError, Sql};
use crate::event_watch::{EventWatch, Sites};

/// The lock a sequencing transaction holds (written out in migration 0003;
/// a test checks they agree).
#[cfg(test)]
pub(crate) const SEQUENCER_LOCK: i64 = 0x626f_785f_7365_7173;
/// Batches one call moves at most (each up to 10,000 events).
const MAX_BATCHES: usize = 16;

/// The one statement: moves a batch, notifies, answers the payload.
pub(crate) const SEQUENCE: &str = "SELECT boxoffice_sequence_seat_events()";

/// Reads the sequencing function's answer.
pub(crate) fn read_payload(payload: Option<String>) -> Result<Option<(i64, Sites)>, DbError> {
    match payload {
        None => Ok(None),
        Some(p) => EventWatch::parse_payload(&p)
            .map(Some)
            .ok_or_else(|| DbError::Scope(format!("unreadable sequencer answer {p:?}"))),
    }
}

/// Moves every pending event into the feed through `next` (one batch per
/// call), returning the last batch's number and sites.
pub(crate) fn drain(
    mut next: impl FnMut() -> Result<Option<String>, DbError>,
) -> Result<Option<(i64, Sites)>, DbError> {
    let mut last = None;
    for _ in 0..MAX_BATCHES {
        match read_payload(next()?)? {
            None => break,
            Some(batch) => last = Some(batch),
        }
    }
    Ok(last)
}

impl Sql<'_> {
    /// Numbers the pending seat events committed so far (PostgreSQL; a
    /// no-op on SQLite, which numbers them as they are written).
    pub(crate) fn settle_events(&self) -> Result<Option<(i64, Sites)>, DbError> {
        if !self.is_postgres() {
            return Ok(None);
        }
        let pending: bool = self.query_row(
            "SELECT EXISTS (SELECT 1 FROM pending_seat_events)",
            [],
            |r| r.get(0),
        )?;
        if !pending {
            return Ok(None);
        }
        drain(|| self.query_row(SEQUENCE, [], |r| r.get(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequencer_takes_its_lock_and_notifies_followers() {
        for sql in [
            include_str!("../../../../migrations/central-pg/0003_seat_event_sequencer.sql"),
            include_str!("../../../../migrations/central-pg/0005_set_based_sequencer.sql"),
        ] {
            let take = format!("pg_advisory_xact_lock({SEQUENCER_LOCK})");
            assert!(
                sql.contains(&take),
                "the sequencer must take SEQUENCER_LOCK"
            );
            assert!(sql.contains(&format!("'{}'", super::super::EVENTS_CHANNEL)));
            assert!(!sql.contains("TRIGGER"), "writers must not NOTIFY");
        }
    }

    /// On a real PostgreSQL server (tests/pg/up.sh), whatever the run's
    /// backend: a regression test of the set-based sequencer (0005). With
    /// thousands of dead rows in its queue (moved, not yet vacuumed), what
    /// is pending is moved, in the order it was written, and the queue is
    /// left empty. (The instance's own sequencer thread may move a batch
    /// first, once a second: the test reads the feed, not who moved it.)
    #[test]
    fn the_sequencer_moves_events_in_order_past_dead_queue_rows() {
        let url = crate::testing::fresh_postgres_database();
        let db = crate::CentralDb::connect(&url).unwrap();
        let sql = db.read().unwrap();
        let add = |n: i64, prefix: &str| {
            let insert = "INSERT INTO pending_seat_events (site_id, showtime_id, seat_label, state, owner, at)
                 SELECT 's', 'show', ?2 || i, 'held', 't', i FROM generate_series(1, ?1) AS i";
            sql.execute(insert, crate::sql::params![n, prefix]).unwrap();
        };
        let labels_after = |seq: i64| -> Vec<String> {
            let rows = sql.query_rows(
                "SELECT seat_label FROM seat_events WHERE seq > ?1 ORDER BY seq",
                crate::sql::params![seq],
            );
            rows.unwrap().iter().map(|r| r.get(0).unwrap()).collect()
        };
        let settle = || {
            sql.settle_events().unwrap();
            let left = "SELECT count(*) FROM pending_seat_events";
            let pending: i64 = sql.query_row(left, [], |r| r.get(0)).unwrap();
            assert_eq!(pending, 0, "the queue is left empty");
            let last = "SELECT COALESCE(max(seq), 0) FROM seat_events";
            sql.query_row(last, [], |r| r.get::<_, i64>(0)).unwrap()
        };
        add(3_000, "A");
        let first = settle();
        let moved = labels_after(0);
        assert_eq!(moved.len(), 3_000);
        assert_eq!((moved[0].as_str(), moved[2_999].as_str()), ("A1", "A3000"));
        add(2, "B");
        settle();
        assert_eq!(labels_after(first), ["B1", "B2"]);
    }

    #[test]
    fn draining_stops_when_nothing_is_pending() {
        let mut answers = vec![None, Some("12 b".to_string()), Some("9 a".to_string())];
        let got = drain(|| Ok(answers.pop().flatten())).unwrap();
        assert_eq!(got, Some((12, Sites::Some(vec!["b".into()]))));
        assert!(answers.is_empty());
    }
}

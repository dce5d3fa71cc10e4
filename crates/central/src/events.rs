//! The seat event feed: every change of a seat's state at central, in
//! order, so terminals keep their seat maps live without polling each
//! showtime. Terminals long-poll with the last sequence number they saw.

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::follower_reads::Ride;
use crate::sql::params;
use domain::SeatState;
use protocol::{SeatEvent, SeatEvents};
use std::time::Duration;

/// Most events returned by one call.
pub const MAX_EVENTS: u32 = crate::follower_reads::MAX_EVENTS;

/// Seat events deleted per transaction when pruning.
pub const PRUNE_BATCH: u32 = 5_000;

/// How long seat events are kept: a follower further behind is told to
/// reload seat states (`reset`), which it does anyway after a long absence.
pub const EVENT_RETENTION: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

impl CentralDb {
    /// Deletes seat events older than `before` (never the newest, which
    /// carries the feed's sequence number). Returns how many went.
    ///
    /// It deletes from the oldest by sequence number, in batches of
    /// [`PRUNE_BATCH`], each its own short transaction, so a first run over
    /// a long history never holds the database for long.
    pub fn prune_events(&self, before: jiff::Timestamp) -> Result<usize, CentralError> {
        let mut gone = 0;
        loop {
            let n = self.write(|tx| {
                Ok(tx.execute(
                    "DELETE FROM seat_events WHERE seq IN
                         (SELECT seq FROM seat_events ORDER BY seq LIMIT ?2)
                     AND at < ?1 AND seq < (SELECT max(seq) FROM seat_events)",
                    params![before.as_millisecond(), PRUNE_BATCH],
                )?)
            })?;
            gone += n;
            if n < PRUNE_BATCH as usize {
                return Ok(gone);
            }
        }
    }

    /// Events of `site_id` after `after` (at most [`MAX_EVENTS`]), every
    /// write committed before the call included. With no `after`, returns
    /// no events and the current last sequence number, so a terminal can
    /// load seat states and then follow from there.
    pub fn seat_events(
        &self,
        site_id: &str,
        after: Option<i64>,
    ) -> Result<SeatEvents, CentralError> {
        self.read_events(site_id, after, true)
    }

    /// As [`CentralDb::seat_events`], settling pending events first only if
    /// `settle` (a long poll need not: the sequencer wakes it).
    pub(crate) fn read_events(
        &self,
        site_id: &str,
        after: Option<i64>,
        settle: bool,
    ) -> Result<SeatEvents, CentralError> {
        let conn = self.read()?;
        if settle && let Some((seq, sites)) = conn.settle_events()? {
            self.events.raise(seq, &sites);
        }
        let Some(after) = after else {
            // The feed's end (a lone max: SQLite reads it from the index).
            let last: i64 =
                conn.query_row("SELECT COALESCE(max(seq), 0) FROM seat_events", [], |r| {
                    r.get(0)
                })?;
            return Ok(SeatEvents {
                events: Vec::new(),
                last_seq: last,
                reset: false,
            });
        };
        // The feed's ends and the site's page, in one round trip and one
        // snapshot (one aggregate per subquery: SQLite reads a lone min or
        // max from the index, two together scan the table).
        type Row = (
            i64,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let mut stmt = conn.prepare_cached(
            "SELECT m.last, m.oldest, e.seq, e.showtime_id, e.seat_label, e.state, e.owner
             FROM (SELECT (SELECT COALESCE(max(seq), 0) FROM seat_events) AS last,
                          (SELECT min(seq) FROM seat_events) AS oldest) m
             LEFT JOIN (SELECT seq, showtime_id, seat_label, state, owner FROM seat_events
                        WHERE site_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3) e ON 1 = 1
             ORDER BY e.seq",
        )?;
        let rows = stmt
            .query_map(params![site_id, after, MAX_EVENTS], |r| {
                let row: Row = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
                Ok((
                    row,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let (last, oldest) = rows.first().map_or((0, None), |((l, o, ..), ..)| (*l, *o));
        let reset = after > last || oldest.is_some_and(|o| o > after + 1);
        if reset {
            return Ok(SeatEvents {
                events: Vec::new(),
                last_seq: last,
                reset: true,
            });
        }
        let events = rows
            .into_iter()
            .filter_map(|((_, _, seq, show, seat), state, owner)| {
                Some((seq?, show?, seat?, state?, owner))
            })
            .map(|(seq, showtime_id, seat, state, owner)| {
                Ok(SeatEvent {
                    seq,
                    showtime_id,
                    seat,
                    state: SeatState::parse(&state)
                        .ok_or_else(|| CentralError::Corrupt(format!("seat state {state}")))?,
                    owner,
                })
            })
            .collect::<Result<Vec<_>, CentralError>>()?;
        // A full page continues from its last event; otherwise the caller is up to date.
        let last_seq = if events.len() as u32 == MAX_EVENTS {
            events.last().map_or(after, |e| e.seq)
        } else {
            last.max(after)
        };
        Ok(SeatEvents {
            events,
            last_seq,
            reset: false,
        })
    }

    /// The last event number announced for `site` on this instance.
    pub(crate) fn site_event_seq(&self, site: &str) -> i64 {
        *self.events.site(site).borrow()
    }

    /// The last event number announced on this instance, any site.
    pub(crate) fn last_event_seq(&self) -> i64 {
        self.events.last()
    }

    /// `site`'s events after `after`, as a long poll woken at `want` (the
    /// site's watch number) needs them: from a read started at `want` or
    /// later, shared with this instance's other followers of the site
    /// (`follower_reads`).
    pub(crate) async fn follower_page(
        self: &std::sync::Arc<Self>,
        site: &str,
        after: i64,
        want: i64,
    ) -> Result<SeatEvents, CentralError> {
        let ride = self
            .follower_reads
            .board(site, after, want, || self.site_event_seq(site));
        match ride {
            Ride::Wait(flight) => match flight.page_for(after).await {
                Some(page) => Ok(page),
                // That read failed or could not answer: read alone.
                None => self.read_page(site, after).await,
            },
            Ride::Fly(tx) => {
                let page = self.read_page(site, after).await?;
                let _ = tx.send(Some(std::sync::Arc::new(page.clone())));
                Ok(page)
            }
        }
    }

    /// `site`'s events after `after`, read now for this caller alone.
    pub(crate) async fn read_page(
        self: &std::sync::Arc<Self>,
        site: &str,
        after: i64,
    ) -> Result<SeatEvents, CentralError> {
        let (db, site) = (self.clone(), site.to_string());
        tokio::task::spawn_blocking(move || db.read_events(&site, Some(after), false))
            .await
            .map_err(|e| CentralError::Corrupt(format!("worker failed: {e}")))?
    }

    /// Waits until a write may have added an event of `site_id` after
    /// `after`, or `wait` passes. Returns the site's watch number then.
    pub async fn wait_for_events(&self, site_id: &str, after: i64, wait: Duration) -> i64 {
        let mut rx = self.events.site(site_id);
        if *rx.borrow_and_update() > after {
            return *rx.borrow();
        }
        let _ = tokio::time::timeout(wait, async {
            while rx.changed().await.is_ok() {
                if *rx.borrow_and_update() > after {
                    return;
                }
            }
        })
        .await;
        *rx.borrow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    #[tokio::test]
    async fn waiting_ends_at_once_when_events_exist_and_after_the_timeout_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let db = CentralDb::open(&dir.path().join("c.sqlite")).unwrap();
        crate::demo::seed(&db, Timestamp::now()).unwrap();
        let site = "dxb-marina";
        let start = db.seat_events(site, None).unwrap();
        assert!(start.events.is_empty());
        let t = std::time::Instant::now();
        db.wait_for_events(site, start.last_seq, Duration::from_millis(200))
            .await;
        assert!(t.elapsed() >= Duration::from_millis(150));
        let show: String = db
            .read()
            .unwrap()
            .query_row(
                "SELECT id FROM showtimes WHERE site_id = ?1 ORDER BY starts_at DESC LIMIT 1",
                [site],
                |r| r.get(0),
            )
            .unwrap();
        db.web_sale(
            &crate::web_channels::WebChannel::every_site("test-web", 50),
            &protocol::WebSaleRequest {
                showtime_id: show.clone(),
                seats: vec!["F-10".into()],
            },
            uuid::Uuid::now_v7(),
            Timestamp::now(),
        )
        .unwrap();
        db.wait_for_events(site, start.last_seq, Duration::from_secs(30))
            .await;
        let got = db.seat_events(site, Some(start.last_seq)).unwrap();
        assert_eq!(got.events.len(), 1);
        assert_eq!(got.events[0].seat, "F-10");
        assert_eq!(got.events[0].state, SeatState::Sold);
        assert_eq!(got.events[0].owner.as_deref(), Some("web"));
        assert_eq!(got.last_seq, got.events[0].seq);
        // Another site's events are not this site's business.
        let other = db.seat_events("mct-avenues", Some(start.last_seq)).unwrap();
        assert!(other.events.is_empty());
        assert_eq!(other.last_seq, got.last_seq);
    }
}

//! Long polls of one site share their reads of the feed. A sale wakes every
//! follower of its site on this instance at once (five counters a site),
//! and they ask for nearly the same page: one read serves them all, so a
//! sale costs about one read of the feed per site and instance rather than
//! one per follower.
//!
//! A read of the site's events after `x` (a "flight", in the air or landed)
//! answers a follower at position `y` when:
//! - `x <= y`, and `y` is not past the read's end: the follower takes the
//!   read's events after `y` (a full page, which may stop short, only when
//!   `y == x`);
//! - the read started after the follower was woken: each read carries the
//!   site's watch number from just before it (`as_of`), and a follower woken
//!   at number `want` takes it only if `as_of >= want`. The watch is raised
//!   after the events it announces are committed, so such a read holds
//!   every event of the site up to `want`.
//!
//! Reads run side by side; a follower that finds a suitable read in the
//! air waits for it rather than starting another.

use protocol::SeatEvents;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Most events one read of the feed returns (`events::MAX_EVENTS`).
pub const MAX_EVENTS: u32 = 5_000;

/// Reads kept per site (in the air or landed).
const READS_PER_SITE: usize = 8;

/// Each site's recent reads on this instance.
#[derive(Default)]
pub(crate) struct FollowerReads {
    sites: Mutex<HashMap<String, Vec<Arc<Flight>>>>,
}

/// One read of a site's events after `after`.
pub(crate) struct Flight {
    after: i64,
    as_of: i64,
    /// `None` while in the air; the page once landed. The sender is
    /// dropped unset if the read failed or its caller went away.
    landed: watch::Receiver<Option<Arc<SeatEvents>>>,
}

impl Flight {
    /// Whether this read, once landed, answers a follower at `y` woken at
    /// `want` (see the module's comment); `page` is its result if landed.
    fn serves(&self, y: i64, want: i64, page: Option<&SeatEvents>) -> bool {
        if self.after > y || self.as_of < want {
            return false;
        }
        match page {
            // In the air, unless its reader gave up.
            None => self.landed.has_changed().is_ok(),
            Some(p) => answer(p, self.after, y).is_some(),
        }
    }
}

/// What a read after `x` answers a follower at `y >= x`, if it can (a
/// read returns at most `MAX_EVENTS` events: a full one may stop short).
fn answer(page: &SeatEvents, x: i64, y: i64) -> Option<SeatEvents> {
    if page.reset {
        return (x == y).then(|| page.clone());
    }
    let full = page.events.len() as u32 == MAX_EVENTS;
    if (full && x != y) || y > page.last_seq {
        return None;
    }
    Some(SeatEvents {
        events: page.events.iter().filter(|e| e.seq > y).cloned().collect(),
        last_seq: page.last_seq.max(y),
        reset: false,
    })
}

/// What a follower does for a page: wait for a read already made or in the
/// air, or make the read itself and tell the others when it lands.
pub(crate) enum Ride {
    /// A read that will answer the follower.
    Wait(Arc<Flight>),
    /// No such read: make it, and send its page here.
    Fly(watch::Sender<Option<Arc<SeatEvents>>>),
}

impl FollowerReads {
    /// Finds a read of `site` that answers a follower at `after` woken at
    /// `want`, or registers a new read (started at the site's watch number
    /// `as_of`, taken now).
    pub(crate) fn board(
        &self,
        site: &str,
        after: i64,
        want: i64,
        as_of: impl FnOnce() -> i64,
    ) -> Ride {
        let mut sites = self.sites.lock().unwrap_or_else(|e| e.into_inner());
        let reads = sites.entry(site.to_string()).or_default();
        let found = reads
            .iter()
            .rev()
            .find(|f| f.serves(after, want, f.landed.borrow().as_deref()))
            .cloned();
        if let Some(flight) = found {
            return Ride::Wait(flight);
        }
        let (tx, landed) = watch::channel(None);
        let flight = Arc::new(Flight {
            after,
            as_of: as_of().max(want),
            landed,
        });
        if reads.len() >= READS_PER_SITE {
            reads.remove(0);
        }
        reads.push(flight);
        Ride::Fly(tx)
    }
}

impl Flight {
    /// The flight's page as a follower at `after` takes it, once landed;
    /// `None` if the read failed or cannot answer it.
    pub(crate) async fn page_for(&self, after: i64) -> Option<SeatEvents> {
        let mut landed = self.landed.clone();
        let page = landed.wait_for(Option::is_some).await.ok()?.clone()?;
        answer(&page, self.after, after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::SeatEvent;

    fn page(seqs: &[i64], last: i64) -> SeatEvents {
        SeatEvents {
            events: seqs
                .iter()
                .map(|&seq| SeatEvent {
                    seq,
                    showtime_id: "s".into(),
                    seat: format!("A-{seq}"),
                    state: domain::SeatState::Sold,
                    owner: None,
                })
                .collect(),
            last_seq: last,
            reset: false,
        }
    }

    fn seqs(p: &SeatEvents) -> Vec<i64> {
        p.events.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn a_read_serves_followers_at_or_after_its_position_up_to_its_end() {
        let p = page(&[12, 15, 19], 20);
        assert_eq!(answer(&p, 10, 10).map(|a| seqs(&a)), Some(vec![12, 15, 19]));
        let later = answer(&p, 10, 15).expect("a follower further on");
        assert_eq!((seqs(&later), later.last_seq), (vec![19], 20));
        assert_eq!(answer(&p, 10, 20).map(|a| seqs(&a)), Some(vec![]));
        // Past the read's end: it may lack what came after.
        assert!(answer(&p, 10, 21).is_none());
    }

    #[test]
    fn a_full_page_or_a_reset_answers_its_own_position_only() {
        let all: Vec<i64> = (1..=i64::from(MAX_EVENTS)).collect();
        let full = page(&all, i64::from(MAX_EVENTS));
        assert!(answer(&full, 0, 0).is_some());
        assert!(answer(&full, 0, 3).is_none());
        let reset = SeatEvents {
            events: Vec::new(),
            last_seq: 7,
            reset: true,
        };
        assert!(answer(&reset, 9, 9).is_some_and(|a| a.reset));
        assert!(answer(&reset, 9, 10).is_none());
    }

    #[test]
    fn a_read_serves_only_followers_woken_no_later_than_it_started() {
        let (tx, landed) = watch::channel(None);
        let flight = Flight {
            after: 10,
            as_of: 20,
            landed,
        };
        assert!(flight.serves(10, 20, None));
        assert!(flight.serves(14, 15, None));
        assert!(!flight.serves(10, 21, None), "woken by a later number");
        assert!(!flight.serves(9, 20, None), "behind the read's position");
        assert!(!flight.serves(25, 20, Some(&page(&[], 22))), "past its end");
        drop(tx);
        assert!(!flight.serves(10, 20, None), "its reader gave up");
    }
}

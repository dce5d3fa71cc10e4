//! Where long polls wait for seat events: the last sequence number written,
//! overall and per site, so that a sale wakes the followers of its own site
//! only (with 155 followers, waking all of them for every sale made central
//! read the feed 155 times a sale).

use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::watch;

/// Sites a write added events to; `All` when not known (or too many to name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sites {
    /// Every site's followers look again.
    All,
    /// These sites' followers look again.
    Some(Vec<String>),
}

/// The last seat event's number, overall and per site.
pub(crate) struct EventWatch {
    all: watch::Sender<i64>,
    sites: Mutex<HashMap<String, watch::Sender<i64>>>,
}

impl EventWatch {
    pub(crate) fn new(last: i64) -> Self {
        EventWatch {
            all: watch::channel(last).0,
            sites: Mutex::new(HashMap::new()),
        }
    }

    /// The last number seen overall.
    pub(crate) fn last(&self) -> i64 {
        *self.all.borrow()
    }

    /// Moves the watch up to `seq` (never down) for `sites`, waking their
    /// long polls.
    pub(crate) fn raise(&self, seq: i64, sites: &Sites) {
        // Overall first: a site watch made after this reads it (see `site`).
        raise(&self.all, seq);
        let map = self.sites.lock().unwrap_or_else(|e| e.into_inner());
        match sites {
            Sites::All => map.values().for_each(|w| raise(w, seq)),
            Sites::Some(names) => names
                .iter()
                .filter_map(|n| map.get(n))
                .for_each(|w| raise(w, seq)),
        }
    }

    /// A receiver of `site`'s number. A site nobody waited on before starts
    /// at the overall number: at worst its first waiter looks once for nothing.
    pub(crate) fn site(&self, site: &str) -> watch::Receiver<i64> {
        let mut map = self.sites.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(site) {
            Some(w) => w.subscribe(),
            None => {
                let (tx, rx) = watch::channel(*self.all.borrow());
                map.insert(site.to_string(), tx);
                rx
            }
        }
    }

    /// Reads a notification's payload: the last event number, then the
    /// sites concerned (none, or `*`: every site), space-separated (made by
    /// `boxoffice_sequence_seat_events`, PostgreSQL migration 0003).
    pub(crate) fn parse_payload(payload: &str) -> Option<(i64, Sites)> {
        let mut words = payload.split_whitespace();
        let seq = words.next()?.parse().ok()?;
        let names: Vec<String> = words.map(str::to_string).collect();
        let sites = if names.is_empty() || names.iter().any(|n| n == "*") {
            Sites::All
        } else {
            Sites::Some(names)
        };
        Some((seq, sites))
    }
}

fn raise(w: &watch::Sender<i64>, seq: i64) {
    w.send_if_modified(|seen| {
        let newer = seq > *seen;
        if newer {
            *seen = seq;
        }
        newer
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_wakes_for_its_own_events_and_for_all() {
        let w = EventWatch::new(10);
        let mut marina = w.site("dxb-marina");
        let mut mall = w.site("dxb-mall");
        assert_eq!(*marina.borrow_and_update(), 10);
        w.raise(11, &Sites::Some(vec!["dxb-mall".into()]));
        assert!(!marina.has_changed().unwrap());
        assert!(mall.has_changed().unwrap());
        assert_eq!(*mall.borrow_and_update(), 11);
        w.raise(12, &Sites::All);
        assert_eq!(*marina.borrow_and_update(), 12);
        // Never down; a new site starts at the overall number.
        w.raise(5, &Sites::All);
        assert_eq!(w.last(), 12);
        assert_eq!(*w.site("amm-abdali").borrow(), 12);
    }

    #[test]
    fn payloads_name_the_sites_or_all() {
        let some = Sites::Some(vec!["a".into(), "b".into()]);
        assert_eq!(EventWatch::parse_payload("42 a b"), Some((42, some)));
        assert_eq!(EventWatch::parse_payload("7 *"), Some((7, Sites::All)));
        assert_eq!(EventWatch::parse_payload("9"), Some((9, Sites::All)));
        assert_eq!(EventWatch::parse_payload("x a"), None);
    }
}

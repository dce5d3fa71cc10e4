//! Long polls of one site share their reads of the feed. A sale wakes every
//! follower of its site on this instance at once (five counters a site),
//! and they all ask for the same page: the first reads it, the others wait
//! for that read and take its answer, so a sale costs one read of the feed
//! per site and instance rather than one per follower.
//!
//! A page may be given to a follower only if it was read after the follower
//! was woken: each page carries the site's watch number from just before its
//! read (`as_of`), and a follower woken at number `want` takes a page only if
//! `as_of >= want`. The watch is raised after the events it announces are
//! committed, so such a page holds every event of the site up to `want`.

use crate::db::CentralDb;
use crate::error::CentralError;
use protocol::SeatEvents;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Pages kept per site (followers of a site are almost always at one or two
/// positions: up to date, or one page behind).
const PAGES_PER_SITE: usize = 4;

/// One site's recent pages, behind the lock its readers take turns on.
type SitePages = Arc<tokio::sync::Mutex<Vec<Page>>>;

/// Each site's recent pages on this instance.
#[derive(Default)]
pub(crate) struct FollowerReads {
    sites: Mutex<HashMap<String, SitePages>>,
}

/// A page of a site's feed, as read after `after`.
#[derive(Clone)]
struct Page {
    after: i64,
    as_of: i64,
    page: SeatEvents,
}

impl FollowerReads {
    fn site(&self, site: &str) -> SitePages {
        let mut sites = self.sites.lock().unwrap_or_else(|e| e.into_inner());
        sites.entry(site.to_string()).or_default().clone()
    }
}

/// Keeps `page` among a site's recent pages: the newest for its position,
/// the oldest position dropped past [`PAGES_PER_SITE`].
fn keep(pages: &mut Vec<Page>, page: Page) {
    pages.retain(|p| p.after != page.after);
    if pages.len() >= PAGES_PER_SITE {
        pages.remove(0);
    }
    pages.push(page);
}

/// A kept page that answers a follower at `after` woken at `want`.
fn find(pages: &[Page], after: i64, want: i64) -> Option<SeatEvents> {
    pages
        .iter()
        .find(|p| p.after == after && p.as_of >= want)
        .map(|p| p.page.clone())
}

impl CentralDb {
    /// The last event number announced for `site` on this instance.
    pub(crate) fn site_event_seq(&self, site: &str) -> i64 {
        *self.events.site(site).borrow()
    }

    /// The last event number announced on this instance, any site.
    pub(crate) fn last_event_seq(&self) -> i64 {
        self.events.last()
    }

    /// `site`'s events after `after`, as a long poll woken at `want` (the
    /// site's watch number) needs them: from a read made at `want` or
    /// later, shared with this instance's other followers of the site.
    pub(crate) async fn follower_page(
        self: &Arc<Self>,
        site: &str,
        after: i64,
        want: i64,
    ) -> Result<SeatEvents, CentralError> {
        let pages = self.follower_reads.site(site);
        let mut pages = pages.lock().await;
        if let Some(page) = find(&pages, after, want) {
            return Ok(page);
        }
        // Read now: everything announced up to here is committed.
        let as_of = self.site_event_seq(site).max(want);
        let (db, site) = (self.clone(), site.to_string());
        let page = tokio::task::spawn_blocking(move || db.read_events(&site, Some(after), false))
            .await
            .map_err(|e| CentralError::Corrupt(format!("worker failed: {e}")))??;
        keep(
            &mut pages,
            Page {
                after,
                as_of,
                page: page.clone(),
            },
        );
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(after: i64, as_of: i64) -> Page {
        Page {
            after,
            as_of,
            page: SeatEvents {
                events: Vec::new(),
                last_seq: as_of,
                reset: false,
            },
        }
    }

    #[test]
    fn a_page_serves_followers_at_its_position_woken_no_later_than_its_read() {
        let pages = vec![page(10, 20)];
        assert!(find(&pages, 10, 20).is_some());
        assert!(find(&pages, 10, 15).is_some());
        // Woken by a later number: the page may lack that event.
        assert!(find(&pages, 10, 21).is_none());
        // Another position: another page.
        assert!(find(&pages, 11, 20).is_none());
    }

    #[test]
    fn a_site_keeps_its_latest_pages_one_per_position() {
        let mut pages = Vec::new();
        for after in 0..6 {
            keep(&mut pages, page(after, after + 1));
        }
        let positions: Vec<i64> = pages.iter().map(|p| p.after).collect();
        assert_eq!(positions, [2, 3, 4, 5]);
        keep(&mut pages, page(4, 9));
        assert_eq!(pages.len(), PAGES_PER_SITE);
        assert_eq!(find(&pages, 4, 9).map(|p| p.last_seq), Some(9));
    }
}

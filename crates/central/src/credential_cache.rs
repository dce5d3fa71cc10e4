//! Credential rows kept in memory on PostgreSQL, so that a request does not
//! read its caller's terminal or web channel row from the database each time
//! (a round trip of three on a web sale, of two on a push).
//!
//! What is kept is the row (the token's or key's hash, the site or sites), never
//! a decision: every request still checks its bearer against the hash, and
//! whether unprovisioned terminals may call is still read at each request.
//!
//! A change reaches every instance at once: triggers of migration 0009 NOTIFY
//! [`CHANNEL`] when a terminal's token, id or site changes, when a terminal
//! goes, and when a web channel changes or goes, and each instance's listener
//! (`sql::pg`) empties its cache when told. The cache is used only while that
//! listener is connected ([`CredentialCache::set_live`]): from its `LISTEN`
//! until it loses its connection, so nothing is missed while it is away (it
//! asks the server after two quiet seconds, and TCP keepalives and a 10 s
//! user timeout make a connection that died silently fail). A row
//! read before a change but stored after the listener emptied the cache is not
//! stored (a generation count), and no row is kept longer than [`MAX_AGE`].
//! Unknown ids are not kept, so a new row needs no notice. SQLite (one process,
//! no round trip) reads the row each time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The notification channel of credential changes (migration 0009).
pub(crate) const CHANNEL: &str = "boxoffice_credentials";
/// Longest a row is kept even without a notice: what bounds a stale row if
/// the listener's connection dies unnoticed (the listener finds out within
/// about 12 s, and nothing is kept until it listens again).
pub(crate) const MAX_AGE: Duration = Duration::from_secs(10);
/// Most rows kept per kind (a chain has a few hundred terminals).
const MAX_ROWS: usize = 10_000;

/// A terminal's row: its token's hash (none until provisioned) and its site.
pub(crate) type TerminalRow = (Option<String>, String);
/// A web channel's row: key hash, sites (read from their JSON), seat cap,
/// whether revoked.
pub(crate) type WebChannelRow = (String, Vec<String>, u32, bool);

/// The rows of one kind, by id.
#[derive(Debug)]
pub(crate) struct RowCache<V> {
    inner: Mutex<Rows<V>>,
}

#[derive(Debug)]
struct Rows<V> {
    live: bool,
    generation: u64,
    rows: HashMap<String, (V, Instant)>,
}

impl<V: Clone> RowCache<V> {
    fn new() -> Self {
        RowCache {
            inner: Mutex::new(Rows {
                live: false,
                generation: 0,
                rows: HashMap::new(),
            }),
        }
    }

    fn rows(&self) -> std::sync::MutexGuard<'_, Rows<V>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The row of `id`: kept, or read by `load` (and kept, if found and
    /// nothing changed meanwhile).
    pub(crate) fn get_or_load<E>(
        &self,
        id: &str,
        now: Instant,
        load: impl FnOnce() -> Result<Option<V>, E>,
    ) -> Result<Option<V>, E> {
        if let Some(row) = self.kept(id, now) {
            return Ok(Some(row));
        }
        let generation = {
            let rows = self.rows();
            if !rows.live {
                drop(rows);
                return load();
            }
            rows.generation
        };
        let row = load()?;
        if let Some(found) = &row {
            let mut rows = self.rows();
            if rows.live && rows.generation == generation && rows.rows.len() < MAX_ROWS {
                rows.rows.insert(id.to_string(), (found.clone(), now));
            }
        }
        Ok(row)
    }

    /// The row of `id` if one is kept (and young enough), else `None`.
    pub(crate) fn kept(&self, id: &str, now: Instant) -> Option<V> {
        let rows = self.rows();
        if !rows.live {
            return None;
        }
        rows.rows
            .get(id)
            .filter(|(_, at)| now.saturating_duration_since(*at) < MAX_AGE)
            .map(|(row, _)| row.clone())
    }

    fn clear(&self, live: Option<bool>) {
        let mut rows = self.rows();
        rows.generation += 1;
        rows.rows.clear();
        if let Some(live) = live {
            rows.live = live;
        }
    }

    /// Rows kept now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.rows().rows.len()
    }
}

/// The terminals' and the web channels' rows.
#[derive(Debug)]
pub(crate) struct CredentialCache {
    pub(crate) terminals: RowCache<TerminalRow>,
    pub(crate) web_channels: RowCache<WebChannelRow>,
}

impl Default for CredentialCache {
    fn default() -> Self {
        CredentialCache {
            terminals: RowCache::new(),
            web_channels: RowCache::new(),
        }
    }
}

impl CredentialCache {
    /// Forgets every row (a credential changed somewhere).
    pub(crate) fn clear(&self) {
        self.terminals.clear(None);
        self.web_channels.clear(None);
    }

    /// Starts (the listener is connected and listening) or stops (it lost
    /// its connection) keeping rows; either way, forgets those kept.
    pub(crate) fn set_live(&self, live: bool) {
        self.terminals.clear(Some(live));
        self.web_channels.clear(Some(live));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn row(site: &str) -> TerminalRow {
        (Some("hash".into()), site.into())
    }

    /// Loads `row` and counts the loads.
    fn loader<'a>(
        loads: &'a Cell<u32>,
        row: Option<TerminalRow>,
    ) -> impl FnOnce() -> Result<Option<TerminalRow>, ()> + 'a {
        move || {
            loads.set(loads.get() + 1);
            Ok(row)
        }
    }

    #[test]
    fn nothing_is_kept_until_the_listener_is_live() {
        let cache = CredentialCache::default();
        let (loads, t0) = (Cell::new(0), Instant::now());
        for _ in 0..2 {
            let got = cache
                .terminals
                .get_or_load("t1", t0, loader(&loads, Some(row("a"))));
            assert_eq!(got, Ok(Some(row("a"))));
        }
        assert_eq!(loads.get(), 2);
        assert_eq!(cache.terminals.len(), 0);
    }

    #[test]
    fn a_live_cache_reads_a_row_once_until_told_of_a_change() {
        let cache = CredentialCache::default();
        cache.set_live(true);
        let (loads, t0) = (Cell::new(0), Instant::now());
        let t = &cache.terminals;
        assert_eq!(
            t.get_or_load("t1", t0, loader(&loads, Some(row("a")))),
            Ok(Some(row("a")))
        );
        assert_eq!(
            t.get_or_load("t1", t0, loader(&loads, Some(row("b")))),
            Ok(Some(row("a")))
        );
        assert_eq!(loads.get(), 1);
        cache.clear();
        assert_eq!(
            t.get_or_load("t1", t0, loader(&loads, Some(row("b")))),
            Ok(Some(row("b")))
        );
        assert_eq!(loads.get(), 2);
        // The listener lost its connection: every request reads again.
        cache.set_live(false);
        t.get_or_load("t1", t0, loader(&loads, Some(row("b"))))
            .unwrap();
        t.get_or_load("t1", t0, loader(&loads, Some(row("b"))))
            .unwrap();
        assert_eq!(loads.get(), 4);
    }

    #[test]
    fn kept_answers_only_rows_a_live_cache_holds() {
        let cache = CredentialCache::default();
        let (loads, t0) = (Cell::new(0), Instant::now());
        let t = &cache.terminals;
        assert_eq!(t.kept("t1", t0), None);
        cache.set_live(true);
        assert_eq!(t.kept("t1", t0), None);
        t.get_or_load("t1", t0, loader(&loads, Some(row("a"))))
            .unwrap();
        assert_eq!(t.kept("t1", t0), Some(row("a")));
        assert_eq!(t.kept("t1", t0 + MAX_AGE), None);
        cache.clear();
        assert_eq!(t.kept("t1", t0), None);
    }

    #[test]
    fn a_row_read_before_a_change_is_not_kept_after_it() {
        let cache = CredentialCache::default();
        cache.set_live(true);
        let t0 = Instant::now();
        // The read saw the old row; the change's notice came before it was stored.
        let got = cache.terminals.get_or_load("t1", t0, || {
            cache.clear();
            Ok::<_, ()>(Some(row("old")))
        });
        assert_eq!(got, Ok(Some(row("old"))));
        assert_eq!(cache.terminals.len(), 0);
    }

    #[test]
    fn unknown_ids_are_not_kept_and_rows_age_out() {
        let cache = CredentialCache::default();
        cache.set_live(true);
        let (loads, t0) = (Cell::new(0), Instant::now());
        let t = &cache.terminals;
        assert_eq!(t.get_or_load("nobody", t0, loader(&loads, None)), Ok(None));
        assert_eq!(cache.terminals.len(), 0);
        t.get_or_load("t1", t0, loader(&loads, Some(row("a"))))
            .unwrap();
        let later = t0 + MAX_AGE;
        assert_eq!(
            t.get_or_load("t1", later, loader(&loads, Some(row("b")))),
            Ok(Some(row("b")))
        );
        assert_eq!(loads.get(), 3);
    }

    #[test]
    fn a_failed_read_keeps_nothing() {
        let cache = CredentialCache::default();
        cache.set_live(true);
        let got = cache.web_channels.get_or_load("web", Instant::now(), || {
            Err::<Option<WebChannelRow>, _>("down")
        });
        assert_eq!(got, Err("down"));
        assert_eq!(cache.web_channels.len(), 0);
    }
}

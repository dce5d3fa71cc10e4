//! The link's state as the status bar shows it, kept from the outcome of
//! every call to central and persisted so that a later process (the CLI's
//! `status`) reports what this one saw.

use super::client::{CallObserver, CallOutcome};
use crate::clock::Clock;
use crate::store::{self, ConfigKey, Db};
use jiff::Timestamp;
use std::sync::{Arc, Mutex, MutexGuard};

/// How long after a failed call the link counts as degraded.
const DEGRADED_FOR_SECS: i64 = 30;
/// An unsynced sale older than this marks the link degraded.
const BACKLOG_DEGRADED_SECS: u32 = 60;

#[derive(Debug, Default)]
struct LinkState {
    online: bool,
    last_sync: Option<Timestamp>,
    /// The last time a call failed in a way a retry may fix.
    last_failure: Option<Timestamp>,
    /// The last lease top-up.
    last_lease_top_up: Option<Timestamp>,
}

/// Watches the link to central.
pub struct LinkMonitor {
    db: Arc<Db>,
    clock: Arc<dyn Clock>,
    state: Mutex<LinkState>,
}

impl LinkMonitor {
    /// A monitor starting from what the database last recorded.
    pub fn load(db: Arc<Db>, clock: Arc<dyn Clock>) -> crate::error::Result<LinkMonitor> {
        let state = {
            let conn = db.lock();
            LinkState {
                online: store::config(&conn, ConfigKey::LinkOnline)?.as_deref() == Some("1"),
                last_sync: store::config(&conn, ConfigKey::LastSync)?.and_then(|t| t.parse().ok()),
                ..LinkState::default()
            }
        };
        Ok(LinkMonitor {
            db,
            clock,
            state: Mutex::new(state),
        })
    }

    fn state(&self) -> MutexGuard<'_, LinkState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the link state, persisting it when it changes.
    pub fn set(&self, online: bool, synced: bool) {
        let mut link = self.state();
        let changed = link.online != online || synced;
        link.online = online;
        let now = self.clock.now();
        if !online {
            link.last_failure = Some(now);
        }
        if synced {
            link.last_sync = Some(now);
        }
        if changed {
            let db = self.db.lock();
            let saved =
                store::set_config(&db, ConfigKey::LinkOnline, if online { "1" } else { "0" })
                    .and_then(|()| match link.last_sync {
                        Some(t) => store::set_config(&db, ConfigKey::LastSync, &t.to_string()),
                        None => Ok(()),
                    });
            if let Err(e) = saved {
                tracing::warn!(error = %e, "cannot record link state");
            }
        }
    }

    /// Whether the last exchange with central succeeded.
    pub fn is_online(&self) -> bool {
        self.state().online
    }

    /// The last complete sync.
    pub fn last_sync(&self) -> Option<Timestamp> {
        self.state().last_sync
    }

    /// Notes a lease top-up at `now`.
    pub fn lease_topped_up(&self, now: Timestamp) {
        self.state().last_lease_top_up = Some(now);
    }

    /// Whether the last lease top-up is at least `every_secs` old (or never was).
    pub fn lease_top_up_due(&self, now: Timestamp, every_secs: i64) -> bool {
        self.state()
            .last_lease_top_up
            .is_none_or(|t| now.duration_since(t).as_secs() >= every_secs)
    }

    /// `online`, `degraded` or `offline`, for the status bar and `status --json`.
    pub fn connectivity(&self, oldest_unsynced_secs: Option<u32>) -> &'static str {
        let link = self.state();
        let now = self.clock.now();
        if !link.online {
            "offline"
        } else if link
            .last_failure
            .is_some_and(|t| now.duration_since(t).as_secs() < DEGRADED_FOR_SECS)
            || oldest_unsynced_secs.is_some_and(|s| s > BACKLOG_DEGRADED_SECS)
        {
            "degraded"
        } else {
            "online"
        }
    }
}

impl CallObserver for LinkMonitor {
    fn observe(&self, outcome: CallOutcome) {
        match outcome {
            CallOutcome::Answered => self.set(true, false),
            CallOutcome::Struggling => {
                // Central answers but is struggling: degraded, not offline.
                self.set(true, false);
                self.state().last_failure = Some(self.clock.now());
            }
            CallOutcome::Unreachable => self.set(false, false),
        }
    }
}

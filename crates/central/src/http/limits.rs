//! Limits that keep central up whatever callers send: a time limit per
//! request, a body size cap, a cap on entries per push and on long polls
//! waiting at once.

use crate::error::CentralError;
use axum::response::Response;
use std::time::Duration;

/// Longest a request may take (a long poll: its wait plus this).
pub const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(15);
/// Longest a long poll waits for a first event.
pub const MAX_LONG_POLL: Duration = Duration::from_secs(30);
/// Largest request body: a full push of 200 sales of several seats each
/// fits several times over.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Most entries in one push (terminals send 200).
pub const MAX_PUSH_ENTRIES: usize = 500;
/// Most long polls waiting at once on one instance; past it a follower is
/// answered `busy` (503) at once and asks again shortly.
pub const MAX_LONG_POLLS: usize = 2048;

/// Ends a request that runs past its time with `busy` (503); the work it
/// started finishes or rolls back on its own.
pub(super) async fn time_limit(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, CentralError> {
    let limit = if req.uri().path().ends_with("/seat-events") {
        MAX_LONG_POLL + REQUEST_TIME_LIMIT
    } else {
        REQUEST_TIME_LIMIT
    };
    tokio::time::timeout(limit, next.run(req))
        .await
        .map_err(|_| {
            CentralError::Busy(format!(
                "the request took longer than {} s",
                limit.as_secs()
            ))
        })
}

/// Most long polls one caller may have waiting at once (a terminal's
/// follower needs one): no caller can take every place.
pub const MAX_LONG_POLLS_PER_CALLER: usize = 4;

/// The long-poll places of one instance: [`MAX_LONG_POLLS`] in all, at most
/// [`MAX_LONG_POLLS_PER_CALLER`] for any one caller.
#[derive(Debug)]
pub(super) struct LongPolls {
    all: std::sync::Arc<tokio::sync::Semaphore>,
    per_caller: std::sync::Mutex<std::collections::HashMap<String, usize>>,
}

/// A place taken; given back when dropped (the answer is sent or the
/// request ends).
pub(super) struct PollPlace {
    _place: tokio::sync::OwnedSemaphorePermit,
    polls: std::sync::Arc<LongPolls>,
    caller: String,
}

impl LongPolls {
    pub(super) fn new() -> LongPolls {
        LongPolls {
            all: std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_LONG_POLLS)),
            per_caller: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Long polls waiting now.
    pub(super) fn open(&self) -> usize {
        MAX_LONG_POLLS - self.all.available_permits()
    }

    /// Takes a place for `caller`, or answers `busy` at once.
    pub(super) fn enter(
        self: &std::sync::Arc<Self>,
        caller: &str,
    ) -> Result<PollPlace, CentralError> {
        let place = self.all.clone().try_acquire_owned().map_err(|_| {
            CentralError::Busy(format!(
                "{MAX_LONG_POLLS} long polls are open; ask again shortly"
            ))
        })?;
        let mut per_caller = self.per_caller.lock().unwrap_or_else(|e| e.into_inner());
        let mine = per_caller.entry(caller.to_string()).or_insert(0);
        if *mine >= MAX_LONG_POLLS_PER_CALLER {
            return Err(CentralError::Busy(format!(
                "{caller} already has {MAX_LONG_POLLS_PER_CALLER} long polls open"
            )));
        }
        *mine += 1;
        Ok(PollPlace {
            _place: place,
            polls: self.clone(),
            caller: caller.to_string(),
        })
    }
}

impl Drop for PollPlace {
    fn drop(&mut self) {
        let mut per_caller = self
            .polls
            .per_caller
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = per_caller.get_mut(&self.caller) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                per_caller.remove(&self.caller);
            }
        }
    }
}

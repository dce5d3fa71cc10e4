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

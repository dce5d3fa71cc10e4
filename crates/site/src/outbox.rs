//! The outbox's push loop: sends pending entries to central in order and
//! records each outcome (applied, duplicate, conflict, rejected) with its
//! consequences (conflict tasks) in one transaction per batch.

use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::link::CallError;
use crate::store;
use protocol::{EntryBody, OutboxEntry, Outcome, PushRequest};
use uuid::Uuid;

/// Most outbox entries sent in one push: central's cap (each push is a
/// round trip, which over the VPN's 80 ms is most of a backlog's drain).
pub const PUSH_BATCH: u32 = 500;

/// The API minor version from which central takes gzip push bodies.
const GZIP_PUSH_FROM_MINOR: u32 = 8;

impl Site {
    /// Sends pending outbox entries to central, in order, and records each result.
    /// Returns how many central accepted (applied or duplicate). Network
    /// trouble leaves entries pending for the next attempt.
    pub async fn push_outbox(&self) -> Result<u32> {
        let client = self.client()?;
        // Compressed bodies to a central that takes them (API 1.8).
        let mut gzip = protocol::speaks(
            &store::config(&self.db(), store::ConfigKey::CentralApiVersion)?.unwrap_or_default(),
            GZIP_PUSH_FROM_MINOR,
        );
        let mut accepted = 0;
        // Shrinks to 1 when central refuses a whole batch as malformed, to
        // find the one entry at fault and set it aside.
        let mut batch = PUSH_BATCH;
        // Entries central refused as a request (4xx) stay pending for a later
        // round, and the entries behind them go on without them.
        let mut after_seq = 0;
        let mut refused: Option<CallError> = None;
        loop {
            let pending = store::pending_entries(&self.db(), after_seq, batch)?;
            if pending.is_empty() {
                return match refused {
                    Some(e) => Err(e.into()),
                    None => Ok(accepted),
                };
            }
            let entries = pending
                .iter()
                .map(|p| {
                    let body: EntryBody = serde_json::from_str(&p.body)
                        .map_err(|e| SiteError::Corrupt(format!("outbox entry {}: {e}", p.id)))?;
                    Ok(OutboxEntry {
                        id: p.id,
                        seq: p.seq,
                        body,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let ids: Vec<_> = pending.iter().map(|p| p.id).collect();
            let resp = client.push(&PushRequest { entries }, gzip).await;
            let resp = match resp {
                Ok(r) => r,
                Err(e) => {
                    if gzip
                        && matches!(
                            &e,
                            CallError::Api {
                                status: 400 | 415,
                                ..
                            }
                        )
                    {
                        // An instance that does not take gzip yet (central
                        // upgraded one instance at a time): the same batch,
                        // plain, and plain for the rest of this round.
                        tracing::warn!(error = ?e, "central refused a compressed push; sending it plain");
                        gzip = false;
                        continue;
                    }
                    let msg = match &e {
                        CallError::Network(m) => m.clone(),
                        CallError::Api { error, .. } => error.message.clone(),
                    };
                    store::record_push_failure(&self.db(), &ids, &msg)?;
                    let malformed = matches!(
                        &e,
                        CallError::Api { status, .. } if matches!(status, 400 | 413 | 422)
                    );
                    let too_big = matches!(&e, CallError::Api { status: 413, .. });
                    if too_big && ids.len() > 1 {
                        // Over central's body cap (large orders): halve the batch.
                        batch = (ids.len() as u32 / 2).max(1);
                        continue;
                    }
                    if malformed && ids.len() > 1 {
                        // One entry may poison the batch: go one by one.
                        batch = 1;
                        continue;
                    }
                    if malformed && let [one] = pending.as_slice() {
                        // Skip it this round (it stays pending, never lost);
                        // the entries behind it go on.
                        after_seq = one.seq;
                        refused = Some(e);
                        continue;
                    }
                    return if e.is_retryable() {
                        Ok(accepted)
                    } else {
                        Err(e.into())
                    };
                }
            };
            let answered: std::collections::HashSet<_> =
                resp.results.iter().map(|r| r.id).collect();
            if ids.iter().any(|id| !answered.contains(id)) {
                // Never loop on an answer that does not cover what was sent.
                return Err(SiteError::Corrupt(
                    "central's answer does not cover every entry sent".into(),
                ));
            }
            let now = self.clock.now();
            let mut db = self.db();
            // One transaction for the batch's results: one disk sync, not one per entry.
            let db = db.transaction()?;
            for r in resp.results.iter().filter(|r| ids.contains(&r.id)) {
                if let Outcome::Deferred { code, message } = &r.outcome {
                    // Central kept nothing of it: it stays pending (with the
                    // entries of its order behind it) for a later round, and
                    // the rest of the queue goes on.
                    store::record_push_failure(&db, &[r.id], &format!("{code}: {message}"))?;
                    if let Some(p) = pending.iter().find(|p| p.id == r.id) {
                        after_seq = after_seq.max(p.seq);
                    }
                    continue;
                }
                // A duplicate means the first answer was lost: act on that one.
                let (outcome, duplicate) = match &r.outcome {
                    Outcome::Duplicate { first } => (first.as_ref(), true),
                    other => (other, false),
                };
                let state = match outcome {
                    Outcome::Applied | Outcome::Duplicate { .. } if duplicate => "duplicate",
                    Outcome::Applied | Outcome::Duplicate { .. } => "applied",
                    Outcome::Conflict { .. } => "conflict",
                    Outcome::Rejected { .. } | Outcome::Deferred { .. } => "rejected",
                };
                if matches!(state, "applied" | "duplicate") {
                    accepted += 1;
                }
                let detail = match outcome {
                    Outcome::Conflict { seats } => {
                        Some(format!("seats taken: {}", seats.join(", ")))
                    }
                    Outcome::Rejected { code, message } | Outcome::Deferred { code, message } => {
                        Some(format!("{code}: {message}"))
                    }
                    _ => None,
                };
                store::record_outcome(&db, r.id, state, detail.as_deref(), now)?;
                if let Outcome::Conflict { seats } = outcome {
                    store::open_conflict_task(&db, r.id, seats, now)?;
                } else if matches!(state, "applied" | "duplicate") {
                    store::conflict_entry_applied(&db, r.id, now)?;
                }
            }
            db.commit()?;
        }
    }

    /// Whether central has answered for an entry yet (`pending` until then).
    pub(crate) fn entry_state(&self, entry_id: Uuid) -> Result<String> {
        store::entry_state(&self.db(), entry_id)
    }

    /// Pushes now and says whether `entry_id` got central's answer; a push
    /// that fails leaves the entry for the pump.
    pub(crate) async fn push_and_check(&self, entry_id: Uuid) -> bool {
        match self.push_outbox().await {
            Ok(_) => self.entry_state(entry_id).is_ok_and(|s| s != "pending"),
            Err(e) => {
                tracing::warn!(error = %e, "push failed; the entry stays queued");
                false
            }
        }
    }
}

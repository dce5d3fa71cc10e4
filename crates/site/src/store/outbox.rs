//! The outbox: entries waiting for central and their outcomes.

use super::Cached as _;
use super::corrupt;
use crate::error::Result;
use crate::model::{PendingEntry, QueueStats};
use rusqlite::{Connection, OptionalExtension, params};

/// The oldest pending outbox entries after sequence `after`, at most
/// `limit`. An entry set aside this round (pending at or before `after`)
/// holds back the later entries of its order and those that name it (an
/// exchange's refund names its new order): a refund never overtakes its
/// sale.
pub fn pending_entries(conn: &Connection, after: i64, limit: u32) -> Result<Vec<PendingEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, body FROM outbox o WHERE state = 'pending' AND seq > ?1
             AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.state = 'pending' AND b.seq <= ?1
                             AND (b.order_id = o.order_id OR instr(o.body, b.order_id) > 0))
         ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![after, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .map(|row| {
            let (seq, id, body) = row?;
            Ok(PendingEntry {
                seq,
                id: id.parse().map_err(corrupt)?,
                body,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(rows)
}

/// Current outbox figures.
pub fn queue_stats(conn: &Connection) -> Result<QueueStats> {
    Ok(conn.q_row(
        "SELECT
            (SELECT count(*) FROM outbox WHERE state = 'pending'),
            (SELECT count(*) FROM outbox WHERE state IN ('conflict', 'rejected')),
            (SELECT min(created_at) FROM outbox WHERE state = 'pending')",
        [],
        |r| {
            Ok(QueueStats {
                pending: r.get(0)?,
                needs_attention: r.get(1)?,
                oldest_pending: r.get(2)?,
            })
        },
    )?)
}

/// Queues an outbox entry (inside the caller's transaction). The id is the
/// entry's idempotency key, persisted here before the first send.
pub fn insert_entry(
    conn: &Connection,
    entry_id: uuid::Uuid,
    order_id: &str,
    body: &protocol::EntryBody,
    created_at: jiff::Timestamp,
) -> Result<()> {
    // Central's site day report counts a sale or refund in the business day
    // this terminal dated it to (after a Z report, the next day): the day
    // goes with the entry, read from the row written just before it. Only a
    // body that lacks its day is copied.
    let needs_day = match body {
        protocol::EntryBody::Sale(s) => s.business_day.is_none(),
        protocol::EntryBody::Refund(r) => r.business_day.is_none(),
        _ => false,
    };
    let mut body = std::borrow::Cow::Borrowed(body);
    if needs_day {
        match body.to_mut() {
            protocol::EntryBody::Sale(s) => {
                s.business_day = conn
                    .q_row(
                        "SELECT business_day FROM orders WHERE id = ?1",
                        [order_id],
                        |r| r.get(0),
                    )
                    .optional()?
                    .flatten();
            }
            protocol::EntryBody::Refund(r) => {
                let kept: Option<String> = conn
                    .q_row(
                        "SELECT business_day FROM refunds WHERE id = ?1",
                        [entry_id.to_string()],
                        |r| r.get(0),
                    )
                    .optional()?
                    .flatten();
                r.business_day = Some(match kept {
                    Some(day) => day,
                    None => super::trading_day(conn, r.at)?,
                });
            }
            _ => {}
        }
    }
    let body = serde_json::to_string(&body)
        .map_err(|e| crate::error::SiteError::Corrupt(format!("cannot encode entry: {e}")))?;
    conn.exec(
        "INSERT INTO outbox (id, order_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![entry_id.to_string(), order_id, body, created_at.as_second()],
    )?;
    Ok(())
}

/// Records central's verdict on an entry.
pub fn record_outcome(
    conn: &Connection,
    id: uuid::Uuid,
    state: &str,
    detail: Option<&str>,
    now: jiff::Timestamp,
) -> Result<()> {
    conn.exec(
        "UPDATE outbox SET state = ?2, attempts = attempts + 1, last_error = ?3, resolved_at = ?4
         WHERE id = ?1 AND state = 'pending'",
        params![id.to_string(), state, detail, now.to_string()],
    )?;
    Ok(())
}

/// Records a failed send attempt; the entries stay pending.
pub fn record_push_failure(conn: &Connection, ids: &[uuid::Uuid], message: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
    )?;
    for id in ids {
        stmt.execute(params![id.to_string(), message])?;
    }
    Ok(())
}

/// An entry's state: `pending` until central answers.
pub fn entry_state(conn: &Connection, entry_id: uuid::Uuid) -> Result<String> {
    Ok(conn.q_row(
        "SELECT state FROM outbox WHERE id = ?1",
        [entry_id.to_string()],
        |r| r.get(0),
    )?)
}

/// After central was restored from a backup it answers heartbeats with the
/// last entry of this terminal it holds (`applied_through`): every entry
/// after it that central had accepted goes back to pending, to be sent again
/// (central applies it again, or finds its seat taken meanwhile: a conflict
/// task). Returns how many.
pub fn requeue_lost(conn: &Connection, applied_through: i64) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE outbox SET state = 'pending',
             last_error = 'central lost it (restored from a backup); sending it again'
         WHERE seq > ?1 AND state IN ('applied', 'duplicate')",
        [applied_through],
    )?)
}

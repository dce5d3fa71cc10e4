//! Conflict tasks: override sales central could not apply.

use crate::error::{Result, SiteError};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// Opens (or reopens) the task for the order of a conflicting sale entry.
pub fn open_conflict_task(
    conn: &Connection,
    entry_id: Uuid,
    taken: &[String],
    now: Timestamp,
) -> Result<()> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT order_id, body FROM outbox WHERE id = ?1",
            [entry_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((order_id, body)) = row else {
        return Ok(());
    };
    // Only sales become tasks; a reseat in conflict leaves the old seat sold.
    if !body.contains("\"kind\":\"sale\"") {
        return Ok(());
    }
    let taken = serde_json::to_string(taken).map_err(|e| SiteError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO conflict_tasks (order_id, entry_id, taken, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (order_id) DO UPDATE SET entry_id = ?2, taken = ?3, state = 'open',
             resolution_entry = NULL, resolved_at = NULL",
        params![order_id, entry_id.to_string(), taken, now.to_string()],
    )?;
    Ok(())
}

/// Marks the task whose resolving entry central just applied.
pub fn conflict_entry_applied(conn: &Connection, entry_id: Uuid, now: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE conflict_tasks SET state = 'reseated', resolved_at = ?2
         WHERE resolution_entry = ?1 AND state = 'reseating'",
        params![entry_id.to_string(), now.to_string()],
    )?;
    Ok(())
}

/// Tasks waiting for a supervisor.
pub fn open_conflict_count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM conflict_tasks WHERE state = 'open'",
        [],
        |r| r.get(0),
    )?)
}

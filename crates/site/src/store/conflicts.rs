//! Conflict tasks: override sales central could not apply.

use super::Cached as _;
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
        .q_row(
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
    conn.exec(
        "INSERT INTO conflict_tasks (order_id, entry_id, taken, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (order_id) DO UPDATE SET entry_id = ?2, taken = ?3, state = 'open',
             resolution_entry = NULL, resolved_at = NULL",
        params![order_id, entry_id.to_string(), taken, now.to_string()],
    )?;
    Ok(())
}

/// Marks the task whose resolving entry central just applied.
pub fn conflict_entry_applied(conn: &Connection, entry_id: Uuid, now: Timestamp) -> Result<()> {
    conn.exec(
        "UPDATE conflict_tasks SET state = 'reseated', resolved_at = ?2
         WHERE resolution_entry = ?1 AND state = 'reseating'",
        params![entry_id.to_string(), now.to_string()],
    )?;
    Ok(())
}

/// Tasks waiting for a supervisor.
pub fn open_conflict_count(conn: &Connection) -> Result<u32> {
    Ok(conn.q_row(
        "SELECT count(*) FROM conflict_tasks WHERE state = 'open'",
        [],
        |r| r.get(0),
    )?)
}

/// Every conflict task with its order, open ones first: `(order id, taken
/// seats JSON, state, showtime, total, film title, start unix seconds, the
/// order's seats JSON)`.
#[allow(clippy::type_complexity)]
pub fn conflict_rows(
    conn: &Connection,
) -> Result<Vec<(String, String, String, String, i64, String, i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.order_id, c.taken, c.state, o.showtime_id, o.total_minor, f.title_en, s.starts_at,
                (SELECT json_group_array(seat_label) FROM order_seats WHERE order_id = c.order_id)
         FROM conflict_tasks c JOIN orders o ON o.id = c.order_id
         JOIN showtimes s ON s.id = o.showtime_id JOIN films f ON f.id = s.film_id
         ORDER BY c.state != 'open', c.created_at",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Refunds a whole order in the terminal's books (inside the caller's
/// transaction): its seats are released, its payments reversed (negative
/// payments, the way the money came), the order marked refunded.
pub fn refund_order_rows(
    conn: &Connection,
    order_id: &str,
    now: Timestamp,
    drawer: Option<&str>,
) -> Result<()> {
    conn.exec(
        "INSERT INTO released_seats (order_id, showtime_id, seat_label, ticket_type, price_minor, released_at, why)
         SELECT order_id, showtime_id, seat_label, ticket_type, price_minor, ?2, 'refund'
         FROM order_seats WHERE order_id = ?1",
        params![order_id, now.to_string()],
    )?;
    conn.exec("DELETE FROM order_seats WHERE order_id = ?1", [order_id])?;
    conn.exec(
        "INSERT INTO payments (order_id, method, amount_minor, reference, business_day, shift_id)
         SELECT order_id, method, -amount_minor, reference, ?2, ?3 FROM payments
         WHERE order_id = ?1 AND amount_minor > 0",
        params![order_id, super::trading_day(conn, now)?, drawer],
    )?;
    conn.exec(
        "UPDATE orders SET refunded_at = ?2 WHERE id = ?1",
        params![order_id, now.to_string()],
    )?;
    Ok(())
}

/// Records how a conflict task is being (or was) resolved.
pub fn resolve_conflict_task(
    conn: &Connection,
    order_id: &str,
    state: &str,
    entry_id: Uuid,
    staff_id: &str,
    resolved_at: Option<Timestamp>,
) -> Result<()> {
    conn.exec(
        "UPDATE conflict_tasks SET state = ?2, resolution_entry = ?3, resolved_by = ?4,
             resolved_at = COALESCE(?5, resolved_at) WHERE order_id = ?1",
        params![
            order_id,
            state,
            entry_id.to_string(),
            staff_id,
            resolved_at.map(|t| t.to_string())
        ],
    )?;
    Ok(())
}

/// An order's seats: `(seat, ticket type, price)`, by seat.
pub fn order_seat_lines(conn: &Connection, order_id: &str) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seat_label, ticket_type, price_minor FROM order_seats WHERE order_id = ?1 ORDER BY seat_label",
    )?;
    let rows = stmt
        .query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// The body of the order's last sale entry.
pub fn last_sale_entry(conn: &Connection, order_id: &str) -> Result<String> {
    Ok(conn.q_row(
        "SELECT body FROM outbox WHERE order_id = ?1 AND body LIKE '%\"kind\":\"sale\"%' ORDER BY seq DESC LIMIT 1",
        [order_id],
        |r| r.get(0),
    )?)
}

/// Moves a seat of a conflicted order to its replacement (inside the
/// caller's transaction): the old seat is recorded as released, the lease
/// on the new one (if any) is used up.
pub fn release_seat_for_reseat(
    conn: &Connection,
    order_id: &str,
    showtime_id: &str,
    (from, to): (&str, &str),
    (ticket_type, price_minor): (&str, i64),
    now: Timestamp,
) -> Result<()> {
    conn.exec(
        "INSERT INTO released_seats (order_id, showtime_id, seat_label, ticket_type, price_minor, released_at, why)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'reseat')",
        params![order_id, showtime_id, from, ticket_type, price_minor, now.to_string()],
    )?;
    conn.exec(
        "UPDATE order_seats SET seat_label = ?3 WHERE order_id = ?1 AND seat_label = ?2",
        params![order_id, from, to],
    )?;
    conn.exec(
        "DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2",
        params![showtime_id, to],
    )?;
    Ok(())
}

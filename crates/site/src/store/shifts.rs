//! Shifts: a cashier's float, the sales made in it and the cash count.

use super::Cached as _;
use crate::error::Result;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

/// Opens a shift; a second open shift for the same staff member is a
/// constraint violation (the caller says so in words).
pub fn insert_shift(
    conn: &Connection,
    id: &str,
    staff_id: &str,
    now: Timestamp,
    float_minor: i64,
) -> rusqlite::Result<usize> {
    conn.exec(
        "INSERT INTO shifts (id, staff_id, opened_at, float_minor) VALUES (?1, ?2, ?3, ?4)",
        params![id, staff_id, now.to_string(), float_minor],
    )
}

/// The open shift of a staff member, if any.
pub fn open_shift_id(conn: &Connection, staff_id: &str) -> Result<Option<String>> {
    Ok(conn
        .q_row(
            "SELECT id FROM shifts WHERE staff_id = ?1 AND closed_at IS NULL",
            [staff_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Closes a shift with the counted cash.
pub fn close_shift(conn: &Connection, id: &str, now: Timestamp, counted_minor: i64) -> Result<()> {
    let closed = conn.exec(
        "UPDATE shifts SET closed_at = ?2, counted_minor = ?3 WHERE id = ?1 AND closed_at IS NULL",
        params![id, now.to_string(), counted_minor],
    )?;
    if closed != 1 {
        return Err(crate::error::SiteError::Invalid(
            "this shift is already closed".into(),
        ));
    }
    Ok(())
}

/// A shift: `(opened_at, float, closed_at, counted)`.
#[allow(clippy::type_complexity)]
pub fn shift_row(
    conn: &Connection,
    shift_id: &str,
) -> Result<(String, i64, Option<String>, Option<i64>)> {
    Ok(conn.q_row(
        "SELECT opened_at, float_minor, closed_at, counted_minor FROM shifts WHERE id = ?1",
        [shift_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?)
}

/// A shift's sales: `(orders, tickets, total, VAT)`.
pub fn shift_sales(conn: &Connection, shift_id: &str) -> Result<(u32, u32, i64, i64)> {
    Ok(conn.q_row(
        // Tickets as sold: those refunded since count too (the refund shows
        // in the shift that paid it back).
        "SELECT count(*), COALESCE(sum((SELECT count(*) FROM order_seats s WHERE s.order_id = o.id)
                   + (SELECT count(*) FROM released_seats r WHERE r.order_id = o.id AND r.why = 'refund')), 0),
                COALESCE(sum(total_minor), 0), COALESCE(sum(vat_minor), 0)
         FROM orders o WHERE shift_id = ?1",
        [shift_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?)
}

/// What a shift took by one payment method.
pub fn shift_paid(conn: &Connection, shift_id: &str, method: &str) -> Result<i64> {
    Ok(conn.q_row(
        // Money paid back counts in the shift that paid it, not the sale's.
        // Two indexed halves (orders by shift, refunds by shift), not an OR.
        "SELECT COALESCE(sum(amount), 0) FROM (
             SELECT p.amount_minor AS amount FROM orders o JOIN payments p ON p.order_id = o.id
             WHERE o.shift_id = ?1 AND p.method = ?2 AND p.refund_id IS NULL
             UNION ALL
             SELECT p.amount_minor FROM refunds r
             JOIN payments p ON p.order_id = r.order_id AND p.refund_id = r.id
             WHERE r.shift_id = ?1 AND p.method = ?2)",
        params![shift_id, method],
        |r| r.get(0),
    )?)
}

/// What a shift paid back by card and in cash (refunds and exchanges).
pub fn shift_refunded(conn: &Connection, shift_id: &str) -> Result<i64> {
    Ok(conn.q_row(
        "SELECT COALESCE(sum(card_minor + cash_minor), 0) FROM refunds WHERE shift_id = ?1",
        [shift_id],
        |r| r.get(0),
    )?)
}

/// What the shift's orders took as exchange credit (tickets given back).
pub fn shift_exchange_credit(conn: &Connection, shift_id: &str) -> Result<i64> {
    Ok(conn.q_row(
        "SELECT COALESCE(sum(p.amount_minor), 0) FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE o.shift_id = ?1 AND p.method = 'exchange' AND p.amount_minor > 0",
        [shift_id],
        |r| r.get(0),
    )?)
}

/// The names of the staff with a shift open on this terminal since before `before`.
pub fn open_shift_names(conn: &Connection, before: Timestamp) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(st.name, h.staff_id) FROM shifts h LEFT JOIN staff st ON st.id = h.staff_id
             WHERE h.closed_at IS NULL AND h.opened_at < ?1 ORDER BY h.opened_at",
        )?
        .query_map([before.to_string()], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?)
}

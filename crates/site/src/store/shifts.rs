//! Shifts: a cashier's float, the sales made in it and the cash count.

use super::Cached as _;
use crate::error::Result;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

/// Opens a shift (the caller checked, in the same transaction, that none is
/// open on this terminal).
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

/// The shift open on this terminal: `(id, staff id, staff name)`. A
/// terminal has one drawer, so one open shift; should an older version have
/// left several open, the oldest is the drawer's.
pub fn terminal_shift(conn: &Connection) -> Result<Option<(String, String, String)>> {
    Ok(conn
        .q_row(
            "SELECT h.id, h.staff_id, COALESCE(st.name, h.staff_id)
             FROM shifts h LEFT JOIN staff st ON st.id = h.staff_id
             WHERE h.closed_at IS NULL ORDER BY h.opened_at, h.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Closes a shift with the counted cash and its count by denomination (JSON).
pub fn close_shift(
    conn: &Connection,
    id: &str,
    now: Timestamp,
    counted_minor: i64,
    counted_detail: Option<&str>,
) -> Result<()> {
    let closed = conn.exec(
        "UPDATE shifts SET closed_at = ?2, counted_minor = ?3, counted_detail = ?4
         WHERE id = ?1 AND closed_at IS NULL",
        params![id, now.to_string(), counted_minor, counted_detail],
    )?;
    if closed != 1 {
        return Err(crate::error::ShiftRefusal::Closed.into());
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

/// A shift's owner and count by denomination: `(staff id, staff name, detail JSON)`.
pub fn shift_owner(conn: &Connection, shift_id: &str) -> Result<(String, String, Option<String>)> {
    Ok(conn.q_row(
        "SELECT h.staff_id, COALESCE(st.name, h.staff_id), h.counted_detail
         FROM shifts h LEFT JOIN staff st ON st.id = h.staff_id WHERE h.id = ?1",
        [shift_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// One cash movement of a drawer besides sales.
pub struct CashMovementRow<'a> {
    /// Id.
    pub id: &'a str,
    /// The shift whose drawer it is.
    pub shift_id: &'a str,
    /// `pay_in`, `pay_out` or `drop`.
    pub kind: &'a str,
    /// Amount, positive.
    pub amount_minor: i64,
    /// Why.
    pub reason: &'a str,
    /// Who moved it.
    pub staff_id: &'a str,
    /// Who approved it, if it needed approval.
    pub approved_by: Option<&'a str>,
    /// When.
    pub at: Timestamp,
}

/// Records a cash movement, dated to the trading day.
pub fn insert_cash_movement(conn: &Connection, m: &CashMovementRow<'_>) -> Result<()> {
    let day = super::trading_day(conn, m.at)?;
    conn.exec(
        "INSERT INTO cash_movements (id, shift_id, kind, amount_minor, reason, staff_id, approved_by, at, business_day)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            m.id, m.shift_id, m.kind, m.amount_minor, m.reason, m.staff_id, m.approved_by,
            m.at.to_string(), day
        ],
    )?;
    Ok(())
}

/// What went in and out of a shift's drawer.
#[derive(Debug, Clone, Copy)]
pub struct ShiftCash {
    /// The opening float.
    pub float: i64,
    /// Cash taken less cash paid back.
    pub net_cash: i64,
    /// Pay-ins.
    pub paid_in: i64,
    /// Pay-outs.
    pub paid_out: i64,
    /// Drops to the safe.
    pub dropped: i64,
}

impl ShiftCash {
    /// The cash the drawer should hold: float + net cash + pay-ins −
    /// pay-outs − drops (the one place this sum is made).
    pub fn expected(&self) -> i64 {
        self.float + self.net_cash + self.paid_in - self.paid_out - self.dropped
    }
}

/// A shift's drawer figures.
pub fn shift_cash(conn: &Connection, shift_id: &str) -> Result<ShiftCash> {
    let (_, float, _, _) = shift_row(conn, shift_id)?;
    let net_cash = shift_paid(conn, shift_id, "cash")?;
    let (paid_in, paid_out, dropped) = shift_movements(conn, shift_id)?;
    Ok(ShiftCash {
        float,
        net_cash,
        paid_in,
        paid_out,
        dropped,
    })
}

/// A shift's cash movements: `(paid in, paid out, dropped)`.
pub fn shift_movements(conn: &Connection, shift_id: &str) -> Result<(i64, i64, i64)> {
    Ok(conn.q_row(
        "SELECT COALESCE(sum(CASE kind WHEN 'pay_in' THEN amount_minor END), 0),
                COALESCE(sum(CASE kind WHEN 'pay_out' THEN amount_minor END), 0),
                COALESCE(sum(CASE kind WHEN 'drop' THEN amount_minor END), 0)
         FROM cash_movements WHERE shift_id = ?1",
        [shift_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// One cash movement as listed: `(kind, amount, reason, staff, approver, at)`.
pub type MovementLine = (String, i64, String, String, Option<String>, String);

/// A shift's cash movements, oldest first, with names.
pub fn shift_movement_lines(conn: &Connection, shift_id: &str) -> Result<Vec<MovementLine>> {
    Ok(conn
        .prepare_cached(
            "SELECT m.kind, m.amount_minor, m.reason, COALESCE(s.name, m.staff_id),
                    COALESCE(a.name, m.approved_by), m.at
             FROM cash_movements m LEFT JOIN staff s ON s.id = m.staff_id
             LEFT JOIN staff a ON a.id = m.approved_by
             WHERE m.shift_id = ?1 ORDER BY m.at, m.id",
        )?
        .query_map([shift_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<std::result::Result<_, _>>()?)
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
             WHERE o.shift_id = ?1 AND p.method = ?2 AND p.refund_id IS NULL AND p.shift_id IS NULL
             UNION ALL
             SELECT amount_minor FROM payments WHERE shift_id = ?1 AND method = ?2
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

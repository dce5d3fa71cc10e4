//! Refunds and the void list: the rows a refund writes, the tickets an order
//! ever had, the search for earlier orders, and the tickets that no longer
//! open the door (refunded, moved or admitted; here, or anywhere as
//! central's void list says).

use super::Cached;
use crate::error::{RefundRefusal, Result};
use jiff::Timestamp;
use rusqlite::{Connection, params};

/// One refund, as recorded (inside the caller's transaction).
pub struct RefundRow<'a> {
    /// The refund's id (its outbox entry's).
    pub id: &'a str,
    /// The order.
    pub order_id: &'a str,
    /// Paid back in all.
    pub amount_minor: i64,
    /// VAT inside it.
    pub vat_minor: i64,
    /// Back to the card.
    pub card_minor: i64,
    /// Cash from the drawer.
    pub cash_minor: i64,
    /// Taken over by a new order (an exchange), and its reference.
    pub exchange: (i64, Option<&'a str>),
    /// The card terminal's refund reference.
    pub card_reference: Option<&'a str>,
    /// Why.
    pub reason: &'a str,
    /// At the counter.
    pub staff_id: &'a str,
    /// Who approved.
    pub approved_by: &'a str,
    /// The shift whose drawer paid the cash.
    pub shift_id: Option<&'a str>,
    /// When.
    pub at: Timestamp,
}

/// A ticket of an order: `(showtime, seat, ticket type, price, state)` with
/// state `valid`, `refunded` or `moved`.
pub type TicketRow = (String, String, String, i64, String);

/// Every ticket the order ever had: those it holds, then those it gave up.
pub fn order_tickets(conn: &Connection, order_id: &str) -> Result<Vec<TicketRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT showtime_id, seat_label, ticket_type, price_minor, 'valid' FROM order_seats
         WHERE order_id = ?1
         UNION ALL
         SELECT showtime_id, seat_label, ticket_type, price_minor,
                CASE why WHEN 'refund' THEN 'refunded' ELSE 'moved' END
         FROM released_seats WHERE order_id = ?1
         ORDER BY 5 DESC, 1, 2",
    )?;
    let rows = stmt
        .query_map([order_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// An order's VAT, its rate, and the VAT its refunds gave back so far.
pub fn order_vat(conn: &Connection, order_id: &str) -> Result<(i64, u32, i64)> {
    Ok(conn.q_row(
        "SELECT vat_minor, vat_rate_bp,
                (SELECT COALESCE(sum(vat_minor), 0) FROM refunds WHERE order_id = ?1)
         FROM orders WHERE id = ?1",
        [order_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// What the order's payments still hold by method, refunds taken off:
/// `(card, cash)`.
pub fn refundable_by_method(conn: &Connection, order_id: &str) -> Result<(i64, i64)> {
    Ok(conn.q_row(
        "SELECT COALESCE(sum(amount_minor) FILTER (WHERE method = 'card'), 0),
                COALESCE(sum(amount_minor) FILTER (WHERE method = 'cash'), 0)
         FROM payments WHERE order_id = ?1",
        [order_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Whether central has not answered yet for a sale of the order that could
/// still come back a conflict: one not secured by a lease (an offline
/// override, or a hold that may run out before the push).
pub fn sale_unconfirmed(conn: &Connection, order_id: &str) -> Result<bool> {
    Ok(conn.q_row(
        "SELECT EXISTS (SELECT 1 FROM orders o JOIN outbox x ON x.order_id = o.id
                        WHERE o.id = ?1 AND o.secured_by NOT LIKE '%\"by\":\"lease\"%'
                          AND x.state = 'pending' AND x.body LIKE '%\"kind\":\"sale\"%')",
        [order_id],
        |r| r.get(0),
    )?)
}

/// Whether the order has a conflict task not yet resolved.
pub fn has_open_conflict(conn: &Connection, order_id: &str) -> Result<bool> {
    Ok(conn.q_row(
        "SELECT EXISTS (SELECT 1 FROM conflict_tasks WHERE order_id = ?1
                        AND state IN ('open', 'reseating'))",
        [order_id],
        |r| r.get(0),
    )?)
}

/// Records a refund: its row, the seats given up, the money paid back as
/// negative payments (card first), and the order marked refunded once no
/// ticket is left (inside the caller's transaction).
pub fn insert_refund(
    conn: &Connection,
    r: &RefundRow<'_>,
    tickets: &[(String, String)],
) -> Result<()> {
    let at = r.at.to_string();
    let day = super::trading_day(conn, r.at)?;
    conn.exec(
        "INSERT INTO refunds (id, order_id, amount_minor, vat_minor, card_minor, cash_minor,
             card_reference, reason, staff_id, approved_by, shift_id, refunded_at,
             exchange_minor, exchanged_to, business_day)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            r.id,
            r.order_id,
            r.amount_minor,
            r.vat_minor,
            r.card_minor,
            r.cash_minor,
            r.card_reference,
            r.reason,
            r.staff_id,
            r.approved_by,
            r.shift_id,
            at,
            r.exchange.0,
            r.exchange.1,
            day
        ],
    )?;
    for (show, seat) in tickets {
        conn.exec(
            "INSERT INTO released_seats (order_id, showtime_id, seat_label, ticket_type, price_minor,
                 released_at, why, refund_id)
             SELECT order_id, showtime_id, seat_label, ticket_type, price_minor, ?4, 'refund', ?5
             FROM order_seats WHERE order_id = ?1 AND showtime_id = ?2 AND seat_label = ?3",
            params![r.order_id, show, seat, at, r.id],
        )?;
        let gone = conn.exec(
            "DELETE FROM order_seats WHERE order_id = ?1 AND showtime_id = ?2 AND seat_label = ?3",
            params![r.order_id, show, seat],
        )?;
        if gone != 1 {
            // Refunded at the same moment from another screen: roll back.
            return Err(RefundRefusal::AlreadyRefunded(vec![seat.clone()]).into());
        }
    }
    for (method, amount, reference) in [
        ("exchange", r.exchange.0, r.exchange.1),
        ("card", r.card_minor, r.card_reference),
        ("cash", r.cash_minor, None),
    ] {
        if amount > 0 {
            conn.exec(
                "INSERT INTO payments (order_id, method, amount_minor, reference, refund_id, business_day)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![r.order_id, method, -amount, reference, r.id, day],
            )?;
        }
    }
    conn.exec(
        "UPDATE orders SET refunded_at = ?2
         WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM order_seats WHERE order_id = ?1)",
        params![r.order_id, at],
    )?;
    Ok(())
}

/// Whether the ticket of `order_id` for `(showtime, seat)` no longer opens
/// the door (here or anywhere at the site): `(why, when)`, `why` being
/// `refund`, `admitted` or `moved`. Clocks are never compared: a refund or
/// an admission always counts; a move counts unless the order holds the
/// seat here again (moved away and back).
pub fn ticket_void(
    conn: &Connection,
    order_id: &str,
    (showtime_id, seat): (&str, &str),
) -> Result<Option<(String, String)>> {
    let found: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT CASE why WHEN 'reseat' THEN 'moved' ELSE why END, released_at
             FROM released_seats WHERE order_id = ?1 AND showtime_id = ?2 AND seat_label = ?3
             UNION ALL
             SELECT 'admitted', admitted_at FROM admissions
             WHERE order_id = ?1 AND showtime_id = ?2 AND seat_label = ?3
             UNION ALL
             SELECT why, voided_at FROM void_tickets
             WHERE order_id = ?1 AND showtime_id = ?2 AND seat_label = ?3",
        )?
        .query_map(params![order_id, showtime_id, seat], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    let held_again: bool = conn.q_row(
        "SELECT EXISTS (SELECT 1 FROM order_seats
                        WHERE order_id = ?1 AND showtime_id = ?2 AND seat_label = ?3)",
        params![order_id, showtime_id, seat],
        |r| r.get(0),
    )?;
    let rank = |why: &str| match why {
        "refund" => 0,
        "admitted" => 1,
        _ => 2,
    };
    Ok(found
        .into_iter()
        .filter(|(why, _)| why != "moved" || !held_again)
        .min_by_key(|(why, _)| rank(why)))
}

/// Records a ticket let in at this door (inside the caller's transaction);
/// false when it was let in here before.
pub fn insert_admission(
    conn: &Connection,
    order_id: &str,
    (showtime_id, seat): (&str, &str),
    at: Timestamp,
) -> Result<bool> {
    Ok(conn.exec(
        "INSERT INTO admissions (order_id, showtime_id, seat_label, admitted_at)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        params![order_id, showtime_id, seat, at.to_string()],
    )? > 0)
}

/// Stores voided tickets learned from central (inside the caller's transaction).
pub fn store_voids(conn: &Connection, voids: &[protocol::VoidedTicket]) -> Result<()> {
    for v in voids {
        conn.exec(
            "INSERT INTO void_tickets (order_id, showtime_id, seat_label, why, voided_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (order_id, showtime_id, seat_label)
             DO UPDATE SET why = excluded.why, voided_at = excluded.voided_at",
            params![
                v.order_id,
                v.showtime_id,
                v.seat,
                v.why,
                v.voided_at.to_string()
            ],
        )?;
    }
    Ok(())
}

/// What `find_orders` filters on (already normalised).
#[derive(Debug, Default)]
pub struct OrderFilter {
    /// Lower-case hex start of the reference's eight digits.
    pub ref_prefix: Option<String>,
    /// A card approval (or refund) reference, exact.
    pub card_reference: Option<String>,
    /// Showtime.
    pub showtime_id: Option<String>,
    /// Seat label.
    pub seat: Option<String>,
    /// Sold at or after (RFC 3339).
    pub from: Option<String>,
    /// Sold before (RFC 3339).
    pub until: Option<String>,
    /// Most rows.
    pub limit: u32,
}

/// An order found: `(id, sold_at, cashier_id, total, currency, first
/// showtime, refunded so far, pending entries)`.
pub type FoundOrder = (String, String, String, i64, String, String, i64, i64);

/// Orders matching every filter given, newest first.
pub fn find_orders(conn: &Connection, f: &OrderFilter) -> Result<Vec<FoundOrder>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.sold_at, o.cashier_id, o.total_minor, o.currency, o.showtime_id,
                -COALESCE((SELECT sum(amount_minor) FROM payments p
                           WHERE p.order_id = o.id AND p.amount_minor < 0), 0),
                (SELECT count(*) FROM outbox x WHERE x.order_id = o.id AND x.state = 'pending')
         FROM orders o
         WHERE ((?1 IS NULL AND ?2 IS NULL)
                OR (?1 IS NOT NULL AND substr(lower(replace(o.id, '-', '')), -8) LIKE ?1 || '%')
                OR (?2 IS NOT NULL AND EXISTS (SELECT 1 FROM payments p
                                               WHERE p.order_id = o.id AND p.reference = ?2)))
           AND ((?3 IS NULL AND ?4 IS NULL)
                OR EXISTS (SELECT 1 FROM order_seats s WHERE s.order_id = o.id
                           AND (?3 IS NULL OR s.showtime_id = ?3) AND (?4 IS NULL OR s.seat_label = ?4))
                OR EXISTS (SELECT 1 FROM released_seats s WHERE s.order_id = o.id
                           AND (?3 IS NULL OR s.showtime_id = ?3) AND (?4 IS NULL OR s.seat_label = ?4)))
           AND (?5 IS NULL OR julianday(o.sold_at) >= julianday(?5))
           AND (?6 IS NULL OR julianday(o.sold_at) < julianday(?6))
         ORDER BY julianday(o.sold_at) DESC LIMIT ?7",
    )?;
    let rows = stmt
        .query_map(
            params![
                f.ref_prefix,
                f.card_reference,
                f.showtime_id,
                f.seat,
                f.from,
                f.until,
                f.limit
            ],
            |r| {
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
            },
        )?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// The payment methods of an order's sale (not its refunds).
pub fn order_methods(conn: &Connection, order_id: &str) -> Result<Vec<String>> {
    let rows = conn
        .prepare_cached(
            "SELECT DISTINCT method FROM payments WHERE order_id = ?1 AND amount_minor > 0 ORDER BY method",
        )?
        .query_map([order_id], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

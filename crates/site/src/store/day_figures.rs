//! The figures of one business day on this terminal, for the X and Z
//! reports. Every query is bounded by the day's rows (indexes on
//! `business_day` and on each table's order id), so a report takes the same
//! time on the first day and after a year of trading.

use super::Cached as _;
use crate::error::Result;
use reports::{
    Approved, ConflictLine, Line, PaymentLine, RefundLine, ShowtimeLine, Totals, VatLine,
};
use rusqlite::{Connection, Row, params};

/// The printed reference of an order id, in SQL (see `protocol::order_reference`).
const REF: &str = "'T' || upper(substr(replace(o.id, '-', ''), -8))";

/// Tickets sold in the day's orders, those refunded since included.
const SOLD: &str = "WITH sold AS (
     SELECT s.order_id, s.showtime_id, s.ticket_type, s.price_minor FROM order_seats s
     JOIN orders o ON o.id = s.order_id WHERE o.business_day = ?1
     UNION ALL
     SELECT r.order_id, r.showtime_id, r.ticket_type, r.price_minor FROM released_seats r
     JOIN orders o ON o.id = r.order_id WHERE o.business_day = ?1 AND r.why = 'refund')";

/// Orders refunded whole on the day by closing a conflict (no refund row).
const CONFLICT_REFUNDED: &str = "SELECT DISTINCT order_id FROM payments
     WHERE business_day = ?1 AND amount_minor < 0 AND refund_id IS NULL";

fn all<T>(
    conn: &Connection,
    sql: &str,
    day: &str,
    f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map([day], f)?
        .collect::<std::result::Result<_, _>>()?)
}

/// `(reference, amount, staff, approver, reason, at)` as an approved action.
fn approved(r: &Row<'_>) -> rusqlite::Result<Approved> {
    Ok(Approved {
        order_ref: r.get(0)?,
        amount_minor: r.get(1)?,
        staff: r.get(2)?,
        approved_by: r.get(3)?,
        reason: r.get(4)?,
        at: r.get(5)?,
    })
}

fn line(r: &Row<'_>) -> rusqlite::Result<Line> {
    let label: String = r.get(1)?;
    let label_ar: Option<String> = r.get(2)?;
    Ok(Line {
        key: r.get(0)?,
        label_ar: label_ar
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| label.clone()),
        label,
        orders: r.get(3)?,
        tickets: r.get(4)?,
        amount_minor: r.get(5)?,
    })
}

/// The day's totals.
pub fn day_totals(conn: &Connection, day: &str) -> Result<Totals> {
    let (orders, sales, sales_vat): (u32, i64, i64) = conn.q_row(
        "SELECT count(*), COALESCE(sum(total_minor), 0), COALESCE(sum(vat_minor), 0)
         FROM orders WHERE business_day = ?1",
        [day],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let tickets: u32 = conn.q_row(&format!("{SOLD} SELECT count(*) FROM sold"), [day], |r| {
        r.get(0)
    })?;
    let (refunds, refunds_vat, refunded_tickets): (i64, i64, u32) = conn.q_row(
        &format!(
            "SELECT COALESCE(sum(amount_minor), 0), COALESCE(sum(vat_minor), 0),
                    (SELECT count(*) FROM refunds f JOIN released_seats x
                        ON x.order_id = f.order_id AND x.refund_id = f.id WHERE f.business_day = ?1)
                  + (SELECT count(*) FROM released_seats WHERE refund_id IS NULL AND why = 'refund'
                        AND order_id IN ({CONFLICT_REFUNDED}))
             FROM (SELECT amount_minor, vat_minor FROM refunds WHERE business_day = ?1
                   UNION ALL
                   SELECT total_minor, vat_minor FROM orders WHERE id IN ({CONFLICT_REFUNDED}))"
        ),
        [day],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(Totals {
        orders,
        tickets,
        sales_minor: sales,
        sales_vat_minor: sales_vat,
        refunded_tickets,
        refunds_minor: refunds,
        refunds_vat_minor: refunds_vat,
        net_minor: sales - refunds,
        net_vat_minor: sales_vat - refunds_vat,
    })
}

/// Tickets and revenue by film.
pub fn day_by_film(conn: &Connection, day: &str) -> Result<Vec<Line>> {
    all(
        conn,
        &format!(
            "{SOLD} SELECT COALESCE(f.id, s.showtime_id), COALESCE(f.title_en, s.showtime_id), f.title_ar,
                    count(DISTINCT s.order_id), count(*), sum(s.price_minor)
             FROM sold s LEFT JOIN showtimes t ON t.id = s.showtime_id LEFT JOIN films f ON f.id = t.film_id
             GROUP BY 1 ORDER BY 6 DESC, 2"
        ),
        day,
        line,
    )
}

/// Tickets, revenue and occupancy by showtime.
pub fn day_by_showtime(conn: &Connection, day: &str) -> Result<Vec<ShowtimeLine>> {
    all(
        conn,
        &format!(
            "{SOLD} SELECT s.showtime_id, COALESCE(f.title_en, ''), COALESCE(f.title_ar, ''),
                    COALESCE(c.name, ''), COALESCE(t.starts_at, 0), count(*), sum(s.price_minor),
                    (SELECT count(*) FROM screen_seats x WHERE x.screen_id = t.screen_id AND x.blocked = 0),
                    (SELECT count(*) FROM order_seats x WHERE x.showtime_id = s.showtime_id)
                  + (SELECT count(*) FROM remote_seats x WHERE x.showtime_id = s.showtime_id)
             FROM sold s LEFT JOIN showtimes t ON t.id = s.showtime_id
             LEFT JOIN films f ON f.id = t.film_id LEFT JOIN screens c ON c.id = t.screen_id
             GROUP BY s.showtime_id ORDER BY 5, 4"
        ),
        day,
        |r| {
            let starts: i64 = r.get(4)?;
            Ok(ShowtimeLine {
                showtime_id: r.get(0)?,
                film: r.get(1)?,
                film_ar: r.get(2)?,
                screen: r.get(3)?,
                starts_at: jiff::Timestamp::from_second(starts)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                tickets: r.get(5)?,
                amount_minor: r.get(6)?,
                capacity: r.get(7)?,
                taken: r.get(8)?,
            })
        },
    )
}

/// Tickets and revenue by ticket type.
pub fn day_by_ticket_type(conn: &Connection, day: &str) -> Result<Vec<Line>> {
    all(
        conn,
        &format!(
            "{SOLD} SELECT s.ticket_type,
                    COALESCE((SELECT name_en FROM prices p WHERE p.ticket_type = s.ticket_type LIMIT 1), s.ticket_type),
                    (SELECT name_ar FROM prices p WHERE p.ticket_type = s.ticket_type LIMIT 1),
                    count(DISTINCT s.order_id), count(*), sum(s.price_minor)
             FROM sold s GROUP BY 1 ORDER BY 6 DESC, 1"
        ),
        day,
        line,
    )
}

/// Money in and out by payment method.
pub fn day_by_payment(conn: &Connection, day: &str) -> Result<Vec<PaymentLine>> {
    all(
        conn,
        "SELECT method, COALESCE(sum(CASE WHEN amount_minor > 0 THEN amount_minor END), 0),
                COALESCE(-sum(CASE WHEN amount_minor < 0 THEN amount_minor END), 0)
         FROM payments WHERE business_day = ?1 GROUP BY method
         ORDER BY CASE method WHEN 'cash' THEN 0 WHEN 'card' THEN 1 ELSE 2 END, method",
        day,
        |r| {
            let (taken, back): (i64, i64) = (r.get(1)?, r.get(2)?);
            Ok(PaymentLine {
                method: r.get(0)?,
                taken_minor: taken,
                refunded_minor: back,
                net_minor: taken - back,
            })
        },
    )
}

/// Tickets and revenue by cashier.
pub fn day_by_cashier(conn: &Connection, day: &str) -> Result<Vec<Line>> {
    all(
        conn,
        &format!(
            "{SOLD} SELECT o.cashier_id, COALESCE(st.name, o.cashier_id), NULL,
                    count(DISTINCT s.order_id), count(*), sum(s.price_minor)
             FROM sold s JOIN orders o ON o.id = s.order_id LEFT JOIN staff st ON st.id = o.cashier_id
             GROUP BY 1 ORDER BY 6 DESC, 2"
        ),
        day,
        line,
    )
}

/// Each of the day's orders: `(sold_at, tickets, total)`, for the hourly chart.
pub fn day_order_times(conn: &Connection, day: &str) -> Result<Vec<(String, u32, i64)>> {
    all(
        conn,
        "SELECT o.sold_at,
                (SELECT count(*) FROM order_seats s WHERE s.order_id = o.id)
              + (SELECT count(*) FROM released_seats r WHERE r.order_id = o.id AND r.why = 'refund'),
                o.total_minor
         FROM orders o WHERE o.business_day = ?1",
        day,
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// VAT by rate: the day's sales less its refunds.
pub fn day_vat(conn: &Connection, day: &str) -> Result<Vec<VatLine>> {
    all(
        conn,
        &format!(
            "SELECT rate, sum(gross), sum(vat) FROM (
                 SELECT vat_rate_bp AS rate, total_minor AS gross, vat_minor AS vat
                 FROM orders WHERE business_day = ?1
                 UNION ALL
                 SELECT o.vat_rate_bp, -r.amount_minor, -r.vat_minor
                 FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.business_day = ?1
                 UNION ALL
                 SELECT vat_rate_bp, -total_minor, -vat_minor FROM orders
                 WHERE id IN ({CONFLICT_REFUNDED}))
             GROUP BY rate ORDER BY rate"
        ),
        day,
        |r| {
            let (gross, vat): (i64, i64) = (r.get(1)?, r.get(2)?);
            Ok(VatLine {
                rate_bp: r.get(0)?,
                gross_minor: gross,
                vat_minor: vat,
                net_minor: gross - vat,
            })
        },
    )
}

/// Tickets sold below their list price by the price card's rules (orders
/// without a price override), by ticket type; the amount is the discount.
pub fn day_discounts(conn: &Connection, day: &str) -> Result<Vec<Line>> {
    all(
        conn,
        &format!(
            "{SOLD} SELECT s.ticket_type, COALESCE(p.name_en, s.ticket_type), p.name_ar,
                    count(DISTINCT s.order_id), count(*), sum(p.price_minor - s.price_minor)
             FROM sold s JOIN orders o ON o.id = s.order_id
             JOIN showtimes t ON t.id = s.showtime_id
             JOIN prices p ON p.price_card_id = t.price_card_id AND p.ticket_type = s.ticket_type
             WHERE s.price_minor < p.price_minor AND o.price_override_by IS NULL
             GROUP BY 1 ORDER BY 6 DESC, 1"
        ),
        day,
        line,
    )
}

/// Price overrides: the amount is how far below the list prices the order went.
pub fn day_overrides(conn: &Connection, day: &str) -> Result<Vec<Approved>> {
    all(
        conn,
        &format!(
            "SELECT {REF}, COALESCE((SELECT sum(p.price_minor) FROM
                        (SELECT showtime_id, ticket_type FROM order_seats WHERE order_id = o.id
                         UNION ALL
                         SELECT showtime_id, ticket_type FROM released_seats
                         WHERE order_id = o.id AND why = 'refund') s
                        JOIN showtimes t ON t.id = s.showtime_id
                        JOIN prices p ON p.price_card_id = t.price_card_id AND p.ticket_type = s.ticket_type),
                    o.total_minor) - o.total_minor,
                    COALESCE(a.name, o.cashier_id), COALESCE(b.name, o.price_override_by),
                    COALESCE(o.price_override_reason, ''), o.sold_at
             FROM orders o LEFT JOIN staff a ON a.id = o.cashier_id
             LEFT JOIN staff b ON b.id = o.price_override_by
             WHERE o.business_day = ?1 AND o.price_override_by IS NOT NULL ORDER BY o.sold_at"
        ),
        day,
        approved,
    )
}

/// Refunds and exchanges of the day, and orders refunded whole to close a
/// conflict (`kind` `conflict`).
pub fn day_refunds(conn: &Connection, day: &str) -> Result<Vec<RefundLine>> {
    all(
        conn,
        &format!(
            "SELECT * FROM (
             SELECT {REF}, CASE WHEN f.exchanged_to IS NULL THEN 'refund' ELSE 'exchange' END,
                    (SELECT count(*) FROM released_seats x WHERE x.order_id = f.order_id AND x.refund_id = f.id),
                    f.amount_minor, f.card_minor, f.cash_minor, f.exchange_minor,
                    COALESCE(a.name, f.staff_id), COALESCE(b.name, f.approved_by), f.reason, f.refunded_at AS at
             FROM refunds f JOIN orders o ON o.id = f.order_id
             LEFT JOIN staff a ON a.id = f.staff_id LEFT JOIN staff b ON b.id = f.approved_by
             WHERE f.business_day = ?1
             UNION ALL
             SELECT {REF}, 'conflict',
                    (SELECT count(*) FROM released_seats x
                     WHERE x.order_id = o.id AND x.refund_id IS NULL AND x.why = 'refund'),
                    -sum(p.amount_minor),
                    -COALESCE(sum(p.amount_minor) FILTER (WHERE p.method = 'card'), 0),
                    -COALESCE(sum(p.amount_minor) FILTER (WHERE p.method = 'cash'), 0),
                    -COALESCE(sum(p.amount_minor) FILTER (WHERE p.method = 'exchange'), 0),
                    COALESCE(a.name, c.resolved_by, ''), COALESCE(a.name, c.resolved_by, ''),
                    'seats sold elsewhere (conflict)', COALESCE(o.refunded_at, '')
             FROM payments p JOIN orders o ON o.id = p.order_id
             LEFT JOIN conflict_tasks c ON c.order_id = o.id LEFT JOIN staff a ON a.id = c.resolved_by
             WHERE p.business_day = ?1 AND p.amount_minor < 0 AND p.refund_id IS NULL
             GROUP BY o.id)
             ORDER BY at"
        ),
        day,
        |r| {
            Ok(RefundLine {
                order_ref: r.get(0)?,
                kind: r.get(1)?,
                tickets: r.get(2)?,
                amount_minor: r.get(3)?,
                card_minor: r.get(4)?,
                cash_minor: r.get(5)?,
                exchange_minor: r.get(6)?,
                staff: r.get(7)?,
                approved_by: r.get(8)?,
                reason: r.get(9)?,
                at: r.get(10)?,
            })
        },
    )
}

/// Shifts with sales or refunds on the day, or opened within `(from, to)`:
/// `(shift id, staff name)`.
pub fn day_shifts(
    conn: &Connection,
    day: &str,
    (from, to): (&str, &str),
) -> Result<Vec<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT h.id, COALESCE(st.name, h.staff_id) FROM shifts h LEFT JOIN staff st ON st.id = h.staff_id
             WHERE h.id IN (SELECT shift_id FROM orders WHERE business_day = ?1)
                OR h.id IN (SELECT shift_id FROM refunds WHERE business_day = ?1)
                OR h.id IN (SELECT shift_id FROM cash_movements WHERE business_day = ?1)
                OR h.id IN (SELECT shift_id FROM payments WHERE business_day = ?1 AND shift_id IS NOT NULL)
                OR (h.opened_at >= ?2 AND h.opened_at < ?3)
             ORDER BY h.opened_at",
        )?
        .query_map(params![day, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?)
}

/// The day's sales made without central: `(lease orders, override orders, tickets, amount)`.
pub fn day_offline(conn: &Connection, day: &str) -> Result<(u32, u32, u32, i64)> {
    Ok(conn.q_row(
        "SELECT COALESCE(sum(by = 'lease'), 0), COALESCE(sum(by = 'override'), 0),
                COALESCE(sum(tickets), 0), COALESCE(sum(total_minor), 0)
         FROM (SELECT json_extract(o.secured_by, '$.by') AS by, o.total_minor,
                      (SELECT count(*) FROM order_seats s WHERE s.order_id = o.id)
                    + (SELECT count(*) FROM released_seats r WHERE r.order_id = o.id AND r.why = 'refund')
                      AS tickets
               FROM orders o WHERE o.business_day = ?1)
         WHERE by IN ('lease', 'override')",
        [day],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?)
}

/// Conflict tasks still open (whatever their day).
pub fn open_conflict_lines(conn: &Connection) -> Result<Vec<ConflictLine>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {REF}, c.taken, c.created_at FROM conflict_tasks c JOIN orders o ON o.id = c.order_id
             WHERE c.state = 'open' ORDER BY c.created_at"
        ))?
        .query_map([], |r| {
            let taken: String = r.get(1)?;
            Ok(ConflictLine {
                order_ref: r.get(0)?,
                seats: serde_json::from_str(&taken).unwrap_or_default(),
                since: r.get(2)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?)
}

/// Entries not yet at central, each with the business day it counts in (a
/// refund's own day, a sale's order's day) and its amount (a refund's, or
/// the order's total for a sale or a conflict's refund).
const WAITING: &str = "WITH waiting AS (
     SELECT CASE WHEN r.id IS NOT NULL THEN r.business_day
                 WHEN e.body LIKE '%\"kind\":\"refund\"%' THEN COALESCE(
                     (SELECT max(p.business_day) FROM payments p
                      WHERE p.order_id = o.id AND p.amount_minor < 0 AND p.refund_id IS NULL),
                     o.business_day)
                 ELSE o.business_day END AS day,
            CASE WHEN r.id IS NOT NULL THEN r.amount_minor
                 WHEN e.body LIKE '%\"kind\":\"sale\"%' OR e.body LIKE '%\"kind\":\"refund\"%'
                 THEN o.total_minor ELSE 0 END AS amount,
            e.created_at
     FROM outbox e JOIN orders o ON o.id = e.order_id LEFT JOIN refunds r ON r.id = e.id
     WHERE e.state = 'pending')";

/// The day's entries not yet at central: `(entries, their amount, oldest
/// entry's unix second)`.
pub fn day_unsynced(conn: &Connection, day: &str) -> Result<(u32, i64, Option<i64>)> {
    Ok(conn.q_row(
        &format!("{WAITING} SELECT count(*), COALESCE(sum(amount), 0), min(created_at) FROM waiting WHERE day = ?1"),
        [day],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// Entries not yet at central, per business day (the newest 31 days), for
/// the heartbeat.
pub fn unsynced_days(conn: &Connection) -> Result<Vec<protocol::UnsyncedDay>> {
    Ok(conn
        .prepare_cached(&format!(
            "{WAITING} SELECT day, count(*), COALESCE(sum(amount), 0), min(created_at) FROM waiting
             WHERE day IS NOT NULL GROUP BY day ORDER BY day DESC LIMIT 31"
        ))?
        .query_map([], |r| {
            Ok(protocol::UnsyncedDay {
                business_day: r.get(0)?,
                entries: r.get(1)?,
                amount_minor: r.get(2)?,
                oldest_at: r.get(3)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?)
}

/// Orders voided while being built on the day.
pub fn day_voids(conn: &Connection, day: &str) -> Result<Vec<Approved>> {
    all(
        conn,
        "SELECT 'V' || upper(substr(replace(v.id, '-', ''), -8)), v.amount_minor,
                COALESCE(a.name, v.staff_id), COALESCE(b.name, v.approved_by), v.reason, v.voided_at
         FROM voided_orders v LEFT JOIN staff a ON a.id = v.staff_id LEFT JOIN staff b ON b.id = v.approved_by
         WHERE v.business_day = ?1 ORDER BY v.voided_at",
        day,
        approved,
    )
}

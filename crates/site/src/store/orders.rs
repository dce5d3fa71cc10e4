//! Orders, their seats and payments.

use super::Cached as _;
use crate::error::{Result, SiteError};
use rusqlite::{Connection, OptionalExtension, params};

/// An order's showtimes, each once: its own (the first part's) first, then
/// the others in the order their seats were sold.
pub fn order_showtimes(conn: &Connection, order_id: &str) -> Result<Vec<String>> {
    let first: String = conn.q_row(
        "SELECT showtime_id FROM orders WHERE id = ?1",
        [order_id],
        |r| r.get(0),
    )?;
    let mut out = vec![first];
    let mut stmt = conn
        .prepare_cached("SELECT showtime_id FROM order_seats WHERE order_id = ?1 ORDER BY rowid")?;
    for id in stmt.query_map([order_id], |r| r.get::<_, String>(0))? {
        let id = id?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The order rows of a sale, as the terminal keeps them.
pub struct OrderRecord<'a> {
    /// The sale as it goes to central.
    pub sale: &'a protocol::Sale,
    /// Cash handed over.
    pub tendered_minor: i64,
    /// Change given.
    pub change_minor: i64,
    /// The VAT rate applied.
    pub vat_rate_bp: u32,
    /// The shift whose drawer took the money.
    pub shift_id: &'a str,
}

/// Writes an order, its seats and payments, and takes its seats out of this
/// terminal's leases (inside the caller's transaction). A seat this terminal
/// already sold is `seat_unavailable`.
pub fn insert_order(conn: &Connection, o: &OrderRecord<'_>) -> Result<()> {
    let sale = o.sale;
    let secured = serde_json::to_string(&sale.secured_by)
        .map_err(|e| SiteError::Corrupt(format!("cannot encode sale: {e}")))?;
    let order_id = sale.order_id.to_string();
    let day = super::trading_day(conn, sale.sold_at)?;
    conn.exec(
        "INSERT INTO orders (id, showtime_id, cashier_id, total_minor, vat_minor, vat_rate_bp, currency,
                             tendered_minor, change_minor, secured_by, sold_at, sold_at_central_estimate, shift_id,
                             business_day)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                 ?14, ?13)",
        params![
            order_id, sale.showtime_id, sale.cashier_id, sale.total_minor, sale.vat_minor, o.vat_rate_bp,
            sale.currency.code(), o.tendered_minor, o.change_minor, secured, sale.sold_at.to_string(),
            sale.sold_at_central_estimate.to_string(), day, o.shift_id
        ],
    )?;
    if let Some(p) = &sale.price_override {
        conn.exec(
            "UPDATE orders SET price_override_by = ?2, price_override_reason = ?3 WHERE id = ?1",
            params![order_id, p.approved_by, p.reason],
        )?;
    }
    let mut seat_stmt = conn.prepare_cached(
        "INSERT INTO order_seats (order_id, showtime_id, seat_label, ticket_type, price_minor)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for seat in &sale.seats {
        seat_stmt
            .execute(params![
                order_id,
                seat.showtime(sale),
                seat.label,
                seat.ticket_type,
                seat.price_minor
            ])
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    SiteError::SeatUnavailable(vec![seat.label.clone()])
                }
                other => other.into(),
            })?;
    }
    let mut pay_stmt = conn.prepare_cached(
        "INSERT INTO payments (order_id, method, amount_minor, reference, business_day)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for p in &sale.payments {
        pay_stmt.execute(params![
            order_id,
            p.method,
            p.amount_minor,
            p.reference,
            day
        ])?;
    }
    let mut lease_stmt =
        conn.prepare_cached("DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2")?;
    for seat in &sale.seats {
        lease_stmt.execute(params![seat.showtime(sale), seat.label])?;
    }
    Ok(())
}

/// Finds an order id by the last eight hex digits of its id (its printed reference).
pub fn order_by_ref_suffix(conn: &Connection, suffix: &str) -> Result<Option<String>> {
    Ok(conn
        .q_row(
            "SELECT id FROM orders WHERE substr(replace(id, '-', ''), -8) = ?1",
            [suffix],
            |r| r.get(0),
        )
        .optional()?)
}

/// When an order was sold and by whom: `(cashier_id, sold_at)`.
pub fn order_sale_time(conn: &Connection, order_id: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .q_row(
            "SELECT cashier_id, sold_at FROM orders WHERE id = ?1",
            [order_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// An order's seat for a reprint: `(showtime, seat, ticket type, price,
/// reprints so far)`.
pub type ReprintSeat = (String, String, String, i64, u32);

/// An order's seats for a reprint (one seat, or all).
pub fn order_seats_for_reprint(
    conn: &Connection,
    order_id: &str,
    seat: Option<&str>,
) -> Result<Vec<ReprintSeat>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.showtime_id, s.seat_label, s.ticket_type, s.price_minor,
                COALESCE((SELECT max(j.reprint_count) FROM print_jobs j
                          WHERE j.order_id = s.order_id AND j.seat_label = s.seat_label AND j.kind = 'ticket'), 0)
         FROM order_seats s WHERE s.order_id = ?1 AND (?2 IS NULL OR s.seat_label = ?2)
         ORDER BY s.seat_label",
    )?;
    let rows = stmt
        .query_map(params![order_id, seat], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// When this terminal collected a web booking, if it did.
pub fn web_collection_time(conn: &Connection, reference: &str) -> Result<Option<String>> {
    Ok(conn
        .q_row(
            "SELECT collected_at FROM web_collections WHERE reference = ?1",
            [reference],
            |r| r.get(0),
        )
        .optional()?)
}

/// Records a web booking collected here (inside the caller's transaction).
pub fn insert_web_collection(
    conn: &Connection,
    b: &protocol::WebBooking,
    seats: &[&str],
    staff_id: &str,
    now: jiff::Timestamp,
) -> Result<()> {
    conn.exec(
        "INSERT OR IGNORE INTO web_collections (reference, order_id, showtime_id, seats, staff_id, collected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            b.reference,
            b.order_id,
            b.showtime_id,
            serde_json::to_string(seats).map_err(|e| SiteError::Corrupt(e.to_string()))?,
            staff_id,
            now.to_string()
        ],
    )?;
    Ok(())
}

/// A seat of an order: `(showtime, ticket type, price)` for each showtime
/// (of `showtime` only, when given) where the order holds `seat`.
pub fn order_seat(
    conn: &Connection,
    order_id: &str,
    seat: &str,
    showtime: Option<&str>,
) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT showtime_id, ticket_type, price_minor FROM order_seats
         WHERE order_id = ?1 AND seat_label = ?2 AND (?3 IS NULL OR showtime_id = ?3)",
    )?;
    let rows = stmt
        .query_map(params![order_id, seat, showtime], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// Moves an order's seat in one showtime (inside the caller's transaction);
/// the seat given up is recorded, so that its ticket no longer admits.
pub fn move_order_seat(
    conn: &Connection,
    order_id: &str,
    showtime_id: &str,
    (from, to): (&str, &str),
    now: jiff::Timestamp,
) -> Result<()> {
    conn.exec(
        "INSERT INTO released_seats (order_id, showtime_id, seat_label, ticket_type, price_minor, released_at, why)
         SELECT order_id, showtime_id, seat_label, ticket_type, price_minor, ?4, 'reseat'
         FROM order_seats WHERE order_id = ?1 AND seat_label = ?2 AND showtime_id = ?3",
        params![order_id, from, showtime_id, now.to_string()],
    )?;
    conn.exec(
        "UPDATE order_seats SET seat_label = ?3
         WHERE order_id = ?1 AND seat_label = ?2 AND showtime_id = ?4",
        params![order_id, from, to, showtime_id],
    )?;
    Ok(())
}

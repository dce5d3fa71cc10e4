//! Web sales and bookings: the chain's website sells seats (a `W` reference);
//! at the counter the customer shows the reference, and the terminal looks
//! it up and collects it, once.

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::seats::{
    check_not_cancelled, check_seats_exist, emit, expire_stale, showtime_screen, unavailable,
};
use domain::{Currency, SeatState};
use jiff::Timestamp;
use protocol::{SoldSeat, WebBooking, WebSale, WebSaleRequest};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

type Result<T> = std::result::Result<T, CentralError>;

impl CentralDb {
    /// Sells seats to a web customer (the chain's website), if all are free.
    pub fn web_sale(
        &self,
        req: &WebSaleRequest,
        order_id: Uuid,
        now: Timestamp,
    ) -> Result<WebSale> {
        if req.seats.is_empty() {
            return Err(CentralError::BadRequest(
                "a sale needs at least one seat".into(),
            ));
        }
        self.write(|tx| {
            let screen_id = showtime_screen(tx, &req.showtime_id)?;
            check_not_cancelled(tx, &req.showtime_id)?;
            check_seats_exist(tx, &screen_id, &req.seats)?;
            expire_stale(tx, now)?;
            let taken = unavailable(tx, &req.showtime_id, &req.seats, None, None)?;
            if !taken.is_empty() {
                return Err(CentralError::SeatUnavailable(taken));
            }
            let (currency, adult): (String, i64) = tx.query_row(
                "SELECT si.currency, COALESCE((SELECT p.price_minor FROM prices p
                     WHERE p.price_card_id = s.price_card_id AND p.ticket_type = 'adult'), 0)
                 FROM showtimes s JOIN sites si ON si.id = s.site_id WHERE s.id = ?1",
                [&req.showtime_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let reference = web_reference(order_id);
            let id = order_id.to_string();
            let total = adult.saturating_mul(req.seats.len() as i64);
            tx.execute(
                "INSERT INTO orders (id, showtime_id, channel, terminal_id, reference, total_minor, currency, created_at)
                 VALUES (?1, ?2, 'web', NULL, ?3, ?4, ?5, ?6)",
                params![id, req.showtime_id, reference, total, currency, now.to_string()],
            )?;
            for seat in &req.seats {
                tx.execute(
                    "INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
                     VALUES (?1, ?2, ?3, 'adult', ?4)",
                    params![req.showtime_id, seat, id, adult],
                )?;
                emit(tx, &req.showtime_id, seat, SeatState::Sold, Some("web"), now)?;
            }
            let priced: Vec<(String, i64)> = req.seats.iter().map(|s| (s.clone(), adult)).collect();
            crate::day_report::record_web_sale(tx, order_id, &req.showtime_id, &priced, now)?;
            Ok(WebSale { order_id: id, reference })
        })
    }

    /// A web booking of `site_id` by reference.
    pub fn web_booking(&self, site_id: &str, reference: &str) -> Result<WebBooking> {
        booking(&self.read(), site_id, reference)
    }

    /// Marks a web booking collected by `terminal_id`. Collecting again from
    /// the same terminal answers the booking (a lost answer is retried);
    /// from another terminal it is refused.
    pub fn collect_web_booking(
        &self,
        terminal_id: &str,
        reference: &str,
        now: Timestamp,
    ) -> Result<WebBooking> {
        let site_id = self.terminal_site(terminal_id)?;
        self.write(|tx| {
            let b = booking(tx, &site_id, reference)?;
            if b.refunded {
                return Err(CentralError::Conflict(format!(
                    "booking {reference} was refunded"
                )));
            }
            match (&b.collected_by, b.collected_at) {
                (Some(by), _) if by == terminal_id => return Ok(b),
                (Some(by), Some(at)) => {
                    return Err(CentralError::Conflict(format!(
                        "booking {reference} was already collected at {by} ({at})"
                    )));
                }
                _ => {}
            }
            tx.execute(
                "UPDATE orders SET collected_at = ?2, collected_by = ?3 WHERE id = ?1",
                params![b.order_id, now.to_string(), terminal_id],
            )?;
            booking(tx, &site_id, reference)
        })
    }
}

/// The reference of a web order: `W` and the last 8 hex digits of its id.
fn web_reference(order_id: Uuid) -> String {
    let simple = order_id.simple().to_string().to_uppercase();
    format!("W{}", &simple[simple.len() - 8..])
}

/// `(order, showtime, site, total, currency, collected_at, collected_by, refunded_at)`.
type BookingRow = (
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn booking(conn: &Connection, site_id: &str, reference: &str) -> Result<WebBooking> {
    let reference = reference.trim().to_uppercase();
    let row: Option<BookingRow> = conn
        .query_row(
            "SELECT o.id, o.showtime_id, s.site_id, o.total_minor, o.currency, o.collected_at,
                    o.collected_by, o.refunded_at
             FROM orders o JOIN showtimes s ON s.id = o.showtime_id
             WHERE o.reference = ?1 AND o.channel = 'web'",
            [&reference],
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
        )
        .optional()?;
    let Some((order_id, showtime_id, site, total, currency, collected_at, collected_by, refunded)) =
        row
    else {
        return Err(CentralError::UnknownBooking(reference));
    };
    if site != site_id {
        // Bookings of other sites are not this counter's business.
        return Err(CentralError::UnknownBooking(reference));
    }
    let seats = conn
        .prepare(
            "SELECT seat_label, ticket_type, price_minor FROM sold_seats WHERE order_id = ?1
             ORDER BY seat_label",
        )?
        .query_map([&order_id], |r| {
            Ok(SoldSeat {
                label: r.get(0)?,
                ticket_type: r.get(1)?,
                price_minor: r.get(2)?,
                showtime_id: None,
            })
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(WebBooking {
        reference,
        order_id,
        showtime_id,
        seats,
        total_minor: total,
        currency: currency
            .parse::<Currency>()
            .map_err(|e| CentralError::Corrupt(e.to_string()))?,
        collected_at: collected_at
            .map(|t| {
                t.parse()
                    .map_err(|e: jiff::Error| CentralError::Corrupt(e.to_string()))
            })
            .transpose()?,
        collected_by,
        refunded: refunded.is_some(),
    })
}

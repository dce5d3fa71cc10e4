//! Web sales and bookings: the chain's website sells seats (a `W` reference);
//! at the counter the customer shows the reference, and the terminal looks
//! it up and collects it, once.

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::seats::{emit, expire_stale, unavailable};
use crate::sql::{OptionalExtension, Sql, params};
use crate::web_channels::WebChannel;
use domain::{Currency, SeatState};
use jiff::Timestamp;
use protocol::{SoldSeat, WebBooking, WebSale, WebSaleRequest};
use uuid::Uuid;

type Result<T> = std::result::Result<T, CentralError>;

impl CentralDb {
    /// Sells seats to a web customer of `channel` (the chain's website), if
    /// all are free, the showtime is at a site the channel sells at and has
    /// not started, and the sale is within the channel's seat cap.
    pub fn web_sale(
        &self,
        channel: &WebChannel,
        req: &WebSaleRequest,
        order_id: Uuid,
        now: Timestamp,
    ) -> Result<WebSale> {
        if req.seats.is_empty() {
            return Err(CentralError::BadRequest(
                "a sale needs at least one seat".into(),
            ));
        }
        if req.seats.len() > channel.max_seats_per_sale as usize {
            return Err(CentralError::BadRequest(format!(
                "a web sale takes at most {} seats",
                channel.max_seats_per_sale
            )));
        }
        // Repeated seats are refused before any database work.
        let mut listed = std::collections::HashSet::new();
        if let Some(twice) = req.seats.iter().find(|s| !listed.insert(s.as_str())) {
            return Err(CentralError::BadRequest(format!(
                "seat {twice} is listed twice"
            )));
        }
        self.write_showtimes(&[req.showtime_id.as_str()], |tx| {
            // What the sale needs of its showtime and site, in one round trip.
            type ShowRow = (String, i64, bool, String, i64, String, i8, u32);
            let (site, starts_at, cancelled, currency, adult, time_zone, cutoff_hour, vat): ShowRow =
                tx.query_row(
                    "SELECT s.site_id, s.starts_at, s.cancelled, si.currency,
                         COALESCE((SELECT p.price_minor FROM prices p
                             WHERE p.price_card_id = s.price_card_id
                             AND p.ticket_type = 'adult'), 0),
                         si.time_zone, si.business_day_cutoff_hour, si.vat_rate_bp
                     FROM showtimes s JOIN sites si ON si.id = s.site_id WHERE s.id = ?1",
                    [&req.showtime_id],
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
                .optional()?
                .ok_or_else(|| CentralError::UnknownShowtime(req.showtime_id.clone()))?;
            if !channel.covers(&site) {
                return Err(CentralError::Forbidden(format!(
                    "web channel {} does not sell at {site}",
                    channel.id
                )));
            }
            if starts_at <= now.as_second() {
                return Err(CentralError::Conflict(
                    "the show has started: the web shop no longer sells it".into(),
                ));
            }
            if cancelled {
                return Err(CentralError::Conflict(format!(
                    "showtime {} was cancelled",
                    req.showtime_id
                )));
            }
            expire_stale(tx, now)?;
            // Also refuses seats not on the showtime's screen.
            let taken = unavailable(tx, &req.showtime_id, &req.seats, None, None)?;
            if !taken.is_empty() {
                return Err(CentralError::SeatUnavailable(taken));
            }
            let id = order_id.to_string();
            let total = adult.saturating_mul(req.seats.len() as i64);
            let reference = insert_web_order(tx, &id, req, channel, (total, &currency), now)?;
            for seat in &req.seats {
                tx.execute(
                    "INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
                     VALUES (?1, ?2, ?3, 'adult', ?4)",
                    params![req.showtime_id, seat, id, adult],
                )?;
                emit(tx, &req.showtime_id, seat, SeatState::Sold, Some("web"), now)?;
            }
            let priced: Vec<(String, i64)> = req.seats.iter().map(|s| (s.clone(), adult)).collect();
            let site = crate::day_report::WebSaleSite {
                id: &site,
                time_zone: &time_zone,
                cutoff_hour,
                currency: &currency,
                vat_rate_bp: vat,
            };
            crate::day_report::record_web_sale(tx, &site, order_id, &req.showtime_id, &priced, now)?;
            Ok(WebSale { order_id: id, reference })
        })
    }

    /// A web booking of `site_id` by reference.
    pub fn web_booking(&self, site_id: &str, reference: &str) -> Result<WebBooking> {
        booking(&self.read()?, site_id, reference)
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

/// Inserts a web order under the next web reference and returns it: `W`
/// and 8 hex digits of central's web order count through a keyed
/// permutation ([`permute32`]), so references never repeat (until 2^32 web
/// orders) and do not follow one another.
///
/// A reference an older web order already has (from before references were
/// counted, when they were random) is skipped: the insert does nothing on
/// that reference and the next count is tried.
fn insert_web_order(
    tx: &Sql<'_>,
    id: &str,
    req: &WebSaleRequest,
    channel: &WebChannel,
    (total, currency): (i64, &str),
    now: Timestamp,
) -> Result<String> {
    loop {
        // PostgreSQL counts through a sequence (no row lock shared by every
        // web sale); SQLite writes one at a time anyway.
        let counter = if tx.is_postgres() {
            "SELECT nextval('web_reference_seq'), key FROM reference_counters WHERE channel = 'web'"
        } else {
            "UPDATE reference_counters SET next = next + 1 WHERE channel = 'web'
             RETURNING next - 1, key"
        };
        let (n, key): (i64, i64) = tx.query_row(counter, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let n = u32::try_from(n)
            .map_err(|_| CentralError::Conflict("the web order references are used up".into()))?;
        let reference = format!("W{:08X}", permute32(n, key as u64));
        let inserted = tx.execute(
            "INSERT INTO orders (id, showtime_id, channel, terminal_id, reference, total_minor,
                 currency, created_at, web_channel)
             VALUES (?1, ?2, 'web', NULL, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (reference) WHERE channel = 'web' DO NOTHING",
            params![
                id,
                req.showtime_id,
                reference,
                total,
                currency,
                now.to_string(),
                channel.id
            ],
        )?;
        if inserted == 1 {
            return Ok(reference);
        }
    }
}

/// A bijection of 32-bit numbers chosen by `key`: four Feistel rounds over
/// 16-bit halves (any round function gives a bijection).
fn permute32(x: u32, key: u64) -> u32 {
    let (mut left, mut right) = ((x >> 16) as u16, x as u16);
    for round in 0..4u64 {
        let f = (mix64(key ^ (round << 40) ^ u64::from(right)) & 0xFFFF) as u16;
        (left, right) = (right, left ^ f);
    }
    (u32::from(left) << 16) | u32::from(right)
}

/// splitmix64's finaliser.
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
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

fn booking(conn: &Sql<'_>, site_id: &str, reference: &str) -> Result<WebBooking> {
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

#[cfg(test)]
mod tests {
    use super::permute32;

    #[test]
    fn web_references_never_repeat_and_do_not_follow_one_another() {
        let key = 0x5eed_1234_abcd_0042;
        let mut seen = std::collections::HashSet::new();
        let mut in_order = 0;
        let mut last = permute32(0, key);
        for n in 0..200_000u32 {
            let p = permute32(n, key);
            assert!(seen.insert(p), "{n} repeats an earlier reference");
            if n > 0 && p == last.wrapping_add(1) {
                in_order += 1;
            }
            last = p;
        }
        assert!(
            in_order < 10,
            "{in_order} references followed the one before"
        );
        // Another key, another order.
        assert_ne!(permute32(7, key), permute32(7, key ^ 1));
    }
}

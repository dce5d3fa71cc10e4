//! Web sales and bookings: the chain's website sells seats (a `W` reference);
//! at the counter the customer shows the reference, and the terminal looks
//! it up and collects it, once.

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::seats::{cancelled, emit, expire_stale, unavailable};
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
        if self.is_postgres() {
            return self.web_sale_postgres(channel, req, order_id, now);
        }
        self.write_showtimes(&[req.showtime_id.as_str()], |tx| {
            let show = web_show(tx, &req.showtime_id)?;
            show.check(channel, &req.showtime_id, now)?;
            let adult = show.adult;
            expire_stale(tx, now)?;
            // Also refuses seats not on the showtime's screen.
            let taken = unavailable(tx, &req.showtime_id, &req.seats, None, None)?;
            if !taken.is_empty() {
                return Err(CentralError::SeatUnavailable(taken));
            }
            let id = order_id.to_string();
            let total = adult.saturating_mul(req.seats.len() as i64);
            let reference = insert_web_order(tx, &id, req, channel, (total, &show.currency), now)?;
            for seat in &req.seats {
                tx.execute(
                    "INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
                     VALUES (?1, ?2, ?3, 'adult', ?4)",
                    params![req.showtime_id, seat, id, adult],
                )?;
                emit(tx, &req.showtime_id, seat, SeatState::Sold, Some("web"), now)?;
            }
            let priced: Vec<(String, i64)> = req.seats.iter().map(|s| (s.clone(), adult)).collect();
            crate::day_report::record_web_sale(tx, &show.site(), order_id, &req.showtime_id, &priced, now)?;
            Ok(WebSale { order_id: id, reference })
        })
    }

    /// [`CentralDb::web_sale`] on PostgreSQL: the showtime read and the sale
    /// priced first, then checked and sold in one call of
    /// `boxoffice_web_sale` (PostgreSQL migration 0006), which holds the
    /// showtime's lock for its own work only.
    fn web_sale_postgres(
        &self,
        channel: &WebChannel,
        req: &WebSaleRequest,
        order_id: Uuid,
        now: Timestamp,
    ) -> Result<WebSale> {
        let conn = self.read()?;
        // The showtime and a reference number, in one round trip.
        let (show, mut reference) = conn
            .query_row(
                &format!(
                    "SELECT {WEB_SHOW_COLUMNS}, nextval('web_reference_seq'), rc.key
                     FROM showtimes s JOIN sites si ON si.id = s.site_id
                     JOIN reference_counters rc ON rc.channel = 'web' WHERE s.id = ?1"
                ),
                [&req.showtime_id],
                |r| {
                    Ok((
                        web_show_row(r)?,
                        Some((r.get::<_, i64>(8)?, r.get::<_, i64>(9)?)),
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| CentralError::UnknownShowtime(req.showtime_id.clone()))?;
        show.check(channel, &req.showtime_id, now)?;
        let id = order_id.to_string();
        let total = show.adult.saturating_mul(req.seats.len() as i64);
        let priced: Vec<(String, i64)> =
            req.seats.iter().map(|s| (s.clone(), show.adult)).collect();
        let site = show.site();
        let line =
            crate::day_report::web_sale_day_entry(&site, order_id, &req.showtime_id, &priced, now)?;
        let seats = serde_json::to_string(&req.seats).map_err(crate::db::corrupt)?;
        let lock_key = i64::from(crate::sql::scope::lock_key(&req.showtime_id));
        loop {
            let reference = match reference.take() {
                Some((n, key)) => web_reference(n, key)?,
                None => next_web_reference(&conn)?,
            };
            let answer: String = conn.query_row(
                "SELECT boxoffice_web_sale(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    id,
                    req.showtime_id,
                    seats,
                    lock_key,
                    reference,
                    total,
                    show.currency,
                    show.adult,
                    channel.id,
                    now.as_second(),
                    now.as_millisecond(),
                    now.to_string(),
                    show.site_id,
                    line.business_day,
                    line.body
                ],
                |r| r.get(0),
            )?;
            let answer: Vec<String> = serde_json::from_str(&answer).map_err(crate::db::corrupt)?;
            // Holds and leases that ran out may have gone, with seat events.
            self.events_committed();
            let (word, seats) = answer
                .split_first()
                .ok_or_else(|| crate::db::corrupt("an empty web sale answer"))?;
            return match word.as_str() {
                "sold" => Ok(WebSale {
                    order_id: id,
                    reference,
                }),
                "reference_taken" => continue,
                "unknown_showtime" => Err(CentralError::UnknownShowtime(req.showtime_id.clone())),
                "started" => Err(started()),
                "cancelled" => Err(cancelled(&req.showtime_id)),
                "unknown_seats" => Err(CentralError::UnknownSeats(seats.to_vec())),
                "taken" => Err(CentralError::SeatUnavailable(seats.to_vec())),
                other => Err(crate::db::corrupt(format!("web sale answer {other}"))),
            };
        }
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

/// What a web sale needs of its showtime and site.
struct WebShow {
    site_id: String,
    starts_at: i64,
    cancelled: bool,
    currency: String,
    /// The adult price on the showtime's card (0 if it has none).
    adult: i64,
    time_zone: String,
    cutoff_hour: i8,
    vat_rate_bp: u32,
}

/// The columns [`web_show_row`] reads (`s`: the showtime, `si`: its site).
const WEB_SHOW_COLUMNS: &str = "s.site_id, s.starts_at, s.cancelled, si.currency,
     COALESCE((SELECT p.price_minor FROM prices p
         WHERE p.price_card_id = s.price_card_id AND p.ticket_type = 'adult'), 0),
     si.time_zone, si.business_day_cutoff_hour, si.vat_rate_bp";

fn web_show_row(r: &crate::sql::Row) -> std::result::Result<WebShow, crate::sql::DbError> {
    Ok(WebShow {
        site_id: r.get(0)?,
        starts_at: r.get(1)?,
        cancelled: r.get(2)?,
        currency: r.get(3)?,
        adult: r.get(4)?,
        time_zone: r.get(5)?,
        cutoff_hour: r.get(6)?,
        vat_rate_bp: r.get(7)?,
    })
}

/// Reads `showtime_id` for a web sale, in one round trip.
fn web_show(conn: &Sql<'_>, showtime_id: &str) -> Result<WebShow> {
    conn.query_row(
        &format!(
            "SELECT {WEB_SHOW_COLUMNS} FROM showtimes s JOIN sites si ON si.id = s.site_id
             WHERE s.id = ?1"
        ),
        [showtime_id],
        web_show_row,
    )
    .optional()?
    .ok_or_else(|| CentralError::UnknownShowtime(showtime_id.to_string()))
}

impl WebShow {
    /// Whether `channel` may sell this showtime now.
    fn check(&self, channel: &WebChannel, showtime_id: &str, now: Timestamp) -> Result<()> {
        if !channel.covers(&self.site_id) {
            return Err(CentralError::Forbidden(format!(
                "web channel {} does not sell at {}",
                channel.id, self.site_id
            )));
        }
        if self.starts_at <= now.as_second() {
            return Err(started());
        }
        if self.cancelled {
            return Err(cancelled(showtime_id));
        }
        Ok(())
    }

    fn site(&self) -> crate::day_report::WebSaleSite<'_> {
        crate::day_report::WebSaleSite {
            id: &self.site_id,
            time_zone: &self.time_zone,
            cutoff_hour: self.cutoff_hour,
            currency: &self.currency,
            vat_rate_bp: self.vat_rate_bp,
        }
    }
}

fn started() -> CentralError {
    CentralError::Conflict("the show has started: the web shop no longer sells it".into())
}

/// The next web reference (see [`insert_web_order`]), on PostgreSQL, where
/// the count is a sequence (taken outside the sale's transaction: a number
/// a failed sale took is simply not used).
fn next_web_reference(conn: &Sql<'_>) -> Result<String> {
    let (n, key): (i64, i64) = conn.query_row(
        "SELECT nextval('web_reference_seq'), key FROM reference_counters WHERE channel = 'web'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    web_reference(n, key)
}

/// Reference number `n` under `key`.
fn web_reference(n: i64, key: i64) -> Result<String> {
    let n = u32::try_from(n)
        .map_err(|_| CentralError::Conflict("the web order references are used up".into()))?;
    Ok(format!("W{:08X}", permute32(n, key as u64)))
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
        let reference = web_reference(n, key)?;
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
    use super::*;
    use crate::web_channels::WebChannel;

    /// The latest showtime of Dubai Marina and its screen's seats.
    fn show_and_seats(db: &CentralDb) -> (String, Vec<String>) {
        let conn = db.read().unwrap();
        let show: String = conn
            .query_row(
                "SELECT id FROM showtimes WHERE site_id = 'dxb-marina' ORDER BY starts_at DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let seats = conn
            .prepare(
                "SELECT ss.label FROM screen_seats ss JOIN showtimes s ON s.screen_id = ss.screen_id
                 WHERE s.id = ?1 AND ss.blocked = 0 ORDER BY ss.label LIMIT 4",
            )
            .unwrap()
            .query_map([&show], |r| r.get(0))
            .unwrap()
            .collect::<std::result::Result<Vec<String>, _>>()
            .unwrap();
        (show, seats)
    }

    /// One web sale's behaviour, whatever the backend (on PostgreSQL it is
    /// one call of `boxoffice_web_sale`, on SQLite a Rust transaction).
    fn a_web_sale_checks_expires_and_sells(db: &CentralDb) {
        crate::demo::seed(db, Timestamp::now()).unwrap();
        let (show, seats) = show_and_seats(db);
        let web = WebChannel::every_site("test-web", 4);
        let now = Timestamp::now();
        let sale = |seats: &[&String]| {
            let req = WebSaleRequest {
                showtime_id: show.clone(),
                seats: seats.iter().map(|s| s.to_string()).collect(),
            };
            db.web_sale(&web, &req, Uuid::now_v7(), now)
        };
        // A hold that ran out stands in nobody's way: it goes, its seat is
        // announced free, then sold.
        db.write(|tx| {
            tx.execute(
                "INSERT INTO holds (id, showtime_id, owner, expires_at, started_at)
                 VALUES ('old-hold', ?1, 'dxb-marina-t2', ?2, ?2)",
                params![show, now.as_millisecond() - 1_000],
            )?;
            tx.execute(
                "INSERT INTO held_seats (showtime_id, seat_label, hold_id) VALUES (?1, ?2, 'old-hold')",
                params![show, seats[0]],
            )?;
            Ok(())
        })
        .unwrap();
        let before = db.seat_events("dxb-marina", None).unwrap().last_seq;
        // An older, random reference already has the next count's value: it
        // is skipped.
        let conn = db.read().unwrap();
        let next: i64 = if db.is_postgres() {
            conn.query_row(
                "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM web_reference_seq",
                [],
                |r| r.get(0),
            )
        } else {
            conn.query_row("SELECT next FROM reference_counters WHERE channel = 'web'", [], |r| r.get(0))
        }
        .unwrap();
        let key: i64 = conn
            .query_row(
                "SELECT key FROM reference_counters WHERE channel = 'web'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        drop(conn);
        db.write(|tx| {
            tx.execute(
                "INSERT INTO orders (id, showtime_id, channel, terminal_id, reference, total_minor,
                     currency, created_at, web_channel)
                 VALUES ('legacy', ?1, 'web', NULL, ?2, 0, 'AED', ?3, 'test-web')",
                params![show, web_reference(next, key)?, now.to_string()],
            )?;
            Ok(())
        })
        .unwrap();
        let sold = sale(&[&seats[0], &seats[1]]).unwrap();
        assert_eq!(sold.reference, web_reference(next + 1, key).unwrap());
        let events = db.seat_events("dxb-marina", Some(before)).unwrap().events;
        let got: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.seat.as_str(), e.state.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (seats[0].as_str(), "free"),
                (seats[0].as_str(), "sold"),
                (seats[1].as_str(), "sold")
            ]
        );
        // Taken, unknown (which comes first) and repeated seats.
        let got = sale(&[&seats[1], &seats[2]]);
        assert!(
            matches!(&got, Err(CentralError::SeatUnavailable(t)) if *t == [seats[1].clone()]),
            "{} {got:?}",
            db.backend_name()
        );
        let nowhere = "Z-99".to_string();
        assert!(matches!(
            sale(&[&seats[1], &nowhere]),
            Err(CentralError::UnknownSeats(t)) if t == [nowhere.clone()]
        ));
        assert!(matches!(
            sale(&[&seats[2], &seats[2]]),
            Err(CentralError::BadRequest(_))
        ));
        // Nothing of the refused sales was kept; the order and its day line were.
        let conn = db.read().unwrap();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM sold_seats"), 2);
        assert_eq!(
            count("SELECT count(*) FROM orders WHERE channel = 'web'"),
            2
        );
        assert_eq!(
            count("SELECT count(*) FROM day_entries WHERE kind = 'web_sale'"),
            1
        );
        assert_eq!(count("SELECT count(*) FROM holds"), 0);
        let (shown, total): (String, i64) = conn
            .query_row(
                "SELECT reference, total_minor FROM orders WHERE id = ?1",
                [&sold.order_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(shown, sold.reference);
        assert!(total > 0);
        drop(conn);
        // A cancelled showtime sells nothing.
        db.write(|tx| {
            tx.execute("UPDATE showtimes SET cancelled = 1 WHERE id = ?1", [&show])?;
            Ok(())
        })
        .unwrap();
        assert!(matches!(sale(&[&seats[3]]), Err(CentralError::Conflict(_))));
    }

    #[test]
    fn a_web_sale_behaves_alike_on_sqlite_and_on_postgresql() {
        let dir = tempfile::tempdir().unwrap();
        a_web_sale_checks_expires_and_sells(&CentralDb::open(&dir.path().join("c.db")).unwrap());
        // On a real PostgreSQL server (tests/pg/up.sh), whatever the run's backend.
        let url = crate::testing::fresh_postgres_database();
        a_web_sale_checks_expires_and_sells(&CentralDb::connect(&url).unwrap());
    }

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

//! A pushed refund: frees the seats of an applied sale (all of them, or the
//! tickets it names) and voids their tickets, or closes an override sale
//! that central could not apply.

use crate::entry_checks::{not_yours, rejected};
use crate::error::CentralError;
use crate::seats::announce_freed;
use crate::sql::{OptionalExtension, Sql, params};
use crate::voids::{VoidReason, record_void, was_refunded};
use jiff::Timestamp;
use protocol::{EntryBody, Outcome};

type Result<T> = std::result::Result<T, CentralError>;

/// `(site, refunded_at, total, refunded so far, selling terminal)` of an order.
type RefundedOrder = (String, Option<String>, i64, i64, Option<String>);

/// A refund: frees the seats of an applied sale (all of them, or the tickets
/// it names) and voids their tickets, or closes an override sale that
/// central could not apply (its conflict task is resolved as refunded).
pub(crate) fn apply_refund(
    tx: &Sql<'_>,
    site_id: &str,
    terminal_id: &str,
    r: &protocol::Refund,
    now: Timestamp,
) -> Result<Outcome> {
    let order_id = r.order_id.to_string();
    let order: Option<RefundedOrder> = tx
        .query_row(
            "SELECT s.site_id, o.refunded_at, o.total_minor, o.refunded_minor, o.terminal_id
             FROM orders o JOIN showtimes s ON s.id = o.showtime_id
             WHERE o.id = ?1 AND o.channel = 'terminal'",
            [&order_id],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )
        .optional()?;
    match order {
        Some((site, ..)) if site != site_id => Ok(rejected(
            "wrong_site",
            "the order is not at this terminal's site",
        )),
        Some((.., seller)) if seller.as_deref() != Some(terminal_id) => Ok(not_yours()),
        Some((_, Some(_), ..)) => Ok(Outcome::Duplicate {
            first: Box::new(Outcome::Applied),
        }),
        Some((_, None, total, refunded, _)) => {
            let left = total.saturating_sub(refunded);
            if r.amount_minor < 0 || r.amount_minor > left {
                return Ok(rejected(
                    "bad_amount",
                    format!(
                        "a refund of {} minor units does not fit the {left} left of the order",
                        r.amount_minor
                    ),
                ));
            }
            let sold: Vec<(String, String)> = tx
                .prepare("SELECT showtime_id, seat_label FROM sold_seats WHERE order_id = ?1")?
                .query_map([&order_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            let chosen: Vec<(String, String)> = if r.tickets.is_empty() {
                sold.clone()
            } else {
                let mut chosen = Vec::new();
                for t in &r.tickets {
                    let key = (t.showtime_id.clone(), t.seat.clone());
                    if chosen.contains(&key) {
                        continue;
                    }
                    if sold.contains(&key) {
                        chosen.push(key);
                    } else if was_refunded(tx, &order_id, (&t.showtime_id, &t.seat))? {
                        return Ok(rejected(
                            "already_refunded",
                            format!("{} was refunded before", t.seat),
                        ));
                    } else {
                        return Ok(rejected(
                            "unknown_ticket",
                            format!("{} is not a ticket of this order", t.seat),
                        ));
                    }
                }
                chosen
            };
            for (show, seat) in &chosen {
                tx.execute(
                    "DELETE FROM sold_seats WHERE order_id = ?1 AND showtime_id = ?2 AND seat_label = ?3",
                    params![order_id, show, seat],
                )?;
                record_void(
                    tx,
                    site_id,
                    &order_id,
                    (show, seat),
                    VoidReason::Refund,
                    now,
                )?;
            }
            let left: i64 = tx.query_row(
                "SELECT count(*) FROM sold_seats WHERE order_id = ?1",
                [&order_id],
                |row| row.get(0),
            )?;
            let whole = left == 0;
            tx.execute(
                "UPDATE orders SET refunded_minor = refunded_minor + ?2,
                     refunded_at = CASE WHEN ?3 THEN ?4 ELSE refunded_at END
                 WHERE id = ?1",
                params![order_id, r.amount_minor, whole, now.to_string()],
            )?;
            announce_freed(tx, &chosen, now)?;
            Ok(Outcome::Applied)
        }
        // A refund of some tickets of an order central never applied (it
        // conflicted): only the whole order can close its conflict.
        None if !r.tickets.is_empty() => Ok(rejected(
            "order_in_conflict",
            "this order is in conflict: refund it whole or reseat it",
        )),
        None => {
            let body: Option<String> = tx
                .query_row(
                    "SELECT body FROM conflicts WHERE order_id = ?1 AND terminal_id = ?2
                     AND resolution IS NULL",
                    params![order_id, terminal_id],
                    |row| row.get(0),
                )
                .optional()?;
            // Its printed tickets stop opening the door.
            if let Some(EntryBody::Sale(sale)) =
                body.and_then(|b| serde_json::from_str::<EntryBody>(&b).ok())
            {
                for seat in &sale.seats {
                    let show = seat.showtime_id.as_deref().unwrap_or(&sale.showtime_id);
                    record_void(
                        tx,
                        site_id,
                        &order_id,
                        (show, &seat.label),
                        VoidReason::Refund,
                        now,
                    )?;
                }
            }
            let closed = tx.execute(
                "UPDATE conflicts SET resolution = 'refunded', resolved_at = ?3
                 WHERE order_id = ?1 AND terminal_id = ?2 AND resolution IS NULL",
                params![order_id, terminal_id, now.to_string()],
            )?;
            if closed > 0 {
                Ok(Outcome::Applied)
            } else {
                Ok(rejected(
                    "unknown_order",
                    format!("order {order_id} is neither sold nor in conflict"),
                ))
            }
        }
    }
}

//! The void list: tickets that no longer open the door because they were
//! refunded or their seat moved. Recorded in the transaction that applies
//! the refund or the move; each site's terminals follow it by sequence.

use crate::db::{CentralDb, corrupt};
use crate::error::CentralError;
use crate::sql::{Sql, params};
use jiff::Timestamp;
use protocol::{VOIDS_PAGE, VoidList, VoidedTicket};

type Result<T> = std::result::Result<T, CentralError>;

/// Why a ticket was voided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VoidReason {
    /// Refunded.
    Refund,
    /// Its seat was moved; the new seat has a new ticket.
    Moved,
    /// Let in at a door already.
    Admitted,
}

impl VoidReason {
    fn as_str(self) -> &'static str {
        match self {
            VoidReason::Refund => "refund",
            VoidReason::Moved => "moved",
            VoidReason::Admitted => "admitted",
        }
    }
}

/// Records that the ticket of `order_id` for `(showtime, seat)` is void
/// (inside the caller's transaction).
pub(crate) fn record_void(
    tx: &Sql<'_>,
    site_id: &str,
    order_id: &str,
    (showtime_id, seat): (&str, &str),
    why: VoidReason,
    now: Timestamp,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO voided_tickets (site_id, order_id, showtime_id, seat_label, why, voided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        site_id,
        order_id,
        showtime_id,
        seat,
        why.as_str(),
        now.to_string()
    ])?;
    Ok(())
}

/// Whether the ticket was refunded already.
pub(crate) fn was_refunded(
    tx: &Sql<'_>,
    order_id: &str,
    (showtime_id, seat): (&str, &str),
) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM voided_tickets WHERE order_id = ?1
                 AND showtime_id = ?2 AND seat_label = ?3 AND why = 'refund')",
        )?
        .query_row(params![order_id, showtime_id, seat], |r| r.get(0))?)
}

impl CentralDb {
    /// The site's voided tickets after `after`, oldest first, one page.
    pub fn voids(&self, site_id: &str, after: i64) -> Result<VoidList> {
        let conn = self.read()?;
        let mut stmt = conn.prepare_cached(
            "SELECT seq, order_id, showtime_id, seat_label, why, voided_at FROM voided_tickets
             WHERE site_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![site_id, after, VOIDS_PAGE + 1], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let more = rows.len() > VOIDS_PAGE as usize;
        let voids = rows
            .into_iter()
            .take(VOIDS_PAGE as usize)
            .map(|(seq, order_id, showtime_id, seat, why, at)| {
                Ok(VoidedTicket {
                    seq,
                    order_id,
                    showtime_id,
                    seat,
                    why,
                    voided_at: at.parse().map_err(corrupt)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let last_seq = voids.last().map(|v| v.seq).unwrap_or(after);
        Ok(VoidList {
            voids,
            last_seq,
            more,
        })
    }
}

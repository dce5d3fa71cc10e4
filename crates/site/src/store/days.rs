//! Business days: the day an order, refund or payment counts in, and the Z
//! reports that close days.

use super::Cached as _;
use crate::error::Result;
use domain::business_day::{DEFAULT_CUTOFF_HOUR, business_day};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::{Connection, OptionalExtension, params};

/// The site's time zone and cutoff hour (UTC and 06:00 before the first
/// catalog pull).
fn zone(conn: &Connection) -> Result<(TimeZone, i8)> {
    let row: Option<(String, i64)> = conn
        .q_row(
            "SELECT time_zone, business_day_cutoff_hour FROM site LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((tz, cutoff)) => (
            crate::time_fmt::zone(&tz)?,
            i8::try_from(cutoff).unwrap_or(DEFAULT_CUTOFF_HOUR),
        ),
        None => (TimeZone::UTC, DEFAULT_CUTOFF_HOUR),
    })
}

/// The last business day a Z report closed, if any.
pub fn last_closed_day(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.q_row("SELECT max(business_day) FROM z_reports", [], |r| r.get(0))?)
}

/// The business day something done at `at` counts in: the site's business
/// day of that instant, or the day after the last closed day if that is later
/// (a sale after the Z report belongs to the next day, never to a closed one).
pub fn trading_day(conn: &Connection, at: Timestamp) -> Result<String> {
    let (tz, cutoff) = zone(conn)?;
    let day = business_day(at, &tz, cutoff);
    let after_closed = match last_closed_day(conn)? {
        Some(closed) => crate::time_fmt::parse_day(&closed)?.tomorrow().ok(),
        None => None,
    };
    Ok(match after_closed {
        Some(next) if next > day => next,
        _ => day,
    }
    .to_string())
}

/// Dates the rows written before business days were kept (run at open;
/// nothing to do on a database that has them all).
pub fn backfill(conn: &mut Connection) -> Result<()> {
    let pending: bool = conn.q_row(
        "SELECT EXISTS (SELECT 1 FROM orders WHERE business_day IS NULL)
             OR EXISTS (SELECT 1 FROM refunds WHERE business_day IS NULL)
             OR EXISTS (SELECT 1 FROM payments WHERE business_day IS NULL)",
        [],
        |r| r.get(0),
    )?;
    let has_site: bool = conn.q_row("SELECT EXISTS (SELECT 1 FROM site)", [], |r| r.get(0))?;
    if !pending || !has_site {
        // Without the site's zone and cutoff no day can be told: later.
        return Ok(());
    }
    let tx = conn.transaction()?;
    let (tz, cutoff) = match zone(&tx) {
        Ok(z) => z,
        Err(e) => {
            // A terminal that cannot date old rows still opens and sells.
            tracing::warn!(error = %e, "old rows not dated to their business day");
            return Ok(());
        }
    };
    // A time that does not read stays undated (and out of day reports) rather
    // than dated wrong; it is logged.
    let day_of = |at: &str| -> Option<String> {
        match at.parse::<Timestamp>() {
            Ok(t) => Some(business_day(t, &tz, cutoff).to_string()),
            Err(_) => {
                tracing::warn!(at, "row with an unreadable time left undated");
                None
            }
        }
    };
    let fill = |select: &str, update: &str| -> Result<()> {
        let rows: Vec<(i64, String)> = tx
            .prepare(select)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut stmt = tx.prepare(update)?;
        for (rowid, at) in rows {
            if let Some(day) = day_of(&at) {
                stmt.execute(params![rowid, day])?;
            }
        }
        Ok(())
    };
    fill(
        "SELECT rowid, sold_at FROM orders WHERE business_day IS NULL",
        "UPDATE orders SET business_day = ?2 WHERE rowid = ?1",
    )?;
    fill(
        "SELECT rowid, refunded_at FROM refunds WHERE business_day IS NULL",
        "UPDATE refunds SET business_day = ?2 WHERE rowid = ?1",
    )?;
    // A payment back is dated by its refund, or (a conflict closed by a
    // refund) by when its order was refunded; a payment in by its sale.
    fill(
        "SELECT p.rowid, COALESCE(r.refunded_at,
                    CASE WHEN p.amount_minor < 0 THEN o.refunded_at END, o.sold_at)
         FROM payments p JOIN orders o ON o.id = p.order_id
         LEFT JOIN refunds r ON r.id = p.refund_id
         WHERE p.business_day IS NULL",
        "UPDATE payments SET business_day = ?2 WHERE rowid = ?1",
    )?;
    tx.commit()?;
    Ok(())
}

/// The first business day after `after` (the last closed day) and
/// before `day` that has any order, refund, payment, void or cash movement: it must close
/// first (days close in order, and none is skipped).
pub fn first_day_with_rows(conn: &Connection, after: &str, day: &str) -> Result<Option<String>> {
    Ok(conn.q_row(
        "SELECT min(d) FROM (
             SELECT min(business_day) AS d FROM orders WHERE business_day > ?1 AND business_day < ?2
             UNION ALL SELECT min(business_day) FROM refunds WHERE business_day > ?1 AND business_day < ?2
             UNION ALL SELECT min(business_day) FROM payments WHERE business_day > ?1 AND business_day < ?2
             UNION ALL SELECT min(business_day) FROM voided_orders WHERE business_day > ?1 AND business_day < ?2
             UNION ALL SELECT min(business_day) FROM cash_movements WHERE business_day > ?1 AND business_day < ?2)",
        params![after, day],
        |r| r.get(0),
    )?)
}

/// A closed day's Z report: `(number, business day, closed at, closed by, report JSON)`.
pub type ZRow = (u32, String, String, String, String);

/// The Z report that closed `day`, if any.
pub fn z_report(conn: &Connection, day: &str) -> Result<Option<ZRow>> {
    Ok(conn
        .q_row(
            "SELECT number, business_day, closed_at, closed_by, report FROM z_reports
             WHERE business_day = ?1",
            [day],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?)
}

/// The number the next Z report takes.
pub fn next_z_number(conn: &Connection) -> Result<u32> {
    Ok(conn.q_row(
        "SELECT COALESCE(max(number), 0) + 1 FROM z_reports",
        [],
        |r| r.get(0),
    )?)
}

/// Records the Z report closing `day` (inside the caller's transaction).
pub fn insert_z_report(
    conn: &Connection,
    number: u32,
    day: &str,
    closed_at: Timestamp,
    closed_by: &str,
    report_json: &str,
) -> Result<()> {
    conn.exec(
        "INSERT INTO z_reports (number, business_day, closed_at, closed_by, report)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![number, day, closed_at.to_string(), closed_by, report_json],
    )?;
    Ok(())
}

/// An order voided while being built.
pub struct VoidRow<'a> {
    /// Its id.
    pub id: &'a str,
    /// When.
    pub at: Timestamp,
    /// At the counter.
    pub staff_id: &'a str,
    /// Who approved.
    pub approved_by: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The total the customer had been shown.
    pub amount_minor: i64,
    /// Its seats, `SHOWTIME:SEAT`.
    pub seats: &'a [String],
}

/// Records a voided order (inside the caller's transaction), dated to its
/// business day and counted in the open shift of the staff member.
pub fn insert_void(conn: &Connection, v: &VoidRow<'_>) -> Result<()> {
    let seats = serde_json::to_string(v.seats)
        .map_err(|e| crate::error::SiteError::Corrupt(format!("cannot encode seats: {e}")))?;
    conn.exec(
        "INSERT INTO voided_orders (id, voided_at, business_day, staff_id, approved_by, reason,
             amount_minor, seats, shift_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT id FROM shifts WHERE closed_at IS NULL ORDER BY opened_at, id LIMIT 1))",
        params![
            v.id,
            v.at.to_string(),
            trading_day(conn, v.at)?,
            v.staff_id,
            v.approved_by,
            v.reason,
            v.amount_minor,
            seats
        ],
    )?;
    Ok(())
}

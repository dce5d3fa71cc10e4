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
    if !pending {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let (tz, cutoff) = zone(&tx)?;
    let day_of = |at: &str| -> String {
        at.parse::<Timestamp>()
            .map(|t| business_day(t, &tz, cutoff).to_string())
            .unwrap_or_default()
    };
    let fill = |select: &str, update: &str| -> Result<()> {
        let rows: Vec<(i64, String)> = tx
            .prepare(select)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut stmt = tx.prepare(update)?;
        for (rowid, at) in rows {
            stmt.execute(params![rowid, day_of(&at)])?;
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

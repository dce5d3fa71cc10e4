//! What central knows about its terminals: heartbeats and the conflict tasks
//! of override sales it could not apply.

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::sql::params;
use jiff::Timestamp;
use protocol::Heartbeat;
use serde::Serialize;

/// An override sale central could not apply, waiting for (or resolved by) the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ConflictTask {
    /// The outbox entry that conflicted.
    pub entry_id: String,
    /// Terminal that sold.
    pub terminal_id: String,
    /// Order.
    pub order_id: String,
    /// Showtime.
    pub showtime_id: String,
    /// Seats that were already taken.
    pub seats: Vec<String>,
    /// `reseated` or `refunded` once resolved.
    pub resolution: Option<String>,
}

/// Longest text a heartbeat field may hold.
const MAX_HEARTBEAT_TEXT: usize = 200;

/// A heartbeat's texts are short and its ring is one central knows.
fn check_heartbeat(hb: &Heartbeat) -> Result<(), CentralError> {
    let texts = [
        Some(&hb.version),
        hb.ring.as_ref(),
        hb.printer.as_ref(),
        hb.printer_error.as_ref(),
    ];
    if texts
        .iter()
        .flatten()
        .any(|t| t.chars().count() > MAX_HEARTBEAT_TEXT)
    {
        return Err(CentralError::BadRequest(format!(
            "heartbeat texts are at most {MAX_HEARTBEAT_TEXT} characters"
        )));
    }
    if let Some(ring) = &hb.ring
        && !crate::fleet::RINGS.contains(&ring.as_str())
    {
        return Err(CentralError::BadRequest(format!(
            "unknown ring '{ring}' (canary or all)"
        )));
    }
    Ok(())
}

impl CentralDb {
    /// Records a terminal's heartbeat.
    pub fn heartbeat(
        &self,
        terminal_id: &str,
        hb: &Heartbeat,
        now: Timestamp,
    ) -> Result<protocol::HeartbeatAck, CentralError> {
        self.terminal_site(terminal_id)?;
        check_heartbeat(hb)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO terminal_heartbeats
                     (terminal_id, seen_at, queue_depth, oldest_unsynced_secs, open_conflicts, version,
                      unsynced_days, ring, printer, printer_error, last_backup_at, disk_free_mb)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (terminal_id) DO UPDATE SET seen_at = ?2, queue_depth = ?3,
                     oldest_unsynced_secs = ?4, open_conflicts = ?5, version = ?6, unsynced_days = ?7,
                     ring = ?8, printer = ?9, printer_error = ?10, last_backup_at = ?11,
                     disk_free_mb = ?12",
                params![
                    terminal_id,
                    now.to_string(),
                    hb.queue_depth,
                    hb.oldest_unsynced_secs,
                    hb.open_conflicts,
                    hb.version,
                    serde_json::to_string(&unsynced_days(&hb.unsynced_days))
                        .map_err(crate::db::corrupt)?,
                    hb.ring,
                    hb.printer,
                    hb.printer_error,
                    hb.last_backup_at.map(|t| t.to_string()),
                    hb.disk_free_mb.map(|m| i64::try_from(m).unwrap_or(i64::MAX))
                ],
            )?;
            let applied_through: i64 = tx.query_row(
                "SELECT COALESCE(max(seq), 0) FROM applied_entries WHERE terminal_id = ?1",
                [terminal_id],
                |r| r.get(0),
            )?;
            let (order_count_seen, ring): (Option<u32>, String) = tx.query_row(
                "SELECT order_count_seen, ring FROM terminals WHERE id = ?1",
                [terminal_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(protocol::HeartbeatAck {
                applied_through,
                order_count_seen,
                ring: Some(ring),
            })
        })
    }

    /// The conflict tasks of a site, oldest first.
    pub fn conflicts(&self, site_id: &str) -> Result<Vec<ConflictTask>, CentralError> {
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT c.entry_id, c.terminal_id, c.order_id, c.showtime_id, c.seats, c.resolution
             FROM conflicts c JOIN terminals t ON t.id = c.terminal_id
             WHERE t.site_id = ?1 ORDER BY c.created_at, c.entry_id",
        )?;
        let rows = stmt
            .query_map([site_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .map(|row| {
                let (entry_id, terminal_id, order_id, showtime_id, seats, resolution) = row?;
                Ok(ConflictTask {
                    entry_id,
                    terminal_id,
                    order_id,
                    showtime_id,
                    seats: serde_json::from_str(&seats)
                        .map_err(|e| CentralError::Corrupt(e.to_string()))?,
                    resolution,
                })
            })
            .collect::<Result<Vec<_>, CentralError>>()?;
        Ok(rows)
    }
}

/// What a heartbeat says is still queued, as kept: at most 31 days, each a
/// real date with sane counts (anything else is dropped, so a terminal
/// cannot fill central's table with text).
fn unsynced_days(days: &[protocol::UnsyncedDay]) -> Vec<protocol::UnsyncedDay> {
    days.iter()
        .filter(|d| {
            d.business_day.len() == 10
                && d.business_day.parse::<jiff::civil::Date>().is_ok()
                && d.amount_minor >= 0
                && d.oldest_at >= 0
        })
        .take(31)
        .cloned()
        .collect()
}

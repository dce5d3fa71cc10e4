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

impl CentralDb {
    /// Records a terminal's heartbeat.
    pub fn heartbeat(
        &self,
        terminal_id: &str,
        hb: &Heartbeat,
        now: Timestamp,
    ) -> Result<protocol::HeartbeatAck, CentralError> {
        self.terminal_site(terminal_id)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO terminal_heartbeats
                     (terminal_id, seen_at, queue_depth, oldest_unsynced_secs, open_conflicts, version,
                      unsynced_days)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (terminal_id) DO UPDATE SET seen_at = ?2, queue_depth = ?3,
                     oldest_unsynced_secs = ?4, open_conflicts = ?5, version = ?6, unsynced_days = ?7",
                params![
                    terminal_id,
                    now.to_string(),
                    hb.queue_depth,
                    hb.oldest_unsynced_secs,
                    hb.open_conflicts,
                    hb.version,
                    serde_json::to_string(&unsynced_days(&hb.unsynced_days))
                        .map_err(crate::db::corrupt)?
                ],
            )?;
            let applied_through: i64 = tx.query_row(
                "SELECT COALESCE(max(seq), 0) FROM applied_entries WHERE terminal_id = ?1",
                [terminal_id],
                |r| r.get(0),
            )?;
            let order_count_seen: Option<u32> = tx.query_row(
                "SELECT order_count_seen FROM terminals WHERE id = ?1",
                [terminal_id],
                |r| r.get(0),
            )?;
            Ok(protocol::HeartbeatAck {
                applied_through,
                order_count_seen,
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

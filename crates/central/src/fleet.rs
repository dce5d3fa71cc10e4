//! The fleet, for central IT: every terminal with what it last said of
//! itself in its heartbeat (version, ring, queue, conflicts, printer,
//! backups, disk), and what about it needs someone's attention.
//! `boxoffice-central fleet` prints it; the ops address serves it as a page.

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::sql::params;
use jiff::Timestamp;
use serde::Serialize;

/// The update rings a terminal may follow.
pub const RINGS: &[&str] = &["canary", "all"];

/// When a terminal stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// No heartbeat for this long: silent (a counter beats every few seconds).
    pub silent_after_secs: i64,
    /// An unsynced sale older than this.
    pub old_queue_secs: i64,
    /// No backup for this long.
    pub backup_older_than_secs: i64,
    /// Less free disk than this, in MB (a counter refuses sales at 200).
    pub disk_low_mb: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            silent_after_secs: 5 * 60,
            old_queue_secs: 15 * 60,
            backup_older_than_secs: 26 * 3600,
            disk_low_mb: 1024,
        }
    }
}

/// One terminal of the fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetTerminal {
    /// Terminal id.
    pub terminal_id: String,
    /// Its site.
    pub site_id: String,
    /// `online`, `silent` (no heartbeat lately), `never` (never heard
    /// from) or `revoked`.
    pub link: String,
    /// Its software version, as last reported.
    pub version: Option<String>,
    /// Its update ring.
    pub ring: Option<String>,
    /// Its last heartbeat (RFC 3339).
    pub last_heartbeat: Option<String>,
    /// Seconds since then.
    pub silent_secs: Option<i64>,
    /// Entries waiting to reach central.
    pub queue_depth: Option<i64>,
    /// Age of the oldest of them now, in seconds.
    pub oldest_unsynced_secs: Option<i64>,
    /// Open conflict tasks.
    pub open_conflicts: Option<i64>,
    /// Where it prints.
    pub printer: Option<String>,
    /// Its last printing problem.
    pub printer_error: Option<String>,
    /// Its newest backup (RFC 3339).
    pub last_backup_at: Option<String>,
    /// Free disk, MB.
    pub disk_free_mb: Option<i64>,
    /// What needs someone's attention, in words; empty when all is well.
    pub attention: Vec<String>,
}

impl CentralDb {
    /// Puts `terminal_id` in update ring `ring` (`canary` or `all`); it
    /// learns it from the answer to its next heartbeat.
    pub fn set_ring(&self, terminal_id: &str, ring: &str) -> Result<(), CentralError> {
        if !RINGS.contains(&ring) {
            return Err(CentralError::BadRequest(format!(
                "unknown ring '{ring}' (canary or all)"
            )));
        }
        let changed = self.write(|tx| {
            Ok(tx.execute(
                "UPDATE terminals SET ring = ?2 WHERE id = ?1",
                params![terminal_id, ring],
            )?)
        })?;
        if changed == 0 {
            return Err(CentralError::UnknownTerminal(terminal_id.to_string()));
        }
        Ok(())
    }

    /// Every terminal, by site, with its state at `now`.
    pub fn fleet(
        &self,
        now: Timestamp,
        limits: Thresholds,
    ) -> Result<Vec<FleetTerminal>, CentralError> {
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT t.id, t.site_id, t.token_hash, h.seen_at, h.version, h.ring, h.queue_depth,
                    h.oldest_unsynced_secs, h.open_conflicts, h.printer, h.printer_error,
                    h.last_backup_at, h.disk_free_mb
               FROM terminals t LEFT JOIN terminal_heartbeats h ON h.terminal_id = t.id
              ORDER BY t.site_id, t.id",
        )?;
        let rows = stmt.query_map(params![], |r| {
            Ok(Row {
                terminal_id: r.get(0)?,
                site_id: r.get(1)?,
                revoked: r.get::<_, Option<String>>(2)?.as_deref()
                    == Some(crate::provisioning::REVOKED),
                seen_at: r.get(3)?,
                version: r.get(4)?,
                ring: r.get(5)?,
                queue_depth: r.get(6)?,
                oldest_unsynced_secs: r.get(7)?,
                open_conflicts: r.get(8)?,
                printer: r.get(9)?,
                printer_error: r.get(10)?,
                last_backup_at: r.get(11)?,
                disk_free_mb: r.get(12)?,
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            out.push(judge(row?, now, limits));
        }
        Ok(out)
    }
}

/// A terminal and its last heartbeat, as stored.
#[derive(Debug, Clone, Default)]
struct Row {
    terminal_id: String,
    site_id: String,
    revoked: bool,
    seen_at: Option<String>,
    version: Option<String>,
    ring: Option<String>,
    queue_depth: Option<i64>,
    oldest_unsynced_secs: Option<i64>,
    open_conflicts: Option<i64>,
    printer: Option<String>,
    printer_error: Option<String>,
    last_backup_at: Option<String>,
    disk_free_mb: Option<i64>,
}

fn age(at: Option<&str>, now: Timestamp) -> Option<i64> {
    let at: Timestamp = at?.parse().ok()?;
    Some(now.as_second() - at.as_second())
}

fn span(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

/// The terminal's state and what stands out about it.
fn judge(row: Row, now: Timestamp, limits: Thresholds) -> FleetTerminal {
    let silent_secs = age(row.seen_at.as_deref(), now);
    // The oldest sale was that old at the heartbeat, and has aged since.
    let oldest = row
        .oldest_unsynced_secs
        .map(|s| s + silent_secs.unwrap_or(0).max(0));
    let link = match (row.revoked, silent_secs) {
        (true, _) => "revoked",
        (false, None) => "never",
        (false, Some(s)) if s > limits.silent_after_secs => "silent",
        (false, Some(_)) => "online",
    };
    let mut attention = Vec::new();
    match (link, silent_secs) {
        ("silent", Some(s)) => attention.push(format!("silent for {}", span(s))),
        ("never", _) => attention.push("never heard from".to_string()),
        _ => {}
    }
    if link != "revoked" && link != "never" {
        if let Some(o) = oldest.filter(|o| *o > limits.old_queue_secs) {
            attention.push(format!(
                "oldest unsynced sale {} old ({} waiting)",
                span(o),
                row.queue_depth.unwrap_or(0)
            ));
        }
        if let Some(c) = row.open_conflicts.filter(|c| *c > 0) {
            attention.push(format!("{c} open conflict(s)"));
        }
        if let Some(e) = &row.printer_error {
            attention.push(format!("printer: {e}"));
        }
        match age(row.last_backup_at.as_deref(), now) {
            None => attention.push("no backup yet".to_string()),
            Some(a) if a > limits.backup_older_than_secs => {
                attention.push(format!("last backup {} ago", span(a)));
            }
            Some(_) => {}
        }
        if let Some(d) = row.disk_free_mb.filter(|d| *d < limits.disk_low_mb) {
            attention.push(format!("disk nearly full: {d} MB free"));
        }
    }
    FleetTerminal {
        terminal_id: row.terminal_id,
        site_id: row.site_id,
        link: link.to_string(),
        version: row.version,
        ring: row.ring,
        last_heartbeat: row.seen_at,
        silent_secs,
        queue_depth: row.queue_depth,
        oldest_unsynced_secs: oldest,
        open_conflicts: row.open_conflicts,
        printer: row.printer,
        printer_error: row.printer_error,
        last_backup_at: row.last_backup_at,
        disk_free_mb: row.disk_free_mb,
        attention,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-12-05T12:00:00Z".parse().unwrap()
    }

    fn healthy() -> Row {
        Row {
            terminal_id: "t1".into(),
            site_id: "s".into(),
            seen_at: Some("2026-12-05T11:59:58Z".into()),
            version: Some("0.1.0".into()),
            ring: Some("all".into()),
            queue_depth: Some(0),
            open_conflicts: Some(0),
            printer: Some("tcp:10.0.0.9:9100".into()),
            last_backup_at: Some("2026-12-05T11:00:00Z".into()),
            disk_free_mb: Some(40_000),
            ..Row::default()
        }
    }

    #[test]
    fn a_healthy_terminal_needs_nothing() {
        let t = judge(healthy(), now(), Thresholds::default());
        assert_eq!(t.link, "online");
        assert!(t.attention.is_empty(), "{:?}", t.attention);
    }

    #[test]
    fn silence_an_old_queue_and_the_rest_stand_out() {
        let mut row = healthy();
        row.seen_at = Some("2026-12-05T11:40:00Z".into());
        row.queue_depth = Some(12);
        row.oldest_unsynced_secs = Some(300);
        row.open_conflicts = Some(2);
        row.printer_error = Some("paper out".into());
        row.last_backup_at = Some("2026-12-03T08:00:00Z".into());
        row.disk_free_mb = Some(300);
        let t = judge(row, now(), Thresholds::default());
        assert_eq!(t.link, "silent");
        // Five minutes old at its last heartbeat, twenty minutes ago.
        assert_eq!(t.oldest_unsynced_secs, Some(1500));
        assert_eq!(
            t.attention,
            [
                "silent for 20 min",
                "oldest unsynced sale 25 min old (12 waiting)",
                "2 open conflict(s)",
                "printer: paper out",
                "last backup 2 days ago",
                "disk nearly full: 300 MB free",
            ]
        );
    }

    #[test]
    fn a_terminal_never_heard_from_or_revoked_says_so() {
        let never = Row {
            terminal_id: "t9".into(),
            site_id: "s".into(),
            ..Row::default()
        };
        let t = judge(never.clone(), now(), Thresholds::default());
        assert_eq!((t.link.as_str(), t.attention.len()), ("never", 1));
        let revoked = Row {
            revoked: true,
            ..never
        };
        let t = judge(revoked, now(), Thresholds::default());
        assert_eq!(t.link, "revoked");
        assert!(t.attention.is_empty());
    }
}

//! The diagnostics screen: what central IT asks a counter about on the
//! phone, on one page. Nothing secret is in it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The terminal's state for the diagnostics screen.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Diagnostics {
    /// This app's version.
    pub app_version: String,
    /// The API version central speaks, as last learnt.
    pub central_api_version: Option<String>,
    /// Terminal id.
    pub terminal_id: String,
    /// Site id.
    pub site_id: String,
    /// Central's URL.
    pub central_url: String,
    /// `online`, `degraded` or `offline`.
    pub connectivity: String,
    /// Last complete sync (RFC 3339).
    pub last_sync: Option<String>,
    /// Central's clock minus this one, in milliseconds.
    #[ts(type = "number | null")]
    pub clock_offset_ms: Option<i64>,
    /// Entries waiting to reach central.
    pub queue_depth: u32,
    /// Age of the oldest of them, in seconds.
    pub oldest_unsynced_secs: Option<u32>,
    /// Open conflict tasks.
    pub open_conflicts: u32,
    /// Showtimes with seats leased for offline selling.
    pub leased_showtimes: u32,
    /// Leased seats not sold yet.
    pub leased_seats: u32,
    /// Where it prints.
    pub printer: String,
    /// Paper width.
    pub paper: String,
    /// Print jobs waiting.
    pub print_queued: u32,
    /// The last printing problem, if the last job did not print.
    pub printer_error: Option<String>,
    /// The data directory.
    pub data_dir: String,
    /// Free space there, in MB.
    #[ts(type = "number | null")]
    pub disk_free_mb: Option<u64>,
    /// Below this, new sales are refused, in MB.
    #[ts(type = "number")]
    pub disk_min_free_mb: u64,
    /// The newest backup (RFC 3339), and how many are kept.
    pub last_backup_at: Option<String>,
    /// Backups kept.
    pub backups: u32,
    /// The update ring this terminal follows.
    pub update_ring: String,
    /// The last update check and what came of it.
    pub update: Option<UpdateState>,
}

/// The last update check and its outcome.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UpdateState {
    /// When it ran (RFC 3339).
    pub checked_at: String,
    /// The version running.
    pub running: String,
    /// The ring it asked in.
    pub ring: String,
    /// The package type it asked for.
    pub target: String,
    /// A newer version central offered, if any.
    pub available: Option<String>,
    /// The version staged for installing, if any.
    pub staged: Option<String>,
    /// Why the offered package was refused, if it was.
    pub refused: Option<String>,
    /// Where installing the staged version stands: `waiting` (an order or
    /// a payment is open), `requested`, `installed` (restarting into it
    /// when idle), `refused` or `failed`.
    #[serde(default)]
    pub install: Option<String>,
    /// What installing said.
    #[serde(default)]
    pub install_message: Option<String>,
}

/// What the counter's screen says about itself, for installing updates only
/// when nobody is in the middle of a sale.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CounterActivityArgs {
    /// Session token.
    pub token: String,
    /// Seats chosen, something in the basket, or a payment open.
    pub busy: bool,
}

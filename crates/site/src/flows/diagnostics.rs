//! The diagnostics screen's figures (see [`Diagnostics`]).

use crate::api::Diagnostics;
use crate::engine::Site;
use crate::error::Result;
use crate::store::{self, ConfigKey, StaffRow};

impl Site {
    /// Versions, the link to central, the queue, leases, printer, disk and
    /// backups, for any signed-in staff member (nothing in it is secret).
    pub fn diagnostics(&self, _staff: &StaffRow) -> Result<Diagnostics> {
        let status = self.status()?;
        let queue = self.print_queue_state()?;
        let (api_version, offset, ring) = {
            let db = self.db();
            (
                store::config(&db, ConfigKey::CentralApiVersion)?.filter(|v| !v.is_empty()),
                store::config(&db, ConfigKey::CentralOffsetMs)?.and_then(|v| v.parse().ok()),
                store::config(&db, ConfigKey::UpdateRing)?.unwrap_or_else(|| "all".to_string()),
            )
        };
        let backups = self.backups()?;
        Ok(Diagnostics {
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            central_api_version: api_version,
            terminal_id: status.terminal_id,
            site_id: status.site_id,
            central_url: status.central_url,
            connectivity: status.connectivity,
            last_sync: status.last_sync,
            clock_offset_ms: offset,
            queue_depth: status.queue_depth,
            oldest_unsynced_secs: status.oldest_unsynced_secs,
            open_conflicts: status.open_conflicts,
            leased_showtimes: status.leases.len() as u32,
            leased_seats: status.leases.iter().map(|l| l.seats).sum(),
            printer: queue.printer,
            paper: queue.paper,
            print_queued: queue.queued,
            printer_error: queue.last_error,
            data_dir: self.data_dir().display().to_string(),
            disk_free_mb: crate::disk::free_bytes(self.data_dir())?.map(|b| b / (1024 * 1024)),
            disk_min_free_mb: self.min_free_bytes().div_ceil(1024 * 1024),
            last_backup_at: backups.first().map(|b| b.taken_at.clone()),
            backups: backups.len() as u32,
            update_ring: ring,
            update: self.update_state()?,
        })
    }
}

//! Backups of the running terminal: on demand, every hour from the pump,
//! and when a business day closes (see [`crate::backup`]).

use crate::backup::{self, BACKUP_EVERY, BackupInfo, BackupKind};
use crate::engine::Site;
use crate::error::{Result, SiteError};

impl Site {
    /// Takes a backup of this terminal's database now, beside the sales.
    pub async fn take_backup(&self, kind: BackupKind) -> Result<BackupInfo> {
        // A backup never takes the room sales need: it is skipped when the
        // copy would leave less than twice the sale guard free.
        let size = std::fs::metadata(self.data_dir().join(crate::engine::DB_FILE))?.len();
        let need = size.saturating_add(self.min_free_bytes().saturating_mul(2));
        if let Some(free) = crate::disk::free_bytes(self.data_dir())?
            && free < need
        {
            return Err(SiteError::DiskLow {
                free_mb: free / (1024 * 1024),
                need_mb: need.div_ceil(1024 * 1024),
            });
        }
        let dir = self.data_dir().to_path_buf();
        let now = self.clock.now();
        tokio::task::spawn_blocking(move || backup::take(&dir, kind, now))
            .await
            .map_err(|e| SiteError::Corrupt(format!("backup worker failed: {e}")))?
    }

    /// This terminal's backups, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        backup::list(self.data_dir())
    }

    /// Takes the scheduled backup when the newest backup of any kind is
    /// older than [`BACKUP_EVERY`] (or there is none). Returns the new one.
    pub async fn backup_if_due(&self) -> Result<Option<BackupInfo>> {
        let now = self.clock.now();
        let newest = self.backups()?.into_iter().next();
        let due = match newest {
            None => true,
            Some(b) => match b.taken_at.parse::<jiff::Timestamp>() {
                Ok(at) => now.duration_since(at).unsigned_abs() >= BACKUP_EVERY,
                Err(_) => true,
            },
        };
        if !due {
            return Ok(None);
        }
        self.take_backup(BackupKind::Scheduled).await.map(Some)
    }
}

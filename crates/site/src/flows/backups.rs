//! Backups of the running terminal: on demand, every hour from the pump,
//! and when a business day closes (see [`crate::backup`]).

use crate::backup::{self, BACKUP_EVERY, BackupInfo, BackupKind};
use crate::engine::Site;
use crate::error::{Result, SiteError};

impl Site {
    /// Takes a backup of this terminal's database now, beside the sales.
    pub async fn take_backup(&self, kind: BackupKind) -> Result<BackupInfo> {
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

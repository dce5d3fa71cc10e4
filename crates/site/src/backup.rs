//! Online backups of the terminal database, and restoring one.
//!
//! A backup is `VACUUM INTO` on a connection of its own: a consistent copy
//! of the database as of one moment, taken while the counter keeps selling
//! (the write-ahead log lets the copy read beside the sale's writes). The
//! copy is checked (`quick_check`), synced and only then named as a backup,
//! so a backup on disk is always a whole, sound database.
//!
//! Backups live in `<data>/backups/`, private like the rest:
//! `terminal-<UTC time>-<kind>.sqlite`. The pump takes one every hour while
//! the terminal runs ([`BACKUP_EVERY`]); closing a business day takes one
//! of its own. The newest [`KEEP_SCHEDULED`] scheduled ones and
//! [`KEEP_DAY_CLOSE`] day-close ones are kept.

use crate::engine::DB_FILE;
use crate::error::{Result, SiteError};
use crate::private_files;
use crate::store::{self, check_integrity};
use jiff::Timestamp;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// How often the pump takes a scheduled backup.
pub const BACKUP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);
/// Scheduled backups kept (two days of trading hours).
pub const KEEP_SCHEDULED: usize = 48;
/// Day-close backups kept (about a month of business days).
pub const KEEP_DAY_CLOSE: usize = 35;

const DIR: &str = "backups";

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupKind {
    /// The hourly one.
    Scheduled,
    /// At a business day's close (Z report).
    DayClose,
    /// Asked for (`boxoffice-site backup`).
    Manual,
}

impl BackupKind {
    fn tag(self) -> &'static str {
        match self {
            BackupKind::Scheduled => "scheduled",
            BackupKind::DayClose => "day-close",
            BackupKind::Manual => "manual",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        match tag {
            "scheduled" => Some(BackupKind::Scheduled),
            "day-close" => Some(BackupKind::DayClose),
            "manual" => Some(BackupKind::Manual),
            _ => None,
        }
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupInfo {
    /// The file.
    #[ts(type = "string")]
    pub path: PathBuf,
    /// When it was taken (UTC, RFC 3339).
    pub taken_at: String,
    /// Why.
    pub kind: BackupKind,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The backups folder of a data directory.
pub fn backup_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(DIR)
}

/// Takes a backup of the terminal in `data_dir` now, then drops the
/// oldest beyond what is kept. Blocking: run it off the async runtime.
pub fn take(data_dir: &Path, kind: BackupKind, now: Timestamp) -> Result<BackupInfo> {
    let dir = backup_dir(data_dir);
    private_files::create_private_dir(&dir)?;
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let name = format!("terminal-{stamp}-{}.sqlite", kind.tag());
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = store::copy_database(&data_dir.join(DB_FILE), &tmp).and_then(|()| {
        check_integrity(&tmp)
            .map_err(|e| SiteError::Corrupt(format!("the backup copy failed its check: {e}")))?;
        sync_file(&tmp)?;
        std::fs::rename(&tmp, &path)?;
        sync_dir(&dir)?;
        Ok(())
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    prune(data_dir)?;
    let bytes = std::fs::metadata(&path)?.len();
    Ok(BackupInfo {
        path,
        taken_at: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        kind,
        bytes,
    })
}

/// The backups of `data_dir`, newest first.
pub fn list(data_dir: &Path) -> Result<Vec<BackupInfo>> {
    let dir = backup_dir(data_dir);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some((taken_at, kind)) = name.to_str().and_then(parse_name) else {
            continue;
        };
        out.push(BackupInfo {
            path: entry.path(),
            taken_at,
            kind,
            bytes: entry.metadata()?.len(),
        });
    }
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.path.cmp(&a.path)));
    Ok(out)
}

/// `terminal-20261205T120000Z-scheduled.sqlite` -> its time and kind.
fn parse_name(name: &str) -> Option<(String, BackupKind)> {
    let rest = name.strip_prefix("terminal-")?.strip_suffix(".sqlite")?;
    let (stamp, tag) = rest.split_once('-')?;
    let kind = BackupKind::from_tag(tag)?;
    let civil = jiff::fmt::strtime::parse("%Y%m%dT%H%M%SZ", stamp)
        .ok()?
        .to_datetime()
        .ok()?;
    let at = jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()?;
    Some((at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(), kind))
}

/// Drops scheduled and day-close backups beyond what is kept (manual ones
/// stay until someone removes them).
fn prune(data_dir: &Path) -> Result<()> {
    let all = list(data_dir)?;
    for (kind, keep) in [
        (BackupKind::Scheduled, KEEP_SCHEDULED),
        (BackupKind::DayClose, KEEP_DAY_CLOSE),
    ] {
        for old in all.iter().filter(|b| b.kind == kind).skip(keep) {
            std::fs::remove_file(&old.path)?;
        }
    }
    Ok(())
}

/// Held by the process that sells from a terminal directory (the app or
/// `serve`) for as long as it runs, so that a restore never replaces the
/// database under it. The operating system drops it when the process ends,
/// however it ends.
pub struct RunLock {
    _file: std::fs::File,
}

const RUN_LOCK_FILE: &str = "running.lock";

impl RunLock {
    /// Takes the lock of `dir`, or says that another process holds it.
    pub fn acquire(dir: &Path) -> Result<RunLock, crate::SiteError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(RUN_LOCK_FILE))?;
        match file.try_lock() {
            Ok(()) => Ok(RunLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(crate::SiteError::Invalid(format!(
                "the terminal in {} is open in another process (the app or `serve`): close it first",
                dir.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    /// The backup put in place.
    pub restored: PathBuf,
    /// Where the database it replaced was kept (none when there was none).
    pub replaced_kept_in: Option<PathBuf>,
}

/// Puts the backup `from` in place as the terminal's database. Refuses
/// while the app or `serve` has the terminal open, a backup that fails its
/// check, and one of another terminal. The database it replaces (with its
/// log files) is moved, not deleted, to `<data>/replaced-<time>/`.
pub fn restore(data_dir: &Path, from: &Path, now: Timestamp) -> Result<RestoreReport> {
    if !data_dir.is_dir() {
        return Err(SiteError::Invalid(format!(
            "{} is not a terminal directory",
            data_dir.display()
        )));
    }
    let _running = RunLock::acquire(data_dir)?;
    check_integrity(from).map_err(|e| {
        SiteError::Invalid(format!("{} is not a sound backup: {e}", from.display()))
    })?;
    let theirs = store::terminal_of_file(from)?.ok_or_else(|| {
        SiteError::Invalid(format!("{} holds no set-up terminal", from.display()))
    })?;
    let db = data_dir.join(DB_FILE);
    // A damaged database may not say whose it is: then the backup's word stands.
    if let Ok(Some(ours)) = store::terminal_of_file(&db)
        && ours != theirs
    {
        return Err(SiteError::Invalid(format!(
            "{} is a backup of terminal {theirs}, not of this terminal ({ours})",
            from.display()
        )));
    }
    // The backup is copied beside the database and checked first: a copy
    // that fails (a full disk) leaves the database where it was.
    let tmp = data_dir.join(format!(".{DB_FILE}.restore.tmp"));
    let _ = std::fs::remove_file(&tmp);
    let copied = private_files::ensure_private_file(&tmp)
        .map_err(SiteError::from)
        .and_then(|()| std::fs::copy(from, &tmp).map_err(SiteError::from))
        .and_then(|_| {
            check_integrity(&tmp)
                .map_err(|e| SiteError::Corrupt(format!("the copied backup failed its check: {e}")))
        })
        .and_then(|()| sync_file(&tmp));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let kept = data_dir.join(format!("replaced-{stamp}"));
    let mut moved = false;
    for suffix in ["", "-wal", "-shm"] {
        let file = data_dir.join(format!("{DB_FILE}{suffix}"));
        if file.exists() {
            private_files::create_private_dir(&kept)?;
            std::fs::rename(&file, kept.join(format!("{DB_FILE}{suffix}")))?;
            moved = true;
        }
    }
    std::fs::rename(&tmp, &db)?;
    sync_dir(data_dir)?;
    Ok(RestoreReport {
        restored: from.to_path_buf(),
        replaced_kept_in: moved.then_some(kept),
    })
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)?.sync_all()?;
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_their_time_and_kind() {
        let (at, kind) = parse_name("terminal-20261205T120003Z-day-close.sqlite").unwrap();
        assert_eq!(at, "2026-12-05T12:00:03Z");
        assert_eq!(kind, BackupKind::DayClose);
        assert!(parse_name("terminal-2026-scheduled.sqlite").is_none());
        assert!(parse_name("notes.txt").is_none());
    }

    #[test]
    fn a_second_process_cannot_take_the_run_lock() {
        let root = tempfile::tempdir().unwrap();
        let held = RunLock::acquire(root.path()).unwrap();
        assert!(RunLock::acquire(root.path()).is_err());
        drop(held);
        assert!(RunLock::acquire(root.path()).is_ok());
    }
}

//! Whole database files: SQLite's integrity check, an online copy for a
//! backup, and whose terminal a file is. Each opens a connection of its own
//! (never the engine's), so a sale never waits for them.

use crate::error::{Result, SiteError};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// SQLite's own check of a database file (`PRAGMA quick_check`: every page,
/// index and record readable and consistent), without changing it. The
/// error is the first problem found.
pub fn check_integrity(path: &Path) -> std::result::Result<(), String> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    let first: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if first == "ok" { Ok(()) } else { Err(first) }
}

/// Writes a consistent copy of the database at `db` to the new file `out`
/// (`VACUUM INTO`), reading beside whoever writes to it.
pub fn copy_database(db: &Path, out: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let target = out
        .to_str()
        .ok_or_else(|| SiteError::Invalid(format!("{} is not a UTF-8 path", out.display())))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

/// The terminal id the database file at `db` is set up as, if it says.
pub fn terminal_of_file(db: &Path) -> Result<Option<String>> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found = conn.query_row(
        "SELECT value FROM config WHERE key = ?1",
        [super::ConfigKey::TerminalId.as_str()],
        |r| r.get::<_, String>(0),
    );
    match found {
        Ok(id) => Ok(Some(id)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

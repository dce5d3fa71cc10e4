//! Wrong PINs in a row, per subject (a named person, the approvals asked at
//! a person's session, or the unnamed PIN pad of the CLI).

use super::Cached as _;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A subject's stored failures: `(count, locked until, last failure)`,
/// times in unix seconds.
pub type FailureRow = (i64, Option<i64>, Option<i64>);

/// The failures of a subject, if it has any.
pub fn pin_failures(conn: &Connection, subject: &str) -> Result<Option<FailureRow>> {
    Ok(conn
        .q_row(
            "SELECT count, locked_until, last_failure_at FROM pin_failures WHERE subject = ?1",
            [subject],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Saves a subject's failures; none at all removes its row.
pub fn set_pin_failures(conn: &Connection, subject: &str, row: FailureRow) -> Result<()> {
    let (count, locked_until, last_failure) = row;
    if count == 0 && locked_until.is_none() {
        conn.exec("DELETE FROM pin_failures WHERE subject = ?1", [subject])?;
    } else {
        conn.exec(
            "INSERT INTO pin_failures (subject, count, locked_until, last_failure_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (subject) DO UPDATE SET count = excluded.count,
                 locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at",
            params![subject, count, locked_until, last_failure],
        )?;
    }
    Ok(())
}

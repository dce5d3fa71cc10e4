//! Wrong PINs in a row, per subject (a named person, the approvals asked at
//! a person's session, or the unnamed PIN pad of the CLI).

use super::Cached as _;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// `(count, locked until unix second)` of a subject, if it has failures.
pub fn pin_failures(conn: &Connection, subject: &str) -> Result<Option<(i64, Option<i64>)>> {
    Ok(conn
        .q_row(
            "SELECT count, locked_until FROM pin_failures WHERE subject = ?1",
            [subject],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Saves a subject's failures; none at all removes its row.
pub fn set_pin_failures(
    conn: &Connection,
    subject: &str,
    count: u32,
    locked_until: Option<i64>,
) -> Result<()> {
    if count == 0 && locked_until.is_none() {
        conn.exec("DELETE FROM pin_failures WHERE subject = ?1", [subject])?;
    } else {
        conn.exec(
            "INSERT INTO pin_failures (subject, count, locked_until) VALUES (?1, ?2, ?3)
             ON CONFLICT (subject) DO UPDATE SET count = excluded.count, locked_until = excluded.locked_until",
            params![subject, count, locked_until],
        )?;
    }
    Ok(())
}

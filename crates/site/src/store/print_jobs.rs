//! The persistent print queue's rows.

use super::Cached as _;
use crate::error::Result;
use crate::rules::layout::NewJob;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

/// Inserts jobs under the given ids (inside the caller's transaction).
pub fn insert_print_jobs(
    conn: &Connection,
    jobs: &[NewJob],
    ids: &[String],
    now: Timestamp,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO print_jobs (id, order_id, kind, seat_label, state, bytes, reprint_count, name, created_at)
         VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?7, ?8)",
    )?;
    for (job, id) in jobs.iter().zip(ids) {
        stmt.execute(params![
            id,
            job.order_id,
            job.kind.as_str(),
            job.seat_label,
            job.bytes,
            job.reprint_count,
            job.name,
            now.to_string()
        ])?;
    }
    Ok(())
}

/// `(queued, interrupted)` job counts.
pub fn print_job_counts(conn: &Connection) -> Result<(u32, u32)> {
    Ok(conn.q_row(
        "SELECT (SELECT count(*) FROM print_jobs WHERE state = 'queued'),
                (SELECT count(*) FROM print_jobs WHERE state = 'interrupted')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// A job's file name stem, bytes, kind and reprint number (0 for an original).
pub fn print_job(conn: &Connection, job_id: &str) -> Result<(String, Vec<u8>, String, u32)> {
    Ok(conn.q_row(
        "SELECT name, bytes, kind, reprint_count FROM print_jobs WHERE id = ?1",
        [job_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?)
}

/// Records where a job's preview files are.
pub fn set_print_preview(conn: &Connection, job_id: &str, bin: &str, png: &str) -> Result<()> {
    conn.exec(
        "UPDATE print_jobs SET bin_path = ?2, png_path = ?3 WHERE id = ?1",
        params![job_id, bin, png],
    )?;
    Ok(())
}

/// The oldest job waiting for the printer: `(id, bytes)`.
pub fn next_queued_job(conn: &Connection) -> Result<Option<(String, Vec<u8>)>> {
    Ok(conn
        .q_row(
            "SELECT id, bytes FROM print_jobs WHERE state = 'queued' ORDER BY created_at, rowid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// What happened to one attempt at printing a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobAttempt {
    /// Printed whole.
    Printed,
    /// Nothing reached the printer; the job stays queued.
    Refused,
    /// Cut off mid-way: the job needs a reprint.
    Interrupted,
}

/// Records an attempt at printing a job.
pub fn record_print_attempt(
    conn: &Connection,
    job_id: &str,
    attempt: JobAttempt,
    error: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    match attempt {
        JobAttempt::Printed => conn.exec(
            "UPDATE print_jobs SET state = 'printed', attempts = attempts + 1, printed_at = ?2, error = NULL WHERE id = ?1",
            params![job_id, now.to_string()],
        )?,
        JobAttempt::Refused => conn.exec(
            "UPDATE print_jobs SET attempts = attempts + 1, error = ?2 WHERE id = ?1",
            params![job_id, error],
        )?,
        JobAttempt::Interrupted => conn.exec(
            "UPDATE print_jobs SET state = 'interrupted', attempts = attempts + 1, error = ?2 WHERE id = ?1",
            params![job_id, error],
        )?,
    };
    Ok(())
}

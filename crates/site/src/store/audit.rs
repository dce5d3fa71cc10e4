//! The audit trail: every sensitive action, who did it, who approved it,
//! when and from which terminal. Each entry carries the SHA-256 of its own
//! fields and of the entry before it, and the newest entry's number and hash
//! are kept as the chain's head, so an edited, inserted or deleted entry (the
//! newest ones included) breaks the chain and [`verify_audit`] names it.

use super::Cached as _;
use super::{ConfigKey, config, set_config};
use crate::error::{Result, SiteError};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `prev_hash` of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, as the engine records it.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    /// What was done, e.g. `price_override`, `reprint`, `shift_close`.
    pub action: &'a str,
    /// The staff member at the counter.
    pub staff_id: &'a str,
    /// Who approved it, when someone did.
    pub approved_by: Option<&'a str>,
    /// What it was done to: an order, a seat, a shift.
    pub subject: &'a str,
    /// The particulars (amounts, seats, reason), one line.
    pub detail: &'a str,
}

/// One entry of the trail.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditRow {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Entry id.
    pub id: String,
    /// When (RFC 3339).
    pub at: String,
    /// The terminal.
    pub terminal_id: String,
    /// The staff member at the counter.
    pub staff_id: String,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// What was done.
    pub action: String,
    /// What it was done to.
    pub subject: String,
    /// The particulars.
    pub detail: String,
    /// The hash of the entry before.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditRow {
    /// The hash this entry must carry: over its fields and the previous hash,
    /// each field ended by a unit separator so no two entries hash alike.
    fn expected_hash(&self) -> String {
        let mut h = Sha256::new();
        for field in [
            self.seq.to_string().as_str(),
            &self.id,
            &self.at,
            &self.terminal_id,
            &self.staff_id,
            self.approved_by.as_deref().unwrap_or(""),
            &self.action,
            &self.subject,
            &self.detail,
            &self.prev_hash,
        ] {
            h.update(field.as_bytes());
            h.update([0x1f]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What [`verify_audit`] found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditCheck {
    /// Entries read.
    pub entries: i64,
    /// The chain is whole.
    pub intact: bool,
    /// The first problem found, in words.
    pub problem: Option<String>,
}

/// Appends an entry (inside the caller's transaction when there is one, so
/// the action and its record commit together).
pub fn append_audit(
    conn: &Connection,
    id: Uuid,
    at: Timestamp,
    terminal_id: &str,
    e: &AuditEvent<'_>,
) -> Result<AuditRow> {
    let last: Option<(i64, String)> = conn
        .q_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let mut row = AuditRow {
        seq,
        id: id.to_string(),
        at: at.to_string(),
        terminal_id: terminal_id.to_string(),
        staff_id: e.staff_id.to_string(),
        approved_by: e.approved_by.map(str::to_string),
        action: e.action.to_string(),
        subject: e.subject.to_string(),
        detail: e.detail.to_string(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = row.expected_hash();
    conn.exec(
        "INSERT INTO audit_log (seq, id, at, terminal_id, staff_id, approved_by, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            row.seq, row.id, row.at, row.terminal_id, row.staff_id, row.approved_by, row.action,
            row.subject, row.detail, row.prev_hash, row.hash
        ],
    )?;
    set_config(
        conn,
        ConfigKey::AuditHead,
        &format!("{}:{}", row.seq, row.hash),
    )?;
    Ok(row)
}

/// The newest `limit` entries, newest first.
pub fn audit_entries(conn: &Connection, limit: u32) -> Result<Vec<AuditRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, at, terminal_id, staff_id, approved_by, action, subject, detail, prev_hash, hash
         FROM audit_log ORDER BY seq DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        seq: r.get(0)?,
        id: r.get(1)?,
        at: r.get(2)?,
        terminal_id: r.get(3)?,
        staff_id: r.get(4)?,
        approved_by: r.get(5)?,
        action: r.get(6)?,
        subject: r.get(7)?,
        detail: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

/// Walks the whole chain: numbers from 1 without a gap, each entry's hash
/// over its own fields, each `prev_hash` the hash before, and the newest
/// entry the recorded head.
pub fn verify_audit(conn: &Connection) -> Result<AuditCheck> {
    let mut stmt = conn.prepare(
        "SELECT seq, id, at, terminal_id, staff_id, approved_by, action, subject, detail, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut entries = 0i64;
    let mut prev = GENESIS.to_string();
    let broken = |entries: i64, problem: String| AuditCheck {
        entries,
        intact: false,
        problem: Some(problem),
    };
    for r in stmt.query_map([], row)? {
        let r = r?;
        entries += 1;
        if r.seq != entries {
            return Ok(broken(
                entries,
                format!("entry {} is missing (the next is {})", entries, r.seq),
            ));
        }
        if r.prev_hash != prev {
            return Ok(broken(
                entries,
                format!("entry {} does not follow entry {}", r.seq, r.seq - 1),
            ));
        }
        if r.hash != r.expected_hash() {
            return Ok(broken(entries, format!("entry {} was changed", r.seq)));
        }
        prev = r.hash;
    }
    let head = config(conn, ConfigKey::AuditHead)?;
    let last = (entries > 0).then(|| format!("{entries}:{prev}"));
    if head != last {
        let expected = head
            .as_deref()
            .and_then(|h| h.split_once(':'))
            .map(|(seq, _)| seq.to_string())
            .unwrap_or_else(|| "0".into());
        return Ok(broken(
            entries,
            format!(
                "the newest entries are missing: the trail ends at {entries}, its head says {expected}"
            ),
        ));
    }
    if entries > 0 && head.is_none() {
        return Err(SiteError::Corrupt("audit head missing".into()));
    }
    Ok(AuditCheck {
        entries,
        intact: true,
        problem: None,
    })
}

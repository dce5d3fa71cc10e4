//! The audit trail: every sensitive action, who did it, who approved it,
//! when and from which terminal. Each entry carries the SHA-256 of its own
//! fields and of the entry before it, and the newest entry's number and hash
//! are kept as the chain's head, so an edited, inserted or deleted entry (the
//! newest ones included) breaks the chain and [`verify_audit`] names it.

use super::Cached as _;
use super::{ConfigKey, config, set_config};
use crate::error::{Result, SiteError};
use jiff::Timestamp;
use rusqlite::{Connection, params};
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
    /// The hash this entry must carry: over a version byte, then each field
    /// (and the previous hash) prefixed by its length, so no text can move
    /// from one field to the next; an absent approver differs from an empty one.
    fn expected_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update([1u8]);
        h.update([u8::from(self.approved_by.is_some())]);
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
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
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

/// Appends an entry inside the caller's transaction, so the action and its
/// record commit together (the action's own write comes first and holds
/// SQLite's write lock, so two processes never append at once). The entry
/// follows the recorded head, not the newest row left in the table: entries
/// deleted at the end leave a gap `verify_audit` finds, even after more
/// entries were appended.
pub fn append_audit(
    conn: &rusqlite::Transaction<'_>,
    id: Uuid,
    at: Timestamp,
    terminal_id: &str,
    e: &AuditEvent<'_>,
) -> Result<AuditRow> {
    let (seq, prev_hash) = match head(conn)? {
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

/// The recorded head: the newest entry's number and hash.
fn head(conn: &Connection) -> Result<Option<(i64, String)>> {
    let Some(text) = config(conn, ConfigKey::AuditHead)? else {
        return Ok(None);
    };
    let (seq, hash) = text
        .split_once(':')
        .and_then(|(s, h)| Some((s.parse::<i64>().ok()?, h.to_string())))
        .ok_or_else(|| SiteError::Corrupt(format!("audit head '{text}'")))?;
    Ok(Some((seq, hash)))
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

/// Walks the whole chain, in one read transaction (a consistent view while
/// the app keeps appending): numbers from 1 without a gap, each entry's hash
/// over its own fields, each `prev_hash` the hash before, and the newest
/// entry the recorded head.
pub fn verify_audit(conn: &Connection) -> Result<AuditCheck> {
    let tx = conn.unchecked_transaction()?;
    let check = verify_in(&tx)?;
    tx.finish()?;
    Ok(check)
}

fn verify_in(conn: &Connection) -> Result<AuditCheck> {
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
    match head(conn)? {
        None if entries == 0 => {}
        None => {
            return Ok(broken(entries, "the trail's head is missing".to_string()));
        }
        Some((seq, _)) if seq != entries => {
            return Ok(broken(
                entries,
                format!(
                    "the newest entries are missing: the trail ends at {entries}, its head says {seq}"
                ),
            ));
        }
        Some((_, hash)) if hash != prev => {
            return Ok(broken(entries, format!("entry {entries} was replaced")));
        }
        Some(_) => {}
    }
    Ok(AuditCheck {
        entries,
        intact: true,
        problem: None,
    })
}

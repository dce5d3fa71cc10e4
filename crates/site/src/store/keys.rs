//! The site's terminal public keys, for verifying door QR codes offline.

use super::Cached as _;
use crate::error::SiteError;
use protocol::TerminalPublicKey;

/// Replaces the site's terminal public keys (table `terminal_keys`).
pub fn replace_terminal_keys(
    tx: &rusqlite::Transaction<'_>,
    keys: &[TerminalPublicKey],
) -> Result<(), SiteError> {
    tx.exec("DELETE FROM terminal_keys", [])?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO terminal_keys (terminal_id, public_key) VALUES (?1, ?2)",
    )?;
    for k in keys {
        stmt.execute(rusqlite::params![k.terminal_id, k.public_key])?;
    }
    Ok(())
}

/// The site's terminal public keys as last pulled from central.
pub fn terminal_keys(conn: &rusqlite::Connection) -> Result<Vec<TerminalPublicKey>, SiteError> {
    let mut stmt = conn
        .prepare_cached("SELECT terminal_id, public_key FROM terminal_keys ORDER BY terminal_id")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(TerminalPublicKey {
                terminal_id: r.get(0)?,
                public_key: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

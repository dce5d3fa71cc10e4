//! The terminal's configuration: typed keys over the `config` table.

use super::Cached as _;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A key of the terminal's configuration table. The stored names are part of
/// the database format: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKey {
    /// Central's base URL.
    CentralUrl,
    /// This terminal's site.
    SiteId,
    /// This terminal's id.
    TerminalId,
    /// The chain's CA (PEM), empty for a loopback central.
    CentralCaPem,
    /// This terminal's bearer token, empty without one.
    TerminalToken,
    /// The catalog's content version (the pull cursor).
    CatalogVersion,
    /// The API version central speaks.
    CentralApiVersion,
    /// The last seat event applied.
    EventSeq,
    /// Central's clock minus ours, in milliseconds.
    CentralOffsetMs,
    /// `1` while the last call to central succeeded.
    LinkOnline,
    /// The last complete sync.
    LastSync,
    /// The printer target.
    Printer,
    /// The paper width.
    Paper,
    /// The last printer problem, empty when the last job printed.
    PrinterError,
    /// The site's counter settings from the last catalog (JSON).
    SiteSettings,
    /// The audit trail's newest entry, `seq:hash`.
    AuditHead,
    /// The last entry of central's void list learnt.
    VoidSeq,
    /// This terminal's number from central (API 1.6), in its order references.
    TerminalNumber,
    /// How many order numbers this terminal has reserved (`reserve_order_counts`).
    OrderCount,
    /// The update ring this terminal follows: `canary` or `all` (unset: `all`).
    UpdateRing,
    /// The last update check and its outcome (JSON `UpdateState`).
    UpdateState,
}

impl ConfigKey {
    /// The key's name in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigKey::CentralUrl => "central_url",
            ConfigKey::SiteId => "site_id",
            ConfigKey::TerminalId => "terminal_id",
            ConfigKey::CentralCaPem => "central_ca_pem",
            ConfigKey::TerminalToken => "terminal_token",
            ConfigKey::CatalogVersion => "catalog_version",
            ConfigKey::CentralApiVersion => "central_api_version",
            ConfigKey::EventSeq => "event_seq",
            ConfigKey::CentralOffsetMs => "central_offset_ms",
            ConfigKey::LinkOnline => "link_online",
            ConfigKey::LastSync => "last_sync",
            ConfigKey::Printer => "printer",
            ConfigKey::Paper => "paper",
            ConfigKey::PrinterError => "printer_error",
            ConfigKey::SiteSettings => "site_settings",
            ConfigKey::AuditHead => "audit_head",
            ConfigKey::VoidSeq => "void_seq",
            ConfigKey::TerminalNumber => "terminal_number",
            ConfigKey::OrderCount => "order_count",
            ConfigKey::UpdateRing => "update_ring",
            ConfigKey::UpdateState => "update_state",
        }
    }
}

/// Reads a configuration value.
pub fn config(conn: &Connection, key: ConfigKey) -> Result<Option<String>> {
    Ok(conn
        .q_row(
            "SELECT value FROM config WHERE key = ?1",
            [key.as_str()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Writes a configuration value.
pub fn set_config(conn: &Connection, key: ConfigKey, value: &str) -> Result<()> {
    conn.exec(
        "INSERT INTO config (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key.as_str(), value],
    )?;
    Ok(())
}

/// The order numbers reserved so far (0 before the first); a damaged value
/// is an error, never a silent 0 (that would print references again).
fn order_count(conn: &Connection) -> Result<u64> {
    match config(conn, ConfigKey::OrderCount)? {
        None => Ok(0),
        Some(v) => v.parse::<u64>().map_err(|_| {
            crate::error::SiteError::Corrupt(format!("the order count '{v}' is not a number"))
        }),
    }
}

/// Order numbers a process reserves at once (one disk sync per block).
pub const ORDER_COUNT_BLOCK: u64 = 50;

/// Reserves `n` order numbers of this terminal and returns the first: the
/// count is kept across restarts and shared by every process of the
/// terminal (an immediate transaction, synced before any number is used). A
/// process that ends leaves the rest of its block unused: only a gap.
pub fn reserve_order_counts(conn: &mut Connection, n: u64) -> Result<u64> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let start = order_count(&tx)?;
    set_config(&tx, ConfigKey::OrderCount, &(start + n).to_string())?;
    tx.commit()?;
    Ok(start)
}

/// Raises the order count to `floor` if it is below (central saw counts up
/// to `floor - 1` of this terminal: a reinstalled or restored terminal must
/// not print those references again). Returns whether it rose.
pub fn raise_order_count(conn: &Connection, floor: u64) -> Result<bool> {
    if order_count(conn)? >= floor {
        return Ok(false);
    }
    set_config(conn, ConfigKey::OrderCount, &floor.to_string())?;
    Ok(true)
}

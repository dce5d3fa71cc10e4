//! The rows the engine reads from its store: plain data shared by every
//! layer (no SQL, no IO).

use domain::{Country, Currency, SeatArea, SeatKind, SeatState};
use jiff::Timestamp;

/// The site this terminal sells for.
#[derive(Debug, Clone)]
pub struct SiteRow {
    /// Site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Chain name.
    pub chain_name: String,
    /// Country.
    pub country: Country,
    /// Currency.
    pub currency: Currency,
    /// Time zone name.
    pub time_zone: String,
    /// VAT rate.
    pub vat_rate_bp: u32,
    /// Business day cutoff.
    pub cutoff_hour: i8,
    /// Hold TTL to ask for.
    pub hold_ttl_secs: u32,
    /// Street address (receipts).
    pub address: String,
    /// Tax registration number (receipts).
    pub tax_number: String,
    /// Logo for tickets (PNG).
    pub logo_png: Option<Vec<u8>>,
}

/// A staff member with the PIN hash.
#[derive(Debug, Clone)]
pub struct StaffRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: protocol::Role,
    /// Argon2 PHC string.
    pub pin_hash: String,
}

/// A showtime joined with its film and screen.
#[derive(Debug, Clone)]
pub struct ShowtimeRow {
    /// Id.
    pub id: String,
    /// Film id.
    pub film_id: String,
    /// English title.
    pub title_en: String,
    /// Arabic title.
    pub title_ar: String,
    /// Rating.
    pub rating: String,
    /// Runtime.
    pub runtime_min: u32,
    /// Screen id.
    pub screen_id: String,
    /// Screen name.
    pub screen_name: String,
    /// Start.
    pub starts_at: Timestamp,
    /// Format.
    pub format: String,
    /// Price card.
    pub price_card_id: String,
    /// Sellable seats (not blocked).
    pub seats_total: u32,
    /// Seats sold or held, locally or at central.
    pub seats_taken: u32,
    /// Cancelled by the chain.
    pub cancelled: bool,
}

/// A seat of a showtime with its current state.
#[derive(Debug, Clone)]
pub struct SeatRow {
    /// Label.
    pub label: String,
    /// Row.
    pub row: String,
    /// Number.
    pub number: u32,
    /// Column.
    pub x: u32,
    /// Row position.
    pub y: u32,
    /// Area.
    pub area: SeatArea,
    /// Kind.
    pub kind: SeatKind,
    /// State.
    pub state: SeatState,
}

/// An outbox entry waiting for central.
#[derive(Debug, Clone)]
pub struct PendingEntry {
    /// Local sequence.
    pub seq: i64,
    /// Idempotency key.
    pub id: uuid::Uuid,
    /// JSON body (a `protocol::EntryBody`).
    pub body: String,
}

/// Outbox figures for the status bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueStats {
    /// Pending entries.
    pub pending: u32,
    /// Entries set aside (conflict or rejected).
    pub needs_attention: u32,
    /// Creation time of the oldest pending entry (unix seconds).
    pub oldest_pending: Option<i64>,
}

/// A price override the engine accepted: the new price per ticket, who
/// approved it and why.
#[derive(Debug, Clone)]
pub struct ApprovedOverride {
    /// Price of each ticket of the order, VAT inclusive.
    pub price_minor: i64,
    /// Trimmed reason.
    pub reason: String,
    /// A complimentary ticket (price 0), its own approved reason.
    pub complimentary: bool,
    /// The supervisor or manager.
    pub approver: StaffRow,
}

impl ApprovedOverride {
    /// The reason as central and the audit trail keep it: a complimentary
    /// ticket says so first.
    pub fn stated_reason(&self) -> String {
        if self.complimentary {
            format!("Complimentary: {}", self.reason)
        } else {
            self.reason.clone()
        }
    }
}

//! Errors of the terminal engine. Each has a stable code the UI shows and
//! tests match, and a sentence a cashier can act on.

use serde::Serialize;
use std::collections::BTreeMap;

/// What can go wrong on a terminal.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The terminal has not been initialised.
    #[error(
        "this terminal is not set up yet: provision it (`boxoffice-site provision --file FILE`) or run `boxoffice-site init`"
    )]
    NotInitialised,
    /// Invalid input from the user or caller.
    #[error("{0}")]
    Invalid(String),
    /// A wrong PIN.
    #[error("wrong PIN")]
    WrongPin,
    /// Too many wrong PINs.
    #[error("too many wrong PINs: try again in {0} s")]
    LockedOut(i64),
    /// No session (or one ended).
    #[error("please log in again")]
    NotLoggedIn,
    /// The counter locked after the site's idle time: the same person
    /// unlocks it with their PIN (or someone else signs in).
    #[error("the counter locked after {0} s without use: enter your PIN to unlock it")]
    SessionLocked(u32),
    /// The sign-in is older than the site allows.
    #[error("your sign-in expired after {0} hours: sign in again")]
    SessionExpired(u32),
    /// A PIN too short or long for the role.
    #[error(transparent)]
    PinRule(#[from] domain::pin::PinRuleError),
    /// The staff member's role may not do this (a supervisor or a manager may).
    #[error("{0}")]
    NotAllowed(String),
    /// Only a manager may do this.
    #[error("{0}")]
    NeedsManager(String),
    /// Unknown order.
    #[error("unknown order '{0}'")]
    UnknownOrder(String),
    /// Payment rules.
    #[error(transparent)]
    Payment(#[from] domain::payment::PaymentError),
    /// Age rating rules.
    #[error(transparent)]
    Age(#[from] domain::AgeError),
    /// Price card rules.
    #[error(transparent)]
    Pricing(#[from] domain::PricingError),
    /// The film needs an ID check the cashier has not confirmed.
    #[error("'{0}' film: confirm that you checked the customer's ID")]
    IdCheckRequired(String),
    /// A price override outside what an override may do.
    #[error("{0}")]
    Override(#[from] OverrideRefusal),
    /// A refund that cannot be made as asked.
    #[error("{0}")]
    Refund(#[from] RefundRefusal),
    /// A provisioning file this counter does not take.
    #[error("{0}")]
    Provisioning(#[from] ProvisioningRefusal),
    /// An update this counter does not install.
    #[error("{0}")]
    Update(#[from] UpdateRefusal),
    /// A business day that cannot be closed (or reported) as asked.
    #[error("{0}")]
    Day(#[from] DayRefusal),
    /// A shift or drawer action that cannot be done as asked.
    #[error("{0}")]
    Shift(#[from] ShiftRefusal),
    /// Unknown showtime.
    #[error("unknown showtime '{0}'")]
    UnknownShowtime(String),
    /// Seats that do not exist.
    #[error("no such seats in this screen: {}", .0.join(", "))]
    UnknownSeats(Vec<String>),
    /// Wheelchair places in a sale the cashier did not confirm as such.
    #[error("{} is a wheelchair place: confirm that the customer needs it, and whether a companion seat is wanted", .0.join(", "))]
    WheelchairUnconfirmed(Vec<String>),
    /// Seats already taken.
    #[error("seats no longer available: {}", .0.join(", "))]
    SeatUnavailable(Vec<String>),
    /// Unknown ticket type.
    #[error("unknown ticket type '{0}' for this showtime")]
    UnknownTicketType(String),
    /// Money input or arithmetic.
    #[error(transparent)]
    Money(#[from] domain::MoneyError),
    /// Order rules.
    #[error(transparent)]
    Order(#[from] domain::OrderError),
    /// Offline, the seats are not leased to this terminal.
    #[error("central is offline and {} not leased to this terminal: pick leased seats or ask a manager to override", .0.join(", "))]
    OfflineNotLeased(Vec<String>),
    /// Offline, an order spanning several showtimes has seats that are not
    /// leased here: a manager's override covers one showtime only.
    #[error("central is offline and {} not leased to this terminal: offline, a manager's override covers one showtime, so pay for each showtime as its own order (or pick leased seats)", .0.join(", "))]
    OverrideOneShowtime(Vec<String>),
    /// Central is older than API 1.2 and would not know which seat is of which showtime.
    #[error(
        "central does not take orders for several showtimes yet (it is older than API 1.2): pay for each showtime as its own order"
    )]
    CentralTooOld,
    /// The chain cancelled the showtime.
    #[error("this showtime was cancelled: nothing more can be sold for it")]
    ShowtimeCancelled(String),
    /// Counter sales for the showtime have closed.
    #[error("sales for this showtime have closed")]
    SalesClosed(String),
    /// Central cannot be reached.
    #[error("central is unreachable ({0}); nothing was sold")]
    CentralUnreachable(String),
    /// Central refused a request.
    #[error("central refused: {message} ({code})")]
    Central {
        /// Central's code.
        code: String,
        /// Central's message.
        message: String,
    },
    /// The local database failed.
    #[error("local database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// Migrations failed.
    #[error("local database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// Files.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// Printing failed.
    #[error("printing failed: {0}")]
    Print(#[from] printing::PrintError),
    /// Stored data that cannot be read back.
    #[error("corrupt local data: {0}")]
    Corrupt(String),
    /// The terminal directory cannot be sold from (see `boot`).
    #[error("{message}")]
    Startup {
        /// `terminal.missing`, `terminal.not_set_up`, `terminal.damaged`...
        code: &'static str,
        /// What is wrong and what to do.
        message: String,
    },
    /// Too little disk left to record a sale safely: refused before
    /// anything is written.
    #[error(
        "the disk is nearly full ({free_mb} MB free, {need_mb} MB needed): no new sale until central IT frees space"
    )]
    DiskLow {
        /// Space left on the data directory's disk, in MB.
        free_mb: u64,
        /// The least the terminal keeps free, in MB.
        need_mb: u64,
    },
}

impl SiteError {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            SiteError::NotInitialised => "not_initialised",
            SiteError::Invalid(_) => "invalid_input",
            SiteError::WrongPin => "wrong_pin",
            SiteError::LockedOut(_) => "locked_out",
            SiteError::NotLoggedIn => "not_logged_in",
            SiteError::SessionLocked(_) => "session.locked",
            SiteError::SessionExpired(_) => "session.expired",
            SiteError::PinRule(_) => "pin.rule",
            SiteError::Shift(e) => e.code(),
            SiteError::NotAllowed(_) | SiteError::NeedsManager(_) => "not_allowed",
            SiteError::UnknownOrder(_) => "unknown_order",
            SiteError::Age(e) => e.code(),
            SiteError::Payment(e) => e.code(),
            SiteError::Pricing(e) => e.code(),
            SiteError::IdCheckRequired(_) => "age.id_check_required",
            SiteError::Override(e) => e.code(),
            SiteError::Refund(e) => e.code(),
            SiteError::Provisioning(e) => e.code(),
            SiteError::Update(e) => e.code(),
            SiteError::Day(e) => e.code(),
            SiteError::UnknownShowtime(_) => "unknown_showtime",
            SiteError::UnknownSeats(_) => "unknown_seats",
            SiteError::SeatUnavailable(_) => "seat_unavailable",
            SiteError::WheelchairUnconfirmed(_) => "seat.wheelchair_unconfirmed",
            SiteError::UnknownTicketType(_) => "unknown_ticket_type",
            SiteError::Money(e) => e.code(),
            SiteError::Order(e) => e.code(),
            SiteError::CentralUnreachable(_) => "central_unreachable",
            SiteError::OfflineNotLeased(_) => "offline_not_leased",
            SiteError::OverrideOneShowtime(_) => "override_one_showtime",
            SiteError::CentralTooOld => "central_too_old",
            SiteError::SalesClosed(_) => "sales_closed",
            SiteError::ShowtimeCancelled(_) => "showtime_cancelled",
            // Central's own codes a cashier can act on pass through; others are generic.
            SiteError::Central { code, .. } => match code.as_str() {
                "unknown_booking" => "unknown_booking",
                "unknown_hold" => "unknown_hold",
                "unauthorized" => "unauthorized",
                "unknown_terminal" => "unknown_terminal",
                "forbidden" => "forbidden",
                "conflict" => "conflict",
                "already_provisioned" => "already_provisioned",
                _ => "central_refused",
            },
            SiteError::Db(_) | SiteError::Migration(_) | SiteError::Corrupt(_) => "internal",
            SiteError::Io(_) => "io",
            SiteError::Print(_) => "print_failed",
            SiteError::Startup { code, .. } => code,
            SiteError::DiskLow { .. } => "disk_low",
        }
    }

    /// Whether the caller (not the system) is at fault.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            SiteError::Db(_)
                | SiteError::Migration(_)
                | SiteError::Corrupt(_)
                | SiteError::Io(_)
                | SiteError::CentralUnreachable(_)
                | SiteError::Startup { .. }
                | SiteError::DiskLow { .. }
        )
    }

    /// The variable parts of the message, by name, so the UI can say the
    /// same in the cashier's language (seats, rating, amounts).
    pub fn params(&self) -> BTreeMap<String, String> {
        let pairs: Vec<(&str, String)> = match self {
            SiteError::LockedOut(s) => vec![("seconds", s.to_string())],
            SiteError::SessionLocked(s) => vec![("seconds", s.to_string())],
            SiteError::SessionExpired(h) => vec![("hours", h.to_string())],
            SiteError::PinRule(domain::pin::PinRuleError::Shape { min }) => {
                vec![("min", min.to_string())]
            }
            SiteError::Shift(
                ShiftRefusal::NotYours(name)
                | ShiftRefusal::AlreadyOpen(name)
                | ShiftRefusal::OwnerOnly(name),
            ) => {
                vec![("name", name.clone())]
            }
            SiteError::NotAllowed(_) => vec![("needs", "supervisor".to_string())],
            SiteError::NeedsManager(_) => vec![("needs", "manager".to_string())],
            SiteError::SeatUnavailable(v)
            | SiteError::UnknownSeats(v)
            | SiteError::OfflineNotLeased(v)
            | SiteError::OverrideOneShowtime(v)
            | SiteError::WheelchairUnconfirmed(v) => vec![("seats", v.join(", "))],
            SiteError::IdCheckRequired(r) => vec![("rating", r.clone())],
            SiteError::Age(domain::AgeError::ChildTicketRefused(r)) => {
                vec![("rating", r.to_string())]
            }
            SiteError::UnknownTicketType(t) => vec![("ticket_type", t.clone())],
            SiteError::Money(domain::MoneyError::ShortTender { total, tendered }) => {
                vec![("total", total.clone()), ("tendered", tendered.clone())]
            }
            SiteError::Money(domain::MoneyError::TenderTooLarge {
                tendered,
                total,
                change,
                largest_note,
            }) => vec![
                ("tendered", tendered.clone()),
                ("total", total.clone()),
                ("change", change.clone()),
                ("largest_note", largest_note.clone()),
            ],
            SiteError::Override(OverrideRefusal::AboveList { price, list }) => {
                vec![("price", price.clone()), ("list", list.clone())]
            }
            SiteError::Override(OverrideRefusal::BelowFloor { price, floor }) => {
                vec![("price", price.clone()), ("floor", floor.clone())]
            }
            SiteError::Refund(
                RefundRefusal::NotATicket(seats) | RefundRefusal::AlreadyRefunded(seats),
            ) => vec![("seats", seats.join(", "))],
            SiteError::Refund(RefundRefusal::CardReferenceNeeded(amount)) => {
                vec![("amount", amount.clone())]
            }
            SiteError::DiskLow { free_mb, need_mb } => {
                vec![
                    ("free_mb", free_mb.to_string()),
                    ("need_mb", need_mb.to_string()),
                ]
            }
            _ => Vec::new(),
        };
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// The error as the UI receives it.
    pub fn to_body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_string(),
            message: self.to_string(),
            params: Some(self.params()).filter(|p| !p.is_empty()),
        }
    }
}

/// An error as sent to the UI: `{ code, message }`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorBody {
    /// Stable code.
    pub code: String,
    /// Sentence for the cashier (in English).
    pub message: String,
    /// The message's variable parts by name, for the UI's own sentence in
    /// the cashier's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub params: Option<BTreeMap<String, String>>,
}

/// What a price override may not do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideRefusal {
    /// Above the list price of a seat of the part.
    #[error("an override cannot raise the price: {price} is above the list price {list}")]
    AboveList {
        /// The override price, formatted.
        price: String,
        /// The lowest list price among the seats, formatted.
        list: String,
    },
    /// Below the floor without being a complimentary ticket.
    #[error(
        "{price} is below the lowest override price {floor} (half the highest list price): make it a complimentary ticket instead"
    )]
    BelowFloor {
        /// The override price, formatted.
        price: String,
        /// The floor, formatted.
        floor: String,
    },
    /// A complimentary ticket with a price.
    #[error("a complimentary ticket is free: its price must be 0")]
    ComplimentaryNotFree,
}

impl OverrideRefusal {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            OverrideRefusal::AboveList { .. } => "override.above_list",
            OverrideRefusal::BelowFloor { .. } => "override.below_floor",
            OverrideRefusal::ComplimentaryNotFree => "override.complimentary_not_free",
        }
    }
}

/// Why a counter does not install an update.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateRefusal {
    /// Not newer than what runs (a downgrade, or the same version).
    #[error("update {offered} refused: not newer than the running {running}")]
    NotNewer {
        /// The version offered.
        offered: String,
        /// The version running.
        running: String,
    },
    /// No signature at all.
    #[error("update {0} refused: it is not signed")]
    Unsigned(String),
    /// The signature is not the chain's update key's over these bytes.
    #[error(
        "update {0} refused: its signature does not match the chain's update key (changed or signed by another key)"
    )]
    BadSignature(String),
    /// Signed, but not the bytes central announced.
    #[error("update {0} refused: the package is not the one central announced")]
    NotAnnounced(String),
    /// No update public key to check against.
    #[error("no update public key is installed on this counter ({0})")]
    NoKey(String),
    /// An answer that cannot be read.
    #[error("unreadable update: {0}")]
    Unreadable(String),
}

impl UpdateRefusal {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            UpdateRefusal::NotNewer { .. } => "update.not_newer",
            UpdateRefusal::Unsigned(_) => "update.unsigned",
            UpdateRefusal::BadSignature(_) => "update.bad_signature",
            UpdateRefusal::NotAnnounced(_) => "update.not_announced",
            UpdateRefusal::NoKey(_) => "update.no_key",
            UpdateRefusal::Unreadable(_) => "update.unreadable",
        }
    }
}

/// Why a counter does not take a provisioning file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvisioningRefusal {
    /// Not a provisioning file at all.
    #[error("this is not a Boxoffice provisioning file ({0})")]
    Unreadable(String),
    /// Signed by a key the counter was not installed with.
    #[error(
        "the provisioning file is signed by another key than the chain's provisioning key this counter trusts: ask central IT for this chain's file"
    )]
    UnknownKey,
    /// The signature does not match what the file says: changed after signing.
    #[error("the provisioning file was changed after it was signed: ask central IT for a new one")]
    Tampered,
    /// Past its date.
    #[error("the provisioning file expired at {0}: ask central IT for a new one")]
    Expired(String),
    /// This counter is set up as another terminal.
    #[error(
        "this counter is provisioned as terminal {here} already, not {file}: a counter is provisioned once (restore or reinstall to change it)"
    )]
    OtherTerminal {
        /// The terminal this counter is.
        here: String,
        /// The terminal the file is for.
        file: String,
    },
    /// No provisioning public key to check the file against.
    #[error("no provisioning public key is installed on this counter ({0})")]
    NoTrust(String),
}

impl ProvisioningRefusal {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ProvisioningRefusal::Unreadable(_) => "provisioning.unreadable",
            ProvisioningRefusal::UnknownKey => "provisioning.unknown_key",
            ProvisioningRefusal::Tampered => "provisioning.tampered",
            ProvisioningRefusal::Expired(_) => "provisioning.expired",
            ProvisioningRefusal::OtherTerminal { .. } => "provisioning.other_terminal",
            ProvisioningRefusal::NoTrust(_) => "provisioning.no_trust",
        }
    }
}

/// Why a refund cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundRefusal {
    /// Every ticket of the order was refunded already.
    #[error("this order has no ticket left to refund")]
    NothingLeft,
    /// Seats that are not tickets of the order.
    #[error("not a ticket of this order: {}", .0.join(", "))]
    NotATicket(Vec<String>),
    /// Seats refunded before.
    #[error("already refunded: {}", .0.join(", "))]
    AlreadyRefunded(Vec<String>),
    /// Part goes back to the card: the card terminal's refund reference is needed.
    #[error("{0} goes back to the card: refund it on the card terminal and enter its reference")]
    CardReferenceNeeded(String),
    /// The order has an open conflict task: resolve it instead.
    #[error("this order is in conflict: resolve the conflict task (reseat or refund) instead")]
    ConflictOpen,
    /// A sale central has not confirmed yet, not secured by a lease (it may
    /// still come back a conflict).
    #[error(
        "central has not confirmed this order's sale yet (sold on an override or a hold): refund it once it has"
    )]
    OverridePending,
    /// The order changed while the refund was being made (another screen).
    #[error("this order changed meanwhile: look it up again and retry")]
    OrderChanged,
    /// A seat label the order holds in several showtimes.
    #[error("this order has seat {0} in several showtimes: write it as SHOWTIME:{0}")]
    AmbiguousSeat(String),
}

impl RefundRefusal {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            RefundRefusal::NothingLeft => "refund.nothing_left",
            RefundRefusal::NotATicket(_) => "refund.not_a_ticket",
            RefundRefusal::AlreadyRefunded(_) => "refund.already_refunded",
            RefundRefusal::CardReferenceNeeded(_) => "refund.card_reference_needed",
            RefundRefusal::ConflictOpen => "refund.conflict_open",
            RefundRefusal::AmbiguousSeat(_) => "refund.ambiguous_seat",
            RefundRefusal::OverridePending => "refund.override_pending",
            RefundRefusal::OrderChanged => "refund.order_changed",
        }
    }
}

/// Why a business day cannot be closed or reported as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DayRefusal {
    /// The day was closed already.
    #[error("business day {0} is closed already (Z report {1})")]
    AlreadyClosed(String, u32),
    /// A later day was closed already: days close in order.
    #[error("business day {0} cannot be closed: {1} is closed already")]
    LaterClosed(String, String),
    /// The day has not begun.
    #[error("business day {0} has not begun")]
    NotBegun(String),
    /// An earlier day with sales is not closed: days close in order.
    #[error("business day {0} is not closed: close it first (days close in order)")]
    EarlierOpen(String),
    /// Shifts still open: their cash is not counted.
    #[error("close the open shifts first (count their cash): {}", .0.join(", "))]
    ShiftsOpen(Vec<String>),
    /// No Z report closed this day.
    #[error("business day {0} has no Z report: it is not closed")]
    NotClosed(String),
}

impl DayRefusal {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            DayRefusal::AlreadyClosed(..) => "day.already_closed",
            DayRefusal::LaterClosed(..) => "day.later_closed",
            DayRefusal::NotBegun(_) => "day.not_begun",
            DayRefusal::ShiftsOpen(_) => "day.shifts_open",
            DayRefusal::EarlierOpen(_) => "day.earlier_open",
            DayRefusal::NotClosed(_) => "day.not_closed",
        }
    }
}

/// Why a shift or drawer action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShiftRefusal {
    /// No shift is open on this terminal.
    #[error("no shift is open on this terminal: open one with the cash float first")]
    NoneOpen,
    /// The open shift is another cashier's.
    #[error("{0}'s shift is open on this terminal: they close it before another cashier sells")]
    NotYours(String),
    /// A shift is open on this terminal already.
    #[error("{0}'s shift is open on this terminal already (one shift per terminal)")]
    AlreadyOpen(String),
    /// Cash back needs a drawer, so an open shift.
    #[error("cash goes back from the drawer: open a shift first")]
    CashNeedsShift,
    /// A count by denomination that is not money of the site's currency.
    #[error("cash count: {0}")]
    Count(#[from] domain::cash::CountError),
    /// A pay-out or drop of more cash than the drawer should hold (the
    /// amount is not said: the cashier's count is blind).
    #[error("the drawer does not hold that much cash")]
    NotInDrawer,
    /// The shift was closed meanwhile.
    #[error("this shift is closed already")]
    Closed,
    /// Only the shift's cashier or a supervisor or manager may do this.
    #[error("only {0} or a supervisor or manager can do this to the shift")]
    OwnerOnly(String),
}

impl ShiftRefusal {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ShiftRefusal::NoneOpen => "shift.none",
            ShiftRefusal::NotYours(_) => "shift.not_yours",
            ShiftRefusal::AlreadyOpen(_) => "shift.already_open",
            ShiftRefusal::CashNeedsShift => "shift.cash_needs_shift",
            ShiftRefusal::Count(_) => "shift.count",
            ShiftRefusal::OwnerOnly(_) => "shift.owner_only",
            ShiftRefusal::NotInDrawer => "shift.not_in_drawer",
            ShiftRefusal::Closed => "shift.closed",
        }
    }
}

/// Result alias of the engine.
pub type Result<T, E = SiteError> = std::result::Result<T, E>;

//! Selling: the approvals a sale may need, the `sell` request and the sale
//! it makes.

use super::*;

/// A supervisor's or manager's approval given at the counter: their PIN,
/// checked by the engine (with the same lockout as a log-in). Every approving
/// action takes this one shape: an offline override, a price override, a
/// reprint, a reseat, a conflict's resolution.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Approval {
    /// The approver's PIN.
    pub pin: String,
}

/// What an approval is asked for, before it is used: `check_approval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ApprovalAction {
    /// A price set by hand, or a complimentary ticket (a supervisor or a manager).
    PriceOverride,
    /// Selling seats not leased here while central is offline (a manager).
    OfflineOverride,
    /// A reprint (a supervisor or a manager).
    Reprint,
    /// A refund (a supervisor or a manager; a manager once the show started).
    Refund,
    /// Voiding the order being built (a supervisor or a manager).
    Void,
    /// Paying cash out of the drawer (a supervisor or a manager).
    PayOut,
}

/// `check_approval` arguments.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CheckApprovalArgs {
    /// Session token of the cashier asking.
    pub token: String,
    /// What the approval is for.
    pub action: ApprovalAction,
    /// The approver's PIN.
    pub approval: Approval,
}

/// Who approved: the dialog names them before the approval is applied.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApproverView {
    /// Staff id.
    pub staff_id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
}

/// `sell` arguments: one order of one or more parts (a showtime, a ticket
/// type, its seats), paid once.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SellArgs {
    /// Session token of the cashier.
    pub token: String,
    /// The order's parts (at least one; at most 50 tickets in all).
    pub parts: Vec<SellPart>,
    /// Cash handed over, in minor units.
    #[ts(type = "number")]
    pub tendered_minor: i64,
    /// The cashier confirmed the customer's ID (needed for PG15 and above).
    #[serde(default)]
    pub id_checked: bool,
    /// The part paid by card on the external card terminal, if any.
    #[serde(default)]
    #[ts(optional)]
    pub card: Option<CardArgs>,
    /// A manager's approval to sell seats that are not leased to this
    /// terminal while central is unreachable.
    #[serde(default)]
    #[ts(optional)]
    pub override_approval: Option<Approval>,
}

/// Seats of one showtime at one ticket type, within an order.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SellPart {
    /// Showtime id.
    pub showtime_id: String,
    /// Seat labels.
    pub seats: Vec<String>,
    /// Ticket type code.
    pub ticket_type: String,
    /// The hold `hold_seats` placed for these seats while the cashier chose.
    #[serde(default)]
    #[ts(optional)]
    pub hold_id: Option<String>,
    /// A supervisor's price for every ticket of this part.
    #[serde(default)]
    #[ts(optional)]
    pub price_override: Option<PriceOverrideArgs>,
    /// The wheelchair places among `seats` the cashier confirmed the
    /// customer needs: a wheelchair place not listed here is never sold.
    #[serde(default)]
    #[ts(optional)]
    pub wheelchair_seats: Option<Vec<String>>,
}

/// A supervisor sets the price of the order's tickets by hand.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PriceOverrideArgs {
    /// VAT-inclusive price of each ticket, in minor units.
    #[ts(type = "number")]
    pub price_minor: i64,
    /// Why (1 to 120 characters); printed on the receipt.
    pub reason: String,
    /// A complimentary ticket: the price must be 0. Any other override is
    /// between the floor (half the list price) and the list price.
    #[serde(default)]
    #[ts(optional)]
    pub complimentary: Option<bool>,
    /// A supervisor's or manager's approval.
    pub approval: Approval,
}

/// A card payment taken on the external card terminal.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CardArgs {
    /// Amount charged to the card.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// The card terminal's approval reference (never a card number).
    pub reference: String,
}

/// A printout of an order.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Printout {
    /// Raw ESC/POS bytes as sent to the printer.
    pub bin_path: String,
    /// The bytes decoded and rendered to an image.
    pub png_path: String,
    /// What it is: `ticket`, `receipt`, `change_slip`, `test_page`, `shift_report` or
    /// `refund_slip`.
    #[serde(default)]
    pub kind: String,
    /// 0 for an original, n for the n-th reprint.
    #[serde(default)]
    pub reprint: u32,
}

/// A completed sale.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SaleResult {
    /// Order id (UUIDv7).
    pub order_id: String,
    /// Short reference printed on tickets.
    pub order_ref: String,
    /// Showtime id (of the first part; `lines` name each ticket's).
    pub showtime_id: String,
    /// Seats sold, in every part.
    pub seats: Vec<String>,
    /// Ticket type (of the first part; `lines` name each ticket's).
    pub ticket_type: String,
    /// Total.
    #[ts(type = "number")]
    pub total_minor: i64,
    /// VAT included in the total.
    #[ts(type = "number")]
    pub vat_minor: i64,
    /// VAT rate in basis points.
    pub vat_rate_bp: u32,
    /// Currency.
    pub currency: CurrencyInfo,
    /// Cash handed over.
    #[ts(type = "number")]
    pub tendered_minor: i64,
    /// Change to give back.
    #[ts(type = "number")]
    pub change_minor: i64,
    /// Paid by card.
    #[ts(type = "number")]
    pub card_minor: i64,
    /// Whether central has applied the sale already.
    pub synced: bool,
    /// How the seats were secured: `hold` (online), `lease` or `override` (offline).
    #[ts(type = "\"hold\" | \"lease\" | \"override\"")]
    pub secured_by: String,
    /// Tickets printed.
    pub printouts: Vec<Printout>,
    /// Printing problems (the sale stands; tickets can be reprinted).
    pub print_errors: Vec<String>,
    /// Each ticket as charged, in seat order.
    pub lines: Vec<SaleLine>,
    /// The order's showtimes, in the order's order (one unless it spans several).
    pub showtimes: Vec<SaleShowtime>,
    /// The supervisor's price override, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub price_override: Option<PriceOverrideView>,
}

/// A showtime of a sale, as the sale-complete panel names it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SaleShowtime {
    /// Showtime id.
    pub showtime_id: String,
    /// English title.
    pub film_title_en: String,
    /// Arabic title.
    pub film_title_ar: String,
    /// Local start time (HH:MM).
    pub local_time: String,
    /// Screen name.
    pub screen: String,
}

/// One ticket of a sale as charged.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SaleLine {
    /// Showtime of the ticket.
    pub showtime_id: String,
    /// Seat label.
    pub seat: String,
    /// Area of the seat.
    #[ts(type = "\"standard\" | \"premium\" | \"vip\"")]
    pub area: SeatArea,
    /// Ticket type code.
    pub ticket_type: String,
    /// VAT-inclusive price charged.
    #[ts(type = "number")]
    pub price_minor: i64,
    /// The card's price before a price override (equals `price_minor` without one).
    #[ts(type = "number")]
    pub list_price_minor: i64,
    /// Rules applied to the card's base price.
    pub adjustments: Vec<PriceAdjustment>,
}

/// A price override on a sale.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PriceOverrideView {
    /// Price of each ticket.
    #[ts(type = "number")]
    pub price_minor: i64,
    /// Staff id of the approving supervisor or manager.
    pub approved_by: String,
    /// Their name.
    pub approved_by_name: String,
    /// Why.
    pub reason: String,
}

/// `void_order` arguments: the order being built, given up after the
/// customer was shown its total.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VoidOrderArgs {
    /// Session token of the staff member at the counter.
    pub token: String,
    /// The order's seats, `SHOWTIME:SEAT` (1 to 500).
    pub seats: Vec<String>,
    /// The total the customer was shown.
    #[ts(type = "number")]
    pub total_minor: i64,
    /// Why (1 to 120 characters).
    pub reason: String,
    /// A supervisor's or manager's PIN; absent when the one at the counter
    /// may approve it themselves.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// A voided order.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VoidResult {
    /// Its reference (`V` and eight hex digits).
    pub reference: String,
    /// Who approved.
    pub approved_by: String,
}

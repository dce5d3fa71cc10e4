//! Earlier orders at the counter: finding them, and refunding some or all of
//! their tickets.

use super::*;

/// `find_orders` arguments: every filter given must match; newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FindOrdersArgs {
    /// Session token.
    pub token: String,
    /// An order reference (`T1A2B3C4D`, or its start) or a card approval code.
    #[serde(default)]
    #[ts(optional)]
    pub text: Option<String>,
    /// Showtime the order has tickets for.
    #[serde(default)]
    #[ts(optional)]
    pub showtime_id: Option<String>,
    /// A seat of the order (with `showtime_id`, or in any showtime).
    #[serde(default)]
    #[ts(optional)]
    pub seat: Option<String>,
    /// Business day of the sale, `YYYY-MM-DD` (the site's cutoff and time zone).
    #[serde(default)]
    #[ts(optional)]
    pub day: Option<String>,
    /// At most this many (default 50, at most 200).
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// One ticket of an order as the order list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrderTicket {
    /// Showtime.
    pub showtime_id: String,
    /// Seat label.
    pub seat: String,
    /// Ticket type code.
    pub ticket_type: String,
    /// Price charged.
    #[ts(type = "number")]
    pub price_minor: i64,
    /// `valid`, `refunded` or `moved`.
    pub state: String,
}

/// An order found at the counter.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrderSummary {
    /// Order id.
    pub order_id: String,
    /// Printed reference.
    pub order_ref: String,
    /// Sale time, local `dd/mm HH:MM`.
    pub sold_at_local: String,
    /// Who sold it.
    pub cashier: String,
    /// The first showtime's film, English.
    pub film_title_en: String,
    /// The first showtime's film, Arabic.
    pub film_title_ar: String,
    /// The first showtime's start, local `dd/mm HH:MM`.
    pub starts_local: String,
    /// Total paid.
    #[ts(type = "number")]
    pub total_minor: i64,
    /// Paid back so far.
    #[ts(type = "number")]
    pub refunded_minor: i64,
    /// Currency code.
    pub currency: String,
    /// How it was paid, e.g. `card`, `cash`.
    pub methods: Vec<String>,
    /// Every ticket the order ever had.
    pub tickets: Vec<OrderTicket>,
    /// Whether central has every entry of the order.
    pub synced: bool,
}

/// `refund_quote` and `refund` name the tickets alike.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RefundQuoteArgs {
    /// Session token.
    pub token: String,
    /// Order id or printed reference.
    pub order: String,
    /// Seats to refund (`F-12`, or `SHOWTIME:F-12` when the order has the
    /// label in several showtimes); empty for every ticket left.
    #[serde(default)]
    pub seats: Vec<String>,
}

/// What a refund would pay back, and how, before anyone approves it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RefundQuote {
    /// Printed reference.
    pub order_ref: String,
    /// The tickets refunded.
    pub tickets: Vec<OrderTicket>,
    /// Amount paid back.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// Of which back to the card (run on the card terminal first).
    #[ts(type = "number")]
    pub card_minor: i64,
    /// Of which cash from the drawer.
    #[ts(type = "number")]
    pub cash_minor: i64,
    /// Currency code.
    pub currency: String,
    /// Who may approve: `supervisor` (or a manager), or `manager` once the show started.
    pub needs: String,
}

/// `refund` arguments.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RefundArgs {
    /// Session token of the staff member at the counter.
    pub token: String,
    /// Order id or printed reference.
    pub order: String,
    /// Seats to refund; empty for every ticket left.
    #[serde(default)]
    pub seats: Vec<String>,
    /// Why (1 to 120 characters); printed on the slip and audited.
    pub reason: String,
    /// The card terminal's refund reference, when part goes back to a card.
    #[serde(default)]
    #[ts(optional)]
    pub card_reference: Option<String>,
    /// A supervisor's or manager's approval; without one, the signed-in
    /// staff member must be one.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// What a refund did.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RefundResult {
    /// What was paid back, and how.
    pub quote: RefundQuote,
    /// Who approved.
    pub approved_by: String,
    /// The refund slip (and its preview).
    pub printouts: Vec<Printout>,
    /// Whether central has the refund already.
    pub synced: bool,
}

/// `exchange` arguments: tickets of an earlier order given back for a new
/// order (another showtime, other seats); the difference is paid, or goes
/// back the way the old order was paid.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeArgs {
    /// Session token of the staff member at the counter.
    pub token: String,
    /// The earlier order: id or printed reference.
    pub order: String,
    /// Its tickets given back; empty for every ticket left.
    #[serde(default)]
    pub seats: Vec<String>,
    /// The new order's parts, as for `sell`.
    pub parts: Vec<SellPart>,
    /// Cash handed over towards a difference to pay.
    #[ts(type = "number")]
    #[serde(default)]
    pub tendered_minor: i64,
    /// A card payment towards a difference to pay.
    #[serde(default)]
    #[ts(optional)]
    pub card: Option<CardArgs>,
    /// The card terminal's refund reference, when a difference goes back to a card.
    #[serde(default)]
    #[ts(optional)]
    pub card_refund_reference: Option<String>,
    /// The cashier confirmed the customer's ID (for the new film's rating).
    #[serde(default)]
    pub id_checked: bool,
    /// Why (1 to 120 characters).
    pub reason: String,
    /// A supervisor's or manager's approval.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
    /// Offline: a manager's approval to take new seats not leased here.
    #[serde(default)]
    #[ts(optional)]
    pub override_approval: Option<Approval>,
}

/// What an exchange did.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeResult {
    /// The earlier order's reference.
    pub from_ref: String,
    /// Value of the tickets given back.
    #[ts(type = "number")]
    pub returned_minor: i64,
    /// Of it, taken over by the new order.
    #[ts(type = "number")]
    pub credit_minor: i64,
    /// Of it, back to the card.
    #[ts(type = "number")]
    pub card_back_minor: i64,
    /// Of it, back in cash from the drawer.
    #[ts(type = "number")]
    pub cash_back_minor: i64,
    /// The new order (its tickets, and the exchange slip, in `printouts`).
    pub sale: SaleResult,
}

//! The figures of one business day: what an X report (any time), a Z report
//! (a terminal's day closed) and the site day report (every terminal of the
//! site, from central) show. Amounts are minor units of the site's currency;
//! times are RFC 3339 instants in UTC (renderers show them in the site's zone).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportKind {
    /// A terminal's day so far (changes nothing).
    X,
    /// A terminal's closed day.
    Z,
    /// Every terminal of a site, from central.
    Site,
}

impl ReportKind {
    /// The title printed at the top.
    pub fn title(self) -> &'static str {
        match self {
            ReportKind::X => "X REPORT",
            ReportKind::Z => "Z REPORT - DAY CLOSED",
            ReportKind::Site => "SITE DAY REPORT",
        }
    }
}

/// One business day's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayReport {
    /// Which report.
    pub kind: ReportKind,
    /// The Z report's number (consecutive per terminal).
    pub number: Option<u32>,
    /// Site id.
    pub site_id: String,
    /// Site name.
    pub site_name: String,
    /// Chain name.
    pub chain_name: String,
    /// Currency code.
    pub currency: String,
    /// Decimals of the currency (2 or 3).
    pub decimals: u8,
    /// The site's time zone (IANA).
    pub time_zone: String,
    /// The business day, `YYYY-MM-DD`.
    pub business_day: String,
    /// When the business day starts (the cutoff, in the site's zone).
    pub day_starts_at: String,
    /// When it ends.
    pub day_ends_at: String,
    /// The terminals whose figures these are.
    pub terminals: Vec<String>,
    /// When the report was made.
    pub generated_at: String,
    /// Who closed the day (Z) or asked for the report.
    pub by: String,
    /// Totals.
    pub totals: Totals,
    /// Tickets and revenue by film.
    pub by_film: Vec<Line>,
    /// By showtime, with occupancy.
    pub by_showtime: Vec<ShowtimeLine>,
    /// By ticket type.
    pub by_ticket_type: Vec<Line>,
    /// Money in and out by payment method.
    pub by_payment: Vec<PaymentLine>,
    /// By cashier.
    pub by_cashier: Vec<Line>,
    /// By hour of the day (site time), for the sales-by-hour chart.
    pub by_hour: Vec<HourLine>,
    /// VAT by rate.
    pub vat: Vec<VatLine>,
    /// Tickets sold below their list price by the price card's rules, by ticket type.
    pub discounts: Vec<Line>,
    /// Price overrides with their approvers.
    pub overrides: Vec<Approved>,
    /// Refunds and exchanges with their approvers.
    pub refunds: Vec<RefundLine>,
    /// Orders voided while being built, with their approvers.
    pub voids: Vec<Approved>,
    /// Cash reconciliation per shift.
    pub shifts: Vec<ShiftLine>,
    /// Sales made without central (on leased seats or a manager's override).
    pub offline: OfflineSales,
    /// Conflicts still open (a seat sold offline that someone else had).
    pub open_conflicts: Vec<ConflictLine>,
    /// Terminals whose sales of the day are not all at central yet.
    pub unsynced: Vec<UnsyncedLine>,
}

/// The day's totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Totals {
    /// Orders sold.
    pub orders: u32,
    /// Tickets sold (refunded ones included: they were sold).
    pub tickets: u32,
    /// Sales including VAT.
    #[ts(type = "number")]
    pub sales_minor: i64,
    /// VAT inside the sales.
    #[ts(type = "number")]
    pub sales_vat_minor: i64,
    /// Tickets given back (refunds and exchanges).
    pub refunded_tickets: u32,
    /// Value of the tickets given back.
    #[ts(type = "number")]
    pub refunds_minor: i64,
    /// VAT inside them.
    #[ts(type = "number")]
    pub refunds_vat_minor: i64,
    /// Sales less refunds.
    #[ts(type = "number")]
    pub net_minor: i64,
    /// VAT of the net sales.
    #[ts(type = "number")]
    pub net_vat_minor: i64,
}

/// A row of a breakdown (a film, a ticket type, a cashier).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Line {
    /// Id or code.
    pub key: String,
    /// Name in English.
    pub label: String,
    /// Name in Arabic (the English one where there is none).
    pub label_ar: String,
    /// Orders.
    pub orders: u32,
    /// Tickets.
    pub tickets: u32,
    /// Amount including VAT.
    #[ts(type = "number")]
    pub amount_minor: i64,
}

/// A showtime's sales and how full it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShowtimeLine {
    /// Showtime id.
    pub showtime_id: String,
    /// Film title.
    pub film: String,
    /// Film title in Arabic.
    pub film_ar: String,
    /// Screen.
    pub screen: String,
    /// Start.
    pub starts_at: String,
    /// Tickets sold in this report.
    pub tickets: u32,
    /// Their amount.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// Seats that can be sold.
    pub capacity: u32,
    /// Seats taken by anyone, as far as the report's source knows.
    pub taken: u32,
}

/// Money by payment method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentLine {
    /// `cash`, `card`, `web` or `exchange` (credit of tickets given back).
    pub method: String,
    /// Taken.
    #[ts(type = "number")]
    pub taken_minor: i64,
    /// Paid back.
    #[ts(type = "number")]
    pub refunded_minor: i64,
    /// Taken less paid back.
    #[ts(type = "number")]
    pub net_minor: i64,
}

/// Sales in one hour of the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HourLine {
    /// Hour of the site's clock, 0 to 23.
    pub hour: u8,
    /// Orders.
    pub orders: u32,
    /// Tickets.
    pub tickets: u32,
    /// Amount.
    #[ts(type = "number")]
    pub amount_minor: i64,
}

/// VAT at one rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VatLine {
    /// Rate in basis points (500 = 5 %).
    pub rate_bp: u32,
    /// Net sales including VAT (sales less refunds).
    #[ts(type = "number")]
    pub gross_minor: i64,
    /// VAT inside them.
    #[ts(type = "number")]
    pub vat_minor: i64,
    /// Without VAT.
    #[ts(type = "number")]
    pub net_minor: i64,
}

/// Something done with a supervisor's or manager's approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Approved {
    /// The order's printed reference.
    pub order_ref: String,
    /// Amount concerned.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// Who did it.
    pub staff: String,
    /// Who approved.
    pub approved_by: String,
    /// Why.
    pub reason: String,
    /// When.
    pub at: String,
}

/// A refund or an exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RefundLine {
    /// The order's printed reference.
    pub order_ref: String,
    /// `refund` or `exchange`.
    pub kind: String,
    /// Tickets given back.
    pub tickets: u32,
    /// Their value.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// Back to the card.
    #[ts(type = "number")]
    pub card_minor: i64,
    /// Cash from the drawer.
    #[ts(type = "number")]
    pub cash_minor: i64,
    /// Taken over by the new order of an exchange.
    #[ts(type = "number")]
    pub exchange_minor: i64,
    /// At the counter.
    pub staff: String,
    /// Who approved.
    pub approved_by: String,
    /// Why.
    pub reason: String,
    /// When.
    pub at: String,
}

/// A shift's cash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftLine {
    /// Terminal.
    pub terminal_id: String,
    /// Shift id.
    pub shift_id: String,
    /// Cashier.
    pub staff: String,
    /// Opened.
    pub opened_at: String,
    /// Closed, once closed.
    pub closed_at: Option<String>,
    /// Float put in at the start.
    #[ts(type = "number")]
    pub float_minor: i64,
    /// Cash taken less cash paid back.
    #[ts(type = "number")]
    pub cash_net_minor: i64,
    /// Pay-ins less pay-outs (petty cash).
    #[serde(default)]
    #[ts(type = "number")]
    pub paid_in_out_minor: i64,
    /// Cash dropped to the safe during the shift.
    #[serde(default)]
    #[ts(type = "number")]
    pub dropped_minor: i64,
    /// What the drawer should hold: float + cash net + pay-ins − pay-outs − drops.
    #[ts(type = "number")]
    pub expected_minor: i64,
    /// What was counted at the close.
    #[ts(type = "number")]
    pub counted_minor: Option<i64>,
    /// Counted less expected.
    #[ts(type = "number")]
    pub variance_minor: Option<i64>,
}

/// Sales made without central.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OfflineSales {
    /// Orders sold on seats leased to the terminal.
    pub lease_orders: u32,
    /// Orders sold on a manager's override.
    pub override_orders: u32,
    /// Tickets of both.
    pub tickets: u32,
    /// Amount of both.
    #[ts(type = "number")]
    pub amount_minor: i64,
}

/// An open conflict task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConflictLine {
    /// The order's printed reference.
    pub order_ref: String,
    /// Seats someone else had.
    pub seats: Vec<String>,
    /// Since when.
    pub since: String,
}

/// A terminal whose sales of the day are not all at central.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnsyncedLine {
    /// Terminal.
    pub terminal_id: String,
    /// Entries (sales, refunds) waiting.
    pub entries: u32,
    /// Their amount.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// The oldest waiting entry.
    pub oldest_at: Option<String>,
    /// When central last heard from the terminal (site report only): a
    /// terminal silent since before the day ended may hold sales of it.
    pub last_heard_at: Option<String>,
}

//! Shifts and the cash drawer: open with a float, pay-ins, pay-outs and
//! drops, the X report, and the blind close counted by denomination.

use super::*;

/// A shift's figures (X report while open, closing report once closed).
/// Blind for a cashier while the shift is open: no money figure from which
/// the expected cash could be worked out (sales, VAT, cash, card, refunds,
/// exchange credit, expected cash) until the drawer is counted.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftReport {
    /// Shift id.
    pub shift_id: String,
    /// Cashier.
    pub staff_id: String,
    /// Cashier's name.
    pub staff_name: String,
    /// Terminal.
    pub terminal_id: String,
    /// Currency.
    pub currency: CurrencyInfo,
    /// Opened (RFC 3339).
    pub opened_at: String,
    /// Closed (RFC 3339), while still open: none.
    pub closed_at: Option<String>,
    /// Orders sold in the shift.
    pub orders: u32,
    /// Tickets sold.
    pub tickets: u32,
    /// Sales including VAT.
    #[ts(type = "number | null")]
    pub total_minor: Option<i64>,
    /// VAT inside the sales.
    #[ts(type = "number | null")]
    pub vat_minor: Option<i64>,
    /// Cash kept for sales.
    #[ts(type = "number | null")]
    pub cash_minor: Option<i64>,
    /// Card payments.
    #[ts(type = "number | null")]
    pub card_minor: Option<i64>,
    /// Paid back during the shift (refunds and exchanges, by card and in
    /// cash; `cash_minor` and `card_minor` are net of them).
    #[ts(type = "number | null")]
    pub refunded_minor: Option<i64>,
    /// Paid by exchange credit (tickets given back for this shift's orders):
    /// sales = card + cash + exchange credit, before refunds.
    #[ts(type = "number | null")]
    pub exchange_minor: Option<i64>,
    /// The opening float.
    #[ts(type = "number")]
    pub float_minor: i64,
    /// Cash paid into the drawer (change from the safe).
    #[ts(type = "number")]
    pub paid_in_minor: i64,
    /// Cash paid out of the drawer (petty cash).
    #[ts(type = "number")]
    pub paid_out_minor: i64,
    /// Cash dropped to the safe during the shift.
    #[ts(type = "number")]
    pub dropped_minor: i64,
    /// Cash that should be in the drawer. Blind: none for a cashier while
    /// the shift is open (they count before they learn it).
    #[ts(type = "number | null")]
    pub expected_cash_minor: Option<i64>,
    /// Cash counted at close.
    #[ts(type = "number | null")]
    pub counted_minor: Option<i64>,
    /// Counted minus expected.
    #[ts(type = "number | null")]
    pub variance_minor: Option<i64>,
    /// The close's count by denomination (empty when counted as one total).
    pub counted_by: Vec<DenominationCount>,
    /// Pay-ins, pay-outs and drops, oldest first.
    pub movements: Vec<CashMovementView>,
}

/// `shift_open` arguments.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftOpenArgs {
    /// Session token.
    pub token: String,
    /// The float counted into the drawer.
    #[ts(type = "number")]
    pub float_minor: i64,
}

/// Pieces of one banknote or coin in a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DenominationCount {
    /// Face value in minor units.
    #[ts(type = "number")]
    pub minor: i64,
    /// How many.
    pub pieces: u32,
}

/// `shift_close` arguments: the blind count, by denomination (the counter)
/// or as one total (the CLI's `--counted`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftCloseArgs {
    /// Session token of the shift's cashier, or of a supervisor or manager.
    pub token: String,
    /// The count by denomination.
    #[serde(default)]
    #[ts(optional)]
    pub counts: Option<Vec<DenominationCount>>,
    /// The count as one total, when not by denomination.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub counted_minor: Option<i64>,
}

/// A shift report with its printout (X and close).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftPrinted {
    /// The report.
    pub report: ShiftReport,
    /// The printout, unless printing it failed.
    pub printout: Option<Printout>,
    /// Why it did not print (the report, and a close, stand all the same).
    pub print_error: Option<String>,
}

impl ShiftPrinted {
    /// The report with the outcome of printing it.
    pub fn new(report: ShiftReport, printed: crate::error::Result<Printout>) -> ShiftPrinted {
        let (printout, print_error) = match printed {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e.to_string())),
        };
        ShiftPrinted {
            report,
            printout,
            print_error,
        }
    }
}

/// What moves cash in or out of the drawer besides a sale or a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CashMovementKind {
    /// Cash brought into the drawer (change from the safe).
    PayIn,
    /// Cash paid out of the drawer (petty cash): a supervisor or manager approves.
    PayOut,
    /// Surplus cash taken to the safe during the shift.
    Drop,
}

impl CashMovementKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            CashMovementKind::PayIn => "pay_in",
            CashMovementKind::PayOut => "pay_out",
            CashMovementKind::Drop => "drop",
        }
    }

    /// As printed.
    pub fn title(self) -> &'static str {
        match self {
            CashMovementKind::PayIn => "PAY-IN",
            CashMovementKind::PayOut => "PAY-OUT",
            CashMovementKind::Drop => "CASH DROP",
        }
    }
}

/// `cash_movement` arguments.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CashMovementArgs {
    /// Session token.
    pub token: String,
    /// Pay-in, pay-out or drop.
    pub kind: CashMovementKind,
    /// Amount, positive.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// Why (1 to 120 characters): printed on the slip and audited.
    pub reason: String,
    /// A supervisor's or manager's PIN for a pay-out made by a cashier.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<Approval>,
}

/// One pay-in, pay-out or drop.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CashMovementView {
    /// Pay-in, pay-out or drop.
    pub kind: CashMovementKind,
    /// Amount.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// Why.
    pub reason: String,
    /// Who moved the cash.
    pub staff: String,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When (RFC 3339).
    pub at: String,
}

/// A cash movement made, with its slip.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CashMoved {
    /// The movement.
    pub movement: CashMovementView,
    /// The slip (it opens the drawer), unless printing it failed.
    pub printout: Option<Printout>,
    /// Why the slip did not print (the movement is recorded all the same).
    pub print_error: Option<String>,
}

/// One banknote or coin of the site's currency.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DenominationView {
    /// Face value in minor units.
    #[ts(type = "number")]
    pub minor: i64,
    /// A banknote (or a coin).
    pub note: bool,
}

/// The open shift of a terminal, as the counter needs it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OpenShift {
    /// Shift id.
    pub shift_id: String,
    /// Whose shift.
    pub staff_id: String,
    /// Their name.
    pub staff_name: String,
    /// Opened (RFC 3339).
    pub opened_at: String,
}

/// `shift_state`: the terminal's open shift, if any, and the notes and
/// coins to count.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftState {
    /// The shift open on this terminal.
    pub open: Option<OpenShift>,
    /// Whether the signed-in person may sell into it (theirs, or they are
    /// a supervisor or manager).
    pub may_sell: bool,
    /// The site's banknotes and coins, largest first.
    pub denominations: Vec<DenominationView>,
    /// The currency.
    pub currency: CurrencyInfo,
}

//! What central checks in a pushed entry before it touches a seat: sizes,
//! text lengths and money (no negative price or payment, the seat prices add
//! up to the total, the payments pay it, nothing overflows). A failed check
//! is the entry's `rejected` answer with a code, never an error of the batch.

use protocol::{EntryBody, Outcome, Refund, Sale};

/// Most seats in one sale or refund.
pub const MAX_ENTRY_SEATS: usize = 500;
/// Largest amount of money in one entry, in minor units (10^12: a billion
/// dirhams, far past any order; it keeps every sum far from overflowing).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000;
/// Longest id, label, reason or reference in an entry, in bytes.
pub const MAX_TEXT: usize = 500;

/// A rejection with `code`.
pub(crate) fn rejected(code: &str, message: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        code: code.to_string(),
        message: message.into(),
    }
}

/// A refund or a move of another terminal's order: a terminal acts on the
/// orders it sold (it holds them, their payments and their drawer).
pub(crate) fn not_yours() -> Outcome {
    rejected(
        "not_your_order",
        "the order was sold at another terminal; refund or move it there",
    )
}

/// Checks an entry's shape and money; `Some(rejection)` when it fails.
pub(crate) fn check_entry(body: &EntryBody) -> Option<Outcome> {
    match body {
        EntryBody::Sale(s) => check_sale(s).err(),
        EntryBody::Refund(r) => check_refund(r).err(),
        EntryBody::Reseat(r) => texts(&[
            &r.showtime_id,
            &r.from_seat,
            &r.to_seat,
            &r.approved_by,
            &r.reason,
        ])
        .err(),
        EntryBody::Admission(a) => texts(&[&a.showtime_id, &a.order_id, &a.seat]).err(),
    }
}

fn texts(values: &[&str]) -> Result<(), Outcome> {
    if values.iter().any(|v| v.len() > MAX_TEXT) {
        return Err(rejected(
            "too_long",
            format!("a text of the entry is longer than {MAX_TEXT} bytes"),
        ));
    }
    // PostgreSQL keeps no NUL in text: an entry holding one could never be
    // stored, and would be sent again forever.
    if values.iter().any(|v| v.contains('\0')) {
        return Err(rejected(
            "bad_text",
            "a text of the entry holds a NUL character",
        ));
    }
    Ok(())
}

fn amount(value: i64, what: &str) -> Result<i64, Outcome> {
    if !(0..=MAX_AMOUNT_MINOR).contains(&value) {
        return Err(rejected(
            "bad_amount",
            format!("{what} of {value} minor units is out of bounds (0 to {MAX_AMOUNT_MINOR})"),
        ));
    }
    Ok(value)
}

/// Adds amounts checked by [`amount`]; with at most [`MAX_ENTRY_SEATS`]
/// parts of at most [`MAX_AMOUNT_MINOR`] each, the sum cannot overflow, and
/// `checked_add` makes sure of it.
fn sum(values: impl Iterator<Item = Result<i64, Outcome>>) -> Result<i64, Outcome> {
    let mut total: i64 = 0;
    for v in values {
        total = total
            .checked_add(v?)
            .ok_or_else(|| rejected("bad_amount", "the amounts overflow"))?;
    }
    Ok(total)
}

fn check_sale(s: &Sale) -> Result<(), Outcome> {
    if s.seats.len() > MAX_ENTRY_SEATS {
        return Err(rejected(
            "too_many_seats",
            format!("a sale has at most {MAX_ENTRY_SEATS} seats"),
        ));
    }
    texts(&[&s.showtime_id, &s.cashier_id])?;
    for seat in &s.seats {
        texts(&[
            &seat.label,
            &seat.ticket_type,
            seat.showtime_id.as_deref().unwrap_or(""),
        ])?;
    }
    if let Some(o) = &s.price_override {
        texts(&[&o.approved_by, &o.reason])?;
    }
    let total = amount(s.total_minor, "the total")?;
    let prices = sum(s
        .seats
        .iter()
        .map(|seat| amount(seat.price_minor, "a seat's price")))?;
    if prices != total {
        return Err(rejected(
            "bad_total",
            "the seat prices do not add up to the total",
        ));
    }
    if !(0..=total).contains(&s.vat_minor) {
        return Err(rejected("bad_vat", "the VAT is not part of the total"));
    }
    for p in &s.payments {
        if !matches!(p.method.as_str(), "cash" | "card" | "exchange") {
            return Err(rejected(
                "bad_payment",
                format!(
                    "unknown payment method '{}'",
                    p.method
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(20)
                        .collect::<String>()
                ),
            ));
        }
        texts(&[p.reference.as_deref().unwrap_or("")])?;
    }
    let paid = sum(s
        .payments
        .iter()
        .map(|p| amount(p.amount_minor, "a payment")))?;
    if paid != total {
        return Err(rejected(
            "bad_payments",
            format!("the payments ({paid}) do not pay the total ({total})"),
        ));
    }
    Ok(())
}

fn check_refund(r: &Refund) -> Result<(), Outcome> {
    if r.tickets.len() > MAX_ENTRY_SEATS {
        return Err(rejected(
            "too_many_seats",
            format!("a refund names at most {MAX_ENTRY_SEATS} tickets"),
        ));
    }
    texts(&[&r.showtime_id, &r.approved_by, &r.reason])?;
    for t in &r.tickets {
        texts(&[&t.showtime_id, &t.seat])?;
    }
    let total = amount(r.amount_minor, "the refund")?;
    if let Some(split) = &r.split {
        let parts = sum([
            (split.card_minor, "the card part"),
            (split.cash_minor, "the cash part"),
            (split.exchange_minor, "the exchange part"),
        ]
        .into_iter()
        .map(|(v, what)| amount(v, what)))?;
        if parts != total {
            return Err(rejected(
                "bad_split",
                "the refund's card, cash and exchange parts do not add up to it",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{Payment, SecuredBy, SoldSeat};

    fn sale(prices: &[i64], payments: &[(&str, i64)]) -> Sale {
        let now = jiff::Timestamp::UNIX_EPOCH;
        Sale {
            order_id: uuid::Uuid::nil(),
            showtime_id: "s".into(),
            seats: prices
                .iter()
                .enumerate()
                .map(|(i, p)| SoldSeat {
                    label: format!("A-{i}"),
                    ticket_type: "adult".into(),
                    price_minor: *p,
                    showtime_id: None,
                })
                .collect(),
            secured_by: SecuredBy::Lease,
            total_minor: prices.iter().fold(0i64, |a, p| a.wrapping_add(*p)),
            vat_minor: 0,
            currency: domain::Currency::Aed,
            payments: payments
                .iter()
                .map(|(m, a)| Payment {
                    method: m.to_string(),
                    amount_minor: *a,
                    reference: None,
                })
                .collect(),
            cashier_id: "c".into(),
            sold_at: now,
            sold_at_central_estimate: now,
            price_override: None,
            business_day: None,
        }
    }

    fn code(s: &Sale) -> Option<String> {
        match check_entry(&EntryBody::Sale(s.clone())) {
            Some(Outcome::Rejected { code, .. }) => Some(code),
            _ => None,
        }
    }

    #[test]
    fn a_sale_that_adds_up_passes() {
        assert_eq!(
            code(&sale(&[5000, 3500], &[("card", 5000), ("cash", 3500)])),
            None
        );
        // A complimentary order: nothing to pay, one empty cash line.
        assert_eq!(code(&sale(&[0], &[("cash", 0)])), None);
        assert_eq!(
            code(&sale(&[6000], &[("exchange", 4000), ("cash", 2000)])),
            None
        );
    }

    #[test]
    fn negative_overflowing_or_unpaid_money_is_rejected_with_a_code() {
        assert_eq!(
            code(&sale(&[-5000], &[("cash", 0)])).as_deref(),
            Some("bad_amount")
        );
        assert_eq!(
            code(&sale(&[i64::MAX, i64::MAX], &[("cash", 0)])).as_deref(),
            Some("bad_amount")
        );
        assert_eq!(
            code(&sale(&[5000], &[("cash", 4000)])).as_deref(),
            Some("bad_payments")
        );
        assert_eq!(
            code(&sale(&[5000], &[("cash", 6000), ("card", -1000)])).as_deref(),
            Some("bad_amount")
        );
        assert_eq!(
            code(&sale(&[5000], &[("voucher", 5000)])).as_deref(),
            Some("bad_payment")
        );
        let mut s = sale(&[5000], &[("cash", 5000)]);
        s.total_minor = 4000;
        assert_eq!(code(&s).as_deref(), Some("bad_total"));
        let mut s = sale(&[5000], &[("cash", 5000)]);
        s.vat_minor = 6000;
        assert_eq!(code(&s).as_deref(), Some("bad_vat"));
        let mut s = sale(&[5000], &[("cash", 5000)]);
        s.cashier_id = "x".repeat(MAX_TEXT + 1);
        assert_eq!(code(&s).as_deref(), Some("too_long"));
        let many = vec![1; MAX_ENTRY_SEATS + 1];
        assert_eq!(
            code(&sale(&many, &[("cash", many.len() as i64)])).as_deref(),
            Some("too_many_seats")
        );
    }
}

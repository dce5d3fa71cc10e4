//! Refund rules: which tickets a refund names, how the money goes back
//! (card first, then cash), and the refund slip. Pure: every input given.

use crate::error::RefundRefusal;
use crate::model::SiteRow;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A ticket the order holds: `(showtime, seat, ticket type, price)`.
pub type Held = (String, String, String, i64);

/// The tickets `asked` names among those the order `holds` (`refunded`
/// lists the seats it gave up before). Empty `asked` means every ticket
/// left. A seat is `F-12`, or `SHOWTIME:F-12` when the order has the label
/// in several showtimes.
pub fn choose_tickets(
    holds: &[Held],
    refunded: &[(String, String)],
    asked: &[String],
) -> Result<Vec<Held>, RefundRefusal> {
    if holds.is_empty() {
        return Err(RefundRefusal::NothingLeft);
    }
    if asked.iter().all(|a| a.trim().is_empty()) {
        return Ok(holds.to_vec());
    }
    let mut chosen: Vec<Held> = Vec::new();
    let (mut missing, mut before) = (Vec::new(), Vec::new());
    for a in asked.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        let (show, seat) = match a.rsplit_once(':') {
            Some((show, seat)) => (Some(show.trim()), seat.trim()),
            None => (None, a),
        };
        let matches: Vec<&Held> = holds
            .iter()
            .filter(|h| h.1.eq_ignore_ascii_case(seat) && show.is_none_or(|s| s == h.0))
            .collect();
        match matches.as_slice() {
            [one] => {
                if !chosen.contains(one) {
                    chosen.push((*one).clone());
                }
            }
            [] if refunded
                .iter()
                .any(|(s, l)| l.eq_ignore_ascii_case(seat) && show.is_none_or(|x| x == s)) =>
            {
                before.push(seat.to_string())
            }
            [] => missing.push(seat.to_string()),
            _ => return Err(RefundRefusal::AmbiguousSeat(seat.to_string())),
        }
    }
    if !missing.is_empty() {
        return Err(RefundRefusal::NotATicket(missing));
    }
    if !before.is_empty() {
        return Err(RefundRefusal::AlreadyRefunded(before));
    }
    Ok(chosen)
}

/// How `amount` goes back when the order still holds `card_left` on the
/// card and `cash_left` in cash: card first (money paid by card returns to
/// the card), the rest in cash. `(card, cash)`.
pub fn split_tender(amount: i64, card_left: i64, cash_left: i64) -> (i64, i64) {
    let card = amount.min(card_left.max(0));
    let cash = amount - card;
    // Never more cash than was paid in cash: a shortfall can only come from
    // a book that does not add up, and goes to the card side to be seen.
    if cash > cash_left.max(0) {
        let over = cash - cash_left.max(0);
        return (card + over, cash - over);
    }
    (card, cash)
}

/// What the refund slip says.
pub struct RefundSlip<'a> {
    /// The site.
    pub site: &'a SiteRow,
    /// Site time zone.
    pub tz: &'a TimeZone,
    /// Order reference.
    pub order_ref: &'a str,
    /// `(film, seat, ticket name, price)` per ticket refunded.
    pub lines: Vec<(String, String, String, i64)>,
    /// Paid back.
    pub amount_minor: i64,
    /// VAT inside it.
    pub vat_minor: i64,
    /// An exchange: how much went to which new order.
    pub exchange: Option<(i64, &'a str)>,
    /// Back to the card, and the card terminal's reference.
    pub card: (i64, Option<&'a str>),
    /// Cash from the drawer.
    pub cash_minor: i64,
    /// Why.
    pub reason: &'a str,
    /// At the counter.
    pub staff: &'a str,
    /// Who approved.
    pub approver: &'a str,
    /// Terminal.
    pub terminal_id: &'a str,
    /// When.
    pub at: Timestamp,
}

/// The slip as receipt lines (a credit note): the tickets, what went back
/// and how, who approved and why.
pub fn refund_slip_data(s: &RefundSlip<'_>) -> printing::ReceiptData {
    let cur = s.site.currency;
    let mut lines: Vec<(String, String)> = s
        .lines
        .iter()
        .map(|(film, seat, ticket, price)| {
            (format!("{film} {seat} {ticket}"), cur.format_amount(*price))
        })
        .collect();
    lines.push((
        format!(
            "incl. VAT {}",
            crate::rules::layout::rate_text(s.site.vat_rate_bp)
        ),
        cur.format_amount(s.vat_minor),
    ));
    let mut totals = vec![(
        if s.exchange.is_some() {
            "TICKETS RETURNED"
        } else {
            "REFUNDED"
        }
        .to_string(),
        cur.format(s.amount_minor),
    )];
    if let Some((credit, to)) = s.exchange {
        totals.push((format!("Exchanged to {to}"), cur.format(credit)));
    }
    if s.card.0 > 0 {
        let reference = s.card.1.unwrap_or("");
        totals.push((format!("To card {reference}"), cur.format(s.card.0)));
    }
    if s.cash_minor > 0 {
        totals.push(("Cash paid out".to_string(), cur.format(s.cash_minor)));
    }
    let when =
        s.tz.to_datetime(s.at)
            .strftime("%d/%m/%Y %H:%M")
            .to_string();
    printing::ReceiptData {
        header_lines: vec![
            s.site.chain_name.clone(),
            s.site.name.clone(),
            if s.exchange.is_some() {
                "EXCHANGE"
            } else {
                "REFUND"
            }
            .to_string(),
            format!("Order {}", s.order_ref),
        ],
        lines,
        totals,
        footer_lines: vec![
            "These tickets no longer admit.".to_string(),
            format!("Reason: {}", s.reason),
            format!("Approved by {}", s.approver),
            format!("{} - {} - {when}", s.terminal_id, s.staff),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(show: &str, seat: &str, price: i64) -> Held {
        (show.into(), seat.into(), "adult".into(), price)
    }

    #[test]
    fn tickets_are_chosen_by_seat_and_refused_clearly() {
        let holds = [
            held("s1", "A-1", 50),
            held("s1", "A-2", 50),
            held("s2", "A-1", 40),
        ];
        let refunded = [("s1".to_string(), "A-3".to_string())];
        let all = choose_tickets(&holds, &refunded, &[]).unwrap();
        assert_eq!(all.len(), 3);
        let one = choose_tickets(&holds, &refunded, &["a-2".into()]).unwrap();
        assert_eq!(one, vec![held("s1", "A-2", 50)]);
        let qualified = choose_tickets(&holds, &refunded, &["s2:A-1".into()]).unwrap();
        assert_eq!(qualified, vec![held("s2", "A-1", 40)]);
        assert_eq!(
            choose_tickets(&holds, &refunded, &["A-1".into()]),
            Err(RefundRefusal::AmbiguousSeat("A-1".into()))
        );
        assert_eq!(
            choose_tickets(&holds, &refunded, &["A-3".into()]),
            Err(RefundRefusal::AlreadyRefunded(vec!["A-3".into()]))
        );
        assert_eq!(
            choose_tickets(&holds, &refunded, &["Z-9".into(), "A-2".into()]),
            Err(RefundRefusal::NotATicket(vec!["Z-9".into()]))
        );
        assert_eq!(
            choose_tickets(&[], &refunded, &[]),
            Err(RefundRefusal::NothingLeft)
        );
    }

    #[test]
    fn money_goes_back_to_the_card_first_and_never_more_cash_than_was_paid() {
        assert_eq!(split_tender(100, 0, 150), (0, 100));
        assert_eq!(split_tender(100, 150, 0), (100, 0));
        assert_eq!(split_tender(100, 60, 90), (60, 40));
        assert_eq!(split_tender(100, 0, 30), (70, 30));
        assert_eq!(split_tender(0, 10, 10), (0, 0));
    }
}

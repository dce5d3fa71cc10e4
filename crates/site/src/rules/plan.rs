//! The sale plan: everything a sale writes and prints, computed from its
//! prepared parts with no IO, no clock and no randomness (ids and times are
//! inputs).

use crate::error::{Result, SiteError};
use crate::model::{ApprovedOverride, ShowtimeRow, SiteRow};
use crate::rules::layout::{self, NewJob, PrintContext, ReceiptJob};
use crate::rules::signing::TicketSigner;
use crate::time_fmt;
use domain::order::{self, OrderLine, OrderTotals};
use domain::payment::{CardPayment, Settlement};
use jiff::Timestamp;
use protocol::{Payment, Sale, SecuredBy, SoldSeat};
use uuid::Uuid;

/// One part of an order (a showtime, a ticket type, its seats), checked
/// against the local cache and priced.
#[derive(Debug, Clone)]
pub struct PreparedPart {
    /// The showtime.
    pub show: ShowtimeRow,
    /// The ticket type's entry on the show's price card.
    pub price: protocol::PriceEntry,
    /// One line per seat, at the price charged.
    pub lines: Vec<OrderLine>,
    /// Per seat: its area and the card's price with the rules that made it.
    pub priced: Vec<(domain::SeatArea, domain::PricedTicket)>,
    /// Per seat: leased to this terminal (sellable with no call to central).
    pub leased: Vec<bool>,
    /// A supervisor's price for every ticket of the part.
    pub price_override: Option<ApprovedOverride>,
    /// The hold placed while the cashier chose these seats.
    pub selection_hold: Option<String>,
}

/// What an order costs and how it is paid.
#[derive(Debug, Clone)]
pub struct SalePlan {
    /// Every seat of every part, in order.
    pub lines: Vec<OrderLine>,
    /// Total and VAT.
    pub totals: OrderTotals,
    /// How the tender settles the total.
    pub settled: Settlement,
    /// The payments recorded (an exchange's credit, then card, then cash).
    pub payments: Vec<Payment>,
    /// Value taken over from exchanged tickets: `(amount, their order's reference)`.
    pub credit: Option<(i64, String)>,
}

/// Totals an order and settles it with what the customer tendered, after
/// the value of exchanged tickets (`exchange`: their value and their
/// order's reference) when the order replaces them. The credit is at most
/// the new total; what is left of it goes back the way it was paid.
pub fn plan_sale(
    parts: &[PreparedPart],
    site: &SiteRow,
    tendered_minor: i64,
    card: Option<&CardPayment>,
    exchange: Option<(i64, &str)>,
) -> Result<SalePlan> {
    if tendered_minor < 0 {
        return Err(SiteError::Invalid(
            "the tendered amount cannot be negative".into(),
        ));
    }
    if parts.is_empty() {
        return Err(SiteError::Order(domain::OrderError::Empty));
    }
    let lines: Vec<OrderLine> = parts.iter().flat_map(|p| p.lines.clone()).collect();
    let totals = order::totals(&lines, site.vat_rate_bp)?;
    let credit =
        exchange.map(|(value, from)| (value.clamp(0, totals.total_minor), from.to_string()));
    let credit_minor = credit.as_ref().map_or(0, |c| c.0);
    let settled = domain::payment::settle(
        totals.total_minor - credit_minor,
        &domain::payment::Tender {
            cash_minor: tendered_minor,
            card: card.cloned(),
        },
    )
    .map_err(|e| match e {
        // Say it in money, as the cashier counts it.
        domain::payment::PaymentError::ShortTender { due, tendered } => {
            SiteError::Money(domain::MoneyError::ShortTender {
                total: site.currency.format(due),
                tendered: site.currency.format(tendered),
            })
        }
        other => other.into(),
    })?;
    // A tender a whole largest note beyond the cash due is a slip.
    site.currency
        .check_change(settled.cash_applied, tendered_minor)?;
    let mut recorded = Vec::new();
    if let Some((amount, from)) = &credit {
        recorded.push(Payment {
            method: "exchange".into(),
            amount_minor: *amount,
            reference: Some(from.clone()),
        });
    }
    recorded.extend(
        payments(&settled, card)
            .into_iter()
            // Nothing left to pay after the credit: no empty cash line.
            .filter(|p| credit.is_none() || p.amount_minor > 0 || settled.change > 0),
    );
    Ok(SalePlan {
        payments: recorded,
        lines,
        totals,
        settled,
        credit,
    })
}

/// Who and when of a sale, decided by the engine (ids and clocks are inputs).
#[derive(Debug, Clone)]
pub struct SaleStamp {
    /// The new order's id.
    pub order_id: Uuid,
    /// The cashier.
    pub cashier_id: String,
    /// This terminal's clock.
    pub sold_at: Timestamp,
    /// Central's clock as this terminal last measured it.
    pub sold_at_central_estimate: Timestamp,
}

/// The outbox body of a planned sale.
pub fn sale_entry(
    plan: &SalePlan,
    parts: &[PreparedPart],
    site: &SiteRow,
    stamp: &SaleStamp,
    secured_by: SecuredBy,
) -> Sale {
    let first_show = parts.first().map(|p| p.show.id.clone()).unwrap_or_default();
    let overrides: Vec<&ApprovedOverride> = parts
        .iter()
        .filter_map(|p| p.price_override.as_ref())
        .collect();
    Sale {
        order_id: stamp.order_id,
        seats: plan
            .lines
            .iter()
            .map(|l| SoldSeat {
                label: l.seat_label.clone(),
                ticket_type: l.ticket_type.clone(),
                price_minor: l.price_minor,
                showtime_id: (l.showtime_id != first_show).then(|| l.showtime_id.clone()),
            })
            .collect(),
        showtime_id: first_show,
        secured_by,
        total_minor: plan.totals.total_minor,
        vat_minor: plan.totals.vat_minor,
        currency: site.currency,
        payments: plan.payments.clone(),
        cashier_id: stamp.cashier_id.clone(),
        sold_at: stamp.sold_at,
        sold_at_central_estimate: stamp.sold_at_central_estimate,
        // The first approval, with every part's reason.
        price_override: overrides.first().map(|o| protocol::PriceOverride {
            approved_by: o.approver.id.clone(),
            reason: overrides
                .iter()
                .map(|o| o.stated_reason())
                .collect::<Vec<_>>()
                .join("; "),
        }),
        // Filled in when the entry is written, from the order's row.
        business_day: None,
    }
}

/// What every printout of one order shares, whatever its showtime.
pub struct OrderPrint<'a> {
    /// The site.
    pub site: &'a SiteRow,
    /// Its time zone.
    pub tz: &'a jiff::tz::TimeZone,
    /// The order.
    pub order_id: Uuid,
    /// Its printed reference.
    pub order_ref: &'a str,
    /// The cashier's name.
    pub cashier: &'a str,
    /// This terminal.
    pub terminal_id: &'a str,
    /// The sale time.
    pub now: Timestamp,
}

/// The order's showtimes, each once, in the order of its parts (the first is
/// the order's own, as `order_seats` keeps them: see `store::order_showtimes`).
pub fn distinct_shows(parts: &[PreparedPart]) -> Vec<&ShowtimeRow> {
    let mut shows: Vec<&ShowtimeRow> = Vec::new();
    for part in parts {
        if !shows.iter().any(|s| s.id == part.show.id) {
            shows.push(&part.show);
        }
    }
    shows
}

/// The payments recorded for a settled sale: card first, then cash.
pub fn payments(
    settled: &domain::payment::Settlement,
    card: Option<&domain::payment::CardPayment>,
) -> Vec<Payment> {
    let mut out = Vec::new();
    if let Some(c) = card.filter(|_| settled.card_applied > 0) {
        out.push(Payment {
            method: "card".into(),
            amount_minor: settled.card_applied,
            reference: Some(c.reference.trim().to_string()),
        });
    }
    if settled.cash_applied > 0 || out.is_empty() {
        out.push(Payment {
            method: "cash".into(),
            amount_minor: settled.cash_applied,
            reference: None,
        });
    }
    out
}

/// The payment lines of the receipt: cash shows what was handed over.
pub fn receipt_payments(
    settled: &domain::payment::Settlement,
    card: Option<&domain::payment::CardPayment>,
    tendered: i64,
) -> Vec<(String, i64, String)> {
    payments(settled, card)
        .into_iter()
        .map(|p| match p.method.as_str() {
            "card" => (
                "Card".to_string(),
                p.amount_minor,
                p.reference.unwrap_or_default(),
            ),
            _ => ("Cash".to_string(), tendered, String::new()),
        })
        .collect()
}

/// What each ticket is called on the receipt: the ticket type and film,
/// with the rules that priced it, or a note that a supervisor set the price.
pub fn receipt_descriptions(
    ticket_name: &str,
    title: &str,
    priced: &[(domain::SeatArea, domain::PricedTicket)],
    price_override: Option<&ApprovedOverride>,
) -> Vec<String> {
    priced
        .iter()
        .map(|(_, p)| {
            let base = format!("{ticket_name} - {title}");
            if let Some(o) = price_override {
                let what = if o.complimentary {
                    "complimentary"
                } else {
                    "price override"
                };
                format!("{base} ({what})")
            } else if p.adjustments.is_empty() {
                base
            } else {
                let rules: Vec<&str> = p.adjustments.iter().map(|a| a.name_en.as_str()).collect();
                format!("{base} ({})", rules.join(", "))
            }
        })
        .collect()
}

/// Lines printed under the receipt's totals: who set a price by hand, and why.
pub fn receipt_notes(
    currency: &domain::Currency,
    priced: &[(domain::SeatArea, domain::PricedTicket)],
    price_override: Option<&ApprovedOverride>,
) -> Vec<String> {
    let Some(o) = price_override else {
        return Vec::new();
    };
    let mut list: Vec<i64> = priced.iter().map(|(_, p)| p.price_minor).collect();
    list.dedup();
    let list: Vec<String> = list.into_iter().map(|m| currency.format(m)).collect();
    let headline = if o.complimentary {
        "COMPLIMENTARY: no charge".to_string()
    } else {
        format!("PRICE OVERRIDE: {} each", currency.format(o.price_minor))
    };
    vec![
        headline,
        format!("List price {}", list.join(" / ")),
        format!("Approved by {}", o.approver.name),
        format!("Reason: {}", o.reason),
    ]
}

/// Tickets (one per seat, each with its showtime) and the receipt of an
/// order, encoded.
pub fn sale_printouts(
    parts: &[PreparedPart],
    order: &OrderPrint<'_>,
    plan: &SalePlan,
    receipt_payments: &[(String, i64, String)],
    paper: printing::Paper,
    signer: &impl TicketSigner,
) -> Result<Vec<NewJob>> {
    let (change, vat_minor, payments) =
        (plan.settled.change, plan.totals.vat_minor, receipt_payments);
    let mut jobs = Vec::new();
    // One receipt line per description and price: seats priced alike are counted together.
    let mut receipt_lines: Vec<(String, u32, i64)> = Vec::new();
    let mut unit: Vec<i64> = Vec::new();
    let mut notes = Vec::new();
    let mut total = 0;
    let shows = distinct_shows(parts);
    for part in parts {
        let show_no = shows.iter().position(|s| s.id == part.show.id).unwrap_or(0);
        let ctx = PrintContext {
            site: order.site,
            show: &part.show,
            tz: order.tz,
            ticket_name: &part.price.name_en,
            order_id: order.order_id,
            order_ref: order.order_ref,
            cashier: order.cashier,
            terminal_id: order.terminal_id,
            now: order.now,
            sold_at: order.now,
            show_no,
        };
        for line in &part.lines {
            jobs.push(layout::order_ticket(
                &ctx,
                &line.seat_label,
                &line.ticket_type,
                line.price_minor,
                paper,
                0,
                signer,
            )?);
        }
        // Several showtimes: each line says which.
        let title = if shows.len() == 1 {
            part.show.title_en.clone()
        } else {
            format!(
                "{} {}",
                part.show.title_en,
                time_fmt::local_hhmm(part.show.starts_at, order.tz)
            )
        };
        let descriptions = receipt_descriptions(
            &part.price.name_en,
            &title,
            &part.priced,
            part.price_override.as_ref(),
        );
        notes.extend(receipt_notes(
            &order.site.currency,
            &part.priced,
            part.price_override.as_ref(),
        ));
        for (line, desc) in part.lines.iter().zip(&descriptions) {
            total += line.price_minor;
            match receipt_lines
                .iter()
                .zip(&unit)
                .position(|((d, _, _), u)| d == desc && *u == line.price_minor)
            {
                Some(i) => {
                    receipt_lines[i].1 += 1;
                    receipt_lines[i].2 += line.price_minor;
                }
                None => {
                    receipt_lines.push((desc.clone(), 1, line.price_minor));
                    unit.push(line.price_minor);
                }
            }
        }
    }
    jobs.push(layout::receipt_job(
        &ReceiptJob {
            site: order.site,
            address: &order.site.address,
            tax_number: &order.site.tax_number,
            tz: order.tz,
            sold_at: order.now,
            order_id: order.order_id,
            order_ref: order.order_ref,
            cashier: order.cashier,
            terminal_id: order.terminal_id,
            lines: receipt_lines,
            total_minor: total,
            vat_minor,
            payments: payments.to_vec(),
            change_minor: change,
            open_drawer: payments.iter().any(|(m, _, _)| m == "Cash"),
            notes,
        },
        paper,
    )?);
    Ok(jobs)
}

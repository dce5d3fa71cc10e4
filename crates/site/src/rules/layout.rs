//! What goes on paper, laid out and encoded with no IO: tickets (signed
//! through a [`TicketSigner`]), the receipt, the seat change slip, all from
//! one order-print context ([`PrintContext`]).

use crate::model::{ShowtimeRow, SiteRow};
use crate::rules::signing::{TicketClaims, TicketSigner, sign_ticket};
use crate::time_fmt;
use domain::Currency;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use printing::{
    Paper, PrintError, TaxInvoiceData, TaxInvoiceLine, TaxInvoicePayment, TicketData, TicketOptions,
};
use uuid::Uuid;

/// Kind of a printout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// A ticket, one per seat.
    Ticket,
    /// The receipt (simplified tax invoice).
    Receipt,
    /// A seat change slip.
    ChangeSlip,
    /// A test page.
    TestPage,
    /// A shift (X or Z) report.
    ShiftReport,
    /// A refund slip (credit note): what was paid back, and how.
    RefundSlip,
}

impl JobKind {
    /// The kind as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Ticket => "ticket",
            JobKind::Receipt => "receipt",
            JobKind::ChangeSlip => "change_slip",
            JobKind::TestPage => "test_page",
            JobKind::ShiftReport => "shift_report",
            JobKind::RefundSlip => "refund_slip",
        }
    }
}

/// A printout to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Order, if any.
    pub order_id: Option<String>,
    /// Kind.
    pub kind: JobKind,
    /// Seat, for tickets.
    pub seat_label: Option<String>,
    /// ESC/POS bytes.
    pub bytes: Vec<u8>,
    /// 0 for an original, n for the n-th reprint.
    pub reprint_count: u32,
    /// File name stem of the preview.
    pub name: String,
}

/// One ticket to print.
pub struct TicketJob<'a> {
    /// The site.
    pub site: &'a SiteRow,
    /// The showtime.
    pub show: &'a ShowtimeRow,
    /// Site time zone.
    pub tz: &'a TimeZone,
    /// Seat.
    pub seat_label: &'a str,
    /// Ticket type name.
    pub ticket_name: &'a str,
    /// Price.
    pub price_minor: i64,
    /// Order id.
    pub order_id: Uuid,
    /// Order reference.
    pub order_ref: &'a str,
    /// Cashier name.
    pub cashier: &'a str,
    /// Terminal id.
    pub terminal_id: &'a str,
    /// Signed door QR payload.
    pub qr_payload: String,
}

/// The printable content of a ticket.
pub fn ticket_data(job: &TicketJob<'_>) -> TicketData {
    let cur = job.site.currency;
    let vat = domain::vat::vat_included(job.price_minor, job.site.vat_rate_bp);
    TicketData {
        chain_name: job.site.chain_name.clone(),
        site_name: job.site.name.clone(),
        film_title_en: job.show.title_en.clone(),
        film_title_ar: job.show.title_ar.clone(),
        rating: job.show.rating.clone(),
        screen: if job.show.screen_name.contains(&job.show.format) {
            job.show.screen_name.clone()
        } else {
            format!("{} - {}", job.show.screen_name, job.show.format)
        },
        date_local: time_fmt::local_date(job.show.starts_at, job.tz),
        time_local: time_fmt::local_hhmm(job.show.starts_at, job.tz),
        seat_label: job.seat_label.to_string(),
        ticket_type: job.ticket_name.to_string(),
        price: cur.format(job.price_minor),
        vat: format!(
            "incl. VAT {} {}",
            rate_text(job.site.vat_rate_bp),
            cur.format(vat)
        ),
        order_ref: job.order_ref.to_string(),
        qr_payload: job.qr_payload.clone(),
        footer: format!("{} - {}", job.terminal_id, job.cashier),
    }
}

/// A VAT rate in basis points as people write it: `5%`, `12.5%`.
pub fn rate_text(bp: u32) -> String {
    if bp.is_multiple_of(100) {
        format!("{}%", bp / 100)
    } else {
        format!("{}.{:02}%", bp / 100, bp % 100).replace("0%", "%")
    }
}

/// Encodes a ticket; `reprint` > 0 marks it as the n-th reprint. Shows that
/// start before the business-day cutoff name the business day they belong to.
pub fn ticket_job(job: &TicketJob<'_>, paper: Paper, reprint: u32) -> Result<NewJob, PrintError> {
    let local = job.tz.to_datetime(job.show.starts_at);
    let business_day_note = (local.hour() < job.site.cutoff_hour).then(|| {
        let day = domain::business_day::business_day_of_local(local, job.site.cutoff_hour);
        format!("Late show of {}", day.strftime("%a %-d %b"))
    });
    let opts = TicketOptions {
        reprint_count: (reprint > 0).then_some(reprint),
        // The site's logo; one that does not decode prints no logo rather than no ticket.
        logo: job
            .site
            .logo_png
            .as_deref()
            .and_then(|png| printing::LogoImage::from_png(png).ok()),
        business_day_note,
    };
    let bytes = printing::encode_ticket_with(&ticket_data(job), &opts, paper)?;
    let suffix = if reprint > 0 {
        format!("-reprint{reprint}")
    } else {
        String::new()
    };
    Ok(NewJob {
        order_id: Some(job.order_id.to_string()),
        kind: JobKind::Ticket,
        seat_label: Some(job.seat_label.to_string()),
        bytes,
        reprint_count: reprint,
        name: format!("{}-{}{suffix}", job.order_ref, job.seat_label),
    })
}

/// What a receipt needs.
pub struct ReceiptJob<'a> {
    /// The site.
    pub site: &'a SiteRow,
    /// Address lines and tax number.
    pub address: &'a str,
    /// Tax registration number.
    pub tax_number: &'a str,
    /// Site time zone.
    pub tz: &'a TimeZone,
    /// Sale time.
    pub sold_at: Timestamp,
    /// Order id.
    pub order_id: Uuid,
    /// Order reference.
    pub order_ref: &'a str,
    /// Cashier name.
    pub cashier: &'a str,
    /// Terminal id.
    pub terminal_id: &'a str,
    /// (description, quantity, amount) lines.
    pub lines: Vec<(String, u32, i64)>,
    /// Total.
    pub total_minor: i64,
    /// VAT inside the total.
    pub vat_minor: i64,
    /// Payments as printed: (method, amount, reference); cash shows what was handed over.
    pub payments: Vec<(String, i64, String)>,
    /// Change given.
    pub change_minor: i64,
    /// Open the cash drawer (cash was taken).
    pub open_drawer: bool,
    /// Lines printed before the thank-you footer (e.g. a price override).
    pub notes: Vec<String>,
}

/// The receipt's address lines: the address split at its commas, without a
/// line that only repeats the site's name (printed just above it).
pub fn address_lines(site_name: &str, address: &str) -> Vec<String> {
    address
        .split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case(site_name.trim()))
        .map(str::to_string)
        .collect()
}

/// Encodes the receipt (a simplified tax invoice), opening the cash drawer when cash was taken.
pub fn receipt_job(r: &ReceiptJob<'_>, paper: Paper) -> Result<NewJob, PrintError> {
    let cur: Currency = r.site.currency;
    let amount = |m: i64| cur.format_amount(m);
    let inv = TaxInvoiceData {
        supplier_name: r.site.chain_name.clone(),
        header_ar: String::new(),
        site_name: r.site.name.clone(),
        address_lines: address_lines(&r.site.name, r.address),
        trn: r.tax_number.to_string(),
        date_time_local: r
            .tz
            .to_datetime(r.sold_at)
            .strftime("%d/%m/%Y %H:%M")
            .to_string(),
        invoice_ref: r.order_ref.to_string(),
        order_ref: r.order_id.to_string(),
        cashier: r.cashier.to_string(),
        terminal: r.terminal_id.to_string(),
        lines: r
            .lines
            .iter()
            .map(|(d, q, a)| TaxInvoiceLine {
                description: d.clone(),
                qty: *q,
                amount: amount(*a),
            })
            .collect(),
        currency: cur.code().to_string(),
        subtotal: amount(r.total_minor - r.vat_minor),
        vat_rate: rate_text(r.site.vat_rate_bp),
        vat_amount: amount(r.vat_minor),
        total: cur.format(r.total_minor),
        payments: r
            .payments
            .iter()
            .map(|(method, a, reference)| TaxInvoicePayment {
                method: method.clone(),
                amount: amount(*a),
                reference: reference.clone(),
            })
            .collect(),
        change: amount(r.change_minor),
        qr_payload: String::new(),
        footer_lines: r
            .notes
            .iter()
            .cloned()
            .chain(["Thank you for visiting".to_string()])
            .collect(),
    };
    Ok(NewJob {
        order_id: Some(r.order_id.to_string()),
        kind: JobKind::Receipt,
        seat_label: None,
        bytes: printing::encode_tax_invoice(&inv, paper, r.open_drawer)?,
        reprint_count: 0,
        name: format!("{}-receipt", r.order_ref),
    })
}

/// Everything the printouts of one order share, for one of its showtimes.
pub struct PrintContext<'a> {
    /// The site.
    pub site: &'a SiteRow,
    /// The showtime of the tickets.
    pub show: &'a ShowtimeRow,
    /// The site's time zone.
    pub tz: &'a TimeZone,
    /// The ticket type's printed name.
    pub ticket_name: &'a str,
    /// The order.
    pub order_id: Uuid,
    /// Its printed reference.
    pub order_ref: &'a str,
    /// Who sold it (or, on a change slip, the approving supervisor).
    pub cashier: &'a str,
    /// This terminal.
    pub terminal_id: &'a str,
    /// When the printout is made.
    pub now: Timestamp,
    /// The original sale time (the QR's issue time; older than `now` for a reprint).
    pub sold_at: Timestamp,
    /// Which of the order's showtimes `show` is (0 for the first): tickets of
    /// later ones are named `…-show2`, so one seat label in two showtimes
    /// never shares a file.
    pub show_no: usize,
}

/// The signed door QR payload of one ticket of `ctx`'s order.
pub fn door_code(
    ctx: &PrintContext<'_>,
    seat: &str,
    ticket_type: &str,
    signer: &impl TicketSigner,
) -> String {
    let claims = TicketClaims {
        order_id: ctx.order_id.to_string(),
        showtime_id: ctx.show.id.clone(),
        seat: seat.to_string(),
        ticket_type: ticket_type.to_string(),
        site_id: ctx.site.id.clone(),
        terminal_id: ctx.terminal_id.to_string(),
        issued_at: ctx.sold_at.as_second(),
    };
    sign_ticket(signer, &claims)
}

/// One seat's ticket of `ctx`'s order, signed and encoded; `reprint` > 0
/// marks the n-th reprint.
pub fn order_ticket(
    ctx: &PrintContext<'_>,
    seat: &str,
    ticket_type: &str,
    price_minor: i64,
    paper: Paper,
    reprint: u32,
    signer: &impl TicketSigner,
) -> Result<NewJob, PrintError> {
    let job = TicketJob {
        site: ctx.site,
        show: ctx.show,
        tz: ctx.tz,
        seat_label: seat,
        ticket_name: ctx.ticket_name,
        price_minor,
        order_id: ctx.order_id,
        order_ref: ctx.order_ref,
        cashier: ctx.cashier,
        terminal_id: ctx.terminal_id,
        qr_payload: door_code(ctx, seat, ticket_type, signer),
    };
    let mut out = ticket_job(&job, paper, reprint)?;
    if ctx.show_no > 0 {
        out.name = format!("{}-show{}", out.name, ctx.show_no + 1);
    }
    Ok(out)
}

/// A seat move's printouts for `ctx`'s order: the change slip (signed off by
/// `ctx.cashier`, the approving supervisor) and the new seat's ticket.
pub fn seat_move_jobs(
    ctx: &PrintContext<'_>,
    (from, to): (&str, &str),
    (ticket_type, price_minor): (&str, i64),
    reason: &str,
    paper: Paper,
    signer: &impl TicketSigner,
) -> Result<Vec<NewJob>, PrintError> {
    let (show, tz) = (ctx.show, ctx.tz);
    let slip = printing::encode_change_slip(
        &printing::ChangeSlipData {
            chain_name: ctx.site.chain_name.clone(),
            site_name: ctx.site.name.clone(),
            order_ref: ctx.order_ref.to_string(),
            old_seat: from.to_string(),
            new_seat: to.to_string(),
            film_title: show.title_en.clone(),
            showtime: format!(
                "{} {}",
                time_fmt::local_date(show.starts_at, tz),
                time_fmt::local_hhmm(show.starts_at, tz)
            ),
            reason: reason.to_string(),
            supervisor: ctx.cashier.to_string(),
            issued_at_local: tz
                .to_datetime(ctx.now)
                .strftime("%d/%m/%Y %H:%M")
                .to_string(),
            footer: ctx.terminal_id.to_string(),
        },
        paper,
    )?;
    Ok(vec![
        NewJob {
            order_id: Some(ctx.order_id.to_string()),
            kind: JobKind::ChangeSlip,
            seat_label: Some(to.to_string()),
            bytes: slip,
            reprint_count: 0,
            name: format!("{}-change-{from}-{to}", ctx.order_ref),
        },
        order_ticket(ctx, to, ticket_type, price_minor, paper, 0, signer)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::{address_lines, rate_text};

    #[test]
    fn rates_read_like_people_write_them() {
        assert_eq!(rate_text(500), "5%");
        assert_eq!(rate_text(1400), "14%");
        assert_eq!(rate_text(1250), "12.5%");
        assert_eq!(rate_text(0), "0%");
    }

    #[test]
    fn the_receipt_names_the_site_once() {
        // The demo site's address starts with its name (issue 14, item 13).
        assert_eq!(
            address_lines(
                "Dubai Marina Mall",
                "Dubai Marina Mall, Level 2, Dubai, UAE"
            ),
            ["Level 2", "Dubai", "UAE"]
        );
        assert_eq!(
            address_lines("City Centre", "Al Khuwair,  Muscat ,, Oman"),
            ["Al Khuwair", "Muscat", "Oman"]
        );
    }
}

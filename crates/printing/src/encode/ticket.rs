//! The cinema ticket layout (one ticket per seat).

use super::job::{Job, Style};
use super::text::{fitting_multiplier, printable};
use crate::logo::LogoImage;
use crate::text_raster::FontWeight;
use crate::{Align, Paper, PrintError};
use serde::{Deserialize, Serialize};

/// Everything printed on one cinema ticket (one ticket per seat). All strings are already
/// localised and formatted by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TicketData {
    /// Cinema chain, e.g. "Boxoffice Cinemas".
    pub chain_name: String,
    /// Site, e.g. "Dubai Marina Mall".
    pub site_name: String,
    /// Film title in English (printed large).
    pub film_title_en: String,
    /// Film title in Arabic, may be empty. Printer code pages cannot join Arabic letters, so
    /// it is shaped and printed as a raster image (GS v 0), centered under the English title.
    pub film_title_ar: String,
    /// Age rating, e.g. "PG13" or "18+".
    pub rating: String,
    /// Auditorium, e.g. "Screen 1".
    pub screen: String,
    /// Show date, e.g. "Thu 26 Nov 2026".
    pub date_local: String,
    /// Show time, e.g. "19:30".
    pub time_local: String,
    /// Seat, e.g. "F-12" (printed large).
    pub seat_label: String,
    /// Ticket type, e.g. "Adult".
    pub ticket_type: String,
    /// Price, e.g. "AED 45.00".
    pub price: String,
    /// VAT note, e.g. "VAT 5% incl. AED 2.14".
    pub vat: String,
    /// Short order reference.
    pub order_ref: String,
    /// Printed as a QR code (GS ( k, model 2); nothing is printed when empty.
    pub qr_payload: String,
    /// Last line, e.g. "Terminal T1 · Cashier Demo".
    pub footer: String,
}

/// Extras of one printing of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketOptions {
    /// `Some(n)`: the n-th reprint of the ticket, marked with a bold white-on-black
    /// "REPRINT n" banner at the top (`Some(0)` prints just "REPRINT").
    pub reprint_count: Option<u32>,
    /// A logo printed at the top, scaled to fit the paper width and at most half as high.
    pub logo: Option<LogoImage>,
    /// A note under the show time, e.g. "Business day Thu 26 Nov" for a show after midnight
    /// that belongs to the previous business day. Nothing is printed when blank.
    pub business_day_note: Option<String>,
}

/// Text size of the Arabic film title, in dots: about the height of the English title's
/// double-size letters.
fn arabic_title_dots(paper: Paper) -> u32 {
    match paper {
        Paper::Mm80 => 40,
        Paper::Mm58 => 34,
    }
}

/// Encodes one ticket as ESC/POS bytes, ending with a paper cut; the same as
/// [`encode_ticket_with`] with default options.
///
/// Fails with `print.qr_too_long` when the QR payload exceeds
/// [`MAX_QR_PAYLOAD_BYTES`](crate::MAX_QR_PAYLOAD_BYTES).
pub fn encode_ticket(t: &TicketData, paper: Paper) -> Result<Vec<u8>, PrintError> {
    encode_ticket_with(t, &TicketOptions::default(), paper)
}

/// Encodes one ticket as ESC/POS bytes, ending with a paper cut, with a logo, a reprint
/// banner and a business-day note as `opts` asks.
///
/// The Arabic title, when not blank, is one raster image (GS v 0) centered under the English
/// title; everything else is text in font A. Fails with `print.qr_too_long` when the QR
/// payload exceeds [`MAX_QR_PAYLOAD_BYTES`](crate::MAX_QR_PAYLOAD_BYTES).
pub fn encode_ticket_with(
    t: &TicketData,
    opts: &TicketOptions,
    paper: Paper,
) -> Result<Vec<u8>, PrintError> {
    let mut job = Job::start(paper)?;
    let columns = paper.columns();
    let qr_module_dots = match paper {
        Paper::Mm80 => 6,
        Paper::Mm58 => 5,
    };

    job.center()?;
    if let Some(logo) = &opts.logo {
        job.image(&logo.to_bitmap(paper.dots(), paper.dots() / 2))?
            .blank(1)?;
    }
    if let Some(n) = opts.reprint_count {
        job.badge(&reprint_label(n), Style::new(true, 2, 2))?
            .blank(1)?;
    }
    let chain_width = fitting_multiplier(&printable(&t.chain_name), columns, 2);
    job.paragraph(&t.chain_name, Style::new(true, chain_width, 1))?
        .paragraph(&t.site_name, Style::NORMAL)?
        .rule('=')?
        .blank(1)?
        .paragraph(&t.film_title_en, Style::new(true, 2, 2))?
        .raster_text(
            &t.film_title_ar,
            arabic_title_dots(paper),
            FontWeight::Bold,
            Align::Center,
        )?
        .badge(&t.rating, Style::BOLD)?
        .blank(1)?
        .paragraph(&t.screen, Style::new(true, 1, 2))?
        .paragraph(&date_time(t), Style::new(true, 1, 2))?;
    if let Some(note) = &opts.business_day_note {
        job.paragraph(note, Style::NORMAL)?;
    }
    job.rule('-')?;

    if !t.seat_label.trim().is_empty() {
        let seat_size = fitting_multiplier(&printable(&t.seat_label), columns, 3);
        job.paragraph(&t.seat_label, Style::new(true, seat_size, seat_size))?;
    }
    job.rule('-')?
        .left()?
        .two_columns(&t.ticket_type, &t.price, Style::new(true, 1, 2))?
        .two_columns("", &t.vat, Style::NORMAL)?
        .center()?
        .blank(1)?
        .qr(&t.qr_payload, qr_module_dots)?
        .blank(1)?;

    let ref_width = fitting_multiplier(&printable(&t.order_ref), columns, 2);
    job.paragraph(&t.order_ref, Style::new(true, ref_width, 1))?
        .blank(1)?
        .paragraph(&t.footer, Style::NORMAL)?
        .blank(1)?;
    job.finish()
}

/// "REPRINT 2", or "REPRINT" for 0.
fn reprint_label(n: u32) -> String {
    if n == 0 {
        "REPRINT".to_string()
    } else {
        format!("REPRINT {n}")
    }
}

/// "Thu 26 Nov 2026  19:30", or whichever part is present.
fn date_time(t: &TicketData) -> String {
    [t.date_local.trim(), t.time_local.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("  ")
}

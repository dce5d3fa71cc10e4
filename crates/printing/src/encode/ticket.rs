//! The cinema ticket layout (one ticket per seat).

use super::job::{Job, Style};
use super::text::{fitting_multiplier, printable};
use crate::{Paper, PrintError};
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
    /// Film title in Arabic, may be empty. Not printed yet: printer code pages cannot join
    /// Arabic letters, so it will be printed as a raster image later.
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

/// Encodes one ticket as ESC/POS bytes, ending with a paper cut.
///
/// Fails with `print.qr_too_long` when the QR payload exceeds
/// [`MAX_QR_PAYLOAD_BYTES`](crate::MAX_QR_PAYLOAD_BYTES). `film_title_ar` is not printed (see [`TicketData::film_title_ar`]).
pub fn encode_ticket(t: &TicketData, paper: Paper) -> Result<Vec<u8>, PrintError> {
    let mut job = Job::start(paper)?;
    let columns = paper.columns();
    let qr_module_dots = match paper {
        Paper::Mm80 => 6,
        Paper::Mm58 => 5,
    };

    job.center()?;
    let chain_width = fitting_multiplier(&printable(&t.chain_name), columns, 2);
    job.paragraph(&t.chain_name, Style::new(true, chain_width, 1))?
        .paragraph(&t.site_name, Style::NORMAL)?
        .rule('=')?
        .blank(1)?
        .paragraph(&t.film_title_en, Style::new(true, 2, 2))?
        .badge(&t.rating, Style::BOLD)?
        .blank(1)?
        .paragraph(&t.screen, Style::new(true, 1, 2))?
        .paragraph(&date_time(t), Style::new(true, 1, 2))?
        .rule('-')?;

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

/// "Thu 26 Nov 2026  19:30", or whichever part is present.
fn date_time(t: &TicketData) -> String {
    [t.date_local.trim(), t.time_local.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("  ")
}

//! The seat change slip: proof for the customer and the usher that a seat was exchanged.

use super::job::{Job, Style};
use super::text::{fitting_multiplier, printable};
use crate::{Paper, PrintError};
use serde::{Deserialize, Serialize};

/// Everything printed on a seat change slip. All strings are already localised and formatted
/// by the caller; blank parts are left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChangeSlipData {
    /// Cinema chain.
    pub chain_name: String,
    /// Site.
    pub site_name: String,
    /// Order reference of the original sale.
    pub order_ref: String,
    /// The seat given up, e.g. "F-12".
    pub old_seat: String,
    /// The seat taken instead, e.g. "G-14".
    pub new_seat: String,
    /// Film title.
    pub film_title: String,
    /// The show, e.g. "Thu 26 Nov 2026 19:30 - Screen 1".
    pub showtime: String,
    /// Why the seat was changed.
    pub reason: String,
    /// Supervisor who authorised the change.
    pub supervisor: String,
    /// When the slip was issued (local time).
    pub issued_at_local: String,
    /// Last line, e.g. "Terminal T1 - Cashier Demo".
    pub footer: String,
}

/// Encodes a seat change slip as ESC/POS bytes, ending with a paper cut: "SEAT CHANGE", the
/// show, "old -> new" in large letters, the order, reason and supervisor, and a line for
/// the supervisor's signature.
pub fn encode_change_slip(s: &ChangeSlipData, paper: Paper) -> Result<Vec<u8>, PrintError> {
    let mut job = Job::start(paper)?;
    let columns = paper.columns();
    job.center()?;
    let chain_width = fitting_multiplier(&printable(&s.chain_name), columns, 2);
    job.paragraph(&s.chain_name, Style::new(true, chain_width, 1))?
        .paragraph(&s.site_name, Style::NORMAL)?
        .rule('=')?
        .badge("SEAT CHANGE", Style::new(true, 2, 2))?
        .blank(1)?
        .paragraph(&s.film_title, Style::BOLD)?
        .paragraph(&s.showtime, Style::NORMAL)?
        .rule('-')?;
    let seats = format!("{} -> {}", s.old_seat.trim(), s.new_seat.trim());
    let size = fitting_multiplier(&printable(&seats), columns, 2);
    job.paragraph(&seats, Style::new(true, size, size))?
        .rule('-')?
        .left()?;
    for (label, value) in [
        ("Order", &s.order_ref),
        ("Old seat", &s.old_seat),
        ("New seat", &s.new_seat),
        ("Issued", &s.issued_at_local),
    ] {
        if !value.trim().is_empty() {
            job.two_columns(label, value, Style::NORMAL)?;
        }
    }
    if !s.reason.trim().is_empty() {
        job.paragraph(&format!("Reason: {}", s.reason.trim()), Style::NORMAL)?;
    }
    if !s.supervisor.trim().is_empty() {
        job.paragraph(
            &format!("Authorised by: {}", s.supervisor.trim()),
            Style::BOLD,
        )?;
    }
    let signature_line: String = "_".repeat(columns.saturating_sub(11));
    job.blank(2)?
        .paragraph(&format!("Signature: {signature_line}"), Style::NORMAL)?
        .center()?
        .blank(1)?
        .paragraph(&s.footer, Style::NORMAL)?
        .blank(1)?;
    job.finish()
}

//! The cash receipt (simplified tax invoice) layout.

use super::job::{Job, Style};
use super::text::{fitting_multiplier, printable};
use crate::{Paper, PrintError};
use serde::{Deserialize, Serialize};

/// Lines of a cash receipt (simplified tax invoice), minimal for now. All strings are already
/// localised and formatted by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReceiptData {
    /// Centered header; the first line is printed bold and as wide as fits.
    pub header_lines: Vec<String>,
    /// Items: left text, right amount.
    pub lines: Vec<(String, String)>,
    /// Totals (bold): left label, right amount.
    pub totals: Vec<(String, String)>,
    /// Centered footer.
    pub footer_lines: Vec<String>,
}

/// Encodes a receipt as ESC/POS bytes: a cash drawer kick (ESC p, pin 2) first when
/// `open_drawer`, a paper cut at the end.
pub fn encode_receipt(
    r: &ReceiptData,
    paper: Paper,
    open_drawer: bool,
) -> Result<Vec<u8>, PrintError> {
    let mut job = Job::start(paper)?;
    if open_drawer {
        job.drawer_kick()?;
    }

    job.center()?;
    for (i, line) in r.header_lines.iter().enumerate() {
        let style = if i == 0 {
            Style::new(
                true,
                fitting_multiplier(&printable(line), job.paper().columns(), 2),
                1,
            )
        } else {
            Style::NORMAL
        };
        job.paragraph(line, style)?;
    }
    job.rule('-')?.left()?;
    for (text, amount) in &r.lines {
        job.two_columns(text, amount, Style::NORMAL)?;
    }
    job.rule('-')?;
    for (label, amount) in &r.totals {
        job.two_columns(label, amount, Style::BOLD)?;
    }
    if !r.totals.is_empty() {
        job.rule('=')?;
    }
    job.center()?.blank(1)?;
    for line in &r.footer_lines {
        job.paragraph(line, Style::NORMAL)?;
    }
    job.blank(1)?;
    job.finish()
}

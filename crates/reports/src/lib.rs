//! Day reports: the figures of a business day ([`DayReport`]) and their
//! forms — CSV for spreadsheets, PDF (Arabic titles shaped), and the lines
//! printed on the counter's thermal printer. Building the figures is the
//! terminal's and central's business; this crate only shows them.

pub mod csv_form;
mod format;
pub mod model;
pub mod pdf_form;
pub mod printed;
pub mod tables;

pub use format::{local_time, major};
pub use model::*;

/// Errors while writing a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The CSV writer failed.
    #[error("cannot write the CSV: {0}")]
    Csv(String),
    /// The PDF could not be made.
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
}

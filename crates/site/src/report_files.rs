//! Day reports as files: JSON, CSV (for a spreadsheet) and PDF.

use crate::api::ReportFile;
use crate::error::{Result, SiteError};
use base64::Engine as _;
use reports::{DayReport, ReportKind};

/// The formats a report is written in.
pub const FORMATS: [&str; 3] = ["json", "csv", "pdf"];

/// `report` written in `format` (`json`, `csv` or `pdf`): its bytes and media type.
pub fn report_bytes(report: &DayReport, format: &str) -> Result<(Vec<u8>, &'static str)> {
    let failed = |e: reports::ReportError| SiteError::Corrupt(e.to_string());
    match format {
        "json" => serde_json::to_vec_pretty(report)
            .map(|b| (b, "application/json"))
            .map_err(|e| SiteError::Corrupt(e.to_string())),
        "csv" => reports::csv_form::csv(report)
            .map(|b| (b, "text/csv; charset=utf-8"))
            .map_err(failed),
        "pdf" => reports::pdf_form::pdf(report)
            .map(|b| (b, "application/pdf"))
            .map_err(failed),
        other => Err(SiteError::Invalid(format!(
            "'{other}' is not a report format (json, csv or pdf)"
        ))),
    }
}

/// `report` as a file to save, named after its kind, terminal and day.
pub fn report_file(report: &DayReport, format: &str) -> Result<ReportFile> {
    let (bytes, mime) = report_bytes(report, format)?;
    let kind = match report.kind {
        ReportKind::X => "x",
        ReportKind::Z => "z",
        ReportKind::Site => "site",
    };
    let whose = match report.kind {
        ReportKind::Site => report.site_id.clone(),
        _ => report.terminals.join("-"),
    };
    Ok(ReportFile {
        name: format!("{kind}-{whose}-{}.{format}", report.business_day),
        mime: mime.to_string(),
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

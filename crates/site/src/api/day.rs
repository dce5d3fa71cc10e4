//! The business day's reports: X (so far), Z (closed), and their files.

use super::*;
pub use reports::DayReport;

/// `day_report` / `day_close` arguments.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayArgs {
    /// Session token of a supervisor or a manager (a manager to close the day).
    pub token: String,
    /// The business day, `YYYY-MM-DD`; the current one if absent.
    #[serde(default)]
    #[ts(optional)]
    pub day: Option<String>,
}

/// A closed day's Z report and its printout.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayClosed {
    /// The report as kept.
    pub report: DayReport,
    /// The printout.
    pub printout: Printout,
}

/// `day_report_file` arguments.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayFileArgs {
    /// Session token of a supervisor or a manager.
    pub token: String,
    /// `x` (the day so far), `z` (the closed day as kept) or `site` (the
    /// whole site's day from central).
    pub kind: String,
    /// The business day; the current one if absent (X only).
    #[serde(default)]
    #[ts(optional)]
    pub day: Option<String>,
    /// `pdf` or `csv`.
    pub format: String,
}

/// A report as a file to save.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportFile {
    /// A file name, e.g. `z-bah-seef-t1-2026-12-03.pdf`.
    pub name: String,
    /// Its media type.
    pub mime: String,
    /// Its bytes, base64.
    pub base64: String,
}

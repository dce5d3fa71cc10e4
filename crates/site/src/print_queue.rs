//! The terminal's printer and its persistent print queue.
//!
//! Every printout is a row of `print_jobs` holding the exact ESC/POS bytes,
//! written in the same transaction as the sale. A preview (`.bin` + a `.png`
//! decoded from the bytes) is written at once for the UI; sending to the
//! physical printer happens from the queue, never inside the sale.
//!
//! A job whose connection was refused stays `queued` and is retried. A job
//! whose link died mid-way is `interrupted`: it may be half printed, so it is
//! never resent on its own; staff reprint it, and a reprint is a new job
//! marked "REPRINT n".

use crate::api::Printout;
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::rules::layout::{JobKind, NewJob};
use crate::store::{self, ConfigKey, JobAttempt};
use jiff::Timestamp;
use printing::{Paper, PrintError, PrinterStatus};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// How long one job may take on a network printer.
pub const NETWORK_TIMEOUT: Duration = Duration::from_secs(3);

/// Where printouts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterTarget {
    /// The virtual printer: files in the data directory (demo, tests).
    Virtual,
    /// A raw network printer, `host:port` (port 9100 by default).
    Tcp(String),
    /// A device or file: `/dev/usb/lp0` (USB printers through the kernel's
    /// usblp driver), `/dev/ttyS0` or `/dev/ttyUSB0` (serial, configured with
    /// stty), or any file.
    Device(PathBuf),
}

impl FromStr for PrinterTarget {
    type Err = SiteError;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            SiteError::Invalid(format!(
                "printer '{s}' is not understood: use virtual, tcp:HOST[:PORT] or device:/dev/usb/lp0"
            ))
        };
        match s.split_once(':') {
            None if s == "virtual" => Ok(PrinterTarget::Virtual),
            Some(("tcp", addr)) if !addr.trim().is_empty() => {
                Ok(PrinterTarget::Tcp(addr.trim().to_string()))
            }
            Some(("device", path)) if path.starts_with('/') => {
                Ok(PrinterTarget::Device(PathBuf::from(path)))
            }
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for PrinterTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrinterTarget::Virtual => f.write_str("virtual"),
            PrinterTarget::Tcp(a) => write!(f, "tcp:{a}"),
            PrinterTarget::Device(p) => write!(f, "device:{}", p.display()),
        }
    }
}

/// The state of the print queue.
#[derive(Debug, Clone, Default, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PrintQueueState {
    /// Printer target, e.g. `virtual` or `tcp:10.0.0.5:9100`.
    pub printer: String,
    /// Paper width (`80mm` or `58mm`).
    pub paper: String,
    /// Jobs waiting for the printer.
    pub queued: u32,
    /// Jobs cut off mid-way that need a reprint.
    pub interrupted: u32,
    /// Last printer problem, if the last attempt failed.
    pub last_error: Option<String>,
}

/// Outcome of sending one job.
enum Delivery {
    Printed,
    /// Nothing reached the printer; retry later.
    Refused(String),
    /// Some bytes may have been printed.
    Interrupted(String),
}

fn send_to(target: &PrinterTarget, bytes: &[u8]) -> Delivery {
    match target {
        PrinterTarget::Virtual => Delivery::Printed,
        PrinterTarget::Tcp(addr) => match printing::tcp::send(addr, bytes, NETWORK_TIMEOUT) {
            Ok(()) => Delivery::Printed,
            Err(e @ (PrintError::Connect { .. } | PrintError::InvalidAddress { .. })) => {
                Delivery::Refused(e.to_string())
            }
            Err(e) => Delivery::Interrupted(e.to_string()),
        },
        PrinterTarget::Device(path) => {
            use std::io::Write;
            match std::fs::OpenOptions::new().append(true).open(path) {
                Err(e) => Delivery::Refused(format!("{}: {e}", path.display())),
                Ok(mut f) => match f.write_all(bytes).and_then(|()| f.flush()) {
                    Ok(()) => Delivery::Printed,
                    Err(e) => Delivery::Interrupted(format!("{}: {e}", path.display())),
                },
            }
        }
    }
}

impl Site {
    /// Queues printouts inside the caller's transaction (they commit with
    /// the change they belong to) and returns their job ids.
    pub(crate) fn enqueue_jobs(
        &self,
        conn: &rusqlite::Connection,
        jobs: &[NewJob],
        now: Timestamp,
    ) -> Result<Vec<String>> {
        let ids: Vec<String> = jobs
            .iter()
            .map(|_| self.ids.new_id(now).to_string())
            .collect();
        store::insert_print_jobs(conn, jobs, &ids, now)?;
        Ok(ids)
    }

    /// Delivers the jobs of a committed change: previews at once, then the
    /// printer (the virtual one now; a real one from the pump, woken here).
    /// Returns the previews of the jobs of `kinds` (all when empty) and the
    /// preview failures; a failed preview never undoes the change.
    pub(crate) async fn deliver(
        &self,
        jobs: &[NewJob],
        job_ids: &[String],
        kinds: &[JobKind],
    ) -> Result<(Vec<Printout>, Vec<String>)> {
        let mut printouts = Vec::new();
        let mut errors = Vec::new();
        for (job, id) in jobs.iter().zip(job_ids) {
            match self.preview(id) {
                Ok(p) if kinds.is_empty() || kinds.contains(&job.kind) => printouts.push(p),
                Ok(_) => {}
                Err(e) => errors.push(format!("{}: {e}", job.name)),
            }
        }
        if self.printer_target()? == PrinterTarget::Virtual {
            self.process_print_queue().await?;
        } else {
            self.print_kick.notify_one();
        }
        Ok((printouts, errors))
    }

    /// The configured printer (virtual until set).
    pub fn printer_target(&self) -> Result<PrinterTarget> {
        match store::config(&self.db(), ConfigKey::Printer)? {
            Some(t) => t.parse(),
            None => Ok(PrinterTarget::Virtual),
        }
    }

    /// The configured paper width (80 mm until set).
    pub fn paper(&self) -> Result<Paper> {
        match store::config(&self.db(), ConfigKey::Paper)? {
            Some(p) => p
                .parse()
                .map_err(|e: printing::ParsePaperError| SiteError::Corrupt(e.0)),
            None => Ok(Paper::Mm80),
        }
    }

    /// Sets the printer and paper width.
    pub fn set_printer(&self, target: &str, paper: Option<&str>) -> Result<PrintQueueState> {
        let target: PrinterTarget = target.parse()?;
        let paper = match paper {
            Some(p) => Some(
                p.parse::<Paper>()
                    .map_err(|e| SiteError::Invalid(format!("paper: {}", e.0)))?,
            ),
            None => None,
        };
        {
            let db = self.db();
            store::set_config(&db, store::ConfigKey::Printer, &target.to_string())?;
            if let Some(p) = paper {
                store::set_config(&db, store::ConfigKey::Paper, &p.to_string())?;
            }
        }
        self.print_queue_state()
    }

    /// The queue's figures.
    pub fn print_queue_state(&self) -> Result<PrintQueueState> {
        let printer = self.printer_target()?.to_string();
        let paper = self.paper()?.to_string();
        let db = self.db();
        let (queued, interrupted) = store::print_job_counts(&db)?;
        let last_error =
            store::config(&db, store::ConfigKey::PrinterError)?.filter(|e| !e.is_empty());
        Ok(PrintQueueState {
            printer,
            paper,
            queued,
            interrupted,
            last_error,
        })
    }

    /// Writes the preview files of a queued job and returns their paths.
    pub(crate) fn preview(&self, job_id: &str) -> Result<Printout> {
        let (name, bytes, kind, reprint) = store::print_job(&self.db(), job_id)?;
        let preview =
            printing::virtual_printer::VirtualPrinter::new(self.printer.dir(), self.paper()?);
        let out = preview.print(&name, &bytes)?;
        let bin = out.bin_path.to_string_lossy().into_owned();
        let png = out.png_path.to_string_lossy().into_owned();
        store::set_print_preview(&self.db(), job_id, &bin, &png)?;
        Ok(Printout {
            bin_path: bin,
            png_path: png,
            kind,
            reprint,
        })
    }

    /// Sends queued jobs to the printer in order; stops at the first failure
    /// (the printer is away). Returns how many printed.
    pub async fn process_print_queue(&self) -> Result<u32> {
        let target = self.printer_target()?;
        let mut printed = 0;
        loop {
            let next = store::next_queued_job(&self.db())?;
            let Some((id, bytes)) = next else { break };
            let t = target.clone();
            let sent = tokio::task::spawn_blocking(move || send_to(&t, &bytes))
                .await
                .map_err(|e| SiteError::Corrupt(format!("print worker failed: {e}")))?;
            let now = self.clock.now();
            let db = self.db();
            let (attempt, error) = match sent {
                Delivery::Printed => (JobAttempt::Printed, None),
                Delivery::Refused(e) => (JobAttempt::Refused, Some(e)),
                Delivery::Interrupted(e) => (JobAttempt::Interrupted, Some(e)),
            };
            store::record_print_attempt(&db, &id, attempt, error.as_deref(), now)?;
            store::set_config(&db, ConfigKey::PrinterError, error.as_deref().unwrap_or(""))?;
            if attempt != JobAttempt::Printed {
                break;
            }
            printed += 1;
        }
        Ok(printed)
    }

    /// The printer's real-time status (network printers answer DLE EOT).
    pub async fn printer_status(&self) -> Result<PrinterStatus> {
        match self.printer_target()? {
            PrinterTarget::Virtual => Ok(PrinterStatus::READY),
            PrinterTarget::Tcp(addr) => tokio::task::spawn_blocking(move || {
                printing::tcp::query_status(&addr, NETWORK_TIMEOUT)
            })
            .await
            .map_err(|e| SiteError::Corrupt(format!("status worker failed: {e}")))?
            .map_err(SiteError::Print),
            PrinterTarget::Device(path) => {
                let writable = std::fs::OpenOptions::new().append(true).open(&path).is_ok();
                Ok(PrinterStatus {
                    online: writable,
                    ..PrinterStatus::READY
                })
            }
        }
    }

    /// Queues and prints a test page.
    pub async fn print_test_page(&self) -> Result<Printout> {
        let site = self.site_row()?;
        let bytes = printing::encode_test_page(
            &format!("{} - {}", site.name, self.config()?.terminal_id),
            self.paper()?,
        )?;
        self.print_standalone(JobKind::TestPage, "test-page", bytes)
            .await
    }

    /// Prints a job of no order (a test page, a shift or day report, a
    /// drawer slip): queued as `{name}-{unix second}-{random}`, so that its
    /// preview's file name cannot be guessed from what a cashier knows, its
    /// preview returned, the queue kicked.
    pub(crate) async fn print_standalone(
        &self,
        kind: JobKind,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<Printout> {
        let now = self.clock.now();
        let ids = {
            let db = self.db();
            self.enqueue_jobs(
                &db,
                &[NewJob {
                    order_id: None,
                    kind,
                    seat_label: None,
                    bytes,
                    reprint_count: 0,
                    name: format!(
                        "{name}-{}-{}",
                        now.as_second(),
                        &self.ids.new_id(now).simple().to_string()[20..]
                    ),
                }],
                now,
            )?
        };
        let preview = self.preview(&ids[0])?;
        self.process_print_queue().await?;
        Ok(preview)
    }
}

impl Site {
    /// The printer for the status bar: queue figures and live status.
    pub async fn printer_view(&self) -> Result<crate::api::PrinterView> {
        let queue = self.print_queue_state()?;
        let (ready, mut problem, paper_low) = match self.printer_status().await {
            Ok(st) => {
                let problem = if !st.online && !st.paper_out && !st.cover_open {
                    Some("printer offline".to_string())
                } else if st.paper_out {
                    Some("paper out".to_string())
                } else if st.cover_open {
                    Some("cover open".to_string())
                } else if st.error {
                    Some("printer error".to_string())
                } else {
                    None
                };
                (st.is_ready(), problem, st.paper_near_end)
            }
            Err(e) => (false, Some(format!("printer not reachable: {e}")), false),
        };
        if problem.is_none() && queue.interrupted > 0 {
            problem = Some(format!(
                "{} printout(s) cut off: reprint them",
                queue.interrupted
            ));
        }
        Ok(crate::api::PrinterView {
            printer: queue.printer,
            paper: queue.paper,
            queued: queue.queued,
            interrupted: queue.interrupted,
            ready,
            problem,
            paper_low,
        })
    }
}

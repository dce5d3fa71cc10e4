//! A printer that writes files instead of paper, for development, demos and tests: called
//! directly ([`VirtualPrinter`]) or as a network printer ([`TcpVirtualPrinter`]).

mod network;

pub use network::{DEFAULT_IDLE_TIMEOUT, JobEnd, ReceivedJob, TcpVirtualPrinter};

use crate::{Paper, PrintError, decode, render};
use std::fs;
use std::path::PathBuf;

/// A printer that writes each job to `<dir>/<name>.bin` (raw bytes) and `<dir>/<name>.png`
/// (decoded + rendered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualPrinter {
    dir: PathBuf,
    paper: Paper,
}

/// The files a virtual print job produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printout {
    /// The raw ESC/POS bytes.
    pub bin_path: PathBuf,
    /// The rendered paper.
    pub png_path: PathBuf,
}

impl VirtualPrinter {
    /// A printer writing into `dir` (created on first print) on `paper`.
    pub fn new(dir: impl Into<PathBuf>, paper: Paper) -> Self {
        Self {
            dir: dir.into(),
            paper,
        }
    }

    /// The directory jobs are written to.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// The paper width rendered.
    pub fn paper(&self) -> Paper {
        self.paper
    }

    /// Writes the job's bytes, then decodes and renders them. `job_name` must be a plain file
    /// name stem (letters, digits, `.`, `-`, `_`; not starting with `.`). An existing job of
    /// the same name is overwritten. The `.bin` file is written even when decoding fails.
    pub fn print(&self, job_name: &str, bytes: &[u8]) -> Result<Printout, PrintError> {
        check_job_name(job_name)?;
        fs::create_dir_all(&self.dir)?;
        let bin_path = self.dir.join(format!("{job_name}.bin"));
        let png_path = self.dir.join(format!("{job_name}.png"));
        fs::write(&bin_path, bytes)?;
        let decoded = decode::decode(bytes)?;
        let png = render::render_png(&decoded, self.paper)?;
        fs::write(&png_path, png)?;
        Ok(Printout { bin_path, png_path })
    }
}

fn check_job_name(name: &str) -> Result<(), PrintError> {
    let plain = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if plain {
        Ok(())
    } else {
        Err(PrintError::InvalidJobName(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_cannot_escape_the_directory() {
        for bad in ["", "../x", "a/b", ".hidden", "a b", "x\0"] {
            let err = check_job_name(bad).unwrap_err();
            assert_eq!(err.code(), "print.job_name", "{bad:?}");
        }
        for good in ["ticket-1", "order_42.seat-F12", "A1"] {
            assert!(check_job_name(good).is_ok(), "{good:?}");
        }
    }
}

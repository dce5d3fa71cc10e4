//! Opening a configured counter: the app and `boxoffice-site serve` sell
//! only for a terminal that is set up and whose database is sound. Anything
//! else is a [`StartupProblem`] that says what is wrong and what to do;
//! it never falls back to the demo (the demo is asked for by name).

use crate::clock::{Clock, IdSource};
use crate::engine::{DB_FILE, Site};
use crate::error::ErrorBody;
use crate::store::check_integrity;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a counter cannot sell, for the start-up screen and the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupProblem {
    /// Stable code: `terminal.missing`, `terminal.not_set_up`,
    /// `terminal.damaged` or `terminal.unreadable`.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub what: String,
    /// What to do about it.
    pub todo: String,
    /// The terminal's data directory.
    pub dir: PathBuf,
}

impl std::fmt::Display for StartupProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.what, self.todo)
    }
}

impl std::error::Error for StartupProblem {}

impl From<StartupProblem> for crate::SiteError {
    fn from(p: StartupProblem) -> Self {
        crate::SiteError::Startup {
            code: p.code,
            message: p.to_string(),
        }
    }
}

impl StartupProblem {
    fn missing(dir: &Path) -> Self {
        StartupProblem {
            code: "terminal.missing",
            what: format!("The terminal directory {} does not exist.", dir.display()),
            todo: format!(
                "Check the data directory this counter is started with (BOXOFFICE_DATA or --data). \
                 A new counter is set up with its provisioning file: \
                 boxoffice-site --data {} provision --file FILE",
                dir.display()
            ),
            dir: dir.to_path_buf(),
        }
    }

    fn not_set_up(dir: &Path) -> Self {
        StartupProblem {
            code: "terminal.not_set_up",
            what: format!("{} holds no set-up terminal.", dir.display()),
            todo: format!(
                "Set this counter up with its provisioning file from central IT: \
                 boxoffice-site --data {} provision --file FILE",
                dir.display()
            ),
            dir: dir.to_path_buf(),
        }
    }

    fn damaged(dir: &Path, detail: &str) -> Self {
        StartupProblem {
            code: "terminal.damaged",
            what: format!(
                "The terminal database in {} is damaged ({detail}); nothing is sold from it.",
                dir.display()
            ),
            todo: format!(
                "Restore the newest backup: boxoffice-site --data {} restore --latest \
                 (the damaged file is kept beside it for central IT), then start again.",
                dir.display()
            ),
            dir: dir.to_path_buf(),
        }
    }

    fn unreadable(dir: &Path, detail: &str) -> Self {
        StartupProblem {
            code: "terminal.unreadable",
            what: format!(
                "The terminal directory {} cannot be read: {detail}.",
                dir.display()
            ),
            todo: "Check that the app runs as the user that owns the directory (its files are \
                   readable by that user only)."
                .to_string(),
            dir: dir.to_path_buf(),
        }
    }

    /// The problem as the engine's error body, for the UI's start-up screen.
    pub fn body(&self) -> ErrorBody {
        let mut params = BTreeMap::new();
        params.insert("dir".to_string(), self.dir.display().to_string());
        params.insert("todo".to_string(), self.todo.clone());
        ErrorBody {
            code: self.code.to_string(),
            message: self.what.clone(),
            params: Some(params),
        }
    }
}

/// Opens the terminal in `dir` for selling: it must exist, hold a database
/// that passes SQLite's integrity check, and be set up against central.
/// Never creates anything that is missing.
pub fn open_configured(
    dir: &Path,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
) -> Result<Site, StartupProblem> {
    check_files(dir)?;
    check_integrity(&dir.join(DB_FILE)).map_err(|detail| StartupProblem::damaged(dir, &detail))?;
    let site = Site::open(dir, clock, ids, false)
        .map_err(|e| StartupProblem::damaged(dir, &e.to_string()))?;
    match site.config() {
        Ok(_) => Ok(site),
        Err(crate::SiteError::NotInitialised) => Err(StartupProblem::not_set_up(dir)),
        Err(e) => Err(StartupProblem::damaged(dir, &e.to_string())),
    }
}

/// Whether a new terminal may be set up in `dir`: it is missing, empty, or
/// a terminal directory already. Anything else (a mistyped `--data ~`) is
/// refused before its files are made private.
pub fn check_new_terminal_dir(dir: &Path) -> Result<(), crate::SiteError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut any = false;
    for entry in entries {
        let name = entry?.file_name();
        if name == DB_FILE {
            return Ok(());
        }
        // What the CLI may have made before set-up (a seeded simulation's counter).
        if name != "sim-ids.counter" {
            any = true;
        }
    }
    if any {
        return Err(crate::SiteError::Invalid(format!(
            "{} is not empty and is not a terminal directory: set a terminal up in a new directory",
            dir.display()
        )));
    }
    Ok(())
}

/// The directory exists and holds a database file (no integrity check).
pub fn check_files(dir: &Path) -> Result<(), StartupProblem> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(StartupProblem::unreadable(
                dir,
                "it is a file, not a directory",
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StartupProblem::missing(dir));
        }
        Err(e) => return Err(StartupProblem::unreadable(dir, &e.to_string())),
    }
    match std::fs::metadata(dir.join(DB_FILE)) {
        Ok(m) if m.len() == 0 => Err(StartupProblem::not_set_up(dir)),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StartupProblem::not_set_up(dir)),
        Err(e) => Err(StartupProblem::unreadable(dir, &e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{SystemClock, V7Ids};

    fn open(dir: &Path) -> Result<Site, StartupProblem> {
        open_configured(dir, Arc::new(SystemClock), Arc::new(V7Ids))
    }

    #[test]
    fn a_missing_directory_is_named_and_not_created() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("typo");
        let problem = open(&dir).err().unwrap();
        assert_eq!(problem.code, "terminal.missing");
        assert!(problem.what.contains("typo"), "{problem}");
        assert!(!dir.exists(), "nothing is created");
    }

    #[test]
    fn an_empty_directory_or_a_bare_database_is_not_set_up() {
        let root = tempfile::tempdir().unwrap();
        assert_eq!(open(root.path()).err().unwrap().code, "terminal.not_set_up");
        drop(Site::open(root.path(), Arc::new(SystemClock), Arc::new(V7Ids), false).unwrap());
        let problem = open(root.path()).err().unwrap();
        assert_eq!(problem.code, "terminal.not_set_up");
        assert!(problem.todo.contains("provision --file"), "{problem}");
    }

    #[test]
    fn a_damaged_database_is_refused_with_the_way_out() {
        let root = tempfile::tempdir().unwrap();
        drop(Site::open(root.path(), Arc::new(SystemClock), Arc::new(V7Ids), false).unwrap());
        let db = root.path().join(DB_FILE);
        // Overwrite the middle of the file: the header survives, the pages do not.
        let mut bytes = std::fs::read(&db).unwrap();
        assert!(bytes.len() > 8192);
        for b in &mut bytes[4096..8192] {
            *b = 0xA5;
        }
        std::fs::write(&db, &bytes).unwrap();
        let problem = open(root.path()).err().unwrap();
        assert_eq!(problem.code, "terminal.damaged", "{problem}");
        assert!(problem.todo.contains("restore --latest"), "{problem}");
        let body = problem.body();
        assert_eq!(body.code, "terminal.damaged");
        assert!(body.params.unwrap().contains_key("todo"));
    }
}

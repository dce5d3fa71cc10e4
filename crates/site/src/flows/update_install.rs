//! Installing a staged update, in two halves (`rules::update_install` says
//! when).
//!
//! - **The counter** (the app, `serve`), running as the counter's user: the
//!   screen reports whether an order is being built or a payment is open;
//!   when it is idle (or at start) and a newer version is staged, the
//!   counter asks for it to be installed by writing
//!   `updates/install.request`. Once root says it is installed, the app
//!   restarts into it as soon as the counter is idle again.
//! - **Root** (`boxoffice --install-update`, run by the package's
//!   `boxoffice-update` service when the request appears): checks the staged
//!   package again from scratch (the counter's user can write the data
//!   directory, so nothing there is believed: the bytes are read once,
//!   verified against the chain's update key and the version root runs, and
//!   installed from a copy only root can touch), runs the package manager
//!   and writes the outcome to `updates/outcome.json` for the counter, the
//!   log and the diagnostics screen. A package refused here is deleted.
//!
//! Shared look-ups: the updates folder's names and the running version from
//! `flows::updates`.

use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::flows::updates::{STAGED_FILE, UPDATES_DIR};
use crate::private_files::replace_private;
use crate::rules::update_check::verify_update;
use crate::rules::update_install::{
    Activity, InstallOutcome, InstallStep, install_command, next_install_step,
};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// The counter's request to root (`updates/install.request`).
pub const REQUEST_FILE: &str = "install.request";
/// Root's answer (`updates/outcome.json`).
pub const OUTCOME_FILE: &str = "outcome.json";
/// The version the app last restarted for (`updates/restarted-for`).
const RESTARTED_FILE: &str = "restarted-for";

/// Root's last answer in the updates directory `dir`, if readable.
pub fn read_outcome(dir: &Path) -> Option<InstallOutcome> {
    let text = std::fs::read_to_string(dir.join(OUTCOME_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Root's checks of the directories it works in: real directories, not
/// symbolic links, owned by the counter's user. Returns that owner.
fn checked_dirs(data_dir: &Path, dir: &Path) -> std::result::Result<Option<(u32, u32)>, String> {
    let data =
        std::fs::symlink_metadata(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
    let updates = std::fs::symlink_metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !data.is_dir() || !updates.is_dir() {
        return Err(format!(
            "{} and {} must be directories, not links",
            data_dir.display(),
            dir.display()
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if updates.uid() != data.uid() {
            return Err(format!("{} is not the counter's own", dir.display()));
        }
        Ok(Some((data.uid(), data.gid())))
    }
    #[cfg(not(unix))]
    Ok(None)
}

impl Site {
    /// The screen says whether an order is being built or a payment is open
    /// (`busy`); an idle counter may then install a staged update or
    /// restart into an installed one.
    pub fn report_activity(&self, busy: bool) -> Result<InstallStep> {
        let now = self.clock.now();
        {
            let mut activity = self
                .activity
                .lock()
                .map_err(|_| SiteError::Corrupt("activity lock poisoned".into()))?;
            *activity = Activity {
                busy,
                reported_at: Some(now),
            };
        }
        self.advance_update_install()
    }

    /// The installed version the app should restart into now, once: found
    /// due by whichever caller advanced the install ([`Site::advance_update_install`]).
    pub fn take_restart_due(&self) -> Option<String> {
        self.restart_due.lock().ok().and_then(|mut due| due.take())
    }

    /// The next step as things stand in the updates folder `dir` at `now`,
    /// with root's last answer.
    fn install_step(
        &self,
        dir: &Path,
        now: Timestamp,
    ) -> Result<(InstallStep, Option<InstallOutcome>)> {
        let outcome = read_outcome(dir);
        let step = next_install_step(
            self.staged_version()?.as_deref(),
            outcome.as_ref(),
            dir.join(REQUEST_FILE).exists(),
            crate::flows::updates::RUNNING_VERSION,
            self.counter_idle(now),
            now,
        );
        Ok((step, outcome))
    }

    fn counter_idle(&self, now: Timestamp) -> bool {
        self.activity.lock().map(|a| a.idle(now)).unwrap_or(false)
    }

    /// Takes the next step towards running a staged update: asks root to
    /// install it when the counter is idle; says when the app should
    /// restart into an installed one ([`InstallStep::Restart`]).
    pub fn advance_update_install(&self) -> Result<InstallStep> {
        let now = self.clock.now();
        let dir = self.data_dir().join(UPDATES_DIR);
        let (step, _) = self.install_step(&dir, now)?;
        match &step {
            InstallStep::Request(version) => {
                let request = serde_json::json!({
                    "version": version,
                    "requested_at": now.to_string(),
                });
                replace_private(
                    &dir.join(REQUEST_FILE),
                    request.to_string().as_bytes(),
                    None,
                )?;
                tracing::info!(%version, "update install requested: the counter is idle");
            }
            InstallStep::WaitForIdle(version) => {
                tracing::debug!(%version, "update waits: an order or a payment is open");
            }
            InstallStep::Restart(version) => {
                // Once per version: a package whose app did not turn out
                // newer must not restart the counter over and over.
                let marker = dir.join(RESTARTED_FILE);
                if std::fs::read_to_string(&marker).is_ok_and(|v| v.trim() == version) {
                    tracing::debug!(%version, "already restarted for this update once");
                    return Ok(InstallStep::Nothing);
                }
                replace_private(&marker, version.as_bytes(), None)?;
                if let Ok(mut due) = self.restart_due.lock() {
                    *due = Some(version.clone());
                }
                tracing::info!(%version, "update installed: restarting into it");
            }
            InstallStep::Requested(_) | InstallStep::Nothing => {}
        }
        Ok(step)
    }

    /// Where installing stands, for the diagnostics screen: a code
    /// (`waiting`, `requested`, `installed`, `refused`, `failed`) and what
    /// was said.
    pub fn install_progress(&self) -> Result<(Option<String>, Option<String>)> {
        let dir = self.data_dir().join(UPDATES_DIR);
        let (step, outcome) = self.install_step(&dir, self.clock.now())?;
        Ok(match (step, outcome) {
            (InstallStep::Requested(v), _) => (
                Some("requested".into()),
                Some(format!("{v}: asked to install")),
            ),
            (InstallStep::Restart(v) | InstallStep::WaitForIdle(v), Some(o))
                if o.outcome == "installed" && o.version == v =>
            {
                (
                    Some("installed".into()),
                    Some(format!(
                        "{v} installed at {}; the app restarts into it when idle",
                        o.at
                    )),
                )
            }
            (InstallStep::WaitForIdle(v) | InstallStep::Request(v), _) => (
                Some("waiting".into()),
                Some(format!("{v}: waits until no order or payment is open")),
            ),
            (_, Some(o)) => (
                Some(o.outcome.clone()),
                Some(format!("{}: {}", o.version, o.message)),
            ),
            (_, None) => (None, None),
        })
    }
}

/// What root needs to install: the checked package bytes and their manifest.
struct Staged {
    manifest: protocol::UpdateManifest,
    package: PathBuf,
}

fn read_staged(dir: &Path) -> std::result::Result<Staged, String> {
    let text = std::fs::read_to_string(dir.join(STAGED_FILE))
        .map_err(|e| format!("nothing staged: {e}"))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("staged.json unreadable: {e}"))?;
    let manifest: protocol::UpdateManifest = serde_json::from_value(v["manifest"].clone())
        .map_err(|e| format!("staged.json names no manifest: {e}"))?;
    // Only a plain file of the updates directory, by its own name.
    let name = v["file"]
        .as_str()
        .and_then(|f| Path::new(f).file_name())
        .filter(|n| staged_package_name(n))
        .ok_or("staged.json names no staged package")?;
    Ok(Staged {
        manifest,
        package: dir.join(name),
    })
}

/// A directory only root (the running user) can enter, for the checked copy.
fn private_copy(bytes: &[u8], version: &str) -> std::io::Result<(PathBuf, PathBuf)> {
    let dir = std::env::temp_dir().join(format!(
        "boxoffice-install-{}-{}",
        std::process::id(),
        Timestamp::now().as_millisecond()
    ));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir)?;
    let file = dir.join(format!("boxoffice-{version}.pkg"));
    std::fs::write(&file, bytes)?;
    Ok((dir, file))
}

/// Keeps root's answer where the counter's user can read it (given to
/// `owner`), and answers the request.
fn keep_outcome(dir: &Path, owner: Option<(u32, u32)>, outcome: &InstallOutcome) -> Result<()> {
    let text = serde_json::to_string(outcome)
        .map_err(|e| SiteError::Corrupt(format!("cannot encode the outcome: {e}")))?;
    replace_private(&dir.join(OUTCOME_FILE), text.as_bytes(), owner)?;
    let _ = std::fs::remove_file(dir.join(REQUEST_FILE));
    Ok(())
}

/// Whether `name` is a package name the counter stages
/// (`boxoffice-<version>-<file>.pkg`): root deletes nothing else.
fn staged_package_name(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with("boxoffice-") && n.ends_with(".pkg") && !n.contains('/'))
}

/// Root's half: installs the update staged in `data_dir` if the counter
/// asked for it, after checking it again with the `trusted` keys for
/// package type `target` over the `running` version; into `root` when
/// given (a scratch root). Returns the outcome, also kept for the counter.
pub fn install_staged(
    data_dir: &Path,
    trusted: &[String],
    target: &str,
    running: &str,
    root: Option<&Path>,
) -> Result<InstallOutcome> {
    let dir = data_dir.join(UPDATES_DIR);
    if !dir.join(REQUEST_FILE).exists() {
        return Err(SiteError::Invalid(format!(
            "the counter has not asked for an installation ({} is missing)",
            dir.join(REQUEST_FILE).display()
        )));
    }
    let owner = checked_dirs(data_dir, &dir).map_err(SiteError::Invalid)?;
    let answer = |version: &str, outcome: &str, message: String| InstallOutcome {
        version: version.to_string(),
        outcome: outcome.to_string(),
        message,
        at: Timestamp::now().to_string(),
    };
    let staged = match read_staged(&dir) {
        Ok(s) => s,
        Err(why) => {
            let outcome = answer("?", "refused", why);
            tracing::error!(message = %outcome.message, "update install refused");
            keep_outcome(&dir, owner, &outcome)?;
            return Ok(outcome);
        }
    };
    let version = staged.manifest.version.clone();
    let bytes = std::fs::symlink_metadata(&staged.package)
        .ok()
        .filter(|m| m.is_file() && m.len() <= crate::flows::updates::MAX_PACKAGE_BYTES)
        .and_then(|_| std::fs::read(&staged.package).ok());
    let checked = match bytes {
        None => Err(format!(
            "the staged package {} is missing or not a plain file",
            staged.package.display()
        )),
        Some(bytes) => verify_update(&staged.manifest, &bytes, target, trusted, running)
            .map(|_| bytes)
            .map_err(|refusal| format!("{} ({})", refusal, refusal.code())),
    };
    let bytes = match checked {
        Ok(bytes) => bytes,
        Err(why) => {
            // Never tried again: the counter downloads afresh at its next check.
            let _ = std::fs::remove_file(&staged.package);
            let _ = std::fs::remove_file(dir.join(STAGED_FILE));
            let outcome = answer(&version, "refused", why);
            tracing::error!(%version, message = %outcome.message, "update install refused");
            keep_outcome(&dir, owner, &outcome)?;
            return Ok(outcome);
        }
    };
    let (copy_dir, copy) = private_copy(&bytes, &version)?;
    let ran = install_command(target, &copy, root)
        .map_err(|e| e.to_string())
        .and_then(|(program, args)| {
            tracing::info!(%version, %program, "installing update");
            std::process::Command::new(&program)
                .args(&args)
                .output()
                .map_err(|e| format!("cannot run {program}: {e}"))
        });
    let _ = std::fs::remove_dir_all(&copy_dir);
    let outcome = match ran {
        Ok(out) if out.status.success() => {
            let _ = std::fs::remove_file(&staged.package);
            answer(&version, "installed", "installed".into())
        }
        Ok(out) => {
            let said = String::from_utf8_lossy(&out.stderr);
            let tail: Vec<&str> = said.lines().rev().take(3).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            answer(
                &version,
                "failed",
                format!("{} ({})", tail.join(" / "), out.status),
            )
        }
        Err(why) => answer(&version, "failed", why),
    };
    if outcome.outcome == "installed" {
        tracing::info!(%version, "update installed");
    } else {
        tracing::error!(%version, message = %outcome.message, "update install failed");
    }
    keep_outcome(&dir, owner, &outcome)?;
    Ok(outcome)
}

/// Root's half as the package's service runs it: the update keys from
/// `trust` or where the package keeps them, this system's package type and
/// this binary's version (the one installed).
pub fn run_installer(
    data_dir: &Path,
    trust: Option<&Path>,
    root: Option<&Path>,
) -> Result<InstallOutcome> {
    crate::boot::check_files(data_dir)?;
    // Without a key every package is refused (and says why), so that the
    // request is answered, not left to start the service again and again.
    let keys = crate::flows::updates::update_keys(trust).unwrap_or_else(|e| {
        tracing::error!(error = %e, "no update key to check the staged package with");
        Vec::new()
    });
    install_staged(
        data_dir,
        &keys,
        &crate::flows::updates::package_target(),
        crate::flows::updates::RUNNING_VERSION,
        root,
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn asked(data: &Path) -> PathBuf {
        let dir = data.join(UPDATES_DIR);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(REQUEST_FILE), "{}").unwrap();
        dir
    }

    #[test]
    fn root_follows_no_link_the_counters_user_planted() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("terminal");
        let dir = asked(&data);
        // A link where root writes its answer, and a package name that is not one.
        let precious = tmp.path().join("precious");
        std::fs::write(&precious, "keep me").unwrap();
        let temp = format!("{OUTCOME_FILE}.tmp-{}", std::process::id());
        std::os::unix::fs::symlink(&precious, dir.join(temp)).unwrap();
        std::fs::write(
            dir.join(STAGED_FILE),
            serde_json::json!({"version": "9.9.9", "file": "/x/precious", "manifest": {
                "version": "9.9.9", "notes": "", "pub_date": "", "url": "/u", "signature": "",
                "sha256": "", "size": 1}})
            .to_string(),
        )
        .unwrap();
        let outcome = install_staged(&data, &[], "linux-x86_64-deb", "0.1.0", None).unwrap();
        assert_eq!(outcome.outcome, "refused");
        assert!(
            outcome.message.contains("no staged package"),
            "{}",
            outcome.message
        );
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
        assert!(
            read_outcome(&dir).is_some(),
            "answered beside the link, not through it"
        );
        assert!(!dir.join(REQUEST_FILE).exists());
    }

    #[test]
    fn a_restart_found_due_by_the_screens_report_reaches_the_app_once() {
        let tmp = tempfile::tempdir().unwrap();
        let site = Site::open(
            tmp.path(),
            std::sync::Arc::new(crate::clock::SystemClock),
            std::sync::Arc::new(crate::clock::V7Ids),
            false,
        )
        .unwrap();
        let dir = tmp.path().join(UPDATES_DIR);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(STAGED_FILE), r#"{"version": "99.0.0"}"#).unwrap();
        let done = InstallOutcome {
            version: "99.0.0".into(),
            outcome: "installed".into(),
            message: "installed".into(),
            at: Timestamp::now().to_string(),
        };
        std::fs::write(
            dir.join(OUTCOME_FILE),
            serde_json::to_string(&done).unwrap(),
        )
        .unwrap();
        assert_eq!(
            site.report_activity(true).unwrap(),
            InstallStep::WaitForIdle("99.0.0".into())
        );
        assert_eq!(site.take_restart_due(), None, "not in the middle of a sale");
        assert_eq!(
            site.report_activity(false).unwrap(),
            InstallStep::Restart("99.0.0".into())
        );
        assert_eq!(site.take_restart_due().as_deref(), Some("99.0.0"));
        assert_eq!(site.take_restart_due(), None);
        // Once per version: later looks find nothing more to do.
        assert_eq!(site.advance_update_install().unwrap(), InstallStep::Nothing);
        assert_eq!(site.take_restart_due(), None);
    }

    #[test]
    fn root_refuses_an_updates_folder_that_is_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("terminal");
        std::fs::create_dir_all(&data).unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join(REQUEST_FILE), "{}").unwrap();
        std::os::unix::fs::symlink(&elsewhere, data.join(UPDATES_DIR)).unwrap();
        let refused = install_staged(&data, &[], "linux-x86_64-deb", "0.1.0", None);
        assert!(matches!(refused, Err(SiteError::Invalid(_))), "{refused:?}");
        let left: Vec<_> = std::fs::read_dir(&elsewhere).unwrap().collect();
        assert_eq!(left.len(), 1, "nothing written or removed there");
    }
}

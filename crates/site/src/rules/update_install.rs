//! When a staged update is installed and how (no input or output here).
//!
//! A counter installs only when nobody is in the middle of a sale: no seats
//! chosen, nothing in the basket, no payment open (the UI reports this as
//! the counter's activity), or at the next start. The installing itself is
//! done by root (the package's `boxoffice-update` service), which checks
//! the package again; after it, the app restarts into the new version as
//! soon as the counter is idle.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::path::Path;

/// A busy report older than this is forgotten: the screen that sent it is
/// gone (a closed browser tab in development; the app's own UI reports
/// every change and abandons an untouched order well before this).
pub const BUSY_FORGOTTEN_AFTER: SignedDuration = SignedDuration::from_mins(30);

/// After a failed installation (the package manager busy, say), how long
/// before the counter asks again.
pub const RETRY_FAILED_AFTER: SignedDuration = SignedDuration::from_hours(1);

/// What the counter's screen last said about itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity {
    /// An order is being built or a payment is open.
    pub busy: bool,
    /// When it said so.
    pub reported_at: Option<Timestamp>,
}

impl Activity {
    /// Whether an update may be installed or the app restarted at `now`.
    pub fn idle(&self, now: Timestamp) -> bool {
        match (self.busy, self.reported_at) {
            (false, _) | (true, None) => true,
            (true, Some(at)) => now.duration_since(at) > BUSY_FORGOTTEN_AFTER,
        }
    }
}

/// How root's installation of a staged version ended (`updates/outcome.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallOutcome {
    /// The version it was about.
    pub version: String,
    /// `installed`, `refused` (the package failed its checks again: it is
    /// thrown away) or `failed` (the package manager said no).
    pub outcome: String,
    /// What was said (the refusal, the package manager's last lines).
    pub message: String,
    /// When (RFC 3339).
    pub at: String,
}

/// What the counter does next about updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallStep {
    /// Nothing to install or restart into.
    Nothing,
    /// Something to do once the counter is idle.
    WaitForIdle(String),
    /// Ask root to install this staged version.
    Request(String),
    /// Already asked; root has not answered yet.
    Requested(String),
    /// This version is installed: restart into it.
    Restart(String),
}

fn newer(version: &str, running: &str) -> bool {
    match (
        semver::Version::parse(version),
        semver::Version::parse(running),
    ) {
        (Ok(v), Ok(r)) => v > r,
        _ => false,
    }
}

/// The next step, from the version `staged` (if any), root's last `outcome`,
/// whether a request is `pending`, the `running` version, and whether the
/// counter is `idle` at `now`.
pub fn next_install_step(
    staged: Option<&str>,
    outcome: Option<&InstallOutcome>,
    pending: bool,
    running: &str,
    idle: bool,
    now: Timestamp,
) -> InstallStep {
    // Installed and not yet running: restart into it, unless an even newer
    // version was staged meanwhile (that one is installed first).
    if let Some(done) = outcome.filter(|o| {
        o.outcome == "installed"
            && newer(&o.version, running)
            && !staged.is_some_and(|s| newer(s, &o.version))
    }) {
        return if idle {
            InstallStep::Restart(done.version.clone())
        } else {
            InstallStep::WaitForIdle(done.version.clone())
        };
    }
    let Some(version) = staged.filter(|v| newer(v, running)) else {
        return InstallStep::Nothing;
    };
    if pending {
        return InstallStep::Requested(version.to_string());
    }
    if let Some(last) = outcome.filter(|o| o.version == version) {
        let at = last.at.parse::<Timestamp>().ok();
        let may_retry = last.outcome == "failed"
            && at.is_some_and(|at| now.duration_since(at) > RETRY_FAILED_AFTER);
        if !may_retry {
            return InstallStep::Nothing;
        }
    }
    if idle {
        InstallStep::Request(version.to_string())
    } else {
        InstallStep::WaitForIdle(version.to_string())
    }
}

/// Why a package cannot be installed on this system.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("packages of type {0} are not installed by the counter (use the chain's deployment tool)")]
pub struct Unsupported(pub String);

/// The program and arguments that install `package`, a package of type
/// `target`, into the system, or into `root` (a scratch root, for tests and
/// image building) when given.
pub fn install_command(
    target: &str,
    package: &Path,
    root: Option<&Path>,
) -> Result<(String, Vec<OsString>), Unsupported> {
    let mut args: Vec<OsString> = Vec::new();
    let program = if target.ends_with("-deb") {
        if let Some(root) = root {
            let mut r = OsString::from("--root=");
            r.push(root);
            args.push(r);
            // Scripts run on the host with DPKG_ROOT set (the postinst
            // honours it), since the scratch root has no shell of its own.
            args.push("--force-script-chrootless".into());
            args.push("--force-not-root".into());
        }
        args.push("--install".into());
        "dpkg"
    } else if target.ends_with("-rpm") {
        if let Some(root) = root {
            args.push("--root".into());
            args.push(root.into());
        }
        args.push("--upgrade".into());
        "rpm"
    } else {
        return Err(Unsupported(target.to_string()));
    };
    args.push(package.into());
    Ok((program.to_string(), args))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn outcome(version: &str, what: &str, when: &str) -> InstallOutcome {
        InstallOutcome {
            version: version.into(),
            outcome: what.into(),
            message: String::new(),
            at: when.into(),
        }
    }

    const NOW: &str = "2026-12-05T12:00:00Z";

    #[test]
    fn a_busy_counter_waits_and_an_idle_one_asks_once() {
        let now = at(NOW);
        let step =
            |pending, idle| next_install_step(Some("0.1.1"), None, pending, "0.1.0", idle, now);
        assert_eq!(step(false, false), InstallStep::WaitForIdle("0.1.1".into()));
        assert_eq!(step(false, true), InstallStep::Request("0.1.1".into()));
        assert_eq!(step(true, true), InstallStep::Requested("0.1.1".into()));
        // Nothing staged, or nothing newer than what runs: nothing to do.
        assert_eq!(
            next_install_step(None, None, false, "0.1.0", true, now),
            InstallStep::Nothing
        );
        assert_eq!(
            next_install_step(Some("0.1.0"), None, false, "0.1.0", true, now),
            InstallStep::Nothing
        );
    }

    #[test]
    fn after_installing_the_app_restarts_only_when_idle_and_only_once() {
        let now = at(NOW);
        let done = outcome("0.1.1", "installed", NOW);
        assert_eq!(
            next_install_step(Some("0.1.1"), Some(&done), false, "0.1.0", false, now),
            InstallStep::WaitForIdle("0.1.1".into())
        );
        assert_eq!(
            next_install_step(Some("0.1.1"), Some(&done), false, "0.1.0", true, now),
            InstallStep::Restart("0.1.1".into())
        );
        // A newer one staged meanwhile is installed first.
        assert_eq!(
            next_install_step(Some("0.1.2"), Some(&done), false, "0.1.0", true, now),
            InstallStep::Request("0.1.2".into())
        );
        // Restarted into it: nothing more.
        assert_eq!(
            next_install_step(Some("0.1.1"), Some(&done), false, "0.1.1", true, now),
            InstallStep::Nothing
        );
    }

    #[test]
    fn a_refused_package_is_not_asked_again_and_a_failed_one_after_an_hour() {
        let refused = outcome("0.1.1", "refused", "2026-12-05T09:00:00Z");
        assert_eq!(
            next_install_step(Some("0.1.1"), Some(&refused), false, "0.1.0", true, at(NOW)),
            InstallStep::Nothing
        );
        let failed = outcome("0.1.1", "failed", "2026-12-05T11:30:00Z");
        assert_eq!(
            next_install_step(Some("0.1.1"), Some(&failed), false, "0.1.0", true, at(NOW)),
            InstallStep::Nothing
        );
        assert_eq!(
            next_install_step(
                Some("0.1.1"),
                Some(&failed),
                false,
                "0.1.0",
                true,
                at("2026-12-05T12:31:00Z")
            ),
            InstallStep::Request("0.1.1".into())
        );
        // A newer staged version is asked for whatever happened to the last.
        assert_eq!(
            next_install_step(Some("0.1.2"), Some(&refused), false, "0.1.0", true, at(NOW)),
            InstallStep::Request("0.1.2".into())
        );
    }

    #[test]
    fn a_busy_report_is_forgotten_after_half_an_hour() {
        let busy = Activity {
            busy: true,
            reported_at: Some(at("2026-12-05T11:45:00Z")),
        };
        assert!(!busy.idle(at(NOW)));
        assert!(busy.idle(at("2026-12-05T12:16:00Z")));
        assert!(Activity::default().idle(at(NOW)));
    }

    #[test]
    fn debs_and_rpms_have_their_installer_and_others_are_refused() {
        let pkg = Path::new("/d/updates/p.pkg");
        let (p, a) = install_command("linux-x86_64-deb", pkg, None).unwrap();
        assert_eq!(
            (p.as_str(), a),
            ("dpkg", vec!["--install".into(), pkg.into()])
        );
        let (_, a) = install_command("linux-x86_64-deb", pkg, Some(Path::new("/scratch"))).unwrap();
        assert_eq!(a[0], OsString::from("--root=/scratch"));
        let (p, a) = install_command("linux-x86_64-rpm", pkg, None).unwrap();
        assert_eq!(
            (p.as_str(), a),
            ("rpm", vec!["--upgrade".into(), pkg.into()])
        );
        assert!(install_command("windows-x86_64-nsis", pkg, None).is_err());
    }
}

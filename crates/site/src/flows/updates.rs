//! Updates in rings (API 1.7): ask central for a newer release in this
//! terminal's ring, download it, check it (`rules::update_check`: newer,
//! signed with the chain's update key, the bytes announced) and stage it in
//! `<data>/updates/` for installing when the counter is idle or at the next
//! start. Every check and its outcome is kept for the diagnostics screen
//! and the log; a refused package is never staged.

use crate::api::UpdateState;
use crate::engine::Site;
use crate::error::{Result, SiteError, UpdateRefusal};
use crate::rules::update_check::verify_update;
use crate::store::{self, ConfigKey};
use std::path::{Path, PathBuf};

/// Where a counter finds the chain's update public key when not told.
#[cfg(not(windows))]
pub const DEFAULT_UPDATE_KEY_FILE: &str = "/etc/boxoffice/update.pub";
/// Where a counter finds the chain's update public key when not told.
#[cfg(windows)]
pub const DEFAULT_UPDATE_KEY_FILE: &str = r"C:\ProgramData\Boxoffice\update.pub";

/// Where the package puts the chain's update public key
/// (`make package UPDATE_PUB=`); one in [`DEFAULT_UPDATE_KEY_FILE`] wins.
#[cfg(not(windows))]
pub const PACKAGED_UPDATE_KEY_FILE: &str = "/usr/share/boxoffice/update.pub";
/// Where the package puts the chain's update public key.
#[cfg(windows)]
pub const PACKAGED_UPDATE_KEY_FILE: &str = DEFAULT_UPDATE_KEY_FILE;

/// The largest package a counter downloads.
pub const MAX_PACKAGE_BYTES: u64 = 256 * 1024 * 1024;

/// This app's version.
pub const RUNNING_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The data directory's folder for staged packages and install requests.
pub(crate) const UPDATES_DIR: &str = "updates";
/// What is staged there (version, package file, the manifest it came with).
pub(crate) const STAGED_FILE: &str = "staged.json";

/// The update public keys this counter trusts: from `file`, else the file
/// named by `BOXOFFICE_UPDATE_PUB`, else [`DEFAULT_UPDATE_KEY_FILE`], else
/// [`PACKAGED_UPDATE_KEY_FILE`] (one base64 key per line, as `tauri signer
/// generate` writes it).
pub fn update_keys(file: Option<&Path>) -> std::result::Result<Vec<String>, UpdateRefusal> {
    crate::keys::read_trusted_keys(
        file,
        "BOXOFFICE_UPDATE_PUB",
        DEFAULT_UPDATE_KEY_FILE,
        PACKAGED_UPDATE_KEY_FILE,
    )
    .map_err(UpdateRefusal::NoKey)
}

/// The package type this counter installs, as central names it:
/// `BOXOFFICE_PACKAGE_TYPE`, else the system's package manager.
pub fn package_target() -> String {
    if let Ok(t) = std::env::var("BOXOFFICE_PACKAGE_TYPE") {
        return t;
    }
    if cfg!(windows) {
        "windows-x86_64-nsis".into()
    } else if Path::new("/usr/bin/dpkg").exists() {
        "linux-x86_64-deb".into()
    } else {
        "linux-x86_64-rpm".into()
    }
}

impl Site {
    fn updates_dir(&self) -> PathBuf {
        self.data_dir().join(UPDATES_DIR)
    }

    /// The last update check and its outcome, as kept.
    pub fn update_state(&self) -> Result<Option<UpdateState>> {
        let kept = store::config(&self.db(), ConfigKey::UpdateState)?;
        let Some(mut state) = kept.and_then(|json| serde_json::from_str::<UpdateState>(&json).ok())
        else {
            return Ok(None);
        };
        (state.install, state.install_message) = self.install_progress()?;
        Ok(Some(state))
    }

    fn keep_update_state(&self, state: &UpdateState) -> Result<()> {
        let json = serde_json::to_string(state)
            .map_err(|e| SiteError::Corrupt(format!("cannot encode the update state: {e}")))?;
        store::set_config(&self.db(), ConfigKey::UpdateState, &json)
    }

    /// Asks central for a newer release of `target` in this terminal's
    /// ring; with `stage`, downloads, checks and stages it with the
    /// `trusted` update keys. A refused package is an error (and kept as
    /// the state); the state is returned otherwise.
    pub async fn check_for_update(
        &self,
        target: &str,
        stage: Option<&[String]>,
    ) -> Result<UpdateState> {
        let client = self.client()?;
        let ring =
            store::config(&self.db(), ConfigKey::UpdateRing)?.unwrap_or_else(|| "all".into());
        let mut state = UpdateState {
            checked_at: self.clock.now().to_string(),
            running: RUNNING_VERSION.to_string(),
            ring,
            target: target.to_string(),
            available: None,
            staged: self.staged_version()?,
            refused: None,
            install: None,
            install_message: None,
        };
        let offered = client.update(target, RUNNING_VERSION).await;
        let manifest = match offered {
            Ok(m) => m,
            Err(e) => {
                let e = SiteError::from(e);
                tracing::warn!(error = %e, "update check failed");
                return Err(e);
            }
        };
        let Some(manifest) = manifest else {
            tracing::info!(running = RUNNING_VERSION, ring = %state.ring, "no update");
            self.keep_update_state(&state)?;
            return Ok(state);
        };
        state.available = Some(manifest.version.clone());
        tracing::info!(version = %manifest.version, ring = %state.ring, "update available");
        let Some(trusted) = stage else {
            self.keep_update_state(&state)?;
            return Ok(state);
        };
        if state.staged.as_deref() == Some(manifest.version.as_str()) {
            self.keep_update_state(&state)?;
            return Ok(state);
        }
        // The package must fit beside what sales need (twice the guard).
        if manifest.size > MAX_PACKAGE_BYTES {
            return Err(UpdateRefusal::Unreadable(format!(
                "a package of {} bytes (at most {MAX_PACKAGE_BYTES})",
                manifest.size
            ))
            .into());
        }
        let need = manifest
            .size
            .saturating_add(self.min_free_bytes().saturating_mul(2));
        if let Some(free) = crate::disk::free_bytes(self.data_dir())?
            && free < need
        {
            return Err(SiteError::DiskLow {
                free_mb: free / (1024 * 1024),
                need_mb: need.div_ceil(1024 * 1024),
            });
        }
        let bytes = client.download(&manifest.url, manifest.size).await?;
        match verify_update(&manifest, &bytes, target, trusted, RUNNING_VERSION) {
            Ok(_) => {
                self.stage(&manifest, &bytes)?;
                state.staged = Some(manifest.version.clone());
                tracing::info!(version = %manifest.version, bytes = bytes.len(), "update staged");
                self.keep_update_state(&state)?;
                Ok(state)
            }
            Err(refusal) => {
                tracing::error!(version = %manifest.version, refusal = %refusal, "update refused");
                state.refused = Some(refusal.to_string());
                self.keep_update_state(&state)?;
                Err(refusal.into())
            }
        }
    }

    /// Writes a checked package into `updates/` (synced, then named), with
    /// `staged.json` saying what it is.
    fn stage(&self, manifest: &protocol::UpdateManifest, bytes: &[u8]) -> Result<()> {
        let dir = self.updates_dir();
        crate::private_files::create_private_dir(&dir)?;
        let name = manifest
            .url
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty() && !n.contains(".."))
            .unwrap_or("package");
        let file = dir.join(format!("boxoffice-{}-{name}.pkg", manifest.version));
        let tmp = dir.join(".staging.tmp");
        std::fs::write(&tmp, bytes)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, &file)?;
        let staged = serde_json::json!({
            "version": manifest.version,
            "file": file.display().to_string(),
            "sha256": manifest.sha256,
            "staged_at": self.clock.now().to_string(),
            "manifest": manifest,
        });
        let staged_file = dir.join(STAGED_FILE);
        let temp = dir.join(".staged.json.tmp");
        std::fs::write(&temp, staged.to_string())?;
        std::fs::File::open(&temp)?.sync_all()?;
        std::fs::rename(&temp, &staged_file)?;
        // An older staged package goes.
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path != file && path.extension().is_some_and(|e| e == "pkg") {
                let _ = std::fs::remove_file(path);
            }
        }
        Ok(())
    }

    /// Asks central for an update now and stages it with the installed
    /// update keys, as the pump does every few hours (a manager, from the
    /// diagnostics screen). Returns where updating stands.
    pub async fn check_update_now(&self, staff: &crate::store::StaffRow) -> Result<UpdateState> {
        if staff.role != protocol::Role::Manager {
            return Err(SiteError::NeedsManager(
                "only a manager asks for an update check".into(),
            ));
        }
        let keys = update_keys(None);
        if let Err(e) = &keys {
            tracing::warn!(error = %e, "no update key: checking without staging");
        }
        let state = self
            .check_for_update(&package_target(), keys.ok().as_deref())
            .await?;
        // This process has the counter's screen: an idle counter asks for
        // the staged version at once.
        self.advance_update_install()?;
        Ok(self.update_state()?.unwrap_or(state))
    }

    /// The version staged for installing, if any.
    pub fn staged_version(&self) -> Result<Option<String>> {
        let path = self.updates_dir().join(STAGED_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["version"].as_str().map(str::to_string))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

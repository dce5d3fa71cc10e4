//! This terminal's Ed25519 signing key for door QR codes: created once from
//! OS randomness and kept in `<data dir>/terminal.key` (the 32-byte secret
//! in base64url without padding, file mode 0600).

use crate::error::SiteError;
use crate::rules::signing::{TicketSigner, VerifyingKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Name of the key file in the terminal's data directory.
pub const KEY_FILE: &str = "terminal.key";

/// A terminal's Ed25519 signing key. `Debug` shows only the public half; the
/// secret is wiped from memory when the key is dropped.
#[derive(Clone)]
pub struct TerminalKey {
    signing: SigningKey,
}

impl std::fmt::Debug for TerminalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TerminalKey")
            .field("public_key", &self.public_key_b64())
            .finish_non_exhaustive()
    }
}

/// Distinguishes temporary key files of threads of one process.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl TerminalKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<TerminalKey, SiteError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|e| SiteError::Io(std::io::Error::other(format!("no OS randomness: {e}"))))?;
        let key = TerminalKey::from_secret(secret);
        secret.fill(0);
        Ok(key)
    }

    /// The key with this 32-byte secret (tests, provisioning tools).
    pub fn from_secret(secret: [u8; 32]) -> TerminalKey {
        TerminalKey {
            signing: SigningKey::from_bytes(&secret),
        }
    }

    /// Loads the key of the terminal whose files live in `data_dir`, creating
    /// it on first use. Creation is atomic: the key is written to a temporary
    /// file (mode 0600 on unix), synced, then linked into place; if another
    /// process got there first, its key is used.
    pub fn load_or_create(data_dir: &Path) -> Result<TerminalKey, SiteError> {
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => return parse_key_file(&path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        std::fs::create_dir_all(data_dir)?;
        let key = TerminalKey::generate()?;
        let tmp = data_dir.join(format!(
            ".{KEY_FILE}.{}.{}.tmp",
            std::process::id(),
            TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = write_private(&tmp, &key).and_then(|()| {
            // A hard link never replaces an existing file: of two racing
            // processes exactly one key wins, and both read it back below.
            match std::fs::hard_link(&tmp, &path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
                // File systems without hard links: fall back to a rename.
                Err(_) => std::fs::rename(&tmp, &path),
            }
        });
        let _ = std::fs::remove_file(&tmp);
        written?;
        sync_dir(data_dir);
        let text = std::fs::read_to_string(&path)?;
        parse_key_file(&path, &text)
    }

    /// The public half.
    pub fn public_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public half in base64url without padding, as central stores it.
    pub fn public_key_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.signing.verifying_key().as_bytes())
    }

    /// An Ed25519 signature of `message`, base64url without padding.
    pub fn sign_b64(&self, message: &[u8]) -> String {
        use ed25519_dalek::Signer as _;
        URL_SAFE_NO_PAD.encode(self.signing.sign(message).to_bytes())
    }
}

fn write_private(path: &Path, key: &TerminalKey) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut file = opts.open(path)?;
    let mut text = URL_SAFE_NO_PAD.encode(key.signing.as_bytes());
    text.push('\n');
    let result = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    // Do not leave the secret lying around in freed memory.
    let mut bytes = text.into_bytes();
    bytes.fill(0);
    result
}

/// Makes a new directory entry durable (best effort; not possible everywhere).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn parse_key_file(path: &Path, text: &str) -> Result<TerminalKey, SiteError> {
    let corrupt = |why: &str| {
        SiteError::Corrupt(format!(
            "key file {} {why}; restore it from backup or ask IT to re-provision the terminal",
            path.display()
        ))
    };
    let mut bytes = URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| corrupt("is not base64url"))?;
    let secret: Result<[u8; 32], _> = bytes.as_slice().try_into();
    bytes.fill(0);
    let mut secret = secret.map_err(|_| corrupt("does not hold 32 bytes"))?;
    let key = TerminalKey::from_secret(secret);
    secret.fill(0);
    Ok(key)
}

impl TicketSigner for TerminalKey {
    fn sign_payload(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }
}

/// Keys loaded per data directory, so that printing does not read the key
/// file for every ticket.
static KEY_CACHE: OnceLock<Mutex<HashMap<PathBuf, TerminalKey>>> = OnceLock::new();

/// The key of the terminal in `data_dir`, loaded once per process.
pub fn cached_key(data_dir: &Path) -> Result<TerminalKey, SiteError> {
    let cache = KEY_CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(key) = map.get(data_dir) {
        return Ok(key.clone());
    }
    let key = TerminalKey::load_or_create(data_dir)?;
    map.insert(data_dir.to_path_buf(), key.clone());
    Ok(key)
}

/// The chain's public keys a counter trusts (provisioning or update keys),
/// one base64 key per line (`#` comments allowed): from `file` when given,
/// else the file named by the environment variable `env`, else `own` (central
/// IT's copy) when it exists, else `packaged` (the package's). The error says
/// which file could not be used.
pub fn read_trusted_keys(
    file: Option<&Path>,
    env: &str,
    own: &str,
    packaged: &str,
) -> Result<Vec<String>, String> {
    let path = match file {
        Some(f) => f.to_path_buf(),
        None => std::env::var_os(env)
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                let own = std::path::PathBuf::from(own);
                if own.exists() { own } else { packaged.into() }
            }),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let keys: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    if keys.is_empty() {
        return Err(format!("{} holds no key", path.display()));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_once_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("terminal");
        let k1 = TerminalKey::load_or_create(&data).unwrap();
        let k2 = TerminalKey::load_or_create(&data).unwrap();
        assert_eq!(k1.public_key_b64(), k2.public_key_b64());
        assert_eq!(k1.public_key_b64().len(), 43);
        let path = data.join(KEY_FILE);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [KEY_FILE]);
        // Debug never shows the secret.
        let secret = URL_SAFE_NO_PAD.encode(k1.signing.as_bytes());
        assert!(!format!("{k1:?}").contains(&secret));
        // Another directory has another key.
        let other = TerminalKey::load_or_create(&dir.path().join("other")).unwrap();
        assert_ne!(other.public_key_b64(), k1.public_key_b64());
    }

    #[test]
    fn racing_creators_agree_on_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_path_buf();
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let data = data.clone();
                std::thread::spawn(move || {
                    TerminalKey::load_or_create(&data).unwrap().public_key_b64()
                })
            })
            .collect();
        let keys: std::collections::HashSet<_> =
            handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(keys.len(), 1);
    }

    #[test]
    fn a_corrupt_key_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "not a key").unwrap();
        let err = TerminalKey::load_or_create(dir.path()).unwrap_err();
        assert_eq!(err.code(), "internal");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap(),
            "not a key"
        );
    }
}

//! Provisioning counters (API 1.7): central IT writes one signed file per
//! terminal (`boxoffice-central provision --terminal ID --out FILE`); the
//! counter checks its signature against the chain's provisioning public key
//! and trades its one-time enrollment secret for its API token, binding the
//! terminal to that counter's ticket-signing key. A second counter with the
//! same file is refused (`already_provisioned`); `revoke` cuts a terminal off.

use crate::credentials::{new_secret, same_digest, token_hash, validate_public_key};
use crate::db::CentralDb;
use crate::error::CentralError;
use crate::sql::{OptionalExtension, params};
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use jiff::Timestamp;
use protocol::{
    EnrollRequest, Enrollment, PROVISIONING_FORMAT, ProvisioningFile, ProvisioningPayload,
};
use std::path::Path;

type Result<T> = std::result::Result<T, CentralError>;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// How long a provisioning file's secret is taken, unless told otherwise.
pub const DEFAULT_VALID_DAYS: u32 = 7;

/// What a revoked terminal's token hash is set to: no token hashes to it.
pub(crate) const REVOKED: &str = "revoked";

/// Central's provisioning key: signs provisioning files. Kept in a file
/// readable by its owner only, never in the database.
pub struct ProvisioningKey(SigningKey);

impl std::fmt::Debug for ProvisioningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProvisioningKey({})", self.public_key())
    }
}

impl ProvisioningKey {
    /// Makes a new key and writes it to `path` (mode 0600), refusing to
    /// replace an existing file; `path` + `.pub` gets the public key.
    pub fn create(path: &Path) -> Result<ProvisioningKey> {
        if path.exists() {
            return Err(CentralError::BadRequest(format!(
                "{} exists already: a provisioning key is never replaced by accident",
                path.display()
            )));
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| CentralError::Corrupt(format!("no randomness for the key: {e}")))?;
        let key = ProvisioningKey(SigningKey::from_bytes(&seed));
        let io = |e: std::io::Error| {
            CentralError::BadRequest(format!("cannot write {}: {e}", path.display()))
        };
        crate::web_channels::write_secret_file(path, &B64.encode(seed)).map_err(io)?;
        std::fs::write(public_key_path(path), format!("{}\n", key.public_key())).map_err(io)?;
        Ok(key)
    }

    /// Reads the key written by [`ProvisioningKey::create`].
    pub fn load(path: &Path) -> Result<ProvisioningKey> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CentralError::BadRequest(format!(
                "cannot read the provisioning key {}: {e}",
                path.display()
            ))
        })?;
        let seed: [u8; 32] = B64
            .decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                CentralError::BadRequest(format!("{} is not a provisioning key", path.display()))
            })?;
        Ok(ProvisioningKey(SigningKey::from_bytes(&seed)))
    }

    /// The public key terminals are installed with, base64url.
    pub fn public_key(&self) -> String {
        B64.encode(self.0.verifying_key().as_bytes())
    }

    /// Signs `payload` into a provisioning file.
    pub fn sign(&self, payload: &ProvisioningPayload) -> Result<ProvisioningFile> {
        let bytes = serde_json::to_vec(payload)
            .map_err(|e| CentralError::Corrupt(format!("cannot encode the payload: {e}")))?;
        Ok(ProvisioningFile {
            format: PROVISIONING_FORMAT.to_string(),
            payload: B64.encode(&bytes),
            key_id: self.public_key(),
            signature: B64.encode(self.0.sign(&bytes).to_bytes()),
        })
    }
}

/// Where [`ProvisioningKey::create`] writes the public key.
pub fn public_key_path(key: &Path) -> std::path::PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".pub");
    name.into()
}

/// The enrolling counter proves it holds the private half of the key it
/// binds the terminal to (its signature of the terminal id and the secret's
/// hash).
fn check_proof(terminal_id: &str, req: &EnrollRequest) -> Result<()> {
    let bad = || CentralError::Unauthorized("the enrollment's proof of key does not hold".into());
    let key: [u8; 32] = B64
        .decode(&req.public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| bad())?;
    let sig: [u8; 64] = B64
        .decode(&req.proof)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let message = protocol::enroll_proof_message(terminal_id, &token_hash(&req.secret));
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| bad())
}

impl CentralDb {
    /// A new one-time enrollment for `terminal_id`, valid until `expires_at`
    /// (a previous one that was not used stops working). A revoked
    /// terminal's old ticket-signing key is retired here, so that the
    /// counter that takes the new file can enroll with its own. Returns the
    /// terminal's site and the secret (only its hash is kept).
    pub fn issue_enrollment(
        &self,
        terminal_id: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(String, String)> {
        let secret = new_secret();
        let site = self.write(|tx| {
            let site: Option<String> = tx
                .query_row(
                    "SELECT site_id FROM terminals WHERE id = ?1",
                    [terminal_id],
                    |r| r.get(0),
                )
                .optional()?;
            let site =
                site.ok_or_else(|| CentralError::UnknownTerminal(terminal_id.to_string()))?;
            tx.execute(
                "DELETE FROM terminal_keys WHERE terminal_id = ?1
                 AND EXISTS (SELECT 1 FROM terminals WHERE id = ?1 AND token_hash = ?2)",
                params![terminal_id, REVOKED],
            )?;
            tx.execute(
                "INSERT INTO terminal_enrollments (terminal_id, secret_hash, issued_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (terminal_id) DO UPDATE SET secret_hash = excluded.secret_hash,
                     issued_at = excluded.issued_at, expires_at = excluded.expires_at,
                     used_at = NULL, used_by_key = NULL",
                params![
                    terminal_id,
                    token_hash(&secret),
                    now.to_string(),
                    expires_at.to_string()
                ],
            )?;
            Ok(site)
        })?;
        Ok((site, secret))
    }

    /// Trades an enrollment secret for the terminal's API token, binding the
    /// terminal to the counter's key. The same counter may enroll again
    /// with the same file while it is valid (a new token); another counter
    /// is `already_provisioned`. A wrong or expired secret, or an unknown
    /// terminal, is one and the same `unauthorized`.
    pub fn enroll(
        &self,
        terminal_id: &str,
        req: &EnrollRequest,
        now: Timestamp,
    ) -> Result<Enrollment> {
        validate_public_key(&req.public_key)?;
        let refused = || {
            CentralError::Unauthorized(format!(
                "no valid provisioning for terminal {terminal_id}: ask central IT for a new provisioning file"
            ))
        };
        check_proof(terminal_id, req)?;
        // A wrong secret costs a read, never the writer lock: this route is
        // open to anyone on the VPN.
        let hash: Option<String> = self
            .read()?
            .query_row(
                "SELECT secret_hash FROM terminal_enrollments WHERE terminal_id = ?1",
                [terminal_id],
                |r| r.get(0),
            )
            .optional()?;
        if !hash.is_some_and(|h| same_digest(&token_hash(&req.secret), &h)) {
            return Err(refused());
        }
        let token = new_secret();
        self.write(|tx| {
            let row: Option<(String, String, String, Option<String>)> = tx
                .query_row(
                    "SELECT t.site_id, e.secret_hash, e.expires_at, e.used_by_key
                       FROM terminal_enrollments e JOIN terminals t ON t.id = e.terminal_id
                      WHERE e.terminal_id = ?1",
                    [terminal_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (site_id, hash, expires_at, used_by) = row.ok_or_else(refused)?;
            if !same_digest(&token_hash(&req.secret), &hash) {
                return Err(refused());
            }
            let expires: Timestamp = expires_at
                .parse()
                .map_err(|e| CentralError::Corrupt(format!("enrollment expiry: {e}")))?;
            if now > expires {
                return Err(CentralError::Unauthorized(format!(
                    "the provisioning file of terminal {terminal_id} expired at {expires}: ask central IT for a new one"
                )));
            }
            if used_by.as_deref().is_some_and(|k| k != req.public_key) {
                return Err(CentralError::AlreadyProvisioned(terminal_id.to_string()));
            }
            let key: Option<String> = tx
                .query_row(
                    "SELECT public_key FROM terminal_keys WHERE terminal_id = ?1",
                    [terminal_id],
                    |r| r.get(0),
                )
                .optional()?;
            match key {
                Some(k) if k != req.public_key => {
                    return Err(CentralError::AlreadyProvisioned(terminal_id.to_string()));
                }
                Some(_) => {}
                None => {
                    tx.execute(
                        "INSERT INTO terminal_keys (terminal_id, public_key, registered_at)
                         VALUES (?1, ?2, ?3)",
                        params![terminal_id, req.public_key, now.to_string()],
                    )?;
                }
            }
            tx.execute(
                "UPDATE terminals SET token_hash = ?2 WHERE id = ?1",
                params![terminal_id, token_hash(&token)],
            )?;
            tx.execute(
                "UPDATE terminal_enrollments SET used_at = ?2, used_by_key = ?3 WHERE terminal_id = ?1",
                params![terminal_id, now.to_string(), req.public_key],
            )?;
            Ok(Enrollment {
                token: token.clone(),
                site_id,
            })
        })
    }

    /// Cuts `terminal_id` off at once: its token stops working (its next
    /// call is `unauthorized`), and an unused provisioning file with it.
    /// Its ticket-signing key stays on the site's key list, so that the
    /// tickets it sold before are still admitted at the doors tonight; a new
    /// provisioning file for the terminal (the replacement counter) retires
    /// that key ([`CentralDb::issue_enrollment`]).
    pub fn revoke_terminal(&self, terminal_id: &str) -> Result<()> {
        let changed = self.write(|tx| {
            let changed = tx.execute(
                "UPDATE terminals SET token_hash = ?2 WHERE id = ?1",
                params![terminal_id, REVOKED],
            )?;
            tx.execute(
                "DELETE FROM terminal_enrollments WHERE terminal_id = ?1",
                [terminal_id],
            )?;
            Ok(changed)
        })?;
        if changed == 0 {
            return Err(CentralError::UnknownTerminal(terminal_id.to_string()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_signs_what_its_public_key_verifies_and_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("provisioning.key");
        let key = ProvisioningKey::create(&path).unwrap();
        assert!(ProvisioningKey::create(&path).is_err());
        let again = ProvisioningKey::load(&path).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        let public = std::fs::read_to_string(public_key_path(&path)).unwrap();
        assert_eq!(public.trim(), key.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let file = key
            .sign(&ProvisioningPayload {
                site_id: "s".into(),
                terminal_id: "t".into(),
                central_url: "https://central".into(),
                ca_pem: None,
                enrollment_secret: "x".into(),
                issued_at: now,
                expires_at: now,
            })
            .unwrap();
        let bytes = B64.decode(&file.payload).unwrap();
        let sig: [u8; 64] = B64.decode(&file.signature).unwrap().try_into().unwrap();
        let vk = key.0.verifying_key();
        assert!(
            vk.verify_strict(&bytes, &ed25519_dalek::Signature::from_bytes(&sig))
                .is_ok()
        );
    }
}

//! Signed releases of the counter app, in update rings (API 1.7).
//!
//! Central IT publishes a package (`boxoffice-central release publish`)
//! signed with the chain's update key: a minisign key, the format of the
//! Tauri updater (`tauri signer generate` makes one; its `.sig` files and
//! public key are base64 of minisign's text boxes). A release goes to the
//! `canary` ring first; `release promote` gives it to `all`. A terminal asks
//! `GET /v1/updates/{target}/{current_version}`: central answers the newest
//! release for that package type, in a ring the terminal sees (a canary
//! terminal sees both rings), newer than what it runs, in the Tauri
//! updater's format, or 204 when there is none. The package bytes are kept
//! in the database, so every central instance serves them.

use crate::credentials::sha256_hex;
use crate::db::CentralDb;
use crate::error::CentralError;
use crate::fleet::RINGS;
use crate::sql::{OptionalExtension, params};
use base64::Engine as _;
use jiff::Timestamp;
use protocol::UpdateManifest;
use serde::Serialize;
use std::path::Path;

type Result<T> = std::result::Result<T, CentralError>;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The package types central serves, as the Tauri updater names them.
pub const TARGETS: &[&str] = &[
    "linux-x86_64-deb",
    "linux-x86_64-rpm",
    "windows-x86_64-nsis",
];

/// The largest package central takes.
pub const MAX_PACKAGE_BYTES: usize = 256 * 1024 * 1024;

/// The package type of a file, from its name.
pub fn target_of(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".deb") {
        Some("linux-x86_64-deb")
    } else if lower.ends_with(".rpm") {
        Some("linux-x86_64-rpm")
    } else if lower.ends_with(".exe") {
        Some("windows-x86_64-nsis")
    } else {
        None
    }
}

/// The chain's update key (minisign), read from the file the Tauri signer
/// writes: base64 of minisign's secret key box.
pub struct UpdateKey {
    sk: minisign::SecretKey,
    pk: minisign::PublicKey,
}

impl UpdateKey {
    /// Makes a new key: the secret one to `path` (0600, never replacing a
    /// file), the public one (what counters are installed with) to
    /// `path.pub`. `password` encrypts the secret key (none: unencrypted).
    pub fn create(path: &Path, password: Option<String>) -> Result<UpdateKey> {
        if path.exists() {
            return Err(CentralError::BadRequest(format!(
                "{} exists already: an update key is never replaced by accident",
                path.display()
            )));
        }
        let bad = |e: minisign::PError| CentralError::Corrupt(format!("update key: {e}"));
        let pair = match &password {
            Some(p) => minisign::KeyPair::generate_encrypted_keypair(Some(p.clone())),
            None => minisign::KeyPair::generate_unencrypted_keypair(),
        }
        .map_err(bad)?;
        let sk_box = pair.sk.to_box(None).map_err(bad)?.to_string();
        let pk_box = pair.pk.to_box().map_err(bad)?.to_string();
        let io = |e: std::io::Error| {
            CentralError::BadRequest(format!("cannot write {}: {e}", path.display()))
        };
        crate::web_channels::write_secret_file(path, &B64.encode(sk_box)).map_err(io)?;
        std::fs::write(
            crate::provisioning::public_key_path(path),
            B64.encode(pk_box),
        )
        .map_err(io)?;
        Ok(UpdateKey {
            sk: pair.sk,
            pk: pair.pk,
        })
    }

    /// Reads the key at `path`, decrypting it with `password` when it is
    /// encrypted.
    pub fn load(path: &Path, password: Option<String>) -> Result<UpdateKey> {
        let bad = |what: String| CentralError::BadRequest(format!("{}: {what}", path.display()));
        let text =
            std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
        let boxed = B64
            .decode(text.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| bad("not an update key (base64 of a minisign secret key)".into()))?;
        let sk = minisign::SecretKeyBox::from_string(&boxed)
            .and_then(|b| match password {
                Some(p) => b.into_secret_key(Some(p)),
                None => b.into_unencrypted_secret_key(),
            })
            .map_err(|e| {
                bad(format!(
                    "cannot open the key ({e}); an encrypted key needs BOXOFFICE_UPDATE_KEY_PASSWORD"
                ))
            })?;
        let pk = minisign::PublicKey::from_secret_key(&sk)
            .map_err(|e| bad(format!("no public key: {e}")))?;
        Ok(UpdateKey { sk, pk })
    }

    /// The public key counters are installed with (base64, the Tauri form).
    pub fn public_key(&self) -> Result<String> {
        let pk_box = self
            .pk
            .to_box()
            .map_err(|e| CentralError::Corrupt(format!("update key: {e}")))?;
        Ok(B64.encode(pk_box.to_string()))
    }

    /// Signs a release's package: base64 of minisign's signature box (the
    /// Tauri `.sig`), whose trusted comment names the version, package type
    /// and SHA-256 ([`protocol::release_comment`]).
    pub fn sign_release(&self, bytes: &[u8], version: &str, file_name: &str) -> Result<String> {
        let target = target_of(file_name).ok_or_else(|| {
            CentralError::BadRequest(format!("{file_name}: a package is a .deb, .rpm or .exe"))
        })?;
        let comment = protocol::release_comment(version, target, &sha256_hex(bytes));
        let sig = minisign::sign(
            Some(&self.pk),
            &self.sk,
            std::io::Cursor::new(bytes),
            Some(&comment),
            None,
        )
        .map_err(|e| CentralError::Corrupt(format!("cannot sign: {e}")))?;
        Ok(B64.encode(sig.to_string()))
    }
}

/// A release as central IT lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Release {
    /// Version (semver).
    pub version: String,
    /// Package type.
    pub target: String,
    /// `canary` or `all`.
    pub ring: String,
    /// The package's file name.
    pub file_name: String,
    /// SHA-256 of the package, hex.
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    /// When it was published (RFC 3339).
    pub published_at: String,
}

/// What `publish` stores.
pub struct NewRelease<'a> {
    /// Version (semver).
    pub version: &'a str,
    /// `canary` or `all`.
    pub ring: &'a str,
    /// The package's file name (its extension says its type).
    pub file_name: &'a str,
    /// The package.
    pub bytes: &'a [u8],
    /// Its signature (base64 of minisign's signature box).
    pub signature: &'a str,
    /// Release notes.
    pub notes: &'a str,
}

/// Whether a terminal in `terminal_ring` sees a release in `release_ring`:
/// a canary terminal sees both rings, the others `all` only.
fn sees(terminal_ring: &str, release_ring: &str) -> bool {
    release_ring == "all" || terminal_ring == "canary"
}

fn check_ring(ring: &str) -> Result<()> {
    if RINGS.contains(&ring) {
        Ok(())
    } else {
        Err(CentralError::BadRequest(format!(
            "unknown ring '{ring}' (canary or all)"
        )))
    }
}

impl CentralDb {
    /// The update ring central IT put `terminal_id` in.
    fn terminal_ring(&self, terminal_id: &str) -> Result<String> {
        self.read()?
            .query_row(
                "SELECT ring FROM terminals WHERE id = ?1",
                [terminal_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| CentralError::UnknownTerminal(terminal_id.to_string()))
    }

    /// Stores a signed release. A version is published once per package type.
    pub fn publish_release(&self, r: &NewRelease<'_>, now: Timestamp) -> Result<Release> {
        check_ring(r.ring)?;
        semver::Version::parse(r.version)
            .map_err(|e| CentralError::BadRequest(format!("version '{}': {e}", r.version)))?;
        let target = target_of(r.file_name).ok_or_else(|| {
            CentralError::BadRequest(format!(
                "{}: a package is a .deb, .rpm or .exe",
                r.file_name
            ))
        })?;
        if r.bytes.is_empty() || r.bytes.len() > MAX_PACKAGE_BYTES {
            return Err(CentralError::BadRequest(format!(
                "a package has 1 byte to {MAX_PACKAGE_BYTES} bytes"
            )));
        }
        let release = Release {
            version: r.version.to_string(),
            target: target.to_string(),
            ring: r.ring.to_string(),
            file_name: r.file_name.to_string(),
            sha256: sha256_hex(r.bytes),
            size: r.bytes.len() as i64,
            published_at: now.to_string(),
        };
        self.write(|tx| {
            let known: Option<String> = tx
                .query_row(
                    "SELECT version FROM releases WHERE version = ?1 AND target = ?2",
                    params![r.version, target],
                    |row| row.get(0),
                )
                .optional()?;
            if known.is_some() {
                return Err(CentralError::Conflict(format!(
                    "{} {target} is published already: publish a new version",
                    r.version
                )));
            }
            tx.execute(
                "INSERT INTO releases (version, target, ring, file_name, sha256, size, signature,
                     notes, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    release.version,
                    release.target,
                    release.ring,
                    release.file_name,
                    release.sha256,
                    release.size,
                    r.signature,
                    r.notes,
                    release.published_at
                ],
            )?;
            tx.execute(
                "INSERT INTO release_files (version, target, bytes) VALUES (?1, ?2, ?3)",
                params![release.version, release.target, r.bytes.to_vec()],
            )?;
            Ok(())
        })?;
        Ok(release)
    }

    /// Gives every package of `version` to the `all` ring.
    pub fn promote_release(&self, version: &str, now: Timestamp) -> Result<usize> {
        let changed = self.write(|tx| {
            Ok(tx.execute(
                "UPDATE releases SET ring = 'all', promoted_at = ?2 WHERE version = ?1",
                params![version, now.to_string()],
            )?)
        })?;
        if changed == 0 {
            return Err(CentralError::BadRequest(format!("no release {version}")));
        }
        Ok(changed)
    }

    /// Every release, newest first.
    pub fn releases(&self) -> Result<Vec<Release>> {
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT version, target, ring, file_name, sha256, size, published_at FROM releases",
        )?;
        let rows = stmt.query_map(params![], |r| {
            Ok(Release {
                version: r.get(0)?,
                target: r.get(1)?,
                ring: r.get(2)?,
                file_name: r.get(3)?,
                sha256: r.get(4)?,
                size: r.get(5)?,
                published_at: r.get(6)?,
            })
        })?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?);
        }
        out.sort_by(|a, b| {
            let v = |r: &Release| semver::Version::parse(&r.version).ok();
            v(b).cmp(&v(a)).then(a.target.cmp(&b.target))
        });
        Ok(out)
    }

    /// The update for `terminal_id`, running `current` of package type
    /// `target`: the newest release in a ring it sees, newer than `current`.
    pub fn update_for(
        &self,
        terminal_id: &str,
        target: &str,
        current: &str,
    ) -> Result<Option<UpdateManifest>> {
        if !TARGETS.contains(&target) {
            return Err(CentralError::BadRequest(format!(
                "unknown package type '{target}'"
            )));
        }
        let current = semver::Version::parse(current)
            .map_err(|e| CentralError::BadRequest(format!("version '{current}': {e}")))?;
        let ring = self.terminal_ring(terminal_id)?;
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT version, ring, signature, notes, published_at, sha256, size
               FROM releases WHERE target = ?1",
        )?;
        type Row = (String, String, String, String, String, String, i64);
        let rows = stmt.query_map([target], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        let mut best: Option<(semver::Version, Row)> = None;
        for row in rows {
            let row: Row = row?;
            let visible = sees(&ring, &row.1);
            let Ok(version) = semver::Version::parse(&row.0) else {
                continue;
            };
            if visible && version > current && best.as_ref().is_none_or(|(v, _)| version > *v) {
                best = Some((version, row));
            }
        }
        Ok(best.map(
            |(_, (version, _, signature, notes, pub_date, sha256, size))| UpdateManifest {
                url: format!("/v1/updates/{target}/download/{version}"),
                version,
                notes,
                pub_date,
                signature,
                sha256,
                size: size.max(0) as u64,
            },
        ))
    }

    /// The package of `version` for `target`, for a terminal whose ring
    /// sees it.
    pub fn release_file(&self, terminal_id: &str, target: &str, version: &str) -> Result<Vec<u8>> {
        let ring = self.terminal_ring(terminal_id)?;
        let conn = self.read()?;
        let found: Option<(String, Vec<u8>)> = conn
            .query_row(
                "SELECT r.ring, f.bytes FROM releases r
                   JOIN release_files f ON f.version = r.version AND f.target = r.target
                  WHERE r.version = ?1 AND r.target = ?2",
                params![version, target],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match found {
            Some((release_ring, bytes)) if sees(&ring, &release_ring) => Ok(bytes),
            _ => Err(CentralError::UnknownRelease(format!("{version} {target}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encrypted_update_key_opens_with_its_password_only_and_signs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("update.key");
        let made = UpdateKey::create(&path, Some("s3cret pass".into())).unwrap();
        assert!(UpdateKey::create(&path, None).is_err(), "never replaced");
        assert!(UpdateKey::load(&path, None).is_err());
        assert!(UpdateKey::load(&path, Some("wrong".into())).is_err());
        let key = UpdateKey::load(&path, Some("s3cret pass".into())).unwrap();
        assert_eq!(key.public_key().unwrap(), made.public_key().unwrap());
        let public = std::fs::read_to_string(crate::provisioning::public_key_path(&path)).unwrap();
        assert_eq!(public, made.public_key().unwrap());
        let sig = key.sign_release(b"package", "0.1.1", "p.deb").unwrap();
        let sig_box = minisign::SignatureBox::from_string(
            &String::from_utf8(B64.decode(sig).unwrap()).unwrap(),
        )
        .unwrap();
        let pk = minisign::PublicKeyBox::from_string(
            &String::from_utf8(B64.decode(public).unwrap()).unwrap(),
        )
        .unwrap()
        .into_public_key()
        .unwrap();
        let ok = minisign::verify(
            &pk,
            &sig_box,
            std::io::Cursor::new(b"package"),
            true,
            false,
            false,
        );
        assert!(ok.is_ok());
        let bad = minisign::verify(
            &pk,
            &sig_box,
            std::io::Cursor::new(b"packagE"),
            true,
            false,
            false,
        );
        assert!(bad.is_err());
        assert_eq!(
            target_of("Boxoffice_0.1.1_amd64.deb"),
            Some("linux-x86_64-deb")
        );
        assert_eq!(target_of("notes.txt"), None);
    }
}

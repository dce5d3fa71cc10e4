//! Whether a downloaded update may be installed (the Tauri updater's rules,
//! by hand): newer than what runs, exactly the bytes central announced, and
//! signed by the chain's update key (minisign; the key and signature as the
//! Tauri signer writes them: base64 of minisign's text boxes), the signature
//! naming this version, package type and content in its trusted comment.

use crate::error::UpdateRefusal;
use base64::Engine as _;
use protocol::UpdateManifest;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The version of `manifest` when `bytes`, a package of type `target`, may
/// be installed over `current` with one of the `trusted` update public keys.
pub fn verify_update(
    manifest: &UpdateManifest,
    bytes: &[u8],
    target: &str,
    trusted: &[String],
    current: &str,
) -> Result<semver::Version, UpdateRefusal> {
    let version = semver::Version::parse(&manifest.version)
        .map_err(|_| UpdateRefusal::Unreadable(format!("version '{}'", manifest.version)))?;
    let running = semver::Version::parse(current)
        .map_err(|_| UpdateRefusal::Unreadable(format!("running version '{current}'")))?;
    if version <= running {
        return Err(UpdateRefusal::NotNewer {
            offered: manifest.version.clone(),
            running: current.to_string(),
        });
    }
    if manifest.signature.trim().is_empty() {
        return Err(UpdateRefusal::Unsigned(manifest.version.clone()));
    }
    let sig_text = B64
        .decode(manifest.signature.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| UpdateRefusal::BadSignature(manifest.version.clone()))?;
    let signature = minisign_verify::Signature::decode(&sig_text)
        .map_err(|_| UpdateRefusal::BadSignature(manifest.version.clone()))?;
    let keys: Vec<minisign_verify::PublicKey> = trusted
        .iter()
        .filter_map(|k| {
            let text = String::from_utf8(B64.decode(k.trim()).ok()?).ok()?;
            minisign_verify::PublicKey::decode(&text).ok()
        })
        .collect();
    if keys.is_empty() {
        return Err(UpdateRefusal::NoKey("no usable update public key".into()));
    }
    if !keys
        .iter()
        .any(|k| k.verify(bytes, &signature, false).is_ok())
    {
        return Err(UpdateRefusal::BadSignature(manifest.version.clone()));
    }
    // The signed comment names what was signed: a signed older package
    // relabelled as a newer version, or another package type, is refused.
    let signed_for = protocol::release_comment(&manifest.version, target, &sha256_hex(bytes));
    if signature.trusted_comment() != signed_for {
        return Err(UpdateRefusal::BadSignature(manifest.version.clone()));
    }
    // Signed, and what central announced (a mismatch here is a bug or a
    // swap at central; the signature already speaks for the bytes).
    if bytes.len() as u64 != manifest.size || sha256_hex(bytes) != manifest.sha256 {
        return Err(UpdateRefusal::NotAnnounced(manifest.version.clone()));
    }
    Ok(version)
}

/// SHA-256, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Chain {
        pair: minisign::KeyPair,
    }

    impl Chain {
        fn new() -> Chain {
            Chain {
                pair: minisign::KeyPair::generate_unencrypted_keypair().unwrap(),
            }
        }

        fn public(&self) -> String {
            B64.encode(self.pair.pk.to_box().unwrap().to_string())
        }

        fn manifest(&self, version: &str, bytes: &[u8]) -> UpdateManifest {
            self.manifest_signed_as(version, version, bytes)
        }

        /// A manifest for `version` whose signature was made for `signed`.
        fn manifest_signed_as(&self, version: &str, signed: &str, bytes: &[u8]) -> UpdateManifest {
            let comment = protocol::release_comment(signed, DEB, &sha256_hex(bytes));
            let sig = minisign::sign(
                Some(&self.pair.pk),
                &self.pair.sk,
                std::io::Cursor::new(bytes),
                Some(&comment),
                None,
            )
            .unwrap();
            UpdateManifest {
                version: version.into(),
                notes: String::new(),
                pub_date: "2026-12-05T00:00:00Z".into(),
                url: format!("/v1/updates/linux-x86_64-deb/download/{version}"),
                signature: B64.encode(sig.to_string()),
                sha256: sha256_hex(bytes),
                size: bytes.len() as u64,
            }
        }
    }

    const DEB: &str = "linux-x86_64-deb";

    #[test]
    fn a_signed_package_relabelled_as_another_version_or_type_is_refused() {
        let chain = Chain::new();
        let bytes = b"package 0.1.1 (vulnerable)".to_vec();
        let keys = [chain.public()];
        let relabelled = chain.manifest_signed_as("9.9.9", "0.1.1", &bytes);
        assert!(matches!(
            verify_update(&relabelled, &bytes, DEB, &keys, "0.1.2"),
            Err(UpdateRefusal::BadSignature(_))
        ));
        let good = chain.manifest("0.1.1", &bytes);
        assert!(matches!(
            verify_update(&good, &bytes, "linux-x86_64-rpm", &keys, "0.1.0"),
            Err(UpdateRefusal::BadSignature(_))
        ));
    }

    #[test]
    fn only_a_newer_package_signed_by_the_chain_and_as_announced_passes() {
        let chain = Chain::new();
        let bytes = b"package 0.1.1".to_vec();
        let keys = [chain.public()];
        let good = chain.manifest("0.1.1", &bytes);
        assert_eq!(
            verify_update(&good, &bytes, DEB, &keys, "0.1.0")
                .unwrap()
                .to_string(),
            "0.1.1"
        );

        // Older or the same: refused whatever the signature.
        let older = chain.manifest("0.0.9", &bytes);
        assert!(matches!(
            verify_update(&older, &bytes, DEB, &keys, "0.1.0"),
            Err(UpdateRefusal::NotNewer { .. })
        ));
        assert!(matches!(
            verify_update(&good, &bytes, DEB, &keys, "0.1.1"),
            Err(UpdateRefusal::NotNewer { .. })
        ));
        // Changed bytes.
        let mut changed = bytes.clone();
        changed[0] ^= 1;
        assert!(matches!(
            verify_update(&good, &changed, DEB, &keys, "0.1.0"),
            Err(UpdateRefusal::BadSignature(_))
        ));
        // Another chain's key.
        let other = Chain::new();
        let foreign = other.manifest("0.1.1", &bytes);
        assert!(matches!(
            verify_update(&foreign, &bytes, DEB, &keys, "0.1.0"),
            Err(UpdateRefusal::BadSignature(_))
        ));
        // Unsigned.
        let unsigned = UpdateManifest {
            signature: String::new(),
            ..good.clone()
        };
        assert!(matches!(
            verify_update(&unsigned, &bytes, DEB, &keys, "0.1.0"),
            Err(UpdateRefusal::Unsigned(_))
        ));
        // Signed, but not what central announced.
        let wrong_size = UpdateManifest {
            size: 3,
            ..good.clone()
        };
        assert!(matches!(
            verify_update(&wrong_size, &bytes, DEB, &keys, "0.1.0"),
            Err(UpdateRefusal::NotAnnounced(_))
        ));
        // No key to check with.
        assert!(matches!(
            verify_update(&good, &bytes, DEB, &["not a key".into()], "0.1.0"),
            Err(UpdateRefusal::NoKey(_))
        ));
    }
}

//! Checking a provisioning file (API 1.7) before anything is done with it:
//! its format, that it is signed by a provisioning key this counter trusts,
//! that the signature covers exactly what it says, and its date.

use crate::error::ProvisioningRefusal;
use base64::Engine as _;
use jiff::Timestamp;
use protocol::{PROVISIONING_FORMAT, ProvisioningFile, ProvisioningPayload};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The payload of the provisioning file `text` when one of the `trusted`
/// provisioning public keys (base64url) signed it and it is still valid at
/// `now`.
pub fn verify(
    text: &str,
    trusted: &[String],
    now: Timestamp,
) -> Result<ProvisioningPayload, ProvisioningRefusal> {
    let unreadable = |why: &str| ProvisioningRefusal::Unreadable(why.to_string());
    let file: ProvisioningFile =
        serde_json::from_str(text).map_err(|e| unreadable(&e.to_string()))?;
    if file.format != PROVISIONING_FORMAT {
        return Err(unreadable(&format!("format '{}'", file.format)));
    }
    if !trusted.iter().any(|k| k.trim() == file.key_id) {
        return Err(ProvisioningRefusal::UnknownKey);
    }
    let key: [u8; 32] = B64
        .decode(&file.key_id)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| unreadable("key id"))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| unreadable("key id"))?;
    let signature: [u8; 64] = B64
        .decode(&file.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(ProvisioningRefusal::Tampered)?;
    let payload = B64
        .decode(&file.payload)
        .map_err(|_| ProvisioningRefusal::Tampered)?;
    key.verify_strict(&payload, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| ProvisioningRefusal::Tampered)?;
    let payload: ProvisioningPayload =
        serde_json::from_slice(&payload).map_err(|e| unreadable(&e.to_string()))?;
    if now > payload.expires_at {
        return Err(ProvisioningRefusal::Expired(payload.expires_at.to_string()));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer as _, SigningKey};

    fn signed(key: &SigningKey, payload: &ProvisioningPayload) -> ProvisioningFile {
        let bytes = serde_json::to_vec(payload).unwrap();
        ProvisioningFile {
            format: PROVISIONING_FORMAT.into(),
            payload: B64.encode(&bytes),
            key_id: B64.encode(key.verifying_key().as_bytes()),
            signature: B64.encode(key.sign(&bytes).to_bytes()),
        }
    }

    fn payload(expires_at: Timestamp) -> ProvisioningPayload {
        ProvisioningPayload {
            site_id: "dxb-marina".into(),
            terminal_id: "dxb-marina-t9".into(),
            central_url: "https://central.example".into(),
            ca_pem: None,
            enrollment_secret: "s3cret".into(),
            issued_at: Timestamp::UNIX_EPOCH,
            expires_at,
        }
    }

    #[test]
    fn only_an_untouched_file_from_a_trusted_key_within_its_date_passes() {
        let chain = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[9; 32]);
        let trusted = vec![B64.encode(chain.verifying_key().as_bytes())];
        let now = Timestamp::from_second(1_000).unwrap();
        let good = signed(&chain, &payload(Timestamp::from_second(2_000).unwrap()));
        let text = serde_json::to_string(&good).unwrap();
        assert_eq!(
            verify(&text, &trusted, now).unwrap().terminal_id,
            "dxb-marina-t9"
        );

        // Another chain's key.
        let foreign = serde_json::to_string(&signed(&other, &payload(Timestamp::MAX))).unwrap();
        assert_eq!(
            verify(&foreign, &trusted, now),
            Err(ProvisioningRefusal::UnknownKey)
        );
        // Another key claiming to be the trusted one.
        let mut forged = signed(&other, &payload(Timestamp::MAX));
        forged.key_id = good.key_id.clone();
        let forged = serde_json::to_string(&forged).unwrap();
        assert_eq!(
            verify(&forged, &trusted, now),
            Err(ProvisioningRefusal::Tampered)
        );
        // The payload changed after signing (another terminal).
        let mut changed = good.clone();
        let mut p = payload(Timestamp::from_second(2_000).unwrap());
        p.terminal_id = "dxb-marina-t1".into();
        changed.payload = B64.encode(serde_json::to_vec(&p).unwrap());
        let changed = serde_json::to_string(&changed).unwrap();
        assert_eq!(
            verify(&changed, &trusted, now),
            Err(ProvisioningRefusal::Tampered)
        );
        // Past its date.
        let late = Timestamp::from_second(3_000).unwrap();
        assert!(matches!(
            verify(&text, &trusted, late),
            Err(ProvisioningRefusal::Expired(_))
        ));
        // Not a provisioning file.
        assert!(matches!(
            verify("{}", &trusted, now),
            Err(ProvisioningRefusal::Unreadable(_))
        ));
    }
}

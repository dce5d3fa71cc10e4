//! Door QR codes: tickets signed by the selling terminal's Ed25519 key and
//! verifiable offline, by a door scanner or any terminal of the site, with the
//! list of the site's terminal public keys pulled from central.
//!
//! # Keys (kept by the `keys` module)
//!
//! Each terminal has one signing key, generated from OS randomness on first
//! use and kept in `<data dir>/terminal.key` (the 32-byte secret in base64url
//! without padding, file mode 0600). Its public half is registered at central
//! (`PUT /v1/terminals/{id}/key`, first registration wins) and every terminal
//! of the site pulls the site's keys (`GET /v1/sites/{site}/keys`) into its
//! `terminal_keys` table. Replacing a key is a provisioning task for IT.
//!
//! # Payload format (version `BX1`)
//!
//! One line of text, fields separated by `|`:
//!
//! ```text
//! BX1|order_id|showtime_id|seat|ticket_type|site_id|terminal_id|issued_at|signature
//! ```
//!
//! - `issued_at` is unix seconds in decimal;
//! - a `%` or `|` inside a field is written `%25` or `%7C` (no other escape
//!   exists; ids never contain either in practice, so fields are verbatim);
//! - `signature` is the 64-byte Ed25519 signature, base64url without padding
//!   (86 characters), over the UTF-8 bytes of everything before the last `|`
//!   (the `BX1|` prefix included, so a signature cannot be reused by another
//!   format).
//!
//! A demo ticket is about 200 characters: a version 10 QR symbol (57
//! modules) at error correction level M, 5 to 6 printer dots per module
//! across the 384 dots of 58 mm paper.
//! The order id stays readable in the payload, so staff can read it off a
//! scanner's raw output.
//!
//! Verification checks, in order: the shape (`ticket.malformed`), that the
//! signing terminal's key is known (`ticket.unknown_terminal`), the signature
//! (`ticket.bad_signature`) and, in [`Site::verify_ticket`], that the ticket
//! is for this site (`ticket.wrong_site`).

use crate::error::SiteError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signature;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub use ed25519_dalek::VerifyingKey;

/// Whatever signs door QR payloads: a terminal's key in production, any
/// Ed25519 key in tests.
pub trait TicketSigner {
    /// The Ed25519 signature of `message`.
    fn sign_payload(&self, message: &[u8]) -> Signature;
}

/// Version tag that starts every payload of this format.
pub const PAYLOAD_VERSION: &str = "BX1";

/// Longest payload [`verify_ticket`] looks at; anything longer is malformed.
pub const MAX_PAYLOAD_LEN: usize = 1024;

const SEP: char = '|';
const FIELDS: usize = 9;

/// Why a ticket code does not verify. Each has a stable [`code`](Self::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketCodeError {
    /// Not a ticket code of a format this terminal reads.
    #[error("not a valid ticket code: {0}")]
    Malformed(String),
    /// Signed by a terminal whose key this terminal does not know (another
    /// site's terminal, or keys not pulled since the terminal was added).
    #[error("ticket signed by unknown terminal '{0}'")]
    UnknownTerminal(String),
    /// The signature does not match the content: altered or forged.
    #[error("the ticket's signature does not match its content")]
    BadSignature,
    /// A genuine ticket for another site.
    #[error("ticket is for site '{ticket}', not this site '{here}'")]
    WrongSite {
        /// Site named in the ticket.
        ticket: String,
        /// This terminal's site.
        here: String,
    },
    /// A genuine ticket that was refunded, or whose seat moved to a new ticket.
    #[error("void ticket: {why} ({when})")]
    Void {
        /// `refunded` or `moved to another seat`.
        why: String,
        /// When it was voided, as central or this terminal recorded it.
        when: String,
    },
    /// A genuine ticket let in already, at this door or another of the site.
    #[error("already admitted ({0})")]
    AlreadyAdmitted(String),
    /// A genuine ticket of a showtime that is over.
    #[error("the show is over: it started {0}")]
    ShowOver(String),
}

impl TicketCodeError {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            TicketCodeError::Malformed(_) => "ticket.malformed",
            TicketCodeError::UnknownTerminal(_) => "ticket.unknown_terminal",
            TicketCodeError::BadSignature => "ticket.bad_signature",
            TicketCodeError::WrongSite { .. } => "ticket.wrong_site",
            TicketCodeError::Void { .. } => "ticket.void",
            TicketCodeError::AlreadyAdmitted(_) => "ticket.already_admitted",
            TicketCodeError::ShowOver(_) => "ticket.show_over",
        }
    }
}

impl From<TicketCodeError> for SiteError {
    fn from(e: TicketCodeError) -> Self {
        SiteError::Invalid(format!("{e} ({})", e.code()))
    }
}

fn malformed(what: impl Into<String>) -> TicketCodeError {
    TicketCodeError::Malformed(what.into())
}

/// What a signed ticket says. Everything here is covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketClaims {
    /// Order id (a UUID for terminal sales).
    pub order_id: String,
    /// Showtime.
    pub showtime_id: String,
    /// Seat label, e.g. `F-12`.
    pub seat: String,
    /// Ticket type code, e.g. `adult`.
    pub ticket_type: String,
    /// Site the ticket admits to.
    pub site_id: String,
    /// Terminal that sold and signed it.
    pub terminal_id: String,
    /// When it was signed, unix seconds.
    pub issued_at: i64,
}

/// Parses a public key as central lists it (base64url, no padding, 32 bytes).
pub fn parse_public_key(b64: &str) -> Result<VerifyingKey, TicketCodeError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| malformed("public key is not base64url"))?;
    let bytes: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| malformed("public key does not hold 32 bytes"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| malformed("public key is not an Ed25519 key"))
}

fn escape(field: &str, out: &mut String) {
    for c in field.chars() {
        match c {
            '%' => out.push_str("%25"),
            SEP => out.push_str("%7C"),
            c => out.push(c),
        }
    }
}

fn unescape(field: &str) -> Result<String, TicketCodeError> {
    if !field.contains('%') {
        return Ok(field.to_string());
    }
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if after.starts_with("25") {
            out.push('%');
        } else if after.starts_with("7C") {
            out.push(SEP);
        } else {
            return Err(malformed("bad escape in a field"));
        }
        rest = &after[2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Signs `claims` with `key` into a QR payload (format in the module doc).
pub fn sign_ticket(key: &impl TicketSigner, claims: &TicketClaims) -> String {
    let mut text = String::with_capacity(200);
    text.push_str(PAYLOAD_VERSION);
    for field in [
        &claims.order_id,
        &claims.showtime_id,
        &claims.seat,
        &claims.ticket_type,
        &claims.site_id,
        &claims.terminal_id,
    ] {
        text.push(SEP);
        escape(field, &mut text);
    }
    text.push(SEP);
    text.push_str(&claims.issued_at.to_string());
    let signature: Signature = key.sign_payload(text.as_bytes());
    text.push(SEP);
    text.push_str(&URL_SAFE_NO_PAD.encode(signature.to_bytes()));
    text
}

/// Verifies a QR payload against the known terminal keys (terminal id ->
/// key) and returns what it says. Never panics, whatever the input.
pub fn verify_ticket(
    payload: &str,
    keys: &HashMap<String, VerifyingKey>,
) -> Result<TicketClaims, TicketCodeError> {
    // Scanners in keyboard mode may add a line ending.
    let payload = payload.trim_end_matches(['\r', '\n']);
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(malformed("too long"));
    }
    let (signed, sig_b64) = payload
        .rsplit_once(SEP)
        .ok_or_else(|| malformed("no signature"))?;
    let parts: Vec<&str> = payload.split(SEP).collect();
    if parts.len() != FIELDS {
        return Err(malformed(format!(
            "{} fields instead of {FIELDS}",
            parts.len()
        )));
    }
    if parts[0] != PAYLOAD_VERSION {
        return Err(malformed("not a Boxoffice ticket (unknown version)"));
    }
    let issued_at: i64 = parts[7]
        .parse()
        .map_err(|_| malformed("issue time is not a number"))?;
    let sig_bytes = URL_SAFE_NO_PAD
        .decode(sig_b64)
        .map_err(|_| malformed("signature is not base64url"))?;
    let sig_bytes: [u8; 64] = sig_bytes
        .as_slice()
        .try_into()
        .map_err(|_| malformed("signature does not hold 64 bytes"))?;
    let claims = TicketClaims {
        order_id: unescape(parts[1])?,
        showtime_id: unescape(parts[2])?,
        seat: unescape(parts[3])?,
        ticket_type: unescape(parts[4])?,
        site_id: unescape(parts[5])?,
        terminal_id: unescape(parts[6])?,
        issued_at,
    };
    let key = keys
        .get(&claims.terminal_id)
        .ok_or_else(|| TicketCodeError::UnknownTerminal(claims.terminal_id.clone()))?;
    key.verify_strict(signed.as_bytes(), &Signature::from_bytes(&sig_bytes))
        .map_err(|_| TicketCodeError::BadSignature)?;
    Ok(claims)
}

/// What a ticket admits to, for the door: from the local catalog when the
/// showtime is known, else only what the (verified) claims say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admits {
    /// Showtime id.
    pub showtime_id: String,
    /// English film title (unknown when the showtime is not in the local catalog).
    pub film_title_en: Option<String>,
    /// Arabic film title.
    pub film_title_ar: Option<String>,
    /// Screen name.
    pub screen: Option<String>,
    /// Start, RFC 3339 with the site's offset.
    pub starts_at_local: Option<String>,
    /// Seat label.
    pub seat: String,
    /// Ticket type code.
    pub ticket_type: String,
    /// Ticket type's English name, when the price card is known.
    pub ticket_name_en: Option<String>,
    /// Order reference as printed on the ticket.
    pub order_ref: String,
}

/// The answer to "may this ticket in?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCheck {
    /// Whether the ticket is genuine and for this site.
    pub valid: bool,
    /// Stable code of the reason when not valid, e.g. `ticket.bad_signature`.
    pub reason_code: Option<String>,
    /// Sentence for the door staff when not valid.
    pub reason: Option<String>,
    /// The claims, when the signature verified.
    pub claims: Option<TicketClaims>,
    /// What it admits to, when valid.
    pub admits: Option<Admits>,
}

impl TicketCheck {
    /// A refusal for `e`.
    pub(crate) fn invalid(e: &TicketCodeError, claims: Option<TicketClaims>) -> TicketCheck {
        TicketCheck {
            valid: false,
            reason_code: Some(e.code().to_string()),
            reason: Some(e.to_string()),
            claims,
            admits: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::TerminalKey;
    use proptest::prelude::*;

    fn claims() -> TicketClaims {
        TicketClaims {
            order_id: "01936d2e-7b1c-7cc0-9a4e-3f2a1b0c9d8e".into(),
            showtime_id: "dxb-marina-s1-20261126-1930".into(),
            seat: "F-12".into(),
            ticket_type: "adult".into(),
            site_id: "dxb-marina".into(),
            terminal_id: "dxb-marina-t1".into(),
            issued_at: 1_764_171_000,
        }
    }

    fn key(seed: u8) -> TerminalKey {
        TerminalKey::from_secret([seed; 32])
    }

    fn keys(pairs: &[(&str, &TerminalKey)]) -> HashMap<String, VerifyingKey> {
        pairs
            .iter()
            .map(|(id, k)| (id.to_string(), k.public_key()))
            .collect()
    }

    #[test]
    fn round_trip() {
        let k = key(1);
        let payload = sign_ticket(&k, &claims());
        assert!(payload.starts_with("BX1|01936d2e-"), "{payload}");
        // 213 bytes is what a version 10 QR symbol (57 modules) holds at level M.
        assert!(payload.len() <= 213, "{} chars: {payload}", payload.len());
        let got = verify_ticket(&payload, &keys(&[("dxb-marina-t1", &k)])).unwrap();
        assert_eq!(got, claims());
        // A scanner's trailing newline is fine.
        let got = verify_ticket(&format!("{payload}\r\n"), &keys(&[("dxb-marina-t1", &k)]));
        assert_eq!(got.unwrap(), claims());
    }

    #[test]
    fn separators_and_percent_signs_in_fields_survive() {
        let k = key(1);
        let mut c = claims();
        c.seat = "A|1%7C%".into();
        c.ticket_type = "%25".into();
        let payload = sign_ticket(&k, &c);
        assert_eq!(payload.split('|').count(), FIELDS);
        let got = verify_ticket(&payload, &keys(&[("dxb-marina-t1", &k)])).unwrap();
        assert_eq!(got, c);
    }

    #[test]
    fn tampering_is_detected() {
        let k = key(1);
        let ks = keys(&[("dxb-marina-t1", &k)]);
        let payload = sign_ticket(&k, &claims());
        let other_seat = payload.replace("|F-12|", "|F-13|");
        assert_eq!(
            verify_ticket(&other_seat, &ks).unwrap_err(),
            TicketCodeError::BadSignature
        );
        let later = payload.replace("|1764171000|", "|1764171001|");
        assert_eq!(
            verify_ticket(&later, &ks).unwrap_err().code(),
            "ticket.bad_signature"
        );
        // Signed by another key under this terminal's name.
        let forged = sign_ticket(&key(2), &claims());
        assert_eq!(
            verify_ticket(&forged, &ks).unwrap_err().code(),
            "ticket.bad_signature"
        );
    }

    #[test]
    fn unknown_terminal_and_malformed() {
        let k = key(1);
        let payload = sign_ticket(&k, &claims());
        assert_eq!(
            verify_ticket(&payload, &keys(&[("dxb-marina-t2", &k)]))
                .unwrap_err()
                .code(),
            "ticket.unknown_terminal"
        );
        let ks = keys(&[("dxb-marina-t1", &k)]);
        let (body, sig) = payload.rsplit_once('|').unwrap();
        for bad in [
            "",
            "hello",
            "BOX1|0193|show|F-12",
            &payload.replacen("BX1", "BX2", 1),
            &format!("{body}|{}", &sig[1..]),
            &format!("{body}|{sig}|extra"),
            &format!("{body}|{sig}=="),
            &payload.replace("|1764171000|", "|soon|"),
            &payload.replace("|F-12|", "|F%2012|"),
            &"x".repeat(MAX_PAYLOAD_LEN + 1),
        ] {
            assert_eq!(
                verify_ticket(bad, &ks).unwrap_err().code(),
                "ticket.malformed",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(
            TicketCodeError::Malformed(String::new()).code(),
            "ticket.malformed"
        );
        assert_eq!(
            TicketCodeError::UnknownTerminal(String::new()).code(),
            "ticket.unknown_terminal"
        );
        assert_eq!(TicketCodeError::BadSignature.code(), "ticket.bad_signature");
        let wrong = TicketCodeError::WrongSite {
            ticket: "a".into(),
            here: "b".into(),
        };
        assert_eq!(wrong.code(), "ticket.wrong_site");
        assert_eq!(SiteError::from(wrong).code(), "invalid_input");
    }

    #[test]
    fn public_keys_parse() {
        let k = key(3);
        assert_eq!(
            parse_public_key(&k.public_key_b64()).unwrap(),
            k.public_key()
        );
        assert!(parse_public_key("short").is_err());
        assert!(parse_public_key(&format!("{}=", k.public_key_b64())).is_err());
    }

    proptest! {
        #[test]
        fn verify_never_panics(s in any::<String>()) {
            let k = key(1);
            let _ = verify_ticket(&s, &keys(&[("dxb-marina-t1", &k)]));
        }

        #[test]
        fn verify_never_panics_on_near_payloads(
            fields in proptest::collection::vec("[a-zA-Z0-9%|=_-]{0,12}", 0..12)
        ) {
            let k = key(1);
            let s = format!("BX1|{}", fields.join("|"));
            let _ = verify_ticket(&s, &keys(&[("t", &k)]));
        }

        #[test]
        fn any_one_character_change_is_refused(i in 0usize..400, c in any::<char>()) {
            let k = key(1);
            let payload = sign_ticket(&k, &claims());
            let chars: Vec<char> = payload.chars().collect();
            let i = i % chars.len();
            prop_assume!(chars[i] != c);
            let mut changed = chars.clone();
            changed[i] = c;
            let changed: String = changed.into_iter().collect();
            prop_assert!(verify_ticket(&changed, &keys(&[("dxb-marina-t1", &k)])).is_err());
        }

        #[test]
        fn arbitrary_claims_round_trip(
            order in ".{0,40}", show in ".{0,40}", seat in ".{0,8}",
            kind in ".{0,10}", at in any::<i64>()
        ) {
            let k = key(7);
            let c = TicketClaims {
                order_id: order,
                showtime_id: show,
                seat,
                ticket_type: kind,
                site_id: "s".into(),
                terminal_id: "t".into(),
                issued_at: at,
            };
            let payload = sign_ticket(&k, &c);
            prop_assume!(payload.len() <= MAX_PAYLOAD_LEN);
            prop_assert_eq!(verify_ticket(&payload, &keys(&[("t", &k)])).unwrap(), c);
        }
    }
}

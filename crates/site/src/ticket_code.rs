//! Door QR codes: tickets signed by the selling terminal's Ed25519 key and
//! verifiable offline, by a door scanner or any terminal of the site, with the
//! list of the site's terminal public keys pulled from central.
//!
//! # Keys
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

use crate::engine::Site;
use crate::error::SiteError;
use crate::{sale, store, time_fmt};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use protocol::{RegisterKeyRequest, TerminalPublicKey};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

pub use ed25519_dalek::VerifyingKey;

/// Version tag that starts every payload of this format.
pub const PAYLOAD_VERSION: &str = "BX1";

/// Name of the key file in the terminal's data directory.
pub const KEY_FILE: &str = "terminal.key";

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
}

impl TicketCodeError {
    /// Stable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            TicketCodeError::Malformed(_) => "ticket.malformed",
            TicketCodeError::UnknownTerminal(_) => "ticket.unknown_terminal",
            TicketCodeError::BadSignature => "ticket.bad_signature",
            TicketCodeError::WrongSite { .. } => "ticket.wrong_site",
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
pub fn sign_ticket(key: &TerminalKey, claims: &TicketClaims) -> String {
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
    let signature: Signature = key.signing.sign(text.as_bytes());
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
    fn invalid(e: &TicketCodeError, claims: Option<TicketClaims>) -> TicketCheck {
        TicketCheck {
            valid: false,
            reason_code: Some(e.code().to_string()),
            reason: Some(e.to_string()),
            claims,
            admits: None,
        }
    }
}

/// Replaces the site's terminal public keys (table `terminal_keys`).
///
/// Kept here rather than in `store` while that file is being reworked; it
/// touches only the `terminal_keys` table.
pub fn replace_terminal_keys(
    tx: &rusqlite::Transaction<'_>,
    keys: &[TerminalPublicKey],
) -> Result<(), SiteError> {
    tx.execute("DELETE FROM terminal_keys", [])?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO terminal_keys (terminal_id, public_key) VALUES (?1, ?2)",
    )?;
    for k in keys {
        stmt.execute(rusqlite::params![k.terminal_id, k.public_key])?;
    }
    Ok(())
}

/// The site's terminal public keys as last pulled from central.
pub fn terminal_keys(conn: &rusqlite::Connection) -> Result<Vec<TerminalPublicKey>, SiteError> {
    let mut stmt =
        conn.prepare("SELECT terminal_id, public_key FROM terminal_keys ORDER BY terminal_id")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(TerminalPublicKey {
                terminal_id: r.get(0)?,
                public_key: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Keys loaded per data directory, so that printing does not read the key
/// file for every ticket.
static KEY_CACHE: OnceLock<Mutex<HashMap<PathBuf, TerminalKey>>> = OnceLock::new();

fn cached_key(data_dir: &Path) -> Result<TerminalKey, SiteError> {
    let cache = KEY_CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(key) = map.get(data_dir) {
        return Ok(key.clone());
    }
    let key = TerminalKey::load_or_create(data_dir)?;
    map.insert(data_dir.to_path_buf(), key.clone());
    Ok(key)
}

impl Site {
    /// This terminal's signing key (created on first use).
    pub fn terminal_key(&self) -> Result<TerminalKey, SiteError> {
        cached_key(self.data_dir())
    }

    /// Registers this terminal's public key at central (creating the key on
    /// first use). Idempotent; central refuses a different key for a
    /// terminal that already has one (`central_refused`, code `key_conflict`).
    pub async fn register_key(&self) -> Result<(), SiteError> {
        let cfg = self.config()?;
        let key = self.terminal_key()?;
        let client = self.client()?;
        let answer = client
            .register_key(
                &cfg.terminal_id,
                &RegisterKeyRequest {
                    public_key: key.public_key_b64(),
                },
            )
            .await;
        self.note_call(&answer);
        answer?;
        Ok(())
    }

    /// Replaces the local list of the site's terminal keys with central's.
    /// Returns how many usable keys were stored.
    pub async fn pull_keys(&self) -> Result<u32, SiteError> {
        let cfg = self.config()?;
        let client = self.client()?;
        let keys = client.site_keys(&cfg.site_id).await;
        self.note_call(&keys);
        let keys: Vec<TerminalPublicKey> = keys?
            .into_iter()
            .filter(|k| match parse_public_key(&k.public_key) {
                Ok(_) => true,
                Err(e) => {
                    tracing::warn!(terminal = %k.terminal_id, error = %e, "skipping unusable key");
                    false
                }
            })
            .collect();
        let mut db = self.db();
        let tx = db.transaction()?;
        replace_terminal_keys(&tx, &keys)?;
        tx.commit()?;
        Ok(u32::try_from(keys.len()).unwrap_or(u32::MAX))
    }

    /// Signs a ticket's QR payload with this terminal's key. The claims must
    /// name this terminal and its site.
    pub fn sign_ticket_payload(&self, claims: &TicketClaims) -> Result<String, SiteError> {
        let cfg = self.config()?;
        if claims.terminal_id != cfg.terminal_id || claims.site_id != cfg.site_id {
            return Err(SiteError::Invalid(format!(
                "cannot sign a ticket for {}/{} on terminal {}/{}",
                claims.site_id, claims.terminal_id, cfg.site_id, cfg.terminal_id
            )));
        }
        Ok(sign_ticket(&self.terminal_key()?, claims))
    }

    /// Checks a scanned ticket offline, with the keys pulled from central and
    /// the local catalog. A genuine ticket for a showtime this terminal does
    /// not know (aged out of the catalog, or added since the last sync) is
    /// still valid; its admits then show only what the ticket says.
    pub fn verify_ticket(&self, payload: &str) -> Result<TicketCheck, SiteError> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let db = self.db();
        let mut keys = HashMap::new();
        for k in terminal_keys(&db)? {
            match parse_public_key(&k.public_key) {
                Ok(v) => {
                    keys.insert(k.terminal_id, v);
                }
                Err(e) => {
                    tracing::warn!(terminal = %k.terminal_id, error = %e, "unusable stored key")
                }
            }
        }
        let claims = match verify_ticket(payload, &keys) {
            Ok(c) => c,
            Err(e) => return Ok(TicketCheck::invalid(&e, None)),
        };
        if claims.site_id != site.id {
            let e = TicketCodeError::WrongSite {
                ticket: claims.site_id.clone(),
                here: site.id,
            };
            return Ok(TicketCheck::invalid(&e, Some(claims)));
        }
        let show = match store::showtime(&db, &claims.showtime_id) {
            Ok(s) => Some(s),
            Err(SiteError::UnknownShowtime(_)) => None,
            Err(e) => return Err(e),
        };
        let ticket_name_en = match &show {
            Some(s) => store::prices(&db, &s.price_card_id)?
                .into_iter()
                .find(|p| p.ticket_type == claims.ticket_type)
                .map(|p| p.name_en),
            None => None,
        };
        let order_ref = uuid::Uuid::parse_str(&claims.order_id)
            .map(sale::order_ref)
            .unwrap_or_else(|_| claims.order_id.clone());
        let admits = Admits {
            showtime_id: claims.showtime_id.clone(),
            film_title_en: show.as_ref().map(|s| s.title_en.clone()),
            film_title_ar: show.as_ref().map(|s| s.title_ar.clone()),
            screen: show.as_ref().map(|s| s.screen_name.clone()),
            starts_at_local: show
                .as_ref()
                .map(|s| time_fmt::rfc3339_local(s.starts_at, &tz)),
            seat: claims.seat.clone(),
            ticket_type: claims.ticket_type.clone(),
            ticket_name_en,
            order_ref,
        };
        Ok(TicketCheck {
            valid: true,
            reason_code: None,
            reason: None,
            claims: Some(claims),
            admits: Some(admits),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

//! Door QR keys at the terminal: registering this terminal's key, pulling
//! the site's keys, signing and checking tickets.

use crate::engine::Site;
use crate::error::SiteError;
use crate::keys::{TerminalKey, cached_key};
use crate::rules::signing::{
    Admits, TicketCheck, TicketClaims, TicketCodeError, parse_public_key, sign_ticket,
    verify_ticket,
};
use crate::{store, time_fmt};
use protocol::{RegisterKeyRequest, TerminalPublicKey};
use std::collections::HashMap;

/// How long after a film's end its tickets still show as valid (late
/// leavers, a door re-check), in minutes.
const SHOW_OVER_GRACE_MIN: i64 = 60;

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
        answer?;
        Ok(())
    }

    /// Replaces the local list of the site's terminal keys with central's.
    /// Returns how many usable keys were stored.
    pub async fn pull_keys(&self) -> Result<u32, SiteError> {
        let cfg = self.config()?;
        let client = self.client()?;
        let keys = client.site_keys(&cfg.site_id).await;
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
        store::replace_terminal_keys(&tx, &keys)?;
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
        for k in store::terminal_keys(&db)? {
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
        // Refunded, moved or let in already, here or at any door of the site
        // (as far as the void list learnt): refused, whatever the signature says.
        if let Some((why, at)) =
            store::ticket_void(&db, &claims.order_id, (&claims.showtime_id, &claims.seat))?
        {
            let when = at
                .parse::<jiff::Timestamp>()
                .map(|t| time_fmt::rfc3339_local(t, &tz))
                .unwrap_or(at);
            let e = match why.as_str() {
                "admitted" => TicketCodeError::AlreadyAdmitted(when),
                "refund" => TicketCodeError::Void {
                    why: "refunded".into(),
                    when,
                },
                _ => TicketCodeError::Void {
                    why: "moved to another seat".into(),
                    when,
                },
            };
            return Ok(TicketCheck::invalid(&e, Some(claims)));
        }
        // Over: the film ran its length and an hour more.
        if let Some(s) = &show {
            let run =
                jiff::SignedDuration::from_mins(i64::from(s.runtime_min) + SHOW_OVER_GRACE_MIN);
            if s.starts_at
                .checked_add(run)
                .is_ok_and(|over| self.clock.now() > over)
            {
                let e = TicketCodeError::ShowOver(time_fmt::rfc3339_local(s.starts_at, &tz));
                return Ok(TicketCheck::invalid(&e, Some(claims)));
            }
        }
        let ticket_name_en = match &show {
            Some(s) => store::prices(&db, &s.price_card_id)?
                .into_iter()
                .find(|p| p.ticket_type == claims.ticket_type)
                .map(|p| p.name_en),
            None => None,
        };
        let order_ref = uuid::Uuid::parse_str(&claims.order_id)
            .map(protocol::order_reference)
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

    /// Checks a ticket at the door and, when it may in, records it as let in
    /// (a second scan here, or at another door once the void list syncs,
    /// says so). The admission reaches central through the outbox.
    pub async fn admit_ticket(&self, payload: &str) -> Result<TicketCheck, SiteError> {
        let check = self.verify_ticket(payload)?;
        let (true, Some(claims)) = (check.valid, check.claims.as_ref()) else {
            return Ok(check);
        };
        let now = self.clock.now();
        let version =
            store::config(&self.db(), store::ConfigKey::CentralApiVersion)?.unwrap_or_default();
        let entry_id = self.ids.new_id(now);
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            let ticket = (claims.showtime_id.as_str(), claims.seat.as_str());
            let first = store::insert_admission(&tx, &claims.order_id, ticket, now)?;
            if !first {
                // Scanned twice at once: the other scan let it in.
                let tz = store::site(&tx)?
                    .map(|s| time_fmt::zone(&s.time_zone))
                    .transpose()?
                    .unwrap_or(jiff::tz::TimeZone::UTC);
                let e = TicketCodeError::AlreadyAdmitted(time_fmt::rfc3339_local(now, &tz));
                return Ok(TicketCheck::invalid(&e, Some(claims.clone())));
            }
            // An older central cannot read the entry: the door here still knows.
            if protocol::speaks(&version, 3) {
                let body = protocol::EntryBody::Admission(protocol::Admission {
                    order_id: claims.order_id.clone(),
                    showtime_id: claims.showtime_id.clone(),
                    seat: claims.seat.clone(),
                    at: now,
                });
                store::insert_entry(&tx, entry_id, &claims.order_id, &body, now)?;
            }
            tx.commit()?;
        }
        if self.is_online()
            && let Err(e) = self.push_outbox().await
        {
            tracing::warn!(error = %e, "admission stays queued");
        }
        Ok(check)
    }
}

//! Central's SQLite store: catalog, holds, sales and applied outbox entries.
//!
//! All writes run in one transaction each. A seat can be sold once per
//! showtime: `sold_seats` has `(showtime_id, seat_label)` as primary key, so
//! even a bug in this code cannot record a second sale of a seat.

use crate::error::CentralError;
use base64::Engine as _;
use domain::{Country, Currency, SeatArea, SeatKind, SeatState};
use jiff::Timestamp;
use protocol::{
    Catalog, EntryBody, EntryResult, Film, Hold, HoldRequest, OutboxEntry, Outcome, PriceCard,
    PriceEntry, PriceRuleWire, Role, RuleTimeWindow, Sale, Screen, SeatDef, SeatStates, SeatStatus,
    SecuredBy, Showtime, SiteInfo, StaffMember, TerminalPublicKey, WebSale, WebSaleRequest,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rusqlite_migration::{M, Migrations};
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use uuid::Uuid;

/// Longest hold central grants, in seconds.
pub const MAX_HOLD_TTL_SECS: u32 = 900;
/// Hold time-to-live terminals are told to ask for.
pub const DEFAULT_HOLD_TTL_SECS: u32 = 300;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../../migrations/central/0001_init.sql")),
        M::up(include_str!(
            "../../../migrations/central/0002_terminal_keys.sql"
        )),
        M::up(include_str!(
            "../../../migrations/central/0003_site_logo.sql"
        )),
        M::up(include_str!(
            "../../../migrations/central/0004_leases_events.sql"
        )),
        M::up(include_str!(
            "../../../migrations/central/0005_terminal_tokens.sql"
        )),
        M::up(include_str!(
            "../../../migrations/central/0007_web_collect.sql"
        )),
        M::up(include_str!(
            "../../../migrations/central/0008_cancelled_showtimes.sql"
        )),
        M::up(include_str!(
            "../../../migrations/central/0006_price_rules.sql"
        )),
    ])
}

/// Central's database.
pub struct CentralDb {
    conn: Mutex<Connection>,
    /// The last seat event's sequence number, for long-polling readers.
    pub(crate) events: tokio::sync::watch::Sender<i64>,
    /// Accept terminals that have no token yet (demo and development only).
    allow_unprovisioned: std::sync::atomic::AtomicBool,
}

type Result<T> = std::result::Result<T, CentralError>;

fn corrupt(what: impl std::fmt::Display) -> CentralError {
    CentralError::Corrupt(what.to_string())
}

impl CentralDb {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut conn)?;
        let last = last_event_seq(&conn)?;
        Ok(CentralDb {
            conn: Mutex::new(conn),
            events: tokio::sync::watch::channel(last).0,
            allow_unprovisioned: std::sync::atomic::AtomicBool::new(false),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions
        // roll back on drop), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one immediate transaction.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        let last = last_event_seq(&conn)?;
        self.events.send_if_modified(|seen| {
            let changed = *seen != last;
            *seen = last;
            changed
        });
        Ok(out)
    }

    pub(crate) fn read(&self) -> MutexGuard<'_, Connection> {
        self.conn()
    }

    /// Lets terminals without a provisioned token call (demo and development).
    pub fn allow_unprovisioned(&self, allow: bool) {
        self.allow_unprovisioned
            .store(allow, std::sync::atomic::Ordering::Relaxed);
    }

    /// Gives `terminal_id` a new bearer token (returned once; only its hash is kept).
    /// Any previous token stops working.
    pub fn provision_terminal(&self, terminal_id: &str) -> Result<String> {
        let mut raw = [0u8; 32];
        raw[..16].copy_from_slice(Uuid::new_v4().as_bytes());
        raw[16..].copy_from_slice(Uuid::new_v4().as_bytes());
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        let changed = self.write(|tx| {
            Ok(tx.execute(
                "UPDATE terminals SET token_hash = ?2 WHERE id = ?1",
                params![terminal_id, token_hash(&token)],
            )?)
        })?;
        if changed == 0 {
            return Err(CentralError::UnknownTerminal(terminal_id.to_string()));
        }
        Ok(token)
    }

    /// Checks a terminal's bearer token.
    pub fn authenticate(&self, terminal_id: &str, bearer: Option<&str>) -> Result<()> {
        let stored: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT token_hash FROM terminals WHERE id = ?1",
                [terminal_id],
                |r| r.get(0),
            )
            .optional()?;
        match stored {
            None => Err(CentralError::UnknownTerminal(terminal_id.to_string())),
            Some(None)
                if self
                    .allow_unprovisioned
                    .load(std::sync::atomic::Ordering::Relaxed) =>
            {
                Ok(())
            }
            Some(None) => Err(CentralError::Unauthorized(format!(
                "terminal {terminal_id} is not provisioned; ask IT for its token"
            ))),
            Some(Some(hash)) => {
                let given = bearer.map(token_hash).unwrap_or_default();
                // Constant-time comparison of the two hex digests.
                let same = given.len() == hash.len()
                    && given
                        .bytes()
                        .zip(hash.bytes())
                        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                        == 0;
                if same {
                    Ok(())
                } else {
                    Err(CentralError::Unauthorized(format!(
                        "wrong or missing token for terminal {terminal_id}"
                    )))
                }
            }
        }
    }

    /// Whether the database holds no site yet.
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sites", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    /// All sites with their terminals.
    pub fn sites(&self) -> Result<Vec<SiteInfo>> {
        let conn = self.conn();
        let ids: Vec<String> = conn
            .prepare("SELECT id FROM sites ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        ids.iter().map(|id| site_info(&conn, id)).collect()
    }

    /// The site a terminal belongs to.
    pub fn terminal_site(&self, terminal_id: &str) -> Result<String> {
        self.conn()
            .query_row(
                "SELECT site_id FROM terminals WHERE id = ?1",
                [terminal_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| CentralError::UnknownTerminal(terminal_id.to_string()))
    }

    /// The catalog of a site: showtimes starting from `since` on.
    pub fn catalog(&self, site_id: &str, since: Timestamp) -> Result<Catalog> {
        let conn = self.conn();
        let site = site_info(&conn, site_id)?;
        let films = conn
            .prepare(
                "SELECT DISTINCT f.id, f.title_en, f.title_ar, f.rating, f.runtime_min
                 FROM films f JOIN showtimes s ON s.film_id = f.id
                 WHERE s.site_id = ?1 ORDER BY f.id",
            )?
            .query_map([site_id], |r| {
                Ok(Film {
                    id: r.get(0)?,
                    title_en: r.get(1)?,
                    title_ar: r.get(2)?,
                    rating: r.get(3)?,
                    runtime_min: r.get(4)?,
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let screen_rows: Vec<(String, String)> = conn
            .prepare("SELECT id, name FROM screens WHERE site_id = ?1 ORDER BY id")?
            .query_map([site_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut screens = Vec::with_capacity(screen_rows.len());
        for (id, name) in screen_rows {
            let seats = screen_seats(&conn, &id)?;
            screens.push(Screen { id, name, seats });
        }
        let showtimes = conn
            .prepare(
                "SELECT id, film_id, screen_id, starts_at, format, price_card_id, cancelled
                 FROM showtimes WHERE site_id = ?1 AND starts_at >= ?2 ORDER BY starts_at, id",
            )?
            .query_map(params![site_id, since.as_second()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, bool>(6)?,
                ))
            })?
            .map(|row| {
                let (id, film_id, screen_id, starts, format, price_card_id, cancelled) = row?;
                let starts_at = Timestamp::from_second(starts).map_err(corrupt)?;
                Ok(Showtime {
                    id,
                    film_id,
                    screen_id,
                    starts_at,
                    format,
                    price_card_id,
                    cancelled,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let card_ids: Vec<String> = conn
            .prepare("SELECT id FROM price_cards WHERE site_id = ?1 ORDER BY id")?
            .query_map([site_id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        let mut price_cards = Vec::new();
        for id in card_ids {
            let prices = conn
                .prepare(
                    "SELECT ticket_type, name_en, name_ar, price_minor FROM prices
                     WHERE price_card_id = ?1 ORDER BY position",
                )?
                .query_map([&id], |r| {
                    Ok(PriceEntry {
                        ticket_type: r.get(0)?,
                        name_en: r.get(1)?,
                        name_ar: r.get(2)?,
                        price_minor: r.get(3)?,
                    })
                })?
                .collect::<std::result::Result<_, _>>()?;
            let rules = price_rules(&conn, &id)?;
            price_cards.push(PriceCard { id, prices, rules });
        }
        let staff = conn
            .prepare("SELECT id, name, role, pin_hash FROM staff WHERE site_id = ?1 ORDER BY id")?
            .query_map([site_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get::<_, String>(2)?,
                    r.get(3)?,
                ))
            })?
            .map(|row| {
                let (id, name, role, pin_hash) = row?;
                let role = Role::parse(&role).ok_or_else(|| corrupt(format!("role {role}")))?;
                Ok(StaffMember {
                    id,
                    name,
                    role,
                    pin_hash,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Catalog {
            site,
            films,
            screens,
            showtimes,
            price_cards,
            staff,
            hold_ttl_secs: DEFAULT_HOLD_TTL_SECS,
            settings: site_settings(&conn, site_id)?,
            version: String::new(),
            api_version: protocol::API_VERSION.to_string(),
        })
        .and_then(|mut c: Catalog| {
            // The version is a digest of the content, so it changes exactly when the content does.
            let bytes = serde_json::to_vec(&c).map_err(corrupt)?;
            c.version = token_hash(&String::from_utf8_lossy(&bytes))[..16].to_string();
            Ok(c)
        })
    }

    /// Seats of a showtime that are not free at `now`.
    pub fn seat_states(&self, showtime_id: &str, now: Timestamp) -> Result<SeatStates> {
        let conn = self.conn();
        let screen_id = showtime_screen(&conn, showtime_id)?;
        let mut seats: Vec<SeatStatus> = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT s.seat_label, COALESCE(o.terminal_id, 'web') FROM sold_seats s
             JOIN orders o ON o.id = s.order_id WHERE s.showtime_id = ?1",
        )?;
        for row in stmt.query_map([showtime_id], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (label, owner) = row?;
            seats.push(SeatStatus {
                label,
                state: SeatState::Sold,
                owner: Some(owner),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT hs.seat_label, h.owner FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
             WHERE hs.showtime_id = ?1 AND h.expires_at > ?2",
        )?;
        for row in stmt.query_map(params![showtime_id, now.as_millisecond()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })? {
            let (label, owner) = row?;
            seats.push(SeatStatus {
                label,
                state: SeatState::Held,
                owner: Some(owner),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT seat_label, terminal_id FROM leases WHERE showtime_id = ?1 AND expires_at > ?2
               AND seat_label NOT IN (SELECT seat_label FROM sold_seats WHERE showtime_id = ?1)
               AND seat_label NOT IN (SELECT seat_label FROM held_seats WHERE showtime_id = ?1)",
        )?;
        for row in stmt.query_map(params![showtime_id, now.as_millisecond()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })? {
            let (label, owner) = row?;
            seats.push(SeatStatus {
                label,
                state: SeatState::Leased,
                owner: Some(owner),
            });
        }
        let mut stmt =
            conn.prepare("SELECT label FROM screen_seats WHERE screen_id = ?1 AND blocked = 1")?;
        for row in stmt.query_map([&screen_id], |r| r.get::<_, String>(0))? {
            seats.push(SeatStatus {
                label: row?,
                state: SeatState::Blocked,
                owner: None,
            });
        }
        seats.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(SeatStates {
            showtime_id: showtime_id.to_string(),
            seats,
        })
    }

    /// Places a hold on free seats for `owner` (a terminal id or `web:...`).
    pub fn create_hold(
        &self,
        owner: &str,
        req: &HoldRequest,
        hold_id: Uuid,
        now: Timestamp,
    ) -> Result<Hold> {
        if req.seats.is_empty() {
            return Err(CentralError::BadRequest(
                "a hold needs at least one seat".into(),
            ));
        }
        let ttl = req.ttl_secs.clamp(1, MAX_HOLD_TTL_SECS);
        let expires_at = now + jiff::SignedDuration::from_secs(i64::from(ttl));
        self.write(|tx| {
            let screen_id = showtime_screen(tx, &req.showtime_id)?;
            check_not_cancelled(tx, &req.showtime_id)?;
            check_seats_exist(tx, &screen_id, &req.seats)?;
            expire_stale(tx, now)?;
            let taken = unavailable(tx, &req.showtime_id, &req.seats, None, Some(owner))?;
            if !taken.is_empty() {
                return Err(CentralError::SeatUnavailable(taken));
            }
            let hold = hold_id.to_string();
            // Seats in an older hold of the same owner (an answer it never got) move to this one.
            for seat in &req.seats {
                tx.execute(
                    "DELETE FROM held_seats WHERE showtime_id = ?1 AND seat_label = ?2
                     AND hold_id IN (SELECT id FROM holds WHERE owner = ?3)",
                    params![req.showtime_id, seat, owner],
                )?;
            }
            tx.execute(
                "INSERT INTO holds (id, showtime_id, owner, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![hold, req.showtime_id, owner, expires_at.as_millisecond()],
            )?;
            for seat in &req.seats {
                tx.execute(
                    "INSERT INTO held_seats (showtime_id, seat_label, hold_id) VALUES (?1, ?2, ?3)",
                    params![req.showtime_id, seat, hold],
                )?;
                emit(
                    tx,
                    &req.showtime_id,
                    seat,
                    SeatState::Held,
                    Some(owner),
                    now,
                )?;
            }
            if let Some(old) = req.replaces.as_deref().filter(|o| *o != hold) {
                let left = hold_seats(tx, old, Some(owner))?;
                tx.execute(
                    "DELETE FROM holds WHERE id = ?1 AND owner = ?2",
                    params![old, owner],
                )?;
                announce_freed(tx, &left, now)?;
            }
            Ok(Hold {
                hold_id: hold,
                expires_at,
                central_time: now,
            })
        })
    }

    /// Releases a hold of `owner`. Releasing an unknown or expired hold is not an error.
    pub fn release_hold(&self, owner: &str, hold_id: &str, now: Timestamp) -> Result<()> {
        self.write(|tx| {
            let seats = hold_seats(tx, hold_id, Some(owner))?;
            tx.execute(
                "DELETE FROM holds WHERE id = ?1 AND owner = ?2",
                params![hold_id, owner],
            )?;
            announce_freed(tx, &seats, now)?;
            Ok(())
        })
    }

    /// Gives a live hold of `owner` a new time to live from `now`.
    pub fn extend_hold(
        &self,
        owner: &str,
        hold_id: &str,
        ttl_secs: u32,
        now: Timestamp,
    ) -> Result<Hold> {
        let ttl = ttl_secs.clamp(1, MAX_HOLD_TTL_SECS);
        let expires_at = now + jiff::SignedDuration::from_secs(i64::from(ttl));
        self.write(|tx| {
            expire_stale(tx, now)?;
            let n = tx.execute(
                "UPDATE holds SET expires_at = ?3 WHERE id = ?1 AND owner = ?2",
                params![hold_id, owner, expires_at.as_millisecond()],
            )?;
            if n == 0 {
                return Err(CentralError::UnknownHold(hold_id.to_string()));
            }
            Ok(Hold {
                hold_id: hold_id.to_string(),
                expires_at,
                central_time: now,
            })
        })
    }

    /// Cancels a showtime: it stays in the catalog, and no hold, lease or web
    /// sale is granted for it any more. Returns how many seats were sold.
    pub fn cancel_showtime(&self, showtime_id: &str) -> Result<u32> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE showtimes SET cancelled = 1 WHERE id = ?1",
                [showtime_id],
            )?;
            if n == 0 {
                return Err(CentralError::UnknownShowtime(showtime_id.to_string()));
            }
            tx.execute("DELETE FROM leases WHERE showtime_id = ?1", [showtime_id])?;
            Ok(tx.query_row(
                "SELECT count(*) FROM sold_seats WHERE showtime_id = ?1",
                [showtime_id],
                |r| r.get(0),
            )?)
        })
    }

    /// Frees expired holds and leases (with their seat events).
    pub fn expire(&self, now: Timestamp) -> Result<()> {
        self.write(|tx| expire_stale(tx, now))
    }

    /// Applies a batch of outbox entries from `terminal_id`, each in its own
    /// transaction, and returns one result per entry.
    pub fn push(
        &self,
        terminal_id: &str,
        entries: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<Vec<EntryResult>> {
        let site_id = self.terminal_site(terminal_id)?;
        // One transaction (one fsync) per batch: a database failure fails the
        // whole batch, which the terminal resends; entries are idempotent.
        self.write(|tx| {
            expire_stale(tx, now)?;
            entries
                .iter()
                .map(|entry| {
                    Ok(EntryResult {
                        id: entry.id,
                        outcome: apply_entry(tx, &site_id, terminal_id, entry, now)?,
                    })
                })
                .collect()
        })
    }

    /// Sells seats to a web customer (the chain's website), if all are free.
    pub fn web_sale(
        &self,
        req: &WebSaleRequest,
        order_id: Uuid,
        now: Timestamp,
    ) -> Result<WebSale> {
        if req.seats.is_empty() {
            return Err(CentralError::BadRequest(
                "a sale needs at least one seat".into(),
            ));
        }
        self.write(|tx| {
            let screen_id = showtime_screen(tx, &req.showtime_id)?;
            check_not_cancelled(tx, &req.showtime_id)?;
            check_seats_exist(tx, &screen_id, &req.seats)?;
            expire_stale(tx, now)?;
            let taken = unavailable(tx, &req.showtime_id, &req.seats, None, None)?;
            if !taken.is_empty() {
                return Err(CentralError::SeatUnavailable(taken));
            }
            let (currency, adult): (String, i64) = tx.query_row(
                "SELECT si.currency, COALESCE((SELECT p.price_minor FROM prices p
                     WHERE p.price_card_id = s.price_card_id AND p.ticket_type = 'adult'), 0)
                 FROM showtimes s JOIN sites si ON si.id = s.site_id WHERE s.id = ?1",
                [&req.showtime_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let reference = web_reference(order_id);
            let id = order_id.to_string();
            let total = adult.saturating_mul(req.seats.len() as i64);
            tx.execute(
                "INSERT INTO orders (id, showtime_id, channel, terminal_id, reference, total_minor, currency, created_at)
                 VALUES (?1, ?2, 'web', NULL, ?3, ?4, ?5, ?6)",
                params![id, req.showtime_id, reference, total, currency, now.to_string()],
            )?;
            for seat in &req.seats {
                tx.execute(
                    "INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
                     VALUES (?1, ?2, ?3, 'adult', ?4)",
                    params![req.showtime_id, seat, id, adult],
                )?;
                emit(tx, &req.showtime_id, seat, SeatState::Sold, Some("web"), now)?;
            }
            Ok(WebSale { order_id: id, reference })
        })
    }

    /// Number of seats sold for a showtime by one order id (tests and audits).
    pub fn order_seats(&self, order_id: &str) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT seat_label FROM sold_seats WHERE order_id = ?1 ORDER BY seat_label")?;
        let seats = stmt
            .query_map([order_id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(seats)
    }

    /// Registers `terminal_id`'s Ed25519 public key (base64url, no padding).
    ///
    /// The first registration wins. Registering the same key again is a no-op;
    /// a *different* key for a terminal that already has one is refused with
    /// [`CentralError::KeyConflict`]: a terminal cannot replace its key by
    /// itself, or a stolen terminal id could take over its signatures. Key
    /// rotation (a replaced or reinstalled terminal) is a provisioning task for
    /// IT, who delete the old row at central before the terminal registers anew.
    pub fn register_key(
        &self,
        terminal_id: &str,
        public_key: &str,
        now: Timestamp,
    ) -> Result<TerminalPublicKey> {
        validate_public_key(public_key)?;
        self.write(|tx| {
            let known = tx
                .query_row(
                    "SELECT 1 FROM terminals WHERE id = ?1",
                    [terminal_id],
                    |_| Ok(()),
                )
                .optional()?;
            if known.is_none() {
                return Err(CentralError::UnknownTerminal(terminal_id.to_string()));
            }
            let existing: Option<String> = tx
                .query_row(
                    "SELECT public_key FROM terminal_keys WHERE terminal_id = ?1",
                    [terminal_id],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(k) if k == public_key => {}
                Some(_) => return Err(CentralError::KeyConflict(terminal_id.to_string())),
                None => {
                    tx.execute(
                        "INSERT INTO terminal_keys (terminal_id, public_key, registered_at)
                         VALUES (?1, ?2, ?3)",
                        params![terminal_id, public_key, now.to_string()],
                    )?;
                }
            }
            Ok(TerminalPublicKey {
                terminal_id: terminal_id.to_string(),
                public_key: public_key.to_string(),
            })
        })
    }

    /// The registered public keys of a site's terminals, by terminal id.
    pub fn site_keys(&self, site_id: &str) -> Result<Vec<TerminalPublicKey>> {
        let conn = self.conn();
        let site_known = conn
            .query_row("SELECT 1 FROM sites WHERE id = ?1", [site_id], |_| Ok(()))
            .optional()?
            .is_some();
        if !site_known {
            return Err(CentralError::UnknownSite(site_id.to_string()));
        }
        let keys = conn
            .prepare(
                "SELECT k.terminal_id, k.public_key FROM terminal_keys k
                 JOIN terminals t ON t.id = k.terminal_id
                 WHERE t.site_id = ?1 ORDER BY k.terminal_id",
            )?
            .query_map([site_id], |r| {
                Ok(TerminalPublicKey {
                    terminal_id: r.get(0)?,
                    public_key: r.get(1)?,
                })
            })?
            .collect::<std::result::Result<_, _>>()?;
        Ok(keys)
    }
}

/// Checks that `key` is base64url (no padding) of a valid Ed25519 public key.
fn validate_public_key(key: &str) -> Result<()> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(key)
        .map_err(|e| CentralError::InvalidKey(format!("not base64url without padding: {e}")))?;
    let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        CentralError::InvalidKey(format!(
            "an Ed25519 public key has 32 bytes, not {}",
            bytes.len()
        ))
    })?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| CentralError::InvalidKey("not a point of the Ed25519 curve".into()))?;
    Ok(())
}

/// SHA-256 of a token, hex.
fn token_hash(token: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn web_reference(order_id: Uuid) -> String {
    let simple = order_id.simple().to_string().to_uppercase();
    format!("W{}", &simple[simple.len() - 8..])
}

fn site_info(conn: &Connection, site_id: &str) -> Result<SiteInfo> {
    let row = conn
        .query_row(
            "SELECT name, chain_name, country, currency, time_zone, vat_rate_bp, address,
                    tax_number, business_day_cutoff_hour FROM sites WHERE id = ?1",
            [site_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, u32>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i8>(8)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| CentralError::UnknownSite(site_id.to_string()))?;
    let (name, chain_name, country, currency, time_zone, vat_rate_bp, address, tax_number, cutoff) =
        row;
    let terminals = conn
        .prepare("SELECT id FROM terminals WHERE site_id = ?1 ORDER BY id")?
        .query_map([site_id], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let logo: Option<Vec<u8>> =
        conn.query_row("SELECT logo_png FROM sites WHERE id = ?1", [site_id], |r| {
            r.get(0)
        })?;
    Ok(SiteInfo {
        id: site_id.to_string(),
        name,
        chain_name,
        country: country.parse::<Country>().map_err(corrupt)?,
        currency: currency.parse::<Currency>().map_err(corrupt)?,
        time_zone,
        vat_rate_bp,
        address,
        tax_number,
        business_day_cutoff_hour: cutoff,
        terminals,
        logo_png_b64: logo.map(|b| base64::engine::general_purpose::STANDARD.encode(b)),
    })
}

fn screen_seats(conn: &Connection, screen_id: &str) -> Result<Vec<SeatDef>> {
    conn.prepare(
        "SELECT label, row_name, number, x, y, area, kind, blocked FROM screen_seats
         WHERE screen_id = ?1 ORDER BY y, x",
    )?
    .query_map([screen_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, u32>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, bool>(7)?,
        ))
    })?
    .map(|row| {
        let (label, row, number, x, y, area, kind, blocked) = row?;
        Ok(SeatDef {
            label,
            row,
            number,
            x,
            y,
            area: SeatArea::parse(&area).ok_or_else(|| corrupt(format!("area {area}")))?,
            kind: SeatKind::parse(&kind).ok_or_else(|| corrupt(format!("kind {kind}")))?,
            blocked,
        })
    })
    .collect()
}

/// Refuses a showtime the chain cancelled.
fn check_not_cancelled(conn: &Connection, showtime_id: &str) -> Result<()> {
    let cancelled: Option<bool> = conn
        .query_row(
            "SELECT cancelled FROM showtimes WHERE id = ?1",
            [showtime_id],
            |r| r.get(0),
        )
        .optional()?;
    match cancelled {
        None => Err(CentralError::UnknownShowtime(showtime_id.to_string())),
        Some(true) => Err(CentralError::Conflict(format!(
            "showtime {showtime_id} was cancelled"
        ))),
        Some(false) => Ok(()),
    }
}

fn showtime_screen(conn: &Connection, showtime_id: &str) -> Result<String> {
    conn.query_row(
        "SELECT screen_id FROM showtimes WHERE id = ?1",
        [showtime_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| CentralError::UnknownShowtime(showtime_id.to_string()))
}

fn check_seats_exist(conn: &Connection, screen_id: &str, seats: &[String]) -> Result<()> {
    let mut stmt = conn
        .prepare_cached("SELECT blocked FROM screen_seats WHERE screen_id = ?1 AND label = ?2")?;
    let mut missing = Vec::new();
    let mut seen = HashSet::new();
    for seat in seats {
        if !seen.insert(seat.as_str()) {
            return Err(CentralError::BadRequest(format!(
                "seat {seat} is listed twice"
            )));
        }
        if stmt
            .query_row(params![screen_id, seat], |r| r.get::<_, bool>(0))
            .optional()?
            .is_none()
        {
            missing.push(seat.clone());
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CentralError::UnknownSeats(missing))
    }
}

/// Frees holds and leases whose time is up, recording a seat event for each seat.
pub(crate) fn expire_stale(tx: &Connection, now: Timestamp) -> Result<()> {
    let ms = now.as_millisecond();
    let held: Vec<(String, String)> = tx
        .prepare_cached(
            "SELECT hs.showtime_id, hs.seat_label FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
             WHERE h.expires_at <= ?1",
        )?
        .query_map([ms], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    if !held.is_empty() {
        tx.execute("DELETE FROM holds WHERE expires_at <= ?1", [ms])?;
    }
    let leased: Vec<(String, String)> = tx
        .prepare_cached("SELECT showtime_id, seat_label FROM leases WHERE expires_at <= ?1")?
        .query_map([ms], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    if !leased.is_empty() {
        tx.execute("DELETE FROM leases WHERE expires_at <= ?1", [ms])?;
    }
    announce_freed(tx, held.iter().chain(&leased), now)?;
    Ok(())
}

/// Records a `free` seat event for each of `seats` (showtime, label) that is
/// now neither sold, held nor leased: the one way central announces freed seats.
fn announce_freed<'a>(
    tx: &Connection,
    seats: impl IntoIterator<Item = &'a (String, String)>,
    now: Timestamp,
) -> Result<()> {
    for (show, seat) in seats {
        if seat_is_free(tx, show, seat)? {
            emit(tx, show, seat, SeatState::Free, None, now)?;
        }
    }
    Ok(())
}

/// Whether a seat is neither sold, held nor leased (blocked seats never change).
fn seat_is_free(tx: &Connection, showtime_id: &str, seat: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT NOT EXISTS (SELECT 1 FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2)
                AND NOT EXISTS (SELECT 1 FROM held_seats WHERE showtime_id = ?1 AND seat_label = ?2)
                AND NOT EXISTS (SELECT 1 FROM leases WHERE showtime_id = ?1 AND seat_label = ?2)",
        )?
        .query_row(params![showtime_id, seat], |r| r.get(0))?)
}

/// The seats of a hold (of `owner`, when given).
fn hold_seats(
    tx: &Connection,
    hold_id: &str,
    owner: Option<&str>,
) -> Result<Vec<(String, String)>> {
    Ok(tx
        .prepare_cached(
            "SELECT hs.showtime_id, hs.seat_label FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
             WHERE h.id = ?1 AND (?2 IS NULL OR h.owner = ?2)",
        )?
        .query_map(params![hold_id, owner], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?)
}

/// Records a change of a seat's state for the terminals following the site.
pub(crate) fn emit(
    tx: &Connection,
    showtime_id: &str,
    seat: &str,
    state: SeatState,
    owner: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO seat_events (site_id, showtime_id, seat_label, state, owner, at)
         SELECT site_id, ?1, ?2, ?3, ?4, ?5 FROM showtimes WHERE id = ?1",
    )?
    .execute(params![
        showtime_id,
        seat,
        state.as_str(),
        owner,
        now.as_millisecond()
    ])?;
    Ok(())
}

fn last_event_seq(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT COALESCE(max(seq), 0) FROM seat_events", [], |r| {
            r.get(0)
        })?,
    )
}

/// The counter settings of a site (defaults when central has none stored).
pub(crate) fn site_settings(conn: &Connection, site_id: &str) -> Result<protocol::SiteSettings> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT settings FROM site_settings WHERE site_id = ?1",
            [site_id],
            |r| r.get(0),
        )
        .optional()?;
    match stored {
        None => Ok(protocol::SiteSettings::default()),
        Some(json) => serde_json::from_str(&json).map_err(corrupt),
    }
}

/// Seats among `seats` that are sold, blocked, held by a hold other than
/// `own_hold`, or leased to a terminal other than `me`.
pub(crate) fn unavailable(
    tx: &Connection,
    showtime_id: &str,
    seats: &[String],
    own_hold: Option<&str>,
    me: Option<&str>,
) -> Result<Vec<String>> {
    let mut leased = tx.prepare_cached(
        "SELECT terminal_id FROM leases WHERE showtime_id = ?1 AND seat_label = ?2",
    )?;
    let mut sold =
        tx.prepare_cached("SELECT 1 FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2")?;
    let mut held = tx.prepare_cached(
        "SELECT hs.hold_id, h.owner FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
         WHERE hs.showtime_id = ?1 AND hs.seat_label = ?2",
    )?;
    let mut blocked = tx.prepare_cached(
        "SELECT ss.blocked FROM screen_seats ss JOIN showtimes s ON s.screen_id = ss.screen_id
         WHERE s.id = ?1 AND ss.label = ?2",
    )?;
    let mut out = Vec::new();
    for seat in seats {
        let is_sold = sold.exists(params![showtime_id, seat])?;
        let holder: Option<(String, String)> = held
            .query_row(params![showtime_id, seat], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        // A terminal's own holds never stand in its way, even one whose
        // answer it never received (the sale then names no hold).
        let held_by_other = holder
            .is_some_and(|(h, owner)| Some(h.as_str()) != own_hold && Some(owner.as_str()) != me);
        let lessee: Option<String> = leased
            .query_row(params![showtime_id, seat], |r| r.get(0))
            .optional()?;
        let leased_to_other = lessee.is_some_and(|t| Some(t.as_str()) != me);
        let is_blocked = blocked
            .query_row(params![showtime_id, seat], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(false);
        if is_sold || held_by_other || leased_to_other || is_blocked {
            out.push(seat.clone());
        }
    }
    Ok(out)
}

fn rejected(code: &str, message: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        code: code.to_string(),
        message: message.into(),
    }
}

fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Applied => "applied",
        Outcome::Duplicate { .. } => "duplicate",
        Outcome::Conflict { .. } => "conflict",
        Outcome::Rejected { .. } => "rejected",
    }
}

fn apply_entry(
    tx: &Transaction<'_>,
    site_id: &str,
    terminal_id: &str,
    entry: &OutboxEntry,
    now: Timestamp,
) -> Result<Outcome> {
    let entry_id = entry.id.to_string();
    let seen: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT outcome, result FROM applied_entries WHERE entry_id = ?1",
            [&entry_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((name, result)) = seen {
        let first = match result {
            Some(json) => serde_json::from_str(&json).map_err(corrupt)?,
            // Rows from before results were stored only kept the name.
            None if name == "applied" => Outcome::Applied,
            None => rejected(&name, "see central's records"),
        };
        return Ok(Outcome::Duplicate {
            first: Box::new(first),
        });
    }
    let outcome = match &entry.body {
        EntryBody::Sale(sale) => apply_sale(tx, site_id, terminal_id, sale, now)?,
        EntryBody::Reseat(reseat) => apply_reseat(tx, site_id, terminal_id, reseat, now)?,
        EntryBody::Refund(refund) => apply_refund(tx, site_id, terminal_id, refund, now)?,
    };
    if let Outcome::Conflict { seats } = &outcome {
        let (order_id, showtime_id) = match &entry.body {
            EntryBody::Sale(s) => (s.order_id, s.showtime_id.as_str()),
            EntryBody::Reseat(r) => (r.order_id, r.showtime_id.as_str()),
            EntryBody::Refund(r) => (r.order_id, r.showtime_id.as_str()),
        };
        tx.execute(
            "INSERT OR IGNORE INTO conflicts (entry_id, terminal_id, order_id, showtime_id, seats, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                entry_id,
                terminal_id,
                order_id.to_string(),
                showtime_id,
                serde_json::to_string(seats).map_err(corrupt)?,
                serde_json::to_string(&entry.body).map_err(corrupt)?,
                now.to_string()
            ],
        )?;
    }
    tx.execute(
        "INSERT INTO applied_entries (entry_id, terminal_id, seq, outcome, applied_at, result)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            entry_id,
            terminal_id,
            entry.seq,
            outcome_name(&outcome),
            now.to_string(),
            serde_json::to_string(&outcome).map_err(corrupt)?
        ],
    )?;
    Ok(outcome)
}

fn apply_reseat(
    tx: &Transaction<'_>,
    site_id: &str,
    terminal_id: &str,
    r: &protocol::Reseat,
    now: Timestamp,
) -> Result<Outcome> {
    let order_id = r.order_id.to_string();
    let site: Option<String> = tx
        .query_row(
            // The reseated showtime is the order's own or, for an order
            // spanning several showtimes, one of its sold seats'.
            "SELECT s.site_id FROM orders o JOIN showtimes s ON s.id = ?2
             WHERE o.id = ?1 AND (o.showtime_id = ?2 OR EXISTS
                   (SELECT 1 FROM sold_seats ss WHERE ss.order_id = o.id AND ss.showtime_id = ?2))",
            params![order_id, r.showtime_id],
            |row| row.get(0),
        )
        .optional()?;
    match site {
        None => {
            return Ok(rejected(
                "unknown_order",
                format!("order {order_id} is not known for this showtime"),
            ));
        }
        Some(site) if site != site_id => {
            return Ok(rejected(
                "wrong_site",
                "the order is not at this terminal's site",
            ));
        }
        Some(_) => {}
    }
    let seat_owner = |label: &str| -> Result<Option<String>> {
        Ok(tx
            .query_row(
                "SELECT order_id FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2",
                params![r.showtime_id, label],
                |row| row.get(0),
            )
            .optional()?)
    };
    if seat_owner(&r.to_seat)?.as_deref() == Some(order_id.as_str())
        && seat_owner(&r.from_seat)?.as_deref() != Some(order_id.as_str())
    {
        // Already moved (the first answer was lost on the way).
        return Ok(Outcome::Duplicate {
            first: Box::new(Outcome::Applied),
        });
    }
    let sold: Option<(String, i64)> = tx
        .query_row(
            "SELECT ticket_type, price_minor FROM sold_seats
             WHERE showtime_id = ?1 AND seat_label = ?2 AND order_id = ?3",
            params![r.showtime_id, r.from_seat, order_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((ticket_type, price_minor)) = sold else {
        return Ok(rejected(
            "seat_not_in_order",
            format!("{} is not a seat of this order", r.from_seat),
        ));
    };
    let screen_id = showtime_screen(tx, &r.showtime_id)?;
    if let Err(e) = check_seats_exist(tx, &screen_id, std::slice::from_ref(&r.to_seat)) {
        return Ok(rejected(e.code(), e.to_string()));
    }
    let own_hold = match &r.secured_by {
        SecuredBy::Hold { hold_id } => {
            let holder: Option<String> = tx
                .query_row("SELECT owner FROM holds WHERE id = ?1", [hold_id], |row| {
                    row.get(0)
                })
                .optional()?;
            holder
                .filter(|o| o == terminal_id)
                .map(|_| hold_id.as_str())
        }
        SecuredBy::Lease | SecuredBy::Override { .. } => None,
    };
    let taken = unavailable(
        tx,
        &r.showtime_id,
        std::slice::from_ref(&r.to_seat),
        own_hold,
        Some(terminal_id),
    )?;
    if !taken.is_empty() {
        return Ok(Outcome::Conflict { seats: taken });
    }
    tx.execute(
        "DELETE FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2 AND order_id = ?3",
        params![r.showtime_id, r.from_seat, order_id],
    )?;
    tx.execute(
        "INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![r.showtime_id, r.to_seat, order_id, ticket_type, price_minor],
    )?;
    tx.execute(
        "DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2",
        params![r.showtime_id, r.to_seat],
    )?;
    release_own_hold(
        tx,
        terminal_id,
        &r.showtime_id,
        std::slice::from_ref(&r.to_seat),
        now,
    )?;
    emit(tx, &r.showtime_id, &r.from_seat, SeatState::Free, None, now)?;
    emit(
        tx,
        &r.showtime_id,
        &r.to_seat,
        SeatState::Sold,
        Some(terminal_id),
        now,
    )?;
    Ok(Outcome::Applied)
}

fn apply_sale(
    tx: &Transaction<'_>,
    site_id: &str,
    terminal_id: &str,
    sale: &Sale,
    now: Timestamp,
) -> Result<Outcome> {
    let order_id = sale.order_id.to_string();
    if tx
        .query_row(
            "SELECT 1 FROM orders WHERE id = ?1",
            [&order_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some()
    {
        return Ok(Outcome::Duplicate {
            first: Box::new(Outcome::Applied),
        });
    }
    if sale.seats.is_empty() {
        return Ok(rejected("empty_sale", "a sale needs at least one seat"));
    }
    // An order may hold tickets for several showtimes (API 1.2): each
    // showtime's seats are checked on their own, and the order applies whole
    // or not at all.
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for seat in &sale.seats {
        let show = seat.showtime(sale);
        match groups.iter_mut().find(|(s, _)| *s == show) {
            Some((_, labels)) => labels.push(seat.label.clone()),
            None => groups.push((show, vec![seat.label.clone()])),
        }
    }
    if !groups.iter().any(|(s, _)| *s == sale.showtime_id) {
        return Ok(rejected(
            "bad_showtime",
            "the sale's showtime has none of its seats",
        ));
    }
    let own_hold = match &sale.secured_by {
        SecuredBy::Hold { hold_id } => {
            let owner: Option<String> = tx
                .query_row("SELECT owner FROM holds WHERE id = ?1", [hold_id], |r| {
                    r.get(0)
                })
                .optional()?;
            owner.filter(|o| o == terminal_id).map(|_| hold_id.as_str())
        }
        SecuredBy::Lease | SecuredBy::Override { .. } => None,
    };
    let mut currency = String::new();
    let mut taken = Vec::new();
    for (showtime_id, labels) in &groups {
        let show: Option<(String, String, String)> = tx
            .query_row(
                "SELECT s.site_id, s.screen_id, si.currency FROM showtimes s
                 JOIN sites si ON si.id = s.site_id WHERE s.id = ?1",
                [showtime_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((show_site, screen_id, show_currency)) = show else {
            return Ok(rejected(
                "unknown_showtime",
                format!("unknown showtime {showtime_id}"),
            ));
        };
        if show_site != site_id {
            return Ok(rejected(
                "wrong_site",
                "the showtime is not at this terminal's site",
            ));
        }
        if show_currency != sale.currency.code() {
            return Ok(rejected(
                "wrong_currency",
                format!("the site sells in {show_currency}"),
            ));
        }
        currency = show_currency;
        match check_seats_exist(tx, &screen_id, labels) {
            Ok(()) => {}
            Err(e @ (CentralError::UnknownSeats(_) | CentralError::BadRequest(_))) => {
                return Ok(rejected(e.code(), e.to_string()));
            }
            Err(e) => return Err(e),
        }
        taken.extend(unavailable(
            tx,
            showtime_id,
            labels,
            own_hold,
            Some(terminal_id),
        )?);
    }
    let sum: i64 = sale.seats.iter().map(|s| s.price_minor).sum();
    if sum != sale.total_minor {
        return Ok(rejected(
            "bad_total",
            "the seat prices do not add up to the total",
        ));
    }
    if !taken.is_empty() {
        return Ok(Outcome::Conflict { seats: taken });
    }
    let reference = protocol::order_reference(sale.order_id);
    tx.execute(
        "INSERT INTO orders (id, showtime_id, channel, terminal_id, reference, total_minor, currency, created_at)
         VALUES (?1, ?2, 'terminal', ?3, ?4, ?5, ?6, ?7)",
        params![order_id, sale.showtime_id, terminal_id, reference, sale.total_minor, currency, now.to_string()],
    )?;
    if let Some(o) = &sale.price_override {
        tx.execute(
            "UPDATE orders SET price_override_by = ?2, price_override_reason = ?3 WHERE id = ?1",
            params![order_id, o.approved_by, o.reason],
        )?;
    }
    for seat in &sale.seats {
        let showtime_id = seat.showtime(sale);
        tx.execute(
            "INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                showtime_id,
                seat.label,
                order_id,
                seat.ticket_type,
                seat.price_minor
            ],
        )?;
        tx.execute(
            "DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2",
            params![showtime_id, seat.label],
        )?;
        emit(
            tx,
            showtime_id,
            &seat.label,
            SeatState::Sold,
            Some(terminal_id),
            now,
        )?;
    }
    for (showtime_id, labels) in &groups {
        release_own_hold(tx, terminal_id, showtime_id, labels, now)?;
    }
    // An override sale that was in conflict and is now sold on other seats.
    tx.execute(
        "UPDATE conflicts SET resolution = 'reseated', resolved_at = ?2
         WHERE order_id = ?1 AND resolution IS NULL",
        params![order_id, now.to_string()],
    )?;
    Ok(Outcome::Applied)
}

/// The rules of a price card, in card order.
fn price_rules(conn: &Connection, card_id: &str) -> Result<Vec<PriceRuleWire>> {
    fn json_list<T: serde::de::DeserializeOwned>(text: String) -> Result<Vec<T>> {
        serde_json::from_str(&text).map_err(corrupt)
    }
    conn.prepare(
        "SELECT code, name_en, name_ar, adjustment_minor, window_start, window_end,
                weekdays, formats, areas, ticket_types
         FROM price_rules WHERE price_card_id = ?1 ORDER BY position",
    )?
    .query_map([card_id], |r| {
        Ok((
            (
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ),
            (
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ),
            (
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            ),
        ))
    })?
    .map(|row| {
        let ((code, name_en, name_ar, adjustment_minor), window, lists) = row?;
        let (weekdays, formats, areas, ticket_types) = lists;
        Ok(PriceRuleWire {
            code,
            name_en,
            name_ar,
            adjustment_minor,
            time_window: match window {
                (Some(start), Some(end)) => Some(RuleTimeWindow { start, end }),
                _ => None,
            },
            weekdays: json_list(weekdays)?,
            formats: json_list(formats)?,
            areas: json_list(areas)?,
            ticket_types: json_list(ticket_types)?,
        })
    })
    .collect()
}

/// Deletes the terminal's holds on seats it just sold (the one the sale
/// names, and any whose answer was lost); their other seats become free.
fn release_own_hold(
    tx: &Connection,
    terminal_id: &str,
    showtime_id: &str,
    sold: &[String],
    now: Timestamp,
) -> Result<()> {
    let mut holds: Vec<String> = Vec::new();
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT h.id FROM holds h JOIN held_seats hs ON hs.hold_id = h.id
         WHERE h.owner = ?1 AND hs.showtime_id = ?2 AND hs.seat_label = ?3",
    )?;
    for seat in sold {
        for id in stmt.query_map(params![terminal_id, showtime_id, seat], |r| {
            r.get::<_, String>(0)
        })? {
            let id = id?;
            if !holds.contains(&id) {
                holds.push(id);
            }
        }
    }
    for hold in holds {
        let seats = hold_seats(tx, &hold, None)?;
        tx.execute("DELETE FROM holds WHERE id = ?1", [&hold])?;
        // The seats just sold are not free: only the rest are announced.
        announce_freed(tx, &seats, now)?;
    }
    Ok(())
}

/// A refund: frees the seats of an applied sale, or closes an override sale
/// that central could not apply (its conflict task is resolved as refunded).
fn apply_refund(
    tx: &Transaction<'_>,
    site_id: &str,
    terminal_id: &str,
    r: &protocol::Refund,
    now: Timestamp,
) -> Result<Outcome> {
    let order_id = r.order_id.to_string();
    let order: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT s.site_id, o.refunded_at FROM orders o JOIN showtimes s ON s.id = o.showtime_id
             WHERE o.id = ?1 AND o.channel = 'terminal'",
            [&order_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    match order {
        Some((site, _)) if site != site_id => Ok(rejected(
            "wrong_site",
            "the order is not at this terminal's site",
        )),
        Some((_, Some(_))) => Ok(Outcome::Duplicate {
            first: Box::new(Outcome::Applied),
        }),
        Some((_, None)) => {
            let seats: Vec<(String, String)> = tx
                .prepare("SELECT showtime_id, seat_label FROM sold_seats WHERE order_id = ?1")?
                .query_map([&order_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            tx.execute("DELETE FROM sold_seats WHERE order_id = ?1", [&order_id])?;
            tx.execute(
                "UPDATE orders SET refunded_at = ?2 WHERE id = ?1",
                params![order_id, now.to_string()],
            )?;
            announce_freed(tx, &seats, now)?;
            Ok(Outcome::Applied)
        }
        None => {
            let closed = tx.execute(
                "UPDATE conflicts SET resolution = 'refunded', resolved_at = ?3
                 WHERE order_id = ?1 AND terminal_id = ?2 AND resolution IS NULL",
                params![order_id, terminal_id, now.to_string()],
            )?;
            if closed > 0 {
                Ok(Outcome::Applied)
            } else {
                Ok(rejected(
                    "unknown_order",
                    format!("order {order_id} is neither sold nor in conflict"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_with_terminals() -> (tempfile::TempDir, CentralDb) {
        let dir = tempfile::tempdir().unwrap();
        let db = CentralDb::open(&dir.path().join("central.sqlite")).unwrap();
        db.write(|tx| {
            for site in ["a", "b"] {
                tx.execute(
                    "INSERT INTO sites (id, name, chain_name, country, currency, time_zone,
                         vat_rate_bp, address, tax_number)
                     VALUES (?1, ?1, 'Chain', 'AE', 'AED', 'Asia/Dubai', 500, '', '')",
                    [site],
                )?;
                for n in 1..=2 {
                    tx.execute(
                        "INSERT INTO terminals (id, site_id, name) VALUES (?1, ?2, 'Counter')",
                        params![format!("{site}-t{n}"), site],
                    )?;
                }
            }
            Ok(())
        })
        .unwrap();
        (dir, db)
    }

    fn key(seed: u8) -> String {
        let public = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public.as_bytes())
    }

    #[test]
    fn first_key_wins_and_the_same_key_again_is_fine() {
        let (_dir, db) = db_with_terminals();
        let now = Timestamp::UNIX_EPOCH;
        db.register_key("a-t1", &key(1), now).unwrap();
        db.register_key("a-t1", &key(1), now).unwrap();
        let err = db.register_key("a-t1", &key(2), now).unwrap_err();
        assert_eq!(err.code(), "key_conflict");
        assert_eq!(err.status(), 409);
        let keys = db.site_keys("a").unwrap();
        assert_eq!(
            keys,
            vec![TerminalPublicKey {
                terminal_id: "a-t1".into(),
                public_key: key(1),
            }]
        );
    }

    #[test]
    fn site_keys_lists_only_that_sites_terminals() {
        let (_dir, db) = db_with_terminals();
        let now = Timestamp::UNIX_EPOCH;
        db.register_key("a-t2", &key(2), now).unwrap();
        db.register_key("a-t1", &key(1), now).unwrap();
        db.register_key("b-t1", &key(3), now).unwrap();
        let ids: Vec<_> = db
            .site_keys("a")
            .unwrap()
            .into_iter()
            .map(|k| k.terminal_id)
            .collect();
        assert_eq!(ids, ["a-t1", "a-t2"]);
        assert_eq!(db.site_keys("b").unwrap().len(), 1);
        assert_eq!(db.site_keys("zz").unwrap_err().code(), "unknown_site");
    }

    #[test]
    fn bad_keys_and_unknown_terminals_are_refused() {
        let (_dir, db) = db_with_terminals();
        let now = Timestamp::UNIX_EPOCH;
        let short = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 31]);
        let padded = format!("{}=", key(1));
        for bad in ["", "not base64!", short.as_str(), padded.as_str()] {
            let err = db.register_key("a-t1", bad, now).unwrap_err();
            assert_eq!(err.code(), "invalid_key", "{bad:?}");
            assert_eq!(err.status(), 422);
        }
        let err = db.register_key("nobody", &key(1), now).unwrap_err();
        assert_eq!(err.code(), "unknown_terminal");
        assert!(db.site_keys("a").unwrap().is_empty());
    }
}

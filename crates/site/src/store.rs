//! The terminal's SQLite store: configuration, the catalog cache, the seat
//! cache, orders and the outbox.
//!
//! The database runs in WAL mode with `synchronous=FULL`: once a sale's
//! transaction commits it survives a crash or a power cut.

use crate::error::{Result, SiteError};
use domain::{Country, Currency, SeatArea, SeatKind, SeatState};
use jiff::Timestamp;
use protocol::{Catalog, SeatStates};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rusqlite_migration::{M, Migrations};
use std::path::Path;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../../migrations/site/0001_init.sql")),
        M::up(include_str!(
            "../../../migrations/site/0002_print_queue.sql"
        )),
        M::up(include_str!(
            "../../../migrations/site/0003_terminal_keys.sql"
        )),
        M::up(include_str!("../../../migrations/site/0004_site_logo.sql")),
        M::up(include_str!("../../../migrations/site/0005_shifts.sql")),
        M::up(include_str!(
            "../../../migrations/site/0006_leases_conflicts.sql"
        )),
        M::up(include_str!(
            "../../../migrations/site/0008_web_collections.sql"
        )),
        M::up(include_str!(
            "../../../migrations/site/0009_cancelled_showtimes.sql"
        )),
        M::up(include_str!(
            "../../../migrations/site/0007_price_rules.sql"
        )),
        M::up(include_str!(
            "../../../migrations/site/0010_learn_central_api_version.sql"
        )),
    ])
}

/// Opens (creating if needed) the terminal database and migrates it forward.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrations().to_latest(&mut conn)?;
    Ok(conn)
}

fn corrupt(what: impl std::fmt::Display) -> SiteError {
    SiteError::Corrupt(what.to_string())
}

/// Reads a configuration value.
pub fn config(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM config WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Writes a configuration value.
pub fn set_config(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO config (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The site this terminal sells for.
#[derive(Debug, Clone)]
pub struct SiteRow {
    /// Site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Chain name.
    pub chain_name: String,
    /// Country.
    pub country: Country,
    /// Currency.
    pub currency: Currency,
    /// Time zone name.
    pub time_zone: String,
    /// VAT rate.
    pub vat_rate_bp: u32,
    /// Business day cutoff.
    pub cutoff_hour: i8,
    /// Hold TTL to ask for.
    pub hold_ttl_secs: u32,
    /// Street address (receipts).
    pub address: String,
    /// Tax registration number (receipts).
    pub tax_number: String,
    /// Logo for tickets (PNG).
    pub logo_png: Option<Vec<u8>>,
}

/// Replaces the catalog cache with `catalog`.
pub fn replace_catalog(tx: &Transaction<'_>, catalog: &Catalog) -> Result<()> {
    for table in [
        "site",
        "prices",
        "price_rules",
        "showtimes",
        "screen_seats",
        "screens",
        "films",
        "staff",
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let s = &catalog.site;
    // A logo that does not decode is dropped: tickets print without it.
    let logo: Option<Vec<u8>> = s.logo_png_b64.as_deref().and_then(|b| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(b).ok()
    });
    tx.execute(
        "INSERT INTO site (id, name, chain_name, country, currency, time_zone, vat_rate_bp, address, tax_number, business_day_cutoff_hour, hold_ttl_secs, logo_png)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            s.id, s.name, s.chain_name, s.country.code(), s.currency.code(), s.time_zone,
            s.vat_rate_bp, s.address, s.tax_number, s.business_day_cutoff_hour, catalog.hold_ttl_secs,
            logo
        ],
    )?;
    for f in &catalog.films {
        tx.execute(
            "INSERT INTO films (id, title_en, title_ar, rating, runtime_min) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![f.id, f.title_en, f.title_ar, f.rating, f.runtime_min],
        )?;
    }
    for screen in &catalog.screens {
        tx.execute(
            "INSERT INTO screens (id, name) VALUES (?1, ?2)",
            params![screen.id, screen.name],
        )?;
        let mut stmt = tx.prepare_cached(
            "INSERT INTO screen_seats (screen_id, label, row_name, number, x, y, area, kind, blocked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for seat in &screen.seats {
            stmt.execute(params![
                screen.id,
                seat.label,
                seat.row,
                seat.number,
                seat.x,
                seat.y,
                seat.area.as_str(),
                seat.kind.as_str(),
                seat.blocked
            ])?;
        }
    }
    for st in &catalog.showtimes {
        tx.execute(
            "INSERT INTO showtimes (id, film_id, screen_id, starts_at, format, price_card_id, cancelled)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                st.id,
                st.film_id,
                st.screen_id,
                st.starts_at.as_second(),
                st.format,
                st.price_card_id,
                st.cancelled
            ],
        )?;
    }
    for card in &catalog.price_cards {
        for (pos, p) in card.prices.iter().enumerate() {
            tx.execute(
                "INSERT INTO prices (price_card_id, ticket_type, name_en, name_ar, price_minor, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![card.id, p.ticket_type, p.name_en, p.name_ar, p.price_minor, pos as i64],
            )?;
        }
        for (pos, rule) in card.rules.iter().enumerate() {
            tx.execute(
                "INSERT OR REPLACE INTO price_rules (price_card_id, position, code, body) VALUES (?1, ?2, ?3, ?4)",
                params![card.id, pos as i64, rule.code, serde_json::to_string(rule).map_err(corrupt)?],
            )?;
        }
    }
    for m in &catalog.staff {
        tx.execute(
            "INSERT INTO staff (id, name, role, pin_hash) VALUES (?1, ?2, ?3, ?4)",
            params![m.id, m.name, m.role.as_str(), m.pin_hash],
        )?;
    }
    let settings = serde_json::to_string(&catalog.settings).map_err(corrupt)?;
    set_config(tx, "site_settings", &settings)?;
    Ok(())
}

/// The site's counter settings from the last catalog (defaults before one).
pub fn site_settings(conn: &Connection) -> Result<protocol::SiteSettings> {
    match config(conn, "site_settings")? {
        Some(json) => serde_json::from_str(&json).map_err(corrupt),
        None => Ok(protocol::SiteSettings::default()),
    }
}

/// Replaces this terminal's leases with central's list.
pub fn replace_leases(tx: &Transaction<'_>, leases: &protocol::Leases) -> Result<()> {
    tx.execute("DELETE FROM leases", [])?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO leases (showtime_id, seat_label, expires_at) VALUES (?1, ?2, ?3)",
    )?;
    for show in &leases.showtimes {
        for seat in &show.seats {
            stmt.execute(params![
                show.showtime_id,
                seat,
                show.expires_at.as_millisecond()
            ])?;
        }
    }
    Ok(())
}

/// Live leases of this terminal: `(showtime, unsold seats, expiry in unix ms)`.
pub fn lease_summary(conn: &Connection, now: Timestamp) -> Result<Vec<(String, u32, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT l.showtime_id, count(*), min(l.expires_at) FROM leases l
         WHERE l.expires_at > ?1 AND NOT EXISTS (SELECT 1 FROM order_seats o
             WHERE o.showtime_id = l.showtime_id AND o.seat_label = l.seat_label)
         GROUP BY l.showtime_id ORDER BY l.showtime_id",
    )?;
    let rows = stmt
        .query_map([now.as_millisecond()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// Applies central's seat events to the cache. `me` is this terminal's id.
pub fn apply_seat_events(
    tx: &Transaction<'_>,
    events: &[protocol::SeatEvent],
    me: &str,
) -> Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT OR REPLACE INTO remote_seats (showtime_id, seat_label, state) VALUES (?1, ?2, ?3)",
    )?;
    let mut clear =
        tx.prepare_cached("DELETE FROM remote_seats WHERE showtime_id = ?1 AND seat_label = ?2")?;
    let mut unlease =
        tx.prepare_cached("DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2")?;
    for e in events {
        let mine = e.owner.as_deref() == Some(me);
        match e.state {
            SeatState::Free => {
                clear.execute(params![e.showtime_id, e.seat])?;
                unlease.execute(params![e.showtime_id, e.seat])?;
            }
            SeatState::Sold => {
                upsert.execute(params![e.showtime_id, e.seat, "sold"])?;
                unlease.execute(params![e.showtime_id, e.seat])?;
            }
            // Our own holds are ours to know; our own leases come with the lease list.
            SeatState::Held | SeatState::Leased if mine => {
                clear.execute(params![e.showtime_id, e.seat])?;
            }
            SeatState::Held | SeatState::Leased => {
                upsert.execute(params![e.showtime_id, e.seat, "held"])?;
                unlease.execute(params![e.showtime_id, e.seat])?;
            }
            SeatState::Blocked => {}
        }
    }
    Ok(())
}

/// The site row, if a catalog has been pulled.
pub fn site(conn: &Connection) -> Result<Option<SiteRow>> {
    let row = conn
        .query_row(
            "SELECT id, name, chain_name, country, currency, time_zone, vat_rate_bp,
                    business_day_cutoff_hour, hold_ttl_secs, address, tax_number, logo_png FROM site LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, u32>(6)?,
                    r.get::<_, i8>(7)?,
                    r.get::<_, u32>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, Option<Vec<u8>>>(11)?,
                ))
            },
        )
        .optional()?;
    row.map(
        |(
            id,
            name,
            chain_name,
            country,
            currency,
            time_zone,
            vat_rate_bp,
            cutoff_hour,
            hold_ttl_secs,
            address,
            tax_number,
            logo_png,
        )| {
            Ok(SiteRow {
                id,
                name,
                chain_name,
                country: country.parse().map_err(corrupt)?,
                currency: currency.parse().map_err(corrupt)?,
                time_zone,
                vat_rate_bp,
                cutoff_hour,
                hold_ttl_secs,
                address,
                tax_number,
                logo_png,
            })
        },
    )
    .transpose()
}

/// A staff member with the PIN hash.
#[derive(Debug, Clone)]
pub struct StaffRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: protocol::Role,
    /// Argon2 PHC string.
    pub pin_hash: String,
}

/// All staff of the site.
pub fn staff(conn: &Connection) -> Result<Vec<StaffRow>> {
    let mut stmt = conn.prepare("SELECT id, name, role, pin_hash FROM staff ORDER BY id")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
            ))
        })?
        .map(|row| {
            let (id, name, role, pin_hash) = row?;
            let role =
                protocol::Role::parse(&role).ok_or_else(|| corrupt(format!("role '{role}'")))?;
            Ok(StaffRow {
                id,
                name,
                role,
                pin_hash,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(rows)
}

/// A showtime joined with its film and screen.
#[derive(Debug, Clone)]
pub struct ShowtimeRow {
    /// Id.
    pub id: String,
    /// Film id.
    pub film_id: String,
    /// English title.
    pub title_en: String,
    /// Arabic title.
    pub title_ar: String,
    /// Rating.
    pub rating: String,
    /// Runtime.
    pub runtime_min: u32,
    /// Screen id.
    pub screen_id: String,
    /// Screen name.
    pub screen_name: String,
    /// Start.
    pub starts_at: Timestamp,
    /// Format.
    pub format: String,
    /// Price card.
    pub price_card_id: String,
    /// Sellable seats (not blocked).
    pub seats_total: u32,
    /// Seats sold or held, locally or at central.
    pub seats_taken: u32,
    /// Cancelled by the chain.
    pub cancelled: bool,
}

const SHOWTIME_SELECT: &str = "
    SELECT s.id, s.film_id, f.title_en, f.title_ar, f.rating, f.runtime_min, s.screen_id, sc.name,
           s.starts_at, s.format, s.price_card_id,
           (SELECT count(*) FROM screen_seats ss WHERE ss.screen_id = s.screen_id AND ss.blocked = 0),
           (SELECT count(*) FROM (
               SELECT seat_label FROM remote_seats r WHERE r.showtime_id = s.id AND r.state IN ('sold', 'held')
               UNION SELECT seat_label FROM order_seats o WHERE o.showtime_id = s.id)),
           s.cancelled
    FROM showtimes s JOIN films f ON f.id = s.film_id JOIN screens sc ON sc.id = s.screen_id";

fn showtime_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(ShowtimeRow, i64)> {
    let starts: i64 = r.get(8)?;
    Ok((
        ShowtimeRow {
            id: r.get(0)?,
            film_id: r.get(1)?,
            title_en: r.get(2)?,
            title_ar: r.get(3)?,
            rating: r.get(4)?,
            runtime_min: r.get(5)?,
            screen_id: r.get(6)?,
            screen_name: r.get(7)?,
            starts_at: Timestamp::UNIX_EPOCH,
            format: r.get(9)?,
            price_card_id: r.get(10)?,
            seats_total: r.get(11)?,
            seats_taken: r.get(12)?,
            cancelled: r.get(13)?,
        },
        starts,
    ))
}

fn with_start((mut row, starts): (ShowtimeRow, i64)) -> Result<ShowtimeRow> {
    row.starts_at = Timestamp::from_second(starts).map_err(corrupt)?;
    Ok(row)
}

/// Showtimes starting in `[from, to)`.
pub fn showtimes_between(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<ShowtimeRow>> {
    let mut stmt = conn.prepare(&format!(
        "{SHOWTIME_SELECT} WHERE s.starts_at >= ?1 AND s.starts_at < ?2 ORDER BY s.starts_at, sc.name"
    ))?;
    let rows = stmt
        .query_map(params![from.as_second(), to.as_second()], showtime_from_row)?
        .map(|r| with_start(r?))
        .collect::<Result<Vec<_>>>()?;
    Ok(rows)
}

/// All showtime ids in the catalog.
pub fn showtime_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM showtimes ORDER BY starts_at")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(ids)
}

/// One showtime.
pub fn showtime(conn: &Connection, id: &str) -> Result<ShowtimeRow> {
    let row = conn
        .query_row(
            &format!("{SHOWTIME_SELECT} WHERE s.id = ?1"),
            [id],
            showtime_from_row,
        )
        .optional()?
        .ok_or_else(|| SiteError::UnknownShowtime(id.to_string()))?;
    with_start(row)
}

/// A seat of a showtime with its current state.
#[derive(Debug, Clone)]
pub struct SeatRow {
    /// Label.
    pub label: String,
    /// Row.
    pub row: String,
    /// Number.
    pub number: u32,
    /// Column.
    pub x: u32,
    /// Row position.
    pub y: u32,
    /// Area.
    pub area: SeatArea,
    /// Kind.
    pub kind: SeatKind,
    /// State.
    pub state: SeatState,
}

/// The seats of a showtime's screen with their states as this terminal knows
/// them at `now`: sold here or at central, held elsewhere, leased to this
/// terminal (until the lease ends), blocked, or free.
pub fn seats(conn: &Connection, showtime: &ShowtimeRow, now: Timestamp) -> Result<Vec<SeatRow>> {
    use std::collections::{HashMap, HashSet};
    // Three range scans on the showtime, joined here: much cheaper than
    // three correlated sub-queries per seat on a 600-seat hall.
    let sold_here: HashSet<String> = conn
        .prepare_cached("SELECT seat_label FROM order_seats WHERE showtime_id = ?1")?
        .query_map([&showtime.id], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let remote: HashMap<String, String> = conn
        .prepare_cached("SELECT seat_label, state FROM remote_seats WHERE showtime_id = ?1")?
        .query_map([&showtime.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let leased: HashSet<String> = conn
        .prepare_cached("SELECT seat_label FROM leases WHERE showtime_id = ?1 AND expires_at > ?2")?
        .query_map(params![showtime.id, now.as_millisecond()], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT label, row_name, number, x, y, area, kind, blocked
         FROM screen_seats WHERE screen_id = ?1 ORDER BY y, x",
    )?;
    let rows = stmt
        .query_map([&showtime.screen_id], |r| {
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
            let state = if blocked {
                SeatState::Blocked
            } else if sold_here.contains(&label) {
                SeatState::Sold
            } else if let Some(remote) = remote.get(&label).and_then(|s| SeatState::parse(s)) {
                remote
            } else if leased.contains(&label) {
                SeatState::Leased
            } else {
                SeatState::Free
            };
            Ok(SeatRow {
                state,
                area: SeatArea::parse(&area)
                    .ok_or_else(|| corrupt(format!("seat area '{area}'")))?,
                kind: SeatKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("seat kind '{kind}'")))?,
                label,
                row,
                number,
                x,
                y,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(rows)
}

/// Replaces the cached remote states of one showtime. Seats leased to other
/// terminals count as held; this terminal's own leases live in `leases`.
pub fn replace_remote_seats(tx: &Transaction<'_>, states: &SeatStates, me: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM remote_seats WHERE showtime_id = ?1",
        [&states.showtime_id],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO remote_seats (showtime_id, seat_label, state) VALUES (?1, ?2, ?3)",
    )?;
    for s in &states.seats {
        let mine = s.owner.as_deref() == Some(me);
        let state = match s.state {
            SeatState::Sold => "sold",
            SeatState::Held | SeatState::Leased if !mine => "held",
            _ => continue,
        };
        stmt.execute(params![states.showtime_id, s.label, state])?;
    }
    Ok(())
}

/// An order's showtimes, each once: its own (the first part's) first, then
/// the others in the order their seats were sold.
pub fn order_showtimes(conn: &Connection, order_id: &str) -> Result<Vec<String>> {
    let first: String = conn.query_row(
        "SELECT showtime_id FROM orders WHERE id = ?1",
        [order_id],
        |r| r.get(0),
    )?;
    let mut out = vec![first];
    let mut stmt = conn
        .prepare_cached("SELECT showtime_id FROM order_seats WHERE order_id = ?1 ORDER BY rowid")?;
    for id in stmt.query_map([order_id], |r| r.get::<_, String>(0))? {
        let id = id?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Marks seats as taken at central (learned from a refused hold).
pub fn mark_remote_taken(conn: &Connection, showtime_id: &str, seats: &[String]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO remote_seats (showtime_id, seat_label, state) VALUES (?1, ?2, 'sold')",
    )?;
    for seat in seats {
        stmt.execute(params![showtime_id, seat])?;
    }
    Ok(())
}

/// The rules of a price card, in card order.
pub fn price_rules(conn: &Connection, price_card_id: &str) -> Result<Vec<protocol::PriceRuleWire>> {
    let mut stmt =
        conn.prepare("SELECT body FROM price_rules WHERE price_card_id = ?1 ORDER BY position")?;
    let rows = stmt
        .query_map([price_card_id], |r| r.get::<_, String>(0))?
        .map(|body| serde_json::from_str(&body?).map_err(corrupt))
        .collect::<Result<_>>()?;
    Ok(rows)
}

/// A price card with its rules, ready to price tickets.
pub fn price_card(conn: &Connection, price_card_id: &str) -> Result<domain::pricing::PriceCard> {
    let card = protocol::PriceCard {
        id: price_card_id.to_string(),
        prices: prices(conn, price_card_id)?,
        rules: price_rules(conn, price_card_id)?,
    };
    card.to_domain().map_err(corrupt)
}

/// The printed (English) name of ticket type `code`; the code itself when the
/// card no longer lists it (an older order reprinted).
pub fn ticket_name(prices: &[protocol::PriceEntry], code: &str) -> String {
    prices
        .iter()
        .find(|p| p.ticket_type == code)
        .map_or_else(|| code.to_string(), |p| p.name_en.clone())
}

/// A ticket type's price on a price card.
pub fn prices(conn: &Connection, price_card_id: &str) -> Result<Vec<protocol::PriceEntry>> {
    let mut stmt = conn.prepare(
        "SELECT ticket_type, name_en, name_ar, price_minor FROM prices WHERE price_card_id = ?1 ORDER BY position",
    )?;
    let rows = stmt
        .query_map([price_card_id], |r| {
            Ok(protocol::PriceEntry {
                ticket_type: r.get(0)?,
                name_en: r.get(1)?,
                name_ar: r.get(2)?,
                price_minor: r.get(3)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// An outbox entry waiting for central.
#[derive(Debug, Clone)]
pub struct PendingEntry {
    /// Local sequence.
    pub seq: i64,
    /// Idempotency key.
    pub id: uuid::Uuid,
    /// JSON body (a `protocol::EntryBody`).
    pub body: String,
}

/// The oldest pending outbox entries after sequence `after`, at most `limit`.
pub fn pending_entries(conn: &Connection, after: i64, limit: u32) -> Result<Vec<PendingEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, body FROM outbox WHERE state = 'pending' AND seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![after, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .map(|row| {
            let (seq, id, body) = row?;
            Ok(PendingEntry {
                seq,
                id: id.parse().map_err(corrupt)?,
                body,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(rows)
}

/// Outbox figures for the status bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueStats {
    /// Pending entries.
    pub pending: u32,
    /// Entries set aside (conflict or rejected).
    pub needs_attention: u32,
    /// Creation time of the oldest pending entry (unix seconds).
    pub oldest_pending: Option<i64>,
}

/// Current outbox figures.
pub fn queue_stats(conn: &Connection) -> Result<QueueStats> {
    Ok(conn.query_row(
        "SELECT
            (SELECT count(*) FROM outbox WHERE state = 'pending'),
            (SELECT count(*) FROM outbox WHERE state IN ('conflict', 'rejected')),
            (SELECT min(created_at) FROM outbox WHERE state = 'pending')",
        [],
        |r| {
            Ok(QueueStats {
                pending: r.get(0)?,
                needs_attention: r.get(1)?,
                oldest_pending: r.get(2)?,
            })
        },
    )?)
}

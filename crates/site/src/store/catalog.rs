//! The catalog cache: site, staff, films, showtimes, price cards.

use super::Cached as _;
use super::corrupt;
use crate::error::{Result, SiteError};
use crate::model::{ShowtimeRow, SiteRow, StaffRow};
use jiff::Timestamp;
use protocol::Catalog;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// Keeps a catalog pulled from central: the cache, its version cursor, the
/// API version central speaks and this terminal's number (which its order
/// references carry; absent from a central before API 1.6).
pub fn store_catalog(tx: &Transaction<'_>, catalog: &Catalog, terminal_id: &str) -> Result<()> {
    use super::config::{ConfigKey, set_config};
    replace_catalog(tx, catalog)?;
    set_config(tx, ConfigKey::CatalogVersion, &catalog.version)?;
    set_config(tx, ConfigKey::CentralApiVersion, &catalog.api_version)?;
    let number = catalog
        .site
        .terminal_numbers
        .get(terminal_id)
        .filter(|n| (1..=protocol::MAX_TERMINAL_NUMBER).contains(*n));
    match number {
        Some(n) => set_config(tx, ConfigKey::TerminalNumber, &n.to_string()),
        None => Ok(()),
    }
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
        tx.exec(&format!("DELETE FROM {table}"), [])?;
    }
    let s = &catalog.site;
    // A logo that does not decode is dropped: tickets print without it.
    let logo: Option<Vec<u8>> = s.logo_png_b64.as_deref().and_then(|b| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(b).ok()
    });
    tx.exec(
        "INSERT INTO site (id, name, chain_name, country, currency, time_zone, vat_rate_bp, address, tax_number, business_day_cutoff_hour, hold_ttl_secs, logo_png)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            s.id, s.name, s.chain_name, s.country.code(), s.currency.code(), s.time_zone,
            s.vat_rate_bp, s.address, s.tax_number, s.business_day_cutoff_hour, catalog.hold_ttl_secs,
            logo
        ],
    )?;
    for f in &catalog.films {
        tx.exec(
            "INSERT INTO films (id, title_en, title_ar, rating, runtime_min) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![f.id, f.title_en, f.title_ar, f.rating, f.runtime_min],
        )?;
    }
    for screen in &catalog.screens {
        tx.exec(
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
        tx.exec(
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
            tx.exec(
                "INSERT INTO prices (price_card_id, ticket_type, name_en, name_ar, price_minor, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![card.id, p.ticket_type, p.name_en, p.name_ar, p.price_minor, pos as i64],
            )?;
        }
        for (pos, rule) in card.rules.iter().enumerate() {
            tx.exec(
                "INSERT OR REPLACE INTO price_rules (price_card_id, position, code, body) VALUES (?1, ?2, ?3, ?4)",
                params![card.id, pos as i64, rule.code, serde_json::to_string(rule).map_err(corrupt)?],
            )?;
        }
    }
    for m in &catalog.staff {
        tx.exec(
            "INSERT INTO staff (id, name, role, pin_hash) VALUES (?1, ?2, ?3, ?4)",
            params![m.id, m.name, m.role.as_str(), m.pin_hash],
        )?;
    }
    let settings = serde_json::to_string(&catalog.settings).map_err(corrupt)?;
    super::set_config(tx, super::ConfigKey::SiteSettings, &settings)?;
    Ok(())
}

/// The site's counter settings from the last catalog (defaults before one).
pub fn site_settings(conn: &Connection) -> Result<protocol::SiteSettings> {
    match super::config(conn, super::ConfigKey::SiteSettings)? {
        Some(json) => serde_json::from_str(&json).map_err(corrupt),
        None => Ok(protocol::SiteSettings::default()),
    }
}

/// The site row, if a catalog has been pulled.
pub fn site(conn: &Connection) -> Result<Option<SiteRow>> {
    let row = conn
        .q_row(
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

/// Everyone who can sign in here.
pub fn staff(conn: &Connection) -> Result<Vec<StaffRow>> {
    conn.prepare_cached("SELECT id, name, role, pin_hash FROM staff ORDER BY id")?
        .query_map([], staff_row)?
        .map(|row| row?)
        .collect()
}

/// One staff member by id, if the catalog has them.
pub fn staff_member(conn: &Connection, id: &str) -> Result<Option<StaffRow>> {
    conn.prepare_cached("SELECT id, name, role, pin_hash FROM staff WHERE id = ?1")?
        .query_map([id], staff_row)?
        .next()
        .transpose()?
        .transpose()
}

/// A staff row; an unknown role is corrupt data (the inner result).
fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<StaffRow>> {
    let (id, name, role, pin_hash): (String, String, String, String) =
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
    Ok(match protocol::Role::parse(&role) {
        Some(role) => Ok(StaffRow {
            id,
            name,
            role,
            pin_hash,
        }),
        None => Err(corrupt(format!("role '{role}'"))),
    })
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
    let mut stmt = conn.prepare_cached(&format!(
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
    let mut stmt = conn.prepare_cached("SELECT id FROM showtimes ORDER BY starts_at")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(ids)
}

/// One showtime.
pub fn showtime(conn: &Connection, id: &str) -> Result<ShowtimeRow> {
    let row = conn
        .q_row(
            &format!("{SHOWTIME_SELECT} WHERE s.id = ?1"),
            [id],
            showtime_from_row,
        )
        .optional()?
        .ok_or_else(|| SiteError::UnknownShowtime(id.to_string()))?;
    with_start(row)
}

/// The rules of a price card, in card order.
pub fn price_rules(conn: &Connection, price_card_id: &str) -> Result<Vec<protocol::PriceRuleWire>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM price_rules WHERE price_card_id = ?1 ORDER BY position",
    )?;
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
    let mut stmt = conn.prepare_cached(
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

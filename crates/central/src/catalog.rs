//! Catalog reads: sites, a site's catalog (films, screens, showtimes, price
//! cards, staff, settings), a showtime's seat states; and cancelling a
//! showtime.

use crate::credentials::token_hash;
use crate::db::{CentralDb, DEFAULT_HOLD_TTL_SECS, corrupt};
use crate::error::CentralError;
use crate::seats::showtime_screen;
use crate::sql::{OptionalExtension, Sql, params};
use base64::Engine as _;
use domain::{Country, Currency, SeatArea, SeatKind, SeatState};
use jiff::Timestamp;
use protocol::{
    Catalog, Film, PriceCard, PriceEntry, PriceRuleWire, Role, RuleTimeWindow, Screen, SeatDef,
    SeatStates, SeatStatus, Showtime, SiteInfo, StaffMember,
};

type Result<T> = std::result::Result<T, CentralError>;

impl CentralDb {
    /// All sites with their terminals.
    pub fn sites(&self) -> Result<Vec<SiteInfo>> {
        let conn = self.read()?;
        let ids: Vec<String> = conn
            .prepare("SELECT id FROM sites ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        ids.iter().map(|id| site_info(&conn, id)).collect()
    }

    /// Fails with `unknown_site` unless `site_id` exists.
    pub fn site_exists(&self, site_id: &str) -> Result<()> {
        self.read()?
            .query_row("SELECT 1 FROM sites WHERE id = ?1", [site_id], |_| Ok(()))
            .optional()?
            .ok_or_else(|| CentralError::UnknownSite(site_id.to_string()))
    }

    /// The site a showtime is at.
    pub fn showtime_site(&self, showtime_id: &str) -> Result<String> {
        self.read()?
            .query_row(
                "SELECT site_id FROM showtimes WHERE id = ?1",
                [showtime_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| CentralError::UnknownShowtime(showtime_id.to_string()))
    }

    /// The site a terminal belongs to.
    pub fn terminal_site(&self, terminal_id: &str) -> Result<String> {
        self.read()?
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
        let conn = self.read()?;
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
        let conn = self.read()?;
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
}

impl CentralDb {
    /// Changes a site's counter settings (`None` keeps a value) and returns
    /// them; terminals learn them with their next catalog pull.
    pub fn set_site_settings(
        &self,
        site_id: &str,
        idle_lock_secs: Option<u32>,
        session_hours: Option<u32>,
    ) -> Result<protocol::SiteSettings> {
        let bounded = |v: Option<u32>, r: std::ops::RangeInclusive<u32>, what: &str| match v {
            Some(v) if !r.contains(&v) => Err(CentralError::BadRequest(format!(
                "{what} is {} to {}",
                r.start(),
                r.end()
            ))),
            _ => Ok(()),
        };
        bounded(
            idle_lock_secs,
            protocol::SiteSettings::IDLE_LOCK_SECS,
            "the idle lock",
        )?;
        bounded(
            session_hours,
            protocol::SiteSettings::SESSION_HOURS,
            "the session lifetime",
        )?;
        self.write(|tx| {
            site_info(tx, site_id)?;
            let mut settings = site_settings(tx, site_id)?;
            if let Some(v) = idle_lock_secs {
                settings.idle_lock_secs = v;
            }
            if let Some(v) = session_hours {
                settings.session_hours = v;
            }
            let json = serde_json::to_string(&settings).map_err(corrupt)?;
            tx.execute(
                "INSERT INTO site_settings (site_id, settings) VALUES (?1, ?2)
                 ON CONFLICT (site_id) DO UPDATE SET settings = excluded.settings",
                crate::sql::params![site_id, json],
            )?;
            Ok(settings)
        })
    }
}

fn site_info(conn: &Sql<'_>, site_id: &str) -> Result<SiteInfo> {
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
    let numbered: Vec<(String, Option<u32>)> = conn
        .prepare("SELECT id, number FROM terminals WHERE site_id = ?1 ORDER BY id")?
        .query_map([site_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let terminals = numbered.iter().map(|(id, _)| id.clone()).collect();
    let terminal_numbers = numbered
        .into_iter()
        .filter_map(|(id, n)| Some((id, n?)))
        .collect();
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
        terminal_numbers,
        logo_png_b64: logo.map(|b| base64::engine::general_purpose::STANDARD.encode(b)),
    })
}

fn screen_seats(conn: &Sql<'_>, screen_id: &str) -> Result<Vec<SeatDef>> {
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

/// The counter settings of a site (defaults when central has none stored).
pub(crate) fn site_settings(conn: &Sql<'_>, site_id: &str) -> Result<protocol::SiteSettings> {
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

/// The rules of a price card, in card order.
fn price_rules(conn: &Sql<'_>, card_id: &str) -> Result<Vec<PriceRuleWire>> {
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

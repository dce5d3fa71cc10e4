//! Demo data: a believable chain with sites in several countries, real
//! auditorium layouts, bilingual films and two business days of showtimes.
//!
//! Staff PINs on every demo site: cashier `1111`, supervisor `2222`,
//! manager `3333`.

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::sql::{OptionalExtension, Sql, params};
use domain::business_day::business_day;
use domain::seats::{row_letters, seat_label};
use domain::{Country, SeatArea, SeatKind};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

/// Demo PINs by role.
pub const DEMO_PINS: [(&str, &str, &str); 3] = [
    ("cashier", "Demo Cashier", "1111"),
    ("supervisor", "Demo Supervisor", "222222"),
    ("manager", "Demo Manager", "333333"),
];

const CHAIN: &str = "Boxoffice Cinemas";

/// The demo chain's logo, printed at the top of tickets.
const DEMO_LOGO_PNG: &[u8] = include_bytes!("../assets/demo-logo.png");

struct DemoSite {
    id: &'static str,
    name: &'static str,
    country: Country,
    time_zone: &'static str,
    address: &'static str,
    tax_number: &'static str,
    terminals: u8,
    /// Prices (major units × 1000) for adult, child, senior, student on the
    /// standard, IMAX and VIP cards.
    standard: [i64; 4],
    imax: [i64; 4],
    vip: [i64; 4],
    /// Rules of the standard card (major units × 1000): weekday matinee
    /// discount, weekend surcharge, premium-seat surcharge, 3D surcharge.
    standard_rules: [i64; 4],
}

const SITES: [DemoSite; 3] = [
    DemoSite {
        id: "dxb-marina",
        name: "Dubai Marina Mall",
        country: Country::Ae,
        time_zone: "Asia/Dubai",
        address: "Dubai Marina Mall, Level 2, Dubai, UAE",
        tax_number: "100234567800003",
        terminals: 3,
        standard: [50_000, 35_000, 35_000, 40_000],
        imax: [75_000, 55_000, 55_000, 60_000],
        vip: [150_000, 150_000, 150_000, 150_000],
        standard_rules: [-10_000, 5_000, 10_000, 10_000],
    },
    DemoSite {
        id: "mct-avenues",
        name: "Muscat Avenues",
        country: Country::Om,
        time_zone: "Asia/Muscat",
        address: "Avenues Mall, Al Ghubra, Muscat, Oman",
        tax_number: "OM1100012345",
        terminals: 2,
        standard: [4_500, 3_000, 3_000, 3_500],
        imax: [6_500, 5_000, 5_000, 5_500],
        vip: [12_000, 12_000, 12_000, 12_000],
        standard_rules: [-1_000, 500, 1_000, 1_000],
    },
    DemoSite {
        id: "bah-seef",
        name: "Seef Mall Bahrain",
        country: Country::Bh,
        time_zone: "Asia/Bahrain",
        address: "Seef Mall, Seef District, Manama, Bahrain",
        tax_number: "220001234500002",
        terminals: 2,
        standard: [3_800, 2_800, 2_800, 3_000],
        imax: [5_500, 4_000, 4_000, 4_500],
        vip: [11_000, 11_000, 11_000, 11_000],
        standard_rules: [-800, 500, 1_000, 1_000],
    },
];

struct DemoFilm {
    id: &'static str,
    en: &'static str,
    ar: &'static str,
    rating: &'static str,
    runtime: u32,
}

const FILMS: [DemoFilm; 6] = [
    DemoFilm {
        id: "last-caravan",
        en: "The Last Caravan",
        ar: "القافلة الأخيرة",
        rating: "PG13",
        runtime: 128,
    },
    DemoFilm {
        id: "falcon-heights",
        en: "Falcon Heights",
        ar: "مرتفعات الصقر",
        rating: "PG",
        runtime: 102,
    },
    DemoFilm {
        id: "midnight-muscat",
        en: "Midnight in Muscat",
        ar: "منتصف الليل في مسقط",
        rating: "15+",
        runtime: 115,
    },
    DemoFilm {
        id: "dune-runners",
        en: "Dune Runners",
        ar: "عدّاؤو الكثبان",
        rating: "18+",
        runtime: 121,
    },
    DemoFilm {
        id: "little-pearl",
        en: "Little Pearl",
        ar: "اللؤلؤة الصغيرة",
        rating: "G",
        runtime: 95,
    },
    DemoFilm {
        id: "shadow-protocol",
        en: "Shadow Protocol",
        ar: "بروتوكول الظل",
        rating: "21+",
        runtime: 133,
    },
];

/// A demo price rule of the standard card: code, English and Arabic names,
/// local start window, weekdays, formats, areas.
struct DemoRule {
    code: &'static str,
    en: &'static str,
    ar: &'static str,
    window: Option<(&'static str, &'static str)>,
    weekdays: &'static [&'static str],
    formats: &'static [&'static str],
    areas: &'static [&'static str],
}

/// The standard card's rules, in card order; amounts per site in
/// `DemoSite::standard_rules`. The Gulf weekend is Friday and Saturday;
/// weekdays are those of the show's business day.
const STANDARD_RULES: [DemoRule; 4] = [
    DemoRule {
        code: "matinee",
        en: "Weekday matinee",
        ar: "عرض نهاري",
        window: Some(("06:00", "17:00")),
        weekdays: &["sunday", "monday", "tuesday", "wednesday", "thursday"],
        formats: &[],
        areas: &[],
    },
    DemoRule {
        code: "weekend",
        en: "Weekend",
        ar: "عطلة نهاية الأسبوع",
        window: None,
        weekdays: &["friday", "saturday"],
        formats: &[],
        areas: &[],
    },
    DemoRule {
        code: "premium-seat",
        en: "Premium seat",
        ar: "مقعد مميز",
        window: None,
        weekdays: &[],
        formats: &[],
        areas: &["premium"],
    },
    DemoRule {
        code: "3d",
        en: "3D",
        ar: "ثلاثي الأبعاد",
        window: None,
        weekdays: &[],
        formats: &["3D"],
        areas: &[],
    },
];

const TICKET_TYPES: [(&str, &str, &str); 4] = [
    ("adult", "Adult", "بالغ"),
    ("child", "Child", "طفل"),
    ("senior", "Senior", "كبار السن"),
    ("student", "Student", "طالب"),
];

/// A screen's schedule: (screen number, format, price card, start times, films by index).
struct Schedule {
    times: &'static [(i8, i8)],
    films: &'static [usize],
}

const SCHEDULES: [Schedule; 4] = [
    Schedule {
        times: &[(13, 0), (16, 15), (19, 30), (22, 45)],
        films: &[0, 3, 0, 5],
    },
    Schedule {
        times: &[(12, 30), (15, 0), (18, 0), (21, 0), (0, 30)],
        films: &[4, 1, 2, 1, 3],
    },
    Schedule {
        times: &[(14, 0), (17, 30), (20, 45), (23, 55)],
        films: &[2, 0, 3, 5],
    },
    Schedule {
        times: &[(11, 45), (15, 30), (19, 0), (22, 15)],
        films: &[4, 1, 0, 2],
    },
];

/// Seeds the demo chain, with showtimes for the business day of `now` and the next one.
pub fn seed(db: &CentralDb, now: Timestamp) -> Result<(), CentralError> {
    let hashes = demo_pin_hashes()?;
    db.write(|tx| {
        for f in &FILMS {
            tx.execute(
                "INSERT INTO films (id, title_en, title_ar, rating, runtime_min) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![f.id, f.en, f.ar, f.rating, f.runtime],
            )?;
        }
        for site in &SITES {
            seed_site(tx, site, &hashes)?;
        }
        Ok(())
    })?;
    ensure_schedule(db, now)
}

/// Adds the demo showtimes of the business day of `now` and the next one
/// where they are missing, so a long-lived demo database always has shows.
pub fn ensure_schedule(db: &CentralDb, now: Timestamp) -> Result<(), CentralError> {
    refresh_demo_pins(db)?;
    db.write(|tx| {
        for site in &SITES {
            schedule_site(tx, site, now)?;
        }
        Ok(())
    })
}

fn screens_of(
    site: &DemoSite,
) -> [(
    String,
    &'static str,
    Vec<LayoutSeat>,
    &'static str,
    &'static str,
); 4] {
    [
        (
            format!("{}-s1", site.id),
            "Screen 1 IMAX",
            imax_layout(),
            "IMAX",
            "imax",
        ),
        (
            format!("{}-s2", site.id),
            "Screen 2",
            standard_layout(),
            "2D",
            "standard",
        ),
        (
            format!("{}-s3", site.id),
            "Screen 3 VIP",
            vip_layout(),
            "2D",
            "vip",
        ),
        (
            format!("{}-s4", site.id),
            "Screen 4 Grand",
            grand_layout(),
            "2D",
            "standard",
        ),
    ]
}

fn schedule_site(tx: &Sql<'_>, site: &DemoSite, now: Timestamp) -> Result<(), CentralError> {
    let screens = screens_of(site);
    let tz = TimeZone::get(site.time_zone).map_err(|e| CentralError::BadRequest(e.to_string()))?;
    let today = business_day(now, &tz, 6);
    for day in [today, today.tomorrow().unwrap_or(today)] {
        for ((screen_id, _, _, format, card), schedule) in screens.iter().zip(&SCHEDULES) {
            for (i, ((h, m), film)) in schedule.times.iter().zip(schedule.films).enumerate() {
                // Times before the cutoff belong to the business day but fall on the next date.
                let date: Date = if *h < 6 {
                    day.tomorrow().unwrap_or(day)
                } else {
                    day
                };
                let starts = tz
                    .to_timestamp(date.to_datetime(Time::constant(*h, *m, 0, 0)))
                    .map_err(|e| CentralError::BadRequest(e.to_string()))?;
                // Alternate 2D and 3D on the standard screen.
                let format = if *format == "2D" && screen_id.ends_with("-s2") && i % 2 == 1 {
                    "3D"
                } else {
                    format
                };
                tx.execute(
                    "INSERT INTO showtimes (id, site_id, screen_id, film_id, starts_at, format, price_card_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                    params![
                        format!("{screen_id}-{}-{:02}{:02}", day.strftime("%Y%m%d"), h, m),
                        site.id,
                        screen_id,
                        FILMS[*film].id,
                        starts.as_second(),
                        format,
                        format!("{}-{card}", site.id),
                    ],
                )?;
            }
        }
    }
    Ok(())
}

fn demo_pin_hashes() -> Result<Vec<String>, CentralError> {
    DEMO_PINS.iter().map(|(_, _, pin)| hash_pin(pin)).collect()
}

/// Hashes a PIN with the chain's argon2id cost ([`domain::pin`]): one guess
/// costs over 100 ms, since the hashes reach every counter.
pub fn hash_pin(pin: &str) -> Result<String, CentralError> {
    domain::pin::hash(pin, uuid::Uuid::new_v4().as_bytes())
        .map_err(|e| CentralError::Hash(e.to_string()))
}

/// A demo database from an older version has the demo staff's old, short
/// PINs under cheap hashes: give them today's demo PINs and cost.
fn refresh_demo_pins(db: &CentralDb) -> Result<(), CentralError> {
    let stale: Vec<(String, usize)> = db.write(|tx| {
        let mut stale = Vec::new();
        for site in &SITES {
            for (i, (role, _, _)) in DEMO_PINS.iter().enumerate() {
                let id = format!("{}-{role}", site.id);
                let hash: Option<String> = tx
                    .query_row("SELECT pin_hash FROM staff WHERE id = ?1", [&id], |r| {
                        r.get(0)
                    })
                    .optional()?;
                if hash.is_some_and(|h: String| !domain::pin::is_strong(&h)) {
                    stale.push((id, i));
                }
            }
        }
        Ok(stale)
    })?;
    if stale.is_empty() {
        return Ok(());
    }
    let hashes = demo_pin_hashes()?;
    db.write(|tx| {
        for (id, i) in &stale {
            tx.execute(
                "UPDATE staff SET pin_hash = ?2 WHERE id = ?1",
                params![id, hashes[*i]],
            )?;
        }
        Ok(())
    })?;
    tracing::info!(
        staff = stale.len(),
        "demo PINs renewed with the chain's hash cost"
    );
    Ok(())
}

fn seed_site(tx: &Sql<'_>, site: &DemoSite, hashes: &[String]) -> Result<(), CentralError> {
    let currency = site.country.currency();
    tx.execute(
        "INSERT INTO sites (id, name, chain_name, country, currency, time_zone, vat_rate_bp, address, tax_number, business_day_cutoff_hour)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 6)",
        params![
            site.id, site.name, CHAIN, site.country.code(), currency.code(), site.time_zone,
            site.country.vat_rate_bp(), site.address, site.tax_number
        ],
    )?;
    tx.execute(
        "UPDATE sites SET logo_png = ?2 WHERE id = ?1",
        params![site.id, DEMO_LOGO_PNG],
    )?;
    for n in 1..=site.terminals {
        tx.execute(
            "INSERT INTO terminals (id, site_id, name) VALUES (?1, ?2, ?3)",
            params![format!("{}-t{n}", site.id), site.id, format!("Counter {n}")],
        )?;
    }
    for ((role, name, _), hash) in DEMO_PINS.iter().zip(hashes) {
        tx.execute(
            "INSERT INTO staff (id, site_id, name, role, pin_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![format!("{}-{role}", site.id), site.id, name, role, hash],
        )?;
    }
    // Prices are given in thousandths of a major unit; scale to the currency.
    let to_minor = |milli: i64| milli * currency.scale() / 1000;
    for (card, prices) in [
        ("standard", site.standard),
        ("imax", site.imax),
        ("vip", site.vip),
    ] {
        let card_id = format!("{}-{card}", site.id);
        tx.execute(
            "INSERT INTO price_cards (id, site_id) VALUES (?1, ?2)",
            params![card_id, site.id],
        )?;
        for (pos, ((code, en, ar), price)) in TICKET_TYPES.iter().zip(prices).enumerate() {
            tx.execute(
                "INSERT INTO prices (price_card_id, ticket_type, name_en, name_ar, price_minor, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![card_id, code, en, ar, to_minor(price), pos as i64],
            )?;
        }
    }
    let json = |list: &[&str]| serde_json::to_string(list).unwrap_or_else(|_| "[]".into());
    for (pos, (rule, amount)) in STANDARD_RULES.iter().zip(site.standard_rules).enumerate() {
        tx.execute(
            "INSERT INTO price_rules (price_card_id, code, name_en, name_ar, adjustment_minor,
                                      window_start, window_end, weekdays, formats, areas, ticket_types, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '[]', ?11)",
            params![
                format!("{}-standard", site.id),
                rule.code,
                rule.en,
                rule.ar,
                to_minor(amount),
                rule.window.map(|w| w.0),
                rule.window.map(|w| w.1),
                json(rule.weekdays),
                json(rule.formats),
                json(rule.areas),
                pos as i64
            ],
        )?;
    }
    let screens = [
        (
            format!("{}-s1", site.id),
            "Screen 1 IMAX",
            imax_layout(),
            "IMAX",
            "imax",
        ),
        (
            format!("{}-s2", site.id),
            "Screen 2",
            standard_layout(),
            "2D",
            "standard",
        ),
        (
            format!("{}-s3", site.id),
            "Screen 3 VIP",
            vip_layout(),
            "2D",
            "vip",
        ),
        (
            format!("{}-s4", site.id),
            "Screen 4 Grand",
            grand_layout(),
            "2D",
            "standard",
        ),
    ];
    for (id, name, seats, _, _) in &screens {
        tx.execute(
            "INSERT INTO screens (id, site_id, name) VALUES (?1, ?2, ?3)",
            params![id, site.id, name],
        )?;
        for s in seats {
            tx.execute(
                "INSERT INTO screen_seats (screen_id, label, row_name, number, x, y, area, kind, blocked)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, s.label, s.row, s.number, s.x, s.y, s.area.as_str(), s.kind.as_str(), s.blocked],
            )?;
        }
    }
    Ok(())
}

/// A seat of a generated layout.
pub struct LayoutSeat {
    /// Label.
    pub label: String,
    /// Row name.
    pub row: String,
    /// Number in the row.
    pub number: u32,
    /// Grid column.
    pub x: u32,
    /// Grid row.
    pub y: u32,
    /// Area.
    pub area: SeatArea,
    /// Kind.
    pub kind: SeatKind,
    /// Blocked.
    pub blocked: bool,
}

/// Builds a rectangular layout: `rows` rows of `per_row` seats with aisles
/// after the seat numbers in `aisles_after`; `area_of(row_index)` gives each row's area.
fn grid_layout(
    rows: usize,
    per_row: u32,
    aisles_after: &[u32],
    area_of: impl Fn(usize) -> SeatArea,
    kind_of: impl Fn(usize, u32) -> SeatKind,
    blocked: &[&str],
) -> Vec<LayoutSeat> {
    let mut seats = Vec::new();
    for (y, row) in row_letters(rows).into_iter().enumerate() {
        let mut x = 0;
        for number in 1..=per_row {
            let label = seat_label(&row, number);
            seats.push(LayoutSeat {
                blocked: blocked.contains(&label.as_str()),
                label,
                row: row.clone(),
                number,
                x,
                y: y as u32,
                area: area_of(y),
                kind: kind_of(y, number),
            });
            x += if aisles_after.contains(&number) { 2 } else { 1 };
        }
    }
    seats
}

/// The IMAX auditorium: 16 rows of 28 (448 seats), two aisles, wheelchair
/// spaces with companion seats in the front row, premium rows at the back.
pub fn imax_layout() -> Vec<LayoutSeat> {
    grid_layout(
        16,
        28,
        &[4, 24],
        |y| {
            if (9..14).contains(&y) {
                SeatArea::Premium
            } else {
                SeatArea::Standard
            }
        },
        |y, n| match (y, n) {
            (0, 1 | 2 | 27 | 28) => SeatKind::Wheelchair,
            (0, 3 | 26) => SeatKind::Companion,
            _ => SeatKind::Standard,
        },
        &["H-14", "H-15"],
    )
}

/// The grand auditorium, the chain's largest: 23 rows of 28 (644 seats) in
/// blocks of 6, 16 and 6 between two aisles, wheelchair spaces with companion
/// seats in the front row, premium rows in the middle, a camera position
/// blocked in row K and the two rear corner seats blocked. 30 grid columns
/// wide, like the IMAX, so the counter draws it without scrolling.
pub fn grand_layout() -> Vec<LayoutSeat> {
    grid_layout(
        23,
        28,
        &[6, 22],
        |y| {
            if (11..16).contains(&y) {
                SeatArea::Premium
            } else {
                SeatArea::Standard
            }
        },
        |y, n| match (y, n) {
            (0, 1 | 2 | 27 | 28) => SeatKind::Wheelchair,
            (0, 3 | 26) => SeatKind::Companion,
            _ => SeatKind::Standard,
        },
        &["K-14", "K-15", "Y-1", "Y-28"],
    )
}

/// The standard auditorium: 12 rows of 16 (192 seats), a centre aisle.
pub fn standard_layout() -> Vec<LayoutSeat> {
    grid_layout(
        12,
        16,
        &[8],
        |y| {
            if y >= 9 {
                SeatArea::Premium
            } else {
                SeatArea::Standard
            }
        },
        |y, n| match (y, n) {
            (0, 1) => SeatKind::Wheelchair,
            (0, 2) => SeatKind::Companion,
            _ => SeatKind::Standard,
        },
        &[],
    )
}

/// The VIP auditorium: 6 rows of 8 recliners (48 seats), a centre aisle.
pub fn vip_layout() -> Vec<LayoutSeat> {
    grid_layout(
        6,
        8,
        &[4],
        |_| SeatArea::Vip,
        |y, n| match (y, n) {
            (0, 1) => SeatKind::Wheelchair,
            (0, 2) => SeatKind::Companion,
            _ => SeatKind::Standard,
        },
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_card_has_rules_that_price() {
        use domain::pricing::{PricingContext, price_ticket};
        let dir = tempfile::tempdir().unwrap();
        let db = CentralDb::open(&dir.path().join("central.sqlite")).unwrap();
        let now: Timestamp = "2026-11-24T08:00:00Z".parse().unwrap();
        seed(&db, now).unwrap();
        let catalog = db.catalog("dxb-marina", now).unwrap();
        let card = |id: &str| {
            catalog
                .price_cards
                .iter()
                .find(|c| c.id == id)
                .unwrap()
                .to_domain()
                .unwrap()
        };
        let standard = card("dxb-marina-standard");
        let codes: Vec<&str> = standard.rules.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["matinee", "weekend", "premium-seat", "3d"]);
        assert!(card("dxb-marina-imax").rules.is_empty());
        assert!(card("dxb-marina-vip").rules.is_empty());
        let price = |day: jiff::civil::Date, h: i8, format: &str, area: SeatArea| {
            let ctx = PricingContext::new(day.at(h, 0, 0, 0), format, area);
            price_ticket(&standard, "adult", &ctx).unwrap().price_minor
        };
        // Tuesday 24 Nov 2026 and Friday 27 Nov 2026.
        let (tue, fri) = (
            jiff::civil::date(2026, 11, 24),
            jiff::civil::date(2026, 11, 27),
        );
        assert_eq!(price(tue, 13, "2D", SeatArea::Standard), 4_000);
        assert_eq!(price(tue, 19, "2D", SeatArea::Standard), 5_000);
        assert_eq!(price(fri, 13, "2D", SeatArea::Standard), 5_500);
        assert_eq!(price(tue, 19, "2D", SeatArea::Premium), 6_000);
        assert_eq!(price(tue, 19, "3D", SeatArea::Standard), 6_000);
        assert_eq!(price(fri, 21, "3D", SeatArea::Premium), 7_500);
        // 00:30 on Saturday belongs to Friday's business day: weekend.
        assert_eq!(
            price(jiff::civil::date(2026, 11, 28), 0, "2D", SeatArea::Standard),
            5_500
        );
        // Every site's cards are valid and no rule takes a price below zero.
        for site in SITES {
            for c in db.catalog(site.id, now).unwrap().price_cards {
                let c = c.to_domain().unwrap();
                c.validate().unwrap();
                for t in &c.ticket_types {
                    let min: i64 = t.price_minor
                        + c.rules
                            .iter()
                            .map(|r| r.adjustment_minor.min(0))
                            .sum::<i64>();
                    assert!(min > 0, "{} {}", c.id, t.code);
                }
            }
        }
    }

    #[test]
    fn layouts_have_the_promised_shape() {
        let imax = imax_layout();
        assert_eq!(imax.len(), 448);
        assert!(imax.iter().any(|s| s.kind == SeatKind::Wheelchair));
        assert!(imax.iter().any(|s| s.kind == SeatKind::Companion));
        assert!(imax.iter().any(|s| s.blocked));
        // Aisles: seat 5 of a row sits two columns after seat 4.
        let a4 = imax.iter().find(|s| s.label == "A-4").unwrap();
        let a5 = imax.iter().find(|s| s.label == "A-5").unwrap();
        assert_eq!(a5.x, a4.x + 2);
        let labels: std::collections::HashSet<_> = imax.iter().map(|s| &s.label).collect();
        assert_eq!(labels.len(), imax.len(), "labels are unique");
        assert_eq!(standard_layout().len(), 192);
        assert_eq!(vip_layout().len(), 48);

        let grand = grand_layout();
        assert_eq!(grand.len(), 644, "the largest layout: at least 600");
        assert_eq!(grand.iter().filter(|s| s.blocked).count(), 4);
        assert_eq!(
            grand
                .iter()
                .filter(|s| s.kind == SeatKind::Wheelchair)
                .count(),
            4
        );
        assert!(grand.iter().any(|s| s.kind == SeatKind::Companion));
        assert!(grand.iter().any(|s| s.area == SeatArea::Premium));
        // Two aisles: after seat 6 and after seat 22.
        let at = |l: &str| grand.iter().find(|s| s.label == l).unwrap().x;
        assert_eq!(at("A-7"), at("A-6") + 2);
        assert_eq!(at("A-23"), at("A-22") + 2);
        assert_eq!(at("Y-28"), 29, "30 columns wide, as the IMAX");
        assert_eq!(grand.iter().map(|s| s.y).max(), Some(22));
        let labels: std::collections::HashSet<_> = grand.iter().map(|s| &s.label).collect();
        assert_eq!(labels.len(), grand.len(), "labels are unique");
    }

    #[test]
    fn every_screen_has_a_schedule() {
        let screens = screens_of(&SITES[0]);
        assert_eq!(screens.len(), SCHEDULES.len());
        let (_, name, seats, _, _) = &screens[3];
        assert_eq!((*name, seats.len()), ("Screen 4 Grand", 644));
        for s in &SCHEDULES {
            assert_eq!(s.times.len(), s.films.len());
        }
    }
}

//! The site day report: one business day of every terminal of a site and of
//! the web shop, from the sales and refunds central applied (`day_entries`),
//! naming every terminal whose day is not all at central yet.

use crate::db::{CentralDb, corrupt};
use crate::error::CentralError;
use crate::sql::{OptionalExtension, Sql, params};
use domain::business_day::business_day;
use jiff::Timestamp;
use protocol::{EntryBody, Refund, Sale, SecuredBy, UnsyncedDay};
use reports::{
    Approved, ConflictLine, DayReport, HourLine, Line, OfflineSales, PaymentLine, RefundLine,
    ReportKind, ShowtimeLine, Totals, UnsyncedLine, VatLine,
};
use std::collections::{BTreeMap, HashMap};

type Result<T> = std::result::Result<T, CentralError>;

/// A terminal counts as silent when not heard from for this long.
const SILENT_AFTER_SECS: i64 = 300;

/// The site's zone, cutoff hour, currency and VAT rate.
fn site_zone(conn: &Sql<'_>, site_id: &str) -> Result<(jiff::tz::TimeZone, i8, String, u32)> {
    let (tz, cutoff, currency, vat): (String, i8, String, u32) = conn
        .query_row(
            "SELECT time_zone, business_day_cutoff_hour, currency, vat_rate_bp FROM sites WHERE id = ?1",
            [site_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| CentralError::UnknownSite(site_id.to_string()))?;
    let zone = jiff::tz::TimeZone::get(&tz).map_err(corrupt)?;
    Ok((zone, cutoff, currency, vat))
}

/// A site's time zone and business-day cutoff hour, read once (for the
/// entries of one push, all of one site).
pub(crate) type ZoneOnce = std::cell::OnceCell<(jiff::tz::TimeZone, i8)>;

/// Records an applied sale or refund for its site's day report (inside the
/// transaction that applies it), reading the site's zone into `zone` unless
/// it is there already.
pub(crate) fn record(
    tx: &Sql<'_>,
    entry_id: &str,
    (site_id, zone): (&str, &ZoneOnce),
    terminal_id: Option<&str>,
    at: Timestamp,
    body: &EntryBody,
    now: Timestamp,
) -> Result<()> {
    let line = line(tx, (site_id, zone), terminal_id, at, body)?;
    insert_day_entry(tx, entry_id, site_id, terminal_id, &line, now)
}

/// The day report's line of a terminal's sale or refund, reading the
/// site's zone into `zone` only when the entry does not state its business
/// day and the zone is not there already.
pub(crate) fn line(
    conn: &Sql<'_>,
    (site_id, zone): (&str, &ZoneOnce),
    terminal_id: Option<&str>,
    at: Timestamp,
    body: &EntryBody,
) -> Result<DayEntry> {
    day_entry(
        || match zone.get() {
            Some((tz, cutoff)) => Ok((tz, *cutoff)),
            None => {
                let (tz, cutoff, ..) = site_zone(conn, site_id)?;
                let (tz, cutoff) = zone.get_or_init(|| (tz, cutoff));
                Ok((tz, *cutoff))
            }
        },
        terminal_id,
        at,
        body,
    )
}

/// Writes one `day_entries` row (once: an entry already there stays).
fn insert_day_entry(
    tx: &Sql<'_>,
    entry_id: &str,
    site_id: &str,
    terminal_id: Option<&str>,
    line: &DayEntry,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        "INSERT INTO day_entries (entry_id, site_id, terminal_id, business_day, kind, body, applied_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
        params![
            entry_id,
            site_id,
            terminal_id,
            line.business_day,
            line.kind,
            line.body,
            now.to_string()
        ],
    )?;
    Ok(())
}

/// A `day_entries` row's own columns: the business day it counts in, its
/// kind and the entry as JSON.
pub(crate) struct DayEntry {
    pub(crate) business_day: String,
    pub(crate) kind: &'static str,
    pub(crate) body: String,
}

fn day_entry<'z>(
    zone: impl FnOnce() -> Result<(&'z jiff::tz::TimeZone, i8)>,
    terminal_id: Option<&str>,
    at: Timestamp,
    body: &EntryBody,
) -> Result<DayEntry> {
    // The terminal's own day (after its Z report a sale counts in the next
    // day); the site's day of the entry's time from older terminals.
    let stated = match body {
        EntryBody::Sale(s) => s.business_day.as_deref(),
        EntryBody::Refund(r) => r.business_day.as_deref(),
        _ => None,
    };
    let day = match stated.and_then(|d| d.parse::<jiff::civil::Date>().ok()) {
        Some(day) => day,
        None => {
            let (tz, cutoff) = zone()?;
            business_day(at, tz, cutoff)
        }
    };
    let kind = match (body, terminal_id) {
        (EntryBody::Refund(_), _) => "refund",
        (_, None) => "web_sale",
        _ => "sale",
    };
    Ok(DayEntry {
        business_day: day.to_string(),
        kind,
        body: serde_json::to_string(body).map_err(corrupt)?,
    })
}

/// What a web sale's day report line needs of its site (read with the
/// showtime, in the sale's first query).
pub(crate) struct WebSaleSite<'a> {
    pub(crate) id: &'a str,
    pub(crate) time_zone: &'a str,
    pub(crate) cutoff_hour: i8,
    pub(crate) currency: &'a str,
    pub(crate) vat_rate_bp: u32,
}

/// Records a web sale for its site's day report, as a sale paid `web`.
pub(crate) fn record_web_sale(
    tx: &Sql<'_>,
    site: &WebSaleSite<'_>,
    order_id: uuid::Uuid,
    showtime_id: &str,
    seats: &[(String, i64)],
    now: Timestamp,
) -> Result<()> {
    let line = web_sale_day_entry(site, order_id, showtime_id, seats, now)?;
    insert_day_entry(tx, &order_id.to_string(), site.id, None, &line, now)
}

/// The day report's line of a web sale, as a sale paid `web`.
pub(crate) fn web_sale_day_entry(
    site: &WebSaleSite<'_>,
    order_id: uuid::Uuid,
    showtime_id: &str,
    seats: &[(String, i64)],
    now: Timestamp,
) -> Result<DayEntry> {
    let tz = jiff::tz::TimeZone::get(site.time_zone).map_err(corrupt)?;
    let total: i64 = seats.iter().map(|s| s.1).sum();
    let sale = Sale {
        order_id,
        showtime_id: showtime_id.to_string(),
        seats: seats
            .iter()
            .map(|(label, price)| protocol::SoldSeat {
                label: label.clone(),
                ticket_type: "adult".into(),
                price_minor: *price,
                showtime_id: None,
            })
            .collect(),
        secured_by: SecuredBy::Hold {
            hold_id: "web".into(),
        },
        total_minor: total,
        vat_minor: domain::vat::vat_included(total, site.vat_rate_bp),
        currency: site.currency.parse().map_err(corrupt)?,
        payments: vec![protocol::Payment {
            method: "web".into(),
            amount_minor: total,
            reference: None,
        }],
        cashier_id: "web".into(),
        sold_at: now,
        sold_at_central_estimate: now,
        price_override: None,
        business_day: None,
    };
    day_entry(
        || Ok((&tz, site.cutoff_hour)),
        None,
        now,
        &EntryBody::Sale(sale),
    )
}

/// A ticket type's list price and names on a price card, if it has one.
type ListPrice = Option<(i64, String, String)>;

/// Sums keyed by a label.
#[derive(Default)]
struct Tally {
    label: String,
    label_ar: String,
    orders: std::collections::HashSet<uuid::Uuid>,
    tickets: u32,
    amount: i64,
}

impl Tally {
    fn line(key: &str, t: &Tally) -> Line {
        Line {
            key: key.to_string(),
            label: t.label.clone(),
            label_ar: t.label_ar.clone(),
            orders: u32::try_from(t.orders.len()).unwrap_or(u32::MAX),
            tickets: t.tickets,
            amount_minor: t.amount,
        }
    }
}

fn lines(map: BTreeMap<String, Tally>) -> Vec<Line> {
    let mut out: Vec<Line> = map.iter().map(|(k, t)| Tally::line(k, t)).collect();
    out.sort_by(|a, b| {
        b.amount_minor
            .cmp(&a.amount_minor)
            .then(a.label.cmp(&b.label))
    });
    out
}

/// A showtime as the report names it.
struct Show {
    film_id: String,
    film: String,
    film_ar: String,
    screen: String,
    starts_at: String,
    price_card: String,
    capacity: u32,
    taken: u32,
}

fn show(conn: &Sql<'_>, id: &str) -> Result<Option<Show>> {
    Ok(conn
        .query_row(
            "SELECT f.id, f.title_en, f.title_ar, c.name, s.starts_at, s.price_card_id,
                    (SELECT count(*) FROM screen_seats x WHERE x.screen_id = s.screen_id AND x.blocked = 0),
                    (SELECT count(*) FROM sold_seats x WHERE x.showtime_id = s.id)
             FROM showtimes s JOIN films f ON f.id = s.film_id JOIN screens c ON c.id = s.screen_id
             WHERE s.id = ?1",
            [id],
            |r| {
                let starts: i64 = r.get(4)?;
                Ok(Show {
                    film_id: r.get(0)?,
                    film: r.get(1)?,
                    film_ar: r.get(2)?,
                    screen: r.get(3)?,
                    starts_at: Timestamp::from_second(starts)
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                    price_card: r.get(5)?,
                    capacity: r.get(6)?,
                    taken: r.get(7)?,
                })
            },
        )
        .optional()?)
}

impl CentralDb {
    /// The business day site `site_id` is in at `now`.
    pub fn site_business_day(&self, site_id: &str, now: Timestamp) -> Result<String> {
        let (tz, cutoff, ..) = site_zone(&self.read()?, site_id)?;
        Ok(business_day(now, &tz, cutoff).to_string())
    }

    /// The site day report of `site_id` for business day `day` (`YYYY-MM-DD`).
    pub fn site_day_report(
        &self,
        site_id: &str,
        day: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<DayReport> {
        let date: jiff::civil::Date = day.parse().map_err(|_| {
            CentralError::BadRequest(format!("'{day}' is not a date (use YYYY-MM-DD)"))
        })?;
        let conn = self.read()?;
        let (tz, cutoff, currency, vat_rate) = site_zone(&conn, site_id)?;
        let (name, chain): (String, String) = conn.query_row(
            "SELECT name, chain_name FROM sites WHERE id = ?1",
            [site_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        // A day at the edge of the calendar is the caller's mistake, not central's.
        let out_of_range = || CentralError::BadRequest(format!("{day} is out of range"));
        let bound = |d: jiff::civil::Date| {
            tz.to_timestamp(d.to_datetime(jiff::civil::Time::constant(
                cutoff.clamp(0, 23),
                0,
                0,
                0,
            )))
            .map_err(|_| out_of_range())
        };
        let from = bound(date)?;
        let to = bound(date.tomorrow().map_err(|_| out_of_range())?)?;
        let cur: domain::Currency = currency.parse().map_err(corrupt)?;
        let rows: Vec<(Option<String>, String)> = conn
            .prepare_cached(
                "SELECT terminal_id, body FROM day_entries WHERE site_id = ?1 AND business_day = ?2
                 ORDER BY applied_at, entry_id",
            )?
            .query_map(params![site_id, day], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut sales: Vec<Sale> = Vec::new();
        let mut refunds: Vec<Refund> = Vec::new();
        for (_, body) in rows {
            match serde_json::from_str::<EntryBody>(&body).map_err(corrupt)? {
                EntryBody::Sale(s) => sales.push(s),
                EntryBody::Refund(r) => refunds.push(r),
                _ => {}
            }
        }
        let staff: HashMap<String, String> = conn
            .prepare_cached("SELECT id, name FROM staff WHERE site_id = ?1")?
            .query_map([site_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let name_of = |id: &str| match id {
            "web" => "Web shop".to_string(),
            _ => staff.get(id).cloned().unwrap_or_else(|| id.to_string()),
        };
        let mut shows: HashMap<String, Option<Show>> = HashMap::new();
        let mut list_prices: HashMap<(String, String), ListPrice> = HashMap::new();

        let mut totals = Totals::default();
        let (mut by_film, mut by_type, mut by_cashier, mut discounts) = (
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::new(),
        );
        let mut by_show: BTreeMap<String, (u32, i64)> = BTreeMap::new();
        let mut pay: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut by_hour: Vec<HourLine> = (0..24)
            .map(|hour| HourLine {
                hour,
                orders: 0,
                tickets: 0,
                amount_minor: 0,
            })
            .collect();
        let mut overrides = Vec::new();
        let mut offline = OfflineSales::default();
        for s in &sales {
            let tickets = u32::try_from(s.seats.len()).unwrap_or(u32::MAX);
            totals.orders += 1;
            totals.tickets += tickets;
            totals.sales_minor = totals.sales_minor.saturating_add(s.total_minor);
            totals.sales_vat_minor = totals.sales_vat_minor.saturating_add(s.vat_minor);
            let hour = usize::try_from(tz.to_datetime(s.sold_at).hour()).unwrap_or(0);
            if let Some(h) = by_hour.get_mut(hour) {
                h.orders += 1;
                h.tickets += tickets;
                h.amount_minor += s.total_minor;
            }
            for p in &s.payments {
                pay.entry(p.method.clone()).or_default().0 += p.amount_minor;
            }
            let cashier: &mut Tally = by_cashier.entry(s.cashier_id.clone()).or_default();
            cashier.label = name_of(&s.cashier_id);
            cashier.orders.insert(s.order_id);
            cashier.tickets += tickets;
            cashier.amount += s.total_minor;
            match &s.secured_by {
                SecuredBy::Lease => offline.lease_orders += 1,
                SecuredBy::Override { .. } => offline.override_orders += 1,
                SecuredBy::Hold { .. } => {}
            }
            if !matches!(s.secured_by, SecuredBy::Hold { .. }) {
                offline.tickets += tickets;
                offline.amount_minor += s.total_minor;
            }
            let mut list_total = 0;
            for seat in &s.seats {
                let show_id = seat.showtime(s).to_string();
                if !shows.contains_key(&show_id) {
                    shows.insert(show_id.clone(), show(&conn, &show_id)?);
                }
                let sh = shows.get(&show_id).and_then(|x| x.as_ref());
                let film: &mut Tally = by_film
                    .entry(
                        sh.map(|x| x.film_id.clone())
                            .unwrap_or_else(|| show_id.clone()),
                    )
                    .or_default();
                film.label = sh
                    .map(|x| x.film.clone())
                    .unwrap_or_else(|| show_id.clone());
                film.label_ar = sh
                    .map(|x| x.film_ar.clone())
                    .unwrap_or_else(|| film.label.clone());
                film.orders.insert(s.order_id);
                film.tickets += 1;
                film.amount += seat.price_minor;
                let e = by_show.entry(show_id.clone()).or_default();
                e.0 += 1;
                e.1 += seat.price_minor;
                let key = (
                    sh.map(|x| x.price_card.clone()).unwrap_or_default(),
                    seat.ticket_type.clone(),
                );
                if !list_prices.contains_key(&key) {
                    let found = conn
                        .query_row(
                            "SELECT price_minor, name_en, name_ar FROM prices WHERE price_card_id = ?1 AND ticket_type = ?2",
                            params![key.0, key.1],
                            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                        )
                        .optional()?;
                    list_prices.insert(key.clone(), found);
                }
                let list = list_prices.get(&key).cloned().flatten();
                let ty: &mut Tally = by_type.entry(seat.ticket_type.clone()).or_default();
                ty.label = list
                    .as_ref()
                    .map(|l| l.1.clone())
                    .unwrap_or_else(|| seat.ticket_type.clone());
                ty.label_ar = list
                    .as_ref()
                    .map(|l| l.2.clone())
                    .unwrap_or_else(|| ty.label.clone());
                ty.orders.insert(s.order_id);
                ty.tickets += 1;
                ty.amount += seat.price_minor;
                let list_price = list.as_ref().map(|l| l.0).unwrap_or(seat.price_minor);
                list_total += list_price;
                if s.price_override.is_none() && seat.price_minor < list_price {
                    let d: &mut Tally = discounts.entry(seat.ticket_type.clone()).or_default();
                    d.label = ty_label(&list, &seat.ticket_type);
                    d.label_ar = d.label.clone();
                    d.orders.insert(s.order_id);
                    d.tickets += 1;
                    d.amount += list_price - seat.price_minor;
                }
            }
            if let Some(o) = &s.price_override {
                overrides.push(Approved {
                    order_ref: protocol::order_reference(s.order_id),
                    amount_minor: list_total - s.total_minor,
                    staff: name_of(&s.cashier_id),
                    approved_by: name_of(&o.approved_by),
                    reason: o.reason.clone(),
                    at: s.sold_at.to_string(),
                });
            }
        }
        let mut refund_lines = Vec::new();
        for r in &refunds {
            let tickets = if r.tickets.is_empty() {
                conn.query_row(
                    "SELECT count(*) FROM voided_tickets WHERE order_id = ?1 AND why = 'refund'",
                    [r.order_id.to_string()],
                    |x| x.get::<_, u32>(0),
                )?
            } else {
                u32::try_from(r.tickets.len()).unwrap_or(u32::MAX)
            };
            let vat = r
                .split
                .as_ref()
                .map(|s| s.vat_minor)
                .unwrap_or_else(|| domain::vat::vat_included(r.amount_minor, vat_rate));
            totals.refunded_tickets += tickets;
            totals.refunds_minor = totals.refunds_minor.saturating_add(r.amount_minor);
            totals.refunds_vat_minor = totals.refunds_vat_minor.saturating_add(vat);
            match &r.split {
                Some(s) => {
                    for (method, amount) in [
                        ("card", s.card_minor),
                        ("cash", s.cash_minor),
                        ("exchange", s.exchange_minor),
                    ] {
                        if amount > 0 {
                            pay.entry(method.to_string()).or_default().1 += amount;
                        }
                    }
                }
                None => pay.entry("unknown".to_string()).or_default().1 += r.amount_minor,
            }
            let split = r.split.clone().unwrap_or(protocol::RefundSplit {
                card_minor: 0,
                cash_minor: 0,
                exchange_minor: 0,
                vat_minor: vat,
                staff_id: String::new(),
            });
            refund_lines.push(RefundLine {
                order_ref: protocol::order_reference(r.order_id),
                kind: if r.exchanged_to.is_some() {
                    "exchange"
                } else {
                    "refund"
                }
                .into(),
                tickets,
                amount_minor: r.amount_minor,
                card_minor: split.card_minor,
                cash_minor: split.cash_minor,
                exchange_minor: split.exchange_minor,
                staff: name_of(&split.staff_id),
                approved_by: name_of(&r.approved_by),
                reason: r.reason.clone(),
                at: r.at.to_string(),
            });
        }
        totals.net_minor = totals.sales_minor - totals.refunds_minor;
        totals.net_vat_minor = totals.sales_vat_minor - totals.refunds_vat_minor;
        let mut by_payment: Vec<PaymentLine> = pay
            .into_iter()
            .map(|(method, (taken, back))| PaymentLine {
                method,
                taken_minor: taken,
                refunded_minor: back,
                net_minor: taken - back,
            })
            .collect();
        by_payment.sort_by_key(|p| match p.method.as_str() {
            "cash" => 0,
            "card" => 1,
            "web" => 2,
            _ => 3,
        });
        let mut by_showtime: Vec<ShowtimeLine> = by_show
            .into_iter()
            .map(|(id, (tickets, amount))| {
                let sh = shows.get(&id).and_then(|x| x.as_ref());
                ShowtimeLine {
                    film: sh.map(|x| x.film.clone()).unwrap_or_default(),
                    film_ar: sh.map(|x| x.film_ar.clone()).unwrap_or_default(),
                    screen: sh.map(|x| x.screen.clone()).unwrap_or_default(),
                    starts_at: sh.map(|x| x.starts_at.clone()).unwrap_or_default(),
                    capacity: sh.map(|x| x.capacity).unwrap_or(0),
                    taken: sh.map(|x| x.taken).unwrap_or(0),
                    showtime_id: id,
                    tickets,
                    amount_minor: amount,
                }
            })
            .collect();
        by_showtime.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.screen.cmp(&b.screen)));
        let terminals: Vec<String> = conn
            .prepare_cached("SELECT id FROM terminals WHERE site_id = ?1 ORDER BY id")?
            .query_map([site_id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        let unsynced = unsynced(
            &conn,
            &terminals,
            day,
            to.min(now - jiff::SignedDuration::from_secs(SILENT_AFTER_SECS)),
        )?;
        let open_conflicts = open_conflicts(&conn, site_id)?;
        let gross = totals.net_minor;
        let vat_total = totals.net_vat_minor;
        Ok(DayReport {
            kind: ReportKind::Site,
            number: None,
            site_id: site_id.to_string(),
            site_name: name,
            chain_name: chain,
            currency: cur.code().to_string(),
            decimals: cur.exponent(),
            time_zone: tz.iana_name().unwrap_or("UTC").to_string(),
            business_day: day.to_string(),
            day_starts_at: from.to_string(),
            day_ends_at: to.to_string(),
            terminals,
            generated_at: now.to_string(),
            by: by.to_string(),
            totals,
            by_film: lines(by_film),
            by_showtime,
            by_ticket_type: lines(by_type),
            by_payment,
            by_cashier: lines(by_cashier),
            by_hour,
            vat: if sales.is_empty() && refunds.is_empty() {
                Vec::new()
            } else {
                vec![VatLine {
                    rate_bp: vat_rate,
                    gross_minor: gross,
                    vat_minor: vat_total,
                    net_minor: gross - vat_total,
                }]
            },
            discounts: lines(discounts),
            overrides,
            refunds: refund_lines,
            voids: Vec::new(),
            shifts: Vec::new(),
            offline,
            open_conflicts,
            unsynced,
        })
    }
}

fn ty_label(list: &ListPrice, code: &str) -> String {
    list.as_ref()
        .map(|l| l.1.clone())
        .unwrap_or_else(|| code.to_string())
}

/// Terminals whose day may not all be at central: those that reported
/// entries of the day still waiting, and those not heard from since
/// `heard_by` (the day's end, or a few minutes ago while the day runs).
fn unsynced(
    conn: &Sql<'_>,
    terminals: &[String],
    day: &str,
    heard_by: Timestamp,
) -> Result<Vec<UnsyncedLine>> {
    let mut out = Vec::new();
    for t in terminals {
        let beat: Option<(String, String)> = conn
            .query_row(
                "SELECT seen_at, unsynced_days FROM terminal_heartbeats WHERE terminal_id = ?1",
                [t],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let pushed: Option<String> = conn.query_row(
            "SELECT max(applied_at) FROM applied_entries WHERE terminal_id = ?1",
            [t],
            |r| r.get(0),
        )?;
        let heard = [beat.as_ref().map(|b| b.0.clone()), pushed]
            .into_iter()
            .flatten()
            .filter_map(|s| s.parse::<Timestamp>().ok())
            .max();
        let waiting: Vec<UnsyncedDay> = beat
            .as_ref()
            .and_then(|b| serde_json::from_str(&b.1).ok())
            .unwrap_or_default();
        let line = |entries: u32, amount: i64, oldest: Option<i64>| UnsyncedLine {
            terminal_id: t.clone(),
            entries,
            amount_minor: amount,
            oldest_at: oldest
                .and_then(|s| Timestamp::from_second(s).ok())
                .map(|x| x.to_string()),
            last_heard_at: heard.map(|h| h.to_string()),
        };
        if let Some(w) = waiting.iter().find(|w| w.business_day == day) {
            out.push(line(w.entries, w.amount_minor, Some(w.oldest_at)));
        } else if heard.is_none_or(|h| h < heard_by) {
            out.push(line(0, 0, None));
        }
    }
    Ok(out)
}

fn open_conflicts(conn: &Sql<'_>, site_id: &str) -> Result<Vec<ConflictLine>> {
    let rows: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT c.order_id, c.seats, c.created_at FROM conflicts c JOIN terminals t ON t.id = c.terminal_id
             WHERE t.site_id = ?1 AND c.resolution IS NULL ORDER BY c.created_at",
        )?
        .query_map([site_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows
        .into_iter()
        .map(|(order, seats, since)| ConflictLine {
            order_ref: order
                .parse::<uuid::Uuid>()
                .map(protocol::order_reference)
                .unwrap_or(order),
            seats: serde_json::from_str(&seats).unwrap_or_default(),
            since,
        })
        .collect())
}

//! The Z report on a terminal that has traded for a year: about 400,000
//! orders (1,100 a day over 365 business days), 800,000 tickets, a payment
//! each, 1 % of orders partly refunded, three shifts a day and an outbox
//! entry per order, all in the terminal's real SQLite file (WAL,
//! `synchronous=FULL`) beside the demo catalog.
//!
//! - `day_figures`: every figure of one mid-year day, as `day_report` and
//!   `day_close` gather them (the Z report without its write and printout);
//! - `day_pdf`, `day_csv`: that day written as PDF and as CSV.
//!
//! Setup: central runs in this process (`central::spawn`, demo chain) for the
//! terminal's `init` only; the year is then written straight into the
//! terminal's database in one transaction (about half a minute).
//! Run with `cargo bench -p boxoffice-tests --bench day_report`.

use central::CentralDb;
use divan::Bencher;
use rusqlite::params;
use site::Site;
use site::clock::{SystemClock, V7Ids};
use site::model::StaffRow;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

const SITE: &str = "dxb-marina";
const TERMINAL: &str = "dxb-marina-t1";
const DAYS: i64 = 365;
const ORDERS_PER_DAY: usize = 1_100;
const SHOWS_PER_DAY: usize = 25;

fn main() {
    env();
    divan::main();
    let _ = std::fs::remove_dir_all(&env().dir);
}

struct Env {
    dir: PathBuf,
    site: Site,
    manager: StaffRow,
    day: String,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("boxoffice-bench-day-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let db = Arc::new(CentralDb::open(&dir.join("central.sqlite")).expect("central db"));
        let now = jiff::Timestamp::now();
        central::demo::seed(&db, now).expect("demo seed");
        db.allow_unprovisioned(true);
        let running = rt
            .block_on(central::spawn(db, "127.0.0.1:0"))
            .expect("central");
        let url = format!("http://{}", running.addr);
        let site = Site::open(
            &dir.join("terminal"),
            Arc::new(SystemClock),
            Arc::new(V7Ids),
            false,
        )
        .expect("terminal");
        rt.block_on(site.init(&url, SITE, TERMINAL)).expect("init");
        drop(running);
        let started = std::time::Instant::now();
        let day = write_a_year(&dir.join("terminal").join("terminal.sqlite"));
        eprintln!("a year written in {:.1} s", started.elapsed().as_secs_f64());
        let manager = site.staff_by_pin("333333").expect("manager");
        let report = site.x_day_report(&manager, Some(&day)).expect("report");
        assert_eq!(report.totals.orders as usize, ORDERS_PER_DAY);
        Env {
            dir,
            site,
            manager,
            day,
        }
    })
}

/// Writes 365 days of trading; returns the mid-year day.
fn write_a_year(path: &std::path::Path) -> String {
    let mut conn = rusqlite::Connection::open(path).expect("terminal db");
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .expect("busy timeout");
    let (film, screen): (String, String) = conn
        .query_row(
            "SELECT film_id, screen_id FROM showtimes WHERE screen_id LIKE '%-s1' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a showtime");
    let tx = conn.transaction().expect("tx");
    let first = jiff::civil::date(2025, 12, 1);
    let mut mid = String::new();
    {
        let mut show = tx
            .prepare("INSERT INTO showtimes (id, film_id, screen_id, starts_at, format, price_card_id) VALUES (?1, ?2, ?3, ?4, '2D', 'dxb-marina-imax')")
            .expect("prepare");
        let mut shift = tx
            .prepare("INSERT INTO shifts (id, staff_id, opened_at, float_minor, closed_at, counted_minor) VALUES (?1, 'dxb-marina-cashier', ?2, 50000, ?3, ?4)")
            .expect("prepare");
        let mut order = tx
            .prepare("INSERT INTO orders (id, showtime_id, cashier_id, total_minor, vat_minor, vat_rate_bp, currency, tendered_minor, change_minor, secured_by, sold_at, sold_at_central_estimate, shift_id, business_day) VALUES (?1, ?2, 'dxb-marina-cashier', 15000, 714, 500, 'AED', 15000, 0, '{\"by\":\"lease\"}', ?3, ?3, ?4, ?5)")
            .expect("prepare");
        let mut seat = tx
            .prepare("INSERT INTO order_seats (order_id, showtime_id, seat_label, ticket_type, price_minor) VALUES (?1, ?2, ?3, 'adult', 7500)")
            .expect("prepare");
        let mut pay = tx
            .prepare("INSERT INTO payments (order_id, method, amount_minor, reference, business_day) VALUES (?1, ?2, 15000, NULL, ?3)")
            .expect("prepare");
        let mut outbox = tx
            .prepare("INSERT INTO outbox (id, order_id, body, created_at, state) VALUES (?1, ?2, '{}', ?3, 'applied')")
            .expect("prepare");
        let mut refund = tx
            .prepare("INSERT INTO refunds (id, order_id, amount_minor, vat_minor, card_minor, cash_minor, reason, staff_id, approved_by, shift_id, refunded_at, business_day) VALUES (?1, ?2, 7500, 357, 0, 7500, 'bench', 'dxb-marina-cashier', 'dxb-marina-supervisor', ?3, ?4, ?5)")
            .expect("prepare");
        let mut release = tx
            .prepare("INSERT INTO released_seats (order_id, showtime_id, seat_label, ticket_type, price_minor, released_at, why, refund_id) SELECT order_id, showtime_id, seat_label, ticket_type, price_minor, ?3, 'refund', ?4 FROM order_seats WHERE order_id = ?1 AND seat_label = ?2")
            .expect("prepare");
        let mut unseat = tx
            .prepare("DELETE FROM order_seats WHERE order_id = ?1 AND seat_label = ?2")
            .expect("prepare");
        let mut back = tx
            .prepare("INSERT INTO payments (order_id, method, amount_minor, refund_id, business_day) VALUES (?1, 'cash', -7500, ?2, ?3)")
            .expect("prepare");
        let tz = jiff::tz::TimeZone::get("Asia/Dubai").expect("zone");
        for d in 0..DAYS {
            let date = first.checked_add(jiff::Span::new().days(d)).expect("date");
            let day = date.to_string();
            if d == DAYS / 2 {
                mid = day.clone();
            }
            let open = tz
                .to_timestamp(date.to_datetime(jiff::civil::time(10, 0, 0, 0)))
                .expect("time");
            let shows: Vec<String> = (0..SHOWS_PER_DAY)
                .map(|s| {
                    let id = format!("bench-{day}-{s}");
                    let starts = open.as_second() + 3_600 * (s as i64 % 12);
                    show.execute(params![id, film, screen, starts])
                        .expect("show");
                    id
                })
                .collect();
            let shifts: Vec<String> = (0..3)
                .map(|s| {
                    let id = format!("shift-{day}-{s}");
                    let at = (open + jiff::SignedDuration::from_hours(4 * s)).to_string();
                    let closed = (open + jiff::SignedDuration::from_hours(4 * s + 4)).to_string();
                    shift
                        .execute(params![id, at, closed, 50_000 + 3_000_000])
                        .expect("shift");
                    id
                })
                .collect();
            for o in 0..ORDERS_PER_DAY {
                let id = uuid::Uuid::new_v4().to_string();
                let at = open + jiff::SignedDuration::from_secs(o as i64 * 40);
                let show_id = &shows[o % SHOWS_PER_DAY];
                let shift_id = &shifts[o * 3 / ORDERS_PER_DAY];
                order
                    .execute(params![id, show_id, at.to_string(), shift_id, day])
                    .expect("order");
                for s in 0..2 {
                    let label = format!("S-{}", (o / SHOWS_PER_DAY) * 2 + s);
                    seat.execute(params![id, show_id, label]).expect("seat");
                }
                let method = if o % 10 < 7 { "cash" } else { "card" };
                pay.execute(params![id, method, day]).expect("payment");
                outbox
                    .execute(params![
                        uuid::Uuid::new_v4().to_string(),
                        id,
                        at.as_second()
                    ])
                    .expect("outbox");
                if o % 100 == 0 {
                    let rid = uuid::Uuid::new_v4().to_string();
                    let label = format!("S-{}", (o / SHOWS_PER_DAY) * 2);
                    let when = (at + jiff::SignedDuration::from_mins(10)).to_string();
                    refund
                        .execute(params![rid, id, shift_id, when, day])
                        .expect("refund");
                    release
                        .execute(params![id, label, when, rid])
                        .expect("release");
                    unseat.execute(params![id, label]).expect("unseat");
                    back.execute(params![id, rid, day]).expect("refund payment");
                }
            }
        }
    }
    tx.commit().expect("commit");
    mid
}

/// Every figure of a mid-year day (what the Z report holds).
#[divan::bench(sample_count = 30)]
fn day_figures(b: Bencher) {
    let e = env();
    b.bench(|| {
        e.site
            .x_day_report(&e.manager, Some(&e.day))
            .expect("report")
    });
}

/// That day as a PDF (shaping, font subsets, compression).
#[divan::bench(sample_count = 30)]
fn day_pdf(b: Bencher) {
    let e = env();
    let report = e
        .site
        .x_day_report(&e.manager, Some(&e.day))
        .expect("report");
    b.bench(|| reports::pdf_form::pdf(&report).expect("pdf"));
}

/// That day as CSV.
#[divan::bench(sample_count = 30)]
fn day_csv(b: Bencher) {
    let e = env();
    let report = e
        .site
        .x_day_report(&e.manager, Some(&e.day))
        .expect("report");
    b.bench(|| reports::csv_form::csv(&report).expect("csv"));
}

//! The site day report at central over a year of five terminals: 365
//! business days × 5 terminals × 1,100 orders = 2,007,500 sales as central
//! keeps them (`day_entries`, the sale bodies as pushed, about 1 GB), 1 % of
//! them partly refunded, in central's real SQLite file beside the demo chain.
//!
//! - `site_day_figures`: every figure of one mid-year day of the site (what
//!   `boxoffice-central report site` prints), read through the
//!   `(site_id, business_day)` index and the bodies parsed;
//! - `site_day_pdf`: that report as PDF.
//!
//! Setup writes the year straight into the database in one transaction (a
//! minute or two). Run with `cargo bench -p boxoffice-tests --bench site_report`.

use central::CentralDb;
use divan::Bencher;
use protocol::{EntryBody, Payment, Refund, RefundSplit, Sale, SecuredBy, SoldSeat, TicketRef};
use rusqlite::params;
use std::path::PathBuf;
use std::sync::OnceLock;

const SITE: &str = "dxb-marina";
const TERMINALS: usize = 5;
const DAYS: i64 = 365;
const ORDERS_PER_DAY: usize = 1_100;

fn main() {
    env();
    divan::main();
    let _ = std::fs::remove_dir_all(&env().dir);
}

struct Env {
    dir: PathBuf,
    db: CentralDb,
    day: String,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("boxoffice-bench-site-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");
        let path = dir.join("central.sqlite");
        let db = CentralDb::open(&path).expect("central db");
        central::demo::seed(&db, jiff::Timestamp::now()).expect("demo seed");
        drop(db);
        let started = std::time::Instant::now();
        let day = write_a_year(&path);
        eprintln!(
            "a year of {TERMINALS} terminals written in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        let db = CentralDb::open(&path).expect("central db");
        let report = db
            .site_day_report(SITE, &day, "bench", jiff::Timestamp::now())
            .expect("report");
        assert_eq!(report.totals.orders as usize, TERMINALS * ORDERS_PER_DAY);
        Env { dir, db, day }
    })
}

/// Writes the year; returns the mid-year day.
fn write_a_year(path: &std::path::Path) -> String {
    let mut conn = rusqlite::Connection::open(path).expect("db");
    let show: String = conn
        .query_row(
            "SELECT id FROM showtimes WHERE site_id = ?1 AND screen_id LIKE '%-s1' LIMIT 1",
            [SITE],
            |r| r.get(0),
        )
        .expect("a showtime");
    let tx = conn.transaction().expect("tx");
    for t in 4..=TERMINALS {
        tx.execute(
            "INSERT OR IGNORE INTO terminals (id, site_id, name) VALUES (?1, ?2, ?1)",
            params![format!("{SITE}-t{t}"), SITE],
        )
        .expect("terminal");
    }
    let tz = jiff::tz::TimeZone::get("Asia/Dubai").expect("zone");
    let first = jiff::civil::date(2025, 12, 1);
    let mut mid = String::new();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO day_entries (entry_id, site_id, terminal_id, business_day, kind, body, applied_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .expect("prepare");
        for d in 0..DAYS {
            let date = first.checked_add(jiff::Span::new().days(d)).expect("date");
            let day = date.to_string();
            if d == DAYS / 2 {
                mid = day.clone();
            }
            let open = tz
                .to_timestamp(date.to_datetime(jiff::civil::time(10, 0, 0, 0)))
                .expect("time");
            for t in 1..=TERMINALS {
                let terminal = format!("{SITE}-t{t}");
                for o in 0..ORDERS_PER_DAY {
                    let at = open + jiff::SignedDuration::from_secs(o as i64 * 40);
                    let order_id = uuid::Uuid::new_v4();
                    let sale = Sale {
                        order_id,
                        showtime_id: show.clone(),
                        seats: (0..2)
                            .map(|s| SoldSeat {
                                label: format!("S-{}", o * 2 + s),
                                ticket_type: "adult".into(),
                                price_minor: 7_500,
                                showtime_id: None,
                            })
                            .collect(),
                        secured_by: SecuredBy::Lease,
                        total_minor: 15_000,
                        vat_minor: 714,
                        currency: domain::Currency::Aed,
                        payments: vec![Payment {
                            method: if o % 10 < 7 { "cash" } else { "card" }.into(),
                            amount_minor: 15_000,
                            reference: None,
                        }],
                        cashier_id: format!("{SITE}-cashier"),
                        sold_at: at,
                        sold_at_central_estimate: at,
                        price_override: None,
                        business_day: None,
                    };
                    let body = serde_json::to_string(&EntryBody::Sale(sale)).expect("json");
                    insert
                        .execute(params![
                            uuid::Uuid::new_v4().to_string(),
                            SITE,
                            terminal,
                            day,
                            "sale",
                            body,
                            at.to_string()
                        ])
                        .expect("sale");
                    if o % 100 == 0 {
                        let refund = Refund {
                            order_id,
                            showtime_id: show.clone(),
                            amount_minor: 7_500,
                            tickets: vec![TicketRef {
                                showtime_id: show.clone(),
                                seat: format!("S-{}", o * 2),
                            }],
                            approved_by: format!("{SITE}-supervisor"),
                            reason: "bench".into(),
                            at,
                            exchanged_to: None,
                            split: Some(RefundSplit {
                                card_minor: 0,
                                cash_minor: 7_500,
                                exchange_minor: 0,
                                vat_minor: 357,
                                staff_id: format!("{SITE}-cashier"),
                            }),
                            business_day: None,
                        };
                        let body = serde_json::to_string(&EntryBody::Refund(refund)).expect("json");
                        insert
                            .execute(params![
                                uuid::Uuid::new_v4().to_string(),
                                SITE,
                                terminal,
                                day,
                                "refund",
                                body,
                                at.to_string()
                            ])
                            .expect("refund");
                    }
                }
            }
        }
    }
    tx.commit().expect("commit");
    mid
}

/// Every figure of a mid-year day of the site.
#[divan::bench(sample_count = 20)]
fn site_day_figures(b: Bencher) {
    let e = env();
    b.bench(|| {
        e.db.site_day_report(SITE, &e.day, "bench", jiff::Timestamp::now())
            .expect("report")
    });
}

/// That day as a PDF.
#[divan::bench(sample_count = 20)]
fn site_day_pdf(b: Bencher) {
    let e = env();
    let report =
        e.db.site_day_report(SITE, &e.day, "bench", jiff::Timestamp::now())
            .expect("report");
    b.bench(|| reports::pdf_form::pdf(&report).expect("pdf"));
}

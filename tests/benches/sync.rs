//! Sync benchmarks over loopback, with central and a terminal in this process:
//! central is `central::spawn` on `127.0.0.1:0` over the demo chain, the
//! terminal a `site::Site` in a temporary directory, initialised against it.
//!
//! - draining a backlog of 10,000 queued sales (`Site::push_outbox`);
//! - a hold round trip (create and release over HTTP, the terminal's client);
//! - seat event propagation: a web sale at central until the terminal's
//!   `follow_events` has applied it to its seat cache.
//!
//! After divan's table, custom loops print p50/p99 of the last two.
//! Run with `cargo bench -p boxoffice-tests --bench sync`.

use central::CentralDb;
use divan::Bencher;
use protocol::{EntryBody, HoldRequest, Payment, Sale, SecuredBy, SoldSeat};
use rusqlite::params;
use site::Site;
use site::clock::{SystemClock, V7Ids};
use site::link::CentralClient;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

const SITE: &str = "dxb-marina";
const TERMINAL: &str = "dxb-marina-t1";
/// The IMAX screen of the demo site: 448 seats, a few blocked.
const SCREEN: &str = "dxb-marina-s1";
const PRICE_CARD: &str = "dxb-marina-imax";
const BACKLOG: usize = 10_000;
/// Samples for the percentile loops.
const SAMPLES: usize = 300;

fn main() {
    divan::main();
    percentiles();
    let _ = std::fs::remove_dir_all(&env().dir);
}

/// Central and the terminal, shared by every benchmark.
struct Env {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
    db: Arc<CentralDb>,
    url: String,
    site: Arc<Site>,
    film: String,
    adult_minor: i64,
    /// Sellable (unblocked) seats of the screen.
    seats: Vec<String>,
    next_show: AtomicU32,
    /// Free seats for web sales, refilled with a new showtime when empty.
    web_seats: Mutex<Vec<(String, String)>>,
    /// The web channel `bench-web`'s key.
    web_key: String,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = std::env::temp_dir().join(format!("boxoffice-bench-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");
        let db = Arc::new(CentralDb::open(&dir.join("central.sqlite")).expect("central db"));
        central::demo::seed(&db, jiff::Timestamp::now()).expect("demo seed");
        // The demo's terminals have no API token (as `serve --demo`).
        db.allow_unprovisioned(true);
        let web_key = db
            .create_web_channel("bench-web", None, 50, jiff::Timestamp::now())
            .expect("web channel");
        let running = rt
            .block_on(central::spawn(db.clone(), "127.0.0.1:0"))
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
        let (film, adult_minor, seats) = {
            let conn = rusqlite::Connection::open(dir.join("central.sqlite")).expect("read");
            let film: String = conn
                .query_row(
                    "SELECT film_id FROM showtimes WHERE screen_id = ?1 LIMIT 1",
                    [SCREEN],
                    |r| r.get(0),
                )
                .expect("film");
            let adult: i64 = conn
                .query_row(
                    "SELECT price_minor FROM prices WHERE price_card_id = ?1 AND ticket_type = 'adult'",
                    [PRICE_CARD],
                    |r| r.get(0),
                )
                .expect("price");
            let seats: Vec<String> = conn
                .prepare("SELECT label FROM screen_seats WHERE screen_id = ?1 AND blocked = 0 ORDER BY y, x")
                .expect("seats")
                .query_map([SCREEN], |r| r.get(0))
                .expect("seats")
                .map(|r| r.expect("seat"))
                .collect();
            (film, adult, seats)
        };
        Env {
            rt,
            dir,
            db,
            url,
            site: Arc::new(site),
            film,
            adult_minor,
            seats,
            next_show: AtomicU32::new(0),
            web_key,
            web_seats: Mutex::new(Vec::new()),
        }
    })
}

impl Env {
    /// Adds `n` showtimes on the IMAX screen, days ahead (beyond the lease
    /// horizon, so no seat of theirs is leased), and returns their ids.
    fn new_showtimes(&self, n: usize) -> Vec<String> {
        let base = jiff::Timestamp::now().as_second() + 3 * 86_400;
        let ids: Vec<(String, i64)> = (0..n)
            .map(|_| {
                let k = self.next_show.fetch_add(1, Ordering::Relaxed);
                (format!("bench-{k}"), base + i64::from(k) * 60)
            })
            .collect();
        self.db
            .write(|tx| {
                for (id, starts) in &ids {
                    tx.execute(
                        "INSERT INTO showtimes (id, site_id, screen_id, film_id, starts_at, format, price_card_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, 'IMAX', ?6)",
                        central::sql::params![id, SITE, SCREEN, self.film, starts, PRICE_CARD],
                    )?;
                }
                Ok(())
            })
            .expect("showtimes");
        ids.into_iter().map(|(id, _)| id).collect()
    }

    /// Queues `n` one-seat override sales over distinct seats of fresh
    /// showtimes, straight into the terminal's outbox (as if sold offline).
    fn queue_backlog(&self, n: usize) {
        let shows = self.new_showtimes(n.div_ceil(self.seats.len()));
        let now = jiff::Timestamp::now();
        let currency: domain::Currency = "AED".parse().expect("AED");
        let mut conn =
            rusqlite::Connection::open(self.dir.join("terminal").join("terminal.sqlite"))
                .expect("terminal db");
        conn.busy_timeout(Duration::from_secs(5)).expect("busy");
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO outbox (id, order_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
                )
                .expect("insert");
            let places = shows
                .iter()
                .flat_map(|s| self.seats.iter().map(move |seat| (s, seat)))
                .take(n);
            for (show, seat) in places {
                let order_id = uuid::Uuid::now_v7();
                let sale = Sale {
                    order_id,
                    showtime_id: show.clone(),
                    seats: vec![SoldSeat {
                        label: seat.clone(),
                        ticket_type: "adult".into(),
                        price_minor: self.adult_minor,
                        showtime_id: None,
                    }],
                    secured_by: SecuredBy::Override {
                        manager_id: format!("{SITE}-manager"),
                    },
                    total_minor: self.adult_minor,
                    vat_minor: self.adult_minor * 5 / 105,
                    currency,
                    payments: vec![Payment {
                        method: "cash".into(),
                        amount_minor: self.adult_minor,
                        reference: None,
                    }],
                    cashier_id: format!("{SITE}-cashier"),
                    sold_at: now,
                    sold_at_central_estimate: now,
                    price_override: None,
                    business_day: None,
                };
                let body = serde_json::to_string(&EntryBody::Sale(sale)).expect("json");
                insert
                    .execute(params![
                        uuid::Uuid::now_v7().to_string(),
                        order_id.to_string(),
                        body,
                        now.as_second()
                    ])
                    .expect("outbox row");
            }
        }
        tx.commit().expect("commit");
    }

    /// A free seat for a web sale.
    fn web_seat(&self) -> (String, String) {
        let mut free = self.web_seats.lock().unwrap();
        if free.is_empty() {
            let show = self.new_showtimes(1).remove(0);
            free.extend(self.seats.iter().rev().map(|s| (show.clone(), s.clone())));
        }
        free.pop().expect("a free seat")
    }

    /// Makes sure `n` seats wait for web sales, on showtimes the terminal
    /// knows (it syncs its catalog after adding them).
    fn prepare_web_seats(&self, n: usize) {
        let have = self.web_seats.lock().unwrap().len();
        if have >= n {
            return;
        }
        let shows = self.new_showtimes((n - have).div_ceil(self.seats.len()));
        {
            let mut free = self.web_seats.lock().unwrap();
            let mut fresh: Vec<(String, String)> = shows
                .iter()
                .flat_map(|show| self.seats.iter().map(move |s| (show.clone(), s.clone())))
                .collect();
            fresh.reverse();
            fresh.append(&mut free);
            *free = fresh;
        }
        self.rt.block_on(self.site.sync()).expect("sync");
    }

    /// Applies every seat event already waiting, so a follow starts level.
    async fn drain_events(&self) {
        while self
            .site
            .follow_events(Duration::ZERO)
            .await
            .expect("follow")
            > 0
        {}
    }
}

/// Drains 10,000 queued sales to central over loopback, `PUSH_BATCH` per push.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn drain_backlog_10k(b: Bencher) {
    let env = env();
    b.with_inputs(|| env.queue_backlog(BACKLOG))
        .bench_local_values(|()| {
            // As the pump does: a batch that timed out on a busy machine goes in the next round.
            let mut accepted = 0;
            for _ in 0..5 {
                accepted += env.rt.block_on(env.site.push_outbox()).expect("push");
                if accepted as usize == BACKLOG {
                    break;
                }
            }
            if accepted as usize != BACKLOG {
                // Say what became of the rest.
                let conn =
                    rusqlite::Connection::open(env.dir.join("terminal").join("terminal.sqlite"))
                        .expect("terminal db");
                let mut stmt = conn
                    .prepare("SELECT state, count(*), max(last_error) FROM outbox GROUP BY state")
                    .expect("states");
                let states: Vec<(String, i64, Option<String>)> = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .expect("states")
                    .map(|r| r.expect("row"))
                    .collect();
                panic!("{accepted} of {BACKLOG} applied; outbox: {states:?}");
            }
        });
}

/// One hold created and released over HTTP with the terminal's client.
#[divan::bench(sample_count = 200, sample_size = 1)]
fn hold_round_trip(b: Bencher) {
    let env = env();
    let client = CentralClient::new(&env.url, TERMINAL).expect("client");
    let show = env.new_showtimes(1).remove(0);
    let seat = env.seats[0].clone();
    b.bench_local(|| env.rt.block_on(hold_once(&client, &show, &seat)));
}

async fn hold_once(client: &CentralClient, show: &str, seat: &str) {
    let hold = client
        .hold(&HoldRequest {
            showtime_id: show.to_string(),
            seats: vec![seat.to_string()],
            ttl_secs: 60,
            replaces: None,
        })
        .await
        .expect("hold");
    client.release_hold(&hold.hold_id).await.expect("release");
}

/// A web sale at central until the terminal has applied it to its cache.
/// Divan's figure includes the 2 ms pause that lets the follower park on the
/// long poll; the percentile loop after the table measures from the sale on.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn seat_event_propagation(b: Bencher) {
    let env = env();
    let http = reqwest::Client::new();
    env.prepare_web_seats(200);
    env.rt.block_on(env.drain_events());
    b.with_inputs(|| env.web_seat())
        .bench_local_values(|(show, seat)| env.rt.block_on(propagate(env, &http, &show, &seat)));
}

/// Parks a follower on the event feed, sells `seat` on the web, and returns
/// the time from just before the sale until the follower applied it.
async fn propagate(env: &Env, http: &reqwest::Client, show: &str, seat: &str) -> Duration {
    let site = env.site.clone();
    let follower = tokio::spawn(async move {
        let n = site.follow_events(Duration::from_secs(20)).await;
        (n, Instant::now())
    });
    // Let the long poll reach central (not part of the measure).
    tokio::time::sleep(Duration::from_millis(2)).await;
    let start = Instant::now();
    let resp = http
        .post(format!("{}/v1/web/sales", env.url))
        .header(protocol::WEB_CHANNEL_HEADER, "bench-web")
        .bearer_auth(&env.web_key)
        .json(&serde_json::json!({"showtime_id": show, "seats": [seat]}))
        .send()
        .await
        .expect("web sale");
    assert!(resp.status().is_success(), "web sale: {}", resp.status());
    let (n, done) = follower.await.expect("follower");
    assert_eq!(n.expect("follow"), 1, "one seat event");
    done - start
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(what: &str, mut d: Vec<Duration>) {
    d.sort();
    println!(
        "{what}: n={} p50={:.3} ms p99={:.3} ms max={:.3} ms",
        d.len(),
        pct(&d, 0.50).as_secs_f64() * 1e3,
        pct(&d, 0.99).as_secs_f64() * 1e3,
        d[d.len() - 1].as_secs_f64() * 1e3,
    );
}

/// p50/p99 over custom loops (divan reports medians and means).
fn percentiles() {
    let env = env();
    println!();
    let client = CentralClient::new(&env.url, TERMINAL).expect("client");
    let show = env.new_showtimes(1).remove(0);
    let seat = env.seats[0].clone();
    let holds: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            env.rt.block_on(hold_once(&client, &show, &seat));
            t.elapsed()
        })
        .collect();
    report("hold round trip (create + release)", holds);

    let http = reqwest::Client::new();
    env.prepare_web_seats(SAMPLES);
    env.rt.block_on(env.drain_events());
    let mut last = None;
    let props: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let (show, seat) = env.web_seat();
            let d = env.rt.block_on(propagate(env, &http, &show, &seat));
            last = Some((show, seat));
            d
        })
        .collect();
    report("seat event propagation (web sale -> terminal cache)", props);
    // The last web-sold seat shows sold in the terminal's cached seat map.
    if let Some((show, seat)) = last {
        let map = env.site.seat_map_cached(&show).expect("seat map");
        let state = map.seats.iter().find(|s| s.label == seat).map(|s| s.state);
        assert_eq!(state, Some(domain::SeatState::Sold), "{seat} of {show}");
    }

    let t = Instant::now();
    env.queue_backlog(BACKLOG);
    let queued = t.elapsed();
    let t = Instant::now();
    // As the pump does: a batch that timed out on a busy machine goes in the next round.
    let mut accepted = 0;
    for _ in 0..5 {
        accepted += env.rt.block_on(env.site.push_outbox()).expect("push");
        if accepted as usize == BACKLOG {
            break;
        }
    }
    let drained = t.elapsed();
    if accepted as usize != BACKLOG {
        let conn = rusqlite::Connection::open(env.dir.join("terminal").join("terminal.sqlite"))
            .expect("terminal db");
        let mut stmt = conn
            .prepare("SELECT state, last_error, count(*) FROM outbox GROUP BY state, last_error")
            .expect("query");
        let rows: Vec<(String, Option<String>, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        panic!("{accepted} of {BACKLOG} accepted: {rows:?}");
    }
    println!(
        "backlog of {BACKLOG}: queued in {:.2} s, drained in {:.2} s ({:.0} entries/s)",
        queued.as_secs_f64(),
        drained.as_secs_f64(),
        BACKLOG as f64 / drained.as_secs_f64()
    );
}

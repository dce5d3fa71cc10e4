//! Seat-map benchmarks on the demo's largest layout ("Screen 4 Grand", 644
//! seats), at the terminal, with central and the terminal in this process as
//! in `sync.rs`: central is `central::spawn` on `127.0.0.1:0` over the demo
//! chain, the terminal a `site::Site` in a temporary directory.
//!
//! Before measuring, the showtime is made busy through the real paths: web
//! sales at central (sold), holds by another counter (held), leases for this
//! counter and two others (leased / held), and the terminal refreshes its
//! seat cache from central. Then:
//!
//! - `seat_map_cached`: the seat-map view model from the local cache
//!   (`Site::seat_map_cached`, what every live poll of the UI reads);
//! - `seat_map_command`: the same through `site::commands::dispatch`, JSON
//!   in and out (the engine's side of the UI's `seat_map` call, no HTTP);
//! - `best_available`: N seats together over the cache (`Site::best_available`).
//!
//! Run with `cargo bench -p boxoffice-tests --bench seatmap`.

use divan::{Bencher, black_box};
use protocol::{HoldRequest, LeaseRequest};
use site::Site;
use site::api::{BestAvailableArgs, SeatMapArgs};
use site::clock::{SystemClock, V7Ids};
use site::link::CentralClient;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

const SITE: &str = "dxb-marina";
const TERMINAL: &str = "dxb-marina-t1";
const OTHER_TERMINALS: [&str; 2] = ["dxb-marina-t2", "dxb-marina-t3"];
/// The largest demo screen: 23 rows of 28 (644 seats), 4 of them blocked.
const SCREEN: &str = "dxb-marina-s4";

fn main() {
    let env = env();
    println!(
        "showtime {} ({} seats): {} free, {} sold, {} held, {} leased here, {} blocked",
        env.show,
        env.total,
        env.count("free"),
        env.count("sold"),
        env.count("held"),
        env.count("leased"),
        env.count("blocked"),
    );
    divan::main();
    let _ = std::fs::remove_dir_all(&env.dir);
}

struct Env {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
    site: Site,
    show: String,
    total: usize,
    states: Vec<String>,
}

impl Env {
    fn count(&self, state: &str) -> usize {
        self.states.iter().filter(|s| *s == state).count()
    }
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir =
            std::env::temp_dir().join(format!("boxoffice-bench-seatmap-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");
        let db = Arc::new(central::CentralDb::open(&dir.join("central.sqlite")).expect("db"));
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

        // The next Grand show at least an hour away: on sale, and inside
        // the lease horizon.
        let (show, seats) = {
            let conn = rusqlite::Connection::open(dir.join("central.sqlite")).expect("read");
            let show: String = conn
                .query_row(
                    "SELECT id FROM showtimes WHERE screen_id = ?1 AND starts_at > ?2
                     ORDER BY starts_at LIMIT 1",
                    rusqlite::params![SCREEN, jiff::Timestamp::now().as_second() + 3_600],
                    |r| r.get(0),
                )
                .expect("a Grand showtime");
            let seats: Vec<String> = conn
                .prepare(
                    "SELECT label FROM screen_seats WHERE screen_id = ?1 AND blocked = 0
                     ORDER BY y, x",
                )
                .expect("seats")
                .query_map([SCREEN], |r| r.get(0))
                .expect("seats")
                .map(|r| r.expect("seat"))
                .collect();
            (show, seats)
        };
        rt.block_on(make_busy(&url, &web_key, &show, &seats));
        // The terminal's leases, then its cache of the show's states.
        let client = CentralClient::new(&url, TERMINAL).expect("client");
        rt.block_on(site.top_up_leases(&client)).expect("leases");
        let refresh: SeatMapArgs =
            serde_json::from_value(serde_json::json!({"showtime_id": show, "refresh": true}))
                .expect("args");
        let map = rt.block_on(site.seat_map(&refresh)).expect("refresh");
        let states = map
            .seats
            .iter()
            .map(|s| s.state.as_str().to_string())
            .collect();
        Env {
            rt,
            dir,
            site,
            show,
            total: map.seats.len(),
            states,
        }
    })
}

/// Sells about 40 % of the seats on the web in orders of 8, holds 10 % for
/// another counter, and lets two other counters take their leases.
async fn make_busy(url: &str, web_key: &str, show: &str, seats: &[String]) {
    let http = reqwest::Client::new();
    // Seats leased at set-up (to this terminal) are not for sale elsewhere.
    let taken: std::collections::HashSet<String> = CentralClient::new(url, TERMINAL)
        .expect("client")
        .seat_states(show)
        .await
        .expect("states")
        .seats
        .into_iter()
        .map(|s| s.label)
        .collect();
    let seats: Vec<&String> = seats.iter().filter(|s| !taken.contains(*s)).collect();
    let sold: Vec<&String> = seats
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 5 < 2)
        .map(|(_, s)| *s)
        .collect();
    for order in sold.chunks(8) {
        let resp = http
            .post(format!("{url}/v1/web/sales"))
            .header(protocol::WEB_CHANNEL_HEADER, "bench-web")
            .bearer_auth(web_key)
            .json(&serde_json::json!({"showtime_id": show, "seats": order}))
            .send()
            .await
            .expect("web sale");
        assert!(resp.status().is_success(), "web sale: {}", resp.status());
    }
    let other = CentralClient::new(url, OTHER_TERMINALS[0]).expect("client");
    let held: Vec<String> = seats
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 == 2)
        .map(|(_, s)| (*s).clone())
        .collect();
    for group in held.chunks(8) {
        other
            .hold(&HoldRequest {
                showtime_id: show.to_string(),
                seats: group.to_vec(),
                ttl_secs: 3_600,
                replaces: None,
            })
            .await
            .expect("hold");
    }
    for t in OTHER_TERMINALS {
        CentralClient::new(url, t)
            .expect("client")
            .leases(&LeaseRequest {
                showtime_ids: vec![show.to_string()],
            })
            .await
            .expect("leases");
    }
}

/// The seat-map view model of the 644-seat show from the local cache.
#[divan::bench]
fn seat_map_cached(b: Bencher) {
    let env = env();
    b.bench_local(|| env.site.seat_map_cached(black_box(&env.show)).expect("map"));
}

/// The UI's live poll as the engine sees it: JSON arguments in, the seat
/// map as JSON out (`commands::dispatch`, without HTTP).
#[divan::bench]
fn seat_map_command(b: Bencher) {
    let env = env();
    let args = serde_json::json!({"showtime_id": env.show, "refresh": false});
    b.bench_local(|| {
        env.rt
            .block_on(site::commands::dispatch(
                &env.site,
                "seat_map",
                black_box(args.clone()),
            ))
            .expect("seat_map")
    });
}

/// Best available over the terminal's cache of the busy 644-seat show.
#[divan::bench(args = [2, 4, 8])]
fn best_available(b: Bencher, n: u32) {
    let env = env();
    let args: BestAvailableArgs =
        serde_json::from_value(serde_json::json!({"showtime_id": env.show, "count": n}))
            .expect("args");
    b.bench_local(|| env.site.best_available(black_box(&args)).expect("pick"));
}

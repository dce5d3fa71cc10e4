//! The sale commit at the counter, on leased seats: `Site::sell_order` with
//! no network at all. What one sale does here: validation (showtime open,
//! seats, ticket type, age rule, price card, money), the plan (the seats are
//! this terminal's lease, so nothing to secure), the print jobs laid out and
//! encoded to ESC/POS (ticket with the signed door QR, tax invoice), the one
//! SQLite transaction (order, seats, payment, outbox entry, print jobs; WAL,
//! `synchronous=FULL`), then the previews of the printouts (each job decoded
//! and rendered to a PNG file, as the app shows it at once). The printer is a
//! TCP address nobody listens on, so the queue is only kicked, and central is
//! stopped before measuring, so the terminal knows it is offline and pushes
//! nothing (the pump would, later).
//!
//! The `sale_commit_*` figures are the sale without its previews: a plain
//! file stands where the printouts directory goes, so each preview fails at
//! once (as on a full disk: the sale stands and says so in `print_errors`,
//! which the bench checks) and no PNG is rendered. `sale_with_previews_*`
//! is the whole `sell_order` as the counter runs it.
//!
//! Setup: central runs in this process on its own runtime (`central::spawn`,
//! demo chain) with a lease policy of every seat (rear half of the house) of
//! 16 extra IMAX showtimes within the horizon; the terminal (`site::Site` in a
//! temp dir) initialises and syncs, which leases it about 3,500 seats; then
//! central's runtime is shut down and a failing sync marks the link offline.
//!
//! After divan's table, loops time sales one by one and print p50/p99:
//! `SALE_SAMPLES` (default 2,000) one-ticket commits, 500 two-ticket commits,
//! 300 one-ticket sales with previews, the previews alone (one sale's two
//! printouts rendered again) and bare SQLite commits on the same disk, so the
//! sale's own cost can be read beside the floor.
//! Run with `cargo bench -p boxoffice-tests --bench sale`.

use central::CentralDb;
use central::sql::params;
use divan::Bencher;
use site::Site;
use site::clock::{SystemClock, V7Ids};
use site::flows::sell::{SalePart, SaleRequest};
use site::model::StaffRow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

const SITE: &str = "dxb-marina";
const TERMINAL: &str = "dxb-marina-t1";
/// The IMAX screen of the demo site: 448 seats, a few blocked.
const SCREEN: &str = "dxb-marina-s1";
const PRICE_CARD: &str = "dxb-marina-imax";
/// Extra showtimes leased to the terminal (about 220 seats each).
const SHOWS: usize = 20;

fn main() {
    env();
    // As the terminal's pump does: the write-ahead log is checkpointed in
    // the background every 2 s, on a connection of its own, never by a sale.
    std::thread::spawn(|| {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(2));
            if let Err(e) = env().site.checkpoint_blocking() {
                eprintln!("checkpoint failed: {e}");
            }
        }
    });
    divan::main();
    percentiles();
    let _ = std::fs::remove_dir_all(&env().dir);
}

struct Env {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
    site: Site,
    cashier: StaffRow,
    /// Leased seats not sold yet, per showtime.
    leased: Mutex<Vec<(String, Vec<String>)>>,
    /// Where the terminal writes its previews.
    printouts: PathBuf,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("boxoffice-bench-sale-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");

        // Central on a runtime of its own, so that stopping it stops every
        // connection task too.
        let central_rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("central runtime");
        let db = Arc::new(CentralDb::open(&dir.join("central.sqlite")).expect("central db"));
        let now = jiff::Timestamp::now();
        central::demo::seed(&db, now).expect("demo seed");
        db.allow_unprovisioned(true);
        lease_everything(&db, now);
        let running = central_rt
            .block_on(central::spawn(db.clone(), "127.0.0.1:0"))
            .expect("central");
        let url = format!("http://{}", running.addr);

        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let site = Site::open(
            &dir.join("terminal"),
            Arc::new(SystemClock),
            Arc::new(V7Ids),
            false,
        )
        .expect("terminal");
        rt.block_on(site.init(&url, SITE, TERMINAL)).expect("init");
        rt.block_on(site.sync()).expect("sync");
        // A printer nobody answers: jobs stay queued, the sale only kicks the queue.
        site.set_printer(&format!("tcp:127.0.0.1:{}", e2e::free_port()), None)
            .expect("printer");
        let cashier = site.staff_by_pin("1111").expect("cashier");
        site.open_shift(&cashier, 0).expect("shift");

        let mut leased = Vec::new();
        for lease in site.status().expect("status").leases {
            if !lease.showtime_id.starts_with("bench-") {
                continue;
            }
            let seats: Vec<String> = site
                .seat_map_cached(&lease.showtime_id)
                .expect("seat map")
                .seats
                .into_iter()
                .filter(|s| s.state == domain::SeatState::Leased)
                .map(|s| s.label)
                .collect();
            leased.push((lease.showtime_id, seats));
        }
        let total: usize = leased.iter().map(|(_, s)| s.len()).sum();

        // Central goes away; the terminal learns it is offline.
        drop(running);
        central_rt.shutdown_timeout(Duration::from_secs(2));
        assert!(rt.block_on(site.sync()).is_err(), "central is stopped");
        let status = site.status().expect("status");
        assert_ne!(status.connectivity, "online", "{status:?}");
        eprintln!(
            "{total} leased seats over {} showtimes; terminal {}",
            leased.len(),
            status.connectivity
        );
        Env {
            printouts: dir.join("terminal").join("printouts"),
            rt,
            dir,
            site,
            cashier,
            leased: Mutex::new(leased),
        }
    })
}

/// Leases every seat the policy allows (all of the rear half) and adds
/// `SHOWS` IMAX showtimes within the lease horizon, named `bench-N`.
fn lease_everything(db: &CentralDb, now: jiff::Timestamp) {
    let mut settings = protocol::SiteSettings::default();
    settings.lease_policy.share_bp = 10_000;
    settings.lease_policy.ceiling = 1_000;
    let json = serde_json::to_string(&settings).expect("settings");
    db.write(|tx| {
        tx.execute(
            "INSERT OR REPLACE INTO site_settings (site_id, settings) VALUES (?1, ?2)",
            params![SITE, json],
        )?;
        let film: String = tx.query_row(
            "SELECT film_id FROM showtimes WHERE screen_id = ?1 LIMIT 1",
            [SCREEN],
            |r| r.get(0),
        )?;
        for k in 0..SHOWS {
            // From 4 h ahead, every 90 minutes: all within the 36 h horizon.
            let starts = now.as_second() + 4 * 3600 + k as i64 * 5400;
            tx.execute(
                "INSERT INTO showtimes (id, site_id, screen_id, film_id, starts_at, format, price_card_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'IMAX', ?6)",
                params![format!("bench-{k}"), SITE, SCREEN, film, starts, PRICE_CARD],
            )?;
        }
        Ok(())
    })
    .expect("lease policy and showtimes");
}

impl Env {
    /// `n` leased seats of one showtime, not sold yet.
    fn take(&self, n: usize) -> (String, Vec<String>) {
        let mut leased = self.leased.lock().unwrap();
        let (show, seats) = leased
            .iter_mut()
            .find(|(_, s)| s.len() >= n)
            .expect("leased seats left: raise SHOWS");
        let at = seats.len() - n;
        (show.clone(), seats.split_off(at))
    }

    /// Lets the terminal write its previews, or not: a plain file where the
    /// printouts directory goes makes every preview fail at once.
    fn previews(&self, on: bool) {
        let off = self.printouts.with_extension("off");
        if on {
            if std::fs::metadata(&self.printouts).is_ok_and(|m| m.is_file()) {
                std::fs::remove_file(&self.printouts).expect("remove blocker");
            }
            if off.exists() {
                std::fs::rename(&off, &self.printouts).expect("printouts back");
            }
        } else if !std::fs::metadata(&self.printouts).is_ok_and(|m| m.is_file()) {
            if self.printouts.exists() {
                std::fs::rename(&self.printouts, &off).expect("printouts away");
            }
            std::fs::write(
                &self.printouts,
                b"no previews while benchmarking the commit",
            )
            .expect("blocker");
        }
    }

    /// One cash sale of `seats`, which must be secured by the lease; with
    /// `previews`, every printout must have been previewed, else none.
    fn sell(&self, (show, seats): (String, Vec<String>), previews: bool) -> String {
        let sale = self
            .rt
            .block_on(self.site.sell_order(
                &self.cashier,
                SaleRequest {
                    parts: vec![SalePart {
                        showtime_id: show,
                        seats,
                        ticket_type: "adult".into(),
                        hold_id: None,
                        price_override: None,
                        wheelchair_seats: Vec::new(),
                    }],
                    tendered_minor: 100_000,
                    card: None,
                    id_checked: true,
                    override_by: None,
                    exchange: None,
                },
            ))
            .expect("leased sale");
        assert_eq!(sale.secured_by, "lease");
        assert!(!sale.synced);
        assert_eq!(
            sale.print_errors.is_empty(),
            previews,
            "{:?}",
            sale.print_errors
        );
        sale.order_id
    }
}

/// One sale of one ticket on a leased seat, without previews.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn sale_commit_1_ticket(b: Bencher) {
    let env = env();
    env.previews(false);
    b.with_inputs(|| env.take(1))
        .bench_local_values(|seats| env.sell(seats, false));
}

/// One sale of two tickets (a couple) on leased seats, without previews.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn sale_commit_2_tickets(b: Bencher) {
    let env = env();
    env.previews(false);
    b.with_inputs(|| env.take(2))
        .bench_local_values(|seats| env.sell(seats, false));
}

/// One sale of one ticket on a leased seat, previews rendered (the whole
/// `sell_order` as the counter runs it, offline).
#[divan::bench(sample_count = 100, sample_size = 1)]
fn sale_with_previews_1_ticket(b: Bencher) {
    let env = env();
    env.previews(true);
    b.with_inputs(|| env.take(1))
        .bench_local_values(|seats| env.sell(seats, true));
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(what: &str, mut d: Vec<Duration>) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1e3;
    println!(
        "{what}: n={} p50={:.3} ms p90={:.3} ms p99={:.3} ms max={:.3} ms",
        d.len(),
        ms(pct(&d, 0.50)),
        ms(pct(&d, 0.90)),
        ms(pct(&d, 0.99)),
        ms(d[d.len() - 1]),
    );
}

/// p50/p99 of individually timed sales, previews and bare commits.
fn percentiles() {
    let env = env();
    let n: usize = std::env::var("SALE_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000);
    println!();
    let left: usize = env
        .leased
        .lock()
        .unwrap()
        .iter()
        .map(|(_, s)| s.len())
        .sum();
    let n = n.min(left.saturating_sub(1_300));
    let mut orders = Vec::with_capacity(n);
    let mut timed = |count: usize, tickets: usize, previews: bool| -> Vec<Duration> {
        env.previews(previews);
        (0..count)
            .map(|_| {
                let seats = env.take(tickets);
                let t = Instant::now();
                let order = env.sell(seats, previews);
                let d = t.elapsed();
                orders.push(order);
                d
            })
            .collect()
    };
    let one = timed(n, 1, false);
    let two = timed(500, 2, false);
    let with_previews = timed(300, 1, true);
    report("sale commit, 1 ticket, leased seat, no previews", one);
    report("sale commit, 2 tickets, leased seats, no previews", two);
    report(
        "sale with previews, 1 ticket, leased seat (whole sell_order)",
        with_previews,
    );

    // The previews alone: one sale's printouts (ticket + tax invoice) decoded
    // and rendered again from the bytes the sale stored.
    let conn = rusqlite::Connection::open(env.dir.join("terminal").join("terminal.sqlite"))
        .expect("terminal db");
    let out = env.dir.join("previews");
    let printer = printing::virtual_printer::VirtualPrinter::new(&out, printing::Paper::default());
    let mut previews = Vec::new();
    for order in orders.iter().take(n).step_by(10) {
        let jobs: Vec<(String, Vec<u8>)> = conn
            .prepare("SELECT name, bytes FROM print_jobs WHERE order_id = ?1")
            .expect("jobs")
            .query_map([order], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("jobs")
            .collect::<Result<_, _>>()
            .expect("jobs");
        assert!(!jobs.is_empty(), "print jobs of {order}");
        let t = Instant::now();
        for (name, bytes) in &jobs {
            printer.print(name, bytes).expect("preview");
        }
        previews.push(t.elapsed());
    }
    report(
        "previews of one sale (decode + PNG of ticket and invoice)",
        previews,
    );

    // The floor: one small INSERT committed, WAL and synchronous=FULL, same disk.
    let mut bare = rusqlite::Connection::open(env.dir.join("bare.sqlite")).expect("bare db");
    bare.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    )
    .expect("bare schema");
    let commits: Vec<Duration> = (0..n)
        .map(|i| {
            let t = Instant::now();
            let tx = bare.transaction().expect("tx");
            tx.execute("INSERT INTO t (body) VALUES (?1)", [format!("row {i}")])
                .expect("insert");
            tx.commit().expect("commit");
            t.elapsed()
        })
        .collect();
    report(
        "bare SQLite commit (one INSERT, WAL, synchronous=FULL)",
        commits,
    );
}

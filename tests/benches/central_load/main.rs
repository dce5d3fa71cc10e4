//! The chain's peak load against central: the release `boxoffice-central
//! serve --demo` on loopback, 155 counter terminals and 64 web buyers selling
//! at once for `LOAD_SECS` seconds after a warm-up of `LOAD_WARMUP_SECS`,
//! each terminal also following its site's seat events with a long poll
//! (unless `LOAD_FOLLOW=0`). Two targets in turn: SQLite (one instance),
//! then PostgreSQL (two instances on one fresh database; terminal i on
//! instance i % 2, web buyers alternating).
//!
//! A terminal loops: push one override sale of 1 or 2 seats (priced from the
//! site's card and rules, VAT included, paid in full, a fresh UUIDv7 entry id,
//! resent as is after a failure as the pump does) and, every
//! `LOAD_HOLD_EVERY`th round, hold one seat and release it. A web buyer sells one seat at a time. Seats come
//! from a shared pool per site; `LOAD_CONTEND_PCT` of terminal sales take a
//! seat someone just took instead, so `conflict` happens too.
//!
//! Reported per target (a markdown table for docs/PERFORMANCE.md): seated
//! orders per second (terminal sales applied + web sales sold), the whole
//! machine's CPUs over the measured seconds (`cpu.rs`: CPU time per seated
//! order, holds' and long polls' work included; CPUs at work; idle and
//! stolen shares), outcomes,
//! p50/p99 of push, web sale and hold (create + release), the warm-up's
//! latencies, long polls answered a second, and the delay from
//! a web sale's answer to its `sold` event at each follower of the site
//! (p50/p99/max; deliveries still missing `LOAD_GRACE_SECS` after the load). Checked in
//! central's database: no seat sold twice, as many sold seats as the load
//! sold, one `applied_entries` row per entry answered; and no sale rejected,
//! no delivery missing. A failed check exits 1. Client and servers share the
//! machine.
//!
//! The warm-up (1 s unless `LOAD_WARMUP_SECS` says otherwise; 0 for none)
//! runs the same load before the measured seconds: every client connects
//! and sends its first requests at once, and each of central's database
//! connections makes its first calls (PostgreSQL compiles a session's
//! functions and plans on first use). Orders a second, the latencies and the
//! web sales' delays to followers count requests started after it, and the
//! machine's CPUs are read from its end to the deadline; the
//! latencies of those started during it have a row of their own; the long
//! polls a second, every other count and every check take the whole load.
//!
//! Run with `make load`. Environment: `LOAD_SECS` (20), `LOAD_TERMINALS`
//! (155), `LOAD_WEB` (64), `LOAD_THINK_MS` (pause after a sale, 0),
//! `LOAD_CONTEND_PCT` (2), `LOAD_FOLLOW` (1; 0: terminals push and hold
//! but follow nothing, and no delivery is checked), `LOAD_HOLD_EVERY` (5; 0:
//! no holds), `LOAD_GRACE_SECS` (how long followers get after the load for
//! the last events, 2; they stop waiting once every one has them),
//! `LOAD_WARMUP_SECS` (1), `LOAD_TARGETS` (`sqlite,postgres`),
//! `BOXOFFICE_BIN_DIR` (default `<workspace>/target/release`); PostgreSQL as
//! for the tests (`BOXOFFICE_TEST_PG_URL`, else `tests/pg/up.sh`).

use domain::SeatState;
use domain::pricing::{PricingContext, price_ticket};
use protocol::{
    EntryBody, Hold, HoldRequest, OutboxEntry, Outcome, Payment, PushRequest, PushResponse, Sale,
    SeatEvents, SecuredBy, SiteInfo, SoldSeat, TERMINAL_HEADER, WEB_CHANNEL_HEADER, WebSale,
    WebSaleRequest,
};
use reqwest::Method;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod cpu;
mod load;
mod plan;
use cpu::*;
use load::*;
use plan::*;

/// Longest a request may take (central answers `busy` itself at 15 s).
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a follower's long poll waits for a first event.
pub(crate) const POLL_WAIT_MS: u64 = 1_000;
/// Sends of one entry before giving up (the same entry id each time).
pub(crate) const PUSH_ATTEMPTS: u32 = 5;
/// Showtimes added per site on its Grand screen, days ahead, so seats last.
pub(crate) const EXTRA_SHOWS: i64 = 32;

#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) secs: u64,
    pub(crate) terminals: usize,
    pub(crate) web: usize,
    pub(crate) think: Duration,
    pub(crate) contend_pct: usize,
    /// Whether each terminal follows its site's seat events.
    pub(crate) follow: bool,
    /// A terminal holds and releases a seat every this many rounds (0 or less: never).
    pub(crate) hold_every: i64,
    /// How long followers get after the load for the last events.
    pub(crate) grace: Duration,
    /// How long the load runs before `secs` are measured: the instances'
    /// first requests, each database connection's first calls.
    pub(crate) warmup: Duration,
}

pub(crate) fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    let value = std::env::var(name).ok();
    value.and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

pub(crate) fn main() {
    cpu::self_check();
    let cfg = Config {
        secs: env_or("LOAD_SECS", 20),
        terminals: env_or("LOAD_TERMINALS", 155),
        web: env_or("LOAD_WEB", 64),
        think: Duration::from_millis(env_or("LOAD_THINK_MS", 0)),
        contend_pct: env_or("LOAD_CONTEND_PCT", 2),
        follow: env_or("LOAD_FOLLOW", 1) != 0,
        hold_every: env_or("LOAD_HOLD_EVERY", 5),
        grace: Duration::from_secs(env_or("LOAD_GRACE_SECS", 2)),
        warmup: Duration::from_secs(env_or("LOAD_WARMUP_SECS", 1)),
    };
    let dir = std::env::var_os("BOXOFFICE_BIN_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release"),
        PathBuf::from,
    );
    let bin = dir.join("boxoffice-central");
    if !bin.exists() {
        eprintln!("{} is missing: `make load` builds it", bin.display());
        std::process::exit(1);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (mut runs, mut failures) = (Vec::new(), Vec::new());
    for name in env_or("LOAD_TARGETS", "sqlite,postgres".to_string()).split(',') {
        let tmp = tempfile::tempdir().expect("temp dir");
        let target = match name.trim() {
            "sqlite" => sqlite_target(&bin, tmp.path()),
            "postgres" => postgres_target(&bin, tmp.path()),
            other => panic!("LOAD_TARGETS: unknown target '{other}' (sqlite, postgres)"),
        };
        let (run, failed) = run_target(&rt, &cfg, target);
        failures.extend(failed.into_iter().map(|f| format!("{}: {f}", run.name)));
        runs.push(run);
    }
    print_report(&cfg, &runs);
    for f in &failures {
        eprintln!("CHECK FAILED: {f}");
    }
    if !failures.is_empty() {
        std::process::exit(1);
    }
}

/// A running central, killed when dropped (also while a panic unwinds).
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve --demo` with `args` and `env` and waits for `/v1/health`.
pub(crate) fn start_server(
    bin: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    log: PathBuf,
) -> Server {
    let listen = format!("127.0.0.1:{}", e2e::free_port());
    let child = Command::new(bin)
        .args([
            "serve",
            "--demo",
            "--listen",
            &listen,
            "--log-format",
            "text",
        ])
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&log).expect("log")))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let mut server = Server {
        child,
        url: format!("http://{listen}"),
    };
    let http = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let health = http.get(format!("{}/v1/health", server.url)).send();
        if health.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        let exited = server.child.try_wait().ok().flatten();
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(exited.is_none(), "central exited ({exited:?}):\n{text}");
        assert!(
            Instant::now() < deadline,
            "central is not up at {listen}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One system under load: its database, instances and web channel key.
pub(crate) struct Target {
    pub(crate) name: &'static str,
    pub(crate) db: String,
    pub(crate) urls: Vec<String>,
    pub(crate) web: (String, String),
    pub(crate) _servers: Vec<Server>,
}

pub(crate) fn sqlite_target(bin: &Path, dir: &Path) -> Target {
    let db = dir.join("central.sqlite");
    let db_arg = db.to_string_lossy().into_owned();
    let server = start_server(bin, &["--db", &db_arg], &[], dir.join("central.log"));
    Target {
        name: "SQLite, 1 instance",
        web: e2e::web_key(&db),
        urls: vec![server.url.clone()],
        db: db_arg,
        _servers: vec![server],
    }
}

pub(crate) fn postgres_target(bin: &Path, dir: &Path) -> Target {
    // On this plain thread: the PostgreSQL client blocks.
    let url = central::testing::fresh_postgres_database();
    let key_file = dir.join("web.key");
    let key_arg = key_file.to_string_lossy().into_owned();
    let args = ["--web-key-file", key_arg.as_str()];
    let env = [("BOXOFFICE_CENTRAL_DB", url.as_str())];
    // A seeds the demo; B starts on the seeded database and keeps the key.
    let a = start_server(bin, &args, &env, dir.join("central-a.log"));
    let b = start_server(bin, &args, &env, dir.join("central-b.log"));
    let key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&key_file).expect("key")).expect("key");
    let field = |k: &str| key[k].as_str().expect("web key field").to_string();
    Target {
        name: "PostgreSQL, 2 instances",
        web: (field("channel"), field("key")),
        urls: vec![a.url.clone(), b.url.clone()],
        db: url,
        _servers: vec![a, b],
    }
}

/// Seats sold twice, sold seats and applied entries in central's database.
pub(crate) fn db_counts(db: &str) -> [i64; 3] {
    const QUERIES: [&str; 3] = [
        "SELECT count(*) FROM (SELECT showtime_id, seat_label FROM sold_seats
         GROUP BY 1, 2 HAVING count(*) > 1) d",
        "SELECT count(*) FROM sold_seats",
        "SELECT count(*) FROM applied_entries",
    ];
    if central::db::is_postgres_url(db) {
        let db = central::CentralDb::connect(db).expect("connect to PostgreSQL");
        QUERIES.map(|q| {
            db.write(|tx| Ok(tx.query_row(q, [], |r| r.get::<_, i64>(0))?))
                .expect(q)
        })
    } else {
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
        let conn = rusqlite::Connection::open_with_flags(db, flags).expect("central.sqlite");
        QUERIES.map(|q| conn.query_row(q, [], |r| r.get::<_, i64>(0)).expect(q))
    }
}

pub(crate) struct Run {
    pub(crate) name: &'static str,
    pub(crate) load: Load,
    pub(crate) db: [i64; 3],
    pub(crate) terminals: usize,
    pub(crate) demo_terminals: usize,
}

pub(crate) fn run_target(
    rt: &tokio::runtime::Runtime,
    cfg: &Config,
    target: Target,
) -> (Run, Vec<String>) {
    let name = target.name;
    println!("== {name}: {}", target.urls.join(", "));
    let plan = Arc::new(setup(&target.db, cfg));
    let seats: usize = plan
        .sites
        .iter()
        .flat_map(|s| &s.shows)
        .map(|s| s.seats.len())
        .sum();
    println!(
        "{} terminals, {} web buyers, {} s; {seats} seats on sale",
        plan.terminals.len(),
        cfg.web,
        cfg.secs
    );
    let load = rt.block_on(run_load(
        cfg.clone(),
        plan.clone(),
        target.urls.clone(),
        target.web.clone(),
    ));
    let db = db_counts(&target.db);
    let url = target.db.clone();
    drop(target); // the servers stop
    if central::db::is_postgres_url(&url) {
        // A run's database is a gigabyte or so of the load server's disk.
        central::testing::drop_postgres_database(&url);
    }
    let st = &load.stats;
    let (believed, unknown) = (
        st.n("applied seats") + st.n("web sold"),
        st.n("unknown seats"),
    );
    let answered = st.n("applied") + st.n("conflict") + st.n("rejected");
    let [dups, sold, entries] = db.map(|n| n.max(0) as u64);
    let mut failed = Vec::new();
    if dups > 0 {
        failed.push(format!("{dups} seats are sold twice"));
    }
    if sold < believed || sold > believed + unknown {
        failed.push(format!(
            "{sold} sold seats at central; the load sold {believed} (+ {unknown} unknown)"
        ));
    }
    if entries < answered || entries > answered + st.n("unknown") {
        let unknown = st.n("unknown");
        failed.push(format!(
            "{entries} applied entries at central; {answered} answered (+ {unknown} unknown)"
        ));
    }
    if st.n("rejected") > 0 {
        failed.push(format!(
            "{} terminal sales rejected: {:?}",
            st.n("rejected"),
            st.notes
        ));
    }
    if load.missing > 0 {
        let (missing, expected) = (load.missing, load.expected);
        failed.push(format!(
            "{missing} of {expected} web sale events not at a follower {} s after the load",
            cfg.grace.as_secs()
        ));
    }
    if believed == 0 {
        failed.push(format!("nothing was sold: {:?}", st.notes));
    }
    let (terminals, demo_terminals) = (plan.terminals.len(), plan.demo_terminals);
    (
        Run {
            name,
            load,
            db,
            terminals,
            demo_terminals,
        },
        failed,
    )
}

/// Nearest-rank percentile `p` of sorted durations.
pub(crate) fn pct(sorted: &[Duration], p: f64) -> String {
    if sorted.is_empty() {
        return "–".into();
    }
    let rank = (sorted.len() as f64 * p).ceil() as usize;
    let ms = sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

pub(crate) fn pcts(sorted: &[Duration], ps: &[f64]) -> String {
    ps.iter()
        .map(|p| pct(sorted, *p))
        .collect::<Vec<_>>()
        .join(" / ")
}

pub(crate) fn counts(r: &Run, keys: &[&str]) -> String {
    keys.iter()
        .map(|k| r.load.stats.n(k).to_string())
        .collect::<Vec<_>>()
        .join(" / ")
}

pub(crate) fn print_report(cfg: &Config, runs: &[Run]) {
    let Some(first) = runs.first() else { return };
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let loadavg: Vec<&str> = loadavg.split_whitespace().take(3).collect();
    println!(
        "\n{} terminals ({} of the demo, the rest added), {} web buyers, {} s per target \
         after a warm-up of {} s, \
         {} ms pause after a sale, {} % of sales on a seat just taken, {}, {}; client and \
         servers on one machine ({cpus} CPUs, load average {}).\n",
        first.terminals,
        first.demo_terminals.min(first.terminals),
        cfg.web,
        cfg.secs,
        cfg.warmup.as_secs(),
        cfg.think.as_millis(),
        cfg.contend_pct,
        if cfg.follow {
            "terminals following their site's events"
        } else {
            "no terminal following events"
        },
        match cfg.hold_every {
            ..=0 => "no holds".to_string(),
            1 => "a hold every round".to_string(),
            n => format!("a hold every {n} rounds"),
        },
        loadavg.join(" ")
    );
    type Row = (&'static str, fn(&Run) -> String);
    let rows: [Row; 17] = [
        ("load duration: measured, after a warm-up of", |r| {
            let warm = r.load.elapsed.saturating_sub(r.load.measured);
            format!(
                "{:.1} s, {:.1} s",
                r.load.measured.as_secs_f64(),
                warm.as_secs_f64()
            )
        }),
        (
            "**seated orders/s** (terminal sales applied + web sales sold)",
            |r| {
                let n = r.load.stats.orders_in_window();
                match r.load.measured.as_secs_f64() {
                    secs if secs > 0.0 => format!("**{:.0}**", n as f64 / secs),
                    _ => "–".to_string(),
                }
            },
        ),
        (
            "the machine, measured seconds: CPU per seated order / CPUs at work / idle / stolen",
            |r| {
                let n = r.load.stats.orders_in_window();
                match r.load.cpu {
                    Some(cpu) if n > 0 => format!(
                        "{:.2} ms / {:.2} / {:.0} % / {:.0} %",
                        cpu.busy_secs * 1000.0 / n as f64,
                        cpu.busy_cpus(),
                        cpu.idle_share * 100.0,
                        cpu.steal_share * 100.0
                    ),
                    _ => "–".to_string(),
                }
            },
        ),
        (
            "terminal sales: applied / conflict / rejected / not taken / unknown",
            |r| {
                counts(
                    r,
                    &["applied", "conflict", "rejected", "not taken", "unknown"],
                )
            },
        ),
        ("web sales: sold / seat taken / refused / unknown", |r| {
            counts(
                r,
                &["web sold", "web seat taken", "web refused", "web unknown"],
            )
        }),
        (
            "holds (create + release): done / seat taken / failed",
            |r| counts(r, &["holds", "hold seat taken", "hold errors"]),
        ),
        ("push p50 / p99", |r| pcts(&r.load.stats.push, &[0.5, 0.99])),
        ("push p10 / p90 / p99.9 / max", |r| {
            pcts(&r.load.stats.push, &[0.1, 0.9, 0.999, 1.0])
        }),
        ("web sale p50 / p99", |r| {
            pcts(&r.load.stats.web, &[0.5, 0.99])
        }),
        ("web sale p10 / p90 / p99.9 / max", |r| {
            pcts(&r.load.stats.web, &[0.1, 0.9, 0.999, 1.0])
        }),
        ("hold round trip p50 / p99", |r| {
            pcts(&r.load.stats.hold, &[0.5, 0.99])
        }),
        ("warm-up, every request: p50 / p99 / max", |r| {
            pcts(&r.load.stats.warm, &[0.5, 0.99, 1.0])
        }),
        (
            "web sale answered → each follower of its site: p50 / p99 / max",
            |r| pcts(&r.load.delays, &[0.5, 0.99, 1.0]),
        ),
        (
            "long polls answered per second, all followers, warm-up included",
            |r| format!("{:.0}", r.load.polls as f64 / r.load.elapsed.as_secs_f64()),
        ),
        (
            "deliveries expected / **missing** / in before the answer",
            |r| {
                format!(
                    "{} / **{}** / {}",
                    r.load.expected, r.load.missing, r.load.early
                )
            },
        ),
        (
            "push resends / push 503 / follower errors / resets / sold out",
            |r| {
                let (l, s) = (&r.load, &r.load.stats);
                let push = [
                    s.n("push resends"),
                    s.n("busy"),
                    l.follow_errors,
                    l.resets,
                    s.n("sold out"),
                ];
                push.map(|n| n.to_string()).join(" / ")
            },
        ),
        ("database: seats sold / sold twice / applied entries", |r| {
            format!("{} / {} / {}", r.db[1], r.db[0], r.db[2])
        }),
    ];
    let names: Vec<&str> = runs.iter().map(|r| r.name).collect();
    println!(
        "| what | {} |\n|------|{}",
        names.join(" | "),
        "------|".repeat(runs.len())
    );
    for (what, f) in rows {
        println!(
            "| {what} | {} |",
            runs.iter().map(f).collect::<Vec<_>>().join(" | ")
        );
    }
    for r in runs.iter().filter(|r| !r.load.stats.notes.is_empty()) {
        println!("\n{}: first errors seen: {:?}", r.name, r.load.stats.notes);
    }
}

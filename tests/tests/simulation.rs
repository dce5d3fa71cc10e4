//! A seeded simulation of the chain: 31 sites with 3 terminals each (real
//! `boxoffice-site` processes on real SQLite files), one real central, web
//! buyers, and a fault-injecting proxy per site that cuts and heals links,
//! loses responses after central applied a batch, and answers 503 bursts.
//! Sales are killed (SIGKILL) at random points; some orders take seats of
//! both showtimes of a site. After healing, the invariants of the product
//! must hold:
//!
//! - no seat is sold twice, and every seat central sold belongs to one order;
//! - every sale a cashier saw as paid is applied at central exactly once,
//!   with exactly its seats in each showtime (or, for a manager's offline override that lost its seat, is an open
//!   conflict task at the terminal and at central);
//! - sales killed mid-way are whole or absent, on both sides;
//! - every outbox is drained; sales secured by a lease never conflict.
//!
//! The schedule (who sells what, which link fails when) comes from the seed;
//! steps run one at a time, so a failing seed replays the same schedule. The
//! exact instant a SIGKILL lands is the one thing a seed cannot pin down.
//! `make test` runs fixed seeds; `SIM_SEEDS=1-40 SIM_STEPS=400 cargo test -p
//! boxoffice-tests --test simulation -- --ignored` runs the long mode.
//!
//! Each terminal's processes get a seed of their own (from the simulation's
//! seed and the terminal's index) in `BOXOFFICE_SIM_SEED`, so their order and
//! outbox ids (and the printed references) come from
//! `site::clock::SeededIds` and their pump jitter from `SeededJitter`. The
//! ids' sequence is persisted in the terminal's data directory, so the many
//! processes of one terminal, killed or not, never draw an id twice. The
//! wall clock stays the system's: central is a real process on its own clock
//! (holds, leases, business days), and driving one manual clock across ~100
//! processes and central is not worth what it would buy. So an id's first 48
//! bits (its millisecond) differ between runs; the event log records the
//! seeded rest of each id (`…-7xxx-…`) and the reference, which a seed pins.
//!
//! Every run keeps an event log: each step of the schedule with the ids and
//! references it produced and its outcome, then each terminal's outbox
//! outcomes after healing. `chain_simulation_replays_a_seed` runs one seed
//! twice without kills and asserts the two logs are equal; with kills, a
//! killed sale's outcome is left out of the log (only the kill is recorded),
//! and what follows a kill is pinned only as far as the kill's timing allows.

use e2e::fault_proxy::{Fault, FaultProxy, Rule};
use e2e::{Central, Terminal};
use rusqlite::{Connection, OpenFlags, params};
use serde_json::Value;
use site::clock::{SplitMix64, SystemClock, V7Ids};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The chain's sites, which the fixed and long seeds run.
const SITES: usize = 31;
/// Sites of a replay: determinism does not need the whole chain.
const REPLAY_SITES: usize = 8;
const TERMINALS: usize = 3;

/// How one run is set up.
#[derive(Debug, Clone, Copy)]
struct SimConfig {
    seed: u64,
    steps: usize,
    /// How many sites (of [`TERMINALS`] terminals each).
    sites: usize,
    /// SIGKILL some sales mid-way. The schedule draws the same numbers either
    /// way; without kills, a killed sale simply runs to its end.
    kills: bool,
}

/// The seed of terminal number `index` (0-based) of a run seeded with `seed`.
fn terminal_seed(seed: u64, index: usize) -> u64 {
    SplitMix64::nth(seed, index as u64)
}

/// The part of an id a seed pins down: everything after its 48 timestamp
/// bits (`…-7xxx-yxxx-xxxxxxxxxxxx`).
fn seeded_part(id: &str) -> String {
    format!("…{}", id.get(13..).unwrap_or(id))
}

/// The `[code]` at the end of a failed command's error line.
fn error_code(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.lines()
        .rev()
        .find_map(|l| {
            let l = l.trim_end();
            let open = l.rfind('[')?;
            l.ends_with(']')
                .then(|| l[open + 1..l.len() - 1].to_string())
        })
        .unwrap_or_else(|| "?".into())
}

/// What a run did, in order. Each event has the part its seed pins down and,
/// for a killed sale, the outcome it does not (shown in failure messages,
/// left out of [`EventLog::pinned`]).
#[derive(Default)]
struct EventLog(Vec<(String, String)>);

impl EventLog {
    fn push(&mut self, pinned: String) {
        self.0.push((pinned, String::new()));
    }
    fn push_unpinned(&mut self, pinned: String, unpinned: String) {
        self.0.push((pinned, unpinned));
    }
    fn pinned(&self) -> Vec<String> {
        self.0.iter().map(|(p, _)| p.clone()).collect()
    }
    fn text(&self) -> String {
        self.0
            .iter()
            .map(|(p, u)| format!("{p}{u}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// splitmix64: small, seedable, good enough for schedules.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Adds `count` small sites (a 48-seat VIP screen, two showtimes tomorrow,
/// three terminals, the demo staff) to a running demo central's database.
fn seed_sim_sites(db: &std::path::Path, count: usize) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let film: String = conn
        .query_row("SELECT id FROM films WHERE rating = 'G' LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let now = jiff::Timestamp::now().as_second();
    let mut sites = Vec::new();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    for i in 1..=count {
        let site = format!("sim-{i:02}");
        conn.execute(
            "INSERT INTO sites (id, name, chain_name, country, currency, time_zone, vat_rate_bp,
                 address, tax_number, business_day_cutoff_hour)
             VALUES (?1, 'Sim ' || ?1, 'Sim Cinemas', 'AE', 'AED', 'Asia/Dubai', 500, 'Sim street', 'TRN-SIM', 6)",
            [&site],
        )
        .unwrap();
        for t in 1..=TERMINALS {
            conn.execute(
                "INSERT INTO terminals (id, site_id, name) VALUES (?1, ?2, 'Counter')",
                params![format!("{site}-t{t}"), site],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO screens (id, site_id, name) VALUES (?1 || '-s3', ?1, 'Screen 3 VIP')",
            [&site],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO screen_seats (screen_id, label, row_name, number, x, y, area, kind, blocked)
             SELECT ?1 || '-s3', label, row_name, number, x, y, area, kind, blocked
             FROM screen_seats WHERE screen_id = 'dxb-marina-s3'",
            [&site],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO price_cards (id, site_id) VALUES (?1 || '-vip', ?1)",
            [&site],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO prices (price_card_id, ticket_type, name_en, name_ar, price_minor, position)
             SELECT ?1 || '-vip', ticket_type, name_en, name_ar, price_minor, position
             FROM prices WHERE price_card_id = 'dxb-marina-vip'",
            [&site],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO staff (id, site_id, name, role, pin_hash)
             SELECT ?1 || '-' || id, ?1, name, role, pin_hash FROM staff WHERE site_id = 'dxb-marina'",
            [&site],
        )
        .unwrap();
        for (suffix, hours) in [("a", 20), ("b", 26)] {
            conn.execute(
                "INSERT INTO showtimes (id, site_id, screen_id, film_id, starts_at, format, price_card_id)
                 VALUES (?1 || '-' || ?2, ?1, ?1 || '-s3', ?3, ?4, '2D', ?1 || '-vip')",
                params![site, suffix, film, now + hours * 3600],
            )
            .unwrap();
        }
        sites.push(site);
    }
    conn.execute_batch("COMMIT").unwrap();
    sites
}

struct SimTerminal {
    id: String,
    site: usize,
    t: Terminal,
}

/// A sale the cashier saw as paid.
#[derive(Debug, Clone)]
struct Paid {
    order_id: String,
    /// (showtime, seat): an order may span both showtimes of its site.
    seats: Vec<(String, String)>,
    secured_by: String,
}

fn seat_states(t: &Terminal, showtime: &str) -> Vec<(String, String)> {
    let site = site::engine::Site::open(&t.data, Arc::new(SystemClock), Arc::new(V7Ids), false)
        .expect("open terminal");
    site.seat_map_cached(showtime)
        .expect("seat map")
        .seats
        .into_iter()
        .map(|s| (s.label, s.state.as_str().to_string()))
        .collect()
}

fn ro(path: &std::path::Path) -> Connection {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c
}

fn strings(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map(p, |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn run_seed(seed: u64, steps: usize) {
    run_sim(SimConfig {
        seed,
        steps,
        sites: SITES,
        kills: true,
    });
}

/// Sets up every site's terminals, the sites split between two threads. A
/// site's terminals are set up in order: each init takes the terminal's
/// offline lease, so their order decides which seats each terminal holds,
/// and a seed pins that. Sites share nothing, so which thread sets up which
/// site changes nothing a seed pins.
fn set_up_terminals(
    dir: &std::path::Path,
    seed: u64,
    sites: &[String],
    proxies: &[FaultProxy],
) -> Vec<SimTerminal> {
    const THREADS: usize = 2;
    let per_thread = sites.len().div_ceil(THREADS).max(1);
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..sites.len())
            .step_by(per_thread)
            .map(|first| {
                scope.spawn(move || {
                    (first..sites.len().min(first + per_thread))
                        .flat_map(|si| (0..TERMINALS).map(move |k| (si, k)))
                        .map(|(si, k)| set_up_terminal(dir, seed, &sites[si], si, k, &proxies[si]))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("a terminal's set-up failed (see above)"))
            .collect()
    })
}

/// Terminal `k` (0-based) of site number `si`: init through the site's
/// proxy, a shift opened.
fn set_up_terminal(
    dir: &std::path::Path,
    seed: u64,
    site: &str,
    si: usize,
    k: usize,
    proxy: &FaultProxy,
) -> SimTerminal {
    let id = format!("{site}-t{}", k + 1);
    let seed = terminal_seed(seed, si * TERMINALS + k);
    let t = Terminal::new(dir.join(&id)).with_env("BOXOFFICE_SIM_SEED", &seed.to_string());
    let out = t.run(&[
        "init",
        "--central",
        &proxy.url(),
        "--site",
        site,
        "--terminal",
        &id,
    ]);
    assert!(
        out.status.success(),
        "init {id}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.json(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
    SimTerminal { id, site: si, t }
}

/// Runs the simulation and returns the pinned part of its event log.
fn run_sim(cfg: SimConfig) -> Vec<String> {
    let SimConfig {
        seed,
        steps,
        sites,
        kills,
    } = cfg;
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let sites = seed_sim_sites(&central.db, sites);
    let proxies: Vec<FaultProxy> = sites
        .iter()
        .map(|_| FaultProxy::start(&central.url))
        .collect();
    let terms = set_up_terminals(dir.path(), seed, &sites, &proxies);
    let mut rng = Rng(seed);
    let mut down = vec![false; sites.len()];
    let mut paid: Vec<(usize, Paid)> = Vec::new();
    let mut killed = 0u32;
    let mut web_sold: Vec<(String, String)> = Vec::new();
    let mut log = EventLog::default();
    for step in 0..steps {
        let roll = rng.below(100);
        let ti = rng.below(terms.len());
        let st = &terms[ti];
        let si = st.site;
        let show = format!("{}-{}", sites[si], if rng.chance(50) { "a" } else { "b" });
        match roll {
            0..=39 => {
                // A counter sale: leased seats when the link is down (or a
                // manager's override), any seat the terminal sees free otherwise.
                let states = seat_states(&st.t, &show);
                let want = 1 + rng.below(2);
                let leased: Vec<&String> = states
                    .iter()
                    .filter(|(_, s)| s == "leased")
                    .map(|(l, _)| l)
                    .collect();
                let free: Vec<&String> = states
                    .iter()
                    .filter(|(_, s)| s == "free")
                    .map(|(l, _)| l)
                    .collect();
                let override_sale = down[si] && rng.chance(25);
                let pool = if (down[si] && !override_sale) || free.is_empty() {
                    &leased
                } else {
                    &free
                };
                if pool.len() < want {
                    continue;
                }
                let start = rng.below(pool.len() - want + 1);
                let seats: Vec<String> = pool[start..start + want]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                let list = seats.join(",");
                // Some orders take a seat of the site's other showtime too
                // (never on an override, which covers one showtime).
                let other = format!(
                    "{}-{}",
                    sites[si],
                    if show.ends_with("-a") { "b" } else { "a" }
                );
                let mut also: Option<(String, String)> = None;
                if !override_sale && rng.chance(30) {
                    let states = seat_states(&st.t, &other);
                    let of = |state: &str| -> Vec<String> {
                        states
                            .iter()
                            .filter(|(_, s)| s == state)
                            .map(|(l, _)| l.clone())
                            .collect()
                    };
                    let (free2, leased2) = (of("free"), of("leased"));
                    let pool2 = if down[si] || free2.is_empty() {
                        leased2
                    } else {
                        free2
                    };
                    if !pool2.is_empty() {
                        also = Some((other.clone(), pool2[rng.below(pool2.len())].clone()));
                    }
                }
                let also_arg = also.as_ref().map(|(sh, seat)| format!("{sh}:{seat}"));
                let mut args = vec![
                    "sell",
                    "--showtime",
                    &show,
                    "--seats",
                    &list,
                    "--pay",
                    "cash:1000",
                    "--pin",
                    "1111",
                    // Random seats may be wheelchair places: sold as such.
                    "--accessible",
                    "--json",
                ];
                if override_sale {
                    args.extend(["--override-pin", "333333"]);
                }
                if let Some(a) = &also_arg {
                    args.extend(["--also", a.as_str()]);
                }
                let crash = rng.chance(12) && kills;
                let kill_after = Duration::from_millis(rng.next() % 300);
                let mut child =
                    st.t.command()
                        .args(&args)
                        .stdout(Stdio::piped())
                        .stderr(Stdio::piped())
                        .spawn()
                        .unwrap();
                if crash {
                    std::thread::sleep(kill_after);
                    let _ = child.kill();
                    killed += 1;
                }
                let out = child.wait_with_output().unwrap();
                let sale: Option<Value> = out
                    .status
                    .success()
                    .then(|| serde_json::from_slice(&out.stdout).ok())
                    .flatten();
                let outcome = match &sale {
                    Some(v) => format!(
                        "paid: order {} {} by {}",
                        seeded_part(v["order_id"].as_str().unwrap_or("?")),
                        v["order_ref"].as_str().unwrap_or("?"),
                        v["secured_by"].as_str().unwrap_or("?"),
                    ),
                    None if out.status.success() => "paid (no JSON)".into(),
                    None => format!("not sold [{}]", error_code(&out.stderr)),
                };
                let what = format!(
                    "{step}: {} sells {list} of {show}{}{}",
                    st.id,
                    also_arg
                        .as_ref()
                        .map(|a| format!(" and {a}"))
                        .unwrap_or_default(),
                    if override_sale { " (override)" } else { "" },
                );
                if crash {
                    // When the kill lands is not pinned, so neither is the outcome.
                    log.push_unpinned(format!("{what} (killed)"), format!(" -> {outcome}"));
                } else {
                    log.push(format!("{what} -> {outcome}"));
                }
                if let Some(v) = sale {
                    paid.push((
                        ti,
                        Paid {
                            order_id: v["order_id"].as_str().unwrap().to_string(),
                            seats: seats
                                .into_iter()
                                .map(|l| (show.clone(), l))
                                .chain(also)
                                .collect(),
                            secured_by: v["secured_by"].as_str().unwrap().to_string(),
                        },
                    ));
                }
            }
            40..=59 => {
                // A web buyer takes one or two seats it believes free.
                let states = seat_states(&st.t, &show);
                let free: Vec<&String> = states
                    .iter()
                    .filter(|(_, s)| s == "free")
                    .map(|(l, _)| l)
                    .collect();
                if free.is_empty() {
                    continue;
                }
                let seat = free[rng.below(free.len())].clone();
                let (code, _) = central.post(
                    "/v1/web/sales",
                    &serde_json::json!({"showtime_id": show, "seats": [seat]}),
                );
                log.push(format!("{step}: web buys {seat} of {show} -> {code}"));
                if code == 200 {
                    web_sold.push((show.clone(), seat));
                }
            }
            60..=69 => {
                down[si] = true;
                proxies[si].set(Fault::Down);
                log.push(format!("{step}: link of {} cut", sites[si]));
            }
            70..=79 => {
                down[si] = false;
                proxies[si].heal();
                log.push(format!("{step}: link of {} healed", sites[si]));
            }
            80..=84 => {
                if !down[si] {
                    let n = 1 + rng.below(3) as u32;
                    proxies[si].set(Rule::new(Fault::ResetAfterResponse).on("/v1/push").times(n));
                    log.push(format!(
                        "{step}: next {n} pushes of {} lose their answer",
                        sites[si]
                    ));
                }
            }
            85..=87 => {
                if !down[si] {
                    let code = if rng.chance(50) { 503 } else { 429 };
                    proxies[si].set(Rule::new(Fault::Status(code)).times(2));
                    log.push(format!("{step}: {code} burst at {}", sites[si]));
                }
            }
            _ => {
                let out = st.t.run(&["sync"]);
                log.push(format!(
                    "{step}: {} syncs -> {}",
                    st.id,
                    if out.status.success() {
                        "ok".to_string()
                    } else {
                        format!("failed [{}]", error_code(&out.stderr))
                    }
                ));
            }
        }
    }
    // Heal everything and let every terminal drain.
    for p in &proxies {
        p.heal();
    }
    for st in &terms {
        for _ in 0..3 {
            let out = st.t.run(&["sync"]);
            if out.status.success() && st.t.json(&["status", "--json"])["queue_depth"] == 0 {
                break;
            }
        }
    }
    // What became of every sale each terminal queued, in the terminal's order.
    for st in &terms {
        let db = ro(&st.t.data.join("terminal.sqlite"));
        let mut stmt = db
            .prepare("SELECT id, order_id, state FROM outbox ORDER BY id")
            .unwrap();
        let rows: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (entry, order, state) in rows {
            log.push(format!(
                "{}: entry {} of order {} -> {state}",
                st.id,
                seeded_part(&entry),
                seeded_part(&order)
            ));
        }
    }
    let context = |what: &str| format!("seed {seed}: {what}\nschedule:\n{}", log.text());

    // Invariants.
    let c = ro(&central.db);
    let mut central_orders: BTreeSet<String> = BTreeSet::new();
    for id in strings(&c, "SELECT id FROM orders WHERE channel = 'terminal'", []) {
        assert!(
            central_orders.insert(id.clone()),
            "{}",
            context(&format!("order {id} twice at central"))
        );
    }
    let central_conflicts: BTreeSet<String> = strings(&c, "SELECT entry_id FROM conflicts", [])
        .into_iter()
        .collect();
    let applied: BTreeSet<String> = strings(&c, "SELECT entry_id FROM applied_entries", [])
        .into_iter()
        .collect();
    let mut local_orders: BTreeSet<String> = BTreeSet::new();
    let mut conflicts_seen = 0;
    for (ti, st) in terms.iter().enumerate() {
        let db = ro(&st.t.data.join("terminal.sqlite"));
        let pending: i64 = db
            .query_row(
                "SELECT count(*) FROM outbox WHERE state = 'pending'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            pending,
            0,
            "{}",
            context(&format!("{} still has {pending} pending entries", st.id))
        );
        // Whole or absent: every local order has seats, payments and an outbox entry.
        for order in strings(&db, "SELECT id FROM orders", []) {
            let counts: (i64, i64, i64) = db
                .query_row(
                    "SELECT (SELECT count(*) FROM order_seats WHERE order_id = ?1)
                          + (SELECT count(*) FROM released_seats WHERE order_id = ?1),
                            (SELECT count(*) FROM payments WHERE order_id = ?1),
                            (SELECT count(*) FROM outbox WHERE order_id = ?1)",
                    [&order],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
            assert!(
                counts.0 > 0 && counts.1 > 0 && counts.2 > 0,
                "{}",
                context(&format!(
                    "half-written order {order} on {}: {counts:?}",
                    st.id
                ))
            );
            local_orders.insert(order);
        }
        // Every entry reached central exactly once; conflicts are tasks on both sides.
        let mut stmt = db
            .prepare("SELECT id, state, order_id FROM outbox")
            .unwrap();
        let entries: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (entry, state, order) in entries {
            assert!(
                applied.contains(&entry),
                "{}",
                context(&format!("entry {entry} of {} never reached central", st.id))
            );
            assert!(
                state != "rejected",
                "{}",
                context(&format!("entry {entry} of {} rejected", st.id))
            );
            if state == "conflict" {
                conflicts_seen += 1;
                assert!(
                    central_conflicts.contains(&entry),
                    "{}",
                    context(&format!("conflict {entry} unknown at central"))
                );
                let task: i64 = db
                    .query_row(
                        "SELECT count(*) FROM conflict_tasks WHERE order_id = ?1",
                        [&order],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(
                    task,
                    1,
                    "{}",
                    context(&format!("conflict {entry} is no task on {}", st.id))
                );
            }
        }
        // Every paid sale: at central with exactly its seats, or an override in conflict.
        for (_, p) in paid.iter().filter(|(i, _)| *i == ti) {
            let task: Option<String> = db
                .query_row(
                    "SELECT state FROM conflict_tasks WHERE order_id = ?1",
                    [&p.order_id],
                    |r| r.get(0),
                )
                .ok();
            if let Some(state) = task {
                assert_eq!(
                    p.secured_by,
                    "override",
                    "{}",
                    context(&format!(
                        "{} sale {} conflicted: {state}",
                        p.secured_by, p.order_id
                    ))
                );
                assert!(
                    !central_orders.contains(&p.order_id),
                    "{}",
                    context("a conflicting sale was applied")
                );
                continue;
            }
            assert!(
                central_orders.contains(&p.order_id),
                "{}",
                context(&format!(
                    "paid sale {} of {} missing at central",
                    p.order_id, st.id
                ))
            );
            let mut at_central: Vec<(String, String)> = c
                .prepare("SELECT showtime_id, seat_label FROM sold_seats WHERE order_id = ?1")
                .unwrap()
                .query_map([&p.order_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            at_central.sort();
            let mut want = p.seats.clone();
            want.sort();
            assert_eq!(
                at_central,
                want,
                "{}",
                context(&format!("seats of {}", p.order_id))
            );
        }
    }
    // No phantom orders: every terminal order at central exists on a terminal.
    for id in &central_orders {
        assert!(
            local_orders.contains(id),
            "{}",
            context(&format!("central has order {id} no terminal knows"))
        );
    }
    // Web buyers keep their seats.
    let web: HashMap<(String, String), String> = {
        let mut stmt = c
            .prepare("SELECT s.showtime_id, s.seat_label, o.channel FROM sold_seats s JOIN orders o ON o.id = s.order_id")
            .unwrap();
        stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    for (show, seat) in &web_sold {
        assert_eq!(
            web.get(&(show.clone(), seat.clone())).map(String::as_str),
            Some("web"),
            "{}",
            context(&format!("web seat {seat} of {show}"))
        );
    }
    // Terminal-side seat maps agree with central after healing (one sample per site).
    let mut by_site: BTreeMap<usize, &SimTerminal> = BTreeMap::new();
    for st in &terms {
        by_site.entry(st.site).or_insert(st);
    }
    for (si, st) in by_site {
        // Terminals that drained before their neighbours learn the last sales now.
        let out = st.t.run(&["sync"]);
        assert!(out.status.success(), "{}", context("final sync"));
        let show = format!("{}-a", sites[si]);
        for (label, state) in seat_states(&st.t, &show) {
            let central_sold = web.contains_key(&(show.clone(), label.clone()));
            if central_sold {
                assert_eq!(
                    state,
                    "sold",
                    "{}",
                    context(&format!("{} shows {label} of {show} as {state}", st.id))
                );
            }
        }
    }
    eprintln!(
        "seed {seed}: {steps} steps, {} paid sales ({} over two showtimes), {killed} killed, {} web sales, {conflicts_seen} override conflicts, {} central orders, {:.1}s",
        paid.len(),
        paid.iter()
            .filter(|(_, p)| p.seats.iter().any(|(s, _)| *s != p.seats[0].0))
            .count(),
        web_sold.len(),
        central_orders.len(),
        started.elapsed().as_secs_f64()
    );
    log.pinned()
}

fn seeds_from_env(default: &[u64]) -> Vec<u64> {
    match std::env::var("SIM_SEEDS") {
        Ok(s) if s.contains('-') => {
            let (a, b) = s.split_once('-').unwrap();
            (a.trim().parse().unwrap()..=b.trim().parse().unwrap()).collect()
        }
        Ok(s) => s
            .split(',')
            .map(|x| x.trim().parse().expect("SIM_SEEDS"))
            .collect(),
        Err(_) => default.to_vec(),
    }
}

fn steps_from_env(default: usize) -> usize {
    std::env::var("SIM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn chain_simulation_fixed_seeds() {
    // Seed 1 sells 14 orders over two showtimes; seed 3 has an override conflict.
    for seed in seeds_from_env(&[1, 3]) {
        run_seed(seed, steps_from_env(150));
    }
}

#[test]
#[ignore = "long mode: SIM_SEEDS=1-40 SIM_STEPS=400"]
fn chain_simulation_long() {
    for seed in seeds_from_env(&(1..=20).collect::<Vec<_>>()) {
        run_seed(seed, steps_from_env(400));
    }
}

/// A seed replays exactly: two runs of one seed log the same events, step by
/// step (each sale's order id, less its 48 timestamp bits, its reference and
/// how it was secured, or its refusal code; each web sale, fault and sync),
/// and then the same outbox outcome for every entry. No kills (the instant a
/// SIGKILL lands is not pinned) and [`REPLAY_SITES`] sites rather than the
/// chain's 31; the schedule is otherwise drawn as the fixed seeds' is.
#[test]
fn chain_simulation_replays_a_seed() {
    let cfg = SimConfig {
        seed: std::env::var("SIM_REPLAY_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
        steps: steps_from_env(40),
        sites: REPLAY_SITES,
        kills: false,
    };
    let started = Instant::now();
    let first = run_sim(cfg);
    let second = run_sim(cfg);
    let sales = first
        .iter()
        .filter(|e| e.contains("-> paid: order"))
        .count();
    assert!(
        sales >= 3,
        "seed {}: too few sales to compare: {first:#?}",
        cfg.seed
    );
    if let Some(i) = (0..first.len().max(second.len())).find(|&i| first.get(i) != second.get(i)) {
        panic!(
            "seed {} does not replay: event {i} differs\nfirst:  {:?}\nsecond: {:?}\nfirst run:\n{}\nsecond run:\n{}",
            cfg.seed,
            first.get(i),
            second.get(i),
            first.join("\n"),
            second.join("\n")
        );
    }
    if std::env::var_os("SIM_LOG").is_some() {
        eprintln!("{}", first.join("\n"));
    }
    eprintln!(
        "seed {} replayed: {} events ({sales} paid sales) equal in two runs, {:.1}s",
        cfg.seed,
        first.len(),
        started.elapsed().as_secs_f64()
    );
}

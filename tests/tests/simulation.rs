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

use e2e::fault_proxy::{Fault, FaultProxy, Rule};
use e2e::{Central, Terminal, bin};
use rusqlite::{Connection, OpenFlags, params};
use serde_json::Value;
use site::clock::{SystemClock, V7Ids};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SITES: usize = 31;
const TERMINALS: usize = 3;

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

/// Adds `SITES` small sites (a 48-seat VIP screen, two showtimes tomorrow,
/// three terminals, the demo staff) to a running demo central's database.
fn seed_sim_sites(db: &std::path::Path) -> Vec<String> {
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
    for i in 1..=SITES {
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
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let sites = seed_sim_sites(&central.db);
    let proxies: Vec<FaultProxy> = sites
        .iter()
        .map(|_| FaultProxy::start(&central.url))
        .collect();
    let mut terms: Vec<SimTerminal> = Vec::new();
    for (si, site) in sites.iter().enumerate() {
        for k in 1..=TERMINALS {
            let id = format!("{site}-t{k}");
            let t = Terminal::new(dir.path().join(&id));
            let out = t.run(&[
                "init",
                "--central",
                &proxies[si].url(),
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
            terms.push(SimTerminal { id, site: si, t });
        }
    }
    let mut rng = Rng(seed);
    let mut down = [false; SITES];
    let mut paid: Vec<(usize, Paid)> = Vec::new();
    let mut killed = 0u32;
    let mut web_sold: Vec<(String, String)> = Vec::new();
    let mut log: Vec<String> = Vec::new();
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
                    "cash:2000",
                    "--pin",
                    "1111",
                    "--json",
                ];
                if override_sale {
                    args.extend(["--override-pin", "3333"]);
                }
                if let Some(a) = &also_arg {
                    args.extend(["--also", a.as_str()]);
                }
                let crash = rng.chance(12);
                let kill_after = Duration::from_millis(rng.next() % 300);
                let mut child = Command::new(bin("boxoffice-site"))
                    .arg("--data")
                    .arg(&st.t.data)
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
                log.push(format!(
                    "{step}: {} sells {list} of {show}{}{}{} -> {}",
                    st.id,
                    also_arg
                        .as_ref()
                        .map(|a| format!(" and {a}"))
                        .unwrap_or_default(),
                    if override_sale { " (override)" } else { "" },
                    if crash { " (killed)" } else { "" },
                    if out.status.success() {
                        "paid"
                    } else {
                        "not sold"
                    }
                ));
                if out.status.success()
                    && let Ok(v) = serde_json::from_slice::<Value>(&out.stdout)
                {
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
                    out.status.success()
                ));
            }
        }
    }
    let context = |what: &str| format!("seed {seed}: {what}\nschedule:\n{}", log.join("\n"));

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

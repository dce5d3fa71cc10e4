//! Faults on the link between a terminal and central, injected by a proxy in
//! between (`e2e::fault_proxy`): answers lost after central applied a batch,
//! 503 and 429 bursts, a non-retryable 4xx, a slow link and central down.
//! After each fault heals, every sale is at central exactly once, with its
//! seats, and nothing is left pending, lost or sold twice.

use e2e::fault_proxy::{Fault, FaultProxy, Rule};
use e2e::{Central, Terminal};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

const TERMINAL: &str = "dxb-marina-t1";

/// Central, a proxy in front of it, and a terminal that knows central only
/// through the proxy.
fn rig(dir: &Path) -> (Central, FaultProxy, Terminal) {
    let central = Central::start(dir);
    let proxy = FaultProxy::start(&central.url);
    let t = Terminal::new(dir.join("t1"));
    let out = t.run(&[
        "init",
        "--central",
        &proxy.url(),
        "--site",
        "dxb-marina",
        "--terminal",
        TERMINAL,
    ]);
    assert!(
        out.status.success(),
        "init through the proxy failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.json(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
    (central, proxy, t)
}

/// A showtime with seats leased to the terminal, its leased seats and some
/// free (not leased) standard seats.
struct Show {
    id: String,
    leased: Vec<String>,
    free: Vec<String>,
}

fn leased_show(t: &Terminal, want_leased: usize) -> Show {
    let status = t.json(&["status", "--json"]);
    let leases = status["leases"].as_array().expect("leases");
    let best = leases
        .iter()
        .max_by_key(|l| l["seats"].as_u64().unwrap_or(0))
        .unwrap_or_else(|| panic!("central leased no seats: {status}"));
    let id = best["showtime_id"].as_str().unwrap().to_string();
    let seats = t.json(&["seats", "--showtime", &id, "--json"]);
    let seats = seats.as_array().unwrap();
    let pick = |state: &str| -> Vec<String> {
        seats
            .iter()
            .filter(|s| s["state"] == state && s["kind"] == "standard")
            .map(|s| s["label"].as_str().unwrap().to_string())
            .collect()
    };
    let show = Show {
        leased: pick("leased"),
        free: pick("free"),
        id,
    };
    assert!(
        show.leased.len() >= want_leased,
        "only {} seats leased for {}",
        show.leased.len(),
        show.id
    );
    show
}

/// Sells `seats` with the cashier's PIN (and the manager's override when
/// asked); returns the sale.
fn sell(t: &Terminal, show: &str, seats: &[&str], override_pin: bool) -> Value {
    let seats = seats.join(",");
    let mut args = vec![
        "sell",
        "--showtime",
        show,
        "--seats",
        &seats,
        "--pay",
        "cash:1000",
        "--id-checked",
        "--pin",
        "1111",
        "--json",
    ];
    if override_pin {
        args.extend(["--override-pin", "333333"]);
    }
    t.json(&args)
}

/// A sale as the terminal committed it.
#[derive(Debug, Clone)]
struct Sold {
    order: String,
    show: String,
    seats: BTreeSet<String>,
}

impl Sold {
    fn of(sale: &Value) -> Sold {
        Sold {
            order: sale["order_id"].as_str().unwrap().to_string(),
            show: sale["showtime_id"].as_str().unwrap().to_string(),
            seats: sale["seats"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect(),
        }
    }
}

/// With central down, `n` one-seat sales of leased seats of one showtime,
/// queued in the outbox (each its own order).
fn queued_lease_sales(t: &Terminal, proxy: &FaultProxy, n: usize) -> (Show, Vec<Sold>) {
    let show = leased_show(t, n);
    proxy.set(Fault::Down);
    let sold = show.leased[..n]
        .iter()
        .map(|seat| Sold::of(&sell(t, &show.id, &[seat.as_str()], false)))
        .collect();
    (show, sold)
}

fn read_only(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

fn terminal_db(t: &Terminal) -> Connection {
    read_only(&t.data.join("terminal.sqlite"))
}

/// How many orders central has with this id.
fn central_orders(central: &Central, order: &str) -> i64 {
    read_only(&central.db)
        .query_row("SELECT count(*) FROM orders WHERE id = ?1", [order], |r| {
            r.get(0)
        })
        .unwrap()
}

/// The terminal's outbox: order id -> (state, attempts).
fn outbox(t: &Terminal) -> BTreeMap<String, (String, i64)> {
    let db = terminal_db(t);
    let mut stmt = db
        .prepare("SELECT order_id, state, attempts FROM outbox")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn pending(t: &Terminal) -> i64 {
    terminal_db(t)
        .query_row(
            "SELECT count(*) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn sync(t: &Terminal) {
    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Exactly once: every sale in `accepted` is at central once with its seats,
/// its outbox entry was applied once (the first result central recorded is
/// `applied`) and is `applied` or `duplicate` at the terminal; nothing is
/// pending; central has no other order from this terminal; no seat the
/// terminal sold belongs to another order at central.
fn assert_exactly_once(central: &Central, t: &Terminal, accepted: &[Sold]) {
    let c = read_only(&central.db);
    let tdb = terminal_db(t);
    assert_eq!(pending(t), 0, "outbox drained: {:?}", outbox(t));
    for s in accepted {
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM orders WHERE id = ?1",
                [&s.order],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "order {} at central", s.order);
        let mut stmt = c
            .prepare("SELECT showtime_id, seat_label FROM sold_seats WHERE order_id = ?1")
            .unwrap();
        let rows: Vec<(String, String)> = stmt
            .query_map([&s.order], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            rows.iter().all(|(show, _)| *show == s.show),
            "{rows:?} of {s:?}"
        );
        let seats: BTreeSet<String> = rows.into_iter().map(|(_, l)| l).collect();
        assert_eq!(seats, s.seats, "seats of order {}", s.order);

        let (entry, state): (String, String) = tdb
            .query_row(
                "SELECT id, state FROM outbox WHERE order_id = ?1",
                [&s.order],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(
            state == "applied" || state == "duplicate",
            "entry of {} is {state}",
            s.order
        );
        let first: Vec<String> = c
            .prepare("SELECT outcome FROM applied_entries WHERE entry_id = ?1")
            .unwrap()
            .query_map([&entry], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(first, ["applied"], "central's record of entry {entry}");
    }
    // Central has no order from this terminal beyond these.
    let mut stmt = c
        .prepare("SELECT id FROM orders WHERE terminal_id = ?1 AND refunded_at IS NULL")
        .unwrap();
    let at_central: BTreeSet<String> = stmt
        .query_map([TERMINAL], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected: BTreeSet<String> = accepted.iter().map(|s| s.order.clone()).collect();
    assert_eq!(at_central, expected, "orders of {TERMINAL} at central");
    // No seat sold twice: each seat of these sales belongs to its order at central.
    let mut owner = c
        .prepare("SELECT order_id FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2")
        .unwrap();
    for s in accepted {
        for seat in &s.seats {
            let o: Option<String> = owner
                .query_row([&s.show, seat], |r| r.get(0))
                .optional()
                .unwrap();
            assert_eq!(o.as_deref(), Some(s.order.as_str()), "owner of {seat}");
        }
    }
    let twice: i64 = tdb
        .query_row(
            "SELECT count(*) FROM (SELECT 1 FROM order_seats
             GROUP BY showtime_id, seat_label HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(twice, 0, "a seat sold twice at the terminal");
}

fn states_of(t: &Terminal, sold: &[Sold]) -> Vec<String> {
    let ob = outbox(t);
    sold.iter().map(|s| ob[&s.order].0.clone()).collect()
}

#[test]
fn a_sale_whose_push_answer_is_lost_is_resent_and_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let show = leased_show(&t, 1);

    // Central applies the push; the terminal only sees its connection reset.
    proxy.set(Rule::new(Fault::ResetAfterResponse).on("/v1/push").times(1));
    proxy.clear_log();
    let sale = sell(&t, &show.id, &[show.free[0].as_str()], false);
    assert_eq!(sale["secured_by"], "hold", "{sale}");
    assert_eq!(sale["synced"], false, "the answer was lost: {sale}");
    let sold = Sold::of(&sale);
    let pushes = proxy.exchanges_on("/v1/push");
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert_eq!(pushes[0].fault, "reset_after_response");
    assert_eq!(pushes[0].upstream_status, Some(200), "central applied it");
    assert_eq!(pushes[0].client_status, None);
    assert_eq!(central_orders(&central, &sold.order), 1);
    assert_eq!(states_of(&t, std::slice::from_ref(&sold)), ["pending"]);

    // Healed: the resend is a duplicate, acted on as the first answer.
    proxy.heal();
    sync(&t);
    assert_eq!(states_of(&t, std::slice::from_ref(&sold)), ["duplicate"]);
    assert_exactly_once(&central, &t, &[sold]);
}

#[test]
fn a_batch_of_several_entries_whose_answer_is_lost_is_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let show = leased_show(&t, 4);
    let l: Vec<&str> = show.leased.iter().map(String::as_str).collect();
    let f: Vec<&str> = show.free.iter().map(String::as_str).collect();

    // Central is down: the terminal sells its leased seats, and free seats
    // with a manager's override, into its outbox.
    proxy.set(Fault::Down);
    let mut sold = Vec::new();
    for (seats, over) in [
        (vec![l[0], l[1]], false),
        (vec![l[2]], false),
        (vec![l[3]], false),
        (vec![f[0], f[1]], true),
    ] {
        let sale = sell(&t, &show.id, &seats, over);
        assert_eq!(sale["synced"], false, "{sale}");
        assert_eq!(
            sale["secured_by"],
            if over { "override" } else { "lease" },
            "{sale}"
        );
        sold.push(Sold::of(&sale));
    }
    for s in &sold {
        assert_eq!(central_orders(&central, &s.order), 0, "central is down");
    }

    // The link is back but the answer to the one push of all four is lost.
    proxy.set(Rule::new(Fault::ResetAfterResponse).on("/v1/push").times(1));
    proxy.clear_log();
    sync(&t);
    let pushes = proxy.exchanges_on("/v1/push");
    assert_eq!(pushes.len(), 1, "one batch: {pushes:?}");
    assert_eq!(pushes[0].fault, "reset_after_response");
    assert_eq!(pushes[0].upstream_status, Some(200));
    for s in &sold {
        assert_eq!(central_orders(&central, &s.order), 1, "central applied it");
    }
    assert_eq!(states_of(&t, &sold), ["pending"; 4]);

    // Healed: one more push, every entry a duplicate of its applied first result.
    proxy.clear_log();
    sync(&t);
    let pushes = proxy.exchanges_on("/v1/push");
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert_eq!(pushes[0].client_status, Some(200));
    assert_eq!(states_of(&t, &sold), ["duplicate"; 4]);
    assert_exactly_once(&central, &t, &sold);
    for s in &sold {
        for seat in &s.seats {
            assert_eq!(central.seat_state(&s.show, seat), "sold");
        }
    }
}

#[test]
fn bursts_of_503_and_429_are_retried_and_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let (_, sold) = queued_lease_sales(&t, &proxy, 3);

    proxy.set(Rule::new(Fault::Status(503)).on("/v1/push").times(3));
    proxy.add(Rule::new(Fault::Status(429)).on("/v1/push").times(2));
    proxy.clear_log();
    let mut syncs = 0;
    while pending(&t) > 0 {
        syncs += 1;
        assert!(
            syncs <= 10,
            "still pending after 10 syncs: {:?}",
            outbox(&t)
        );
        // A 503 or 429 is not an error for the sync: the entries wait.
        sync(&t);
        let states = states_of(&t, &sold);
        assert!(
            states.iter().all(|s| s == "pending" || s == "applied"),
            "{states:?}"
        );
    }
    let pushes = proxy.exchanges_on("/v1/push");
    let seen: Vec<(Option<u16>, Option<u16>)> = pushes
        .iter()
        .map(|e| (e.client_status, e.upstream_status))
        .collect();
    assert_eq!(
        seen,
        [
            (Some(503), None),
            (Some(503), None),
            (Some(503), None),
            (Some(429), None),
            (Some(429), None),
            (Some(200), Some(200)),
        ],
        "five refused pushes, then one that reached central"
    );
    assert_eq!(syncs, 6);
    // Central saw each entry once: applied, not duplicate; six attempts each.
    let ob = outbox(&t);
    for s in &sold {
        assert_eq!(ob[&s.order], ("applied".to_string(), 6), "{}", s.order);
    }
    assert_exactly_once(&central, &t, &sold);
}

#[test]
fn a_central_instance_that_refuses_a_compressed_push_gets_it_plain_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let (_, sold) = queued_lease_sales(&t, &proxy, 2);

    // An instance of an older central behind the same address reads the
    // gzip body as broken JSON, once.
    proxy.set(Rule::new(Fault::Status(400)).on("/v1/push").times(1));
    proxy.clear_log();
    sync(&t);
    let pushes = proxy.exchanges_on("/v1/push");
    let seen: Vec<(Option<&str>, bool)> = pushes
        .iter()
        .map(|p| (p.content_encoding.as_deref(), p.reached_central()))
        .collect();
    assert_eq!(seen, [(Some("gzip"), false), (None, true)], "{pushes:?}");
    assert_eq!(states_of(&t, &sold), ["applied"; 2]);
    assert_exactly_once(&central, &t, &sold);
}

#[test]
fn a_4xx_answer_to_a_push_is_not_retried_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let (show, sold) = queued_lease_sales(&t, &proxy, 2);

    proxy.set(Rule::new(Fault::Status(400)).on("/v1/push"));
    proxy.clear_log();
    let err = t.fails(&["sync"]);
    assert!(err.contains("injected"), "{err}");
    // The refused batch is tried once compressed and once plain (an
    // instance that does not take gzip yet), then entry by entry (so one bad
    // entry cannot block the others); nothing more within the sync.
    let pushes = proxy.exchanges_on("/v1/push");
    assert_eq!(
        pushes.len(),
        4,
        "batch gzip, batch plain, then each entry once: {pushes:?}"
    );
    let encodings: Vec<Option<&str>> = pushes
        .iter()
        .map(|p| p.content_encoding.as_deref())
        .collect();
    assert_eq!(encodings, [Some("gzip"), None, None, None]);
    assert!(
        pushes
            .iter()
            .all(|p| p.client_status == Some(400) && !p.reached_central())
    );
    // Nothing is lost nor set aside: both entries wait, two attempts each.
    let ob = outbox(&t);
    for s in &sold {
        assert_eq!(ob[&s.order], ("pending".to_string(), 2), "{}", s.order);
        assert_eq!(central_orders(&central, &s.order), 0);
    }
    let last_error: String = terminal_db(&t)
        .query_row(
            "SELECT last_error FROM outbox WHERE order_id = ?1",
            [&sold[0].order],
            |r| r.get(0),
        )
        .unwrap();
    assert!(last_error.contains("injected"), "{last_error}");

    // A sale while central answers 400 to pushes stands, unsynced.
    proxy.clear_log();
    let sale = sell(&t, &show.id, &[show.free[0].as_str()], false);
    assert_eq!(sale["synced"], false, "{sale}");
    assert!(!proxy.exchanges_on("/v1/push").is_empty());
    let mut sold = sold;
    sold.push(Sold::of(&sale));

    proxy.heal();
    sync(&t);
    assert_eq!(states_of(&t, &sold), ["applied"; 3]);
    assert_exactly_once(&central, &t, &sold);
}

#[test]
fn over_a_slow_link_sales_and_syncs_apply_once() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let show = leased_show(&t, 1);
    proxy.set(Fault::Slow {
        chunk: 1024,
        delay: Duration::from_millis(2),
    });
    proxy.clear_log();
    let mut sold = Vec::new();
    for (seats, what) in [
        (vec![show.free[0].as_str(), show.free[1].as_str()], "hold"),
        (vec![show.free[2].as_str()], "hold"),
        (vec![show.leased[0].as_str()], "lease"),
    ] {
        let sale = sell(&t, &show.id, &seats, false);
        assert_eq!(sale["secured_by"], what, "{sale}");
        assert_eq!(sale["synced"], true, "{sale}");
        sold.push(Sold::of(&sale));
    }
    sync(&t);
    let pushes = proxy.exchanges_on("/v1/push");
    assert_eq!(pushes.len(), 3, "one push per sale: {pushes:?}");
    assert!(pushes.iter().all(|e| e.fault == "slow"), "{pushes:?}");
    assert_eq!(states_of(&t, &sold), ["applied"; 3]);
    assert_exactly_once(&central, &t, &sold);
}

#[test]
fn central_down_then_healed_sells_offline_once_and_never_a_seat_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let show = leased_show(&t, 3);
    let l: Vec<&str> = show.leased.iter().map(String::as_str).collect();
    let f: Vec<&str> = show.free.iter().map(String::as_str).collect();

    proxy.set(Fault::Down);
    proxy.clear_log();
    // Without a lease or an override a free seat cannot be sold offline.
    let err = t.fails(&[
        "sell",
        "--showtime",
        &show.id,
        "--seats",
        f[0],
        "--pay",
        "cash:1000",
        "--id-checked",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("offline_not_leased"), "{err}");
    let mut sold = Vec::new();
    for (seats, over) in [
        (vec![l[0]], false),
        (vec![l[1], l[2]], false),
        (vec![f[0]], true),
    ] {
        let sale = sell(&t, &show.id, &seats, over);
        assert_eq!(sale["synced"], false, "{sale}");
        sold.push(Sold::of(&sale));
    }
    // The web buys a seat the terminal then sells offline on override.
    let (status, body) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": show.id, "seats": [f[1]]}),
    );
    assert_eq!(status, 200, "{body}");
    let web_order = body["order_id"].as_str().unwrap().to_string();
    let clash = Sold::of(&sell(&t, &show.id, &[f[1]], true));
    assert!(
        proxy
            .exchanges()
            .iter()
            .all(|e| e.fault == "down" && !e.reached_central()),
        "nothing reached central while it was down"
    );

    proxy.heal();
    sync(&t);
    assert_eq!(states_of(&t, &sold), ["applied"; 3]);
    assert_exactly_once_with_conflict(&central, &t, &sold, &clash, &web_order);
}

/// [`assert_exactly_once`] for `accepted`, and `clash` set aside as a
/// conflict: its seat is sold once, to the web order, and the conflict is
/// recorded at both ends.
fn assert_exactly_once_with_conflict(
    central: &Central,
    t: &Terminal,
    accepted: &[Sold],
    clash: &Sold,
    web_order: &str,
) {
    assert_eq!(outbox(t)[&clash.order].0, "conflict");
    assert_eq!(central_orders(central, &clash.order), 0);
    let c = read_only(&central.db);
    for seat in &clash.seats {
        let owners: Vec<String> = c
            .prepare("SELECT order_id FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2")
            .unwrap()
            .query_map([&clash.show, seat], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(owners, [web_order], "{seat} is sold once, to the web");
    }
    let conflicts: i64 = c
        .query_row(
            "SELECT count(*) FROM conflicts WHERE order_id = ?1 AND resolution IS NULL",
            [&clash.order],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(conflicts, 1, "central lists the conflict for the manager");
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["open_conflicts"], 1, "{status}");
    assert_exactly_once(central, t, accepted);
}

/// The answer to a hold is lost: central placed the hold, the terminal saw a
/// network error and sold on a manager's override. The seat is held by this
/// very terminal, so the override sale should apply, not conflict.
#[test]
fn a_lost_hold_answer_does_not_make_the_sale_conflict_with_its_own_hold() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let show = leased_show(&t, 1);
    proxy.set(
        Rule::new(Fault::ResetAfterResponse)
            .on("/v1/holds")
            .times(1),
    );
    let sale = sell(&t, &show.id, &[show.free[0].as_str()], true);
    assert_eq!(sale["secured_by"], "override", "{sale}");
    let holds = proxy.exchanges_on("/v1/holds");
    assert_eq!(
        holds[0].upstream_status,
        Some(200),
        "central placed the hold"
    );
    proxy.heal();
    sync(&t);
    let sold = Sold::of(&sale);
    assert_eq!(states_of(&t, std::slice::from_ref(&sold)), ["applied"]);
    assert_exactly_once(&central, &t, &[sold]);
}

/// A terminal running `serve` (its background pump), killed on drop.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The background pump of a running terminal gets through 503 and 429
/// bursts by itself; central sees the queue once.
#[test]
fn the_pump_pushes_through_503_and_429_bursts_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let (_, sold) = queued_lease_sales(&t, &proxy, 2);
    proxy.set(Rule::new(Fault::Status(503)).on("/v1/push").times(2));
    proxy.add(Rule::new(Fault::Status(429)).on("/v1/push").times(1));
    proxy.clear_log();
    let _served = Served(
        std::process::Command::new(e2e::bin("boxoffice-site"))
            .arg("--data")
            .arg(&t.data)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", e2e::free_port()),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Wait for the outcome (a generous bound against a hang, not a speed goal).
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while pending(&t) > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the pump did not drain the outbox: {:?} {:?}",
            outbox(&t),
            proxy.exchanges_on("/v1/push")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let seen: Vec<Option<u16>> = proxy
        .exchanges_on("/v1/push")
        .iter()
        .map(|e| e.client_status)
        .collect();
    assert_eq!(seen, [Some(503), Some(503), Some(429), Some(200)]);
    assert_eq!(states_of(&t, &sold), ["applied"; 2]);
    assert_exactly_once(&central, &t, &sold);
}

/// Offline, best available picks among the seats leased to this terminal
/// (they sell with no manager) and says so; online it picks among all free
/// seats (issue 14, item 5: it chose unleased seats and the standard sale
/// asked for a manager).
#[test]
fn offline_best_available_picks_leased_seats_first() {
    let dir = tempfile::tempdir().unwrap();
    let (central, proxy, t) = rig(dir.path());
    let show = leased_show(&t, 2);
    proxy.set(Fault::Down);
    // The standard sale goes through with the cashier alone.
    let sale = t.json(&[
        "sell",
        "--showtime",
        &show.id,
        "--best",
        "2",
        "--pay",
        "cash:1000",
        "--id-checked",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(sale["secured_by"], "lease", "{sale}");
    proxy.heal();
    sync(&t);
    let sold: Vec<&str> = sale["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["seat"].as_str().unwrap())
        .collect();
    assert_eq!(sold.len(), 2);
    for seat in sold {
        assert!(
            show.leased.iter().any(|l| l == seat),
            "{seat} is not leased here: {sale}"
        );
        assert_eq!(central.seat_state(&show.id, seat), "sold");
    }
}

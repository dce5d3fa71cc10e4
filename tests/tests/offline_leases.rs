//! Offline selling of seated tickets: leases, the manager's override, and
//! conflict tasks, with a real central that is killed and restarted.

use e2e::{Central, Terminal};
use serde_json::{Value, json};

/// Every seat of `show` in `state`.
fn all_seats_in(t: &Terminal, show: &str, state: &str) -> Vec<String> {
    t.json(&["seats", "--showtime", show, "--json"])
        .as_array()
        .expect("seats")
        .iter()
        .filter(|s| s["state"] == state)
        .map(|s| s["label"].as_str().expect("label").to_string())
        .collect()
}

/// The seats of `show` in `state` that sell as plain seats (not wheelchair
/// places, which need the cashier's confirmation).
fn seats_in(t: &Terminal, show: &str, state: &str) -> Vec<String> {
    t.json(&["seats", "--showtime", show, "--json"])
        .as_array()
        .expect("seats")
        .iter()
        .filter(|s| s["state"] == state && s["kind"] != "wheelchair")
        .map(|s| s["label"].as_str().expect("label").to_string())
        .collect()
}

fn sell(t: &Terminal, show: &str, seats: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "sell",
        "--showtime",
        show,
        "--seats",
        seats,
        "--pay",
        "cash:1000",
        "--pin",
        "1111",
        "--id-checked",
        "--json",
    ];
    args.extend_from_slice(extra);
    t.run(&args)
}

fn sold(t: &Terminal, show: &str, seats: &str, extra: &[&str]) -> Value {
    let out = sell(t, show, seats, extra);
    assert!(
        out.status.success(),
        "sale of {seats} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("sale JSON")
}

fn central_conflicts(central: &Central) -> Vec<Value> {
    reqwest::blocking::Client::new()
        .get(format!("{}/v1/sites/dxb-marina/conflicts", central.url))
        .header("x-boxoffice-terminal", "dxb-marina-t1")
        .send()
        .expect("conflicts")
        .json::<Value>()
        .expect("conflicts JSON")
        .as_array()
        .expect("array")
        .clone()
}

#[test]
fn leased_seats_sell_offline_and_overrides_become_tasks_that_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let (mut central, t) = e2e::demo_terminal(dir.path());
    let show = t.show_id_on("IMAX");

    // Online: the sync leased seats of upcoming showtimes to this terminal.
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["connectivity"], "online", "{status}");
    let lease = status["leases"]
        .as_array()
        .expect("leases")
        .iter()
        .find(|l| l["showtime_id"] == show.as_str())
        .cloned()
        .expect("a lease for the IMAX show");
    let leased = seats_in(&t, &show, "leased");
    assert_eq!(
        all_seats_in(&t, &show, "leased").len() as u64,
        lease["seats"].as_u64().unwrap()
    );
    assert!(leased.len() >= 4, "{leased:?}");
    // Leased seats are nobody else's: central shows them leased, the web cannot buy them.
    assert_eq!(central.seat_state(&show, &leased[0]), "leased");
    let (code, body) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": show, "seats": [leased[0]]}),
    );
    assert_eq!(code, 409, "{body}");
    let free = seats_in(&t, &show, "free");

    // The link dies.
    central.stop();
    let two = format!("{},{}", leased[0], leased[1]);
    let sale = sold(&t, &show, &two, &[]);
    assert_eq!(sale["secured_by"], "lease");
    assert_eq!(sale["synced"], false);
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["connectivity"], "offline", "{status}");
    assert_eq!(status["queue_depth"], 1);
    assert!(status["oldest_unsynced_secs"].is_u64(), "{status}");

    // Any other seat needs a manager.
    let err = String::from_utf8_lossy(&sell(&t, &show, &free[0], &[]).stderr).to_string();
    assert!(err.contains("offline_not_leased"), "{err}");
    let err =
        String::from_utf8_lossy(&sell(&t, &show, &free[0], &["--override-pin", "1111"]).stderr)
            .to_string();
    // A cashier's PIN is no approver's.
    assert!(err.contains("wrong_pin"), "{err}");
    let reseat_me = sold(&t, &show, &free[0], &["--override-pin", "333333"]);
    assert_eq!(reseat_me["secured_by"], "override");
    let refund_me = sold(&t, &show, &free[1], &["--override-pin", "333333"]);
    assert_eq!(t.json(&["status", "--json"])["queue_depth"], 3);

    // Meanwhile the web sold those two seats at central.
    central.restart();
    for seat in [&free[0], &free[1]] {
        let (code, body) = central.post(
            "/v1/web/sales",
            &json!({"showtime_id": show, "seats": [seat]}),
        );
        assert_eq!(code, 200, "{body}");
    }
    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The leased sale applied; the overrides are conflict tasks on both sides.
    assert_eq!(central.seat_state(&show, &leased[0]), "sold");
    assert_eq!(central.seat_state(&show, &leased[1]), "sold");
    let tasks = t.json(&["conflicts", "--json"]);
    let tasks = tasks.as_array().expect("tasks");
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    assert!(tasks.iter().all(|c| c["state"] == "open"));
    assert_eq!(t.json(&["status", "--json"])["open_conflicts"], 2);
    let at_central = central_conflicts(&central);
    assert_eq!(at_central.len(), 2);
    assert!(at_central.iter().all(|c| c["resolution"].is_null()));

    // A cashier cannot resolve; a supervisor reseats one and refunds the other.
    let reseat_ref = reseat_me["order_ref"].as_str().unwrap();
    let refund_ref = refund_me["order_ref"].as_str().unwrap();
    let err = t.fails(&[
        "conflicts",
        "--resolve",
        reseat_ref,
        "--action",
        "reseat",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("not_allowed"), "{err}");
    let done = t.json(&[
        "conflicts",
        "--resolve",
        reseat_ref,
        "--action",
        "reseat",
        "--pin",
        "222222",
        "--json",
    ]);
    assert_eq!(done["state"], "reseated", "{done}");
    // A change slip and the new ticket printed.
    let printed = done["printouts"].as_array().expect("printouts");
    assert_eq!(printed.len(), 2, "{done}");
    let new_seat = done["seats"][0].as_str().unwrap().to_string();
    assert_ne!(new_seat, free[0]);
    assert_eq!(central.seat_state(&show, &new_seat), "sold");
    let done = t.json(&[
        "conflicts",
        "--resolve",
        refund_ref,
        "--action",
        "refund",
        "--pin",
        "222222",
        "--json",
    ]);
    assert_eq!(done["state"], "refunded", "{done}");
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["open_conflicts"], 0);
    assert_eq!(status["queue_depth"], 0, "{status}");
    let mut resolutions: Vec<String> = central_conflicts(&central)
        .iter()
        .map(|c| c["resolution"].as_str().unwrap_or("open").to_string())
        .collect();
    resolutions.sort();
    assert_eq!(resolutions, ["refunded", "reseated"]);
    // The web customers keep their seats: nothing was sold twice.
    let states = central.get(&format!("/v1/showtimes/{show}/seats")).unwrap();
    for seat in [&free[0], &free[1]] {
        let s = states["seats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["label"] == seat.as_str())
            .unwrap();
        assert_eq!(s["owner"], "web", "{s}");
    }
    // A second resolution is refused.
    let err = t.fails(&[
        "conflicts",
        "--resolve",
        refund_ref,
        "--action",
        "refund",
        "--pin",
        "222222",
    ]);
    assert!(err.contains("already refunded"), "{err}");
}

#[test]
fn a_second_terminal_cannot_take_seats_leased_to_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t1) = e2e::demo_terminal(dir.path());
    let show = t1.show_id_on("VIP");
    let leased = seats_in(&t1, &show, "leased");
    assert!(!leased.is_empty());
    let t2 = Terminal::new(dir.path().join("t2"));
    t2.init(&central, "dxb-marina", "dxb-marina-t2");
    // t2 sees them as held by someone else and cannot sell them.
    let seat = t2.seat(&show, &leased[0]);
    assert_eq!(seat["state"], "held", "{seat}");
    let err = String::from_utf8_lossy(&sell(&t2, &show, &leased[0], &[]).stderr).to_string();
    assert!(err.contains("seat_unavailable"), "{err}");
    // t2 has its own leases, disjoint from t1's.
    let mine = seats_in(&t2, &show, "leased");
    assert!(!mine.is_empty());
    assert!(
        mine.iter().all(|s| !leased.contains(s)),
        "{mine:?} vs {leased:?}"
    );
}

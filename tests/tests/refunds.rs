//! Refunds (issue 11): some or all tickets of an earlier order, approved by a
//! supervisor with a reason, paid back the way the money came, a refund slip,
//! the seats back on sale at central, and the tickets void at every door of
//! the site once the void list syncs. Offline and queued refunds reach
//! central exactly once, after their sale.

use e2e::{Terminal, demo_terminal};
use serde_json::Value;

/// The signed door codes of a sale's tickets.
fn ticket_codes(sale: &Value) -> Vec<String> {
    sale["printouts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "ticket")
        .map(|p| {
            let bytes = std::fs::read(p["bin_path"].as_str().unwrap()).unwrap();
            printing::decode::decode(&bytes).unwrap().qr_codes[0].clone()
        })
        .collect()
}

/// The code of the ticket for `seat` (the seat is a field of the signed code).
fn code_of<'a>(codes: &'a [String], seat: &str) -> &'a str {
    codes
        .iter()
        .find(|c| c.contains(&format!("|{seat}|")))
        .expect("ticket printed")
}

/// `verify-ticket --json`: (exit code, reason code).
fn door(t: &Terminal, code: &str) -> (i32, Value) {
    let out = t.run(&["verify-ticket", code, "--json"]);
    let check: Value = serde_json::from_slice(&out.stdout).expect("verify-ticket JSON");
    (out.status.code().unwrap(), check["reason_code"].clone())
}

fn slip_of(done: &Value) -> printing::decode::Decoded {
    let p = &done["printouts"][0];
    assert_eq!(p["kind"], "refund_slip", "{done}");
    printing::decode::decode(&std::fs::read(p["bin_path"].as_str().unwrap()).unwrap()).unwrap()
}

#[test]
fn a_partial_card_refund_frees_the_seat_and_voids_its_ticket_at_every_door() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t1) = demo_terminal(dir.path());
    let t2 = Terminal::new(dir.path().join("t2"));
    t2.init(&central, "dxb-marina", "dxb-marina-t2");
    // IMAX: AED 75 a seat, whatever the day.
    let show = t1.show_id_on("Screen 1 IMAX");
    let sale = t1.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "K-1,K-2,K-3",
        "--pay",
        "card:225:AUTH-5511",
        "--pin",
        "1111",
        "--json",
    ]);
    let order = sale["order_ref"].as_str().unwrap().to_string();
    let codes = ticket_codes(&sale);
    assert_eq!(codes.len(), 3);

    // A cashier cannot refund; a refund needs a reason; a seat not in the
    // order is named.
    fn refund<'a>(order: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["refund", "--order", order];
        args.extend_from_slice(extra);
        args
    }
    let err = t1.fails(&refund(
        &order,
        &["--seats", "K-2", "--reason", "wrong film", "--pin", "1111"],
    ));
    assert!(err.contains("not_allowed"), "{err}");
    let err = t1.fails(&refund(
        &order,
        &["--seats", "K-2", "--reason", " ", "--pin", "222222"],
    ));
    assert!(err.contains("invalid_input"), "{err}");
    let err = t1.fails(&refund(
        &order,
        &["--seats", "K-9", "--reason", "x", "--pin", "222222"],
    ));
    assert!(
        err.contains("refund.not_a_ticket") && err.contains("K-9"),
        "{err}"
    );
    // Card money goes back to the card: the card terminal's reference first.
    let err = t1.fails(&refund(
        &order,
        &[
            "--seats",
            "K-2",
            "--reason",
            "wrong film",
            "--pin",
            "222222",
        ],
    ));
    assert!(err.contains("refund.card_reference_needed"), "{err}");
    assert_eq!(central.seat_state(&show, "K-2"), "sold", "nothing changed");

    // The cashier at the counter, the supervisor approving.
    let done = t1.json(&refund(
        &order,
        &[
            "--seats",
            "K-2",
            "--reason",
            "wrong film",
            "--card-reference",
            "RF-9001",
            "--pin",
            "1111",
            "--approve",
            "222222",
            "--json",
        ],
    ));
    let q = &done["quote"];
    assert_eq!(
        (
            q["amount_minor"].clone(),
            q["card_minor"].clone(),
            q["cash_minor"].clone()
        ),
        (7_500.into(), 7_500.into(), 0.into()),
        "{done}"
    );
    assert_eq!(done["synced"], true);
    assert_eq!(done["approved_by"], "Demo Supervisor");
    let slip = slip_of(&done);
    let text = slip.text();
    for want in [
        "REFUND",
        &order,
        "K-2",
        "RF-9001",
        "wrong film",
        "Demo Supervisor",
        "75.00",
    ] {
        assert!(text.contains(want), "refund slip lacks {want:?}:\n{text}");
    }
    assert_eq!(slip.drawer_kicks, 0, "a card refund leaves the drawer shut");

    // Back on sale at central and on both terminals' maps.
    assert_eq!(central.seat_state(&show, "K-2"), "free");
    assert_eq!(central.seat_state(&show, "K-1"), "sold");
    assert_eq!(t1.seat(&show, "K-2")["state"], "free");
    assert!(t2.run(&["sync"]).status.success());
    assert_eq!(t2.seat(&show, "K-2")["state"], "free");

    // The door: void here at once, void at the other counter after its
    // sync, the other tickets still admit.
    assert_eq!(door(&t1, code_of(&codes, "K-2")), (3, "ticket.void".into()));
    assert_eq!(door(&t2, code_of(&codes, "K-2")), (3, "ticket.void".into()));
    assert_eq!(door(&t2, code_of(&codes, "K-1")).0, 0);

    // Twice is refused; the rest goes in one go.
    let err = t1.fails(&refund(
        &order,
        &["--seats", "K-2", "--reason", "again", "--pin", "222222"],
    ));
    assert!(err.contains("refund.already_refunded"), "{err}");
    let rest = t1.json(&refund(
        &order,
        &[
            "--reason",
            "customer left",
            "--card-reference",
            "RF-9002",
            "--pin",
            "333333",
            "--json",
        ],
    ));
    assert_eq!(rest["quote"]["amount_minor"], 15_000);
    assert_eq!(rest["synced"], true);
    assert_eq!(central.seat_state(&show, "K-1"), "free");
    assert_eq!(central.seat_state(&show, "K-3"), "free");
    let err = t1.fails(&refund(&order, &["--reason", "again", "--pin", "222222"]));
    assert!(err.contains("refund.nothing_left"), "{err}");

    // Found again by reference, by card code and by seat, with what happened.
    for query in [
        vec!["--text", order.as_str()],
        vec!["--text", "AUTH-5511"],
        vec!["--showtime", show.as_str(), "--seat", "K-3"],
    ] {
        let mut args = vec!["orders", "--pin", "1111", "--json"];
        args.extend(query.iter().copied());
        let found = t1.json(&args);
        let found = found.as_array().unwrap();
        assert_eq!(found.len(), 1, "{query:?}: {found:?}");
        assert_eq!(found[0]["order_ref"], order.as_str());
        assert_eq!(found[0]["refunded_minor"], 22_500);
        let states: Vec<&str> = found[0]["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["state"].as_str().unwrap())
            .collect();
        assert_eq!(states, ["refunded"; 3], "{query:?}");
    }
    // Audited, each with its approver.
    let audit = t1.json(&["audit", "list", "--pin", "333333", "--json"]);
    let refunds: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "refund")
        .collect();
    assert_eq!(refunds.len(), 2, "{audit}");
    assert!(
        refunds
            .iter()
            .any(|e| e["approved_by"] == "dxb-marina-supervisor"
                && e["staff_id"] == "dxb-marina-cashier")
    );
}

#[test]
fn offline_and_queued_cash_refunds_reach_central_once_and_leave_the_drawer_right() {
    let dir = tempfile::tempdir().unwrap();
    let (mut central, t) = demo_terminal(dir.path());
    let show = t.show_id_on("Screen 1 IMAX");
    // The fixture opened a shift with no float: this test counts its own.
    t.json(&[
        "shift",
        "close",
        "--counted",
        "0",
        "--pin",
        "1111",
        "--json",
    ]);
    t.json(&["shift", "open", "--float", "500", "--pin", "1111", "--json"]);
    // Leased seats sell while central is away.
    let leased: Vec<String> = t
        .json(&["seats", "--showtime", &show, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "leased")
        .take(2)
        .map(|s| s["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(leased.len(), 2, "the demo terminal holds leases");
    central.stop();
    let sale = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        &leased.join(","),
        "--pay",
        "cash:200",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(sale["synced"], false);
    let order = sale["order_ref"].as_str().unwrap().to_string();
    let codes = ticket_codes(&sale);

    // Refunded while the sale itself is still queued, and central is down.
    let done = t.json(&[
        "refund",
        "--order",
        &order,
        "--seats",
        &leased[0],
        "--reason",
        "feeling unwell",
        "--pin",
        "1111",
        "--approve",
        "222222",
        "--json",
    ]);
    assert_eq!(done["synced"], false);
    assert_eq!(
        (
            done["quote"]["cash_minor"].clone(),
            done["quote"]["card_minor"].clone()
        ),
        (7_500.into(), 0.into())
    );
    assert_eq!(
        slip_of(&done).drawer_kicks,
        1,
        "cash comes out of the drawer"
    );
    assert_eq!(
        door(&t, code_of(&codes, &leased[0])),
        (3, "ticket.void".into())
    );
    assert_eq!(t.json(&["status", "--json"])["queue_depth"], 2);

    // The drawer: float 500 + 150 taken - 75 paid back (the cashier's X
    // report is blind; the supervisor's shows it).
    let x = t.json(&["shift", "report", "--pin", "1111", "--json"]);
    assert!(x["expected_cash_minor"].is_null(), "{x}");
    let x = t.json(&["shift", "report", "--pin", "222222", "--json"]);
    assert_eq!(x["cash_minor"], 7_500, "{x}");
    assert_eq!(x["expected_cash_minor"], 57_500, "{x}");

    // Back online: sale then refund, each applied once.
    central.restart();
    assert!(t.run(&["sync"]).status.success());
    assert_eq!(t.json(&["status", "--json"])["queue_depth"], 0);
    assert_eq!(central.seat_state(&show, &leased[0]), "free");
    assert_eq!(central.seat_state(&show, &leased[1]), "sold");
    // Sending the refund again changes nothing (idempotent by entry id).
    let conn = rusqlite::Connection::open(t.data.join("terminal.sqlite")).unwrap();
    conn.execute("UPDATE outbox SET state = 'pending'", [])
        .unwrap();
    drop(conn);
    assert!(t.run(&["sync"]).status.success());
    assert_eq!(central.seat_state(&show, &leased[0]), "free");
    assert_eq!(central.seat_state(&show, &leased[1]), "sold");
    let states: Vec<String> = {
        let conn = rusqlite::Connection::open(t.data.join("terminal.sqlite")).unwrap();
        let mut stmt = conn
            .prepare("SELECT state FROM outbox ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        states,
        ["duplicate", "duplicate"],
        "sent twice, applied once"
    );
}

#[test]
fn a_ticket_let_in_at_one_door_is_refused_at_the_next_once_the_void_list_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t1) = demo_terminal(dir.path());
    let t2 = Terminal::new(dir.path().join("t2"));
    t2.init(&central, "dxb-marina", "dxb-marina-t2");
    let show = t1.show_id_on("Screen 1 IMAX");
    let sale = t1.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "L-1,L-2",
        "--pay",
        "cash:150",
        "--pin",
        "1111",
        "--json",
    ]);
    let codes = ticket_codes(&sale);
    let (l1, l2) = (code_of(&codes, "L-1"), code_of(&codes, "L-2"));
    let admit = |t: &Terminal, code: &str| {
        let out = t.run(&["verify-ticket", code, "--admit", "--json"]);
        let check: Value = serde_json::from_slice(&out.stdout).expect("verify-ticket JSON");
        (out.status.code().unwrap(), check["reason_code"].clone())
    };

    // Checking without --admit lets nobody in.
    assert_eq!(door(&t2, l1).0, 0);
    assert_eq!(door(&t2, l1).0, 0);
    // In at door 2; a second scan there says so at once.
    assert_eq!(admit(&t2, l1).0, 0);
    assert_eq!(admit(&t2, l1), (5, "ticket.already_admitted".into()));
    // Door 1 learns it with its next sync (the admission went to central).
    assert_eq!(door(&t1, l1).0, 0, "not synced yet");
    assert!(t1.run(&["sync"]).status.success());
    assert_eq!(admit(&t1, l1), (5, "ticket.already_admitted".into()));
    // The other ticket of the order still goes in, once.
    assert_eq!(admit(&t1, l2).0, 0);
    assert_eq!(admit(&t1, l2).0, 5);
    // A ticket used at the door: only a manager refunds it.
    let order = sale["order_ref"].as_str().unwrap();
    let err = t1.fails(&[
        "refund",
        "--order",
        order,
        "--seats",
        "L-2",
        "--reason",
        "left early",
        "--pin",
        "222222",
    ]);
    assert!(
        err.contains("not_allowed") && err.contains("manager"),
        "{err}"
    );
    let done = t1.json(&[
        "refund",
        "--order",
        order,
        "--seats",
        "L-2",
        "--reason",
        "left early",
        "--pin",
        "333333",
        "--json",
    ]);
    assert_eq!(done["approved_by"], "Demo Manager");
}

#[test]
fn an_offline_override_sale_is_refunded_only_once_central_confirmed_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut central, t) = demo_terminal(dir.path());
    let show = t.show_id_on("Screen 1 IMAX");
    let unleased = t
        .json(&["seats", "--showtime", &show, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|s| s["state"] == "free" && s["kind"] == "standard")
        .map(|s| s["label"].as_str().unwrap().to_string())
        .expect("a free seat not leased here");
    central.stop();
    let sale = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        &unleased,
        "--pay",
        "cash:75",
        "--pin",
        "1111",
        "--override-pin",
        "333333",
        "--json",
    ]);
    assert_eq!(sale["secured_by"], "override");
    let order = sale["order_ref"].as_str().unwrap();
    // It may still come back a conflict: no refund until central has it.
    let err = t.fails(&[
        "refund", "--order", order, "--reason", "x", "--pin", "333333",
    ]);
    assert!(err.contains("refund.override_pending"), "{err}");
    central.restart();
    assert!(t.run(&["sync"]).status.success());
    let done = t.json(&[
        "refund", "--order", order, "--reason", "x", "--pin", "333333", "--json",
    ]);
    assert_eq!(done["synced"], true);
    assert_eq!(central.seat_state(&show, &unleased), "free");
}

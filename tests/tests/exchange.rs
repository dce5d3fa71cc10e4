//! Exchanges (issue 11): tickets of an earlier order given back for new
//! ones. The new order pays only the difference, or the difference goes back
//! the way the old order was paid (a card refund needs the card terminal's
//! reference); the old seats go back on sale and their tickets stop opening
//! the door; central applies the sale and the refund once each.

use e2e::demo_terminal;
use serde_json::Value;

fn free_seats(t: &e2e::Terminal, show: &str, n: usize) -> Vec<String> {
    t.json(&["seats", "--showtime", show, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "free" && s["kind"] == "standard")
        .take(n)
        .map(|s| s["label"].as_str().unwrap().to_string())
        .collect()
}

fn slip_text(done: &Value) -> (String, usize) {
    let slip = done["sale"]["printouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "refund_slip")
        .expect("the exchange slip is shown");
    let d = printing::decode::decode(&std::fs::read(slip["bin_path"].as_str().unwrap()).unwrap())
        .unwrap();
    (d.text(), d.drawer_kicks)
}

#[test]
fn an_upgrade_pays_the_difference_and_a_downgrade_gets_it_back_the_way_it_was_paid() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let imax = t.show_id_on("Screen 1 IMAX");
    let vip = t.show_id_on("Screen 3 VIP");
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
    t.json(&["shift", "open", "--float", "100", "--pin", "1111", "--json"]);
    let sale = t.json(&[
        "sell",
        "--showtime",
        &imax,
        "--seats",
        "M-1,M-2",
        "--pay",
        "cash:150",
        "--pin",
        "1111",
        "--json",
    ]);
    let order = sale["order_ref"].as_str().unwrap().to_string();
    let old_codes: Vec<String> = sale["printouts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "ticket")
        .map(|p| {
            let b = std::fs::read(p["bin_path"].as_str().unwrap()).unwrap();
            printing::decode::decode(&b).unwrap().qr_codes[0].clone()
        })
        .collect();
    let new_seat = free_seats(&t, &vip, 1).remove(0);
    let to = format!("{vip}:{new_seat}");

    // A cashier alone may not; nor without paying the difference.
    let err = t.fails(&[
        "exchange",
        "--order",
        &order,
        "--seats",
        "M-1",
        "--to",
        &to,
        "--reason",
        "wants VIP",
        "--id-checked",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("not_allowed"), "{err}");
    let err = t.fails(&[
        "exchange",
        "--order",
        &order,
        "--seats",
        "M-1",
        "--to",
        &to,
        "--reason",
        "wants VIP",
        "--id-checked",
        "--pin",
        "1111",
        "--approve",
        "222222",
    ]);
    assert!(err.contains("short_tender"), "{err}");
    assert_eq!(
        central.seat_state(&vip, &new_seat),
        "free",
        "nothing was sold"
    );
    assert_eq!(central.seat_state(&imax, "M-1"), "sold");

    // Upgrade: M-1 (AED 75) for a VIP seat; the customer pays the rest.
    let up = t.json(&[
        "exchange",
        "--order",
        &order,
        "--seats",
        "M-1",
        "--to",
        &to,
        "--pay",
        "cash:500",
        "--reason",
        "wants VIP",
        "--id-checked",
        "--pin",
        "1111",
        "--approve",
        "222222",
        "--json",
    ]);
    let total = up["sale"]["total_minor"].as_i64().unwrap();
    assert!(total > 7_500, "VIP costs more than IMAX: {up}");
    assert_eq!(up["returned_minor"], 7_500);
    assert_eq!(up["credit_minor"], 7_500);
    assert_eq!(
        (up["card_back_minor"].clone(), up["cash_back_minor"].clone()),
        (0.into(), 0.into())
    );
    assert_eq!(up["sale"]["change_minor"], 50_000 - (total - 7_500), "{up}");
    assert_eq!(up["sale"]["synced"], true);
    let (text, kicks) = slip_text(&up);
    for want in [
        "EXCHANGE",
        &order,
        "M-1",
        up["sale"]["order_ref"].as_str().unwrap(),
    ] {
        assert!(text.contains(want), "exchange slip lacks {want:?}:\n{text}");
    }
    assert_eq!(kicks, 0, "no cash went back from the drawer on the slip");
    assert_eq!(central.seat_state(&imax, "M-1"), "free");
    assert_eq!(central.seat_state(&vip, &new_seat), "sold");
    // The cashier's shift, as the supervisor sees it (the cashier's X report is
    // blind): the VIP sale was paid by AED 75 of credit plus cash.
    let x = t.json(&["shift", "report", "--pin", "222222", "--json"]);
    assert_eq!(x["exchange_minor"], 7_500, "{x}");
    assert_eq!(x["total_minor"].as_i64().unwrap(), 15_000 + total, "{x}");
    assert_eq!(
        x["cash_minor"].as_i64().unwrap() + x["exchange_minor"].as_i64().unwrap(),
        x["total_minor"].as_i64().unwrap(),
        "sales = cash + exchange credit: {x}"
    );
    let void = t.run(&["verify-ticket", &old_codes[0], "--json"]);
    let m1_void = void.status.code() == Some(3);
    let other = t.run(&["verify-ticket", &old_codes[1], "--json"]);
    assert!(
        m1_void ^ (other.status.code() == Some(3)),
        "exactly the exchanged ticket is void"
    );

    // Downgrade: M-2 (AED 75 in cash) for a child ticket in Screen 2: the
    // difference comes back in cash, out of the drawer.
    let screen2 = t.show_id_on("Screen 2");
    let child = free_seats(&t, &screen2, 1).remove(0);
    let down = t.json(&[
        "exchange",
        "--order",
        &order,
        "--to",
        &format!("{screen2}:{child}:child"),
        "--reason",
        "a child's ticket instead",
        "--pin",
        "222222",
        "--json",
    ]);
    let total = down["sale"]["total_minor"].as_i64().unwrap();
    assert!(total < 7_500, "a child ticket costs less: {down}");
    assert_eq!(down["credit_minor"], total);
    assert_eq!(down["cash_back_minor"], 7_500 - total);
    let (_, kicks) = slip_text(&down);
    assert_eq!(kicks, 1, "cash back opens the drawer");
    assert_eq!(central.seat_state(&imax, "M-2"), "free");
    assert_eq!(central.seat_state(&screen2, &child), "sold");
    // Nothing left of the first order.
    let err = t.fails(&[
        "refund", "--order", &order, "--reason", "x", "--pin", "222222",
    ]);
    assert!(err.contains("refund.nothing_left"), "{err}");
}

#[test]
fn money_back_to_a_card_needs_the_card_terminals_reference() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let imax = t.show_id_on("Screen 1 IMAX");
    let screen2 = t.show_id_on("Screen 2");
    let sale = t.json(&[
        "sell",
        "--showtime",
        &imax,
        "--seats",
        "N-1",
        "--pay",
        "card:75:AUTH-1",
        "--pin",
        "1111",
        "--json",
    ]);
    let order = sale["order_ref"].as_str().unwrap().to_string();
    let child = free_seats(&t, &screen2, 1).remove(0);
    let to = format!("{screen2}:{child}:child");
    let err = t.fails(&[
        "exchange", "--order", &order, "--to", &to, "--reason", "child", "--pin", "222222",
    ]);
    assert!(err.contains("refund.card_reference_needed"), "{err}");
    assert_eq!(
        central.seat_state(&screen2, &child),
        "free",
        "nothing was sold"
    );
    assert_eq!(t.count("orders"), 1);
    let done = t.json(&[
        "exchange",
        "--order",
        &order,
        "--to",
        &to,
        "--card-refund-reference",
        "RF-77",
        "--reason",
        "child",
        "--pin",
        "222222",
        "--json",
    ]);
    assert!(done["card_back_minor"].as_i64().unwrap() > 0, "{done}");
    assert_eq!(done["cash_back_minor"], 0);
    let (text, kicks) = slip_text(&done);
    assert!(text.contains("RF-77"), "{text}");
    assert_eq!(kicks, 0);
    assert_eq!(central.seat_state(&imax, "N-1"), "free");
}

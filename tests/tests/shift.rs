//! A terminal's shift: no sale without one, one per terminal, the float,
//! sales in cash and by card, pay-ins, pay-outs and drops with reasons, the
//! blind X report, the blind close counted by denomination with its
//! variance, printed through the same printing engine.

use e2e::{Central, Terminal};

fn printed(v: &serde_json::Value) -> String {
    let bin = std::fs::read(v["printout"]["bin_path"].as_str().expect("printout")).unwrap();
    printing::decode::decode(&bin).unwrap().text()
}

fn sell(t: &Terminal, show: &str, seats: &str, pays: &[&str], pin: &str) -> serde_json::Value {
    let mut args = vec!["sell", "--showtime", show, "--seats", seats];
    for p in pays {
        args.extend(["--pay", p]);
    }
    args.extend(["--pin", pin, "--json"]);
    t.json(&args)
}

#[test]
fn a_shift_adds_up_its_drawer_and_closes_blind() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t = Terminal::new(dir.path().join("t1"));
    t.init_without_shift(&central, "dxb-marina", "dxb-marina-t1");
    // IMAX: flat prices (the standard card's rules depend on the day).
    let show = t.show_id_on("Screen 1 IMAX");

    // No shift, no sale: nothing is written.
    let err = t.fails(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "J-1",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("shift.none"), "{err}");
    assert_eq!(t.count("orders"), 0);
    let err = t.fails(&["shift", "report", "--pin", "1111"]);
    assert!(err.contains("shift.none"), "{err}");

    let opened = t.json(&["shift", "open", "--float", "500", "--pin", "1111", "--json"]);
    assert_eq!(opened["float_minor"], 50_000);
    // One shift per terminal, whoever asks.
    for pin in ["1111", "222222"] {
        let err = t.fails(&["shift", "open", "--float", "500", "--pin", pin]);
        assert!(err.contains("shift.already_open"), "{err}");
        assert!(err.contains("Demo Cashier"), "{err}");
    }

    // 2 × AED 75 in cash (tendered 200), 1 × AED 75 split 30 card + 45 cash.
    sell(&t, &show, "J-1,J-2", &["cash:200"], "1111");
    sell(&t, &show, "J-3", &["card:30:AP1234", "cash:45"], "1111");
    // A supervisor stepping in sells into the same drawer.
    sell(&t, &show, "J-4", &["cash:100"], "222222");

    // Drawer movements, each with a reason; a pay-out needs an approver.
    let pay_in = t.json(&[
        "shift",
        "pay-in",
        "--amount",
        "100",
        "--reason",
        "Change from the safe",
        "--pin",
        "1111",
        "--json",
    ]);
    let slip = printed(&pay_in);
    assert!(
        slip.contains("PAY-IN") && slip.contains("Change from the safe"),
        "{slip}"
    );
    let err = t.fails(&[
        "shift",
        "pay-out",
        "--amount",
        "20",
        "--reason",
        "Milk for the staff room",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("not_allowed"), "{err}");
    let err = t.fails(&[
        "shift", "drop", "--amount", "300", "--reason", " ", "--pin", "1111",
    ]);
    assert!(err.contains("reason"), "{err}");
    let err = t.fails(&[
        "shift", "drop", "--amount", "0", "--reason", "x", "--pin", "1111",
    ]);
    assert!(err.contains("invalid_input"), "{err}");
    let pay_out = t.json(&[
        "shift",
        "pay-out",
        "--amount",
        "20",
        "--reason",
        "Milk for the staff room",
        "--approve-pin",
        "222222",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(pay_out["movement"]["approved_by"], "Demo Supervisor");
    assert!(
        printed(&pay_out).contains("Approved by"),
        "{}",
        printed(&pay_out)
    );
    t.json(&[
        "shift",
        "drop",
        "--amount",
        "300",
        "--reason",
        "Notes to the safe",
        "--pin",
        "1111",
        "--json",
    ]);

    // The cashier's X report is blind: no money figure the count could be
    // checked against, on screen or on paper.
    let x = t.json(&["shift", "report", "--pin", "1111", "--json"]);
    assert_eq!(
        (x["orders"].clone(), x["tickets"].clone()),
        (3.into(), 4.into())
    );
    for blind in [
        "total_minor",
        "vat_minor",
        "card_minor",
        "cash_minor",
        "refunded_minor",
        "exchange_minor",
        "expected_cash_minor",
    ] {
        assert!(x[blind].is_null(), "{blind}: {x}");
    }
    assert_eq!(x["paid_in_minor"], 10_000);
    assert_eq!(x["paid_out_minor"], 2_000);
    assert_eq!(x["dropped_minor"], 30_000);
    let text = printed(&x);
    assert!(
        !text.contains("Cash expected") && !text.contains("270.00"),
        "{text}"
    );
    assert!(text.contains("counted at the close"), "{text}");
    assert_eq!(x["movements"].as_array().map(Vec::len), Some(3));
    // The supervisor sees it all: 500 + 270 + 100 − 20 − 300 = 550.
    let sup = t.json(&["shift", "report", "--pin", "222222", "--json"]);
    assert_eq!(sup["total_minor"], 30_000);
    assert_eq!(sup["card_minor"], 3_000);
    assert_eq!(sup["cash_minor"], 27_000);
    assert_eq!(sup["expected_cash_minor"], 55_000);

    // The close, counted by denomination: 549.75, a quarter short.
    let err = t.fails(&["shift", "close", "--count", "3=1", "--pin", "1111"]);
    assert!(err.contains("shift.count"), "{err}");
    let err = t.fails(&["shift", "close", "--pin", "1111"]);
    assert!(err.contains("count the drawer"), "{err}");
    let z = t.json(&[
        "shift", "close", "--count", "500=1", "--count", "20=2", "--count", "5=1", "--count",
        "1=4", "--count", "0.5=1", "--count", "0.25=1", "--pin", "1111", "--json",
    ]);
    assert_eq!(z["counted_minor"], 54_975);
    assert_eq!(z["expected_cash_minor"], 55_000);
    assert_eq!(z["variance_minor"], -25);
    assert_eq!(z["counted_by"].as_array().map(Vec::len), Some(6));
    assert_eq!(
        z["counted_by"][3],
        serde_json::json!({"minor": 100, "pieces": 4})
    );
    let text = printed(&z);
    for want in [
        "SHIFT CLOSED",
        "Demo Cashier",
        "550.00",
        "549.75",
        "-0.25",
        "Drops",
        "Pay-outs",
    ] {
        assert!(
            text.contains(want),
            "closing report lacks {want:?}:\n{text}"
        );
    }
    // The audit trail has every drawer action.
    let audit = t.json(&["audit", "list", "--pin", "333333", "--json"]);
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    for a in ["shift_open", "pay_in", "pay_out", "drop", "shift_close"] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }

    // Closed: no sale, and a cash refund has no drawer; the day report
    // reconciles the shift's cash with its movements.
    let err = t.fails(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "J-5",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("shift.none"), "{err}");
    let err = t.fails(&["shift", "close", "--counted", "1", "--pin", "1111"]);
    assert!(err.contains("shift.none"), "{err}");
    let err = t.fails(&["shift", "open", "--float=-5", "--pin", "1111"]);
    assert!(err.contains("money.malformed"), "{err}");
    let day = t.json(&["report", "x", "--format", "json", "--pin", "333333"]);
    let line = &day["shifts"][0];
    assert_eq!(line["paid_in_out_minor"], 8_000, "{line}");
    assert_eq!(line["dropped_minor"], 30_000, "{line}");
    assert_eq!(line["expected_minor"], 55_000, "{line}");
    assert_eq!(line["variance_minor"], -25, "{line}");
}

#[test]
fn cash_back_needs_a_drawer_but_a_card_refund_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t = Terminal::new(dir.path().join("t1"));
    t.init(&central, "dxb-marina", "dxb-marina-t1");
    let show = t.show_id_on("Screen 1 IMAX");
    let cash = sell(&t, &show, "K-1", &["cash:75"], "1111");
    let card = sell(&t, &show, "K-2", &["card:75:AP7777"], "1111");
    t.json(&[
        "shift",
        "close",
        "--counted",
        "75",
        "--pin",
        "1111",
        "--json",
    ]);

    let refund = |order: &serde_json::Value, extra: &[&str]| {
        let reference = order["order_ref"].as_str().unwrap().to_string();
        let mut args = vec![
            "refund".to_string(),
            "--order".into(),
            reference,
            "--reason".into(),
            "Customer unwell".into(),
            "--pin".into(),
            "222222".into(),
            "--json".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.run(&args)
    };
    let out = refund(&cash, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shift.cash_needs_shift"), "{err}");
    assert_eq!(t.count("refunds"), 0, "nothing half-written");
    let out = refund(&card, &["--card-reference", "RF1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

//! One seated cash sale, end to end: the real central on loopback, real
//! terminals in temp dirs, real SQLite files and the virtual printer.

use e2e::{Central, Terminal};
use serde_json::{Value, json};

/// The first showtime today on a screen whose name contains `screen`.
fn showtime(t: &Terminal, screen: &str) -> Value {
    let list = t.tomorrow_showtimes();
    let list = list.as_array().expect("showtimes array");
    assert!(!list.is_empty(), "no showtimes today");
    for s in list {
        for field in [
            "id",
            "film_title_en",
            "film_title_ar",
            "screen",
            "starts_at",
            "seats_free",
        ] {
            assert!(!s[field].is_null(), "showtime lacks {field}: {s}");
        }
    }
    list.iter()
        .find(|s| s["screen"].as_str().unwrap_or("").contains(screen))
        .cloned()
        .expect("showtime on screen")
}

#[test]
fn sell_two_seats_then_a_second_terminal_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t1 = Terminal::new(dir.path().join("t1"));
    t1.init(&central, "dxb-marina", "dxb-marina-t1");

    let show = showtime(&t1, "IMAX");
    let id = show["id"].as_str().unwrap();
    // RFC 3339 with Dubai's offset.
    assert!(
        show["starts_at"].as_str().unwrap().ends_with("+04:00"),
        "{show}"
    );
    assert!(!show["film_title_ar"].as_str().unwrap().is_empty());

    let seats = t1.json(&["seats", "--showtime", id, "--json"]);
    let seats = seats.as_array().unwrap();
    assert!(
        seats.len() >= 400,
        "the IMAX screen has {} seats",
        seats.len()
    );
    let f12 = seats.iter().find(|s| s["label"] == "F-12").expect("F-12");
    assert_eq!(f12["row"], "F");
    assert_eq!(f12["state"], "free");
    assert!(seats.iter().any(|s| s["kind"] == "wheelchair"));
    assert!(seats.iter().any(|s| s["kind"] == "companion"));
    assert!(seats.iter().any(|s| s["state"] == "blocked"));

    // A wheelchair place is never sold as a plain seat: without the
    // cashier's confirmation it is refused and nothing is sold; confirmed
    // (--accessible), it sells with its companion seat.
    let place = |kind: &str| -> String {
        seats
            .iter()
            .find(|s| s["kind"] == kind && s["state"] == "free")
            .and_then(|s| s["label"].as_str())
            .unwrap_or_else(|| panic!("a free {kind} seat"))
            .to_string()
    };
    let (wheelchair, companion) = (place("wheelchair"), place("companion"));
    let pair = format!("{wheelchair},{companion}");
    let sell_pair = |extra: &[&str]| {
        let mut args = vec![
            "sell",
            "--showtime",
            id,
            "--seats",
            &pair,
            "--pay",
            "cash:200",
            "--pin",
            "1111",
            "--json",
        ];
        args.extend(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let orders = t1.count("orders");
    let args = sell_pair(&[]);
    let err = t1.fails(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        err.contains("seat.wheelchair_unconfirmed") && err.contains(&wheelchair),
        "{err}"
    );
    assert_eq!(t1.count("orders"), orders, "nothing sold");
    assert_eq!(central.seat_state(id, &wheelchair), "free");
    let args = sell_pair(&["--accessible"]);
    let sold = t1.json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(sold["seats"], json!([wheelchair, companion]));

    let sale = t1.json(&[
        "sell",
        "--showtime",
        id,
        "--seats",
        "F-12,F-13",
        "--ticket",
        "adult",
        "--pay",
        "cash:200",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(sale["showtime_id"], id);
    assert_eq!(sale["seats"], json!(["F-12", "F-13"]));
    assert_eq!(sale["currency"], "AED");
    assert_eq!(sale["total_minor"], 15_000, "two IMAX adults at AED 75.00");
    assert_eq!(sale["change_minor"], 5_000);
    assert_eq!(sale["synced"], true);
    assert!(sale["order_id"].as_str().unwrap().len() == 36);

    // Central has both seats sold, by this terminal.
    assert_eq!(central.seat_state(id, "F-12"), "sold");
    assert_eq!(central.seat_state(id, "F-13"), "sold");
    assert_eq!(central.seat_state(id, "F-14"), "free");

    // This terminal shows them sold; its outbox is drained.
    let seats = t1.json(&["seats", "--showtime", id, "--json"]);
    let state = |l: &str| {
        seats
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["label"] == l)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state("F-12"), "sold");
    let status = t1.json(&["status", "--json"]);
    assert_eq!(status["queue_depth"], 0);
    assert_eq!(status["online"], true);

    // The printed ticket decodes to the film, screen, seat and price.
    let printouts = sale["printouts"].as_array().unwrap();
    assert_eq!(printouts.len(), 2);
    let bin = std::fs::read(printouts[0]["bin_path"].as_str().unwrap()).unwrap();
    let decoded = printing::decode::decode(&bin).unwrap();
    let text = decoded.text();
    for want in [
        show["film_title_en"].as_str().unwrap(),
        "Screen 1 IMAX",
        "F-12",
        "AED 75.00",
        "Dubai Marina Mall",
    ] {
        assert!(text.contains(want), "ticket lacks {want:?}:\n{text}");
    }
    assert_eq!(decoded.cuts, 1);
    assert!(
        decoded.rasters >= 2,
        "the site logo and the shaped Arabic title print as images"
    );
    assert_eq!(decoded.qr_codes.len(), 1);
    assert!(decoded.qr_codes[0].contains(sale["order_id"].as_str().unwrap()));
    let png = std::fs::read(printouts[0]["png_path"].as_str().unwrap()).unwrap();
    assert_eq!(&png[1..4], b"PNG");

    // A second terminal sees them sold and cannot sell them; it writes nothing.
    let t2 = Terminal::new(dir.path().join("t2"));
    t2.init(&central, "dxb-marina", "dxb-marina-t2");
    let seats2 = t2.json(&["seats", "--showtime", id, "--json"]);
    let f12 = seats2
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["label"] == "F-12")
        .unwrap()
        .clone();
    assert_eq!(f12["state"], "sold");
    let err = t2.fails(&[
        "sell",
        "--showtime",
        id,
        "--seats",
        "F-13",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
    ]);
    assert!(
        err.contains("F-13") && err.contains("seat_unavailable"),
        "{err}"
    );
    assert_eq!(t2.count("orders"), 0);
    assert_eq!(t2.count("outbox"), 0);

    // The printed QR is signed by t1 and verifies on t2 (a door scanner's view).
    let check = t2.json(&["verify-ticket", &decoded.qr_codes[0], "--json"]);
    assert_eq!(check["valid"], true, "{check}");
    assert_eq!(check["admits"]["seat"], "F-12");
}

#[test]
fn a_seat_the_web_sold_is_refused_even_from_a_stale_cache() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t1 = Terminal::new(dir.path().join("t1"));
    t1.init(&central, "dxb-marina", "dxb-marina-t1");
    let show = showtime(&t1, "Screen 2");
    let id = show["id"].as_str().unwrap();
    // The web buys C-5 after the terminal's last sync.
    let (status, body) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": id, "seats": ["C-5"]}),
    );
    assert_eq!(status, 200, "{body}");
    let err = t1.fails(&[
        "sell",
        "--showtime",
        id,
        "--seats",
        "C-5,C-6",
        "--pay",
        "cash:500",
        "--pin",
        "1111",
    ]);
    assert!(
        err.contains("C-5") && err.contains("seat_unavailable"),
        "{err}"
    );
    assert_eq!(t1.count("orders"), 0);
    assert_eq!(
        central.seat_state(id, "C-6"),
        "free",
        "the refused sale's other seat is not held"
    );
    // A web buyer cannot buy a seat the terminal sold.
    t1.json(&[
        "sell",
        "--showtime",
        id,
        "--seats",
        "C-7",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
        "--json",
    ]);
    let (status, body) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": id, "seats": ["C-7"]}),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "seat_unavailable");
}

#[test]
fn omani_rials_have_three_decimals() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t = Terminal::new(dir.path().join("mct"));
    t.init(&central, "mct-avenues", "mct-avenues-t1");
    // The IMAX card has flat prices (the standard card's rules depend on the day).
    let show = showtime(&t, "IMAX");
    assert!(show["starts_at"].as_str().unwrap().ends_with("+04:00"));
    let id = show["id"].as_str().unwrap();
    let sale = t.json(&[
        "sell",
        "--showtime",
        id,
        "--seats",
        "A-7,A-8",
        "--ticket",
        "child",
        "--pay",
        "cash:12.500",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(sale["currency"], "OMR");
    assert_eq!(sale["currency_exponent"], 3);
    assert_eq!(sale["total_minor"], 10_000, "two children at OMR 5.000");
    assert_eq!(sale["change_minor"], 2_500);
    assert_eq!(sale["vat_minor"], 476, "5 % VAT inside OMR 10.000");
    let bin = std::fs::read(sale["printouts"][0]["bin_path"].as_str().unwrap()).unwrap();
    assert!(
        printing::decode::decode(&bin)
            .unwrap()
            .text()
            .contains("OMR 5.000")
    );
}

#[test]
fn bad_input_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = e2e::demo_terminal(dir.path());
    let id = showtime(&t, "Screen 2")["id"].as_str().unwrap().to_string();
    t.json(&[
        "sell",
        "--showtime",
        &id,
        "--seats",
        "D-1",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
        "--json",
    ]);
    let (orders, outbox, jobs) = (t.count("orders"), t.count("outbox"), t.count("print_jobs"));
    let cases: [(&[&str], &str); 8] = [
        (
            &[
                "--showtime",
                "no-such-show",
                "--seats",
                "A-1",
                "--pay",
                "cash:100",
                "--pin",
                "1111",
            ],
            "unknown_showtime",
        ),
        (
            &[
                "--showtime",
                &id,
                "--seats",
                "D-1",
                "--pay",
                "cash:100",
                "--pin",
                "1111",
            ],
            "seat_unavailable",
        ),
        (
            &[
                "--showtime",
                &id,
                "--seats",
                "D-2",
                "--pay",
                "cash:10",
                "--pin",
                "1111",
            ],
            "money.short_tender",
        ),
        (
            &[
                "--showtime",
                &id,
                "--seats",
                "D-2",
                "--pay",
                "cash:100",
                "--pin",
                "9999",
            ],
            "wrong_pin",
        ),
        (
            &[
                "--showtime",
                &id,
                "--seats",
                "D-2",
                "--pay",
                "cash:1O0",
                "--pin",
                "1111",
            ],
            "money.malformed",
        ),
        (
            &[
                "--showtime",
                &id,
                "--seats",
                "D-2",
                "--pay",
                "cash:100.001",
                "--pin",
                "1111",
            ],
            "money.too_many_decimals",
        ),
        (
            &[
                "--showtime",
                &id,
                "--seats",
                "Z-99",
                "--pay",
                "cash:100",
                "--pin",
                "1111",
            ],
            "unknown_seats",
        ),
        (
            &[
                "--showtime",
                &id,
                "--seats",
                "D-2",
                "--ticket",
                "vip-guest",
                "--pay",
                "cash:100",
                "--pin",
                "1111",
            ],
            "unknown_ticket_type",
        ),
    ];
    for (args, code) in cases {
        let mut full = vec!["sell"];
        full.extend_from_slice(args);
        let err = t.fails(&full);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(code),
            "{args:?}: want {code}, got {err}"
        );
    }
    assert_eq!(
        (t.count("orders"), t.count("outbox"), t.count("print_jobs")),
        (orders, outbox, jobs)
    );
    assert_eq!(
        central.seat_state(&id, "D-2"),
        "free",
        "no hold left behind"
    );
}

#[test]
fn init_refuses_plain_http_beyond_loopback_and_unknown_terminals() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t = Terminal::new(dir.path().join("t"));
    let err = t.fails(&[
        "init",
        "--central",
        "http://10.1.2.3:7878",
        "--site",
        "dxb-marina",
        "--terminal",
        "dxb-marina-t1",
    ]);
    assert!(err.contains("https"), "{err}");
    let err = t.fails(&[
        "init",
        "--central",
        &central.url,
        "--site",
        "dxb-marina",
        "--terminal",
        "mct-avenues-t1",
    ]);
    assert!(err.contains("is not at site dxb-marina"), "{err}");
    let err = t.fails(&["status", "--json"]);
    assert!(err.contains("not set up"), "{err}");
}

#[test]
fn central_lists_sites_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let out = std::process::Command::new(e2e::bin("boxoffice-central"))
        .args(["sites", "--json", "--db"])
        .arg(&central.db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let sites: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sites = sites.as_array().unwrap();
    assert!(sites.len() >= 2);
    let mct = sites.iter().find(|s| s["id"] == "mct-avenues").unwrap();
    assert_eq!(mct["currency"], "OMR");
    assert_eq!(mct["country"], "OM");
    assert_eq!(mct["time_zone"], "Asia/Muscat");
    assert!(mct["terminals"].as_array().unwrap().len() >= 2);
    let currencies: std::collections::HashSet<_> = sites
        .iter()
        .map(|s| s["currency"].as_str().unwrap())
        .collect();
    assert!(currencies.contains("AED") && currencies.contains("OMR"));
}

#[test]
fn the_seat_map_offers_only_the_ticket_types_the_film_allows() {
    let dir = tempfile::tempdir().unwrap();
    let (_central, t) = e2e::demo_terminal(dir.path());
    let list = t.tomorrow_showtimes();
    let show = |rating: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|s| s["rating"] == rating)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let offered = |id: &str| -> Vec<String> {
        t.json(&["seats", "--showtime", id, "--prices", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|tt| tt["code"].as_str().unwrap().to_string())
            .collect()
    };
    let family = offered(&show("G"));
    assert!(family.iter().any(|c| c == "child"), "{family:?}");
    assert!(family.iter().any(|c| c == "adult"), "{family:?}");
    let adults_only = offered(&show("18+"));
    assert!(!adults_only.iter().any(|c| c == "child"), "{adults_only:?}");
    assert!(adults_only.iter().any(|c| c == "adult"), "{adults_only:?}");
}

#[test]
fn age_rated_films_need_an_id_check_and_refuse_child_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = e2e::demo_terminal(dir.path());
    let list = t.tomorrow_showtimes();
    let adult_only = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rating"] == "18+")
        .unwrap()
        .clone();
    assert_eq!(adult_only["id_check"], true);
    let family = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rating"] == "G")
        .unwrap()
        .clone();
    assert_eq!(family["id_check"], false);
    let id = adult_only["id"].as_str().unwrap();
    let err = t.fails(&[
        "sell",
        "--showtime",
        id,
        "--seats",
        "G-5",
        "--pay",
        "cash:500",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("age.id_check_required"), "{err}");
    let err = t.fails(&[
        "sell",
        "--showtime",
        id,
        "--seats",
        "G-5",
        "--ticket",
        "child",
        "--id-checked",
        "--pay",
        "cash:500",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("age.child_ticket_refused"), "{err}");
    assert_eq!(t.count("orders"), 0);
    assert_eq!(central.seat_state(id, "G-5"), "free");
    let sale = t.json(&[
        "sell",
        "--showtime",
        id,
        "--seats",
        "G-5",
        "--id-checked",
        "--pay",
        "cash:500",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(sale["seats"][0], "G-5");
}

#[test]
fn card_and_split_payments_record_the_approval_never_a_card_number() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = e2e::demo_terminal(dir.path());
    // IMAX adults at AED 75.00: a card with flat prices (the standard card's rules depend on the day).
    let id = showtime(&t, "IMAX")["id"].as_str().unwrap().to_string();

    // Card only: no drawer kick, the approval code on the receipt.
    let sale = t.json(&[
        "sell",
        "--showtime",
        &id,
        "--seats",
        "H-1,H-2",
        "--pay",
        "card:150:AUTH-778812",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(
        (sale["card_minor"].clone(), sale["change_minor"].clone()),
        (json!(15_000), json!(0))
    );
    let receipt = std::fs::read(
        sale["printouts"][0]["bin_path"]
            .as_str()
            .unwrap()
            .replace("-H-1.bin", "-receipt.bin"),
    )
    .unwrap();
    let receipt = printing::decode::decode(&receipt).unwrap();
    assert!(receipt.text().contains("AUTH-778812"), "{}", receipt.text());
    assert_eq!(receipt.drawer_kicks, 0, "no cash, no drawer");

    // Split: 60 on the card, 90 due in cash from a 100 note.
    let sale = t.json(&[
        "sell",
        "--showtime",
        &id,
        "--seats",
        "H-3,H-4",
        "--pay",
        "card:60:A1B2C3",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(sale["card_minor"], 6_000);
    assert_eq!(sale["change_minor"], 1_000);
    let receipt = std::fs::read(
        sale["printouts"][0]["bin_path"]
            .as_str()
            .unwrap()
            .replace("-H-3.bin", "-receipt.bin"),
    )
    .unwrap();
    assert_eq!(printing::decode::decode(&receipt).unwrap().drawer_kicks, 1);
    let conn = rusqlite::Connection::open(t.data.join("terminal.sqlite")).unwrap();
    let split: Vec<(String, i64)> = conn
        .prepare("SELECT method, amount_minor FROM payments WHERE order_id = ?1 ORDER BY method")
        .unwrap()
        .query_map([sale["order_id"].as_str().unwrap()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        split,
        vec![("card".to_string(), 6_000), ("cash".to_string(), 9_000)]
    );

    // Refused: a card number typed as the reference, a card amount over the
    // total, too little cash, far too much cash.
    let orders = t.count("orders");
    for (pays, code) in [
        (
            vec!["card:150:4111111111111111"],
            "payment.card_number_refused",
        ),
        (vec!["card:200:AUTH1"], "payment.card_amount"),
        (vec!["card:60:AUTH1", "cash:10"], "money.short_tender"),
        // Absurd cash: a typing slip, or a whole AED 1,000 note more than due.
        (vec!["cash:99999999999"], "money.tender_too_large"),
        (vec!["cash:1150"], "money.tender_too_large"),
        (vec!["card:60:AUTH1", "cash:1090"], "money.tender_too_large"),
        (vec!["card:150"], "invalid_input"),
        (vec!["cheque:150"], "invalid_input"),
    ] {
        let mut args = vec![
            "sell",
            "--showtime",
            &id,
            "--seats",
            "H-5,H-6",
            "--pin",
            "1111",
        ];
        for p in &pays {
            args.extend(["--pay", p]);
        }
        let err = t.fails(&args);
        assert!(err.contains(code), "{pays:?}: {err}");
    }
    assert_eq!(t.count("orders"), orders);
    let stored: i64 = conn
        .query_row(
            "SELECT count(*) FROM payments WHERE reference LIKE '%4111%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0);
    assert_eq!(central.seat_state(&id, "H-5"), "free");
}

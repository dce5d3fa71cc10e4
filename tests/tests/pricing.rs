//! Price cards with rules on real sales: the demo's standard card at Dubai
//! Marina (adult AED 50.00, child AED 35.00) has a weekday matinee discount
//! (Sunday to Thursday, shows starting 06:00-17:00, -10.00), a weekend
//! surcharge (Friday and Saturday business days, +5.00), a premium-seat
//! surcharge (+10.00) and a 3D surcharge (+10.00). And a supervisor's price
//! override.
//!
//! The demo schedule only has today's and tomorrow's shows, whose weekday
//! depends on when the tests run, so these tests add their own showtimes on a
//! known Wednesday and Friday a few days ahead to central's database and sync.

use e2e::{Central, Terminal, demo_terminal};
use jiff::civil::{Date, Weekday};
use serde_json::Value;

fn next(weekday: Weekday) -> Date {
    e2e::next_weekday(weekday)
}

/// Adds a Little Pearl (G) showtime on Dubai Marina's Screen 2 (standard
/// card) at local `date` `h:m`, and returns its id.
fn add_show(central: &Central, date: Date, h: i8, m: i8, format: &str) -> String {
    central.add_showtime("pricing", date, h, m, format)
}

fn sync(t: &Terminal) {
    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sell(t: &Terminal, show: &str, seats: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "sell",
        "--showtime",
        show,
        "--seats",
        seats,
        "--pay",
        "cash:500",
        "--pin",
        "1111",
        "--json",
    ];
    args.extend_from_slice(extra);
    t.json(&args)
}

/// (seat, price, rule codes) of each line of a sale.
fn lines(sale: &Value) -> Vec<(String, i64, Vec<String>)> {
    sale["lines"]
        .as_array()
        .expect("sale lines")
        .iter()
        .map(|l| {
            (
                l["seat"].as_str().unwrap().to_string(),
                l["price_minor"].as_i64().unwrap(),
                l["adjustments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["code"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn line(seat: &str, price: i64, rules: &[&str]) -> (String, i64, Vec<String>) {
    (
        seat.to_string(),
        price,
        rules.iter().map(|r| r.to_string()).collect(),
    )
}

/// Decoded text of a sale's printout: the first ticket, or the receipt.
fn printout_text(sale: &Value, receipt: bool) -> String {
    let ticket = sale["printouts"][0]["bin_path"].as_str().unwrap();
    let path = if receipt {
        let first = sale["seats"][0].as_str().unwrap();
        ticket.replace(&format!("-{first}.bin"), "-receipt.bin")
    } else {
        ticket.to_string()
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    printing::decode::decode(&bytes).unwrap().text()
}

/// Seat prices of an order as central recorded them.
fn central_prices(central: &Central, order_id: &str) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open_with_flags(
        &central.db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.prepare(
        "SELECT seat_label, price_minor FROM sold_seats WHERE order_id = ?1 ORDER BY seat_label",
    )
    .unwrap()
    .query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

#[test]
fn rules_price_real_sales_and_central_keeps_the_charged_prices() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let (wed, fri) = (next(Weekday::Wednesday), next(Weekday::Friday));
    let matinee = add_show(&central, wed, 14, 0, "2D");
    let evening = add_show(&central, wed, 20, 0, "2D");
    let three_d = add_show(&central, wed, 21, 0, "3D");
    let weekend = add_show(&central, fri, 20, 0, "2D");
    // 00:30 on Saturday belongs to Friday's business day.
    let late = add_show(&central, fri.tomorrow().unwrap(), 0, 30, "2D");
    sync(&t);

    // The seat map shows the price for the show and per area.
    let prices = t.json(&["seats", "--showtime", &matinee, "--prices", "--json"]);
    let adult = prices
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "adult")
        .unwrap();
    assert_eq!(adult["base_minor"], 5_000);
    assert_eq!(adult["price_minor"], 4_000, "{adult}");
    assert_eq!(adult["adjustments"][0]["code"], "matinee");
    let areas: Vec<(String, i64)> = adult["area_prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["area"].as_str().unwrap().to_string(),
                a["price_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        areas,
        [
            ("standard".to_string(), 4_000),
            ("premium".to_string(), 5_000)
        ]
    );

    // Weekday matinee: two adults and a child at AED 10.00 off.
    let sale = sell(&t, &matinee, "D-1,D-2", &[]);
    assert_eq!(sale["total_minor"], 8_000, "{sale}");
    assert_eq!(
        lines(&sale),
        [
            line("D-1", 4_000, &["matinee"]),
            line("D-2", 4_000, &["matinee"])
        ]
    );
    assert_eq!(sale["vat_minor"], 381, "5 % VAT inside AED 80.00");
    let ticket = printout_text(&sale, false);
    assert!(ticket.contains("AED 40.00"), "{ticket}");
    let receipt = printout_text(&sale, true);
    assert!(
        receipt.contains("Weekday matinee") && receipt.contains("80.00"),
        "{receipt}"
    );
    assert!(!receipt.contains("50.00"), "{receipt}");
    let child = sell(&t, &matinee, "D-3", &["--ticket", "child"]);
    assert_eq!(child["total_minor"], 2_500);

    // Weekend surcharge, also for the late show of Friday's business day.
    let sale = sell(&t, &weekend, "D-1", &[]);
    assert_eq!(lines(&sale), [line("D-1", 5_500, &["weekend"])]);
    assert!(printout_text(&sale, false).contains("AED 55.00"));
    let sale = sell(&t, &late, "D-1", &[]);
    assert_eq!(lines(&sale), [line("D-1", 5_500, &["weekend"])]);

    // A premium seat costs more than a standard one in the same order.
    let sale = sell(&t, &evening, "J-5,K-5", &[]);
    assert_eq!(
        lines(&sale),
        [
            line("J-5", 5_000, &[]),
            line("K-5", 6_000, &["premium-seat"])
        ]
    );
    assert_eq!(sale["total_minor"], 11_000);
    let receipt = printout_text(&sale, true);
    assert!(
        receipt.contains("Premium seat") && receipt.contains("60.00") && receipt.contains("110.00"),
        "{receipt}"
    );
    assert_eq!(
        central_prices(&central, sale["order_id"].as_str().unwrap()),
        [("J-5".to_string(), 5_000), ("K-5".to_string(), 6_000)]
    );

    // 3D surcharge on top of the premium seat.
    let sale = sell(&t, &three_d, "D-4,L-4", &[]);
    assert_eq!(
        lines(&sale),
        [
            line("D-4", 6_000, &["3d"]),
            line("L-4", 7_000, &["premium-seat", "3d"])
        ]
    );
    assert_eq!(sale["synced"], true, "{sale}");
    assert_eq!(
        central_prices(&central, sale["order_id"].as_str().unwrap()),
        [("D-4".to_string(), 6_000), ("L-4".to_string(), 7_000)]
    );
    let matinee_order = central_prices(&central, child["order_id"].as_str().unwrap());
    assert_eq!(matinee_order, [("D-3".to_string(), 2_500)]);
}

#[test]
fn a_price_override_needs_a_supervisor_and_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let show = add_show(&central, next(Weekday::Wednesday), 20, 0, "2D");
    sync(&t);
    let orders = t.count("orders");
    let sell_args = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = [
            "sell",
            "--showtime",
            show.as_str(),
            "--seats",
            "E-7,E-8",
            "--pay",
            "cash:100",
            "--pin",
            "1111",
            "--json",
        ]
        .map(String::from)
        .to_vec();
        args.extend(extra.iter().map(|a| a.to_string()));
        args
    };
    let fails = |extra: &[&str]| {
        let args = sell_args(extra);
        t.fails(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };

    // A cashier cannot approve, a reason is required, a wrong PIN is wrong.
    for (extra, code) in [
        (
            &[
                "--price",
                "30",
                "--reason",
                "Broken armrest",
                "--supervisor-pin",
                "1111",
            ][..],
            // Only approvers' PINs are tried: a cashier's is none of them.
            "wrong_pin",
        ),
        (
            &["--price", "30", "--supervisor-pin", "222222"][..],
            "invalid_input",
        ),
        (
            &[
                "--price",
                "30",
                "--reason",
                "   ",
                "--supervisor-pin",
                "222222",
            ][..],
            "invalid_input",
        ),
        (
            &["--price", "30", "--reason", "Broken armrest"][..],
            "invalid_input",
        ),
        (
            &[
                "--price",
                "30",
                "--reason",
                "Broken armrest",
                "--supervisor-pin",
                "9999",
            ][..],
            "wrong_pin",
        ),
    ] {
        let err = fails(extra);
        assert!(err.contains(code), "{extra:?}: want {code}, got {err}");
    }
    let long = "x".repeat(121);
    let err = fails(&[
        "--price",
        "30",
        "--reason",
        &long,
        "--supervisor-pin",
        "222222",
    ]);
    assert!(
        err.contains("invalid_input") && err.contains("120"),
        "{err}"
    );
    assert_eq!(
        t.count("orders"),
        orders,
        "a refused override sells nothing"
    );
    assert_eq!(central.seat_state(&show, "E-7"), "free");

    // An override stays between half the list price (AED 25.00) and the list
    // price (AED 50.00); below the floor only a complimentary ticket goes.
    for (extra, code) in [
        (&["--price", "50.01"][..], "override.above_list"),
        (&["--price", "99999999999"][..], "override.above_list"),
        (&["--price", "24.99"][..], "override.below_floor"),
        (&["--price", "0"][..], "override.below_floor"),
    ] {
        let mut extra = extra.to_vec();
        extra.extend(["--reason", "Broken armrest", "--supervisor-pin", "222222"]);
        let err = fails(&extra);
        assert!(err.contains(code), "{extra:?}: want {code}, got {err}");
    }
    let err = fails(&[
        "--complimentary",
        "--reason",
        "Guest",
        "--supervisor-pin",
        "1111",
    ]);
    assert!(err.contains("wrong_pin"), "a cashier cannot comp: {err}");
    assert_eq!(
        t.count("orders"),
        orders,
        "a refused override sells nothing"
    );

    // A supervisor approves AED 30.00 a ticket.
    let args = sell_args(&[
        "--price",
        "30",
        "--reason",
        "Broken armrest",
        "--supervisor-pin",
        "222222",
    ]);
    let sale = t.json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(sale["total_minor"], 6_000, "{sale}");
    assert_eq!(sale["change_minor"], 4_000);
    assert_eq!(sale["vat_minor"], 286, "5 % VAT inside AED 60.00");
    assert_eq!(
        sale["price_override"]["approved_by"],
        "dxb-marina-supervisor"
    );
    assert_eq!(sale["price_override"]["reason"], "Broken armrest");
    assert_eq!(sale["lines"][0]["price_minor"], 3_000);
    assert_eq!(sale["lines"][0]["list_price_minor"], 5_000);

    // Recorded on the order here and at central.
    let conn = rusqlite::Connection::open(t.data.join("terminal.sqlite")).unwrap();
    let (by, why): (String, String) = conn
        .query_row(
            "SELECT price_override_by, price_override_reason FROM orders WHERE id = ?1",
            [sale["order_id"].as_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (by.as_str(), why.as_str()),
        ("dxb-marina-supervisor", "Broken armrest")
    );
    let outbox: String = conn
        .query_row(
            "SELECT body FROM outbox WHERE order_id = ?1",
            [sale["order_id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    let body: Value = serde_json::from_str(&outbox).unwrap();
    assert_eq!(
        body["price_override"]["approved_by"],
        "dxb-marina-supervisor"
    );
    assert_eq!(sale["synced"], true);
    assert_eq!(
        central_prices(&central, sale["order_id"].as_str().unwrap()),
        [("E-7".to_string(), 3_000), ("E-8".to_string(), 3_000)]
    );
    let central_conn = rusqlite::Connection::open_with_flags(
        &central.db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let (by, why): (String, String) = central_conn
        .query_row(
            "SELECT price_override_by, price_override_reason FROM orders WHERE id = ?1",
            [sale["order_id"].as_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (by.as_str(), why.as_str()),
        ("dxb-marina-supervisor", "Broken armrest")
    );

    // The tickets and the receipt print the charged price and who approved it.
    assert!(printout_text(&sale, false).contains("AED 30.00"));
    let receipt = printout_text(&sale, true);
    for want in [
        "PRICE OVERRIDE",
        "AED 30.00",
        "AED 50.00",
        "Demo Supervisor",
        "Broken armrest",
        "60.00",
    ] {
        assert!(receipt.contains(want), "receipt lacks {want:?}:\n{receipt}");
    }

    // A complimentary ticket: price 0, its own stated reason, approved.
    let args = sell_args(&[
        "--complimentary",
        "--reason",
        "Guest of the manager",
        "--supervisor-pin",
        "333333",
    ]);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let seats = args.iter().position(|a| *a == "E-7,E-8").unwrap();
    args[seats] = "E-9";
    let comp = t.json(&args);
    assert_eq!(comp["total_minor"], 0, "{comp}");
    assert_eq!(
        comp["price_override"]["reason"],
        "Complimentary: Guest of the manager"
    );
    let receipt = printout_text(&comp, true);
    assert!(receipt.contains("COMPLIMENTARY"), "{receipt}");
}

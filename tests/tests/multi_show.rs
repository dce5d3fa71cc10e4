//! One order holding tickets for several showtimes and several ticket types,
//! paid once, end to end: a real central, real terminal processes on real
//! SQLite files. The order reaches central whole (one order, seats in both
//! showtimes), every ticket prints with its own showtime, the receipt lists
//! both, reprints and reseats find each seat's showtime, and offline the
//! order sells on leased seats while an override spanning showtimes is
//! refused before anything is written.

use e2e::{Central, Terminal, demo_terminal};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use serde_json::Value;

/// A Wednesday a few days ahead (no weekend surcharge; evening shows have
/// no matinee discount).
fn next_wednesday() -> Date {
    e2e::next_weekday(Weekday::Wednesday)
}

/// Adds a Little Pearl (G) 2D showtime on Dubai Marina's Screen 2 (standard
/// card: adult AED 50.00, child AED 35.00) at local `date` `h:m`.
fn add_show(central: &Central, date: Date, h: i8, m: i8) -> String {
    central.add_showtime("multi", date, h, m, "2D")
}

/// `sell` arguments for one order: `seats` of `show` as the first part,
/// each of `also` (SHOWTIME:SEATS[:TYPE]) as another, paid with `pay`, by the
/// demo cashier, plus `extra` flags.
fn order<'a>(
    show: &'a str,
    seats: &'a str,
    also: &[&'a str],
    pay: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["sell", "--showtime", show, "--seats", seats];
    for part in also {
        args.extend(["--also", part]);
    }
    args.extend(["--pay", pay, "--pin", "1111"]);
    args.extend_from_slice(extra);
    args
}

/// Labels of a showtime's seats in `state`, front rows first.
fn seats_in(t: &Terminal, show: &str, state: &str) -> Vec<String> {
    let mut seats: Vec<Value> = t
        .json(&["seats", "--showtime", show, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == state && s["kind"] == "standard")
        .cloned()
        .collect();
    seats.sort_by_key(|s| (s["y"].as_i64(), s["x"].as_i64()));
    seats
        .iter()
        .map(|s| s["label"].as_str().unwrap().to_string())
        .collect()
}

/// Orders and seats central holds for `order_id`: (showtime, seat, type, price).
fn central_seats(central: &Central, order_id: &str) -> Vec<(String, String, String, i64)> {
    let conn = rusqlite::Connection::open_with_flags(
        &central.db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.prepare(
        "SELECT showtime_id, seat_label, ticket_type, price_minor FROM sold_seats
         WHERE order_id = ?1 ORDER BY showtime_id, seat_label",
    )
    .unwrap()
    .query_map([order_id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

fn decode(path: &str) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    printing::decode::decode(&bytes).unwrap().text()
}

fn local_hhmm(central: &Central, show: &str) -> String {
    let conn = rusqlite::Connection::open_with_flags(
        &central.db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let starts: i64 = conn
        .query_row(
            "SELECT starts_at FROM showtimes WHERE id = ?1",
            [show],
            |r| r.get(0),
        )
        .unwrap();
    TimeZone::get("Asia/Dubai")
        .unwrap()
        .to_datetime(jiff::Timestamp::from_second(starts).unwrap())
        .strftime("%H:%M")
        .to_string()
}

#[test]
fn one_order_for_two_showtimes_and_two_ticket_types_is_paid_once() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let wed = next_wednesday();
    let early = add_show(&central, wed, 19, 0);
    let late = add_show(&central, wed, 21, 30);
    assert!(t.run(&["sync"]).status.success());
    let a = seats_in(&t, &early, "free");
    let b = seats_in(&t, &late, "free");
    let orders_before = t.count("orders");

    // Two adults and a child for the early show, two adults for the late one.
    let parent_seats = format!("{},{}", a[0], a[1]);
    let child = format!("{early}:{}:child", a[2]);
    let second = format!("{late}:{},{}", b[0], b[1]);
    let sale = t.json(&order(
        &early,
        &parent_seats,
        &[&child, &second],
        "cash:300",
        &["--json"],
    ));
    assert_eq!(sale["total_minor"], 23_500, "{sale}");
    assert_eq!(sale["change_minor"], 6_500);
    assert_eq!(sale["vat_minor"], 1_119, "5 % VAT inside AED 235.00");
    assert_eq!(sale["synced"], true);
    assert_eq!(sale["secured_by"], "hold");
    let lines: Vec<(String, String, String, i64)> = sale["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["showtime_id"].as_str().unwrap().to_string(),
                l["seat"].as_str().unwrap().to_string(),
                l["ticket_type"].as_str().unwrap().to_string(),
                l["price_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = vec![
        (early.clone(), a[0].clone(), "adult".to_string(), 5_000),
        (early.clone(), a[1].clone(), "adult".to_string(), 5_000),
        (early.clone(), a[2].clone(), "child".to_string(), 3_500),
        (late.clone(), b[0].clone(), "adult".to_string(), 5_000),
        (late.clone(), b[1].clone(), "adult".to_string(), 5_000),
    ];
    assert_eq!(lines, expected);
    assert_eq!(t.count("orders"), orders_before + 1, "one order");

    // Central has one order with the seats of both showtimes.
    let order_id = sale["order_id"].as_str().unwrap();
    let mut at_central = central_seats(&central, order_id);
    at_central.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(at_central, want);
    for seat in &a[..3] {
        assert_eq!(central.seat_state(&early, seat), "sold");
    }
    for seat in &b[..2] {
        assert_eq!(central.seat_state(&late, seat), "sold");
    }

    // Five tickets, each with its own showtime; one receipt naming both.
    let tickets: Vec<String> = sale["printouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| decode(p["bin_path"].as_str().unwrap()))
        .collect();
    assert_eq!(tickets.len(), 5);
    let (early_at, late_at) = (local_hhmm(&central, &early), local_hhmm(&central, &late));
    for (ticket, (show, seat, _, _)) in tickets.iter().zip(&expected) {
        let at = if *show == early { &early_at } else { &late_at };
        let other = if *show == early { &late_at } else { &early_at };
        assert!(ticket.contains(at.as_str()), "{seat}: {ticket}");
        assert!(!ticket.contains(other.as_str()), "{seat}: {ticket}");
    }
    assert!(tickets[2].contains("Child"), "{}", tickets[2]);
    let first = sale["printouts"][0]["bin_path"].as_str().unwrap();
    let receipt = decode(&first.replace(&format!("-{}.bin", a[0]), "-receipt.bin"));
    for needle in [
        format!("Little Pearl {early_at}"),
        format!("Little Pearl {late_at}"),
        "235.00".to_string(),
        "65.00".to_string(),
    ] {
        assert!(receipt.contains(&needle), "{needle}: {receipt}");
    }

    // A reprint gives all five, each still with its showtime.
    let reprint = t.json(&[
        "reprint",
        "--order",
        sale["order_ref"].as_str().unwrap(),
        "--pin",
        "222222",
        "--json",
    ]);
    let reprinted: Vec<String> = reprint
        .as_array()
        .unwrap()
        .iter()
        .map(|p| decode(p["bin_path"].as_str().unwrap()))
        .collect();
    assert_eq!(reprinted.len(), 5, "{reprint}");
    assert_eq!(
        reprinted.iter().filter(|t| t.contains(&late_at)).count(),
        2,
        "{reprinted:?}"
    );

    // A seat of the second showtime moves within that showtime. Both
    // showtimes are on Screen 2, so the order has that label twice: the
    // supervisor names the showtime.
    fn reseat<'a>(
        order: &'a str,
        showtime: Option<&'a str>,
        from: &'a str,
        to: &'a str,
    ) -> Vec<&'a str> {
        let mut args = vec!["reseat", "--order", order];
        if let Some(s) = showtime {
            args.extend(["--showtime", s]);
        }
        args.extend([
            "--from",
            from,
            "--to",
            to,
            "--reason",
            "wobbly seat",
            "--pin",
            "222222",
            "--json",
        ]);
        args
    }
    let order_ref = sale["order_ref"].as_str().unwrap();
    assert_eq!(a[..3], b[..3], "same screen, same free seats");
    let err = t.fails(&reseat(order_ref, None, &b[1], &b[2]));
    assert!(err.contains("name the showtime"), "{err}");
    let moved = t.json(&reseat(order_ref, Some(&late), &b[1], &b[2]));
    assert_eq!(moved["synced"], true, "{moved}");
    assert_eq!(central.seat_state(&late, &b[2]), "sold");
    assert_eq!(central.seat_state(&late, &b[1]), "free");
    assert_eq!(central.seat_state(&early, &a[0]), "sold");
}

#[test]
fn bad_orders_over_several_showtimes_are_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let wed = next_wednesday();
    let early = add_show(&central, wed, 19, 0);
    let late = add_show(&central, wed, 21, 30);
    assert!(t.run(&["sync"]).status.success());
    let a = seats_in(&t, &early, "free");
    let b = seats_in(&t, &late, "free");
    let before = (t.count("orders"), t.count("order_seats"), t.count("outbox"));
    let sell = |also: &str, pay: &str| t.fails(&order(&early, &a[0], &[also], pay, &[]));
    // The same seat twice (as another ticket type).
    let err = sell(&format!("{early}:{}:child", a[0]), "cash:200");
    assert!(err.contains("order.duplicate_seat"), "{err}");
    // A part that cannot be read.
    let err = sell(&format!("{late}:"), "cash:200");
    assert!(err.contains("--also"), "{err}");
    // An unknown showtime, an unknown ticket type, a short tender.
    let err = sell(&format!("no-such-show:{}", b[0]), "cash:200");
    assert!(err.contains("unknown_showtime"), "{err}");
    let err = sell(&format!("{late}:{}:pensioner", b[0]), "cash:200");
    assert!(err.contains("unknown_ticket_type"), "{err}");
    let err = sell(&format!("{late}:{}", b[0]), "cash:99");
    assert!(err.contains("short"), "{err}");
    // A seat the web sold meanwhile in the second showtime: nothing is sold,
    // not even the first showtime's free seat.
    let (code, body) = central.post(
        "/v1/web/sales",
        &serde_json::json!({"showtime_id": late, "seats": [b[1]]}),
    );
    assert_eq!(code, 200, "{body}");
    let err = sell(&format!("{late}:{}", b[1]), "cash:200");
    assert!(err.contains("seat_unavailable"), "{err}");
    // A central older than API 1.2 (its catalog names no API version) would
    // sell every seat for the first showtime: the terminal refuses first.
    let conn = rusqlite::Connection::open(t.data.join("terminal.sqlite")).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    let speaks: String = conn
        .query_row(
            "SELECT value FROM config WHERE key = 'central_api_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(speaks, protocol::API_VERSION, "learnt from the catalog");
    conn.execute(
        "UPDATE config SET value = '' WHERE key = 'central_api_version'",
        [],
    )
    .unwrap();
    let err = sell(&format!("{late}:{}", b[2]), "cash:200");
    assert!(err.contains("central_too_old"), "{err}");
    assert_eq!(
        (t.count("orders"), t.count("order_seats"), t.count("outbox")),
        before,
        "nothing written"
    );
    assert_eq!(central.seat_state(&early, &a[0]), "free");
    assert_eq!(central.seat_state(&late, &b[2]), "free");
}

#[test]
fn offline_an_order_over_two_showtimes_sells_on_leased_seats_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut central, t) = demo_terminal(dir.path());
    // Tomorrow's shows are inside the lease horizon.
    let imax = t.show_id_on("IMAX");
    let other = t
        .tomorrow_showtimes()
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            let id = s["id"].as_str().unwrap();
            id != imax && !seats_in(&t, id, "leased").is_empty()
        })
        .map(|s| s["id"].as_str().unwrap().to_string())
        .expect("a second showtime with leased seats");
    let imax_leased = seats_in(&t, &imax, "leased");
    let other_leased = seats_in(&t, &other, "leased");
    let other_free = seats_in(&t, &other, "free");

    central.stop();
    let before = t.count("orders");
    // A manager's override cannot cover seats in two showtimes.
    let unleased = format!("{other}:{}", other_free[0]);
    let err = t.fails(&order(
        &imax,
        &imax_leased[0],
        &[&unleased],
        "cash:500",
        &["--id-checked", "--override-pin", "333333"],
    ));
    assert!(err.contains("override_one_showtime"), "{err}");
    assert_eq!(t.count("orders"), before, "nothing written");

    // Leased seats in both showtimes sell with no call to central.
    let leased = format!("{other}:{}", other_leased[0]);
    let sale = t.json(&order(
        &imax,
        &imax_leased[0],
        &[&leased],
        "cash:500",
        &["--id-checked", "--json"],
    ));
    assert_eq!(sale["secured_by"], "lease", "{sale}");
    assert_eq!(sale["synced"], false);

    // Back online, the order reaches central whole.
    central.restart();
    assert!(t.run(&["sync"]).status.success());
    assert_eq!(central.seat_state(&imax, &imax_leased[0]), "sold");
    assert_eq!(central.seat_state(&other, &other_leased[0]), "sold");
    let seats = central_seats(&central, sale["order_id"].as_str().unwrap());
    assert_eq!(seats.len(), 2, "{seats:?}");
    assert_eq!(t.json(&["status", "--json"])["queue_depth"], 0);
}

#[test]
fn a_terminal_from_before_api_1_2_learns_centrals_version_at_its_next_sync() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let wed = next_wednesday();
    let early = add_show(&central, wed, 19, 0);
    let late = add_show(&central, wed, 21, 30);
    assert!(t.run(&["sync"]).status.success());
    // As the database of a terminal that last pulled the catalog before it
    // named central's API version: the cursor is set, the version unknown,
    // and the schema from before migration 0010 (so without the later
    // migrations' tables either).
    {
        let conn = rusqlite::Connection::open(t.data.join("terminal.sqlite")).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        conn.execute("DELETE FROM config WHERE key = 'central_api_version'", [])
            .unwrap();
        conn.execute_batch(
            "DROP TABLE cash_movements;
             DROP INDEX payments_shift;
             ALTER TABLE payments DROP COLUMN shift_id;
             DROP TABLE pin_failures;
             ALTER TABLE shifts DROP COLUMN counted_detail;
             DROP TABLE z_reports;
             DROP INDEX orders_business_day;
             DROP INDEX payments_business_day;
             DROP INDEX payments_order;
             DROP INDEX order_seats_order;
             DROP INDEX released_seats_order;
             DROP INDEX orders_shift;
             ALTER TABLE orders DROP COLUMN business_day;
             ALTER TABLE payments DROP COLUMN business_day;
             DROP TABLE voided_orders;
             DROP TABLE audit_log;
             DROP TABLE refunds;
             DROP TABLE void_tickets;
             DROP TABLE admissions;
             DROP INDEX outbox_order;
             ALTER TABLE released_seats DROP COLUMN refund_id;
             ALTER TABLE payments DROP COLUMN refund_id;",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 9).unwrap();
    }
    // The catalog did not change at central, yet the next sync pulls it whole.
    assert!(t.run(&["sync"]).status.success());
    let a = seats_in(&t, &early, "free");
    let b = seats_in(&t, &late, "free");
    let second = format!("{late}:{}", b[0]);
    let sale = t.json(&order(&early, &a[0], &[&second], "cash:100", &["--json"]));
    assert_eq!(sale["synced"], true, "{sale}");
    assert_eq!(central.seat_state(&late, &b[0]), "sold");
}

//! Web bookings collected at the counter: looked up by reference, printed
//! once, refused at a second terminal, never for another site.

use e2e::{Terminal, demo_terminal};
use serde_json::json;

#[test]
fn a_web_booking_is_collected_once_and_printed_with_signed_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t1) = demo_terminal(dir.path());
    let show = t1.show_id_on("Screen 2");
    let (code, sale) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": show, "seats": ["D-7", "D-8"]}),
    );
    assert_eq!(code, 200, "{sale}");
    let reference = sale["reference"].as_str().unwrap().to_string();

    // Look-up only: nothing printed, not collected.
    let found = t1.json(&[
        "collect",
        "--reference",
        &reference.to_lowercase(),
        "--json",
    ]);
    assert_eq!(found["seats"], json!(["D-7", "D-8"]));
    assert!(found["collected_at"].is_null(), "{found}");
    assert_eq!(found["printouts"], json!([]));

    // Collect: two tickets print, central records the terminal.
    let got = t1.json(&[
        "collect",
        "--reference",
        &reference,
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(got["collected_by"], "dxb-marina-t1");
    let printouts = got["printouts"].as_array().unwrap();
    assert_eq!(printouts.len(), 2);
    let bin = std::fs::read(printouts[0]["bin_path"].as_str().unwrap()).unwrap();
    let ticket = printing::decode::decode(&bin).unwrap();
    assert!(
        ticket.text().contains("D-7") && ticket.text().contains(&reference),
        "{}",
        ticket.text()
    );
    // Collecting again at the same terminal never prints unmarked tickets twice.
    let err = t1.fails(&["collect", "--reference", &reference, "--pin", "1111"]);
    assert!(err.contains("already collected at this terminal"), "{err}");
    let again = t1.json(&["collect", "--reference", &reference, "--json"]);
    assert_eq!(again["collected_by"], "dxb-marina-t1");

    // Another terminal is told who collected it.
    let t2 = Terminal::new(dir.path().join("t2"));
    t2.init(&central, "dxb-marina", "dxb-marina-t2");
    let err = t2.fails(&["collect", "--reference", &reference, "--pin", "1111"]);
    assert!(err.contains("already collected at dxb-marina-t1"), "{err}");
    // Other sites cannot see it; nonsense references are refused before any call.
    let t3 = Terminal::new(dir.path().join("t3"));
    t3.init(&central, "mct-avenues", "mct-avenues-t1");
    let err = t3.fails(&["collect", "--reference", &reference]);
    assert!(err.contains("unknown_booking"), "{err}");
    let err = t1.fails(&["collect", "--reference", "W-12/../x"]);
    assert!(err.contains("invalid_input"), "{err}");
}

//! Printing through the persistent queue to a real TCP printer (the network
//! virtual printer on loopback) that dies mid-job and comes back.

use e2e::demo_terminal;
use printing::virtual_printer::TcpVirtualPrinter;
use serde_json::Value;
use std::time::Duration;

fn text_of(bytes: &[u8]) -> String {
    printing::decode::decode(bytes)
        .map(|d| d.text())
        .unwrap_or_default()
}

#[test]
fn a_printer_that_dies_mid_job_leaves_the_sale_and_gets_a_marked_reprint() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let show = t.show_id_on("Screen 2");
    let printer = TcpVirtualPrinter::start(
        "127.0.0.1:0",
        dir.path().join("printer"),
        printing::Paper::Mm80,
    )
    .unwrap();
    let target = format!("tcp:{}", printer.addr());
    let state = t.json(&["printer", "--set", &target, "--paper", "80", "--json"]);
    assert_eq!(state["printer"], target.as_str());

    // A healthy printer: two tickets and the receipt, which opens the drawer.
    let sale = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "E-5,E-6",
        "--pay",
        "cash:200",
        "--pin",
        "1111",
        "--json",
    ]);
    let jobs = printer.wait_for_jobs(3, Duration::from_secs(10));
    assert_eq!(jobs.len(), 3, "two tickets and a receipt");
    assert!(jobs.iter().all(|j| j.complete));
    assert!(text_of(&jobs[0].bytes).contains("E-5"));
    assert!(text_of(&jobs[1].bytes).contains("E-6"));
    let receipt = printing::decode::decode(&jobs[2].bytes).unwrap();
    assert!(receipt.text().contains("TAX INVOICE"), "{}", receipt.text());
    assert!(
        receipt.text().contains("100200300400003") || receipt.text().contains("100234567800003")
    );
    assert_eq!(receipt.drawer_kicks, 1);
    assert_eq!(
        sale["printouts"].as_array().unwrap().len(),
        2,
        "previews of the tickets"
    );

    // The printer dies 200 bytes into the next job: the sale stands.
    printer.set_fail_after_bytes(Some(200));
    let sale = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "E-7",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
        "--json",
    ]);
    let order = sale["order_ref"].as_str().unwrap().to_string();
    assert_eq!(central.seat_state(&show, "E-7"), "sold");
    let state = t.json(&["printer", "--json"]);
    assert_eq!(state["interrupted"], 1, "{state}");
    assert_eq!(state["queued"], 1, "the receipt waits: {state}");
    assert!(state["last_error"].as_str().is_some());

    // It comes back: the queue finishes; the cut-off ticket is not resent by itself.
    printer.set_fail_after_bytes(None);
    t.json(&["printer", "--retry", "--json"]);
    let state = t.json(&["printer", "--json"]);
    assert_eq!(
        (state["queued"].clone(), state["interrupted"].clone()),
        (Value::from(0), Value::from(1))
    );
    let jobs = printer.wait_for_jobs(5, Duration::from_secs(10));
    assert!(!jobs[3].complete, "the job cut off mid-way");
    assert!(jobs[4].complete && text_of(&jobs[4].bytes).contains("TAX INVOICE"));

    // Reprints need a supervisor and are marked.
    let err = t.fails(&[
        "reprint", "--order", &order, "--seat", "E-7", "--pin", "1111",
    ]);
    assert!(err.contains("not_allowed"), "{err}");
    t.json(&[
        "reprint", "--order", &order, "--seat", "E-7", "--pin", "222222", "--json",
    ]);
    let jobs = printer.wait_for_jobs(6, Duration::from_secs(10));
    let reprint = text_of(&jobs[5].bytes);
    assert!(
        jobs[5].complete && reprint.contains("REPRINT 1") && reprint.contains("E-7"),
        "{reprint}"
    );

    // Nothing printed twice without the mark: complete unmarked tickets are one per seat.
    let mut seats: Vec<String> = jobs
        .iter()
        .filter(|j| j.complete)
        .map(|j| text_of(&j.bytes))
        .filter(|t| !t.contains("TAX INVOICE") && !t.contains("REPRINT"))
        .map(|t| {
            ["E-5", "E-6", "E-7"]
                .iter()
                .find(|s| t.contains(*s))
                .unwrap()
                .to_string()
        })
        .collect();
    seats.sort();
    let before = seats.len();
    seats.dedup();
    assert_eq!(
        before,
        seats.len(),
        "an unmarked ticket printed twice: {seats:?}"
    );
}

#[test]
fn printer_settings_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let (_central, t) = demo_terminal(dir.path());
    for bad in ["lpt1", "tcp:", "device:relative/path", "usb"] {
        let err = t.fails(&["printer", "--set", bad]);
        assert!(err.contains("invalid_input"), "{bad}: {err}");
    }
    let err = t.fails(&["printer", "--set", "virtual", "--paper", "76"]);
    assert!(err.contains("paper"), "{err}");
    let state = t.json(&[
        "printer",
        "--set",
        "virtual",
        "--paper",
        "58",
        "--test-page",
        "--json",
    ]);
    assert_eq!(state["paper"], "58mm");
    assert_eq!(state["queued"], 0);
}

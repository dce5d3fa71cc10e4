//! A cashier's shift: float, sales in cash and by card, X report, close with a
//! cash count, Z report printed through the same printing engine.

use e2e::demo_terminal;

#[test]
fn a_shift_adds_up_and_prints_its_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (_central, t) = demo_terminal(dir.path());
    // IMAX: flat prices (the standard card's rules depend on the day).
    let show = t.show_id_on("Screen 1 IMAX");

    let err = t.fails(&["shift", "report", "--pin", "1111"]);
    assert!(err.contains("no open shift"), "{err}");
    let opened = t.json(&["shift", "open", "--float", "500", "--pin", "1111", "--json"]);
    assert_eq!(opened["float_minor"], 50_000);
    let err = t.fails(&["shift", "open", "--float", "500", "--pin", "1111"]);
    assert!(err.contains("already has an open shift"), "{err}");

    // 2 × AED 75 in cash (tendered 200), 1 × AED 75 split 30 card + 45 cash.
    t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "J-1,J-2",
        "--pay",
        "cash:200",
        "--pin",
        "1111",
        "--json",
    ]);
    t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "J-3",
        "--pay",
        "card:30:AP1234",
        "--pay",
        "cash:45",
        "--pin",
        "1111",
        "--json",
    ]);
    // Another cashier's sale is not in this shift.
    t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "J-4",
        "--pay",
        "cash:100",
        "--pin",
        "2222",
        "--json",
    ]);

    let x = t.json(&["shift", "report", "--pin", "1111", "--json"]);
    assert_eq!(
        (x["orders"].clone(), x["tickets"].clone()),
        (2.into(), 3.into())
    );
    assert_eq!(x["total_minor"], 22_500);
    assert_eq!(x["card_minor"], 3_000);
    assert_eq!(x["cash_minor"], 19_500);
    assert_eq!(x["expected_cash_minor"], 69_500);
    assert!(x["closed_at"].is_null());

    let z = t.json(&[
        "shift",
        "close",
        "--counted",
        "694.50",
        "--pin",
        "1111",
        "--json",
    ]);
    assert_eq!(z["counted_minor"], 69_450);
    assert_eq!(z["variance_minor"], -50);
    let bin = std::fs::read(z["printout"]["bin_path"].as_str().unwrap()).unwrap();
    let text = printing::decode::decode(&bin).unwrap().text();
    for want in ["SHIFT CLOSED", "Demo Cashier", "695.00", "694.50", "-0.50"] {
        assert!(text.contains(want), "Z report lacks {want:?}:\n{text}");
    }
    let err = t.fails(&["shift", "close", "--counted", "1", "--pin", "1111"]);
    assert!(err.contains("no open shift"), "{err}");
    let err = t.fails(&["shift", "open", "--float=-5", "--pin", "1111"]);
    assert!(err.contains("money.malformed"), "{err}");
}

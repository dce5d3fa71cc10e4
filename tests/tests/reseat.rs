//! A supervisor moves a sold seat: central moves the sale, the customer gets a
//! change slip and a new, signed ticket.

use e2e::demo_terminal;

#[test]
fn a_supervisor_reseats_with_a_change_slip_and_a_new_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let show = t.show_id_on("Screen 2");
    let sale = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "C-1,C-2",
        "--pay",
        "cash:300",
        "--pin",
        "1111",
        "--json",
    ]);
    let order = sale["order_ref"].as_str().unwrap().to_string();

    let err = t.fails(&[
        "reseat",
        "--order",
        &order,
        "--from",
        "C-1",
        "--to",
        "C-5",
        "--reason",
        "broken seat",
        "--pin",
        "1111",
    ]);
    assert!(err.contains("not_allowed"), "{err}");
    // The web takes C-6: moving there is refused, nothing changes.
    let (status, _) = central.post(
        "/v1/web/sales",
        &serde_json::json!({"showtime_id": show, "seats": ["C-6"]}),
    );
    assert_eq!(status, 200);
    let err = t.fails(&[
        "reseat",
        "--order",
        &order,
        "--from",
        "C-1",
        "--to",
        "C-6",
        "--reason",
        "broken seat",
        "--pin",
        "222222",
    ]);
    assert!(err.contains("seat_unavailable"), "{err}");
    // A wheelchair place goes only to a customer who had one.
    let seats = t.json(&["seats", "--showtime", &show, "--json"]);
    let place = seats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "wheelchair" && s["state"] == "free")
        .and_then(|s| s["label"].as_str())
        .expect("a free wheelchair place on Screen 2")
        .to_string();
    let err = t.fails(&[
        "reseat",
        "--order",
        &order,
        "--from",
        "C-1",
        "--to",
        &place,
        "--reason",
        "broken seat",
        "--pin",
        "222222",
    ]);
    assert!(err.contains("seat.wheelchair_unconfirmed"), "{err}");
    let err = t.fails(&[
        "reseat",
        "--order",
        &order,
        "--from",
        "C-9",
        "--to",
        "C-5",
        "--reason",
        "broken seat",
        "--pin",
        "222222",
    ]);
    assert!(err.contains("not a seat of this order"), "{err}");

    let done = t.json(&[
        "reseat",
        "--order",
        &order,
        "--from",
        "C-1",
        "--to",
        "C-5",
        "--reason",
        "broken seat",
        "--pin",
        "222222",
        "--json",
    ]);
    assert_eq!(done["synced"], true);
    assert_eq!(central.seat_state(&show, "C-1"), "free");
    assert_eq!(central.seat_state(&show, "C-5"), "sold");
    assert_eq!(central.seat_state(&show, "C-2"), "sold");
    let slip = std::fs::read(done["printouts"][0]["bin_path"].as_str().unwrap()).unwrap();
    let slip = printing::decode::decode(&slip).unwrap().text();
    for want in ["C-1", "C-5", "broken seat", "Demo Supervisor", &order] {
        assert!(slip.contains(want), "change slip lacks {want:?}:\n{slip}");
    }
    let ticket = printing::decode::decode(
        &std::fs::read(done["printouts"][1]["bin_path"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert!(ticket.text().contains("C-5"));
    let check = t.json(&["verify-ticket", &ticket.qr_codes[0], "--json"]);
    assert_eq!(
        (check["valid"].clone(), check["admits"]["seat"].clone()),
        (true.into(), "C-5".into())
    );
    // The terminal's map follows.
    let seats = t.json(&["seats", "--showtime", &show, "--json"]);
    let state = |l: &str| {
        seats
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["label"] == l)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!((state("C-1"), state("C-5")), ("free".into(), "sold".into()));
}

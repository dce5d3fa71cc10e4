//! `sell --best N`: the headless counterpart of the counter's "best available".

use e2e::demo_terminal;
use serde_json::Value;

fn seat<'a>(seats: &'a Value, label: &str) -> &'a Value {
    seats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["label"] == label)
        .unwrap()
}

#[test]
fn best_four_sits_together_in_a_good_row_and_sells() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let show = t.show_id_on("Screen 1 IMAX");
    let sale = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--best",
        "4",
        "--pay",
        "cash:400",
        "--pin",
        "1111",
        "--json",
    ]);
    let chosen: Vec<String> = sale["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_eq!(chosen.len(), 4);
    let seats = t.json(&["seats", "--showtime", &show, "--json"]);
    let picked: Vec<&Value> = chosen.iter().map(|l| seat(&seats, l)).collect();
    let y = &picked[0]["y"];
    assert!(picked.iter().all(|s| &s["y"] == y), "one row: {chosen:?}");
    let mut xs: Vec<u64> = picked.iter().map(|s| s["x"].as_u64().unwrap()).collect();
    xs.sort();
    assert!(
        xs.windows(2).all(|w| w[1] == w[0] + 1),
        "adjacent, no aisle: {chosen:?}"
    );
    assert!(picked.iter().all(|s| s["kind"] == "standard"));
    assert!(picked.iter().all(|s| s["state"] == "sold"));
    // Not the front rows: the best rows are well back from the screen.
    assert!(
        y.as_u64().unwrap() >= 6,
        "row {y} is too close to the screen"
    );
    for l in &chosen {
        assert_eq!(central.seat_state(&show, l), "sold");
    }
    // A second best-four never overlaps the first.
    let again = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--best",
        "4",
        "--pay",
        "cash:400",
        "--pin",
        "1111",
        "--json",
    ]);
    for l in again["seats"].as_array().unwrap() {
        assert!(!chosen.contains(&l.as_str().unwrap().to_string()));
    }
}

#[test]
fn best_available_honours_the_area_and_refuses_nonsense() {
    let dir = tempfile::tempdir().unwrap();
    let (_central, t) = demo_terminal(dir.path());
    let show = t.show_id_on("Screen 2");
    let sale = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--best",
        "2",
        "--area",
        "premium",
        "--pay",
        "cash:200",
        "--pin",
        "1111",
        "--json",
    ]);
    let seats = t.json(&["seats", "--showtime", &show, "--json"]);
    for l in sale["seats"].as_array().unwrap() {
        assert_eq!(seat(&seats, l.as_str().unwrap())["area"], "premium");
    }
    for (args, code) in [
        (vec!["--best", "0"], "invalid_count"),
        (vec!["--best", "2", "--area", "gold"], "invalid_input"),
        (vec!["--best", "500"], "invalid_count"),
    ] {
        let mut full = vec![
            "sell",
            "--showtime",
            &show,
            "--pay",
            "cash:500",
            "--pin",
            "1111",
        ];
        full.extend(args.iter());
        let err = t.fails(&full);
        assert!(err.contains(code), "{args:?}: {err}");
    }
}

//! A showtime the chain cancels: terminals show it cancelled after their next
//! sync, and nobody (counter, web, lease) can sell it any more.

use e2e::{bin, demo_terminal};
use serde_json::json;

#[test]
fn a_cancelled_showtime_shows_as_cancelled_and_sells_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let show = t.show_id_on("Screen 2");
    // One seat sold before the cancellation.
    t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "C-2",
        "--pay",
        "cash:300",
        "--pin",
        "1111",
        "--id-checked",
        "--json",
    ]);
    let out = std::process::Command::new(bin("boxoffice-central"))
        .args(["cancel", "--showtime", &show, "--db"])
        .arg(&central.db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 seats were sold"));

    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tile = t.showtime_on("Screen 2");
    assert_eq!(tile["id"], show.as_str());
    assert_eq!(tile["sales_state"], "cancelled", "{tile}");
    assert_eq!(tile["seats_leased"], 0, "{tile}");
    let err = t.fails(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "C-3",
        "--pay",
        "cash:300",
        "--pin",
        "1111",
        "--id-checked",
    ]);
    assert!(err.contains("showtime_cancelled"), "{err}");
    let (code, body) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": show, "seats": ["C-4"]}),
    );
    assert_eq!(code, 409, "{body}");
    // Nothing else changed: the sold seat is still sold.
    assert_eq!(central.seat_state(&show, "C-2"), "sold");
    assert_eq!(central.seat_state(&show, "C-3"), "free");
}

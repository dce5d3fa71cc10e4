//! The link to central is an OpenVPN tunnel (`e2e::vpn`): three network
//! namespaces made by the test, the WAN between them a user-space relay that
//! delays every UDP packet 40 ms each way and drops 1 %. The tunnel is cut
//! while the terminal sells on its leases and again in the middle of a push;
//! after it returns the queue drains with nothing lost and nothing applied
//! twice. Skips with a message where the machine cannot make namespaces or
//! tun devices.

use e2e::Terminal;
use e2e::vpn::{Link, cannot_run};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn seats_in(t: &Terminal, show: &str, state: &str) -> Vec<String> {
    t.json(&["seats", "--showtime", show, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == state && s["kind"] != "wheelchair")
        .map(|s| s["label"].as_str().unwrap().to_string())
        .collect()
}

fn central_count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn sync_through_a_real_openvpn_tunnel_survives_cuts_mid_push() {
    if let Some(why) = cannot_run() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let link = Link::start(dir.path(), 40, 1.0);
    let t = link.terminal(dir.path().join("t1"));
    let db = link.db.clone();
    let show = t.show_id_on("IMAX");

    // Online through the tunnel (80 ms round trip, 1 % loss): sales sync at once.
    let free = seats_in(&t, &show, "free");
    for seat in &free[..3] {
        assert_eq!(t.sell_cash(&show, seat)["synced"], true);
    }

    // The WAN dies. The first sale finds out, the counter goes offline, and
    // the leased seats go on selling.
    let leased = seats_in(&t, &show, "leased");
    assert!(leased.len() >= 8, "{leased:?}");
    link.set_up(false);
    let cut = Instant::now();
    let first = t.sell_cash(&show, &leased[0]);
    eprintln!(
        "offline noticed by the first sale after {:?}",
        cut.elapsed()
    );
    assert_eq!(first["synced"], false, "{first}");
    assert_eq!(first["secured_by"], "lease", "{first}");
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["connectivity"], "offline", "{status}");
    for seat in &leased[1..8] {
        let sold = t.sell_cash(&show, seat);
        assert_eq!(sold["secured_by"], "lease", "{sold}");
    }
    assert_eq!(t.json(&["status", "--json"])["queue_depth"], 8);

    // Back, but cut again in the middle of the push.
    link.set_up(true);
    let mut push = t
        .command()
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    link.set_up(false);
    let _ = push.wait();
    link.set_up(true);
    // Back for good: the queue drains (a sync may meet the dead link's last
    // timeouts; the next one drains).
    let mut left = i64::MAX;
    for _ in 0..5 {
        let _ = t.run(&["sync"]);
        left = t.json(&["status", "--json"])["queue_depth"]
            .as_i64()
            .unwrap();
        if left == 0 {
            break;
        }
    }
    assert_eq!(left, 0, "the queue did not drain");

    // Nothing lost, nothing twice: every entry of the terminal is at central
    // once, and central sold exactly the terminal's seats.
    let orders = t.count("orders");
    assert_eq!(orders, 11);
    assert_eq!(
        central_count(
            &db,
            "SELECT count(*) FROM orders WHERE terminal_id = 'dxb-marina-t1'"
        ),
        orders
    );
    assert_eq!(
        central_count(
            &db,
            "SELECT count(*) FROM applied_entries WHERE terminal_id = 'dxb-marina-t1'"
        ),
        t.count("outbox")
    );
    assert_eq!(
        central_count(
            &db,
            "SELECT count(*) FROM sold_seats s JOIN orders o ON o.id = s.order_id
             WHERE o.terminal_id = 'dxb-marina-t1'"
        ),
        t.count("order_seats")
    );
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["connectivity"], "online", "{status}");
    assert_eq!(status["needs_attention"], 0, "{status}");
}

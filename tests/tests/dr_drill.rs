//! The quarterly disaster-recovery drill: central's database is restored
//! from a backup taken before a stretch of trading. Every terminal learns
//! from central's heartbeat answer that central is behind on its entries and
//! sends again what central lost; a seat sold to someone else meanwhile
//! becomes a conflict task, never a silent loss. A terminal restored from an
//! older copy of its own database counts its order references on from what
//! central has seen. Real central, real terminals, real SQLite files.

use e2e::{Central, Terminal};

fn central_orders(central: &Central) -> i64 {
    let conn = rusqlite::Connection::open(&central.db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM orders WHERE terminal_id = 'dxb-marina-t1'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn count_of(reference: &str) -> u32 {
    protocol::reference_tail(reference)
        .expect("a T reference")
        .1
}

#[test]
fn after_central_is_restored_every_lost_sale_comes_back_or_becomes_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let mut central = Central::start(dir.path());
    let t = Terminal::new(dir.path().join("t1"));
    t.init(&central, "dxb-marina", "dxb-marina-t1");
    let show = t.show_id_on("Screen 2");
    for seat in ["G-1", "G-2"] {
        assert_eq!(t.sell_cash(&show, seat)["synced"], true);
    }

    // The nightly backup (SQLite's own consistent copy of the live file).
    let backup = dir.path().join("central-backup.sqlite");
    rusqlite::Connection::open(&central.db)
        .unwrap()
        .execute("VACUUM INTO ?1", [backup.to_str().unwrap()])
        .unwrap();

    // A stretch of trading after the backup.
    let mut after = Vec::new();
    for seat in ["G-3", "G-4", "G-5"] {
        let sold = t.sell_cash(&show, seat);
        assert_eq!(sold["synced"], true, "{sold}");
        after.push(sold["order_id"].as_str().unwrap().to_string());
    }
    assert_eq!(central_orders(&central), 5);

    // Central's disk is lost; IT restores the backup.
    central.stop();
    for ext in ["", "-wal", "-shm"] {
        let mut name = central.db.as_os_str().to_owned();
        name.push(ext);
        let _ = std::fs::remove_file(std::path::PathBuf::from(name));
    }
    std::fs::copy(&backup, &central.db).unwrap();
    central.restart();
    assert_eq!(
        central_orders(&central),
        2,
        "central is back as it was at the backup"
    );
    assert_eq!(central.seat_state(&show, "G-4"), "free");

    // Meanwhile a web customer buys G-4, which central no longer knows is sold.
    let (code, body) = central.post(
        "/v1/web/sales",
        &serde_json::json!({"showtime_id": show, "seats": ["G-4"]}),
    );
    assert_eq!(code, 200, "{body}");

    // The terminal's next sync hears that central is behind and sends again.
    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        central_orders(&central),
        4,
        "G-3 and G-5 are back at central"
    );
    assert_eq!(central.seat_state(&show, "G-3"), "sold");
    assert_eq!(central.seat_state(&show, "G-5"), "sold");
    // G-4 is a conflict task, on both sides.
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["queue_depth"], 0, "{status}");
    assert_eq!(status["open_conflicts"], 1, "{status}");
    let (code, conflicts) = central.get_status("/v1/sites/dxb-marina/conflicts", "dxb-marina-t1");
    assert_eq!(code, 200);
    let conflicts = conflicts.as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["order_id"], after[1]);
    // A second sync sends nothing twice.
    let out = t.run(&["sync"]);
    assert!(out.status.success());
    assert_eq!(central_orders(&central), 4);

    // The terminal itself restored from an older copy (its order count
    // back at 0): central's heartbeat answer moves the count past every
    // reference central has seen, so none is printed twice.
    let highest = {
        let conn = rusqlite::Connection::open(&central.db).unwrap();
        let refs: Vec<String> = conn
            .prepare("SELECT reference FROM orders WHERE terminal_id = 'dxb-marina-t1'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        refs.iter().map(|r| count_of(r)).max().unwrap()
    };
    {
        let conn = rusqlite::Connection::open(dir.path().join("t1/terminal.sqlite")).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        conn.execute(
            "UPDATE config SET value = '0' WHERE key = 'order_count'",
            [],
        )
        .unwrap();
    }
    let out = t.run(&["sync"]);
    assert!(out.status.success());
    let next = t.sell_cash(&show, "G-6");
    let reference = next["order_ref"].as_str().unwrap();
    assert!(
        count_of(reference) > highest,
        "{reference} after count {highest}"
    );
}

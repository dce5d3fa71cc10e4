//! Order references are unique by construction (each terminal's number and
//! its own count), and one entry central cannot store is deferred on its
//! own: the rest of the terminal's queue goes on, and the entry is applied
//! once the trouble passes. Real central, real terminals, real SQLite files.

use e2e::{Central, Terminal};

/// `(terminal number, count)` of a `T` reference.
fn tail(reference: &str) -> (u32, u32) {
    protocol::reference_tail(reference).unwrap_or_else(|| panic!("not a T reference: {reference}"))
}

fn terminal_number(central: &Central, terminal: &str) -> u32 {
    let site = central
        .get_status("/v1/sites/dxb-marina/catalog", terminal)
        .1;
    site["site"]["terminal_numbers"][terminal]
        .as_u64()
        .unwrap_or_else(|| panic!("no number for {terminal}: {}", site["site"])) as u32
}

#[test]
fn references_carry_the_terminal_and_its_count() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t1 = Terminal::new(dir.path().join("t1"));
    t1.init(&central, "dxb-marina", "dxb-marina-t1");
    let t2 = Terminal::new(dir.path().join("t2"));
    t2.init(&central, "dxb-marina", "dxb-marina-t2");
    let (n1, n2) = (
        terminal_number(&central, "dxb-marina-t1"),
        terminal_number(&central, "dxb-marina-t2"),
    );
    assert_ne!(n1, n2);
    let show = t1.show_id_on("Screen 2");
    let mut refs: Vec<String> = Vec::new();
    for seat in ["E-1", "E-2", "E-3"] {
        let r = t1.sell_cash(&show, seat)["order_ref"]
            .as_str()
            .unwrap()
            .to_string();
        let (number, count) = tail(&r);
        assert_eq!(number, n1, "{r}");
        // Counts only go up (each CLI call is a process, which reserves its
        // own block of numbers).
        if let Some(last) = refs.last() {
            assert!(count > tail(last).1, "{r} after {last}");
        }
        refs.push(r);
    }
    // The other counter counts on its own, under its own number.
    let r = t2.sell_cash(&show, "E-4")["order_ref"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(tail(&r).0, n2, "{r}");
    assert!(!refs.contains(&r));
    // The count is kept across processes (each CLI call is one) and found
    // again by reference.
    let found = t1.json(&["orders", "--text", &refs[1], "--pin", "222222", "--json"]);
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
}

#[test]
fn an_entry_central_cannot_store_waits_alone_and_is_applied_later() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t = Terminal::new(dir.path().join("t1"));
    t.init(&central, "dxb-marina", "dxb-marina-t1");
    let show = t.show_id_on("Screen 2");
    // Central's database refuses one seat (as a broken disk or index would).
    let db = rusqlite::Connection::open(&central.db).unwrap();
    db.execute_batch(
        "CREATE TRIGGER trap BEFORE INSERT ON sold_seats WHEN NEW.seat_label = 'F-3'
         BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;",
    )
    .unwrap();

    let stuck = t.sell_cash(&show, "F-3");
    assert_eq!(stuck["synced"], false, "{stuck}");
    // The next sale goes through at once: the queue does not wait for F-3.
    let next = t.sell_cash(&show, "F-4");
    assert_eq!(next["synced"], true, "{next}");
    assert_eq!(central.seat_state(&show, "F-4"), "sold");
    assert_ne!(central.seat_state(&show, "F-3"), "sold");
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["queue_depth"], 1, "{status}");
    assert_eq!(status["needs_attention"], 0, "{status}");

    // The trouble passes: the next sync applies it, once.
    db.execute_batch("DROP TRIGGER trap").unwrap();
    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(central.seat_state(&show, "F-3"), "sold");
    let status = t.json(&["status", "--json"]);
    assert_eq!(status["queue_depth"], 0, "{status}");
    let applied: i64 = db
        .query_row(
            "SELECT count(*) FROM orders WHERE id = ?1",
            [stuck["order_id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(applied, 1);
}

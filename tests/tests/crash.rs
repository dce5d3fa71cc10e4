//! kill -9 in the middle of sales: what the cashier saw as paid is there after
//! a restart, and nothing is half written.

use e2e::{bin, demo_terminal};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A tiny deterministic generator, so a failing run reproduces.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn sales_killed_at_random_points_are_whole_or_absent() {
    let dir = tempfile::tempdir().unwrap();
    let (central, t) = demo_terminal(dir.path());
    let show = t.show_id_on("Screen 2");
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_b0c5);
    let mut rng = XorShift(seed);
    let mut paid = Vec::new();
    for i in 0..24u32 {
        let row = ["B", "C", "D", "E", "F", "G"][(i / 4) as usize];
        let seat = format!("{row}-{}", 1 + (i % 4) * 3);
        let mut child = Command::new(bin("boxoffice-site"))
            .arg("--data")
            .arg(&t.data)
            .args([
                "sell",
                "--showtime",
                &show,
                "--seats",
                &seat,
                "--pay",
                "cash:100",
                "--pin",
                "1111",
                "--json",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill somewhere between start-up and well after the sale (the PIN
        // check alone takes tens of milliseconds).
        std::thread::sleep(Duration::from_millis(rng.next() % 400));
        let _ = child.kill(); // SIGKILL
        let out = child.wait_with_output().unwrap();
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&out.stdout) {
            paid.push((v["order_id"].as_str().unwrap().to_string(), seat));
        }
    }
    // Restart: the terminal opens its database and drains its outbox.
    t.json(&["status", "--json"]);
    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let conn = rusqlite::Connection::open(t.data.join("terminal.sqlite")).unwrap();
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    // Whole or absent: every order has its seats, its payment, its outbox entry and its tickets.
    assert_eq!(
        q(
            "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_seats s WHERE s.order_id = o.id)"
        ),
        0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM payments p WHERE p.order_id = o.id) <> 1"
        ),
        0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM outbox b WHERE b.order_id = o.id) <> 1"
        ),
        0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM outbox b WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = b.order_id)"
        ),
        0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM print_jobs j WHERE j.order_id = o.id AND j.kind = 'receipt')"
        ),
        0
    );
    // Every sale the cashier saw as paid is there, and central has it after the restart.
    for (order, seat) in &paid {
        let n: i64 = conn
            .query_row("SELECT count(*) FROM orders WHERE id = ?1", [order], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 1, "paid order {order} is missing");
        assert_eq!(
            central.seat_state(&show, seat),
            "sold",
            "{seat} of paid order {order}"
        );
    }
    assert_eq!(
        q("SELECT count(*) FROM outbox WHERE state = 'pending'"),
        0,
        "outbox drained"
    );
    // Central and terminal agree on every committed sale.
    let committed = q("SELECT count(*) FROM order_seats");
    let mut stmt = conn.prepare("SELECT seat_label FROM order_seats").unwrap();
    let seats: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(seats.len() as i64, committed);
    for s in seats {
        assert_eq!(central.seat_state(&show, &s), "sold", "{s}");
    }
    eprintln!(
        "seed {seed:#x}: {} paid of 24 attempts, {committed} committed",
        paid.len()
    );
}

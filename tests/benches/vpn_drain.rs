//! Draining a backlog of 10,000 queued sales through a real OpenVPN tunnel
//! whose WAN has 80 ms round trip and 1 % packet loss (`e2e::vpn`: network
//! namespaces, a user-space delaying and dropping relay), with the real
//! binaries: central (TLS, demo chain) on the tunnel's far end, the
//! terminal's `boxoffice-site push` on the near end. The goal is under 5 s.
//!
//! Run with `make bench-vpn` (root: it makes namespaces and a tun device).

use e2e::vpn::{Link, cannot_run};
use rusqlite::params;
use std::time::{Duration, Instant};

const BACKLOG: usize = 10_000;

fn main() {
    if let Some(why) = cannot_run() {
        println!("SKIPPED: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    // The WAN's one-way delay and loss; VPN_DELAY_MS and VPN_LOSS_PCT change
    // them (0 and 0: what the tunnel and the work cost on their own).
    let env = |k: &str, default: f64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(default)
    };
    let (delay_ms, loss_pct) = (env("VPN_DELAY_MS", 40.0) as u32, env("VPN_LOSS_PCT", 1.0));
    let link = Link::start(dir.path(), delay_ms, loss_pct);
    let t = link.terminal(dir.path().join("t1"));
    queue_backlog(&link.db, &dir.path().join("t1/terminal.sqlite"), BACKLOG);
    assert_eq!(
        t.json(&["status", "--json"])["queue_depth"].as_u64(),
        Some(BACKLOG as u64)
    );
    let start = Instant::now();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let out = t.run(&["push"]);
        let left = t.json(&["status", "--json"])["queue_depth"]
            .as_u64()
            .unwrap_or(u64::MAX);
        if left == 0 {
            break;
        }
        assert!(
            rounds < 5,
            "{left} left after {rounds} pushes: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let drained = start.elapsed();
    let at_central: i64 = rusqlite::Connection::open(&link.db)
        .and_then(|c| {
            c.query_row(
                "SELECT count(*) FROM applied_entries WHERE terminal_id = 'dxb-marina-t1'",
                [],
                |r| r.get(0),
            )
        })
        .expect("count");
    assert_eq!(at_central as usize, BACKLOG);
    println!(
        "backlog of {BACKLOG} through OpenVPN, {} ms RTT, {loss_pct} % loss: drained in {:.2} s \
         ({:.0} entries/s, {rounds} push command(s), each a new process and TLS session)",
        delay_ms * 2,
        drained.as_secs_f64(),
        BACKLOG as f64 / drained.as_secs_f64()
    );
}

/// `n` one-seat override sales over distinct seats of new showtimes days
/// ahead, straight into the terminal's outbox (as if sold offline), and the
/// showtimes into central's database.
fn queue_backlog(central: &std::path::Path, terminal: &std::path::Path, n: usize) {
    let c = rusqlite::Connection::open(central).expect("central db");
    c.busy_timeout(Duration::from_secs(10)).expect("busy");
    let (film, screen, card, price): (String, String, String, i64) = c
        .query_row(
            "SELECT s.film_id, s.screen_id, s.price_card_id, p.price_minor FROM showtimes s
             JOIN prices p ON p.price_card_id = s.price_card_id AND p.ticket_type = 'adult'
             WHERE s.site_id = 'dxb-marina' AND s.screen_id = 'dxb-marina-s1' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("a showtime of the IMAX screen");
    let seats: Vec<String> = c
        .prepare(
            "SELECT label FROM screen_seats WHERE screen_id = ?1 AND blocked = 0 ORDER BY y, x",
        )
        .expect("seats")
        .query_map([&screen], |r| r.get(0))
        .expect("seats")
        .map(|r| r.expect("seat"))
        .collect();
    let base = jiff::Timestamp::now().as_second() + 3 * 86_400;
    let shows: Vec<String> = (0..n.div_ceil(seats.len()))
        .map(|k| format!("vpn-bench-{k}"))
        .collect();
    for (k, id) in shows.iter().enumerate() {
        c.execute(
            "INSERT INTO showtimes (id, site_id, screen_id, film_id, starts_at, format, price_card_id)
             VALUES (?1, 'dxb-marina', ?2, ?3, ?4, 'IMAX', ?5)",
            params![id, screen, film, base + k as i64 * 60, card],
        )
        .expect("showtime");
    }
    let mut t = rusqlite::Connection::open(terminal).expect("terminal db");
    t.busy_timeout(Duration::from_secs(10)).expect("busy");
    let tx = t.transaction().expect("tx");
    let now = jiff::Timestamp::now();
    for (show, seat) in shows
        .iter()
        .flat_map(|s| seats.iter().map(move |seat| (s, seat)))
        .take(n)
    {
        let order_id = uuid::Uuid::now_v7();
        let body = serde_json::json!({
            "kind": "sale",
            "order_id": order_id,
            "showtime_id": show,
            "seats": [{"label": seat, "ticket_type": "adult", "price_minor": price}],
            "secured_by": {"by": "override", "manager_id": "dxb-marina-manager"},
            "total_minor": price,
            "vat_minor": price * 5 / 105,
            "currency": "AED",
            "payments": [{"method": "cash", "amount_minor": price}],
            "cashier_id": "dxb-marina-cashier",
            "sold_at": now,
            "sold_at_central_estimate": now,
        });
        tx.execute(
            "INSERT INTO outbox (id, order_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                uuid::Uuid::now_v7().to_string(),
                order_id.to_string(),
                body.to_string(),
                now.as_second()
            ],
        )
        .expect("outbox row");
    }
    tx.commit().expect("commit");
}

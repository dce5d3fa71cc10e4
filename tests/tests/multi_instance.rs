//! Two central instances behind one PostgreSQL database (as behind a load
//! balancer): a seat is sold at most once whichever instance each buyer
//! reaches, an entry is applied once even when its retry lands on the other
//! instance, and a follower on either instance sees every seat event, in
//! order, with no gap.

use e2e::Central;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn two_instances(dir: &std::path::Path) -> (Central, Central) {
    let store = central::testing::fresh_postgres_database();
    let db = dir.join("central.sqlite");
    let a = Central::start_on(&store, &db, &[], None);
    let b = Central::start_on(&store, &db, &[], None);
    (a, b)
}

/// A GET as Dubai Marina's first counter, which must succeed.
fn as_terminal(c: &Central, path: &str) -> Value {
    let (status, body) = c.get_status(path, "dxb-marina-t1");
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The latest showtime of Dubai Marina and its standard seats, front first.
fn show_and_seats(c: &Central) -> (String, Vec<String>) {
    let site = "dxb-marina";
    let catalog = as_terminal(c, &format!("/v1/sites/{site}/catalog"));
    let show = catalog["showtimes"]
        .as_array()
        .expect("showtimes")
        .iter()
        .max_by_key(|s| s["starts_at"].as_str().unwrap_or("").to_string())
        .expect("a showtime")
        .clone();
    let screen = catalog["screens"]
        .as_array()
        .expect("screens")
        .iter()
        .find(|s| s["id"] == show["screen_id"])
        .expect("its screen")
        .clone();
    let seats = screen["seats"]
        .as_array()
        .expect("seats")
        .iter()
        .filter(|s| s["blocked"] != json!(true) && s["kind"] == "standard")
        .map(|s| s["label"].as_str().expect("label").to_string())
        .collect();
    (show["id"].as_str().expect("id").to_string(), seats)
}

#[test]
fn a_seat_is_sold_once_whichever_instance_each_buyer_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    let (show, seats) = show_and_seats(&a);
    let seats: Vec<String> = seats.into_iter().take(12).collect();
    // Eight buyers, four on each instance, race for the same twelve seats.
    let sold: Vec<(usize, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|buyer| {
                let (c, show, seats) = (if buyer % 2 == 0 { &a } else { &b }, &show, &seats);
                s.spawn(move || {
                    let mut won = Vec::new();
                    for seat in seats {
                        let (status, _) = c.post(
                            "/v1/web/sales",
                            &json!({ "showtime_id": show, "seats": [seat] }),
                        );
                        if status == 200 || status == 201 {
                            won.push((buyer, seat.clone()));
                        } else {
                            assert_eq!(status, 409, "a lost race is seat_unavailable");
                        }
                    }
                    won
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let labels: BTreeSet<&String> = sold.iter().map(|(_, s)| s).collect();
    assert_eq!(sold.len(), 12, "each seat sold exactly once: {sold:?}");
    assert_eq!(labels.len(), 12);
    // Both instances answer the same seat states.
    let states = |c: &Central| -> Value { as_terminal(c, &format!("/v1/showtimes/{show}/seats")) };
    assert_eq!(states(&a)["seats"], states(&b)["seats"]);
}

fn push(c: &Central, terminal: &str, batch: &Value) -> Value {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/v1/push", c.url))
        .header("x-boxoffice-terminal", terminal)
        .json(batch)
        .send()
        .expect("push");
    assert_eq!(resp.status().as_u16(), 200);
    resp.json().expect("push answer")
}

fn outcomes(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// A sale of one seat at AED 50.00, paid cash, secured by a manager's override.
fn sale(show: &str, seat: &str) -> Value {
    e2e::override_sale(show, seat, 5000, 5000)
}

fn feed(c: &Central, site: &str, after: i64) -> Vec<(i64, String, String)> {
    as_terminal(c, &format!("/v1/sites/{site}/seat-events?after={after}"))["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["seq"].as_i64().expect("seq"),
                e["seat"].as_str().unwrap_or_default().to_string(),
                e["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_retried_entry_is_applied_once_and_followers_of_both_instances_see_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    let site = "dxb-marina";
    let (show, seats) = show_and_seats(&a);
    let start = as_terminal(&a, &format!("/v1/sites/{site}/seat-events"))["last_seq"]
        .as_i64()
        .expect("last_seq");
    // A follower long-polls instance B while sales go through A.
    let waiting = std::thread::scope(|s| {
        let follower = s.spawn(|| {
            let t0 = std::time::Instant::now();
            let got = as_terminal(
                &b,
                &format!("/v1/sites/{site}/seat-events?after={start}&wait_ms=20000"),
            );
            (t0.elapsed(), got)
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        // Two sales pushed to A; the same entries sent again to B (a retry
        // the load balancer sent elsewhere) are duplicates, not sales.
        let batch = json!({"entries": [
            {"id": uuid::Uuid::now_v7(), "seq": 1, "body": sale(&show, &seats[0])},
            {"id": uuid::Uuid::now_v7(), "seq": 2, "body": sale(&show, &seats[1])},
        ]});
        assert_eq!(
            outcomes(&push(&a, "dxb-marina-t1", &batch)),
            ["applied", "applied"]
        );
        assert_eq!(
            outcomes(&push(&b, "dxb-marina-t1", &batch)),
            ["duplicate", "duplicate"]
        );
        follower.join().unwrap()
    });
    let (waited, got) = waiting;
    assert!(
        !got["events"].as_array().expect("events").is_empty(),
        "B's follower woke up for A's sale after {waited:?}: {got}"
    );
    // Web sales through B meanwhile.
    for seat in &seats[2..5] {
        let (status, body) = b.post(
            "/v1/web/sales",
            &json!({ "showtime_id": show, "seats": [seat] }),
        );
        assert!(status < 300, "{status} {body}");
    }
    // Both feeds hold the same events, in increasing order: two sales and
    // three web sales, each seat sold once.
    let (from_a, from_b) = (feed(&a, site, start), feed(&b, site, start));
    assert_eq!(from_a, from_b);
    assert!(from_a.windows(2).all(|w| w[0].0 < w[1].0), "{from_a:?}");
    let sold: Vec<&String> = from_a
        .iter()
        .filter(|e| e.2 == "sold")
        .map(|e| &e.1)
        .collect();
    assert_eq!(sold, seats[..5].iter().collect::<Vec<_>>());
}

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

/// The number of the last seat event of `site`'s feed, as `c` answers it.
fn feed_end(c: &Central, site: &str) -> i64 {
    as_terminal(c, &format!("/v1/sites/{site}/seat-events"))["last_seq"]
        .as_i64()
        .expect("last_seq")
}

/// The latest showtime of Dubai Marina and its standard seats, front first.
fn show_and_seats(c: &Central) -> (String, Vec<String>) {
    show_and_seats_at(c, "dxb-marina")
}

/// The latest showtime of `site` and its standard seats, front first.
fn show_and_seats_at(c: &Central, site: &str) -> (String, Vec<String>) {
    let (status, catalog) =
        c.get_status(&format!("/v1/sites/{site}/catalog"), &format!("{site}-t1"));
    assert_eq!(status, 200, "{catalog}");
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
    let start = feed_end(&a, site);
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

/// A request as a counter terminal: (status, body).
fn as_counter(
    c: &Central,
    method: &str,
    path: &str,
    terminal: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let http = reqwest::blocking::Client::new();
    let url = format!("{}{path}", c.url);
    let req = match method {
        "POST" => http.post(url),
        "DELETE" => http.delete(url),
        _ => http.get(url),
    };
    let req = req.header("x-boxoffice-terminal", terminal);
    let resp = match body {
        Some(b) => req.json(b),
        None => req,
    }
    .send()
    .expect("request to central");
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

/// The last three showtimes of Dubai Marina on screens with at least 24
/// standard seats, and 24 of each one's seats.
fn three_shows(c: &Central) -> Vec<(String, Vec<String>)> {
    let catalog = as_terminal(c, "/v1/sites/dxb-marina/catalog");
    let screens = catalog["screens"].as_array().expect("screens");
    let mut shows: Vec<&Value> = catalog["showtimes"]
        .as_array()
        .expect("showtimes")
        .iter()
        .collect();
    shows.sort_by_key(|s| std::cmp::Reverse(s["starts_at"].as_str().unwrap_or("").to_string()));
    shows
        .into_iter()
        .filter_map(|show| {
            let screen = screens.iter().find(|s| s["id"] == show["screen_id"])?;
            let seats: Vec<String> = screen["seats"]
                .as_array()?
                .iter()
                .filter(|s| s["blocked"] != json!(true) && s["kind"] == "standard")
                .filter_map(|s| s["label"].as_str().map(str::to_string))
                .take(24)
                .collect();
            (seats.len() == 24).then(|| (show["id"].as_str().unwrap_or("").to_string(), seats))
        })
        .take(3)
        .collect()
}

#[test]
fn concurrent_writes_on_several_showtimes_keep_the_feed_true_to_the_seats() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    let site = "dxb-marina";
    let shows = three_shows(&a);
    assert_eq!(shows.len(), 3);
    let start = feed_end(&a, site);
    // Eight workers on both instances: web sales, holds let go at once and
    // terminal sales, on three showtimes, many on the same seats.
    std::thread::scope(|s| {
        for worker in 0..8u64 {
            let (c, shows) = (if worker % 2 == 0 { &a } else { &b }, &shows);
            s.spawn(move || {
                let terminal = format!("dxb-marina-t{}", 1 + worker % 2);
                let mut x = worker.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
                for round in 0..36u64 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let (show, seats) = &shows[(x % 3) as usize];
                    let seat = &seats[((x >> 8) % 24) as usize];
                    match round % 3 {
                        0 => {
                            let body = json!({ "showtime_id": show, "seats": [seat] });
                            let (status, answer) = c.post("/v1/web/sales", &body);
                            assert!(matches!(status, 200 | 201 | 409), "{status} {answer}");
                        }
                        1 => {
                            let body = json!({"showtime_id": show, "seats": [seat], "ttl_secs": 60});
                            let (status, hold) = as_counter(c, "POST", "/v1/holds", &terminal, Some(&body));
                            assert!(matches!(status, 200 | 409), "{status} {hold}");
                            if status == 200 {
                                let id = hold["hold_id"].as_str().expect("hold id");
                                let (status, _) = as_counter(c, "DELETE", &format!("/v1/holds/{id}"), &terminal, None);
                                assert_eq!(status, 204);
                            }
                        }
                        _ => {
                            let batch = json!({"entries": [
                                {"id": uuid::Uuid::now_v7(), "seq": round, "body": sale(show, seat)},
                            ]});
                            let got = outcomes(&push(c, &terminal, &batch));
                            assert!(got == ["applied"] || got == ["conflict"], "{got:?}");
                        }
                    }
                }
            });
        }
    });
    // The feed, replayed from before the load, gives every seat's state as
    // central answers it, on both instances; its numbers only grow.
    let mut replayed: std::collections::BTreeMap<(String, String), String> = Default::default();
    let mut after = start;
    let mut last = start;
    loop {
        let page = as_terminal(&b, &format!("/v1/sites/{site}/seat-events?after={after}"));
        let events = page["events"].as_array().expect("events").clone();
        if events.is_empty() {
            break;
        }
        for e in &events {
            let seq = e["seq"].as_i64().expect("seq");
            assert!(seq > last, "feed out of order: {seq} after {last}");
            last = seq;
            let key = (
                e["showtime_id"].as_str().unwrap_or("").to_string(),
                e["seat"].as_str().unwrap_or("").to_string(),
            );
            replayed.insert(key, e["state"].as_str().unwrap_or("").to_string());
        }
        after = page["last_seq"].as_i64().expect("last_seq");
    }
    assert!(
        replayed.values().any(|s| s == "sold"),
        "nothing sold: {replayed:?}"
    );
    for c in [&a, &b] {
        for (show, seats) in &shows {
            let states = as_terminal(c, &format!("/v1/showtimes/{show}/seats"));
            for seat in seats {
                let now = states["seats"]
                    .as_array()
                    .expect("seats")
                    .iter()
                    .find(|s| s["label"] == json!(seat))
                    .and_then(|s| s["state"].as_str())
                    .unwrap_or("free");
                let fed = replayed
                    .get(&(show.clone(), seat.clone()))
                    .map_or("free", String::as_str);
                assert_eq!(
                    fed, now,
                    "{show} {seat}: the feed says {fed}, central {now}"
                );
            }
        }
    }
}

#[test]
fn a_follower_on_one_instance_keeps_up_while_the_other_sells_without_pause() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    let site = "dxb-marina";
    let (show, seats) = show_and_seats(&a);
    // Up to 50 seats, one every 100 ms: B's listener never hears a pause.
    let seats: Vec<String> = seats.into_iter().take(50).collect();
    assert_eq!(seats.len(), 50);
    let start = feed_end(&a, site);
    // The follower on B must wake for A's sales as they come, and so stop
    // the selling long before the 50th (it once waited for two quiet
    // seconds, that is until after the last sale).
    let stop = std::sync::atomic::AtomicBool::new(false);
    let wanted = 5;
    let (sold_by_a, seen_on_b) = std::thread::scope(|s| {
        let seller = s.spawn(|| {
            let mut sold = 0;
            for seat in &seats {
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let (status, body) = a.post(
                    "/v1/web/sales",
                    &json!({ "showtime_id": show, "seats": [seat] }),
                );
                assert!(status < 300, "{status} {body}");
                sold += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            sold
        });
        let mut after = start;
        let mut seen = Vec::new();
        while seen.len() < wanted {
            let page = as_terminal(
                &b,
                &format!("/v1/sites/{site}/seat-events?after={after}&wait_ms=20000"),
            );
            let events = page["events"].as_array().expect("events");
            assert!(!events.is_empty(), "B's long poll ended empty: {page}");
            seen.extend(
                events
                    .iter()
                    .map(|e| e["seat"].as_str().unwrap_or("").to_string()),
            );
            after = page["last_seq"].as_i64().expect("last_seq");
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        (seller.join().unwrap(), seen)
    });
    assert!(
        sold_by_a < seats.len(),
        "B's follower saw {wanted} sales only after A had sold all {sold_by_a} seats"
    );
    assert_eq!(seen_on_b[..wanted], seats[..wanted], "in the order sold");
}

#[test]
fn followers_sharing_reads_on_both_instances_each_see_every_event_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    let site = "dxb-marina";
    let (show, seats) = show_and_seats(&a);
    let seats: Vec<String> = seats.into_iter().take(40).collect();
    assert_eq!(seats.len(), 40);
    let start = feed_end(&a, site);
    let done = std::sync::atomic::AtomicBool::new(false);
    // Three followers on each instance (they share their instance's reads,
    // at whatever positions they reach), while two sellers sell 40 seats
    // through both instances, some in pairs.
    let seen: Vec<Vec<(i64, String)>> = std::thread::scope(|s| {
        let followers: Vec<_> = (0..6)
            .map(|k| {
                let (c, done) = (if k % 2 == 0 { &a } else { &b }, &done);
                s.spawn(move || {
                    let (mut after, mut got) = (start, Vec::new());
                    loop {
                        let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                        let wait = if finished { 0 } else { 2_000 };
                        let page = as_terminal(
                            c,
                            &format!("/v1/sites/{site}/seat-events?after={after}&wait_ms={wait}"),
                        );
                        assert_eq!(page["reset"], json!(false), "{page}");
                        let events = page["events"].as_array().expect("events");
                        for e in events {
                            let seq = e["seq"].as_i64().expect("seq");
                            got.push((seq, e["seat"].as_str().unwrap_or("").to_string()));
                        }
                        after = page["last_seq"].as_i64().expect("last_seq");
                        if finished && events.is_empty() {
                            return got;
                        }
                    }
                })
            })
            .collect();
        let sellers: Vec<_> = [&a, &b]
            .into_iter()
            .enumerate()
            .map(|(k, c)| {
                let (show, seats) = (&show, &seats);
                s.spawn(move || {
                    for pair in seats[k * 20..(k + 1) * 20].chunks(2) {
                        let body = if pair[0].ends_with('1') {
                            json!({ "showtime_id": show, "seats": pair })
                        } else {
                            json!({ "showtime_id": show, "seats": [pair[0]] })
                        };
                        let (status, answer) = c.post("/v1/web/sales", &body);
                        assert!(status < 300, "{status} {answer}");
                        if !pair[0].ends_with('1') {
                            let (status, answer) = c.post(
                                "/v1/web/sales",
                                &json!({ "showtime_id": show, "seats": [pair[1]] }),
                            );
                            assert!(status < 300, "{status} {answer}");
                        }
                    }
                })
            })
            .collect();
        for seller in sellers {
            seller.join().unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        followers.into_iter().map(|f| f.join().unwrap()).collect()
    });
    // The whole feed, read plainly once the selling is over.
    let whole: Vec<(i64, String)> = feed(&a, site, start)
        .into_iter()
        .map(|(seq, seat, _)| (seq, seat))
        .collect();
    assert_eq!(whole.len(), 40, "{whole:?}");
    for (k, got) in seen.iter().enumerate() {
        assert_eq!(
            got,
            &whole,
            "follower {k} on instance {}",
            ["A", "B"][k % 2]
        );
    }
}

#[test]
fn a_quiet_site_s_follower_moves_up_to_the_feed_s_end_when_its_wait_runs_out() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_instances(dir.path());
    // Another site's showtime, sold through A while Dubai Marina is quiet.
    let (show, seats) = show_and_seats_at(&a, "mct-avenues");
    let free = &seats[..2];
    let mut after = feed_end(&a, "dxb-marina");
    for seat in free {
        let (status, body) = a.post(
            "/v1/web/sales",
            &json!({ "showtime_id": show, "seats": [seat] }),
        );
        assert!(status < 300, "{status} {body}");
        let end = feed_end(&a, "dxb-marina");
        // A Dubai Marina follower on B: nothing for it, but once its wait
        // runs out its position is the feed's end, each time.
        let page = as_terminal(
            &b,
            &format!("/v1/sites/dxb-marina/seat-events?after={after}&wait_ms=300"),
        );
        assert_eq!(page["events"], json!([]), "{page}");
        assert_eq!(page["last_seq"].as_i64(), Some(end), "{page}");
        after = end;
    }
}

//! Central as an attacker on the VPN finds it: every route but the health
//! check needs a credential; the web shop sells only with its key, at its
//! sites, before the show, within its cap; a terminal holds and reads only
//! at its own site, within caps; pushed money is checked and a bad entry is
//! `rejected` with a reason, never a 500; a terminal refunds only its own
//! orders. The real central binary on loopback, real HTTP.

use e2e::{Central, bin};
use serde_json::{Value, json};

const T1: &str = "dxb-marina-t1";
const T2: &str = "dxb-marina-t2";

fn call(
    central: &Central,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> (u16, Value) {
    let client = reqwest::blocking::Client::new();
    let url = format!("{}{path}", central.url);
    let mut req = match method {
        "POST" => client.post(url),
        "DELETE" => client.delete(url),
        _ => client.get(url),
    };
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().expect("call central");
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

fn terminal(id: &str) -> [(&'static str, &str); 1] {
    [("x-boxoffice-terminal", id)]
}

/// A showtime of `site` that starts more than an hour from now, from
/// central's database.
fn future_show(central: &Central, site: &str) -> String {
    let conn = rusqlite::Connection::open(&central.db).unwrap();
    conn.query_row(
        "SELECT id FROM showtimes WHERE site_id = ?1 AND starts_at > unixepoch() + 3600
         AND cancelled = 0 ORDER BY starts_at LIMIT 1",
        [site],
        |r| r.get(0),
    )
    .unwrap()
}

/// The first showtime at `site` more than an hour away whose screen has at
/// least `seats` standard seats (the demo's small screens have fewer than the
/// caps test needs, and which one comes first depends on the hour).
fn future_show_with(central: &Central, site: &str, seats: i64) -> String {
    let conn = rusqlite::Connection::open(&central.db).unwrap();
    conn.query_row(
        "SELECT s.id FROM showtimes s WHERE s.site_id = ?1 AND s.starts_at > unixepoch() + 3600
         AND s.cancelled = 0
         AND (SELECT count(*) FROM screen_seats ss WHERE ss.screen_id = s.screen_id
              AND ss.blocked = 0 AND ss.kind = 'standard') >= ?2
         ORDER BY s.starts_at LIMIT 1",
        rusqlite::params![site, seats],
        |r| r.get(0),
    )
    .unwrap()
}

fn free_seats(central: &Central, show: &str, n: usize) -> Vec<String> {
    let conn = rusqlite::Connection::open(&central.db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT ss.label FROM screen_seats ss JOIN showtimes s ON s.screen_id = ss.screen_id
             WHERE s.id = ?1 AND ss.blocked = 0 AND ss.kind = 'standard'
             AND ss.label NOT IN (SELECT seat_label FROM sold_seats WHERE showtime_id = ?1)
             AND ss.label NOT IN (SELECT seat_label FROM held_seats WHERE showtime_id = ?1)
             AND ss.label NOT IN (SELECT seat_label FROM leases WHERE showtime_id = ?1)
             ORDER BY ss.y, ss.x LIMIT ?2",
        )
        .unwrap();
    stmt.query_map(rusqlite::params![show, n as i64], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn nothing_but_health_answers_without_a_credential() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let show = future_show(&central, "dxb-marina");
    assert_eq!(call(&central, "GET", "/v1/health", &[], None).0, 200);
    for (method, path, body) in [
        ("GET", "/v1/sites".to_string(), None),
        ("GET", format!("/v1/showtimes/{show}/seats"), None),
        (
            "POST",
            "/v1/web/sales".to_string(),
            Some(json!({"showtime_id": show, "seats": ["A-1"]})),
        ),
        ("GET", "/v1/sites/dxb-marina/seat-events".to_string(), None),
    ] {
        let (code, answer) = call(&central, method, &path, &[], body.as_ref());
        assert_eq!(code, 401, "{method} {path}: {answer}");
        assert_eq!(answer["code"], "unauthorized");
    }
    // A wrong key is no key.
    let (channel, _) = central.web_key();
    let wrong = [
        ("x-boxoffice-web-channel", channel.as_str()),
        ("authorization", "Bearer not-the-key"),
    ];
    let (code, _) = call(&central, "GET", "/v1/sites", &wrong, None);
    assert_eq!(code, 401);
    // A terminal sees its own site only, with its counters; the web shop
    // every site it sells at, without them.
    let (code, sites) = call(&central, "GET", "/v1/sites", &terminal(T1), None);
    assert_eq!(code, 200);
    assert_eq!(sites.as_array().unwrap().len(), 1, "{sites}");
    assert_eq!(sites[0]["id"], "dxb-marina");
    assert!(!sites[0]["terminals"].as_array().unwrap().is_empty());
    let web = central.get("/v1/sites").unwrap();
    assert!(web.as_array().unwrap().len() >= 3, "{web}");
    assert!(
        web.as_array()
            .unwrap()
            .iter()
            .all(|s| s["terminals"] == json!([]))
    );
}

#[test]
fn the_web_shop_sells_only_within_its_scope() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let key_file = dir.path().join("marina-web.json");
    let out = std::process::Command::new(bin("boxoffice-central"))
        .args(["web-channel", "--db"])
        .arg(&central.db)
        .args([
            "--id",
            "marina-shop",
            "--sites",
            "dxb-marina",
            "--max-seats",
            "2",
            "--out",
        ])
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key: Value = serde_json::from_str(&std::fs::read_to_string(&key_file).unwrap()).unwrap();
    let key = key["key"].as_str().unwrap().to_string();
    // The key is in the file, readable by its owner only, and nowhere else.
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&key));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&key));

    let bearer = format!("Bearer {key}");
    let shop = [
        ("x-boxoffice-web-channel", "marina-shop"),
        ("authorization", bearer.as_str()),
    ];
    let marina = future_show(&central, "dxb-marina");
    let seats = free_seats(&central, &marina, 3);
    let elsewhere = {
        let conn = rusqlite::Connection::open(&central.db).unwrap();
        let site: String = conn
            .query_row(
                "SELECT id FROM sites WHERE id <> 'dxb-marina' LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        future_show(&central, &site)
    };
    let sell = |show: &str, seats: &[String]| {
        call(
            &central,
            "POST",
            "/v1/web/sales",
            &shop,
            Some(&json!({"showtime_id": show, "seats": seats})),
        )
    };
    let (code, body) = sell(&elsewhere, &free_seats(&central, &elsewhere, 1));
    assert_eq!(code, 403, "{body}");
    let (code, body) = sell(&marina, &seats);
    assert_eq!(
        (code, body["code"].as_str()),
        (422, Some("bad_request")),
        "{body}"
    );
    let (code, body) = sell(&marina, &seats[..2]);
    assert_eq!(code, 200, "{body}");
    // Seat states of another site are not the shop's to read.
    let (code, _) = call(
        &central,
        "GET",
        &format!("/v1/showtimes/{elsewhere}/seats"),
        &shop,
        None,
    );
    assert_eq!(code, 403);
    // A web channel cannot act as a terminal.
    let (code, _) = call(
        &central,
        "POST",
        "/v1/push",
        &shop,
        Some(&json!({"entries": []})),
    );
    assert_eq!(code, 403);

    // A show that has started is no longer sold on the web.
    let started = {
        let conn = rusqlite::Connection::open(&central.db).unwrap();
        conn.execute(
            "UPDATE showtimes SET starts_at = unixepoch() - 60 WHERE id = ?1",
            [&marina],
        )
        .unwrap();
        marina.clone()
    };
    let (code, body) = sell(&started, &seats[2..]);
    assert_eq!(
        (code, body["code"].as_str()),
        (409, Some("conflict")),
        "{body}"
    );

    // Revoked: cut off at once.
    let out = std::process::Command::new(bin("boxoffice-central"))
        .args(["revoke-web-channel", "--db"])
        .arg(&central.db)
        .args(["--id", "marina-shop"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (code, _) = call(&central, "GET", "/v1/sites", &shop, None);
    assert_eq!(code, 401);
}

#[test]
fn a_terminal_holds_and_reads_only_at_its_site_within_caps() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let other_site = {
        let conn = rusqlite::Connection::open(&central.db).unwrap();
        conn.query_row(
            "SELECT id FROM sites WHERE id <> 'dxb-marina' LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
    };
    let elsewhere = future_show(&central, &other_site);
    let seats = free_seats(&central, &elsewhere, 2);
    let hold = json!({"showtime_id": elsewhere, "seats": seats, "ttl_secs": 60});
    let (code, body) = call(&central, "POST", "/v1/holds", &terminal(T1), Some(&hold));
    assert_eq!(code, 403, "{body}");
    let (code, _) = call(
        &central,
        "GET",
        &format!("/v1/showtimes/{elsewhere}/seats"),
        &terminal(T1),
        None,
    );
    assert_eq!(code, 403);
    let (code, _) = call(
        &central,
        "GET",
        &format!("/v1/sites/{other_site}/seat-events"),
        &terminal(T1),
        None,
    );
    assert_eq!(code, 403);

    let marina = future_show_with(&central, "dxb-marina", 201);
    let many = free_seats(&central, &marina, 101);
    assert_eq!(many.len(), 101);
    let hold = json!({"showtime_id": marina, "seats": many, "ttl_secs": 60});
    let (code, body) = call(&central, "POST", "/v1/holds", &terminal(T1), Some(&hold));
    assert_eq!(
        (code, body["code"].as_str()),
        (422, Some("limit")),
        "{body}"
    );
    // Nothing of it is held.
    assert_eq!(central.seat_state(&marina, &many[0]), "free");
    // Two holds of 100 are the most one terminal holds at once.
    let hold = json!({"showtime_id": marina, "seats": &many[..100], "ttl_secs": 60});
    let (code, body) = call(&central, "POST", "/v1/holds", &terminal(T1), Some(&hold));
    assert_eq!(code, 200, "{body}");
    let more = free_seats(&central, &marina, 101);
    let hold = json!({"showtime_id": marina, "seats": &more[..100], "ttl_secs": 60});
    let (code, body) = call(&central, "POST", "/v1/holds", &terminal(T1), Some(&hold));
    assert_eq!(code, 200, "{body}");
    let hold = json!({"showtime_id": marina, "seats": &more[100..], "ttl_secs": 60});
    let (code, body) = call(&central, "POST", "/v1/holds", &terminal(T1), Some(&hold));
    assert_eq!(
        (code, body["code"].as_str()),
        (422, Some("limit")),
        "{body}"
    );
    assert_eq!(central.seat_state(&marina, &more[100]), "free");
}

fn entry(seq: i64, body: Value) -> Value {
    json!({"id": uuid::Uuid::now_v7(), "seq": seq, "body": body})
}

fn sale_body(show: &str, seat: &str, price: i64, paid: i64) -> Value {
    e2e::override_sale(show, seat, price, paid)
}

#[test]
fn pushed_money_is_checked_and_orders_are_their_terminal_s() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let show = future_show(&central, "dxb-marina");
    let seats = free_seats(&central, &show, 4);
    let good = sale_body(&show, &seats[3], 5000, 5000);
    let mut overflow = sale_body(&show, &seats[1], i64::MAX, i64::MAX);
    overflow["seats"]
        .as_array_mut()
        .unwrap()
        .push(json!({"label": seats[2], "ticket_type": "adult", "price_minor": i64::MAX}));
    let batch = json!({"entries": [
        entry(1, sale_body(&show, &seats[0], -5000, -5000)),
        entry(2, overflow),
        entry(3, sale_body(&show, &seats[2], 5000, 100)),
        entry(4, good.clone()),
    ]});
    let (code, answer) = call(&central, "POST", "/v1/push", &terminal(T1), Some(&batch));
    assert_eq!(code, 200, "{answer}");
    let outcomes: Vec<(&str, &str)> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["outcome"].as_str().unwrap(),
                r["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("rejected", "bad_amount"),
            ("rejected", "bad_amount"),
            ("rejected", "bad_payments"),
            ("applied", ""),
        ]
    );
    assert_eq!(central.seat_state(&show, &seats[0]), "free");
    assert_eq!(central.seat_state(&show, &seats[3]), "sold");

    // Another counter of the site cannot refund (or move) that order.
    let refund_body = json!({
        "kind": "refund",
        "order_id": good["order_id"],
        "showtime_id": show,
        "amount_minor": 5000,
        "approved_by": "dxb-marina-supervisor",
        "reason": "test",
        "at": jiff::Timestamp::now().to_string(),
    });
    let refund = json!({"entries": [entry(1, refund_body.clone())]});
    let (code, answer) = call(&central, "POST", "/v1/push", &terminal(T2), Some(&refund));
    assert_eq!(code, 200);
    assert_eq!(answer["results"][0]["code"], "not_your_order", "{answer}");
    assert_eq!(central.seat_state(&show, &seats[3]), "sold");
    // The same entry id again, from the seller: another terminal's entry id
    // is not to be reused (nor its outcome learnt).
    let (code, answer) = call(&central, "POST", "/v1/push", &terminal(T1), Some(&refund));
    assert_eq!(code, 200);
    assert_eq!(answer["results"][0]["code"], "entry_id_taken", "{answer}");
    let own = json!({"entries": [entry(1, refund_body)]});
    let (code, answer) = call(&central, "POST", "/v1/push", &terminal(T1), Some(&own));
    assert_eq!(code, 200);
    assert_eq!(answer["results"][0]["outcome"], "applied", "{answer}");

    // A batch past the cap is refused whole, as a request.
    let big = json!({"entries": (0..501).map(|i| entry(i, good.clone())).collect::<Vec<_>>()});
    let (code, answer) = call(&central, "POST", "/v1/push", &terminal(T1), Some(&big));
    assert_eq!((code, answer["code"].as_str()), (422, Some("limit")));
}

/// A raw POST of `body` to `path` with `headers`: status, `Accept-Encoding`
/// of the answer, and its body as text.
fn post_raw(
    central: &Central,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, Option<String>, String) {
    let mut req = reqwest::blocking::Client::new()
        .post(format!("{}{path}", central.url))
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().expect("call central");
    let status = resp.status().as_u16();
    let accepts = resp
        .headers()
        .get("accept-encoding")
        .map(|v| v.to_str().unwrap_or("").to_string());
    (status, accepts, resp.text().unwrap_or_default())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn a_compressed_push_is_decoded_within_its_caps() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let show = future_show(&central, "dxb-marina");
    let seats = free_seats(&central, &show, 1);
    let batch = json!({"entries": [entry(1, sale_body(&show, &seats[0], 5000, 5000))]});
    let json = serde_json::to_vec(&batch).unwrap();
    let gz = [("x-boxoffice-terminal", T1), ("content-encoding", "gzip")];

    // Without a credential the body is not even read.
    let (code, _, _) = post_raw(
        &central,
        "/v1/push",
        &[("content-encoding", "gzip")],
        gzip(&json),
    );
    assert_eq!(code, 401);
    assert_eq!(central.seat_state(&show, &seats[0]), "free");

    // A gzip body is the same push.
    let (code, _, text) = post_raw(&central, "/v1/push", &gz, gzip(&json));
    assert_eq!(code, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["results"][0]["outcome"], "applied", "{answer}");
    assert_eq!(central.seat_state(&show, &seats[0]), "sold");

    // 16 MiB that compress to a few KiB are refused past 4 MiB.
    let mut bomb = b"{\"entries\": [".to_vec();
    bomb.resize(16 * 1024 * 1024, b' ');
    let bomb = gzip(&bomb);
    assert!(bomb.len() < 100 * 1024, "{}", bomb.len());
    let (code, _, text) = post_raw(&central, "/v1/push", &gz, bomb);
    assert_eq!(code, 413, "{text}");

    // Bytes that are not gzip, and an encoding central does not take.
    let (code, _, text) = post_raw(&central, "/v1/push", &gz, json.clone());
    assert_eq!(code, 400, "{text}");
    assert!(text.contains("gzip"), "{text}");
    let (code, accepts, text) = post_raw(
        &central,
        "/v1/push",
        &[("x-boxoffice-terminal", T1), ("content-encoding", "br")],
        json,
    );
    assert_eq!(code, 415, "{text}");
    assert_eq!(accepts.as_deref(), Some("gzip"));
    // Central is still up and answering.
    let (code, _) = call(&central, "GET", "/v1/health", &[], None);
    assert_eq!(code, 200);

    // A larger answer comes compressed to a caller that accepts gzip, and
    // plain to one that does not say so.
    let get_catalog = |accept: Option<&str>| {
        let mut req = reqwest::blocking::Client::new()
            .get(format!("{}/v1/sites/dxb-marina/catalog", central.url))
            .header("x-boxoffice-terminal", T1);
        if let Some(a) = accept {
            req = req.header("accept-encoding", a);
        }
        let resp = req.send().expect("catalog");
        assert_eq!(resp.status().as_u16(), 200);
        let encoding = resp
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string());
        (encoding, resp.bytes().unwrap().to_vec())
    };
    let (encoding, plain) = get_catalog(None);
    assert_eq!(encoding, None);
    let (encoding, gz) = get_catalog(Some("br;q=1, gzip;q=0.8"));
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert!(
        gz.len() * 3 < plain.len(),
        "{} of {}",
        gz.len(),
        plain.len()
    );
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded).unwrap();
    let a: Value = serde_json::from_slice(&decoded).unwrap();
    let b: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(a["site"], b["site"]);
    assert_eq!(a["version"], b["version"]);
    let (encoding, _) = get_catalog(Some("gzip;q=0"));
    assert_eq!(encoding, None);
}

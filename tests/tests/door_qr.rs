//! Door QR codes: a ticket signed by one terminal verifies on another
//! terminal of the same site with central down; altered, garbage and foreign
//! tickets are refused with stable codes.
//!
//! Key registration and key pulls are driven through the library here until
//! `init`/`sync` and ticket printing call them.

use e2e::{Central, Terminal};
use serde_json::Value;
use site::Site;
use site::clock::{SystemClock, V7Ids};
use site::rules::signing::{TicketClaims, sign_ticket};
use std::sync::Arc;

fn open(t: &Terminal) -> Site {
    Site::open(&t.data, Arc::new(SystemClock), Arc::new(V7Ids), false).expect("open terminal")
}

/// Runs `verify-ticket --json`; returns (exit code, check).
fn verify(t: &Terminal, payload: &str) -> (i32, Value) {
    let out = t.run(&["verify-ticket", payload, "--json"]);
    let check: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify-ticket printed no JSON ({e}): {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), check)
}

fn first_show(t: &Terminal, screen: &str) -> Value {
    let list = t.tomorrow_showtimes();
    list.as_array()
        .expect("showtimes")
        .iter()
        .find(|s| s["screen"].as_str().unwrap_or("").contains(screen))
        .cloned()
        .expect("a showtime on that screen")
}

/// PUT/GET with a terminal header: (status, body).
fn call(method: &str, url: &str, terminal: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::blocking::Client::new();
    let mut req = match method {
        "PUT" => client.put(url),
        _ => client.get(url),
    };
    if let Some(t) = terminal {
        req = req.header("x-boxoffice-terminal", t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().expect("call central");
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

#[test]
fn a_ticket_signed_by_one_terminal_verifies_on_another_offline() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t1 = Terminal::new(dir.path().join("t1"));
    let t2 = Terminal::new(dir.path().join("t2"));
    let mct = Terminal::new(dir.path().join("mct"));
    t1.init(&central, "dxb-marina", "dxb-marina-t1");
    t2.init(&central, "dxb-marina", "dxb-marina-t2");
    mct.init(&central, "mct-avenues", "mct-avenues-t1");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (s1, s2, s_mct) = (open(&t1), open(&t2), open(&mct));
    rt.block_on(s1.register_key()).unwrap();
    // Registering again is harmless.
    rt.block_on(s1.register_key()).unwrap();
    rt.block_on(s2.register_key()).unwrap();
    rt.block_on(s_mct.register_key()).unwrap();
    assert_eq!(
        rt.block_on(s2.pull_keys()).unwrap(),
        2,
        "t1 and t2 of dxb-marina"
    );
    assert_eq!(t2.count("terminal_keys"), 2);

    // Central guards the keys: a terminal registers only its own, a
    // different key is refused, and keys are listed to the site's terminals.
    let key_url = format!("{}/v1/terminals/dxb-marina-t1/key", central.url);
    let other_key = s2.terminal_key().unwrap().public_key_b64();
    let (status, body) = call(
        "PUT",
        &key_url,
        Some("dxb-marina-t2"),
        Some(serde_json::json!({ "public_key": other_key })),
    );
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let (status, body) = call(
        "PUT",
        &key_url,
        Some("dxb-marina-t1"),
        Some(serde_json::json!({ "public_key": other_key })),
    );
    assert_eq!((status, body["code"].as_str()), (409, Some("key_conflict")));
    let (status, body) = call(
        "PUT",
        &key_url,
        Some("dxb-marina-t1"),
        Some(serde_json::json!({ "public_key": "AAAA" })),
    );
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_key")));
    let keys_url = format!("{}/v1/sites/dxb-marina/keys", central.url);
    let (status, _) = call("GET", &keys_url, Some("mct-avenues-t1"), None);
    assert_eq!(status, 403);
    let (status, _) = call("GET", &keys_url, None, None);
    assert_eq!(status, 401);
    let (status, keys) = call("GET", &keys_url, Some("dxb-marina-t2"), None);
    assert_eq!(status, 200);
    assert_eq!(keys.as_array().unwrap().len(), 2, "{keys}");

    // t1 sells F-12 and signs its ticket.
    let show = first_show(&t1, "IMAX");
    let show_id = show["id"].as_str().unwrap();
    let sale = t1.json(&[
        "sell",
        "--showtime",
        show_id,
        "--seats",
        "F-12",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
        "--json",
    ]);
    let claims = TicketClaims {
        order_id: sale["order_id"].as_str().unwrap().to_string(),
        showtime_id: show_id.to_string(),
        seat: "F-12".into(),
        ticket_type: "adult".into(),
        site_id: "dxb-marina".into(),
        terminal_id: "dxb-marina-t1".into(),
        issued_at: 1_764_171_000,
    };
    let payload = s1.sign_ticket_payload(&claims).unwrap();
    // A terminal signs only in its own name.
    let mut not_mine = claims.clone();
    not_mine.terminal_id = "dxb-marina-t2".into();
    assert_eq!(
        s1.sign_ticket_payload(&not_mine).unwrap_err().code(),
        "invalid_input"
    );
    // The mct terminal signs a ticket of its own site.
    let mct_show = first_show(&mct, "Screen 2");
    let mct_payload = s_mct
        .sign_ticket_payload(&TicketClaims {
            order_id: "01936d2e-7b1c-7cc0-9a4e-3f2a1b0c9d8e".into(),
            showtime_id: mct_show["id"].as_str().unwrap().to_string(),
            seat: "A-1".into(),
            ticket_type: "adult".into(),
            site_id: "mct-avenues".into(),
            terminal_id: "mct-avenues-t1".into(),
            issued_at: 1_764_171_000,
        })
        .unwrap();
    // A genuine key of this site signing a ticket that names another site.
    let mut elsewhere = claims.clone();
    elsewhere.site_id = "mct-avenues".into();
    let elsewhere = sign_ticket(&s1.terminal_key().unwrap(), &elsewhere);
    drop((s1, s2, s_mct));

    // Central goes away; the door check is local.
    drop(central);

    let (code, check) = verify(&t2, &payload);
    assert_eq!(code, 0, "{check}");
    assert_eq!(check["valid"], true);
    let admits = &check["admits"];
    assert_eq!(admits["seat"], "F-12");
    assert_eq!(admits["film_title_en"], show["film_title_en"]);
    assert_eq!(admits["film_title_ar"], show["film_title_ar"]);
    assert_eq!(admits["screen"], show["screen"]);
    assert_eq!(admits["starts_at_local"], show["starts_at"]);
    assert!(
        admits["starts_at_local"]
            .as_str()
            .unwrap()
            .ends_with("+04:00")
    );
    assert_eq!(admits["ticket_type"], "adult");
    assert_eq!(admits["order_ref"], sale["order_ref"]);
    assert_eq!(check["claims"]["terminal_id"], "dxb-marina-t1");

    let out = t2.run(&["verify-ticket", &payload]);
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.starts_with("valid: ") && line.contains(show["film_title_en"].as_str().unwrap()),
        "{line}"
    );
    assert!(line.contains("F-12"), "{line}");

    // One character changed: the seat.
    let altered = payload.replacen("|F-12|", "|F-13|", 1);
    assert_ne!(altered, payload);
    let (code, check) = verify(&t2, &altered);
    assert_eq!(code, 2, "{check}");
    assert_eq!(check["valid"], false);
    assert_eq!(check["reason_code"], "ticket.bad_signature");
    assert!(check["admits"].is_null());

    // One character changed inside the order id.
    let i = payload.find('|').unwrap() + 3;
    let mut bytes = payload.clone().into_bytes();
    bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(bytes).unwrap();
    let (code, check) = verify(&t2, &altered);
    assert_eq!(
        (code, check["reason_code"].as_str()),
        (2, Some("ticket.bad_signature"))
    );

    // Garbage.
    let (code, check) = verify(&t2, "hello door");
    assert_eq!(
        (code, check["reason_code"].as_str()),
        (2, Some("ticket.malformed"))
    );
    let out = t2.run(&["verify-ticket", "hello door"]);
    assert_eq!(out.status.code(), Some(2));
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.starts_with("invalid: ") && line.contains("ticket.malformed"),
        "{line}"
    );

    // Another site's terminal: its key is not on this site's list.
    let (code, check) = verify(&t2, &mct_payload);
    assert_eq!(
        (code, check["reason_code"].as_str()),
        (2, Some("ticket.unknown_terminal"))
    );

    // A ticket naming another site.
    let (code, check) = verify(&t2, &elsewhere);
    assert_eq!(
        (code, check["reason_code"].as_str()),
        (2, Some("ticket.wrong_site"))
    );
}

//! The OpenAPI document (`docs/api/openapi.json`) agrees with the code:
//! the committed file is what `openapi()` builds, every documented operation
//! is routed and every route is documented, central's real answers match the
//! documented statuses and schemas, and real protocol values validate against
//! the component schemas.

use base64::Engine as _;
use central::{CentralDb, openapi};
use jiff::{SignedDuration, Timestamp};
use protocol::{
    API_PREFIX, API_VERSION, Catalog, EntryBody, HoldRequest, LeaseRequest, OutboxEntry, Outcome,
    PushRequest, PushResponse, Sale, SecuredBy, SoldSeat, TERMINAL_HEADER, WEB_CHANNEL_HEADER,
};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

const SITE: &str = "dxb-marina";
const TERMINAL: &str = "dxb-marina-t1";
const REGENERATE: &str = "cargo run -p boxoffice-central -- openapi > docs/api/openapi.json";

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/api/openapi.json")
}

#[test]
fn committed_document_is_current() {
    let expected = openapi::openapi_pretty();
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    if committed != expected {
        let first_diff = committed
            .lines()
            .zip(expected.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| {
                format!(
                    "first difference at line {}:\n  committed: {a}\n  code:      {b}",
                    i + 1
                )
            })
            .unwrap_or_else(|| "one is a prefix of the other".into());
        panic!(
            "docs/api/openapi.json is out of date with the code; {first_diff}\n\
             Regenerate it from the workspace root with:\n    {REGENERATE}\n\
             and review the diff: within v1 only additive changes are allowed \
             (docs/api/README.md)."
        );
    }
}

#[test]
fn version_follows_the_prefix() {
    let doc = openapi::openapi();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], API_VERSION);
    let major = API_VERSION.split('.').next().unwrap();
    assert_eq!(format!("/v{major}"), API_PREFIX);
    assert_eq!(
        API_VERSION.split('.').count(),
        3,
        "semver: MAJOR.MINOR.PATCH"
    );
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(path.starts_with(&format!("{API_PREFIX}/")), "{path}");
    }
}

#[test]
fn every_ref_resolves() {
    fn walk(v: &Value, doc: &Value, at: &str) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let pointer = r
                        .strip_prefix('#')
                        .unwrap_or_else(|| panic!("external $ref {r} at {at}"));
                    assert!(doc.pointer(pointer).is_some(), "dangling $ref {r} at {at}");
                }
                for (k, v) in map {
                    walk(v, doc, &format!("{at}/{k}"));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, doc, &format!("{at}/{i}"));
                }
            }
            _ => {}
        }
    }
    let doc = openapi::openapi();
    walk(&doc, &doc, "#");
    let mut ids = BTreeSet::new();
    for route in openapi::ROUTES {
        assert!(ids.insert(route.operation_id), "{}", route.operation_id);
    }
}

/// `(METHOD, path)` of every operation in the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            ops.insert((method.to_uppercase(), path.clone()));
        }
    }
    ops
}

/// `(METHOD, path)` of every `.route("path", method(handler)...)` in http.rs,
/// however rustfmt wraps it.
fn routed() -> BTreeSet<(String, String)> {
    let routes = parse_routes(include_str!("../src/http/mod.rs"));
    assert!(routes.len() > 10, "parsed too few routes: {routes:?}");
    routes
}

fn parse_routes(source: &str) -> BTreeSet<(String, String)> {
    const METHODS: [&str; 7] = ["get", "post", "put", "delete", "patch", "head", "options"];
    let mut routes = BTreeSet::new();
    let mut rest = source;
    while let Some(start) = rest.find(".route(") {
        rest = &rest[start + ".route(".len()..];
        // The call's text, up to its closing parenthesis.
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("unbalanced .route(");
        let call = &rest[..end];
        let path = call
            .split('"')
            .nth(1)
            .expect("a .route without a path literal");
        let handlers = &call[call.find(',').expect(".route(path, handlers)") + 1..];
        let mut any = false;
        for part in handlers.split('.') {
            let name = part.trim().split('(').next().unwrap_or_default();
            if METHODS.contains(&name) {
                routes.insert((name.to_uppercase(), path.to_string()));
                any = true;
            }
        }
        assert!(any, "no method router in .route({call})");
        rest = &rest[end..];
    }
    routes
}

#[test]
fn route_parser_reads_wrapped_and_chained_routes() {
    let source = r#"
        Router::new()
            .route("/v1/a", get(a))
            .route(
                "/v1/b/{id}",
                get(show_b).delete(delete_b),
            )
            .route("/v1/c", post(c).put(|| async { Json(x()) }))
            .with_state(db)
    "#;
    let pairs = |v: &[(&str, &str)]| -> BTreeSet<(String, String)> {
        v.iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect()
    };
    assert_eq!(
        parse_routes(source),
        pairs(&[
            ("GET", "/v1/a"),
            ("GET", "/v1/b/{id}"),
            ("DELETE", "/v1/b/{id}"),
            ("POST", "/v1/c"),
            ("PUT", "/v1/c"),
        ])
    );
}

#[test]
fn document_and_router_list_the_same_routes() {
    let doc = openapi::openapi();
    let documented = documented(&doc);
    let routed = routed();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes in http.rs missing from crates/central/src/openapi.rs ROUTES: {undocumented:?}\n\
         add them to the table, then run: {REGENERATE}"
    );
    assert!(
        unrouted.is_empty(),
        "documented operations that http.rs does not route: {unrouted:?}"
    );
}

/// A JSON Schema document for `schema`, with the document's components beside it
/// so that its `$ref`s resolve.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
    });
    for (k, v) in schema.as_object().expect("a schema object") {
        root[k] = v.clone();
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("invalid schema {schema}: {e}"))
}

fn assert_matches(doc: &Value, schema: &Value, instance: &Value, what: &str) {
    let v = validator(doc, schema);
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("  {e} (at {})", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its documented schema {schema}:\n{}\ninstance: {instance:#}",
        errors.join("\n")
    );
}

fn assert_component<T: Serialize>(doc: &Value, name: &str, value: &T) {
    let instance = serde_json::to_value(value).unwrap();
    assert_matches(
        doc,
        &json!({ "$ref": format!("#/components/schemas/{name}") }),
        &instance,
        name,
    );
}

/// A demo central in a temp dir; the database is kept for direct checks.
fn demo_db() -> (tempfile::TempDir, Arc<CentralDb>) {
    let dir = tempfile::tempdir().unwrap();
    let db = Arc::new(central::testing::open_demo(dir.path()));
    // A demo central: terminals need no token, so every handler is reached.
    db.allow_unprovisioned(true);
    (dir, db)
}

fn catalog(db: &CentralDb) -> Catalog {
    db.catalog(SITE, Timestamp::now() - SignedDuration::from_hours(24))
        .unwrap()
}

/// The latest showtime of the site (on sale whatever the time of day) and two
/// free front-row seats of it (rear rows go to terminals' leases).
fn showtime_and_seats(catalog: &Catalog) -> (String, String, String) {
    let show = catalog
        .showtimes
        .iter()
        .max_by_key(|s| s.starts_at)
        .unwrap();
    let screen = catalog
        .screens
        .iter()
        .find(|s| s.id == show.screen_id)
        .unwrap();
    let mut front: Vec<_> = screen.seats.iter().filter(|s| !s.blocked).collect();
    front.sort_by_key(|s| (s.y, s.x));
    (
        show.id.clone(),
        front[0].label.clone(),
        front[1].label.clone(),
    )
}

struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

/// One HTTP/1.1 request over a fresh connection (no client library needed).
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    if !body.is_empty() {
        text.push_str("Content-Type: application/json\r\n");
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(text.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let raw = String::from_utf8(raw).expect("a UTF-8 answer");
    let (head, payload) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let mut content_type = String::new();
    let mut chunked = false;
    for line in lines {
        let (k, v) = line.split_once(':').unwrap_or((line, ""));
        match k.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type = v.trim().to_string(),
            "transfer-encoding" => chunked = v.trim().eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let body = if chunked {
        let mut out = String::new();
        let mut rest = payload;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.push_str(&after[..n]);
            rest = &after[n + 2..];
        }
        out
    } else {
        payload.to_string()
    };
    Answer {
        status,
        content_type,
        body,
    }
}

/// Whether an answer is axum's own "no such route" (404 without an API error body).
fn is_no_route(a: &Answer) -> bool {
    let code = serde_json::from_str::<Value>(&a.body)
        .ok()
        .and_then(|v| v.get("code").cloned());
    a.status == 404 && code.is_none()
}

/// The answer's status is listed for the operation and its body matches what
/// the document says for that status.
fn assert_documented(doc: &Value, op: &Value, what: &str, answer: &Answer) {
    let documented = &op["responses"][answer.status.to_string()];
    assert!(
        documented.is_object(),
        "{what} answered {} which the document does not list: {}",
        answer.status,
        answer.body
    );
    if answer.content_type.starts_with("application/json") {
        let schema = &documented["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{what} answered {} with JSON, documented without: {}",
            answer.status,
            answer.body
        );
        let instance: Value = serde_json::from_str(&answer.body).unwrap();
        assert_matches(
            doc,
            schema,
            &instance,
            &format!("{what} answer {}", answer.status),
        );
    } else if !answer.body.is_empty() {
        assert!(
            documented["content"]["text/plain"].is_object(),
            "{what} answered {} {:?} with a body the document does not describe: {}",
            answer.status,
            answer.content_type,
            answer.body
        );
    }
}

/// Drift against the running router: every documented operation answers (not
/// "no route", not 405) with a documented status, and its JSON body matches
/// the documented schema for that status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_served_as_documented() {
    let (_dir, db) = demo_db();
    // Outside the runtime's reach: the PostgreSQL client blocks.
    let ((showtime, seat_a, seat_b), web_key) = tokio::task::block_in_place(|| {
        let seats = showtime_and_seats(&catalog(&db));
        let key = db
            .create_web_channel("test-web", None, 10, Timestamp::now())
            .unwrap();
        (seats, key)
    });
    let running = central::spawn(db.clone(), "127.0.0.1:0").await.unwrap();
    let addr = running.addr;
    let doc = openapi::openapi();

    // The discriminator works: an unknown path is "no route", a wrong method is 405.
    // Routing is checked without terminal identification: an authentication layer
    // may answer 401 for any path, routed or not, once a terminal names itself.
    let none = request(addr, "GET", "/v1/no-such-route", &[], None).await;
    assert!(is_no_route(&none), "{} {}", none.status, none.body);
    let none = request(addr, "POST", "/v1/no-such-route", &[], Some(&json!({}))).await;
    assert!(is_no_route(&none), "{} {}", none.status, none.body);
    let wrong = request(addr, "PATCH", "/v1/health", &[], None).await;
    assert_eq!(wrong.status, 405);

    // A valid Ed25519 public key (RFC 8032, test 1).
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07,
        0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07,
        0x51, 0x1a,
    ]);
    let mut checked = 0;
    for route in openapi::ROUTES {
        let op = &doc["paths"][route.path][route.method];
        let method = route.method.to_uppercase();
        let what = format!("{method} {}", route.path);
        let id = if route.path.starts_with("/v1/showtimes/") {
            showtime.as_str()
        } else if route.path.starts_with("/v1/terminals/") {
            TERMINAL
        } else {
            "openapi-test-hold"
        };
        let mut path = route
            .path
            .replace("{site}", SITE)
            .replace("{id}", id)
            .replace("{reference}", "W00000000")
            .replace("{target}", "linux-x86_64-deb")
            .replace("{version}", "0.1.0");
        assert!(!path.contains('{'), "fill the parameters of {what}");
        let query: Vec<String> = route
            .query
            .iter()
            .map(|p| match p.name {
                "after" | "wait_ms" => format!("{}=0", p.name),
                "known" => "known=none".to_string(),
                "day" => "day=2026-12-04".to_string(),
                other => panic!("give an example value for query parameter {other} of {what}"),
            })
            .collect();
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let body = route.request.map(|_| match route.operation_id {
            "createHold" => json!({ "showtime_id": showtime, "seats": [seat_a], "ttl_secs": 60 }),
            "push" => json!({ "entries": [] }),
            "createWebSale" => json!({ "showtime_id": showtime, "seats": [seat_b] }),
            "registerTerminalKey" => json!({ "public_key": key }),
            // No enrollment was issued: the documented refusal (401).
            "enrollTerminal" => {
                json!({ "secret": "not-issued", "public_key": key, "proof": "AAAA" })
            }
            "topUpLeases" => json!({ "showtime_ids": [] }),
            "returnLeases" => json!({ "showtime_id": showtime, "seats": [] }),
            "postHeartbeat" => json!({ "queue_depth": 0, "open_conflicts": 0, "version": "test" }),
            "extendHold" => json!({ "ttl_secs": 60 }),
            other => panic!("give an example request body for {other} ({what})"),
        });
        if let Some(body) = &body {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            assert_matches(&doc, schema, body, &format!("example request of {what}"));
        }
        // 1. Routed: without identification every route answers, terminal
        //    routes with a documented 401 `unknown_terminal`.
        let anonymous = request(addr, &method, &path, &[], body.as_ref()).await;
        assert!(
            !is_no_route(&anonymous) && anonymous.status != 405,
            "{what} is documented but central does not route it: {} {}",
            anonymous.status,
            anonymous.body
        );
        assert_documented(&doc, op, &what, &anonymous);
        // Every route but the health check and the document needs a credential.
        if route.caller != openapi::Caller::Anyone {
            assert_eq!(anonymous.status, 401, "{what} answered an anonymous caller");
        }
        // 2. As documented: the same request as its callers send it.
        let bearer = format!("Bearer {web_key}");
        let as_terminal = [(TERMINAL_HEADER, TERMINAL)];
        let as_web = [
            (WEB_CHANNEL_HEADER, "test-web"),
            ("authorization", bearer.as_str()),
        ];
        let callers: &[&[(&str, &str)]] = match route.caller {
            openapi::Caller::Anyone => &[],
            openapi::Caller::Terminal => &[&as_terminal],
            openapi::Caller::Website => &[&as_web],
            openapi::Caller::TerminalOrWebsite => &[&as_terminal, &as_web],
        };
        for headers in callers {
            let answer = request(addr, &method, &path, headers, body.as_ref()).await;
            assert_documented(&doc, op, &what, &answer);
            assert!(
                answer.status < 500,
                "{what} as its caller: {} {}",
                answer.status,
                answer.body
            );
        }
        if route.path == "/v1/openapi.json" {
            assert_eq!(serde_json::from_str::<Value>(&anonymous.body).unwrap(), doc);
        }
        checked += 1;
    }
    assert_eq!(checked, documented(&doc).len());
    running.task.abort();
}

fn sale(showtime: &str, seat: &str, price: i64, secured_by: SecuredBy) -> Sale {
    let seats = vec![SoldSeat {
        label: seat.to_string(),
        ticket_type: "adult".into(),
        price_minor: price,
        showtime_id: None,
    }];
    Sale {
        secured_by,
        ..central::testing::sale(showtime, seats)
    }
}

/// Real values from a demo central (through its database, no HTTP) validate
/// against the component schemas: the schemas cannot silently disagree with serde.
#[test]
fn real_protocol_values_match_the_component_schemas() {
    let doc = openapi::openapi();
    let (_dir, db) = demo_db();
    let now = Timestamp::now();
    let catalog = catalog(&db);
    assert_component(&doc, "Catalog", &catalog);
    let (showtime, seat_a, seat_b) = showtime_and_seats(&catalog);
    let price = catalog.price_cards[0].prices[0].price_minor;

    let hold = db
        .create_hold(
            TERMINAL,
            &HoldRequest {
                showtime_id: showtime.clone(),
                seats: vec![seat_a.clone()],
                ttl_secs: 60,
                replaces: None,
            },
            Uuid::now_v7(),
            now,
        )
        .unwrap();
    assert_component(&doc, "Hold", &hold);
    let entry = |seq, body| OutboxEntry {
        id: Uuid::now_v7(),
        seq,
        body,
    };
    let held = entry(
        1,
        EntryBody::Sale(sale(
            &showtime,
            &seat_a,
            price,
            SecuredBy::Hold {
                hold_id: hold.hold_id.clone(),
            },
        )),
    );
    let overridden = entry(
        2,
        EntryBody::Sale(sale(
            &showtime,
            &seat_a,
            price,
            SecuredBy::Override {
                manager_id: "dxb-marina-manager".into(),
            },
        )),
    );
    let unknown = entry(
        3,
        EntryBody::Sale(sale("no-such-showtime", &seat_b, price, SecuredBy::Lease)),
    );
    let request = PushRequest {
        entries: vec![held.clone(), overridden.clone(), unknown],
    };
    assert_component(&doc, "PushRequest", &request);
    let mut results = db.push(TERMINAL, &request.entries, now).unwrap();
    // Resending gives `duplicate` with the first outcome.
    results.extend(db.push(TERMINAL, &[held, overridden], now).unwrap());
    let kinds: BTreeSet<&str> = results
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Applied => "applied",
            Outcome::Conflict { .. } => "conflict",
            Outcome::Rejected { .. } => "rejected",
            Outcome::Deferred { .. } => "deferred",
            Outcome::Duplicate { .. } => "duplicate",
        })
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["applied", "conflict", "rejected", "duplicate"]),
        "{results:?}"
    );
    assert!(results.iter().any(|r| matches!(
        &r.outcome,
        Outcome::Duplicate { first } if matches!(**first, Outcome::Conflict { .. })
    )));
    let response = PushResponse {
        results,
        central_time: now,
    };
    assert_component(&doc, "PushResponse", &response);

    let leases = db
        .top_up_leases(TERMINAL, &LeaseRequest::default(), now)
        .unwrap();
    assert!(!leases.showtimes.is_empty(), "the demo grants leases");
    assert_component(&doc, "Leases", &leases);
    let events = db.seat_events(SITE, Some(0)).unwrap();
    assert!(events.events.iter().any(|e| e.owner.is_some()));
    assert_component(&doc, "SeatEvents", &events);
    assert_component(&doc, "SeatEvents", &db.seat_events(SITE, None).unwrap());
    assert_component(&doc, "SeatStates", &db.seat_states(&showtime, now).unwrap());
    for site in db.sites().unwrap() {
        assert_component(&doc, "SiteInfo", &site);
    }
    let conflicts = db.conflicts(SITE).unwrap();
    assert!(!conflicts.is_empty());
    for task in &conflicts {
        assert_component(&doc, "ConflictTask", task);
    }
    // A sale is refused by the schema when serde would refuse it too.
    let mut bad = serde_json::to_value(&request).unwrap();
    bad["entries"][0]["body"]["kind"] = json!("gift");
    assert!(serde_json::from_value::<PushRequest>(bad.clone()).is_err());
    assert!(
        !validator(&doc, &json!({ "$ref": "#/components/schemas/PushRequest" })).is_valid(&bad)
    );
}

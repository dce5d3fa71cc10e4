//! What central IT's monitoring sees of central: Prometheus metrics on an
//! address of their own (requests and latency per route, push outcomes,
//! long polls open, requests at work and waiting their turn, the database
//! lock, each terminal's queue from its
//! heartbeat), and logs of one JSON event per line with no secret in them.

use e2e::{Central, Terminal, free_port};
use serde_json::Value;

fn metric(page: &str, name_and_labels: &str) -> Option<f64> {
    page.lines()
        .find(|l| l.starts_with(name_and_labels) && l[name_and_labels.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[test]
fn central_exposes_metrics_and_logs_json_lines_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("central.log");
    let metrics_port = free_port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let central = Central::start_with(dir.path(), &["--metrics-listen", &metrics_addr], Some(&log));
    let t = Terminal::new(dir.path().join("t1"));
    t.init(&central, "dxb-marina", "dxb-marina-t1");
    let show = t.show_id_on("Screen 2");
    let sold = t.sell_cash(&show, "H-1");
    assert_eq!(sold["synced"], true, "{sold}");
    let (code, _) = central.post(
        "/v1/web/sales",
        &serde_json::json!({"showtime_id": show, "seats": ["H-2"]}),
    );
    assert_eq!(code, 200);
    let (code, _) = central.post(
        "/v1/web/sales",
        &serde_json::json!({"showtime_id": show, "seats": ["H-2"]}),
    );
    assert_eq!(code, 409);
    let out = t.run(&["sync"]);
    assert!(out.status.success());

    let page = reqwest::blocking::get(format!("http://{metrics_addr}/metrics"))
        .unwrap()
        .text()
        .unwrap();
    let web = |status: &str| {
        metric(
            &page,
            &format!(
                "boxoffice_http_requests_total{{route=\"/v1/web/sales\",method=\"POST\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(web("200"), Some(1.0), "{page}");
    assert_eq!(web("409"), Some(1.0), "{page}");
    assert!(
        metric(&page, "boxoffice_push_entries_total{outcome=\"applied\"}").unwrap_or(0.0) >= 1.0,
        "{page}"
    );
    assert!(
        metric(
            &page,
            "boxoffice_http_request_seconds_count{route=\"/v1/push\",method=\"POST\"}"
        )
        .unwrap_or(0.0)
            >= 1.0,
        "{page}"
    );
    // The terminal sent its pushes compressed (API 1.8), and they shrank.
    let sent = metric(
        &page,
        "boxoffice_http_compressed_body_bytes_total{form=\"sent\"}",
    );
    let decoded = metric(
        &page,
        "boxoffice_http_compressed_body_bytes_total{form=\"decoded\"}",
    );
    assert!(
        matches!((sent, decoded), (Some(s), Some(d)) if s > 0.0 && d > s),
        "{page}"
    );
    assert_eq!(
        metric(
            &page,
            "boxoffice_terminal_queue_depth{site=\"dxb-marina\",terminal=\"dxb-marina-t1\"}"
        ),
        Some(0.0),
        "{page}"
    );
    assert!(metric(&page, "boxoffice_long_polls_open").is_some());
    // Requests wait their turn: the default limit, every request so far admitted.
    assert_eq!(
        metric(&page, "boxoffice_admission_limit"),
        Some(central::http::DEFAULT_CONCURRENCY as f64),
        "{page}"
    );
    assert!(metric(&page, "boxoffice_admission_admitted_total").unwrap_or(0.0) >= 2.0);
    assert_eq!(
        metric(&page, "boxoffice_admission_refused_total"),
        Some(0.0)
    );
    assert!(metric(&page, "boxoffice_admission_waiting").is_some());
    assert!(metric(&page, "boxoffice_db_lock_acquisitions_total").unwrap_or(0.0) > 0.0);
    // The API's own port does not serve the metrics.
    let (code, _) = central.get_status("/metrics", "dxb-marina-t1");
    assert_eq!(code, 404);

    // Every log line is one JSON event; the web key is in none of them.
    let (_, key) = central.web_key();
    let text = std::fs::read_to_string(&log).unwrap();
    let mut events = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            event["level"].is_string() && event["timestamp"].is_string(),
            "{line}"
        );
        events += 1;
    }
    assert!(events >= 2, "{text}");
    assert!(!text.contains(&key), "the web key reached the log");
}

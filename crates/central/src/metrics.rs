//! What a monitoring system scrapes (Prometheus text format, served on its
//! own loopback address by `serve --metrics-listen`): requests and their
//! latency per route, push outcomes, long polls open, requests at work and
//! waiting their turn, the database lock, and each terminal's queue as its
//! last heartbeat reported it.

use crate::db::CentralDb;
use crate::error::CentralError;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Push outcomes counted, in this order.
pub const OUTCOMES: [&str; 5] = ["applied", "duplicate", "conflict", "rejected", "deferred"];

#[derive(Debug, Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Central's counters, shared by the HTTP layer.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Requests by (route template, method, status).
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// Latency by (route template, method).
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    /// Push outcomes, by [`OUTCOMES`].
    outcomes: [AtomicU64; 5],
    /// Compressed request bodies: bytes received, bytes once decoded.
    compressed: [AtomicU64; 2],
}

impl Metrics {
    /// Counts one request of `route` answered `status` after `seconds`.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *requests
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
        drop(requests);
        let mut latency = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        let h = latency
            .entry((route.to_string(), method.to_string()))
            .or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.buckets[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// Counts a compressed request body: `sent` bytes on the wire, `decoded` after.
    pub fn compressed_body(&self, sent: usize, decoded: usize) {
        self.compressed[0].fetch_add(sent as u64, Ordering::Relaxed);
        self.compressed[1].fetch_add(decoded as u64, Ordering::Relaxed);
    }

    /// Counts one push outcome by name (see [`OUTCOMES`]).
    pub fn outcome(&self, name: &str) {
        if let Some(i) = OUTCOMES.iter().position(|o| *o == name) {
            self.outcomes[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The Prometheus text exposition: these counters, `long_polls` open
    /// now, and what the database and the terminals' heartbeats say.
    pub fn render(
        &self,
        db: &CentralDb,
        long_polls: usize,
        admission: AdmissionFigures,
    ) -> Result<String, CentralError> {
        let mut out = String::new();
        let w = &mut out;
        help(
            w,
            "boxoffice_http_requests_total",
            "counter",
            "Requests answered, by route, method and status.",
        );
        for ((route, method, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                w,
                "boxoffice_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        help(
            w,
            "boxoffice_http_request_seconds",
            "histogram",
            "Time to answer, by route and method.",
        );
        for ((route, method), h) in self
            .latency
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let labels = format!("route=\"{route}\",method=\"{method}\"");
            for (bound, n) in BUCKETS.iter().zip(h.buckets.iter()) {
                let _ = writeln!(
                    w,
                    "boxoffice_http_request_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                w,
                "boxoffice_http_request_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                w,
                "boxoffice_http_request_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                w,
                "boxoffice_http_request_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        help(
            w,
            "boxoffice_push_entries_total",
            "counter",
            "Pushed outbox entries, by outcome.",
        );
        for (name, n) in OUTCOMES.iter().zip(self.outcomes.iter()) {
            let _ = writeln!(
                w,
                "boxoffice_push_entries_total{{outcome=\"{name}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        help(
            w,
            "boxoffice_http_compressed_body_bytes_total",
            "counter",
            "Request bodies sent compressed (gzip): bytes on the wire, and once decoded.",
        );
        for (form, n) in ["sent", "decoded"].iter().zip(self.compressed.iter()) {
            let _ = writeln!(
                w,
                "boxoffice_http_compressed_body_bytes_total{{form=\"{form}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        help(
            w,
            "boxoffice_long_polls_open",
            "gauge",
            "Seat event long polls waiting now.",
        );
        let _ = writeln!(w, "boxoffice_long_polls_open {long_polls}");
        render_admission(w, admission);
        let (acquired, waited) = db.lock_stats();
        help(
            w,
            "boxoffice_db_connections",
            "gauge",
            "Database connections open (SQLite: one, shared; PostgreSQL: the pool's).",
        );
        let (open, idle) = db.pool_state().unwrap_or((1, 0));
        let _ = writeln!(w, "boxoffice_db_connections {open}");
        help(
            w,
            "boxoffice_db_connections_idle",
            "gauge",
            "Database connections open and not in use (PostgreSQL pool).",
        );
        let _ = writeln!(w, "boxoffice_db_connections_idle {idle}");
        help(
            w,
            "boxoffice_db_lock_acquisitions_total",
            "counter",
            "Times the database connection was taken.",
        );
        let _ = writeln!(w, "boxoffice_db_lock_acquisitions_total {acquired}");
        help(
            w,
            "boxoffice_db_lock_wait_seconds_total",
            "counter",
            "Time spent waiting for the database connection.",
        );
        let _ = writeln!(w, "boxoffice_db_lock_wait_seconds_total {waited}");
        let beats = db.heartbeat_figures()?;
        let gauges: [TerminalGauge; 4] = [
            (
                "boxoffice_terminal_queue_depth",
                "Entries waiting at a terminal, as its last heartbeat said.",
                |b| b.queue_depth,
            ),
            (
                "boxoffice_terminal_oldest_unsynced_seconds",
                "Age of a terminal's oldest unsynced sale at its last heartbeat.",
                |b| b.oldest_unsynced_secs,
            ),
            (
                "boxoffice_terminal_open_conflicts",
                "A terminal's open conflict tasks at its last heartbeat.",
                |b| b.open_conflicts,
            ),
            (
                "boxoffice_terminal_last_heartbeat_timestamp_seconds",
                "When a terminal was last heard from (unix seconds).",
                |b| b.seen_at,
            ),
        ];
        for (name, text, value) in gauges {
            help(w, name, "gauge", text);
            for b in &beats {
                let _ = writeln!(
                    w,
                    "{name}{{site=\"{}\",terminal=\"{}\"}} {}",
                    b.site,
                    b.terminal,
                    value(b)
                );
            }
        }
        Ok(out)
    }
}

fn help(w: &mut String, name: &str, kind: &str, text: &str) {
    let _ = writeln!(w, "# HELP {name} {text}");
    let _ = writeln!(w, "# TYPE {name} {kind}");
}

/// A gauge per terminal: its name, its help text and where its value comes from.
type TerminalGauge = (&'static str, &'static str, fn(&HeartbeatFigures) -> i64);

/// One terminal's last heartbeat, for the metrics.
#[derive(Debug, Clone)]
pub struct HeartbeatFigures {
    /// Site id.
    pub site: String,
    /// Terminal id.
    pub terminal: String,
    /// Entries waiting.
    pub queue_depth: i64,
    /// Age of the oldest unsynced sale, in seconds (0: none).
    pub oldest_unsynced_secs: i64,
    /// Open conflict tasks.
    pub open_conflicts: i64,
    /// When it was heard from, unix seconds.
    pub seen_at: i64,
}

impl CentralDb {
    /// Every terminal's last heartbeat.
    pub fn heartbeat_figures(&self) -> Result<Vec<HeartbeatFigures>, CentralError> {
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT t.site_id, h.terminal_id, h.queue_depth, COALESCE(h.oldest_unsynced_secs, 0),
                    h.open_conflicts, h.seen_at
             FROM terminal_heartbeats h JOIN terminals t ON t.id = h.terminal_id
             ORDER BY t.site_id, h.terminal_id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .map(
                |(site, terminal, queue_depth, oldest, open_conflicts, seen)| HeartbeatFigures {
                    site,
                    terminal,
                    queue_depth,
                    oldest_unsynced_secs: oldest,
                    open_conflicts,
                    seen_at: seen
                        .parse::<jiff::Timestamp>()
                        .map(|t| t.as_second())
                        .unwrap_or(0),
                },
            )
            .collect())
    }
}

/// What the metrics show of an instance's admission (`http/admission.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionFigures {
    /// Requests allowed at work at once.
    pub limit: usize,
    /// At work now.
    pub working: usize,
    /// Waiting their turn now.
    pub waiting: usize,
    /// Admitted since the start.
    pub admitted: u64,
    /// Answered `busy` because too many were waiting.
    pub refused: u64,
    /// Nanoseconds the admitted requests waited, in all.
    pub waited_ns: u64,
}

/// Requests at work, waiting their turn, and refused.
fn render_admission(w: &mut String, a: AdmissionFigures) {
    let gauges = [
        (
            "boxoffice_admission_limit",
            "Requests allowed at work at once (BOXOFFICE_CENTRAL_CONCURRENCY).",
            a.limit,
        ),
        (
            "boxoffice_admission_working",
            "Requests at work now (long polls aside).",
            a.working,
        ),
        (
            "boxoffice_admission_waiting",
            "Requests waiting their turn now.",
            a.waiting,
        ),
    ];
    for (name, text, value) in gauges {
        help(w, name, "gauge", text);
        let _ = writeln!(w, "{name} {value}");
    }
    let counters = [
        (
            "boxoffice_admission_admitted_total",
            "Requests admitted to work.",
            a.admitted as f64,
        ),
        (
            "boxoffice_admission_refused_total",
            "Requests answered busy because too many were waiting.",
            a.refused as f64,
        ),
        (
            "boxoffice_admission_wait_seconds_total",
            "Time the admitted requests waited their turn, in all.",
            a.waited_ns as f64 / 1e9,
        ),
    ];
    for (name, text, value) in counters {
        help(w, name, "counter", text);
        let _ = writeln!(w, "{name} {value}");
    }
}

//! The HTTP face of central: API v1 routes over [`CentralDb`].
//!
//! Every route but `/v1/health` and `/v1/openapi.json` needs a credential
//! ([`auth`]); each handler acts only within its caller's scope (a terminal
//! at its own site, the web shop at its sites). [`limits`] bounds time, body
//! size and the number of long polls; [`admission`] lets a few requests
//! work at once and queues the rest in arrival order.

mod admission;
mod auth;
mod encoding;
mod fleet_page;
mod limits;
mod metrics_page;

pub use admission::{Admission, DEFAULT_CONCURRENCY};
pub use auth::{Caller, TerminalCaller, WebCaller};
pub use limits::{
    MAX_BODY_BYTES, MAX_LONG_POLLS, MAX_LONG_POLLS_PER_CALLER, MAX_PUSH_ENTRIES, REQUEST_TIME_LIMIT,
};
pub use metrics_page::MetricsSource;

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::metrics::Metrics;
use axum::extract::{DefaultBodyLimit, FromRef, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use jiff::{SignedDuration, Timestamp};
use protocol::{
    Health, Heartbeat, Hold, HoldRequest, LeaseRequest, LeaseReturn, Leases, PushRequest,
    PushResponse, RegisterKeyRequest, SeatEvents, SeatStates, SiteInfo, TerminalPublicKey, WebSale,
    WebSaleRequest,
};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

type Db = Arc<CentralDb>;

/// What the handlers share: the database, the long-poll gate, the metrics.
#[derive(Clone)]
struct AppState {
    db: Db,
    long_polls: Arc<limits::LongPolls>,
    metrics: Arc<Metrics>,
    admission: Arc<Admission>,
}

impl FromRef<AppState> for Arc<Admission> {
    fn from_ref(state: &AppState) -> Arc<Admission> {
        state.admission.clone()
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

/// Builds the router for API v1. Every route here is described in
/// [`crate::openapi::ROUTES`] (`tests/openapi.rs` checks that the two agree).
pub fn router(db: Db) -> Router {
    app(db).0
}

/// The router for API v1 and the source of its metrics, admitting as
/// `BOXOFFICE_CENTRAL_CONCURRENCY` says ([`Admission::from_env`]).
pub fn app(db: Db) -> (Router, MetricsSource) {
    let state = AppState {
        db: db.clone(),
        long_polls: Arc::new(limits::LongPolls::new()),
        metrics: Arc::new(Metrics::default()),
        admission: Arc::new(Admission::from_env()),
    };
    let source = MetricsSource {
        db: db.clone(),
        long_polls: state.long_polls.clone(),
        metrics: state.metrics.clone(),
        admission: state.admission.clone(),
    };
    let router = Router::new()
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi_json))
        .route("/v1/sites", get(sites))
        .route("/v1/sites/{site}/catalog", get(catalog))
        .route("/v1/showtimes/{id}/seats", get(seat_states))
        .route("/v1/holds", post(create_hold))
        .route("/v1/holds/{id}", delete(release_hold))
        .route("/v1/push", post(push))
        .route("/v1/web/sales", post(web_sale))
        .route("/v1/terminals/{id}/key", put(register_key))
        .route("/v1/terminals/{id}/enroll", post(enroll))
        .route("/v1/updates/{target}/{version}", get(update_manifest))
        .route(
            "/v1/updates/{target}/download/{version}",
            get(update_download),
        )
        .route("/v1/sites/{site}/keys", get(site_keys))
        .route("/v1/sites/{site}/seat-events", get(seat_events))
        .route("/v1/sites/{site}/conflicts", get(conflicts))
        .route("/v1/sites/{site}/voids", get(voids))
        .route("/v1/sites/{site}/day-report", get(site_day_report))
        .route("/v1/web/bookings/{reference}", get(web_booking))
        .route(
            "/v1/web/bookings/{reference}/collect",
            post(collect_web_booking),
        )
        .route("/v1/holds/{id}/extend", post(extend_hold))
        .route("/v1/leases", post(top_up_leases))
        .route("/v1/leases/return", post(return_leases))
        .route("/v1/terminals/{id}/heartbeat", post(heartbeat))
        // Innermost: the handler's database work waits its turn; the
        // credential check and the body's upload do not hold a place.
        .route_layer(axum::middleware::from_fn_with_state(
            state.admission.clone(),
            admission::admit,
        ))
        // A compressed body is decoded once its caller is known (below).
        .route_layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            encoding::decode_request,
        ))
        // Only routes that exist ask for a credential: an unknown path is
        // 404 and a wrong method 405, whoever asks.
        .route_layer(axum::middleware::from_fn_with_state(
            db.clone(),
            auth::authenticate,
        ))
        // Counted outside the credential check, so refusals count too.
        .route_layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            track,
        ))
        .layer(axum::middleware::from_fn(encoding::encode_response))
        .layer(axum::middleware::from_fn(limits::time_limit))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    (router, source)
}

/// The route template a request matched (`None` before routing).
fn route_of(req: &axum::extract::Request) -> Option<&str> {
    req.extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str())
}

/// Counts a routed request and its time, by route template (never the
/// path itself: ids and references stay out of the metrics).
async fn track(
    State(metrics): State<Arc<Metrics>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = route_of(&req).unwrap_or("(unrouted)").to_string();
    let method = req.method().as_str().to_string();
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    metrics.request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

impl IntoResponse for CentralError {
    fn into_response(self) -> Response {
        if self.status() >= 500 {
            tracing::error!(error = %self, "request failed");
        }
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.to_api())).into_response()
    }
}

/// Runs blocking database work off the async runtime, in its turn when the
/// request is admitted ([`admission`]).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CentralError> + Send + 'static,
) -> Result<T, CentralError> {
    admission::run_blocking(f).await?
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        central_time: Timestamp::now(),
    })
}

/// `GET /v1/openapi.json`: the OpenAPI document of API v1 (`docs/api/openapi.json`).
async fn openapi_json() -> Json<serde_json::Value> {
    Json(crate::openapi::openapi())
}

/// `GET /v1/sites`: the sites the caller may see: a terminal its own, the
/// web shop those it sells at (without the counters).
async fn sites(State(db): State<Db>, caller: Caller) -> Result<Json<Vec<SiteInfo>>, CentralError> {
    let sites = blocking(move || db.sites()).await?;
    Ok(Json(
        sites
            .into_iter()
            .filter(|s| caller.covers(&s.id))
            .map(|mut s| {
                if let Caller::Web(_) = caller {
                    s.terminals.clear();
                    s.terminal_numbers.clear();
                }
                s
            })
            .collect(),
    ))
}

/// Query of `GET /v1/sites/{site}/catalog`.
#[derive(Debug, Deserialize)]
struct CatalogQuery {
    /// The version the terminal already has.
    known: Option<String>,
}

async fn catalog(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(site): Path<String>,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, CentralError> {
    terminal.check_site(&site)?;
    let catalog =
        blocking(move || db.catalog(&site, Timestamp::now() - SignedDuration::from_hours(24)))
            .await?;
    if q.known.as_deref() == Some(catalog.version.as_str()) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    Ok(Json(catalog).into_response())
}

/// `GET /v1/showtimes/{id}/seats`: for a terminal of the showtime's site or
/// a web channel selling there.
async fn seat_states(
    State(db): State<Db>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<SeatStates>, CentralError> {
    Ok(Json(
        blocking(move || {
            caller.check_site(&db.showtime_site(&id)?)?;
            db.seat_states(&id, Timestamp::now())
        })
        .await?,
    ))
}

async fn create_hold(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Json(req): Json<HoldRequest>,
) -> Result<Json<Hold>, CentralError> {
    blocking(move || {
        db.create_terminal_hold(
            &terminal.id,
            &terminal.site,
            &req,
            Uuid::now_v7(),
            Timestamp::now(),
        )
    })
    .await
    .map(Json)
}

async fn release_hold(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, CentralError> {
    blocking(move || db.release_hold(&terminal.id, &id, Timestamp::now())).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn push(
    State(state): State<AppState>,
    terminal: TerminalCaller,
    Json(req): Json<PushRequest>,
) -> Result<Json<PushResponse>, CentralError> {
    let (db, metrics) = (state.db, state.metrics);
    if req.entries.len() > MAX_PUSH_ENTRIES {
        return Err(CentralError::Limit(format!(
            "a push carries at most {MAX_PUSH_ENTRIES} entries"
        )));
    }
    blocking(move || {
        let now = Timestamp::now();
        let results = db.push_at(&terminal.id, &terminal.site, &req.entries, now)?;
        for r in &results {
            metrics.outcome(match &r.outcome {
                protocol::Outcome::Applied => "applied",
                protocol::Outcome::Duplicate { .. } => "duplicate",
                protocol::Outcome::Conflict { .. } => "conflict",
                protocol::Outcome::Rejected { .. } => "rejected",
                protocol::Outcome::Deferred { .. } => "deferred",
            });
        }
        Ok(PushResponse {
            results,
            central_time: now,
        })
    })
    .await
    .map(Json)
}

async fn web_sale(
    State(db): State<Db>,
    WebCaller(channel): WebCaller,
    Json(req): Json<WebSaleRequest>,
) -> Result<Json<WebSale>, CentralError> {
    blocking(move || db.web_sale(&channel, &req, Uuid::now_v7(), Timestamp::now()))
        .await
        .map(Json)
}

/// `POST /v1/terminals/{id}/enroll`: a new counter trades its provisioning
/// file's one-time secret for its token (no other credential: the secret is it).
async fn enroll(
    State(db): State<Db>,
    Path(id): Path<String>,
    Json(req): Json<protocol::EnrollRequest>,
) -> Result<Json<protocol::Enrollment>, CentralError> {
    if id.len() > 64
        || req.secret.len() > 128
        || req.public_key.len() > 128
        || req.proof.len() > 128
    {
        return Err(CentralError::BadRequest(
            "enrollment fields too long".into(),
        ));
    }
    blocking(move || db.enroll(&id, &req, Timestamp::now()))
        .await
        .map(Json)
}

/// `GET /v1/updates/{target}/{version}`: the newer release this terminal's
/// ring sees (the Tauri updater's format), or 204.
async fn update_manifest(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path((target, version)): Path<(String, String)>,
) -> Result<Response, CentralError> {
    let found = blocking(move || db.update_for(&terminal.id, &target, &version)).await?;
    Ok(match found {
        Some(manifest) => Json(manifest).into_response(),
        None => axum::http::StatusCode::NO_CONTENT.into_response(),
    })
}

/// `GET /v1/updates/{target}/download/{version}`: the package, for a
/// terminal whose ring sees it.
async fn update_download(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path((target, version)): Path<(String, String)>,
) -> Result<Response, CentralError> {
    let bytes = blocking(move || db.release_file(&terminal.id, &target, &version)).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/octet-stream")],
        bytes,
    )
        .into_response())
}

/// `PUT /v1/terminals/{id}/key`: a terminal registers its own signing key.
async fn register_key(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(id): Path<String>,
    Json(req): Json<RegisterKeyRequest>,
) -> Result<Json<TerminalPublicKey>, CentralError> {
    let terminal = terminal.id;
    blocking(move || {
        if terminal != id {
            return Err(CentralError::Forbidden(format!(
                "terminal {terminal} cannot register a key for {id}"
            )));
        }
        db.register_key(&id, &req.public_key, Timestamp::now())
    })
    .await
    .map(Json)
}

/// `GET /v1/sites/{site}/keys`: the site's terminal keys, for a terminal of that site.
async fn site_keys(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(site): Path<String>,
) -> Result<Json<Vec<TerminalPublicKey>>, CentralError> {
    terminal.check_site(&site)?;
    blocking(move || db.site_keys(&site)).await.map(Json)
}

/// Query of `GET /v1/sites/{site}/seat-events`.
#[derive(Debug, Deserialize)]
struct EventsQuery {
    /// Last sequence number seen; absent to learn the current one.
    after: Option<i64>,
    /// How long to wait for a first event, in milliseconds (at most 30 000).
    #[serde(default)]
    wait_ms: u64,
}

/// Longest long-poll central accepts.
const MAX_WAIT: Duration = limits::MAX_LONG_POLL;

/// Least time between a long poll's arrival and its answer: at most what it
/// adds to a follower's delay, in exchange for far fewer requests from the
/// followers of a busy site.
const FOLLOW_BATCH: Duration = Duration::from_millis(50);

/// `GET /v1/sites/{site}/seat-events?after=N&wait_ms=M`: the long poll.
///
/// A plain read (no `after`, or no wait) settles pending events and reads
/// the feed. A long poll reads through the pages this instance's followers
/// of the site share (`follower_reads`), and not at all when nothing was
/// announced for the site after `after`: it waits for the announcement.
async fn seat_events(
    State(state): State<AppState>,
    terminal: TerminalCaller,
    Path(site): Path<String>,
    Query(q): Query<EventsQuery>,
) -> Result<Json<SeatEvents>, CentralError> {
    terminal.check_site(&site)?;
    let db = state.db;
    let after = match q.after {
        Some(after) if q.wait_ms > 0 => after,
        _ => {
            let (db, site) = (db.clone(), site.clone());
            return blocking(move || db.read_events(&site, q.after, true))
                .await
                .map(Json);
        }
    };
    let asked = tokio::time::Instant::now();
    let deadline = asked + Duration::from_millis(q.wait_ms).min(MAX_WAIT);
    // A long poll is answered no sooner than FOLLOW_BATCH after it came:
    // what a busy site's sales bring meanwhile goes in one answer, and its
    // followers ask a few times a second rather than once a sale.
    tokio::time::sleep_until(deadline.min(asked + FOLLOW_BATCH)).await;
    // Up to date as far as this instance knows (nothing announced for the
    // site after `after`, and `after` not past the feed's end, which a
    // read must answer with `reset`): no read, wait at once.
    let announced = db.site_event_seq(&site);
    let mut seen = after;
    if announced > after || after > db.last_event_seq() {
        let first = db.follower_page(&site, after, announced).await?;
        if !first.events.is_empty() || first.reset {
            return Ok(Json(first));
        }
        seen = first.last_seq.max(after);
    }
    // Nothing yet: wait, if a long-poll place is free (the permit is held
    // until the answer); past the cap, say so at once.
    let _place = state.long_polls.enter(&terminal.id)?;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            // Time is up: a read of its own, not a shared one (which may be
            // as old as the site's last announcement), so the caller's
            // position moves up to the feed's end even when its site was
            // quiet, and what this instance was not told of (a listener
            // cut off, a database restored under it) reaches the caller
            // within its wait, `reset` included.
            return db.read_page(&site, after).await.map(Json);
        }
        let woken = db.wait_for_events(&site, seen, left).await;
        if woken <= seen {
            continue; // the wait ended without news: time is up
        }
        let next = db.follower_page(&site, after, woken).await?;
        if !next.events.is_empty() || next.reset {
            return Ok(Json(next));
        }
        seen = next.last_seq.max(seen);
    }
}

/// `GET /v1/sites/{site}/conflicts`: the site's conflict tasks.
async fn conflicts(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(site): Path<String>,
) -> Result<Json<Vec<crate::terminals::ConflictTask>>, CentralError> {
    terminal.check_site(&site)?;
    blocking(move || db.conflicts(&site)).await.map(Json)
}

/// Query of `GET /v1/sites/{site}/day-report`.
#[derive(Deserialize)]
struct DayReportQuery {
    /// The business day, `YYYY-MM-DD` (default: the site's current one).
    #[serde(default)]
    day: Option<String>,
}

/// `GET /v1/sites/{site}/day-report?day=D`: the site's business day across
/// its terminals and the web shop, naming terminals whose day is not all in
/// (API 1.5), for a terminal of the site.
async fn site_day_report(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(site): Path<String>,
    Query(q): Query<DayReportQuery>,
) -> Result<Json<reports::DayReport>, CentralError> {
    terminal.check_site(&site)?;
    let terminal = terminal.id;
    blocking(move || {
        let now = Timestamp::now();
        let day = match q.day {
            Some(d) => d,
            None => db.site_business_day(&site, now)?,
        };
        db.site_day_report(&site, &day, &terminal, now)
    })
    .await
    .map(Json)
}

/// Query of `GET /v1/sites/{site}/voids`.
#[derive(Debug, Deserialize)]
struct VoidsQuery {
    /// Last sequence number seen.
    #[serde(default)]
    after: i64,
}

/// `GET /v1/sites/{site}/voids?after=N`: the site's void list, one page.
async fn voids(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(site): Path<String>,
    Query(q): Query<VoidsQuery>,
) -> Result<Json<protocol::VoidList>, CentralError> {
    terminal.check_site(&site)?;
    blocking(move || db.voids(&site, q.after)).await.map(Json)
}

/// `POST /v1/leases`: top up the calling terminal's leases.
async fn top_up_leases(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Json(req): Json<LeaseRequest>,
) -> Result<Json<Leases>, CentralError> {
    blocking(move || db.top_up_leases(&terminal.id, &req, Timestamp::now()))
        .await
        .map(Json)
}

/// `POST /v1/leases/return`: give leased seats back.
async fn return_leases(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Json(req): Json<LeaseReturn>,
) -> Result<Json<Leases>, CentralError> {
    blocking(move || db.return_leases(&terminal.id, &req, Timestamp::now()))
        .await
        .map(Json)
}

/// `POST /v1/terminals/{id}/heartbeat`: a terminal reports its queue.
async fn heartbeat(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(id): Path<String>,
    Json(hb): Json<Heartbeat>,
) -> Result<Json<protocol::HeartbeatAck>, CentralError> {
    let terminal = terminal.id;
    if terminal != id {
        return Err(CentralError::Forbidden(format!(
            "terminal {terminal} cannot report for {id}"
        )));
    }
    blocking(move || db.heartbeat(&id, &hb, Timestamp::now()))
        .await
        .map(Json)
}

/// `GET /v1/web/bookings/{reference}`: a web booking of the terminal's site.
async fn web_booking(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(reference): Path<String>,
) -> Result<Json<protocol::WebBooking>, CentralError> {
    blocking(move || db.web_booking(&terminal.site, &reference))
        .await
        .map(Json)
}

/// `POST /v1/web/bookings/{reference}/collect`: the terminal prints the tickets.
async fn collect_web_booking(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(reference): Path<String>,
) -> Result<Json<protocol::WebBooking>, CentralError> {
    blocking(move || db.collect_web_booking(&terminal.id, &reference, Timestamp::now()))
        .await
        .map(Json)
}

/// `POST /v1/holds/{id}/extend`: more time for the cashier's hold.
async fn extend_hold(
    State(db): State<Db>,
    terminal: TerminalCaller,
    Path(id): Path<String>,
    Json(req): Json<protocol::HoldExtend>,
) -> Result<Json<Hold>, CentralError> {
    blocking(move || db.extend_hold(&terminal.id, &id, req.ttl_secs, Timestamp::now()))
        .await
        .map(Json)
}

//! The HTTP face of central: API v1 routes over [`CentralDb`].

use crate::db::CentralDb;
use crate::error::CentralError;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use jiff::{SignedDuration, Timestamp};
use protocol::{
    Health, Heartbeat, Hold, HoldRequest, LeaseRequest, LeaseReturn, Leases, PushRequest,
    PushResponse, RegisterKeyRequest, SeatEvents, SeatStates, SiteInfo, TERMINAL_HEADER,
    TerminalPublicKey, WebSale, WebSaleRequest,
};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

type Db = Arc<CentralDb>;

/// Builds the router for API v1. Every route here is described in
/// [`crate::openapi::ROUTES`] (`tests/openapi.rs` checks that the two agree).
pub fn router(db: Db) -> Router {
    Router::new()
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
        .layer(axum::middleware::from_fn_with_state(
            db.clone(),
            authenticate,
        ))
        .with_state(db)
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

/// Runs blocking database work off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CentralError> + Send + 'static,
) -> Result<T, CentralError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CentralError::Corrupt(format!("worker failed: {e}")))?
}

/// Every request that names a terminal must carry that terminal's token
/// (`Authorization: Bearer ...`), checked before any handler runs.
async fn authenticate(
    State(db): State<Db>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, CentralError> {
    let headers = req.headers();
    if let Some(terminal) = headers.get(TERMINAL_HEADER) {
        let terminal = terminal
            .to_str()
            .map_err(|_| CentralError::UnknownTerminal("(unreadable header)".into()))?
            .to_string();
        let bearer = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        blocking(move || db.authenticate(&terminal, bearer.as_deref())).await?;
    }
    Ok(next.run(req).await)
}

fn terminal(headers: &HeaderMap) -> Result<String, CentralError> {
    headers
        .get(TERMINAL_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .ok_or_else(|| CentralError::UnknownTerminal("(missing header)".into()))
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

async fn sites(State(db): State<Db>) -> Result<Json<Vec<SiteInfo>>, CentralError> {
    Ok(Json(blocking(move || db.sites()).await?))
}

/// Query of `GET /v1/sites/{site}/catalog`.
#[derive(Debug, Deserialize)]
struct CatalogQuery {
    /// The version the terminal already has.
    known: Option<String>,
}

async fn catalog(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, CentralError> {
    let terminal = terminal(&headers)?;
    let catalog = blocking(move || {
        if db.terminal_site(&terminal)? != site {
            return Err(CentralError::UnknownTerminal(format!(
                "{terminal} at {site}"
            )));
        }
        db.catalog(&site, Timestamp::now() - SignedDuration::from_hours(24))
    })
    .await?;
    if q.known.as_deref() == Some(catalog.version.as_str()) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    Ok(Json(catalog).into_response())
}

async fn seat_states(
    State(db): State<Db>,
    Path(id): Path<String>,
) -> Result<Json<SeatStates>, CentralError> {
    Ok(Json(
        blocking(move || db.seat_states(&id, Timestamp::now())).await?,
    ))
}

async fn create_hold(
    State(db): State<Db>,
    headers: HeaderMap,
    Json(req): Json<HoldRequest>,
) -> Result<Json<Hold>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        db.terminal_site(&terminal)?;
        db.create_hold(&terminal, &req, Uuid::now_v7(), Timestamp::now())
    })
    .await
    .map(Json)
}

async fn release_hold(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || db.release_hold(&terminal, &id, Timestamp::now())).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn push(
    State(db): State<Db>,
    headers: HeaderMap,
    Json(req): Json<PushRequest>,
) -> Result<Json<PushResponse>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        let now = Timestamp::now();
        let results = db.push(&terminal, &req.entries, now)?;
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
    Json(req): Json<WebSaleRequest>,
) -> Result<Json<WebSale>, CentralError> {
    blocking(move || db.web_sale(&req, Uuid::now_v7(), Timestamp::now()))
        .await
        .map(Json)
}

/// `PUT /v1/terminals/{id}/key`: a terminal registers its own signing key.
async fn register_key(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(req): Json<RegisterKeyRequest>,
) -> Result<Json<TerminalPublicKey>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        db.terminal_site(&terminal)?;
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
    headers: HeaderMap,
    Path(site): Path<String>,
) -> Result<Json<Vec<TerminalPublicKey>>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        if db.terminal_site(&terminal)? != site {
            return Err(CentralError::Forbidden(format!(
                "terminal {terminal} is not at site {site}"
            )));
        }
        db.site_keys(&site)
    })
    .await
    .map(Json)
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
const MAX_WAIT: Duration = Duration::from_secs(30);

/// Checks that the calling terminal belongs to `site`.
fn same_site(db: &CentralDb, terminal: &str, site: &str) -> Result<(), CentralError> {
    if db.terminal_site(terminal)? != site {
        return Err(CentralError::Forbidden(format!(
            "terminal {terminal} is not at site {site}"
        )));
    }
    Ok(())
}

/// `GET /v1/sites/{site}/seat-events?after=N&wait_ms=M`: the long poll.
async fn seat_events(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Query(q): Query<EventsQuery>,
) -> Result<Json<SeatEvents>, CentralError> {
    let terminal = terminal(&headers)?;
    let first = {
        let (db, site) = (db.clone(), site.clone());
        blocking(move || {
            same_site(&db, &terminal, &site)?;
            db.seat_events(&site, q.after)
        })
        .await?
    };
    let Some(after) = q.after else {
        return Ok(Json(first));
    };
    if !first.events.is_empty() || first.reset || q.wait_ms == 0 {
        return Ok(Json(first));
    }
    // Nothing yet for this site: wait for any new event, then look again
    // (events of other sites wake us too; we simply wait again).
    let deadline = tokio::time::Instant::now() + Duration::from_millis(q.wait_ms).min(MAX_WAIT);
    let mut seen = first.last_seq.max(after);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return Ok(Json(SeatEvents {
                events: Vec::new(),
                last_seq: seen,
                reset: false,
            }));
        }
        db.wait_for_events(seen, left).await;
        let (db2, site2) = (db.clone(), site.clone());
        let next = blocking(move || db2.seat_events(&site2, Some(after))).await?;
        if !next.events.is_empty() || next.reset {
            return Ok(Json(next));
        }
        seen = next.last_seq;
    }
}

/// `GET /v1/sites/{site}/conflicts`: the site's conflict tasks.
async fn conflicts(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(site): Path<String>,
) -> Result<Json<Vec<crate::terminals::ConflictTask>>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        same_site(&db, &terminal, &site)?;
        db.conflicts(&site)
    })
    .await
    .map(Json)
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
    headers: HeaderMap,
    Path(site): Path<String>,
    Query(q): Query<DayReportQuery>,
) -> Result<Json<reports::DayReport>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        same_site(&db, &terminal, &site)?;
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
    headers: HeaderMap,
    Path(site): Path<String>,
    Query(q): Query<VoidsQuery>,
) -> Result<Json<protocol::VoidList>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        same_site(&db, &terminal, &site)?;
        db.voids(&site, q.after)
    })
    .await
    .map(Json)
}

/// `POST /v1/leases`: top up the calling terminal's leases.
async fn top_up_leases(
    State(db): State<Db>,
    headers: HeaderMap,
    Json(req): Json<LeaseRequest>,
) -> Result<Json<Leases>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || db.top_up_leases(&terminal, &req, Timestamp::now()))
        .await
        .map(Json)
}

/// `POST /v1/leases/return`: give leased seats back.
async fn return_leases(
    State(db): State<Db>,
    headers: HeaderMap,
    Json(req): Json<LeaseReturn>,
) -> Result<Json<Leases>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || db.return_leases(&terminal, &req, Timestamp::now()))
        .await
        .map(Json)
}

/// `POST /v1/terminals/{id}/heartbeat`: a terminal reports its queue.
async fn heartbeat(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(hb): Json<Heartbeat>,
) -> Result<StatusCode, CentralError> {
    let terminal = terminal(&headers)?;
    if terminal != id {
        return Err(CentralError::Forbidden(format!(
            "terminal {terminal} cannot report for {id}"
        )));
    }
    blocking(move || db.heartbeat(&id, &hb, Timestamp::now())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/web/bookings/{reference}`: a web booking of the terminal's site.
async fn web_booking(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Result<Json<protocol::WebBooking>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        let site = db.terminal_site(&terminal)?;
        db.web_booking(&site, &reference)
    })
    .await
    .map(Json)
}

/// `POST /v1/web/bookings/{reference}/collect`: the terminal prints the tickets.
async fn collect_web_booking(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Result<Json<protocol::WebBooking>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || db.collect_web_booking(&terminal, &reference, Timestamp::now()))
        .await
        .map(Json)
}

/// `POST /v1/holds/{id}/extend`: more time for the cashier's hold.
async fn extend_hold(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(req): Json<protocol::HoldExtend>,
) -> Result<Json<Hold>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || db.extend_hold(&terminal, &id, req.ttl_secs, Timestamp::now()))
        .await
        .map(Json)
}

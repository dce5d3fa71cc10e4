//! The HTTP face of central: API v1 routes over [`CentralDb`].

use crate::db::CentralDb;
use crate::error::CentralError;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use jiff::{SignedDuration, Timestamp};
use protocol::{
    Catalog, Health, Hold, HoldRequest, PushRequest, PushResponse, RegisterKeyRequest, SeatStates,
    SiteInfo, TERMINAL_HEADER, TerminalPublicKey, WebSale, WebSaleRequest,
};
use std::sync::Arc;
use uuid::Uuid;

type Db = Arc<CentralDb>;

/// Builds the router for API v1.
pub fn router(db: Db) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/sites", get(sites))
        .route("/v1/sites/{site}/catalog", get(catalog))
        .route("/v1/showtimes/{id}/seats", get(seat_states))
        .route("/v1/holds", post(create_hold))
        .route("/v1/holds/{id}", delete(release_hold))
        .route("/v1/push", post(push))
        .route("/v1/web/sales", post(web_sale))
        .route("/v1/terminals/{id}/key", put(register_key))
        .route("/v1/sites/{site}/keys", get(site_keys))
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

async fn sites(State(db): State<Db>) -> Result<Json<Vec<SiteInfo>>, CentralError> {
    Ok(Json(blocking(move || db.sites()).await?))
}

async fn catalog(
    State(db): State<Db>,
    headers: HeaderMap,
    Path(site): Path<String>,
) -> Result<Json<Catalog>, CentralError> {
    let terminal = terminal(&headers)?;
    blocking(move || {
        if db.terminal_site(&terminal)? != site {
            return Err(CentralError::UnknownTerminal(format!(
                "{terminal} at {site}"
            )));
        }
        db.catalog(&site, Timestamp::now() - SignedDuration::from_hours(24))
    })
    .await
    .map(Json)
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
    blocking(move || db.release_hold(&terminal, &id)).await?;
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

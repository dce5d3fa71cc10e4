//! The HTTP adapter: the same commands as the desktop app, as
//! `POST /api/{command}` with a JSON body, plus the UI's static files.
//! Browser end-to-end tests drive the real UI through it.

use crate::commands;
use crate::engine::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use std::sync::Arc;

/// Builds the router; serves the UI from `ui_dir` when given.
pub fn router(site: Arc<Site>, ui_dir: Option<std::path::PathBuf>) -> Router {
    let api = Router::new()
        .route(
            "/api/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/api/{command}", post(call))
        .with_state(site);
    match ui_dir {
        Some(dir) => api.fallback_service(tower_http::services::ServeDir::new(dir)),
        None => api,
    }
}

async fn call(
    State(site): State<Arc<Site>>,
    Path(command): Path<String>,
    body: Option<Json<Value>>,
) -> Response {
    let input = body
        .map(|Json(v)| v)
        .unwrap_or(Value::Object(Default::default()));
    match commands::dispatch(&site, &command, input).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => {
            let status = match e.code.as_str() {
                "internal" | "io" => StatusCode::INTERNAL_SERVER_ERROR,
                "central_unreachable" => StatusCode::SERVICE_UNAVAILABLE,
                "not_logged_in" | "wrong_pin" | "locked_out" => StatusCode::UNAUTHORIZED,
                "not_allowed" => StatusCode::FORBIDDEN,
                "seat_unavailable" => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            (status, Json(e)).into_response()
        }
    }
}

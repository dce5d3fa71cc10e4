//! The HTTP adapter: the same commands as the desktop app, as
//! `POST /api/{command}` with a JSON body, plus the UI's static files.
//! Browser end-to-end tests drive the real UI through it.
//!
//! It is a door into the till, so it is kept shut ([`Door`]): it answers
//! only requests whose `Host` is its own address (a web page elsewhere that
//! rebinds its name to the counter's loopback is refused), and every
//! command needs its key in `x-boxoffice-key`.

use crate::boot::StartupProblem;
use crate::commands;
use crate::engine::Site;
use crate::error::{ErrorBody, SiteError};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;

/// The header that carries the door's key.
pub const KEY_HEADER: &str = "x-boxoffice-key";

/// Who may come through the door: the key, and the address requests must
/// name as their Host.
#[derive(Clone)]
pub struct Door {
    key: Arc<str>,
    addr: SocketAddr,
}

impl Door {
    /// A door with `key` for a server listening on `addr`.
    pub fn new(key: String, addr: SocketAddr) -> Door {
        Door {
            key: key.into(),
            addr,
        }
    }

    /// The same door on the port the listener really got (for port 0).
    pub fn with_port(mut self, port: u16) -> Door {
        self.addr.set_port(port);
        self
    }

    /// Whether `host` (a Host header) names this server: an IP literal it
    /// listens on with its port, or `localhost` with its port when it
    /// listens on loopback. Names other than `localhost` are refused, since
    /// anyone can point a name at any address.
    fn admits_host(&self, host: &str) -> bool {
        let port = self.addr.port();
        let Some((name, p)) = host.rsplit_once(':') else {
            return false;
        };
        if p.parse::<u16>().ok() != Some(port) {
            return false;
        }
        let ip = self.addr.ip();
        if name.eq_ignore_ascii_case("localhost") {
            return ip.is_loopback();
        }
        let literal = name.trim_start_matches('[').trim_end_matches(']');
        match literal.parse::<std::net::IpAddr>() {
            Ok(asked) if ip.is_unspecified() => !asked.is_unspecified(),
            Ok(asked) => asked == ip,
            Err(_) => false,
        }
    }

    fn admits_key(&self, given: Option<&str>) -> bool {
        let Some(given) = given else { return false };
        let (a, b) = (given.as_bytes(), self.key.as_bytes());
        // Compared in time that does not depend on where they differ.
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// Reads the door's key from `file`, or makes a new random one and writes
/// it there readable by its owner only, whole (a browser test reading it
/// never sees an empty file; a second `serve` making one meanwhile fails
/// rather than overwrite it). The key is never printed.
pub fn load_or_create_key(file: &std::path::Path) -> Result<String, SiteError> {
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let key = text.trim().to_string();
            if key.len() < 32 {
                return Err(SiteError::Invalid(format!(
                    "{} holds no usable key (32 characters or more)",
                    file.display()
                )));
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes)
                .map_err(|e| SiteError::Corrupt(format!("no randomness for the door key: {e}")))?;
            let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            crate::private_files::create_private(file, key.as_bytes())?;
            Ok(key)
        }
        Err(e) => Err(e.into()),
    }
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = ErrorBody {
        code: code.to_string(),
        message: message.to_string(),
        params: None,
    };
    (status, Json(body)).into_response()
}

/// Host check on every request; key check on every command.
async fn guard(State(door): State<Door>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !door.admits_host(host) {
        return refusal(
            StatusCode::FORBIDDEN,
            "door.wrong_host",
            "this terminal answers requests to its own address only",
        );
    }
    let path = req.uri().path();
    if path.starts_with("/api/") && path != "/api/health" {
        let key = req.headers().get(KEY_HEADER).and_then(|h| h.to_str().ok());
        if !door.admits_key(key) {
            return refusal(
                StatusCode::UNAUTHORIZED,
                "door.key_needed",
                "this terminal's door needs its key (open the UI at /#key=KEY)",
            );
        }
    }
    next.run(req).await
}

fn with_ui_and_guard(api: Router, ui_dir: Option<std::path::PathBuf>, door: Door) -> Router {
    let api = match ui_dir {
        Some(dir) => api.fallback_service(tower_http::services::ServeDir::new(dir)),
        None => api,
    };
    api.layer(middleware::from_fn_with_state(door, guard))
}

/// Builds the router of a terminal that sells; serves the UI from `ui_dir`
/// when given.
pub fn router(site: Arc<Site>, ui_dir: Option<std::path::PathBuf>, door: Door) -> Router {
    let api = Router::new()
        .route(
            "/api/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/api/{command}", post(call))
        .with_state(site);
    with_ui_and_guard(api, ui_dir, door)
}

/// Builds the router of a terminal that cannot sell: every command answers
/// the start-up problem (503), which the UI shows with what to do.
pub fn problem_router(
    problem: StartupProblem,
    ui_dir: Option<std::path::PathBuf>,
    door: Door,
) -> Router {
    let body = Arc::new(problem.body());
    let health = body.clone();
    let api = Router::new()
        .route(
            "/api/health",
            get(move || async move {
                Json(serde_json::json!({"status": "problem", "code": health.code}))
            }),
        )
        .route(
            "/api/{command}",
            post(move |_: HeaderMap| async move {
                (StatusCode::SERVICE_UNAVAILABLE, Json((*body).clone())).into_response()
            }),
        );
    with_ui_and_guard(api, ui_dir, door)
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
                "central_unreachable" | "disk_low" => StatusCode::SERVICE_UNAVAILABLE,
                "not_logged_in" | "wrong_pin" | "locked_out" => StatusCode::UNAUTHORIZED,
                "not_allowed" => StatusCode::FORBIDDEN,
                "seat_unavailable" => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            (status, Json(e)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn door(addr: &str) -> Door {
        Door::new("k".repeat(64), addr.parse().unwrap())
    }

    #[test]
    fn only_its_own_address_is_a_host() {
        let d = door("127.0.0.1:8686");
        assert!(d.admits_host("127.0.0.1:8686"));
        assert!(d.admits_host("localhost:8686"));
        assert!(!d.admits_host("127.0.0.1:9999"));
        assert!(!d.admits_host("evil.example:8686"), "a rebound name");
        assert!(!d.admits_host("127.0.0.1"));
        assert!(!d.admits_host(""));
        let any = door("0.0.0.0:8686");
        assert!(any.admits_host("10.1.2.3:8686"));
        assert!(!any.admits_host("localhost:8686"));
        assert!(!any.admits_host("shop.example:8686"));
        let v6 = door("[::1]:8686");
        assert!(v6.admits_host("[::1]:8686"));
    }

    #[test]
    fn only_the_exact_key_opens() {
        let d = door("127.0.0.1:1");
        assert!(d.admits_key(Some(&"k".repeat(64))));
        assert!(!d.admits_key(Some(&"k".repeat(63))));
        assert!(!d.admits_key(Some(&format!("{}j", "k".repeat(63)))));
        assert!(!d.admits_key(None));
    }

    #[test]
    fn a_new_key_is_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("door.key");
        let key = load_or_create_key(&file).unwrap();
        assert_eq!(key.len(), 64);
        assert_eq!(load_or_create_key(&file).unwrap(), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        std::fs::write(&file, "short").unwrap();
        assert!(load_or_create_key(&file).is_err());
    }
}

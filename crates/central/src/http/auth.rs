//! Who is calling: every route but the health check and the API document
//! needs a credential, resolved once per request into a [`Caller`] that the
//! handlers take as [`TerminalCaller`] or [`WebCaller`].

use super::{Db, blocking};
use crate::error::CentralError;
use crate::web_channels::WebChannel;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::Response;
use protocol::{TERMINAL_HEADER, WEB_CHANNEL_HEADER};

/// Routes anyone may call (route templates). Enrolling authenticates by the
/// provisioning file's one-time secret, in its body.
const PUBLIC: &[&str] = &[
    "/v1/health",
    "/v1/openapi.json",
    "/v1/terminals/{id}/enroll",
];

/// An authenticated caller.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A counter terminal (its token checked), at its site.
    Terminal {
        /// Terminal id.
        id: String,
        /// Its site.
        site: String,
    },
    /// The web shop, with its scope.
    Web(WebChannel),
}

impl Caller {
    /// Whether the caller may read or act at `site`.
    pub fn covers(&self, site: &str) -> bool {
        match self {
            Caller::Terminal { site: own, .. } => own == site,
            Caller::Web(channel) => channel.covers(site),
        }
    }

    /// Fails with `forbidden` unless the caller may act at `site`.
    pub fn check_site(&self, site: &str) -> Result<(), CentralError> {
        match self {
            Caller::Terminal { id, site: own } => terminal_at(id, own, site),
            Caller::Web(c) if c.covers(site) => Ok(()),
            Caller::Web(c) => Err(CentralError::Forbidden(format!(
                "web channel {} does not sell at {site}",
                c.id
            ))),
        }
    }
}

/// `forbidden` unless `site` is terminal `id`'s own site `own`.
fn terminal_at(id: &str, own: &str, site: &str) -> Result<(), CentralError> {
    if own == site {
        return Ok(());
    }
    Err(CentralError::Forbidden(format!(
        "terminal {id} is not at site {site}"
    )))
}

/// Resolves the caller from its headers: `x-boxoffice-terminal` or
/// `x-boxoffice-web-channel`, with `Authorization: Bearer <token or key>`.
pub(super) async fn authenticate(
    State(db): State<Db>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, CentralError> {
    if super::route_of(&req).is_some_and(|r| PUBLIC.contains(&r)) {
        return Ok(next.run(req).await);
    }
    let headers = req.headers();
    let header = |name: &str| -> Result<Option<String>, CentralError> {
        headers
            .get(name)
            .map(|v| {
                v.to_str()
                    .map(str::to_string)
                    .map_err(|_| CentralError::Unauthorized(format!("unreadable {name} header")))
            })
            .transpose()
    };
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let caller = match (header(TERMINAL_HEADER)?, header(WEB_CHANNEL_HEADER)?) {
        (Some(_), Some(_)) => {
            return Err(CentralError::Unauthorized(
                "a request is from a terminal or from a web channel, not both".into(),
            ));
        }
        // From the rows kept in memory when there are (PostgreSQL), without
        // a hop to a blocking thread; else from the database.
        (Some(terminal), None) => {
            let site = match db.authenticate_terminal_kept(&terminal, bearer.as_deref()) {
                Some(checked) => checked?,
                None => {
                    let id = terminal.clone();
                    blocking(move || db.authenticate_terminal(&id, bearer.as_deref())).await?
                }
            };
            Caller::Terminal { id: terminal, site }
        }
        (None, Some(channel)) => Caller::Web(
            match db.authenticate_web_kept(&channel, bearer.as_deref()) {
                Some(checked) => checked?,
                None => blocking(move || db.authenticate_web(&channel, bearer.as_deref())).await?,
            },
        ),
        (None, None) => {
            return Err(CentralError::Unauthorized(
                "this route needs a terminal's token or a web channel's key".into(),
            ));
        }
    };
    req.extensions_mut().insert(caller);
    Ok(next.run(req).await)
}

fn caller(parts: &Parts) -> Result<&Caller, CentralError> {
    parts
        .extensions
        .get::<Caller>()
        .ok_or_else(|| CentralError::Unauthorized("no credential".into()))
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = CentralError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        caller(parts).cloned()
    }
}

/// A terminal calling: routes of the counter.
#[derive(Debug, Clone)]
pub struct TerminalCaller {
    /// Terminal id.
    pub id: String,
    /// Its site.
    pub site: String,
}

impl TerminalCaller {
    /// Fails with `forbidden` unless `site` is the terminal's own.
    pub fn check_site(&self, site: &str) -> Result<(), CentralError> {
        terminal_at(&self.id, &self.site, site)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TerminalCaller {
    type Rejection = CentralError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match caller(parts)? {
            Caller::Terminal { id, site } => Ok(TerminalCaller {
                id: id.clone(),
                site: site.clone(),
            }),
            Caller::Web(_) => Err(CentralError::Forbidden(
                "this route is for terminals".into(),
            )),
        }
    }
}

/// The web shop calling.
#[derive(Debug, Clone)]
pub struct WebCaller(pub WebChannel);

impl<S: Send + Sync> FromRequestParts<S> for WebCaller {
    type Rejection = CentralError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match caller(parts)? {
            Caller::Web(channel) => Ok(WebCaller(channel.clone())),
            Caller::Terminal { .. } => Err(CentralError::Forbidden(
                "this route is for the web shop's channel".into(),
            )),
        }
    }
}

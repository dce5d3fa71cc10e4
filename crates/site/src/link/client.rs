//! HTTP client for central API v1.
//!
//! Plain `http://` is accepted only for loopback addresses (the demo and the
//! tests); every other central must be reached over TLS (rustls).

use crate::error::{Result, SiteError};
use protocol::{
    ApiError, Catalog, Heartbeat, Hold, HoldRequest, LeaseRequest, Leases, PushRequest,
    PushResponse, RegisterKeyRequest, SeatEvents, SeatStates, TERMINAL_HEADER, TerminalPublicKey,
};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Most bytes a compressed answer may decode to (a site's catalog is a few
/// hundred KiB): a broken or hostile stream is cut off there.
const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;

/// How long a heartbeat or health check may take: with the pump's 2 s idle
/// pause, a link that dies silently (no reset) shows as offline within 5 s.
pub const LIVENESS_TIMEOUT: Duration = Duration::from_millis(2500);

/// A failed call to central.
#[derive(Debug)]
pub enum CallError {
    /// Central could not be reached or answered garbage; retrying may help.
    Network(String),
    /// Central answered with an error status; retrying only helps for 429/5xx.
    Api {
        /// HTTP status.
        status: u16,
        /// Body.
        error: ApiError,
    },
}

impl CallError {
    /// Whether a retry later may succeed (network, 429, 5xx).
    pub fn is_retryable(&self) -> bool {
        match self {
            CallError::Network(_) => true,
            CallError::Api { status, .. } => *status == 429 || *status >= 500,
        }
    }
}

impl From<CallError> for SiteError {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Network(m) => SiteError::CentralUnreachable(m),
            CallError::Api { status, error } if status == 429 || status >= 500 => {
                SiteError::CentralUnreachable(format!("{} ({})", error.message, status))
            }
            CallError::Api { error, .. } if error.code == "seat_unavailable" => {
                SiteError::SeatUnavailable(error.seats)
            }
            CallError::Api { error, .. } => SiteError::Central {
                code: error.code,
                message: error.message,
            },
        }
    }
}

/// Checks that a central URL is usable: https anywhere, http only on loopback.
pub fn validate_central_url(url: &str) -> Result<reqwest::Url> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| SiteError::Invalid(format!("central URL '{url}' is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d == "localhost",
                None => false,
            };
            if loopback {
                Ok(parsed)
            } else {
                Err(SiteError::Invalid(format!(
                    "central URL '{url}' uses plain http to a non-loopback address; use https"
                )))
            }
        }
        other => Err(SiteError::Invalid(format!(
            "central URL scheme '{other}' is not supported"
        ))),
    }
}

/// What a terminal proves itself and central with, from its provisioning.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// The chain's CA certificate(s), PEM. With https, central's certificate
    /// must chain to these and nothing else (no public or system roots).
    pub ca_pem: Option<String>,
    /// This terminal's API token, sent as `Authorization: Bearer`.
    pub token: Option<String>,
}

/// What a call to central says about the link, for whoever watches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    /// Central answered (success, or a refusal of the request itself).
    Answered,
    /// Central answered but is struggling (429 or 5xx).
    Struggling,
    /// Central could not be reached.
    Unreachable,
}

impl CallOutcome {
    /// What `r` says about the link.
    pub fn of<T>(r: &Result<T, CallError>) -> CallOutcome {
        match r {
            Ok(_) => CallOutcome::Answered,
            Err(CallError::Api { status, .. }) if *status == 429 || *status >= 500 => {
                CallOutcome::Struggling
            }
            Err(e) if e.is_retryable() => CallOutcome::Unreachable,
            Err(_) => CallOutcome::Answered,
        }
    }
}

/// Watches every call a client makes (the link's state follows from them,
/// so no caller has to remember to report).
pub trait CallObserver: Send + Sync {
    /// Called once per finished call.
    fn observe(&self, outcome: CallOutcome);
}

/// A client bound to one central and one terminal identity.
#[derive(Clone)]
pub struct CentralClient {
    http: reqwest::Client,
    base: reqwest::Url,
    terminal_id: String,
    token: Option<String>,
    observer: Option<std::sync::Arc<dyn CallObserver>>,
}

impl CentralClient {
    /// A client for `base_url` calling as `terminal_id`, without credentials
    /// (plain http to a loopback demo or test central).
    pub fn new(base_url: &str, terminal_id: &str) -> Result<Self> {
        Self::with_credentials(base_url, terminal_id, &Credentials::default())
    }

    /// A client for `base_url` calling as `terminal_id` with its provisioned
    /// credentials. An https central needs the chain's CA: the client trusts
    /// that CA only.
    pub fn with_credentials(
        base_url: &str,
        terminal_id: &str,
        creds: &Credentials,
    ) -> Result<Self> {
        let base = validate_central_url(base_url)?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10));
        if base.scheme() == "https" {
            let pem = creds.ca_pem.as_deref().ok_or_else(|| {
                SiteError::Invalid(
                    "an https central needs the chain's CA certificate (init --ca FILE)".into(),
                )
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| SiteError::Invalid(format!("the CA file is not PEM: {e}")))?;
            if certs.is_empty() {
                return Err(SiteError::Invalid(
                    "the CA file holds no certificate".into(),
                ));
            }
            builder = builder.tls_certs_only(certs);
        }
        let http = builder
            .build()
            .map_err(|e| SiteError::Invalid(format!("cannot build HTTP client: {e}")))?;
        Ok(CentralClient {
            http,
            base,
            terminal_id: terminal_id.to_string(),
            token: creds.token.clone().filter(|t| !t.is_empty()),
            observer: None,
        })
    }

    /// The same client, reporting every call's outcome to `observer`.
    pub fn observed_by(mut self, observer: std::sync::Arc<dyn CallObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, CallError> {
        self.base
            .join(path)
            .map_err(|e| CallError::Network(format!("bad URL: {e}")))
    }

    async fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, CallError> {
        self.send_unless_unchanged(req)
            .await?
            .ok_or_else(|| CallError::Network("unexpected 304 Not Modified".into()))
    }

    /// Sends a request as this terminal; `None` when central answers 304
    /// Not Modified. The one send path: every call's outcome reaches the observer.
    async fn send_unless_unchanged<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<Option<T>, CallError> {
        let r = self.send_raw(req).await;
        if let Some(o) = &self.observer {
            o.observe(CallOutcome::of(&r));
        }
        r
    }

    async fn send_raw<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<Option<T>, CallError> {
        // A central of API 1.8 compresses larger answers (a push's names
        // every entry); an older one ignores this.
        let req = req
            .header(TERMINAL_HEADER, &self.terminal_id)
            .header(reqwest::header::ACCEPT_ENCODING, "gzip");
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let resp = req.send().await.map_err(|e| {
            // Show the whole chain: TLS failures hide in the sources.
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            CallError::Network(msg)
        })?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let gzipped = resp
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?;
        let bytes = if gzipped {
            protocol::compression::gunzip(&bytes, MAX_ANSWER_BYTES)
                .map_err(|e| CallError::Network(format!("unreadable answer from central: {e}")))?
                .into()
        } else {
            bytes
        };
        if status.is_success() {
            let body: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            serde_json::from_slice(body)
                .map(Some)
                .map_err(|e| CallError::Network(format!("unreadable answer from central: {e}")))
        } else {
            let error = serde_json::from_slice::<ApiError>(&bytes).unwrap_or_else(|_| ApiError {
                code: format!("http_{}", status.as_u16()),
                message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
                seats: Vec::new(),
            });
            Err(CallError::Api {
                status: status.as_u16(),
                error,
            })
        }
    }

    /// Central's health and clock.
    pub async fn health(&self) -> Result<protocol::Health, CallError> {
        self.send(
            self.http
                .get(self.url("v1/health")?)
                .timeout(LIVENESS_TIMEOUT),
        )
        .await
    }

    /// Pulls the site's catalog.
    pub async fn catalog(&self, site_id: &str) -> Result<Catalog, CallError> {
        self.send(
            self.http
                .get(self.url(&format!("v1/sites/{site_id}/catalog"))?),
        )
        .await
    }

    /// Pulls the site's catalog unless it is still the `known` version
    /// (then `None`: central answered 304 Not Modified).
    pub async fn catalog_if_changed(
        &self,
        site_id: &str,
        known: Option<&str>,
    ) -> Result<Option<Catalog>, CallError> {
        let mut url = self.url(&format!("v1/sites/{site_id}/catalog"))?;
        if let Some(k) = known.filter(|k| !k.is_empty()) {
            url.query_pairs_mut().append_pair("known", k);
        }
        self.send_unless_unchanged(self.http.get(url)).await
    }

    /// Non-free seats of a showtime.
    pub async fn seat_states(&self, showtime_id: &str) -> Result<SeatStates, CallError> {
        self.send(
            self.http
                .get(self.url(&format!("v1/showtimes/{showtime_id}/seats"))?),
        )
        .await
    }

    /// Places a hold.
    pub async fn hold(&self, req: &HoldRequest) -> Result<Hold, CallError> {
        self.send(self.http.post(self.url("v1/holds")?).json(req))
            .await
    }

    /// Releases a hold (best effort).
    pub async fn release_hold(&self, hold_id: &str) -> Result<(), CallError> {
        let _: Option<serde_json::Value> = self
            .send(self.http.delete(self.url(&format!("v1/holds/{hold_id}"))?))
            .await?;
        Ok(())
    }

    /// Pushes a batch of outbox entries; `gzip` sends the body compressed
    /// (central from API 1.8 takes it: a backlog's pushes shrink about
    /// tenfold, and over a lossy VPN the bytes are most of the time).
    pub async fn push(&self, req: &PushRequest, gzip: bool) -> Result<PushResponse, CallError> {
        let post = self.http.post(self.url("v1/push")?);
        if !gzip {
            return self.send(post.json(req)).await;
        }
        let json = serde_json::to_vec(req)
            .map_err(|e| CallError::Network(format!("cannot write the push: {e}")))?;
        let body = protocol::compression::gzip(&json)
            .map_err(|e| CallError::Network(format!("cannot compress the push: {e}")))?;
        self.send(
            post.header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::CONTENT_ENCODING, "gzip")
                .body(body),
        )
        .await
    }

    /// Trades a provisioning file's one-time secret for this terminal's
    /// token (API 1.7; no token needed).
    pub async fn enroll(
        &self,
        terminal_id: &str,
        req: &protocol::EnrollRequest,
    ) -> Result<protocol::Enrollment, CallError> {
        self.send(
            self.http
                .post(self.url(&format!("v1/terminals/{terminal_id}/enroll"))?)
                .json(req),
        )
        .await
    }

    /// The newer release of package type `target` this terminal's ring
    /// sees (API 1.7), or none.
    pub async fn update(
        &self,
        target: &str,
        current: &str,
    ) -> Result<Option<protocol::UpdateManifest>, CallError> {
        self.send(
            self.http
                .get(self.url(&format!("v1/updates/{target}/{current}"))?),
        )
        .await
    }

    /// Downloads a release's package from the path central announced, of
    /// at most `size` bytes (what central announced).
    pub async fn download(&self, path: &str, size: u64) -> Result<Vec<u8>, CallError> {
        if !path.starts_with("/v1/updates/") || path.contains("..") {
            return Err(CallError::Network(format!(
                "not an update download path: {path}"
            )));
        }
        let req = self
            .http
            .get(self.url(path.trim_start_matches('/'))?)
            .timeout(std::time::Duration::from_secs(900))
            .header(TERMINAL_HEADER, &self.terminal_id);
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let mut resp = req
            .send()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?;
        let status = resp.status();
        let mut bytes = Vec::new();
        // Read in chunks, never past what was announced (a larger answer is
        // not the package; an error body is small).
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| CallError::Network(e.to_string()))?
        {
            if bytes.len() as u64 + chunk.len() as u64 > size.max(64 * 1024) {
                return Err(CallError::Network(format!(
                    "the download is larger than the {size} bytes announced"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        if status.is_success() {
            Ok(bytes)
        } else {
            let error = serde_json::from_slice::<ApiError>(&bytes).unwrap_or_else(|_| ApiError {
                code: format!("http_{}", status.as_u16()),
                message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
                seats: Vec::new(),
            });
            Err(CallError::Api {
                status: status.as_u16(),
                error,
            })
        }
    }

    /// Registers a terminal's ticket-signing public key (only its own is accepted).
    pub async fn register_key(
        &self,
        terminal_id: &str,
        req: &RegisterKeyRequest,
    ) -> Result<TerminalPublicKey, CallError> {
        self.send(
            self.http
                .put(self.url(&format!("v1/terminals/{terminal_id}/key"))?)
                .json(req),
        )
        .await
    }

    /// The site's voided tickets after `after` (API 1.3), one page.
    pub async fn voids(&self, site_id: &str, after: i64) -> Result<protocol::VoidList, CallError> {
        let mut url = self.url(&format!("v1/sites/{site_id}/voids"))?;
        url.query_pairs_mut()
            .append_pair("after", &after.to_string());
        self.send(self.http.get(url)).await
    }

    /// The site's day report: every terminal and the web shop (API 1.5).
    pub async fn site_day_report(
        &self,
        site_id: &str,
        day: Option<&str>,
    ) -> Result<reports::DayReport, CallError> {
        let mut url = self.url(&format!("v1/sites/{site_id}/day-report"))?;
        if let Some(day) = day {
            url.query_pairs_mut().append_pair("day", day);
        }
        self.send(self.http.get(url)).await
    }

    /// The public keys of a site's terminals.
    pub async fn site_keys(&self, site_id: &str) -> Result<Vec<TerminalPublicKey>, CallError> {
        self.send(
            self.http
                .get(self.url(&format!("v1/sites/{site_id}/keys"))?),
        )
        .await
    }

    /// Tops up this terminal's leases; returns all of them.
    pub async fn leases(&self, req: &LeaseRequest) -> Result<Leases, CallError> {
        self.send(self.http.post(self.url("v1/leases")?).json(req))
            .await
    }

    /// Seat events of the site after `after` (or, with `None`, the current
    /// sequence number), waiting up to `wait` for the first one.
    pub async fn seat_events(
        &self,
        site_id: &str,
        after: Option<i64>,
        wait: Duration,
    ) -> Result<SeatEvents, CallError> {
        let mut url = self.url(&format!("v1/sites/{site_id}/seat-events"))?;
        if let Some(after) = after {
            url.query_pairs_mut()
                .append_pair("after", &after.to_string())
                .append_pair("wait_ms", &wait.as_millis().to_string());
        }
        self.send(self.http.get(url).timeout(wait + Duration::from_secs(10)))
            .await
    }

    /// Reports this terminal's queue to central.
    /// Central's answer: `None` from a central before API 1.6 (no body).
    pub async fn heartbeat(
        &self,
        hb: &Heartbeat,
    ) -> Result<Option<protocol::HeartbeatAck>, CallError> {
        self.send(
            self.http
                .post(self.url(&format!("v1/terminals/{}/heartbeat", self.terminal_id))?)
                .timeout(LIVENESS_TIMEOUT)
                .json(hb),
        )
        .await
    }

    /// A web booking of this terminal's site.
    pub async fn web_booking(&self, reference: &str) -> Result<protocol::WebBooking, CallError> {
        self.send(
            self.http
                .get(self.url(&format!("v1/web/bookings/{reference}"))?),
        )
        .await
    }

    /// Collects a web booking (this terminal prints it).
    pub async fn collect_web_booking(
        &self,
        reference: &str,
    ) -> Result<protocol::WebBooking, CallError> {
        self.send(
            self.http
                .post(self.url(&format!("v1/web/bookings/{reference}/collect"))?),
        )
        .await
    }

    /// Gives a hold more time.
    pub async fn extend_hold(&self, hold_id: &str, ttl_secs: u32) -> Result<Hold, CallError> {
        self.send(
            self.http
                .post(self.url(&format!("v1/holds/{hold_id}/extend"))?)
                .json(&protocol::HoldExtend { ttl_secs }),
        )
        .await
    }
}

//! A fault-injecting HTTP proxy to put between terminals and central.
//!
//! [`FaultProxy::start`] listens on `127.0.0.1:0` and forwards every request
//! to central. Each request gets its own connection both ways: the proxy
//! forwards the request with `Connection: close`, reads central's whole
//! answer, and closes the client's connection after answering, so HTTP/1.1
//! keep-alive never blurs where one exchange ends and the next begins.
//!
//! Faults are switched at run time with [`FaultProxy::set`], [`FaultProxy::add`]
//! and [`FaultProxy::heal`]. A [`Rule`] says what to do ([`Fault`]), to which
//! requests (a path prefix, e.g. `/v1/push`) and how many times; when no rule
//! matches, the request passes through. Every exchange is logged
//! ([`FaultProxy::exchanges`]) so tests can assert what really happened on
//! the wire.
//!
//! The proxy runs on its own small tokio runtime, so plain `#[test]`
//! functions that drive the CLI can use it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Forward the request and the answer unchanged.
    PassThrough,
    /// Forward the request, read central's full answer, then reset the
    /// client's connection (RST, `SO_LINGER` 0) instead of answering: central
    /// acted on the request but the client never learns the result.
    ResetAfterResponse,
    /// Forward both ways in chunks of at most `chunk` bytes, waiting `delay`
    /// before each chunk.
    Slow {
        /// Largest chunk, in bytes.
        chunk: usize,
        /// Pause before each chunk.
        delay: Duration,
    },
    /// Answer with this HTTP status (e.g. 503, 429, 400) and a JSON error
    /// body, without forwarding the request.
    Status(u16),
    /// Central is down: reset connections without answering. A rule without
    /// a path resets every connection as soon as it is accepted (before the
    /// request is read); with a path, the request is read first and the
    /// connection reset without forwarding.
    Down,
}

impl Fault {
    fn name(&self) -> &'static str {
        match self {
            Fault::PassThrough => "pass",
            Fault::ResetAfterResponse => "reset_after_response",
            Fault::Slow { .. } => "slow",
            Fault::Status(_) => "status",
            Fault::Down => "down",
        }
    }
}

/// A fault, the requests it applies to and how many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// What to do.
    pub fault: Fault,
    /// Only requests whose path starts with this (all requests when `None`).
    pub path: Option<String>,
    /// How many more requests it applies to (`None`: until healed).
    pub times: Option<u32>,
}

impl Rule {
    /// `fault` for every request, until healed.
    pub fn new(fault: Fault) -> Rule {
        Rule {
            fault,
            path: None,
            times: None,
        }
    }

    /// Only for requests whose path starts with `prefix`.
    pub fn on(mut self, prefix: &str) -> Rule {
        self.path = Some(prefix.to_string());
        self
    }

    /// Only for the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Rule {
        self.times = Some(n);
        self
    }

    fn matches(&self, path: Option<&str>) -> bool {
        self.times != Some(0)
            && match (&self.path, path) {
                (None, _) => true,
                (Some(prefix), Some(p)) => p.starts_with(prefix.as_str()),
                (Some(_), None) => false,
            }
    }
}

impl From<Fault> for Rule {
    fn from(fault: Fault) -> Rule {
        Rule::new(fault)
    }
}

/// One request as the proxy saw it and what it did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// HTTP method (`?` when the connection was reset before reading).
    pub method: String,
    /// Request path with its query (`?` when not read).
    pub path: String,
    /// The fault applied: `pass`, `reset_after_response`, `slow`, `status`, `down`.
    pub fault: &'static str,
    /// The request body's `Content-Encoding` (`gzip` for a compressed push).
    pub content_encoding: Option<String>,
    /// Status central answered, when the request reached central and it answered.
    pub upstream_status: Option<u16>,
    /// Status the client received (`None` when its connection was reset).
    pub client_status: Option<u16>,
}

impl Exchange {
    /// Whether central received the request and answered it.
    pub fn reached_central(&self) -> bool {
        self.upstream_status.is_some()
    }
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    log: Vec<Exchange>,
}

/// A running fault-injecting proxy in front of central.
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl FaultProxy {
    /// Starts a proxy on `127.0.0.1:0` forwarding to `upstream`
    /// (`http://127.0.0.1:PORT`, as [`crate::Central::url`]).
    pub fn start(upstream: &str) -> FaultProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("upstream is http://IP:PORT");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fault-proxy")
            .enable_all()
            .build()
            .expect("proxy runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        runtime.spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let st = st.clone();
                tokio::spawn(async move {
                    let _ = client.set_nodelay(true);
                    handle(client, upstream, st).await;
                });
            }
        });
        FaultProxy {
            addr,
            state,
            runtime: Some(runtime),
        }
    }

    /// The proxy's base URL, to give terminals as their central.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces all rules with `rule`.
    pub fn set(&self, rule: impl Into<Rule>) {
        self.state().rules = vec![rule.into()];
    }

    /// Adds `rule` after the current ones (the first matching rule applies).
    pub fn add(&self, rule: impl Into<Rule>) {
        self.state().rules.push(rule.into());
    }

    /// Removes every rule: everything passes through.
    pub fn heal(&self) {
        self.state().rules.clear();
    }

    /// Every exchange so far, in the order they started.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.state().log.clone()
    }

    /// Exchanges whose path starts with `prefix`.
    pub fn exchanges_on(&self, prefix: &str) -> Vec<Exchange> {
        self.exchanges()
            .into_iter()
            .filter(|e| e.path.starts_with(prefix))
            .collect()
    }

    /// Forgets the log.
    pub fn clear_log(&self) {
        self.state().log.clear();
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Picks the rule for a request (consuming one of its `times`).
fn pick(state: &Mutex<State>, path: Option<&str>) -> Fault {
    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
    let found = st.rules.iter_mut().find(|r| {
        r.matches(path)
            // Before the request is read only a pathless Down can apply.
            && (path.is_some() || r.fault == Fault::Down)
    });
    match found {
        Some(rule) => {
            if let Some(n) = rule.times.as_mut() {
                *n -= 1;
            }
            let fault = rule.fault.clone();
            st.rules.retain(|r| r.times != Some(0));
            fault
        }
        None => Fault::PassThrough,
    }
}

fn record(state: &Mutex<State>, e: Exchange) {
    state.lock().unwrap_or_else(|e| e.into_inner()).log.push(e);
}

/// Resets a connection: RST instead of an orderly FIN.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// One parsed HTTP/1.1 message head plus its body.
struct Message {
    /// Request line or status line.
    start: String,
    /// Headers other than the connection-level ones.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    /// The message with `Connection: close` and an exact `Content-Length`.
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start).into_bytes();
        for (k, v) in &self.headers {
            if k.eq_ignore_ascii_case("content-length")
                || k.eq_ignore_ascii_case("transfer-encoding")
            {
                continue;
            }
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                self.body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&self.body);
        out
    }

    fn status(&self) -> Option<u16> {
        self.start.split_whitespace().nth(1)?.parse().ok()
    }
}

const MAX_HEAD: usize = 64 * 1024;

/// Reads one HTTP/1.1 message (request or response) from `stream`. Bodies are
/// framed by `Content-Length` or chunked encoding (decoded); a response
/// without either runs to the end of the stream.
async fn read_message(stream: &mut TcpStream, is_response: bool) -> std::io::Result<Message> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    let mut buf = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(bad("head too long"));
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed before the head ended",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut rest = buf[head_end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim().to_string(), v.trim().to_string());
        if k.eq_ignore_ascii_case("content-length") {
            length = Some(v.parse::<usize>().map_err(|_| bad("bad content-length"))?);
        } else if k.eq_ignore_ascii_case("transfer-encoding") {
            chunked = v.to_ascii_lowercase().contains("chunked");
        }
        if k.eq_ignore_ascii_case("connection")
            || k.eq_ignore_ascii_case("keep-alive")
            || k.eq_ignore_ascii_case("proxy-connection")
        {
            continue;
        }
        headers.push((k, v));
    }
    let status: Option<u16> = start.split_whitespace().nth(1).and_then(|s| s.parse().ok());
    let no_body = is_response && matches!(status, Some(100..=199 | 204 | 304));
    let body = if no_body {
        Vec::new()
    } else if chunked {
        read_chunked(stream, rest).await?
    } else if let Some(len) = length {
        while rest.len() < len {
            let mut chunk = vec![0u8; (len - rest.len()).min(64 * 1024)];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "closed inside the body",
                ));
            }
            rest.extend_from_slice(&chunk[..n]);
        }
        rest.truncate(len);
        rest
    } else if is_response {
        stream.read_to_end(&mut rest).await?;
        rest
    } else {
        Vec::new()
    };
    Ok(Message {
        start,
        headers,
        body,
    })
}

/// Decodes a chunked body; `have` holds bytes already read past the head.
async fn read_chunked(stream: &mut TcpStream, mut have: Vec<u8>) -> std::io::Result<Vec<u8>> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        // Make sure a whole size line is buffered.
        let line_end = loop {
            if let Some(i) = find(&have[pos..], b"\r\n") {
                break pos + i;
            }
            fill(stream, &mut have).await?;
        };
        let size_text = String::from_utf8_lossy(&have[pos..line_end]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| bad("bad chunk size"))?;
        pos = line_end + 2;
        if size == 0 {
            // Skip trailers up to the empty line.
            loop {
                if let Some(i) = find(&have[pos..], b"\r\n") {
                    if i == 0 {
                        return Ok(body);
                    }
                    pos += i + 2;
                } else {
                    fill(stream, &mut have).await?;
                }
            }
        }
        while have.len() < pos + size + 2 {
            fill(stream, &mut have).await?;
        }
        body.extend_from_slice(&have[pos..pos + size]);
        pos += size + 2;
    }
}

async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<()> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await?;
    if n == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "closed inside a chunked body",
        ));
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Writes `bytes`, slowly when asked.
async fn write_all(stream: &mut TcpStream, bytes: &[u8], fault: &Fault) -> std::io::Result<()> {
    match fault {
        Fault::Slow { chunk, delay } => {
            for part in bytes.chunks((*chunk).max(1)) {
                tokio::time::sleep(*delay).await;
                stream.write_all(part).await?;
                stream.flush().await?;
            }
            Ok(())
        }
        _ => stream.write_all(bytes).await,
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Injected",
    }
}

/// The proxy's own answer for [`Fault::Status`].
fn injected(status: u16) -> Message {
    let body = serde_json::json!({
        "code": format!("injected_{status}"),
        "message": format!("HTTP {status} injected by the fault proxy"),
    })
    .to_string()
    .into_bytes();
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    if status == 429 || status == 503 {
        headers.push(("Retry-After".to_string(), "1".to_string()));
    }
    Message {
        start: format!("HTTP/1.1 {status} {}", reason(status)),
        headers,
        body,
    }
}

async fn handle(mut client: TcpStream, upstream: SocketAddr, state: Arc<Mutex<State>>) {
    if pick(&state, None) == Fault::Down {
        record(
            &state,
            Exchange {
                method: "?".into(),
                path: "?".into(),
                fault: "down",
                content_encoding: None,
                upstream_status: None,
                client_status: None,
            },
        );
        reset(client);
        return;
    }
    let Ok(req) = read_message(&mut client, false).await else {
        // The client went away (or sent nothing): nothing to forward.
        return;
    };
    let mut parts = req.start.split_whitespace();
    let method = parts.next().unwrap_or("?").to_string();
    let path = parts.next().unwrap_or("?").to_string();
    let fault = pick(&state, Some(&path));
    let content_encoding = req
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-encoding"))
        .map(|(_, v)| v.clone());
    let mut ex = Exchange {
        method,
        path,
        fault: fault.name(),
        content_encoding,
        upstream_status: None,
        client_status: None,
    };
    match &fault {
        Fault::Down => {
            record(&state, ex);
            reset(client);
            return;
        }
        Fault::Status(status) => {
            let answer = injected(*status);
            ex.client_status = Some(*status);
            record(&state, ex);
            if client.write_all(&answer.to_bytes()).await.is_ok() {
                let _ = client.shutdown().await;
            }
            return;
        }
        Fault::PassThrough | Fault::ResetAfterResponse | Fault::Slow { .. } => {}
    }
    // Forward on a fresh connection, one exchange per connection.
    let answer = async {
        let mut up = TcpStream::connect(upstream).await?;
        let _ = up.set_nodelay(true);
        write_all(&mut up, &req.to_bytes(), &fault).await?;
        read_message(&mut up, true).await
    }
    .await;
    let answer = match answer {
        Ok(a) => a,
        Err(_) => {
            // Central is unreachable or hung up: so is the proxy.
            record(&state, ex);
            reset(client);
            return;
        }
    };
    ex.upstream_status = answer.status();
    if fault == Fault::ResetAfterResponse {
        record(&state, ex);
        reset(client);
        return;
    }
    ex.client_status = answer.status();
    // Log before answering, so a client that got the answer finds it logged.
    record(&state, ex);
    if write_all(&mut client, &answer.to_bytes(), &fault)
        .await
        .is_ok()
    {
        let _ = client.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_by_path_and_run_out() {
        let state = Mutex::new(State::default());
        state.lock().unwrap().rules = vec![
            Rule::new(Fault::Status(503)).on("/v1/push").times(2),
            Rule::new(Fault::Status(429)).on("/v1/push").times(1),
        ];
        assert_eq!(pick(&state, Some("/v1/health")), Fault::PassThrough);
        assert_eq!(pick(&state, None), Fault::PassThrough);
        assert_eq!(pick(&state, Some("/v1/push")), Fault::Status(503));
        assert_eq!(pick(&state, Some("/v1/push")), Fault::Status(503));
        assert_eq!(pick(&state, Some("/v1/push")), Fault::Status(429));
        assert_eq!(pick(&state, Some("/v1/push")), Fault::PassThrough);
        assert!(state.lock().unwrap().rules.is_empty());
    }

    #[test]
    fn only_a_pathless_down_applies_before_the_request_is_read() {
        let state = Mutex::new(State::default());
        state.lock().unwrap().rules = vec![Rule::new(Fault::Down).on("/v1/push")];
        assert_eq!(pick(&state, None), Fault::PassThrough);
        assert_eq!(pick(&state, Some("/v1/push")), Fault::Down);
        state.lock().unwrap().rules = vec![Rule::new(Fault::Down)];
        assert_eq!(pick(&state, None), Fault::Down);
    }
}

//! The reference central booking API v1.
//!
//! [`db::CentralDb`] owns the seat authority (holds and sales, with the seat
//! uniqueness rule enforced by SQLite), [`http::router`] exposes it over HTTP,
//! [`demo`] seeds a believable chain for the demo and the tests.

pub mod catalog;
mod credential_cache;
pub mod credentials;
pub mod day_report;
pub mod db;
pub mod demo;
pub mod entries;
pub mod entry_checks;
mod entry_refund;
pub mod error;
mod event_watch;
pub mod events;
pub mod fleet;
mod follower_reads;
pub mod holds;
mod holds_postgres;
pub mod http;
pub mod leases;
pub mod metrics;
pub mod openapi;
pub mod provisioning;
mod push_postgres;
pub mod releases;
mod seats;
pub mod sql;
pub mod terminals;
pub mod testing;
pub mod voids;
pub mod web_bookings;
pub mod web_channels;

pub use db::CentralDb;
pub use error::CentralError;

use std::net::SocketAddr;
use std::sync::Arc;

/// A running central server.
pub struct RunningCentral {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Resolves when the server stops.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds `listen` and serves the API from `db` on the current tokio runtime.
pub async fn spawn(db: Arc<CentralDb>, listen: &str) -> std::io::Result<RunningCentral> {
    Ok(spawn_with_metrics(db, listen, None).await?.0)
}

/// Like [`spawn`], over TLS with the PEM certificate chain and key at the given paths.
pub async fn spawn_tls(
    db: Arc<CentralDb>,
    listen: &str,
    cert_pem: &std::path::Path,
    key_pem: &std::path::Path,
) -> std::io::Result<RunningCentral> {
    Ok(spawn_with_metrics(db, listen, Some((cert_pem, key_pem)))
        .await?
        .0)
}

/// Serves central's metrics (`GET /metrics`, Prometheus text) on `listen`,
/// an address of its own: keep it on loopback or the monitoring network.
pub async fn spawn_metrics(
    source: http::MetricsSource,
    listen: &str,
) -> std::io::Result<RunningCentral> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let app = source.router();
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(RunningCentral { addr, task })
}

/// Like [`spawn`] (or [`spawn_tls`] with a certificate and key), also
/// returning where the metrics come from.
pub async fn spawn_with_metrics(
    db: Arc<CentralDb>,
    listen: &str,
    tls: Option<(&std::path::Path, &std::path::Path)>,
) -> std::io::Result<(RunningCentral, http::MetricsSource)> {
    let (app, source) = http::app(db.clone());
    let app = background(db, app);
    let running = match tls {
        Some((cert_pem, key_pem)) => {
            let config =
                axum_server::tls_rustls::RustlsConfig::from_pem_file(cert_pem, key_pem).await?;
            let listener = std::net::TcpListener::bind(listen)?;
            listener.set_nonblocking(true)?;
            let addr = listener.local_addr()?;
            // No Nagle delay on answers: a push's answer otherwise waits
            // for the terminal's delayed ACK, a round trip over the VPN.
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(config)
                .acceptor(axum_server::accept::NoDelayAcceptor::new());
            let server = axum_server::from_tcp(listener).acceptor(acceptor);
            let task = tokio::spawn(async move { server.serve(app.into_make_service()).await });
            RunningCentral { addr, task }
        }
        None => {
            use axum::serve::ListenerExt;
            let listener = tokio::net::TcpListener::bind(listen).await?;
            let addr = listener.local_addr()?;
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::warn!(error = %e, "cannot set TCP_NODELAY on a connection");
                }
            });
            let task = tokio::spawn(async move { axum::serve(listener, app).await });
            RunningCentral { addr, task }
        }
    };
    Ok((running, source))
}

/// The router, plus the task that frees expired holds and leases.
fn background(db: Arc<CentralDb>, app: axum::Router) -> axum::Router {
    // Expired holds and leases free their seats (and tell the terminals)
    // within a second; old seat events go every ten minutes.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        let mut ticks: u64 = 0;
        loop {
            tick.tick().await;
            let db = db.clone();
            let prune = ticks.is_multiple_of(600);
            ticks += 1;
            let done = tokio::task::spawn_blocking(move || {
                let now = jiff::Timestamp::now();
                db.expire(now)?;
                if prune {
                    let gone = db.prune_events(now - events::EVENT_RETENTION)?;
                    if gone > 0 {
                        tracing::info!(events = gone, "old seat events pruned");
                    }
                }
                Ok::<_, CentralError>(())
            })
            .await;
            if let Ok(Err(e)) = done {
                tracing::warn!(error = %e, "expiring holds and leases failed");
            }
        }
    });
    app
}

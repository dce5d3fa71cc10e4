//! The metrics page, served on an address of its own (`serve
//! --metrics-listen`, the ops address, with the fleet page), never on the API's.

use super::limits::LongPolls;
use super::{Db, blocking};
use crate::error::CentralError;
use crate::metrics::Metrics;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

/// What the metrics page reads: the counters and the gauges behind them.
#[derive(Clone)]
pub struct MetricsSource {
    pub(super) db: Db,
    pub(super) long_polls: Arc<LongPolls>,
    pub(super) metrics: Arc<Metrics>,
    pub(super) admission: Arc<super::Admission>,
}

impl MetricsSource {
    /// Requests this instance lets work at once.
    pub fn admission_limit(&self) -> usize {
        self.admission.limit()
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> Result<String, CentralError> {
        self.metrics
            .render(&self.db, self.long_polls.open(), self.admission.figures())
    }

    /// A router serving it at `GET /metrics` (on its own address), with
    /// the fleet page at `GET /fleet` and `GET /fleet.json`.
    pub fn router(self) -> Router {
        Router::new()
            .route("/metrics", get(metrics_page))
            .route("/fleet", get(super::fleet_page::fleet_html))
            .route("/fleet.json", get(super::fleet_page::fleet_json))
            .with_state(self)
    }
}

async fn metrics_page(State(source): State<MetricsSource>) -> Result<Response, CentralError> {
    let text = blocking(move || source.render()).await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

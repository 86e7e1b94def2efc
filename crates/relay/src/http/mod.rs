//! The relay's HTTP surface: Meta's webhooks, the device API, health and metrics.

mod devices;
mod error;
mod stream;
mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use tokio::sync::watch;

pub use error::ApiFailure;

use crate::config::RelayConfig;
use crate::metrics::Metrics;
use crate::store::Store;

/// Everything a request handler needs, shared by all of them.
#[derive(Debug)]
pub struct RelayState {
    pub config: RelayConfig,
    pub store: Store,
    pub metrics: Metrics,
    /// The newest stored cursor; long-polls wait for it to change.
    pub newest_cursor: watch::Sender<u64>,
}

pub type SharedState = Arc<RelayState>;

pub fn router(state: SharedState) -> Router {
    let max_body = state.config.max_body_bytes;
    Router::new()
        .route(
            "/webhooks/meta",
            get(webhooks::verify_subscription).post(webhooks::receive),
        )
        .route("/v1/devices", post(devices::register))
        .route("/v1/routes", post(devices::claim_route))
        .route("/v1/envelopes", get(devices::envelopes))
        .route("/v1/envelopes/ack", post(devices::ack))
        .route("/v1/stream", get(stream::stream))
        .route("/v1/devices/key", post(devices::rotate_key))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

async fn metrics(State(state): State<SharedState>) -> Result<String, ApiFailure> {
    let relay = state.clone();
    let depth = tokio::task::spawn_blocking(move || relay.store.queue_depth()).await??;
    Ok(state.metrics.render(depth))
}

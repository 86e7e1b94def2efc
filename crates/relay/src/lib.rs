//! The Leadbox relay: a small server that receives the platforms' webhooks,
//! seals every payload to the owner's desktop keys and holds the envelopes
//! until a desktop fetches and acknowledges them. It cannot read what it carries.

pub mod config;
pub mod http;
pub mod metrics;
pub mod secrets;
pub mod store;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use config::RelayConfig;
pub use http::{RelayState, SharedState};
pub use store::Store;

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Opens the store and builds the shared state.
pub fn prepare(config: RelayConfig) -> Result<SharedState, store::StoreError> {
    let store = Store::open(&config.data_dir)?;
    let (newest_cursor, _) = tokio::sync::watch::channel(0);
    Ok(Arc::new(RelayState {
        config,
        store,
        metrics: metrics::Metrics::default(),
        newest_cursor,
    }))
}

/// Serves on an already-bound listener until `shutdown` completes, then lets
/// in-flight requests finish. Taking the listener lets tests bind port 0.
pub async fn serve(
    listener: TcpListener,
    state: SharedState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = http::router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

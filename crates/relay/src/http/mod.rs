//! The relay's HTTP surface: Meta's webhooks, the device API, health and metrics.

mod deletion;
mod devices;
mod error;
pub mod limits;
mod login_start;
mod meta_login;
mod pages;
mod routes;
mod signup;
pub mod stream;
mod webhooks;
pub mod widget;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, Method, header};
use axum::routing::{delete, get, post};
use leadbox_envelope::payload::Payload;
use leadbox_envelope::{DevicePublicKey, seal};
use tokio::sync::watch;
use tower_governor::GovernorLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

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
    /// The newest queued website-chat reply; visitor polls wait for it to change.
    pub newest_reply: watch::Sender<u64>,
    /// Set when the relay is shutting down: push streams and long-polls end
    /// at once, so a restart does not wait for them.
    pub stopping: watch::Sender<bool>,
    /// Open push streams per device (bounded: see `stream::MAX_STREAMS_PER_DEVICE`).
    pub open_streams: stream::OpenStreams,
    pub sites: widget::SiteDirectory,
    /// Where new envelopes are stored, many webhooks per transaction.
    pub committer: crate::group_commit::Committer,
    pub budgets: limits::Budgets,
}

pub type SharedState = Arc<RelayState>;

impl RelayState {
    /// Resolves once the relay is shutting down (at once if it already is).
    pub async fn stopped(&self) {
        let mut stopping = self.stopping.subscribe();
        let _ = stopping.wait_for(|stopping| *stopping).await;
    }
}

/// The largest JSON body of the device API and the website chat (a reply is
/// at most a few thousand characters): far below `max_body_bytes`, which only
/// Meta's webhooks need, so unauthenticated bodies cannot fill memory.
pub const MAX_API_BODY_BYTES: usize = 64 * 1024;

pub fn router(state: SharedState) -> Router {
    let max_body = state.config.max_body_bytes;
    let device_budget =
        GovernorLayer::new(state.budgets.device.clone()).error_handler(limits::refused);
    let widget_budget =
        GovernorLayer::new(state.budgets.widget.clone()).error_handler(limits::refused);
    // Every page may read the chat's answers, so one on an address the owner
    // did not list learns why (`origin_not_allowed`) instead of a network
    // error; the handlers refuse it (and count it for the owner).
    let widget_cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static(widget::SESSION_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(600));
    let visitor = Router::new()
        .route("/widget/v1/{site}/hello", get(widget::visitor_hello))
        .route("/widget/v1/{site}/messages", post(widget::visitor_message))
        .route("/widget/v1/{site}/replies", get(widget::visitor_replies))
        .layer(DefaultBodyLimit::max(MAX_API_BODY_BYTES))
        .layer(widget_budget)
        .layer(widget_cors);
    let device = Router::new()
        .route("/v1/devices", post(devices::register).get(devices::list))
        .route("/v1/devices/{id}", delete(devices::revoke))
        .route("/v1/invites", post(devices::invite))
        .route("/v1/routes", post(routes::claim))
        .route("/v1/signup", post(signup::sign_up))
        .route("/v1/envelopes", get(devices::envelopes))
        .route("/v1/envelopes/ack", post(devices::ack))
        .route("/v1/stream", get(stream::stream))
        .route("/v1/devices/key", post(devices::rotate_key))
        .route(
            "/v1/widget/sites",
            post(widget::create_site).get(widget::list_sites),
        )
        .route(
            "/v1/widget/sites/{site_id}/origins",
            post(widget::add_origin),
        )
        .route("/v1/widget/replies", post(widget::reply))
        .route("/v1/oauth/meta/tickets", post(meta_login::ticket))
        .route(
            "/oauth/meta/start",
            get(login_start::start).post(login_start::confirm),
        )
        .route("/oauth/meta/callback", get(meta_login::callback))
        .route(
            "/v1/oauth/instagram/tickets",
            post(meta_login::instagram_ticket),
        )
        .route(
            "/oauth/instagram/start",
            get(login_start::instagram_start).post(login_start::instagram_confirm),
        )
        .route(
            "/oauth/instagram/callback",
            get(meta_login::instagram_callback),
        )
        .route("/meta/data-deletion", post(deletion::request))
        .route("/meta/data-deletion/{code}", get(deletion::status))
        .route("/v1/meta/deletions/complete", post(deletion::complete))
        .layer(DefaultBodyLimit::max(MAX_API_BODY_BYTES))
        .layer(device_budget);
    Router::new()
        .route(
            "/webhooks/meta",
            get(webhooks::verify_subscription).post(webhooks::receive),
        )
        .merge(device)
        .merge(visitor)
        .route("/widget.js", get(widget::script))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// `GET /metrics`: counters only, no table scan. With `metrics_token` set,
/// only for `Authorization: Bearer <token>`; without it, only for this
/// computer when no proxy forwarded the request (so the public gets nothing).
async fn metrics(
    State(state): State<SharedState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Result<String, ApiFailure> {
    let allowed = match &state.config.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|given| {
                subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.as_bytes()).into()
            }),
        None => {
            peer.ip().is_loopback()
                && !headers.contains_key("x-forwarded-for")
                && !headers.contains_key(header::FORWARDED)
        }
    };
    if !allowed {
        return Err(ApiFailure::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            "no such page",
        ));
    }
    Ok(state.metrics.render())
}

/// Seals one payload to each of a business's devices, stores the envelopes
/// durably and wakes the waiting streams and long-polls.
pub(crate) async fn deliver(
    state: &SharedState,
    business_id: &str,
    devices: &[(String, DevicePublicKey)],
    payload: &Payload,
) -> Result<(), ApiFailure> {
    if devices.is_empty() {
        return Ok(());
    }
    let envelope_id = uuid::Uuid::new_v4().to_string();
    let bytes = payload.to_bytes();
    let mut sealed = Vec::with_capacity(devices.len());
    for (device_id, key) in devices {
        match seal(key, business_id, &envelope_id, &bytes) {
            Ok(envelope) => sealed.push((device_id.clone(), envelope)),
            Err(error) => {
                tracing::error!(%error, device = %device_id, "sealing to a device failed");
                Metrics::add(&state.metrics.seal_failures, 1);
            }
        }
    }
    let count = sealed.len() as u64;
    if count == 0 {
        return Ok(());
    }
    // To the end on a task of its own, even if the request is dropped.
    let relay = state.clone();
    let business = business_id.to_owned();
    tokio::spawn(async move {
        let newest = relay
            .committer
            .store(sealed, crate::now_ms() / 1000)
            .await?;
        Metrics::add(&relay.metrics.envelopes_sealed, count);
        relay.metrics.business_envelopes.add(&business, count);
        relay
            .metrics
            .queue_changed(i64::try_from(count).unwrap_or(i64::MAX));
        relay
            .newest_cursor
            .send_modify(|cursor| *cursor = (*cursor).max(newest));
        Ok::<_, crate::store::StoreError>(())
    })
    .await??;
    Ok(())
}

//! The Leadbox relay: a small server that receives the platforms' webhooks,
//! seals every payload to the owner's desktop keys and holds the envelopes
//! until a desktop fetches and acknowledges them. It cannot read what it carries.

pub mod config;
mod connections;
pub mod facebook;
pub mod group_commit;
pub mod http;
pub mod instagram;
pub mod meta_links;
pub mod metrics;
pub mod proof;
pub mod secrets;
pub mod store;
pub mod tls;
pub mod widget_store;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use config::RelayConfig;
pub use http::{RelayState, SharedState};
pub use store::Store;

pub(crate) use leadbox_envelope::now_ms;

/// Opens the store and builds the shared state (on a tokio runtime: the
/// group committer is a task).
pub async fn prepare(config: RelayConfig) -> Result<SharedState, store::StoreError> {
    let store = store::open(&config).await?;
    let (newest_cursor, _) = tokio::sync::watch::channel(0);
    let (newest_reply, _) = tokio::sync::watch::channel(0);
    let (stopping, _) = tokio::sync::watch::channel(false);
    let sites = http::widget::SiteDirectory::load(store.sites().await?);
    let budgets = http::limits::Budgets::new(&config.limits);
    let committer = group_commit::Committer::start(store.clone());
    Ok(Arc::new(RelayState {
        config,
        store,
        metrics: metrics::Metrics::default(),
        newest_cursor,
        newest_reply,
        stopping,
        open_streams: http::stream::OpenStreams::default(),
        sites,
        committer,
        budgets,
    }))
}

/// How long requests already being answered (a webhook being stored) may
/// take once the relay is stopping; streams and long-polls end at once.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(4);

/// Serves on an already-bound listener until `shutdown` completes. Then it
/// stops accepting, ends push streams and long-polls, lets requests in flight
/// finish for a few seconds, and returns. Taking the listener lets tests bind
/// port 0. With `tls` configured it speaks HTTPS itself (see [`tls`]).
pub async fn serve(
    listener: TcpListener,
    state: SharedState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let certificates = match &state.config.tls {
        Some(files) => Some(Arc::new(
            tls::CertificateStore::load(files).map_err(std::io::Error::other)?,
        )),
        None => None,
    };
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let quota_losses = tokio::spawn(flush_over_quota(state.clone()));
    // Several instances over one PostgreSQL: what another instance stores
    // wakes this one's streams and long-polls too.
    let wakeups = state.config.database_url.clone().map(|url| {
        let woken = state.clone();
        let wake: store::postgres::notify::Wake = Arc::new(move |stored| {
            use store::postgres::notify::Stored;
            match stored {
                Stored::Envelopes => woken.newest_cursor.send_modify(|_| ()),
                Stored::Replies => woken.newest_reply.send_modify(|_| ()),
                Stored::Sites => {
                    let reloading = woken.clone();
                    tokio::spawn(async move {
                        match reloading.store.sites().await {
                            Ok(sites) => reloading.sites.replace_all(sites),
                            Err(error) => {
                                tracing::warn!(%error, "reloading the website chats failed")
                            }
                        }
                    });
                }
            }
        });
        tokio::spawn(store::postgres::notify::listen(url, wake))
    });
    let stopping = state.clone();
    let shutdown = async move {
        shutdown.await;
        tracing::info!("stopping: ending push streams and long-polls");
        stopping.stopping.send_replace(true);
    };
    let waiting = state.clone();
    let grace_over = async move {
        waiting.stopped().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
        tracing::warn!("requests still open after the grace period; stopping anyway");
    };
    let app = http::router(state.clone());
    let served = match certificates {
        Some(certificates) => {
            let renewals = tokio::spawn(watch_certificate(certificates.clone()));
            let acceptor = tls::acceptor(certificates).map_err(std::io::Error::other)?;
            let listener = tls::TlsListener::new(listener, acceptor)?;
            let served = tokio::select! {
                served = connections::serve(listener, app, state, shutdown) => served,
                () = grace_over => Ok(()),
            };
            renewals.abort();
            served
        }
        None => {
            // Small responses (a long-poll page, a webhook's 200) must not wait for
            // Nagle's algorithm and the peer's delayed ACK: that costs ~40 ms each.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                if let Err(error) = tcp.set_nodelay(true) {
                    tracing::debug!(%error, "TCP_NODELAY not set");
                }
            });
            tokio::select! {
                served = connections::serve(listener, app, state, shutdown) => served,
                () = grace_over => Ok(()),
            }
        }
    };
    housekeeping.abort();
    quota_losses.abort();
    if let Some(wakeups) = wakeups {
        wakeups.abort();
    }
    served
}

/// Picks up a renewed certificate within a minute.
async fn watch_certificate(certificates: Arc<tls::CertificateStore>) {
    loop {
        tokio::time::sleep(HOUSEKEEPING_EVERY).await;
        if let Err(error) = certificates.reload_if_changed() {
            tracing::warn!(%error, "the new TLS certificate is not usable yet; keeping the old one");
        }
    }
}

/// Adds what was dropped over quota to the devices' lost counts, once a second
/// (a flood of dropped entries costs one write a second, not one each).
async fn flush_over_quota(state: SharedState) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let lost = state.budgets.take_over_quota_lost();
        if lost.is_empty() {
            continue;
        }
        if let Err(error) = state.store.count_lost(&lost).await {
            tracing::error!(%error, "counting envelopes dropped over quota failed");
        }
    }
}

/// How often expired envelopes are removed and queue bounds enforced.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Expiry and queue bounds, at start and every minute. What goes is counted,
/// per device, and told to that device on its next fetch: never silent.
async fn housekeeping(state: SharedState) {
    loop {
        match housekeep(&state).await {
            Ok((0, 0)) => {}
            Ok((expired, evicted)) => {
                tracing::warn!(expired, evicted, "envelopes dropped unacknowledged");
            }
            Err(error) => tracing::error!(%error, "housekeeping failed"),
        }
        tokio::time::sleep(HOUSEKEEPING_EVERY).await;
    }
}

/// One housekeeping pass: how many envelopes expired and were evicted.
async fn housekeep(relay: &SharedState) -> Result<(u64, u64), store::StoreError> {
    let store = &relay.store;
    let ttl_seconds = i64::from(relay.config.envelope_ttl_days) * 24 * 3600;
    let expired = store.expire(now_ms() / 1000 - ttl_seconds).await?;
    let evicted = store
        .enforce_bound(relay.config.max_queue_per_device)
        .await?;
    store.expire_login_states(now_ms() / 1000).await?;
    store.expire_widget_sessions(now_ms() / 1000).await?;
    relay.budgets.forget_idle();
    if relay.budgets.counts_stored_bytes() {
        let businesses = store.businesses().await?;
        relay.budgets.replace_stored(
            businesses
                .into_iter()
                .map(|b| (b.business_id, b.envelope_bytes)),
        );
    }
    metrics::Metrics::add(&relay.metrics.envelopes_expired, expired.envelopes);
    metrics::Metrics::add(&relay.metrics.envelopes_evicted, evicted);
    // A recount, off the request path, corrects anything the running count
    // missed (a revoked device's queue, say).
    let depth = store.queue_depth().await?;
    relay.metrics.queue_depth.store(
        i64::try_from(depth).unwrap_or(i64::MAX),
        std::sync::atomic::Ordering::Relaxed,
    );
    Ok((expired.envelopes, evicted))
}

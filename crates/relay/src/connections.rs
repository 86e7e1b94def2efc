//! The accept loop: each connection served by hyper's HTTP/1 server, as `axum::serve` does,
//! with what a server on the open internet needs and `axum::serve` lacks: a
//! client must send a request's headers within a few seconds (slowloris), and
//! at most `max_connections` are open at once (more are closed at once and
//! counted). On shutdown the loop stops accepting and asks every connection to
//! finish its current request and close.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::serve::Listener;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, watch};

use crate::SharedState;
use crate::metrics::Metrics;

/// How long a client has to send a request's headers, on a new connection
/// and between requests on a kept-alive one.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) async fn serve<L>(
    mut listener: L,
    app: Router,
    state: SharedState,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    L: Listener<Addr = SocketAddr>,
{
    let permits = Arc::new(Semaphore::new(
        usize::try_from(state.config.limits.max_connections).unwrap_or(usize::MAX),
    ));
    // Every connection holds a receiver; when all are dropped, all are closed.
    let (all_closed, connection_open) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Dropping the connection closes it: nothing is read from it.
            Metrics::add(&state.metrics.connections_refused, 1);
            continue;
        };
        let app = app.clone();
        // Rate limits and logs read the peer address from the request.
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let mut app = app.clone();
            async move { tower_service::Service::call(&mut app, request).await }
        });
        let mut stopping = state.stopping.subscribe();
        let open = connection_open.clone();
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(io), service);
            let mut connection = std::pin::pin!(connection);
            let mut asked_to_close = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(error) = result {
                            tracing::trace!(%error, "connection ended with an error");
                        }
                        break;
                    }
                    _ = stopping.wait_for(|stopping| *stopping), if !asked_to_close => {
                        asked_to_close = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(open);
            drop(permit);
        });
    }
    drop(listener);
    drop(connection_open);
    all_closed.closed().await;
    Ok(())
}

//! Push: a Server-Sent Events stream per device. Each event carries a page of
//! envelopes (the same JSON as the long-poll) the moment they are stored;
//! `after` or `Last-Event-ID` resumes from a cursor. Long-poll stays as the
//! fallback for clients and proxies that cannot hold a stream open.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use leadbox_envelope::api::{EnvelopePage, MAX_PAGE};
use serde::Deserialize;
use tokio::sync::watch;

use super::devices::authenticate;
use super::{ApiFailure, SharedState};
use crate::metrics::Metrics;
use crate::store::StoreError;

/// How often an idle stream re-checks that the device is still allowed and
/// whether it lost envelopes to expiry.
const RECHECK: Duration = Duration::from_secs(30);

/// A desktop needs one stream; a few cover reconnects that overlap. More
/// would let one token hold many connections, each woken by every envelope.
pub const MAX_STREAMS_PER_DEVICE: usize = 3;

/// How many push streams each device has open.
#[derive(Debug, Default)]
pub struct OpenStreams(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>);

/// One open stream, counted until it is dropped (the stream ended).
struct StreamSlot {
    streams: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
    device_id: String,
}

impl OpenStreams {
    fn open(&self, device_id: &str) -> Option<StreamSlot> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(device_id.to_owned()).or_default();
        if *count >= MAX_STREAMS_PER_DEVICE {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            streams: self.0.clone(),
            device_id: device_id.to_owned(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.device_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.device_id);
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    #[serde(default)]
    after: u64,
}

struct Cursor {
    _slot: StreamSlot,
    state: SharedState,
    device_id: String,
    after: u64,
    lost_announced: u64,
    newest: watch::Receiver<u64>,
}

/// What the next event of a stream is, or `None` when the stream ends.
async fn next_page(cursor: &mut Cursor) -> Result<Option<EnvelopePage>, StoreError> {
    loop {
        if *cursor.state.stopping.borrow() {
            return Ok(None);
        }
        cursor.newest.mark_unchanged();
        let store = &cursor.state.store;
        let device_id = &cursor.device_id;
        let active = store.device_active(device_id).await?;
        let envelopes = store
            .envelopes_after(device_id, cursor.after, MAX_PAGE)
            .await?;
        let lost = store.lost_unreported(device_id).await?;
        if !active {
            return Ok(None);
        }
        let lost_changed = lost > 0 && lost != cursor.lost_announced;
        if lost == 0 {
            cursor.lost_announced = 0;
        }
        if !envelopes.is_empty() || lost_changed {
            cursor.lost_announced = lost;
            cursor.after = envelopes.last().map_or(cursor.after, |e| e.cursor);
            Metrics::add(
                &cursor.state.metrics.envelopes_delivered,
                envelopes.len() as u64,
            );
            return Ok(Some(EnvelopePage {
                envelopes,
                next_cursor: cursor.after,
                lost,
            }));
        }
        tokio::select! {
            _ = tokio::time::timeout(RECHECK, cursor.newest.changed()) => {}
            () = cursor.state.stopped() => return Ok(None),
        }
    }
}

pub async fn stream(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let slot = state.open_streams.open(&device.device_id).ok_or_else(|| {
        ApiFailure::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "too_many_streams",
            "this computer already has the most push streams open; close one first",
        )
    })?;
    let cursor = Cursor {
        _slot: slot,
        newest: state.newest_cursor.subscribe(),
        state,
        device_id: device.device_id,
        after: resume.unwrap_or(query.after),
        lost_announced: 0,
    };
    let events = futures_util::stream::unfold(cursor, |mut cursor| async move {
        match next_page(&mut cursor).await {
            Ok(Some(page)) => {
                let event = Event::default()
                    .event("envelopes")
                    .id(page.next_cursor.to_string())
                    .json_data(&page)
                    .unwrap_or_else(|_| Event::default().comment("unencodable page"));
                Some((Ok(event), cursor))
            }
            Ok(None) => None,
            Err(error) => {
                tracing::warn!(%error, "push stream ended");
                None
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

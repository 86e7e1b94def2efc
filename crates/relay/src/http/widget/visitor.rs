//! What a visitor's page calls: posting a message (sealed to the business's
//! desktops at once, after every budget is checked) and waiting for replies.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use leadbox_envelope::Platform;
use leadbox_envelope::payload::Payload;
use serde::{Deserialize, Serialize};

use super::{MAX_REPLY_WAIT, SESSION_HEADER, parse_visitor_message, site_for};
use crate::http::{ApiFailure, SharedState, deliver};
use crate::metrics::Metrics;
use crate::now_ms;
use crate::widget_store::PendingReply;

#[derive(Debug, Serialize)]
pub struct MessageAccepted {
    /// The secret the page keeps to fetch replies and write again.
    pub session: String,
    pub message_id: String,
}

/// What the page learns when it loads: whether the chat may be used here.
#[derive(Debug, Serialize)]
pub struct Hello {
    pub available: bool,
}

/// `GET /widget/v1/{site}/hello`: asked once per page load, so a page on an
/// address the owner did not list tells the visitor so before they write
/// (and the owner is shown the address).
pub async fn visitor_hello(
    State(state): State<SharedState>,
    Path(site_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Hello>, ApiFailure> {
    site_for(&state, &site_id, &headers).await?;
    Ok(Json(Hello { available: true }))
}

pub async fn visitor_message(
    State(state): State<SharedState>,
    Path(site_id): Path<String>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<MessageAccepted>), ApiFailure> {
    let site = site_for(&state, &site_id, &headers).await?;
    let message = parse_visitor_message(&body).map_err(|error| {
        Metrics::add(&state.metrics.widget_rejected_invalid, 1);
        ApiFailure::new(StatusCode::BAD_REQUEST, "bad_message", error.to_string())
    })?;
    // Every budget is checked before anything is written: the site's, the
    // visitor's session, and (for a session that does not exist yet) the
    // new sessions of this address.
    let limited = |refused: ApiFailure| {
        Metrics::add(&state.metrics.widget_rejected_rate, 1);
        refused
    };
    state.budgets.site_message(&site.site_id).map_err(limited)?;
    let known = match message.session.as_deref() {
        Some(secret) => {
            state
                .budgets
                .session_message(&crate::store::hash_secret(secret))
                .map_err(limited)?;
            state
                .store
                .existing_session(&site.site_id, secret, now_ms() / 1000)
                .await?
                .is_some()
        }
        None => false,
    };
    if !known {
        let client = state.budgets.client_address.of(peer, &headers);
        state.budgets.new_session(client).map_err(limited)?;
    }
    let (session, secret) = state
        .store
        .visitor_session(&site.site_id, message.session.as_deref(), now_ms() / 1000)
        .await?;
    let recipients = state
        .store
        .recipients(Platform::Website, &site.site_id)
        .await?;
    if !known {
        // The new session's first message counts against its own budget too.
        let _ = state.budgets.session_message(&session.reference);
    }
    let Some(recipients) = recipients.filter(|r| !r.devices.is_empty()) else {
        return Err(ApiFailure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_receiving",
            "this chat is not receiving messages right now; please try again later",
        ));
    };
    // The page's id makes a retried post the same message; the session's
    // reference keeps two visitors' ids apart.
    let message_id = match &message.client_message_id {
        Some(id) => format!("web_{}_{id}", &session.reference[..16]),
        None => format!("web_{}", uuid::Uuid::new_v4().simple()),
    };
    let payload = Payload::WidgetMessage {
        site_id: site.site_id.clone(),
        session_id: session.reference.clone(),
        message_id: message_id.clone(),
        text: message.text,
        visitor_name: message.name,
        visitor_email: message.email,
        visitor_phone: message.phone,
        received_at_ms: now_ms(),
    };
    deliver(
        &state,
        &recipients.business_id,
        &recipients.devices,
        &payload,
    )
    .await?;
    Metrics::add(&state.metrics.widget_messages, 1);
    tracing::info!(site = %site.site_id, "website chat message sealed");
    Ok((
        StatusCode::CREATED,
        Json(MessageAccepted {
            session: secret,
            message_id,
        }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct RepliesQuery {
    #[serde(default)]
    after: u64,
    #[serde(default)]
    wait: u64,
}

#[derive(Debug, Serialize)]
pub struct RepliesPage {
    pub replies: Vec<PendingReply>,
}

/// A visitor page's long-poll for replies. `after` is the last reply it has
/// shown: those up to it are deleted from the relay.
pub async fn visitor_replies(
    State(state): State<SharedState>,
    Path(site_id): Path<String>,
    Query(query): Query<RepliesQuery>,
    headers: HeaderMap,
) -> Result<Json<RepliesPage>, ApiFailure> {
    let site = site_for(&state, &site_id, &headers).await?;
    let secret = headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::BAD_REQUEST,
                "no_session",
                "write a message first; replies come to the chat you started",
            )
        })?
        .to_owned();
    let session = state
        .store
        .existing_session(&site.site_id, &secret, now_ms() / 1000)
        .await?
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::GONE,
                "session_gone",
                "this chat has ended; write again to start a new one",
            )
        })?;
    let deadline =
        tokio::time::Instant::now() + Duration::from_secs(query.wait).min(MAX_REPLY_WAIT);
    let mut newest = state.newest_reply.subscribe();
    loop {
        newest.mark_unchanged();
        let replies = state
            .store
            .replies_after(&session.reference, query.after)
            .await?;
        if !replies.is_empty() {
            Metrics::add(
                &state.metrics.widget_replies_delivered,
                replies.len() as u64,
            );
            return Ok(Json(RepliesPage { replies }));
        }
        let waiting = crate::metrics::Waiting::on(&state.metrics.visitor_polls_waiting);
        let woken = tokio::select! {
            changed = tokio::time::timeout_at(deadline, newest.changed()) => changed.is_ok(),
            () = state.stopped() => false,
        };
        drop(waiting);
        if !woken {
            return Ok(Json(RepliesPage { replies }));
        }
    }
}

//! `GET|POST /webhooks/meta`: Meta's subscription handshake and webhook intake.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use leadbox_channels::routing::{RouteScope, split_webhook};
use leadbox_envelope::payload::Payload;
use leadbox_envelope::{SealedEnvelope, seal};
use subtle::ConstantTimeEq;

use super::{ApiFailure, SharedState};
use crate::metrics::Metrics;
use crate::now_ms;
use crate::secrets::{SignatureCheck, verify_meta_signature};
use crate::store::Recipients;

/// Answers Meta's `hub.challenge` when `hub.verify_token` matches the configured one.
pub async fn verify_subscription(
    State(state): State<SharedState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<String, ApiFailure> {
    let mode = query.get("hub.mode").map(String::as_str);
    let token = query
        .get("hub.verify_token")
        .map(String::as_str)
        .unwrap_or_default();
    let challenge = query.get("hub.challenge");
    let token_matches: bool = token
        .as_bytes()
        .ct_eq(state.config.meta_verify_token.as_bytes())
        .into();
    match (mode, challenge) {
        (Some("subscribe"), Some(challenge)) if token_matches => {
            tracing::info!("Meta webhook subscription verified");
            Ok(challenge.clone())
        }
        (Some("subscribe"), Some(_)) => {
            tracing::warn!("Meta webhook verification failed: wrong verify token");
            Err(ApiFailure::new(
                StatusCode::FORBIDDEN,
                "wrong_verify_token",
                "the verify token does not match meta_verify_token in the relay config; paste the same value in the Meta app's webhook settings",
            ))
        }
        _ => Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "not_a_handshake",
            "expected hub.mode=subscribe, hub.verify_token and hub.challenge",
        )),
    }
}

/// Verifies, routes, seals and durably stores a webhook, and only then answers 200.
/// The work runs on a task of its own: when Meta hangs up before the answer,
/// the webhook is still stored to the end, counted, and pushed to desktops.
pub async fn receive(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<&'static str, ApiFailure> {
    let started = std::time::Instant::now();
    let relay = state.clone();
    let answer = tokio::spawn(async move { intake(&relay, &headers, body).await })
        .await
        .map_err(ApiFailure::from)
        .and_then(|answer| answer);
    state.metrics.webhook_duration.observe(started.elapsed());
    answer
}

async fn intake(
    state: &SharedState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<&'static str, ApiFailure> {
    let metrics = &state.metrics;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Metrics::add(&metrics.rejected_too_large, 1);
            ApiFailure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "the webhook body is larger than max_body_bytes",
            )
        } else {
            Metrics::add(&metrics.rejected_malformed, 1);
            ApiFailure::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                "the webhook body could not be read",
            )
        }
    })?;
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    match verify_meta_signature(&state.config.meta_app_secret, signature, &body) {
        SignatureCheck::Valid => {}
        SignatureCheck::Missing => {
            Metrics::add(&metrics.rejected_missing_signature, 1);
            return Err(ApiFailure::new(
                StatusCode::UNAUTHORIZED,
                "missing_signature",
                "X-Hub-Signature-256 is missing",
            ));
        }
        SignatureCheck::Invalid => {
            Metrics::add(&metrics.rejected_bad_signature, 1);
            tracing::warn!("webhook refused: signature does not match meta_app_secret");
            return Err(ApiFailure::new(
                StatusCode::FORBIDDEN,
                "bad_signature",
                "X-Hub-Signature-256 does not match; check meta_app_secret in the relay config",
            ));
        }
    }
    // A signed body is always answered 200 from here on (5xx only when the
    // relay cannot store): what Leadbox does not use is counted and dropped.
    let split = split_webhook(&body);
    for ignored in &split.ignored {
        metrics
            .webhook_parts_ignored
            .add(&ignored.object, &ignored.field);
    }
    Metrics::add(&metrics.webhooks_received, 1);

    // Routing (with SQLite an indexed read on the reader connection, done in
    // place) and sealing (two X25519 operations per desktop, tens of
    // microseconds) run right here: handing them to the blocking pool cost
    // more in thread switches than they take.
    let relay = state;
    // Envelopes sealed per business, counted once stored.
    let mut per_business: Vec<(String, u64)> = Vec::new();
    let sealed = async {
        let received_at_ms = now_ms();
        let mut sealed: Vec<(String, SealedEnvelope)> = Vec::new();
        let mut unrouted = 0u64;
        for routed in split.entries {
            let recipients = match routed.scope {
                RouteScope::Account => relay
                    .store
                    .recipients(routed.route, &routed.account_id)
                    .await?
                    .into_iter()
                    .collect(),
                RouteScope::WhatsappBusinessAccount => relay
                    .store
                    .business_account_recipients(&routed.account_id)
                    .await?,
            };
            let recipients: Vec<Recipients> = recipients
                .into_iter()
                .filter(|r: &Recipients| !r.devices.is_empty())
                .collect();
            if recipients.is_empty() {
                unrouted += 1;
                continue;
            }
            let payload = Payload::MetaWebhookEntry {
                object: routed.object,
                route: routed.route,
                account_id: routed.account_id,
                received_at_ms,
                entry: routed.entry,
            }
            .to_bytes();
            for Recipients {
                business_id,
                devices,
            } in recipients
            {
                // What its envelopes will take: the payload sealed once per
                // computer, base64 (a third more), plus the key.
                let estimate = (payload.len() as u64 * 4 / 3 + 64) * devices.len() as u64;
                if !relay.budgets.business_entry(&business_id)
                    || !relay.budgets.business_has_room(&business_id, estimate)
                {
                    // Over its quota: dropped before any work, counted, and
                    // its computers told; the webhook is still answered 200.
                    // (The lost counts are written in batches, not per entry:
                    // a flood must not turn into a write per dropped entry.)
                    relay.metrics.business_over_quota.add(&business_id, 1);
                    relay
                        .budgets
                        .over_quota_lost(devices.into_iter().map(|(id, _)| id));
                    continue;
                }
                let envelope_id = uuid::Uuid::new_v4().to_string();
                let before = sealed.len();
                for (device_id, key) in devices {
                    // One computer's unusable key must not stop the others'
                    // deliveries (or another business's): counted, skipped.
                    match seal(&key, &business_id, &envelope_id, &payload) {
                        Ok(envelope) => sealed.push((device_id, envelope)),
                        Err(error) => {
                            tracing::error!(%error, device = %device_id, "sealing to a device failed");
                            Metrics::add(&relay.metrics.seal_failures, 1);
                        }
                    }
                }
                let bytes: u64 = sealed[before..]
                    .iter()
                    .map(|(_, e)| (e.ciphertext.len() + e.encapsulated_key.len()) as u64)
                    .sum();
                relay.budgets.stored(&business_id, bytes);
                per_business.push((business_id, (sealed.len() - before) as u64));
            }
        }
        Metrics::add(&relay.metrics.entries_unrouted, unrouted);
        Ok::<_, ApiFailure>((sealed, received_at_ms / 1000))
    }
    .await?;

    let (sealed, received_at) = sealed;
    let count = sealed.len();
    if count > 0 {
        let newest = state.committer.store(sealed, received_at).await?;
        Metrics::add(&metrics.envelopes_sealed, count as u64);
        for (business_id, sealed) in &per_business {
            metrics.business_envelopes.add(business_id, *sealed);
        }
        metrics.queue_changed(i64::try_from(count).unwrap_or(i64::MAX));
        state
            .newest_cursor
            .send_modify(|cursor| *cursor = (*cursor).max(newest));
    }
    tracing::debug!(envelopes = count, "webhook stored");
    Ok("EVENT_RECEIVED")
}

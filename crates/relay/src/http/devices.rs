//! The device API: pairing, fetching and acknowledging envelopes.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use leadbox_envelope::api::{
    AckRequest, AckResponse, BusinessDevice, ComputerInvite, EnvelopePage, MAX_PAGE,
    MAX_WAIT_SECONDS, RegisterDeviceRequest, RegisterDeviceResponse, RotateKeyRequest,
};
use serde::Deserialize;

use super::{ApiFailure, SharedState};
use crate::metrics::Metrics;
use crate::now_ms;
use crate::store::Device;

pub(super) async fn authenticate(
    state: &SharedState,
    headers: &HeaderMap,
) -> Result<Device, ApiFailure> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiFailure::unauthorized)?
        .to_owned();
    let device = state
        .store
        .device_for_token(&token)
        .await?
        .ok_or_else(ApiFailure::unauthorized)?;
    if device.suspended {
        return Err(ApiFailure::new(
            StatusCode::FORBIDDEN,
            "business_suspended",
            "this business is suspended on this relay; its messages are kept. Ask the relay's operator to resume it",
        ));
    }
    Ok(device)
}

/// A key nothing can be sealed to would make every webhook for its business
/// fail: refused before it is stored.
pub(super) fn usable_key(key: &leadbox_envelope::DevicePublicKey) -> Result<(), ApiFailure> {
    if key.is_usable() {
        Ok(())
    } else {
        Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "bad_device_key",
            "this computer's public key is not a usable X25519 key; pair it again",
        ))
    }
}

/// How a computer is named at the relay: at most 80 characters.
pub(super) fn device_name(text: &str) -> String {
    text.trim().chars().take(80).collect()
}

pub async fn register(
    State(state): State<SharedState>,
    Json(request): Json<RegisterDeviceRequest>,
) -> Result<(StatusCode, Json<RegisterDeviceResponse>), ApiFailure> {
    usable_key(&request.public_key)?;
    let name = device_name(&request.device_name);
    let registration = state
        .store
        .register_device(
            &request.invite_code,
            &request.public_key,
            &name,
            now_ms() / 1000,
        )
        .await?;
    tracing::info!(device = %registration.device_id, business = %registration.business_id, "device paired");
    Ok((
        StatusCode::CREATED,
        Json(RegisterDeviceResponse {
            device_id: registration.device_id,
            business_id: registration.business_id,
            business_name: registration.business_name,
            token: registration.token,
        }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct EnvelopeQuery {
    #[serde(default)]
    after: u64,
    #[serde(default)]
    wait: u64,
    limit: Option<usize>,
}

/// Long-poll: answers at once when envelopes are waiting, else when one arrives
/// or `wait` seconds pass.
pub async fn envelopes(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<EnvelopeQuery>,
) -> Result<Json<EnvelopePage>, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let limit = query.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let deadline =
        tokio::time::Instant::now() + Duration::from_secs(query.wait.min(MAX_WAIT_SECONDS));
    let mut newest = state.newest_cursor.subscribe();
    loop {
        newest.mark_unchanged();
        let envelopes = state
            .store
            .envelopes_after(&device.device_id, query.after, limit)
            .await?;
        let lost = state.store.lost_unreported(&device.device_id).await?;
        let stopping = *state.stopping.borrow();
        if !envelopes.is_empty() || lost > 0 || stopping || tokio::time::Instant::now() >= deadline
        {
            Metrics::add(&state.metrics.envelopes_delivered, envelopes.len() as u64);
            let next_cursor = envelopes.last().map_or(query.after, |e| e.cursor);
            return Ok(Json(EnvelopePage {
                envelopes,
                next_cursor,
                lost,
            }));
        }
        // A new envelope was stored, the wait ran out, or the relay is
        // stopping: look again (and answer).
        let _waiting = crate::metrics::Waiting::on(&state.metrics.device_polls_waiting);
        tokio::select! {
            _ = tokio::time::timeout_at(deadline, newest.changed()) => {}
            () = state.stopped() => {}
        }
    }
}

pub async fn ack(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Json(request): Json<AckRequest>,
) -> Result<Json<AckResponse>, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    if request.cursors.len() > MAX_PAGE * 4 {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "too_many",
            "acknowledge at most 2000 envelopes at once",
        ));
    }
    if request.lost_seen > 0 {
        state
            .store
            .confirm_lost(&device.device_id, request.lost_seen)
            .await?;
    }
    let deleted = state.store.ack(&device.device_id, &request.cursors).await?;
    Metrics::add(&state.metrics.envelopes_acked, deleted);
    state
        .metrics
        .queue_changed(-i64::try_from(deleted).unwrap_or(i64::MAX));
    Ok(Json(AckResponse { deleted }))
}

/// Key rotation: envelopes from now on are sealed to the new key.
pub async fn rotate_key(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Json(request): Json<RotateKeyRequest>,
) -> Result<StatusCode, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    usable_key(&request.public_key)?;
    state
        .store
        .rotate_device_key(&device.device_id, &request.public_key, now_ms() / 1000)
        .await?;
    tracing::info!(device = %device.device_id, "device key rotated");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/invites`: the owner computer invites another computer of its
/// business (a business that signed up on a relay service has no one else
/// to ask). Members are refused, as for removing computers.
pub async fn invite(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<ComputerInvite>), ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let owner = state
        .store
        .business_devices(&device.business_id)
        .await?
        .iter()
        .any(|d| d.device_id == device.device_id && d.owner);
    if !owner {
        return Err(crate::store::StoreError::NotOwner.into());
    }
    let invite_code = state
        .store
        .invite_to_business(&device.business_id, now_ms() / 1000)
        .await?;
    tracing::info!(by = %device.device_id, "computer invited");
    Ok((
        StatusCode::CREATED,
        Json(ComputerInvite {
            invite_code,
            expires_in_seconds: 7 * 24 * 3600,
        }),
    ))
}

/// `GET /v1/devices`: the desktops of the caller's business, so the owner
/// sees which computers receive their messages.
pub async fn list(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Json<Vec<BusinessDevice>>, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let devices = state.store.business_devices(&device.business_id).await?;
    Ok(Json(devices))
}

/// `DELETE /v1/devices/{id}`: removes a desktop of the same business (a lost
/// or sold laptop): its token stops working and nothing more is sealed to it.
pub async fn revoke(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let revoked = state
        .store
        .revoke_business_device(
            &device.business_id,
            &device.device_id,
            &target,
            now_ms() / 1000,
        )
        .await?;
    if !revoked {
        return Err(ApiFailure::new(
            StatusCode::NOT_FOUND,
            "unknown_device",
            "no active computer of this business has that id",
        ));
    }
    tracing::info!(device = %target, by = %device.device_id, "device revoked by its business");
    Ok(StatusCode::NO_CONTENT)
}

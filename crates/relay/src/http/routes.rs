//! `POST /v1/routes`: a computer asks that an account's webhooks come to its
//! business. A free account needs proof of control (unless the relay is set
//! to `route_claims = "first_claim"`); an account another business holds
//! moves only with proof, and that business's computers are told.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use leadbox_envelope::Platform;
use leadbox_envelope::api::ClaimRouteRequest;
use leadbox_envelope::payload::Payload;

use super::devices::authenticate;
use super::{ApiFailure, SharedState, deliver};
use crate::config::RouteClaims;
use crate::now_ms;
use crate::proof::{Claim, ControlCheck};
use crate::store::{ClaimOutcome, Recipients, StoreError};

fn valid_id(id: &str) -> Result<String, ApiFailure> {
    let id = id.trim();
    (!id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_graphic()))
        .then(|| id.to_owned())
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::BAD_REQUEST,
                "bad_account_id",
                "the account id must be 1 to 64 visible characters",
            )
        })
}

pub async fn claim(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Json(request): Json<ClaimRouteRequest>,
) -> Result<StatusCode, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    if request.platform == Platform::Website {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "use_widget_sites",
            "website chats are added with POST /v1/widget/sites, which picks their id",
        ));
    }
    let account_id = valid_id(&request.account_id)?;
    let business_account = match (&request.whatsapp_business_account_id, request.platform) {
        (Some(id), Platform::Whatsapp) => Some(valid_id(id)?),
        (Some(_), _) => {
            return Err(ApiFailure::new(
                StatusCode::BAD_REQUEST,
                "not_whatsapp",
                "only a WhatsApp number belongs to a WhatsApp Business Account",
            ));
        }
        (None, _) => None,
    };

    let holder = state
        .store
        .route_holder(request.platform, &account_id)
        .await?;
    let new_business_account = match &business_account {
        Some(id) => {
            !state
                .store
                .business_account_linked(&device.business_id, id)
                .await?
        }
        None => false,
    };
    let held_elsewhere = holder.as_ref().is_some_and(|h| *h != device.business_id);
    // A WhatsApp Business Account's notices (templates, quality,
    // restrictions) are the business's too: linking a new one needs proof.
    let needs_proof = held_elsewhere
        || (state.config.route_claims == RouteClaims::Proof
            && (holder.is_none() || new_business_account));
    // The token is checked only when proof is needed, and never kept.
    let proven = match (&request.access_token, needs_proof) {
        (_, false) => false,
        (None, true) if held_elsewhere => {
            return Err(StoreError::RouteTaken(request.platform, account_id).into());
        }
        (None, true) => {
            return Err(ApiFailure::new(
                StatusCode::FORBIDDEN,
                "proof_required",
                "this relay routes an account only to a business that proves it controls it: \
                 connect it with Facebook or Instagram Login, or claim it with its access token",
            ));
        }
        (Some(token), true) => {
            let claim = Claim {
                route: request.platform,
                account_id: &account_id,
                whatsapp_business_account_id: business_account.as_deref(),
                token,
            };
            match ControlCheck::new(&state.config).prove(&claim).await {
                Ok(()) => true,
                Err(error) if error.is_unreachable() => {
                    tracing::warn!(%error, "proof of control: Meta unreachable");
                    return Err(ApiFailure::new(
                        StatusCode::BAD_GATEWAY,
                        "meta_unreachable",
                        "the relay could not reach Meta to check the token; try again",
                    ));
                }
                Err(error) => {
                    return Err(ApiFailure::new(
                        StatusCode::FORBIDDEN,
                        "proof_refused",
                        error.to_string(),
                    ));
                }
            }
        }
    };

    let now = now_ms() / 1000;
    let outcome = state
        .store
        .claim_route(
            &device.business_id,
            request.platform,
            &account_id,
            proven,
            now,
        )
        .await?;
    if let Some(business_account) = &business_account {
        state
            .store
            .link_business_account(&device.business_id, business_account, now)
            .await?;
    }
    if let ClaimOutcome::Moved { from } = outcome {
        tell_previous_business(&state, &from, request.platform, &account_id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The business an account moved away from learns it at once, sealed like
/// any webhook: its computers show that the account's messages go elsewhere.
pub(crate) async fn tell_previous_business(
    state: &SharedState,
    from: &Recipients,
    route: Platform,
    account_id: &str,
) -> Result<(), ApiFailure> {
    tracing::info!(%route, from = %from.business_id, "an account moved to another business with proof of control");
    let payload = Payload::RouteMoved {
        route,
        account_id: account_id.to_owned(),
        moved_at_ms: now_ms(),
    };
    deliver(state, &from.business_id, &from.devices, &payload).await
}

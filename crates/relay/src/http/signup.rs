//! `POST /v1/signup`: on a relay service, the app creates its business and
//! pairs this computer as the business's owner in one step. The operator
//! chooses who may (`signup`): nobody (`closed`, the default: invites only),
//! whoever has a sign-up code (`code`), or anyone (`open`, a few sign-ups per
//! address per hour).

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use leadbox_envelope::api::{RegisterDeviceResponse, SignUpRequest};

use super::devices::{device_name, usable_key};
use super::{ApiFailure, SharedState};
use crate::config::SignUp;
use crate::now_ms;

/// The longest business name (it is shown to the owner and the operator).
const MAX_BUSINESS_NAME: usize = 80;

fn business_name(text: &str) -> Result<String, ApiFailure> {
    let name: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let readable = !name.is_empty()
        && name.chars().count() <= MAX_BUSINESS_NAME
        && !name.chars().any(char::is_control);
    readable.then_some(name).ok_or_else(|| {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "bad_business_name",
            "the business name must be 1 to 80 characters",
        )
    })
}

pub async fn sign_up(
    State(state): State<SharedState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Json(request): Json<SignUpRequest>,
) -> Result<(StatusCode, Json<RegisterDeviceResponse>), ApiFailure> {
    // Every attempt counts, so that sign-up codes cannot be guessed quickly.
    if state.config.signup != SignUp::Closed {
        let client = state.budgets.client_address.of(peer, &headers);
        state.budgets.sign_up(client)?;
    }
    match &state.config.signup {
        SignUp::Closed => {
            return Err(ApiFailure::new(
                StatusCode::FORBIDDEN,
                "signup_closed",
                "this relay does not take sign-ups; ask its operator for an invite code",
            ));
        }
        SignUp::Code(codes) => {
            let given = request.signup_code.as_deref().unwrap_or_default().trim();
            let known = codes.iter().any(|code| {
                bool::from(subtle::ConstantTimeEq::ct_eq(
                    code.as_bytes(),
                    given.as_bytes(),
                ))
            });
            if !known {
                return Err(ApiFailure::new(
                    StatusCode::FORBIDDEN,
                    "signup_code_invalid",
                    "this relay needs a sign-up code from its operator, and this one is not it",
                ));
            }
        }
        SignUp::Open => {}
    }
    let name = business_name(&request.business_name)?;
    usable_key(&request.public_key)?;
    let registration = state
        .store
        .sign_up(
            &name,
            &request.public_key,
            &device_name(&request.device_name),
            now_ms() / 1000,
        )
        .await?;
    tracing::info!(business = %registration.business_id, "business signed up");
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

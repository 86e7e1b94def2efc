use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leadbox_envelope::api::ApiError;

use crate::store::StoreError;

/// Every failure a handler can return. Clients get a stable code and a safe
/// sentence; internals are logged (without bodies) and never sent out.
#[derive(Debug)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiFailure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiFailure {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized() -> Self {
        ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this device is not paired with the relay, or it was revoked",
        )
    }

    fn internal() -> Self {
        ApiFailure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the relay could not complete the request; try again",
        )
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ApiError {
                code: self.code.to_owned(),
                message: self.message,
            }),
        )
            .into_response()
    }
}

impl From<StoreError> for ApiFailure {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::InviteInvalid => {
                ApiFailure::new(StatusCode::FORBIDDEN, "invite_invalid", error.to_string())
            }
            StoreError::BusinessNameTaken => ApiFailure::new(
                StatusCode::CONFLICT,
                "business_name_taken",
                error.to_string(),
            ),
            StoreError::RouteTaken(..) => {
                ApiFailure::new(StatusCode::CONFLICT, "route_taken", error.to_string())
            }
            StoreError::NotOwner => {
                ApiFailure::new(StatusCode::FORBIDDEN, "not_owner", error.to_string())
            }
            StoreError::LastOwner => {
                ApiFailure::new(StatusCode::CONFLICT, "last_owner", error.to_string())
            }
            StoreError::Database(_)
            | StoreError::Migration(_)
            | StoreError::DataDir { .. }
            | StoreError::Closed
            | StoreError::Batch(_)
            | StoreError::Worker(_)
            | StoreError::Postgres(_)
            | StoreError::Pool(_) => {
                tracing::error!(error = %error, "relay store failed");
                ApiFailure::internal()
            }
        }
    }
}

impl From<tokio::task::JoinError> for ApiFailure {
    fn from(error: tokio::task::JoinError) -> Self {
        tracing::error!(error = %error, "relay worker failed");
        ApiFailure::internal()
    }
}

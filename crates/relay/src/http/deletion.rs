//! Meta's data-deletion callback. Meta posts a `signed_request` naming an
//! app-scoped user; the relay drops that user's link at once, forwards a sealed
//! notice to every device of each business they connected, and shows a status
//! page that turns "completed" when each business's desktop has confirmed.

use axum::Json;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leadbox_envelope::api::DeletionCompleted;
use leadbox_envelope::payload::Payload;
use serde::{Deserialize, Serialize};

use super::devices::authenticate;
use super::pages::page;
use super::{ApiFailure, SharedState, deliver};
use crate::metrics::Metrics;
use crate::now_ms;
use crate::secrets::verify_signed_request;

#[derive(Debug, Deserialize)]
pub struct DeletionForm {
    #[serde(default)]
    signed_request: String,
}

/// What Meta expects back.
#[derive(Debug, Serialize)]
pub struct DeletionAnswer {
    pub url: String,
    pub confirmation_code: String,
}

/// The status page's address: the configured public URL, else the address
/// Meta used to reach us (always https, as Meta only calls https).
fn status_url(state: &SharedState, headers: &HeaderMap, code: &str) -> String {
    let base = state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("https://{host}")
    });
    format!("{base}/meta/data-deletion/{code}")
}

/// `POST /meta/data-deletion` (form field `signed_request`).
pub async fn request(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Form(form): Form<DeletionForm>,
) -> Result<Json<DeletionAnswer>, ApiFailure> {
    // Facebook Login users are signed with the Meta app's secret, Instagram
    // Login users with the Instagram app's.
    let instagram_secret = state
        .config
        .instagram
        .as_ref()
        .map(|i| i.app_secret.as_str());
    let now = now_ms();
    let signed = verify_signed_request(
        &state.config.meta_app_secret,
        &form.signed_request,
        now / 1000,
    )
    .or_else(|error| match instagram_secret {
        Some(secret) => verify_signed_request(secret, &form.signed_request, now / 1000),
        None => Err(error),
    })
    .map_err(|error| {
        tracing::warn!(%error, "data-deletion request refused");
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "bad_signed_request",
            error.to_string(),
        )
    })?;
    let request = state
        .store
        .record_deletion(&signed.user_id, now / 1000)
        .await?;
    let notice = Payload::MetaDeletionNotice {
        confirmation_code: request.code.clone(),
        user_id: signed.user_id,
        requested_at_ms: now,
    };
    for (business_id, devices) in &request.notify {
        deliver(&state, business_id, devices, &notice).await?;
    }
    Metrics::add(&state.metrics.deletion_requests, 1);
    tracing::info!(
        businesses = request.notify.len(),
        "data-deletion request recorded"
    );
    Ok(Json(DeletionAnswer {
        url: status_url(&state, &headers, &request.code),
        confirmation_code: request.code,
    }))
}

fn date(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// `GET /meta/data-deletion/{code}`: pending or completed, as a page or JSON.
pub async fn status(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiFailure> {
    let status = state.store.deletion_status(&code).await?;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    let Some(status) = status else {
        return Ok(page(
            StatusCode::NOT_FOUND,
            "Unknown deletion request",
            &["No deletion request has this confirmation code.".into()],
        ));
    };
    if wants_json {
        return Ok(Json(serde_json::json!({
            "confirmation_code": code,
            "status": if status.completed_at.is_some() { "completed" } else { "pending" },
            "requested_at": status.requested_at,
            "completed_at": status.completed_at,
        }))
        .into_response());
    }
    let mut lines = vec![
        format!("Confirmation code: {code}"),
        format!("Requested: {}", date(status.requested_at)),
    ];
    match status.completed_at {
        Some(at) => lines.push(format!(
            "Completed: {}. The business's Leadbox removed the connection data held for you.",
            date(at)
        )),
        None => lines.push(
            "Pending: the business's Leadbox removes the data the next time it is online, and this page then says completed."
                .into(),
        ),
    }
    Ok(page(StatusCode::OK, "Data deletion request", &lines))
}

/// `POST /v1/meta/deletions/complete`: a device of the business confirms.
pub async fn complete(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Json(request): Json<DeletionCompleted>,
) -> Result<StatusCode, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let done = state
        .store
        .complete_deletion(
            &request.confirmation_code,
            &device.business_id,
            now_ms() / 1000,
        )
        .await?;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        // Another device of the business confirmed first, or the code is not ours.
        Err(ApiFailure::new(
            StatusCode::NOT_FOUND,
            "deletion_not_pending",
            "no pending deletion request has this code for this business",
        ))
    }
}

//! WhatsApp media on the local Graph API, as the Cloud API serves it: a
//! media id read with a WhatsApp token gives a download address under this
//! server, its type and size; the address gives the bytes to the same token
//! only, and an expired one answers 404.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Answer, Api, Grant, grant, missing_object, ok};

/// One attachment a test put on the server.
#[derive(Debug, Clone)]
pub struct FakeMedia {
    pub mime_type: String,
    pub bytes: Vec<u8>,
    /// The size the metadata claims (a hostile or wrong server may lie).
    pub claimed_size: Option<u64>,
    /// The download address has expired.
    pub expired: bool,
}

impl FakeMedia {
    pub fn new(mime_type: &str, bytes: &[u8]) -> FakeMedia {
        FakeMedia {
            mime_type: mime_type.to_owned(),
            bytes: bytes.to_vec(),
            claimed_size: None,
            expired: false,
        }
    }
}

/// `GET /{media_id}` with a WhatsApp token: the media's metadata, or `None`
/// when `id` is no media of this server.
pub(super) async fn metadata(api: &Api, id: &str, token: &str, base: &str) -> Option<Answer> {
    let log = api.log.lock().await;
    let media = log.media.get(id)?;
    if !matches!(grant(token), Some(Grant::Whatsapp { .. })) {
        return Some(missing_object(id));
    }
    Some(ok(json!({
        "messaging_product": "whatsapp",
        "url": format!("{base}/media-download/{id}"),
        "mime_type": media.mime_type,
        "sha256": "not-checked",
        "file_size": media.claimed_size.unwrap_or(media.bytes.len() as u64),
        "id": id,
    })))
}

/// `GET /media-download/{id}`: the bytes, to a WhatsApp token only.
pub(super) async fn download(
    State(api): State<Api>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let mut log = api.log.lock().await;
    log.media_downloads += 1;
    if !matches!(grant(token), Some(Grant::Whatsapp { .. })) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match log.media.get(&id) {
        Some(media) if !media.expired => (
            [(header::CONTENT_TYPE, media.mime_type.clone())],
            Body::from(media.bytes.clone()),
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /cdn/{name}`: an Instagram or Messenger attachment on Meta's content
/// servers, which need no token; an expired address answers 403, as
/// Meta's signed addresses do.
pub(super) async fn content(State(api): State<Api>, Path(name): Path<String>) -> Response {
    let log = api.log.lock().await;
    match log.content.get(&name) {
        Some(media) if media.expired => {
            (StatusCode::FORBIDDEN, "URL signature expired").into_response()
        }
        Some(media) => (
            [(header::CONTENT_TYPE, media.mime_type.clone())],
            Body::from(media.bytes.clone()),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

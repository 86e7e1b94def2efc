//! The window's own protocol for attachments kept in the vault:
//! `media://localhost/{message id}/{index}` (on Windows
//! `http://media.localhost/…`). Only a stored attachment whose bytes are an
//! image is answered, with the type its bytes show, never cached, and with
//! a policy that lets nothing in it run; anything else is 404. Nothing
//! remote is ever loaded: the bytes come from the vault.

use tauri::Manager as _;
use tauri::http::{Request, Response, StatusCode, header};

use crate::state::AppState;

pub const SCHEME: &str = "media";

fn ids(path: &str) -> Option<(i64, i64)> {
    let mut parts = path.trim_matches('/').split('/');
    let message = parts.next()?.parse().ok()?;
    let index = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((message, index))
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = code;
    response
}

fn image(kind: &str, bytes: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(bytes);
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, kind),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
    ] {
        if let Ok(value) = value.parse() {
            headers.insert(name, value);
        }
    }
    response
}

/// Answers one request of the protocol, off the main thread.
pub fn answer(
    app: &tauri::AppHandle,
    request: &Request<Vec<u8>>,
    responder: tauri::UriSchemeResponder,
) {
    let Some((message_id, index)) = ids(request.uri().path()) else {
        responder.respond(status(StatusCode::NOT_FOUND));
        return;
    };
    let Some(engine) = app.state::<AppState>().engine() else {
        responder.respond(status(StatusCode::SERVICE_UNAVAILABLE));
        return;
    };
    tauri::async_runtime::spawn_blocking(move || {
        let response = match engine.media_image(message_id, index) {
            Ok(Some((kind, bytes))) => image(kind, bytes),
            Ok(None) => status(StatusCode::NOT_FOUND),
            Err(error) => {
                tracing::warn!(%error, "an attachment could not be read");
                status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        };
        responder.respond(response);
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_message_and_an_index_name_an_attachment() {
        assert_eq!(super::ids("/12/0"), Some((12, 0)));
        assert_eq!(super::ids("12/3/"), Some((12, 3)));
        for bad in ["/", "/12", "/12/x", "/12/0/1", "/../etc/passwd", "/-/0"] {
            assert_eq!(super::ids(bad), None, "{bad}");
        }
    }
}

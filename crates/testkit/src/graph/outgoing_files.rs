//! Files sent through the local Graph API, checked as Meta checks them:
//! WhatsApp's media upload (`POST /{number}/media`, then a send by media
//! id), Messenger's Send API with the file in the form (`filedata`), and
//! the Attachment Upload API Instagram uses (`POST /me/message_attachments`
//! with `platform=instagram`, then a send by attachment id). Each platform's
//! types and sizes are enforced with Meta's own errors.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::{
    Answer, Api, Grant, GraphLog, Params, caller_token, error, grant, invalid_token,
    missing_object, ok,
};

const MB: usize = 1024 * 1024;

/// A file a test can find on the server after it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The id Meta gave it: a WhatsApp media id, an Instagram attachment
    /// id, or for Messenger the message that carried it.
    pub id: String,
    /// `whatsapp`, `messenger` or `instagram`.
    pub platform: &'static str,
    pub mime_type: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A form's file: its type, its name and its bytes.
pub(super) type FormFile = (String, String, Vec<u8>);

/// The form's text fields and its one file (`file` or `filedata`).
#[derive(Debug, Default)]
pub(super) struct Form {
    fields: Vec<(String, String)>,
    file: Option<FormFile>,
}

impl Form {
    pub(super) async fn read(mut multipart: Multipart) -> Result<Form, Answer> {
        let mut form = Form::default();
        let unreadable = || error(100, 0, "(#100) The request could not be read as a form");
        while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" || name == "filedata" {
                let mime = field.content_type().unwrap_or_default().to_owned();
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| unreadable())?;
                form.file = Some((mime, file_name, bytes.to_vec()));
            } else {
                let text = field.text().await.map_err(|_| unreadable())?;
                form.fields.push((name, text));
            }
        }
        Ok(form)
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    fn json(&self, name: &str) -> Value {
        self.field(name)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null)
    }
}

fn upload_failure() -> Answer {
    error(100, 2_018_047, "(#100) Upload attachment failure.")
}

/// What Messenger (`messenger`) or Instagram takes of an attachment type.
fn send_api_takes(platform: &str, attachment_type: &str, mime: &str, size: usize) -> bool {
    let image = matches!(mime, "image/jpeg" | "image/png" | "image/gif");
    match (platform, attachment_type) {
        ("messenger", "image") => image && size <= 25 * MB,
        ("messenger", "file") => size <= 25 * MB,
        ("instagram", "image") => image && size <= 8 * MB,
        ("instagram", "file") => mime == "application/pdf" && size <= 25 * MB,
        _ => false,
    }
}

/// `POST /{number}/media`: a WhatsApp number's media upload.
pub(super) async fn whatsapp_upload(
    State(api): State<Api>,
    Path(id): Path<String>,
    Query(query): Params,
    headers: HeaderMap,
    multipart: Multipart,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    match grant(&token) {
        Some(Grant::Whatsapp { number, .. }) if number == id => {}
        Some(_) => return missing_object(&id),
        None => return invalid_token(),
    }
    let form = match Form::read(multipart).await {
        Ok(form) => form,
        Err(answer) => return answer,
    };
    if form.field("messaging_product") != Some("whatsapp") {
        return error(
            100,
            0,
            "(#100) The parameter messaging_product is required.",
        );
    }
    let Some((mime, file_name, bytes)) = form.file else {
        return error(100, 0, "(#100) The parameter file is required.");
    };
    let limit = match mime.as_str() {
        "image/jpeg" | "image/png" => 5 * MB,
        "application/pdf" => 100 * MB,
        _ => {
            return error(
                131_053,
                0,
                "Media upload error: Unsupported file type. Please use one of the supported media types.",
            );
        }
    };
    if bytes.len() > limit {
        return error(
            131_053,
            0,
            "Media upload error: the file is larger than the maximum allowed size.",
        );
    }
    let mut log = api.log.lock().await;
    let media_id = format!("WA-MEDIA-{}", log.uploads.len() + 1);
    log.uploads.push(Upload {
        id: media_id.clone(),
        platform: "whatsapp",
        mime_type: mime,
        file_name,
        bytes,
    });
    ok(json!({"id": media_id}))
}

/// A WhatsApp send of an uploaded file: the media id must be one this
/// number uploaded.
pub(super) fn whatsapp_file_refusal(log: &GraphLog, body: &Value) -> Option<Answer> {
    let kind = body["type"].as_str()?;
    if kind != "image" && kind != "document" {
        return None;
    }
    let id = body[kind]["id"].as_str().unwrap_or_default();
    let known = log
        .uploads
        .iter()
        .any(|upload| upload.platform == "whatsapp" && upload.id == id);
    (!known).then(|| {
        error(
            100,
            0,
            "(#100) Invalid parameter: the media id is not valid",
        )
    })
}

/// An Instagram send by attachment id: the id must be an Instagram upload.
pub(super) fn instagram_attachment_refusal(log: &GraphLog, body: &Value) -> Option<Answer> {
    let payload = &body["message"]["attachment"]["payload"];
    let id = payload.get("attachment_id")?.as_str().unwrap_or_default();
    let known = log
        .uploads
        .iter()
        .any(|upload| upload.platform == "instagram" && upload.id == id);
    (!known).then(|| error(100, 0, "(#100) Invalid attachment id"))
}

/// `POST /me/messages` as a form: Messenger's send with the file inside.
/// Returns the send as the log keeps it (the file's type, name and size
/// in place of its bytes) and the upload, or Meta's refusal.
pub(super) fn messenger_file_send(token: &str, form: Form) -> Result<(Value, FormFile), Answer> {
    match grant(token) {
        Some(Grant::Page {
            instagram: None, ..
        }) => {}
        Some(_) => return Err(error(100, 0, "(#100) This page cannot send to this person")),
        None => return Err(invalid_token()),
    }
    let message = form.json("message");
    let recipient = form.json("recipient");
    if recipient["id"].as_str().is_none() {
        return Err(error(100, 0, "(#100) param recipient must be non-empty."));
    }
    let Some((mime, file_name, bytes)) = form.file.clone() else {
        return Err(error(100, 0, "(#100) Incorrect filedata"));
    };
    let attachment_type = message["attachment"]["type"].as_str().unwrap_or_default();
    if !send_api_takes("messenger", attachment_type, &mime, bytes.len()) {
        return Err(upload_failure());
    }
    let mut send = json!({
        "recipient": recipient,
        "message": message,
        "messaging_type": form.field("messaging_type"),
        "filedata": {"mime_type": mime, "file_name": file_name, "size": bytes.len()},
    });
    if let Some(tag) = form.field("tag") {
        send["tag"] = json!(tag);
    }
    Ok((send, (mime, file_name, bytes)))
}

/// `POST /me/message_attachments`: the Attachment Upload API, used here for
/// Instagram (`platform=instagram`) with a page token that has the account.
pub(super) async fn attachment_upload(
    State(api): State<Api>,
    Query(query): Params,
    headers: HeaderMap,
    multipart: Multipart,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    let platform = match grant(&token) {
        Some(Grant::Page {
            instagram: Some(_), ..
        }) => "instagram",
        Some(Grant::Page { .. }) => "messenger",
        Some(_) => return missing_object("me"),
        None => return invalid_token(),
    };
    let form = match Form::read(multipart).await {
        Ok(form) => form,
        Err(answer) => return answer,
    };
    // Without `platform=instagram` the attachment is Messenger's, which
    // Instagram then refuses: the log keeps which one it was.
    let platform = match form.field("platform") {
        Some("instagram") if platform == "instagram" => "instagram",
        _ => "messenger",
    };
    let message = form.json("message");
    let Some((mime, file_name, bytes)) = form.file else {
        return error(100, 0, "(#100) Incorrect filedata");
    };
    let attachment_type = message["attachment"]["type"].as_str().unwrap_or_default();
    if !send_api_takes(platform, attachment_type, &mime, bytes.len()) {
        return upload_failure();
    }
    let mut log = api.log.lock().await;
    let attachment_id = format!("ATTACHMENT-{}", log.uploads.len() + 1);
    log.uploads.push(Upload {
        id: attachment_id.clone(),
        platform,
        mime_type: mime,
        file_name,
        bytes,
    });
    ok(json!({"attachment_id": attachment_id}))
}

//! A photo or PDF sent the way each platform documents it: WhatsApp uploads
//! the file to the number's media (`POST /{number}/media`) and sends it by
//! id; Messenger takes the file with the message itself (`filedata`);
//! Instagram, through its Facebook Page, uploads it with the Attachment
//! Upload API (`platform=instagram`) and sends it by attachment id.
//! [`crate::outgoing_files::check_outgoing_file`] has already said the
//! platform takes it.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use super::{GraphClient, Outgoing, Recipient, SendError};
use crate::outgoing_files::{FileKind, FileType};
use crate::{Connection, Platform};

/// A file to send, with the name the person sees (WhatsApp documents show it).
#[derive(Clone, Copy)]
pub struct OutgoingFile<'a> {
    pub file_type: FileType,
    pub name: &'a str,
    pub bytes: &'a [u8],
}

impl std::fmt::Debug for OutgoingFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingFile")
            .field("file_type", &self.file_type)
            .field("size", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// A name safe to hand to Meta: no folders, no control characters, at most
/// 100 characters, with the extension its type has.
pub fn file_name_for(name: &str, file_type: FileType) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem: String = base
        .rsplit_once('.')
        .map_or(base, |(stem, _)| stem)
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && !matches!(c, '"' | '\\' | '/'))
        .take(90)
        .collect();
    let stem = stem.trim().trim_matches('.');
    let stem = if stem.is_empty() { "file" } else { stem };
    let extension = match file_type.mime_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        _ => "pdf",
    };
    format!("{stem}.{extension}")
}

impl GraphClient {
    /// Sends a file; returns the platform's message id. `reply.text` is the
    /// caption WhatsApp shows under the file; Messenger and Instagram take no
    /// caption (send the words as a message of their own), so it must be empty there.
    pub async fn send_file(
        &self,
        reply: &Outgoing<'_>,
        file: &OutgoingFile<'_>,
    ) -> Result<String, SendError> {
        let part = || {
            Part::bytes(file.bytes.to_vec())
                .file_name(file_name_for(file.name, file.file_type))
                .mime_str(file.file_type.mime_type)
                .map_err(|_| SendError::Other {
                    code: 0,
                    message: "the file's type could not be named".into(),
                })
        };
        match (reply.platform, reply.connection, reply.recipient) {
            (Platform::Whatsapp, Connection::WhatsappCloud, Recipient::Whatsapp(to)) => {
                let upload = Form::new()
                    .text("messaging_product", "whatsapp")
                    .text("type", file.file_type.mime_type)
                    .part("file", part()?);
                let url = format!(
                    "{}/{}/{}/media",
                    self.graph_url, self.version, reply.account_id
                );
                let uploaded = self
                    .call(self.http.post(url).multipart(upload), reply.token)
                    .await?;
                let media_id = uploaded
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| no_id("WhatsApp's answer to the upload had no media id"))?;
                let mut media = json!({"id": media_id});
                let caption = reply.text.trim();
                if !caption.is_empty() {
                    media["caption"] = json!(caption);
                }
                let kind = match file.file_type.kind {
                    FileKind::Image => "image",
                    FileKind::Document => {
                        media["filename"] = json!(file_name_for(file.name, file.file_type));
                        "document"
                    }
                };
                let mut body = json!({"messaging_product": "whatsapp", "recipient_type": "individual",
                    "to": to, "type": kind});
                body[kind] = media;
                let url = format!(
                    "{}/{}/{}/messages",
                    self.graph_url, self.version, reply.account_id
                );
                let sent = self
                    .call(self.http.post(url).json(&body), reply.token)
                    .await?;
                message_id(&sent)
            }
            (Platform::Messenger, Connection::Page, Recipient::User(psid)) => {
                let message = json!({"attachment": {"type": attachment_type(file.file_type),
                    "payload": {"is_reusable": false}}});
                let mut form = Form::new()
                    .text("recipient", json!({"id": psid}).to_string())
                    .text("message", message.to_string());
                form = with_messaging_type(form, reply.human_agent).part("filedata", part()?);
                let url = format!("{}/{}/me/messages", self.graph_url, self.version);
                let sent = self
                    .call(self.http.post(url).multipart(form), reply.token)
                    .await?;
                message_id(&sent)
            }
            (Platform::Instagram, Connection::Page, Recipient::User(igsid)) => {
                let message = json!({"attachment": {"type": attachment_type(file.file_type),
                    "payload": {"is_reusable": true}}});
                let upload = Form::new()
                    .text("platform", "instagram")
                    .text("message", message.to_string())
                    .part("filedata", part()?);
                let url = format!("{}/{}/me/message_attachments", self.graph_url, self.version);
                let uploaded = self
                    .call(self.http.post(url).multipart(upload), reply.token)
                    .await?;
                let attachment_id = uploaded
                    .get("attachment_id")
                    .and_then(|id| {
                        id.as_str()
                            .map(str::to_owned)
                            .or_else(|| id.as_u64().map(|n| n.to_string()))
                    })
                    .ok_or_else(|| {
                        no_id("Instagram's answer to the upload had no attachment id")
                    })?;
                let mut body = json!({"recipient": {"id": igsid}, "message": {"attachment": {
                    "type": attachment_type(file.file_type),
                    "payload": {"attachment_id": attachment_id}}}});
                if reply.human_agent {
                    body["messaging_type"] = json!("MESSAGE_TAG");
                    body["tag"] = json!("HUMAN_AGENT");
                } else {
                    body["messaging_type"] = json!("RESPONSE");
                }
                let url = format!("{}/{}/me/messages", self.graph_url, self.version);
                let sent = self
                    .call(self.http.post(url).json(&body), reply.token)
                    .await?;
                message_id(&sent)
            }
            _ => Err(SendError::Other {
                code: 0,
                message: "this account cannot send a file to this recipient".into(),
            }),
        }
    }
}

/// Marks that reorder how a name reads ("photo\u{202e}gpj.exe"), a known trick.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The Send API's name for a file's kind.
fn attachment_type(file_type: FileType) -> &'static str {
    match file_type.kind {
        FileKind::Image => "image",
        FileKind::Document => "file",
    }
}

/// `RESPONSE` inside the 24 hours; the Human Agent tag only on a reply a
/// person approved after them (the caller's window decision).
fn with_messaging_type(form: Form, human_agent: bool) -> Form {
    if human_agent {
        form.text("messaging_type", "MESSAGE_TAG")
            .text("tag", "HUMAN_AGENT")
    } else {
        form.text("messaging_type", "RESPONSE")
    }
}

fn message_id(sent: &Value) -> Result<String, SendError> {
    sent.get("message_id")
        .or_else(|| sent.pointer("/messages/0/id"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| no_id("Meta's answer had no message id"))
}

fn no_id(message: &str) -> SendError {
    SendError::Other {
        code: 0,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: FileType = FileType {
        kind: FileKind::Document,
        mime_type: "application/pdf",
    };

    #[test]
    fn a_file_name_keeps_no_folders_and_takes_its_true_extension() {
        assert_eq!(file_name_for("Price list.pdf", PDF), "Price list.pdf");
        assert_eq!(file_name_for("../../etc/passwd", PDF), "passwd.pdf");
        assert_eq!(file_name_for("C:\\Users\\ana\\menu.exe", PDF), "menu.pdf");
        assert_eq!(file_name_for("menu\u{202e}fdp.exe", PDF), "menufdp.pdf");
        assert_eq!(file_name_for("", PDF), "file.pdf");
        assert_eq!(file_name_for("...", PDF), "file.pdf");
        assert_eq!(file_name_for(&"a".repeat(300), PDF).chars().count(), 94);
    }
}

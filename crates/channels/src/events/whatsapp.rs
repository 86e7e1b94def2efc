//! WhatsApp Cloud API entries: messages, statuses and user preferences.

use serde_json::Value;

use super::{Attachment, Delivery, Direction, Event, MessageEvent, Receipt};
use crate::routing::id_string;
use crate::{ParseError, RouteKind};

/// What a WhatsApp message shows, as text plus attachments. Media are kept as
/// references (Meta's media ids), never downloaded here. `None` for kinds
/// Leadbox does not read (kept as unsupported by the caller).
fn whatsapp_content(kind: &str, message: &Value) -> Option<(String, Vec<Attachment>)> {
    let text_at = |pointer: &str| {
        message
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match kind {
        "text" => Some((text_at("/text/body")?, Vec::new())),
        "image" | "video" | "audio" | "document" | "sticker" => {
            let caption = text_at(&format!("/{kind}/caption")).unwrap_or_default();
            let filename = text_at(&format!("/{kind}/filename"));
            let attachment = Attachment {
                kind: kind.to_owned(),
                url: text_at(&format!("/{kind}/id")).map(|id| format!("whatsapp-media:{id}")),
            };
            let label =
                filename.map_or_else(|| format!("[{kind}]"), |name| format!("[{kind}: {name}]"));
            Some((
                if caption.is_empty() {
                    label
                } else {
                    format!("{label} {caption}")
                },
                vec![attachment],
            ))
        }
        "location" => {
            let latitude = message
                .pointer("/location/latitude")
                .and_then(Value::as_f64)?;
            let longitude = message
                .pointer("/location/longitude")
                .and_then(Value::as_f64)?;
            let name = text_at("/location/name")
                .or_else(|| text_at("/location/address"))
                .unwrap_or_default();
            Some((
                format!("[location {latitude:.5}, {longitude:.5}] {name}")
                    .trim_end()
                    .to_owned(),
                Vec::new(),
            ))
        }
        "contacts" => {
            let shared: Vec<String> = message
                .get("contacts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    let name = c
                        .pointer("/name/formatted_name")
                        .and_then(Value::as_str)
                        .unwrap_or("contact");
                    let phone = c
                        .pointer("/phones/0/phone")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    format!("{name} {phone}").trim().to_owned()
                })
                .collect();
            Some((
                format!("[shared contact] {}", shared.join("; ")),
                Vec::new(),
            ))
        }
        "button" => Some((text_at("/button/text")?, Vec::new())),
        "interactive" => text_at("/interactive/button_reply/title")
            .or_else(|| text_at("/interactive/list_reply/title"))
            .map(|title| (title, Vec::new())),
        "reaction" => Some((
            format!(
                "[reacted {}]",
                text_at("/reaction/emoji").unwrap_or_default()
            ),
            Vec::new(),
        )),
        _ => None,
    }
}

/// One of WhatsApp's `statuses[]`: what happened to a message the business sent.
fn parse_whatsapp_status(account_id: &str, status: &Value) -> Event {
    let route = RouteKind::Whatsapp;
    let unsupported = |kind: String| Event::Unsupported {
        route,
        account_id: account_id.to_owned(),
        kind,
    };
    let state = match status.get("status").and_then(Value::as_str) {
        Some("sent") => Delivery::Sent,
        Some("delivered") => Delivery::Delivered,
        Some("read" | "played") => Delivery::Read,
        Some("failed") => Delivery::Failed,
        other => return unsupported(format!("status:{}", other.unwrap_or("unknown"))),
    };
    let id = id_string(status.get("id"));
    let contact = id_string(status.get("recipient_id"))
        .or_else(|| id_string(status.get("recipient_user_id")));
    let (Some(id), Some(contact_id)) = (id, contact) else {
        return unsupported("status:incomplete".into());
    };
    let error = status.pointer("/errors/0").map(|e| {
        let code = e.get("code").and_then(Value::as_i64).unwrap_or(0);
        let message = e
            .get("message")
            .or_else(|| e.get("title"))
            .and_then(Value::as_str)
            .unwrap_or("no details");
        (code, message.to_owned())
    });
    Event::Receipt(Receipt {
        route,
        account_id: account_id.to_owned(),
        contact_id,
        state,
        message_ids: vec![id],
        watermark_ms: None,
        error,
    })
}

/// "title: details" from a WhatsApp error object, whichever parts it has.
fn error_text(error: &Value) -> String {
    let part = |pointer: &str| {
        error
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    let title = part("/title").or_else(|| part("/message"));
    match (title, part("/error_data/details")) {
        (Some(title), Some(details)) if title != details => format!("{title}: {details}"),
        (Some(text), _) | (None, Some(text)) => text.to_owned(),
        (None, None) => "WhatsApp reported an error without details".to_owned(),
    }
}

pub(super) fn parse_whatsapp_entry(
    account_id: &str,
    entry: &Value,
) -> Result<Vec<Event>, ParseError> {
    let route = RouteKind::Whatsapp;
    let mut events = Vec::new();
    let changes = entry
        .get("changes")
        .and_then(Value::as_array)
        .ok_or(ParseError::Missing("entry[].changes"))?;
    for change in changes {
        let value = change.get("value").unwrap_or(&Value::Null);
        let contacts = value
            .get("contacts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for message in value
            .get("messages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            // Since 2026 a business-scoped user id may come without a phone number.
            let from = id_string(message.get("from"))
                .or_else(|| id_string(message.get("from_user_id")))
                .ok_or(ParseError::Missing("messages[].from"))?;
            let name = contacts
                .iter()
                .find(|c| {
                    id_string(c.get("wa_id")) == Some(from.clone())
                        || id_string(c.get("user_id")) == Some(from.clone())
                })
                .and_then(|c| c.pointer("/profile/name"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let id = id_string(message.get("id")).ok_or(ParseError::Missing("messages[].id"))?;
            let seconds: i64 = id_string(message.get("timestamp"))
                .and_then(|s| s.parse().ok())
                .ok_or(ParseError::Missing("messages[].timestamp"))?;
            let kind = message
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            let Some((text, attachments)) = whatsapp_content(kind, message) else {
                events.push(Event::Unsupported {
                    route,
                    account_id: account_id.to_owned(),
                    kind: kind.to_owned(),
                });
                continue;
            };
            let text = Some(text);
            events.push(Event::Message(MessageEvent {
                route,
                account_id: account_id.to_owned(),
                contact_id: from,
                contact_name: name,
                direction: Direction::Inbound,
                platform_message_id: id,
                text,
                attachments,
                timestamp_ms: seconds.saturating_mul(1000),
                comment: None,
            }));
        }
        for preference in value
            .get("user_preferences")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(contact_id) =
                id_string(preference.get("wa_id")).or_else(|| id_string(preference.get("user_id")))
            else {
                continue;
            };
            let opted_out = match preference.get("value").and_then(Value::as_str) {
                Some("stop") => true,
                Some("resume") => false,
                _ => continue,
            };
            events.push(Event::MessagingPreference {
                route,
                account_id: account_id.to_owned(),
                contact_id,
                opted_out,
            });
        }
        // Errors about the account or the webhook itself, not one message.
        for error in value
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            events.push(Event::AccountNotice {
                route,
                account_id: account_id.to_owned(),
                code: error.get("code").and_then(Value::as_i64),
                message: error_text(error),
            });
        }
        for status in value
            .get("statuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            events.push(parse_whatsapp_status(account_id, status));
        }
    }
    Ok(events)
}

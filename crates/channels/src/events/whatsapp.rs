//! WhatsApp Cloud API entries: messages, statuses and user preferences of
//! one number; changes without a number are about the WhatsApp Business
//! Account (see `whatsapp_account`).

use serde_json::Value;

use super::time::event_time;
use super::{
    Attachment, Delivery, Direction, EntryContext, Event, MessageEvent, NoticeSeverity, Receipt,
};
use crate::Platform;
use crate::routing::id_string;

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
            .or_else(|| message.pointer("/interactive/nfm_reply").map(form_reply))
            .map(|title| (title, Vec::new())),
        "order" => {
            let items = message
                .pointer("/order/product_items")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let note = text_at("/order/text").unwrap_or_default();
            Some((
                format!("[order: {items} item(s)] {note}")
                    .trim_end()
                    .to_owned(),
                Vec::new(),
            ))
        }
        // Something the person sent that WhatsApp does not hand to apps
        // (a poll, a view-once photo…): shown as such, so the owner looks in WhatsApp.
        "unsupported" => Some((
            String::new(),
            vec![Attachment {
                kind: "unsupported".into(),
                url: None,
            }],
        )),
        _ => None,
    }
}

/// The answers of a WhatsApp Flow the person filled in (`nfm_reply`), as
/// "question: answer" lines; the flow's own token is left out.
fn form_reply(reply: &Value) -> String {
    let answers: Vec<String> = reply
        .get("response_json")
        .and_then(Value::as_str)
        .and_then(|json| serde_json::from_str::<serde_json::Map<String, Value>>(json).ok())
        .into_iter()
        .flatten()
        .filter(|(question, _)| question != "flow_token")
        .map(|(question, answer)| match answer {
            Value::String(text) => format!("{question}: {text}"),
            other => format!("{question}: {other}"),
        })
        .collect();
    let title = reply
        .get("body")
        .and_then(Value::as_str)
        .filter(|body| !body.trim().is_empty())
        .unwrap_or("Form");
    if answers.is_empty() {
        format!("[{title}]")
    } else {
        format!("[{title}]\n{}", answers.join("\n"))
    }
}

/// `messages[].referral`: the ad or post a person tapped to write.
fn whatsapp_referral(referral: &Value) -> Option<super::Referral> {
    let text = |key: &str| {
        referral
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let found = super::Referral {
        source: text("source_type"),
        ad_id: id_string(referral.get("source_id")),
        ref_param: None,
        ad_title: text("headline"),
    };
    (found != super::Referral::default()).then_some(found)
}

/// One of WhatsApp's `statuses[]`: what happened to a message the business sent.
fn parse_whatsapp_status(account_id: &str, status: &Value) -> Event {
    let route = Platform::Whatsapp;
    let unsupported = |kind: String| Event::Unreadable {
        route,
        account_id: account_id.to_owned(),
        field: "messages".into(),
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
pub(super) fn error_text(error: &Value) -> String {
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

pub(super) fn parse_entry(context: EntryContext<'_>, entry: &Value) -> Vec<Event> {
    let Some(changes) = entry.get("changes").and_then(Value::as_array) else {
        return vec![context.unreadable("changes", "not_a_list")];
    };
    let mut events = Vec::new();
    for change in changes {
        let field = change
            .get("field")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        let value = change.get("value").unwrap_or(&Value::Null);
        if value.pointer("/metadata/phone_number_id").is_none() {
            // No number: the change is about the WhatsApp Business Account.
            events.extend(super::whatsapp_account::parse_change(context, field, value));
            continue;
        }
        match field {
            "messages" | "user_preferences" => number_change(context, value, &mut events),
            other => events.push(context.unreadable(other, "unknown_field")),
        }
    }
    events
}

/// Who wrote: `from` (the phone number), `from_user_id` (the business-scoped
/// user id that since 2026 may come without a number), or the one contact of
/// the change.
fn sender(message: &Value, contacts: &[Value]) -> Option<String> {
    id_string(message.get("from"))
        .or_else(|| id_string(message.get("from_user_id")))
        .or_else(|| match contacts {
            [only] => id_string(only.get("user_id")).or_else(|| id_string(only.get("wa_id"))),
            _ => None,
        })
}

/// Messages, statuses, preferences and errors of one phone number.
fn number_change(context: EntryContext<'_>, value: &Value, events: &mut Vec<Event>) {
    let route = Platform::Whatsapp;
    let account_id = context.account_id;
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
        events.push(whatsapp_message(context, message, &contacts));
        // A click-to-WhatsApp ad or post the person came from.
        if let (Some(referral), Some(contact_id)) = (
            message.get("referral").and_then(whatsapp_referral),
            sender(message, &contacts),
        ) {
            events.push(Event::Referral {
                route,
                account_id: account_id.to_owned(),
                contact_id,
                referral,
            });
        }
    }
    for preference in value
        .get("user_preferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let contact =
            id_string(preference.get("wa_id")).or_else(|| id_string(preference.get("user_id")));
        let value = preference.get("value").and_then(Value::as_str);
        let (Some(contact_id), Some(choice @ ("stop" | "resume"))) = (contact, value) else {
            events.push(context.unreadable(
                "user_preferences",
                &format!("preference:{}", value.unwrap_or("unknown")),
            ));
            continue;
        };
        events.push(Event::MessagingPreference {
            route,
            account_id: account_id.to_owned(),
            contact_id,
            opted_out: choice == "stop",
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
            business_account: false,
            severity: NoticeSeverity::Problem,
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

fn whatsapp_message(context: EntryContext<'_>, message: &Value, contacts: &[Value]) -> Event {
    let route = Platform::Whatsapp;
    let account_id = context.account_id;
    let Some(from) = sender(message, contacts) else {
        return context.unreadable("messages", "message_without_sender");
    };
    let Some(id) = id_string(message.get("id")) else {
        return context.unreadable("messages", "message_without_id");
    };
    let kind = message
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    match kind {
        "reaction" => {
            let Some(target) = id_string(message.pointer("/reaction/message_id")) else {
                return context.unreadable("messages", "reaction_without_message");
            };
            let emoji = message
                .pointer("/reaction/emoji")
                .and_then(Value::as_str)
                .filter(|emoji| !emoji.is_empty());
            return Event::Reaction {
                route,
                account_id: account_id.to_owned(),
                platform_message_id: target,
                emoji: emoji.map(str::to_owned),
            };
        }
        "revoke" => {
            if let Some(original) = id_string(message.pointer("/revoke/original_message_id")) {
                return Event::MessageDeleted {
                    route,
                    account_id: account_id.to_owned(),
                    platform_message_id: original,
                };
            }
        }
        _ => {}
    }
    let content = match kind {
        // The person edited a message: the new content, marked as an edit.
        "edit" => message.pointer("/edit/message").and_then(|edited| {
            let edited_kind = edited.get("type").and_then(Value::as_str)?;
            let (text, attachments) = whatsapp_content(edited_kind, edited)?;
            Some((
                format!("[edited] {text}").trim_end().to_owned(),
                attachments,
            ))
        }),
        kind => whatsapp_content(kind, message),
    };
    let Some((text, attachments)) = content else {
        return context.unreadable("messages", kind);
    };
    let name = contacts
        .iter()
        .find(|c| {
            id_string(c.get("wa_id")).as_deref() == Some(from.as_str())
                || id_string(c.get("user_id")).as_deref() == Some(from.as_str())
        })
        .or(match contacts {
            [only] => Some(only),
            _ => None,
        })
        .and_then(|c| c.pointer("/profile/name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (timestamp_ms, timestamp_source) =
        event_time(message.get("timestamp"), context.received_at_ms);
    Event::Message(MessageEvent {
        route,
        account_id: account_id.to_owned(),
        contact_id: from,
        contact_name: name,
        direction: Direction::Inbound,
        platform_message_id: id,
        text: Some(text).filter(|text| !text.is_empty()),
        attachments,
        timestamp_ms,
        timestamp_source,
        comment: None,
    })
}

//! Messenger and Instagram entries: `messaging[]` and `standby[]` events, and
//! `changes[]` (lead ads, comments, mentions, and messaging events in the
//! change shape that Meta's dashboard tests use).

use serde_json::Value;

use super::time::{event_time, platform_time_ms};
use super::{
    Attachment, CommentRef, Delivery, Direction, EntryContext, Event, LeadFormEvent, MessageEvent,
    Receipt, Referral,
};
use crate::Platform;
use crate::routing::{MESSAGING_FIELDS, id_string};

pub(super) fn parse_entry(context: EntryContext<'_>, entry: &Value) -> Vec<Event> {
    let mut events = Vec::new();
    // Echoes and messages handled by another app arrive under `standby`.
    for list in ["messaging", "standby"] {
        let Some(items) = entry.get(list) else {
            continue;
        };
        let Some(items) = items.as_array() else {
            events.push(context.unreadable(list, "not_a_list"));
            continue;
        };
        for item in items {
            parse_item(context, "messaging", item, &mut events);
        }
    }
    let Some(changes) = entry.get("changes") else {
        return events;
    };
    let Some(changes) = changes.as_array() else {
        events.push(context.unreadable("changes", "not_a_list"));
        return events;
    };
    let entry_time_ms = platform_time_ms(entry.get("time")).unwrap_or(context.received_at_ms);
    for change in changes {
        let field = change
            .get("field")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        let value = change.get("value").unwrap_or(&Value::Null);
        match (context.route, field) {
            (Platform::Messenger, "leadgen") => {
                events.push(lead_form(context, value, entry_time_ms))
            }
            (Platform::Instagram, "comments" | "live_comments") => {
                events.push(instagram_comment(context, field, value, entry_time_ms));
            }
            (Platform::Instagram, "mentions") => {
                events.push(mention(context, value, entry_time_ms))
            }
            (_, field) if MESSAGING_FIELDS.contains(&field) => {
                parse_item(context, field, value, &mut events);
            }
            (_, field) => events.push(context.unreadable(field, "unknown_field")),
        }
    }
    events
}

fn lead_form(context: EntryContext<'_>, value: &Value, entry_time_ms: i64) -> Event {
    let Some(leadgen_id) = id_string(value.get("leadgen_id")) else {
        return context.unreadable("leadgen", "without_leadgen_id");
    };
    Event::LeadForm(LeadFormEvent {
        account_id: id_string(value.get("page_id"))
            .unwrap_or_else(|| context.account_id.to_owned()),
        leadgen_id,
        form_id: id_string(value.get("form_id")),
        ad_id: id_string(value.get("ad_id")).filter(|id| id != "0"),
        created_ms: platform_time_ms(value.get("created_time")).unwrap_or(entry_time_ms),
    })
}

fn mention(context: EntryContext<'_>, value: &Value, entry_time_ms: i64) -> Event {
    let media_id = id_string(value.get("media_id"));
    let comment_id = id_string(value.get("comment_id"));
    if media_id.is_none() && comment_id.is_none() {
        return context.unreadable("mentions", "without_ids");
    }
    Event::Mention {
        account_id: context.account_id.to_owned(),
        media_id,
        comment_id,
        at_ms: entry_time_ms,
    }
}

/// An Instagram comment. Meta documents the comment id as `id` in one place
/// and `comment_id` in another: both are accepted. A comment without an
/// author is kept as from an unnamed person (one per comment).
fn instagram_comment(context: EntryContext<'_>, field: &str, value: &Value, time_ms: i64) -> Event {
    let Some(id) = id_string(value.get("id")).or_else(|| id_string(value.get("comment_id"))) else {
        return context.unreadable(field, "comment_without_id");
    };
    let from = id_string(value.pointer("/from/id"));
    let direction = if from.as_deref() == Some(context.account_id) {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    Event::Message(MessageEvent {
        route: Platform::Instagram,
        account_id: context.account_id.to_owned(),
        contact_id: from.unwrap_or_else(|| format!("unnamed-commenter:{id}")),
        contact_name: value
            .pointer("/from/username")
            .and_then(Value::as_str)
            .map(str::to_owned),
        direction,
        platform_message_id: id,
        text: value.get("text").and_then(Value::as_str).map(str::to_owned),
        attachments: Vec::new(),
        timestamp_ms: time_ms,
        timestamp_source: super::TimestampSource::Platform,
        comment: Some(CommentRef {
            media_id: id_string(value.pointer("/media/id")),
            parent_id: id_string(value.get("parent_id")),
        }),
    })
}

/// The person on the other side: a page-scoped id, or for some plugins and
/// dashboard tests only a `user_ref`.
fn sender_id(item: &Value) -> Option<String> {
    id_string(item.pointer("/sender/id")).or_else(|| id_string(item.pointer("/sender/user_ref")))
}

/// One messaging event: a message, echo, receipt, tap, reaction or referral.
fn parse_item(context: EntryContext<'_>, field: &str, item: &Value, events: &mut Vec<Event>) {
    if !item.is_object() {
        events.push(context.unreadable(field, "not_an_event"));
        return;
    }
    let event = if let Some(receipt) = item.get("delivery").or_else(|| item.get("read")) {
        receipt_event(context, field, item, receipt)
    } else if let Some(postback) = item.get("postback").filter(|p| p.is_object()) {
        postback_event(context, field, item, postback)
    } else if let Some(reaction) = item.get("reaction").filter(|r| r.is_object()) {
        reaction_event(context, field, reaction)
    } else if let Some(message) = item.get("message").filter(|m| m.is_object()) {
        message_event(context, field, item, message)
    } else if let Some(referral) = item.get("referral").and_then(Referral::from_json) {
        match sender_id(item) {
            Some(contact_id) => Event::Referral {
                route: context.route,
                account_id: context.account_id.to_owned(),
                contact_id,
                referral,
            },
            None => context.unreadable(field, "referral_without_sender"),
        }
    } else {
        let kind = [
            "optin",
            "account_linking",
            "pass_thread_control",
            "take_thread_control",
            "policy_enforcement",
        ]
        .into_iter()
        .find(|key| item.get(key).is_some())
        .unwrap_or("unknown");
        context.unreadable(field, kind)
    };
    let is_message = matches!(event, Event::Message(_));
    events.push(event);
    // An ad click or link can ride along with a message or a postback.
    if is_message && let Some(referral) = attached_referral(context, item) {
        events.push(referral);
    }
}

/// Messenger's `delivery {mids?, watermark}` and `read {watermark}`, Instagram's `read {mid}`.
fn receipt_event(context: EntryContext<'_>, field: &str, item: &Value, report: &Value) -> Event {
    let state = if item.get("delivery").is_some() {
        Delivery::Delivered
    } else {
        Delivery::Read
    };
    let Some(contact_id) = sender_id(item) else {
        return context.unreadable(field, "receipt_without_sender");
    };
    let mut message_ids: Vec<String> = report
        .get("mids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| id_string(Some(m)))
        .collect();
    message_ids.extend(id_string(report.get("mid")));
    let watermark_ms = report.get("watermark").and_then(Value::as_i64);
    if message_ids.is_empty() && watermark_ms.is_none() {
        return context.unreadable(field, "receipt_without_messages");
    }
    Event::Receipt(Receipt {
        route: context.route,
        account_id: context.account_id.to_owned(),
        contact_id,
        state,
        message_ids,
        watermark_ms,
        error: None,
    })
}

/// A tap on a button or menu item (`postback {mid?, title, payload}`): kept
/// as a message from the person whose text is the button's title.
fn postback_event(context: EntryContext<'_>, field: &str, item: &Value, postback: &Value) -> Event {
    let Some(sender) = sender_id(item) else {
        return context.unreadable(field, "postback_without_sender");
    };
    let (timestamp_ms, timestamp_source) =
        event_time(item.get("timestamp"), context.received_at_ms);
    let title = postback.get("title").and_then(Value::as_str);
    let payload = postback.get("payload").and_then(Value::as_str);
    // Older postbacks have no mid: the same tap delivered twice gets the same id.
    let mid = id_string(postback.get("mid")).unwrap_or_else(|| {
        format!(
            "postback:{sender}:{timestamp_ms}:{}",
            payload.unwrap_or_default()
        )
    });
    Event::Message(MessageEvent {
        route: context.route,
        account_id: context.account_id.to_owned(),
        contact_id: sender,
        contact_name: None,
        direction: Direction::Inbound,
        platform_message_id: mid,
        text: title.or(payload).map(str::to_owned),
        attachments: vec![Attachment {
            kind: "postback".into(),
            url: None,
        }],
        timestamp_ms,
        timestamp_source,
        comment: None,
    })
}

fn reaction_event(context: EntryContext<'_>, field: &str, reaction: &Value) -> Event {
    let Some(mid) = id_string(reaction.get("mid")) else {
        return context.unreadable(field, "reaction_without_message");
    };
    let removed = reaction.get("action").and_then(Value::as_str) == Some("unreact");
    Event::Reaction {
        route: context.route,
        account_id: context.account_id.to_owned(),
        platform_message_id: mid,
        emoji: (!removed).then(|| {
            reaction
                .get("emoji")
                .or_else(|| reaction.get("reaction"))
                .and_then(Value::as_str)
                .unwrap_or("👍")
                .to_owned()
        }),
    }
}

fn message_event(context: EntryContext<'_>, field: &str, item: &Value, message: &Value) -> Event {
    let Some(mid) = id_string(message.get("mid")) else {
        return context.unreadable(field, "message_without_id");
    };
    if message.get("is_deleted").and_then(Value::as_bool) == Some(true) {
        return Event::MessageDeleted {
            route: context.route,
            account_id: context.account_id.to_owned(),
            platform_message_id: mid,
        };
    }
    let is_echo = message
        .get("is_echo")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let (direction, contact) = if is_echo {
        (
            Direction::Outbound,
            id_string(item.pointer("/recipient/id")),
        )
    } else {
        (Direction::Inbound, sender_id(item))
    };
    let Some(contact_id) = contact else {
        return context.unreadable(field, "message_without_sender");
    };
    let (timestamp_ms, timestamp_source) =
        event_time(item.get("timestamp"), context.received_at_ms);
    let mut attachments: Vec<Attachment> = message
        .get("attachments")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|a| Attachment {
                    kind: a
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("file")
                        .to_owned(),
                    url: a
                        .pointer("/payload/url")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                })
                .collect()
        })
        .unwrap_or_default();
    // A reply to the business's story carries the story, which expires.
    if let Some(story) = message.pointer("/reply_to/story") {
        attachments.push(Attachment {
            kind: "story_reply".into(),
            url: story.get("url").and_then(Value::as_str).map(str::to_owned),
        });
    }
    // Content Instagram cannot hand to apps (some shares, voice effects…):
    // shown as such, so the owner knows to look in the Instagram app.
    if message.get("is_unsupported").and_then(Value::as_bool) == Some(true) {
        attachments.push(Attachment {
            kind: "unsupported".into(),
            url: None,
        });
    }
    Event::Message(MessageEvent {
        route: context.route,
        account_id: context.account_id.to_owned(),
        contact_id,
        contact_name: None,
        direction,
        platform_message_id: mid,
        text: message
            .get("text")
            .and_then(Value::as_str)
            .map(str::to_owned),
        attachments,
        timestamp_ms,
        timestamp_source,
        comment: None,
    })
}

/// A referral inside a message (`message.referral`, Instagram ad clicks) or a
/// postback (`postback.referral`, a "Get started" from an ad or link).
fn attached_referral(context: EntryContext<'_>, item: &Value) -> Option<Event> {
    let referral = item
        .pointer("/message/referral")
        .or_else(|| item.pointer("/postback/referral"))
        .and_then(Referral::from_json)?;
    Some(Event::Referral {
        route: context.route,
        account_id: context.account_id.to_owned(),
        contact_id: sender_id(item)?,
        referral,
    })
}

//! Normalized events: what the desktop stores, whatever platform it came from.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::routing::id_string;
use crate::{ParseError, RouteKind};

mod website;
mod whatsapp;
pub use website::widget_message;
use whatsapp::parse_whatsapp_entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the lead to the business.
    Inbound,
    /// From the business (an echo of a send, from Leadbox or another tool).
    Outbound,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub kind: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageEvent {
    pub route: RouteKind,
    /// The business's platform account (Instagram account, page, phone-number id).
    pub account_id: String,
    /// The other party: the lead's platform-scoped id.
    pub contact_id: String,
    /// The lead's display name when the platform sends one.
    pub contact_name: Option<String>,
    pub direction: Direction,
    /// The platform's message id (`mid`, `wamid`): the de-duplication key.
    pub platform_message_id: String,
    pub text: Option<String>,
    pub attachments: Vec<Attachment>,
    /// When the platform says it happened, in UTC milliseconds.
    pub timestamp_ms: i64,
    /// Set when this is a public comment (on a post or reel), not a direct message.
    #[serde(default)]
    pub comment: Option<CommentRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Sent,
    Delivered,
    Read,
    Failed,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Sent => "sent",
            Delivery::Delivered => "delivered",
            Delivery::Read => "read",
            Delivery::Failed => "failed",
        }
    }
}

/// A delivery or read report. Either names messages, or gives a watermark:
/// every message to this person sent at or before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub route: RouteKind,
    pub account_id: String,
    pub contact_id: String,
    pub state: Delivery,
    pub message_ids: Vec<String>,
    pub watermark_ms: Option<i64>,
    /// For failures: Meta's error code and message.
    pub error: Option<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFormEvent {
    /// The page id.
    pub account_id: String,
    pub leadgen_id: String,
    pub form_id: Option<String>,
    /// `None` for organic or test leads (Meta sends `ad_id: 0`).
    pub ad_id: Option<String>,
    pub created_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// `ADS`, `SHORTLINK`, `CUSTOMER_CHAT_PLUGIN`, … as Meta says.
    pub source: Option<String>,
    pub ad_id: Option<String>,
    /// The `ref` parameter of an m.me / ig.me link.
    pub ref_param: Option<String>,
    /// The ad's title when Meta includes it (`ads_context_data.ad_title`).
    pub ad_title: Option<String>,
}

impl Referral {
    fn from_json(value: &Value) -> Option<Referral> {
        let text = |pointer: &str| {
            value
                .pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let referral = Referral {
            source: text("/source"),
            ad_id: id_string(value.get("ad_id")),
            ref_param: text("/ref"),
            ad_title: text("/ads_context_data/ad_title"),
        };
        (referral != Referral::default()).then_some(referral)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRef {
    /// The post or reel commented on.
    pub media_id: Option<String>,
    /// The comment this one answers, for replies in a thread.
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Message(MessageEvent),
    /// A lead-ad form was submitted. Its answers are not in the webhook: they
    /// are fetched from the Graph API with the page's token.
    LeadForm(LeadFormEvent),
    /// What happened to messages the business sent: sent, delivered, read or failed.
    Receipt(Receipt),
    /// The person asked to stop (or resume) receiving messages, e.g. WhatsApp's
    /// `user_preferences` webhook. (A "STOP" text message is recognized at ingest.)
    MessagingPreference {
        route: RouteKind,
        account_id: String,
        contact_id: String,
        opted_out: bool,
    },
    /// The person unsent (deleted) a message they had sent (Instagram's
    /// `is_deleted`). Its text is removed here too.
    MessageDeleted {
        route: RouteKind,
        account_id: String,
        platform_message_id: String,
    },
    /// The person reacted to a message (or took the reaction back).
    Reaction {
        route: RouteKind,
        account_id: String,
        /// The message reacted to.
        platform_message_id: String,
        /// The emoji, or `None` when the reaction was removed.
        emoji: Option<String>,
    },
    /// How the person came to write: an ad, an m.me link with a `ref`, a
    /// Facebook/Instagram entry point. Kept on the contact as the lead's source.
    Referral {
        route: RouteKind,
        account_id: String,
        contact_id: String,
        referral: Referral,
    },
    /// Someone @mentioned the business's Instagram account in a comment or a
    /// caption. The webhook carries only ids; the text is on Instagram.
    Mention {
        account_id: String,
        media_id: Option<String>,
        comment_id: Option<String>,
        at_ms: i64,
    },
    /// The platform reports a problem with the business's account, not with
    /// one message (WhatsApp's `value.errors`). Shown with the account.
    AccountNotice {
        route: RouteKind,
        account_id: String,
        code: Option<i64>,
        message: String,
    },
    /// Something Leadbox does not handle yet, kept so it is never silently lost.
    Unsupported {
        route: RouteKind,
        account_id: String,
        kind: String,
    },
}

/// Parses one routed webhook entry into events, in platform timestamp order.
pub fn parse_entry(
    route: RouteKind,
    account_id: &str,
    entry: &Value,
) -> Result<Vec<Event>, ParseError> {
    let mut events = match route {
        RouteKind::Instagram | RouteKind::Messenger => {
            parse_messaging_entry(route, account_id, entry)?
        }
        RouteKind::Whatsapp => parse_whatsapp_entry(account_id, entry)?,
        // Website chat messages are not webhook entries (see `website`).
        RouteKind::Website => return Err(ParseError::UnknownObject("website".into())),
    };
    events.sort_by_key(|event| match event {
        Event::Message(message) => message.timestamp_ms,
        Event::LeadForm(form) => form.created_ms,
        Event::Receipt(_)
        | Event::MessagingPreference { .. }
        | Event::MessageDeleted { .. }
        | Event::AccountNotice { .. }
        | Event::Reaction { .. }
        | Event::Referral { .. }
        | Event::Unsupported { .. } => i64::MAX,
        Event::Mention { at_ms, .. } => *at_ms,
    });
    Ok(events)
}

fn parse_messaging_entry(
    route: RouteKind,
    account_id: &str,
    entry: &Value,
) -> Result<Vec<Event>, ParseError> {
    let mut events = Vec::new();
    // Echoes and messages handled by another app arrive under `standby`.
    for list in ["messaging", "standby"] {
        let Some(items) = entry.get(list) else {
            continue;
        };
        let items = items.as_array().ok_or(ParseError::WrongType {
            field: "entry[].messaging",
        })?;
        for item in items {
            events.push(parse_messaging_item(route, account_id, item)?);
            // An ad click or link can ride along with a message or a postback.
            if let Some(referral) = attached_referral(route, account_id, item) {
                events.push(referral);
            }
        }
    }
    if let Some(changes) = entry.get("changes").and_then(Value::as_array) {
        let entry_time_ms = entry_time_ms(entry);
        for change in changes {
            let field = change
                .get("field")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            match (route, field) {
                (RouteKind::Messenger, "leadgen") => {
                    let value = change.get("value").unwrap_or(&Value::Null);
                    let Some(leadgen_id) = id_string(value.get("leadgen_id")) else {
                        events.push(Event::Unsupported {
                            route,
                            account_id: account_id.to_owned(),
                            kind: "leadgen".into(),
                        });
                        continue;
                    };
                    let created_ms = value
                        .get("created_time")
                        .and_then(Value::as_i64)
                        .map_or(entry_time_ms, |t| t.saturating_mul(1000));
                    events.push(Event::LeadForm(LeadFormEvent {
                        account_id: id_string(value.get("page_id"))
                            .unwrap_or_else(|| account_id.to_owned()),
                        leadgen_id,
                        form_id: id_string(value.get("form_id")),
                        ad_id: id_string(value.get("ad_id")).filter(|id| id != "0"),
                        created_ms,
                    }));
                }
                (RouteKind::Instagram, "comments") => {
                    if let Some(event) =
                        parse_instagram_comment(account_id, change.get("value"), entry_time_ms)
                    {
                        events.push(event);
                        continue;
                    }
                    events.push(Event::Unsupported {
                        route,
                        account_id: account_id.to_owned(),
                        kind: "comments".into(),
                    });
                }
                (RouteKind::Instagram, "mentions") => {
                    let value = change.get("value").unwrap_or(&Value::Null);
                    let media_id = id_string(value.get("media_id"));
                    let comment_id = id_string(value.get("comment_id"));
                    if media_id.is_none() && comment_id.is_none() {
                        events.push(Event::Unsupported {
                            route,
                            account_id: account_id.to_owned(),
                            kind: "mentions".into(),
                        });
                        continue;
                    }
                    events.push(Event::Mention {
                        account_id: account_id.to_owned(),
                        media_id,
                        comment_id,
                        at_ms: entry_time_ms,
                    });
                }
                _ => events.push(Event::Unsupported {
                    route,
                    account_id: account_id.to_owned(),
                    kind: field.to_owned(),
                }),
            }
        }
    }
    Ok(events)
}

/// Messenger's `delivery {mids?, watermark}` and `read {watermark}`, Instagram's `read {mid}`.
fn parse_messaging_receipt(route: RouteKind, account_id: &str, item: &Value) -> Option<Receipt> {
    let (state, report) = match (item.get("delivery"), item.get("read")) {
        (Some(delivery), _) => (Delivery::Delivered, delivery),
        (None, Some(read)) => (Delivery::Read, read),
        (None, None) => return None,
    };
    let contact_id = id_string(item.pointer("/sender/id"))?;
    let mut message_ids: Vec<String> = report
        .get("mids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| id_string(Some(m)))
        .collect();
    message_ids.extend(id_string(report.get("mid")));
    Some(Receipt {
        route,
        account_id: account_id.to_owned(),
        contact_id,
        state,
        message_ids,
        watermark_ms: report.get("watermark").and_then(Value::as_i64),
        error: None,
    })
}

/// `entry[].time`: seconds in Instagram's change notifications, milliseconds in messaging ones.
fn entry_time_ms(entry: &Value) -> i64 {
    match entry.get("time").and_then(Value::as_i64) {
        Some(time) if time < 100_000_000_000 => time.saturating_mul(1000),
        Some(time) => time,
        None => 0,
    }
}

/// An Instagram comment. Meta documents the comment id as `id` in one place
/// and `comment_id` in another: both are accepted.
fn parse_instagram_comment(account_id: &str, value: Option<&Value>, time_ms: i64) -> Option<Event> {
    let value = value?;
    let id = id_string(value.get("id")).or_else(|| id_string(value.get("comment_id")))?;
    let from = id_string(value.pointer("/from/id"))?;
    let direction = if from == account_id {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    Some(Event::Message(MessageEvent {
        route: RouteKind::Instagram,
        account_id: account_id.to_owned(),
        contact_id: from,
        contact_name: value
            .pointer("/from/username")
            .and_then(Value::as_str)
            .map(str::to_owned),
        direction,
        platform_message_id: id,
        text: value.get("text").and_then(Value::as_str).map(str::to_owned),
        attachments: Vec::new(),
        timestamp_ms: time_ms,
        comment: Some(CommentRef {
            media_id: id_string(value.pointer("/media/id")),
            parent_id: id_string(value.get("parent_id")),
        }),
    }))
}

/// A referral inside a message (`message.referral`, Instagram ad clicks) or a
/// postback (`postback.referral`, a "Get started" from an ad or link).
fn attached_referral(route: RouteKind, account_id: &str, item: &Value) -> Option<Event> {
    let referral = item
        .pointer("/message/referral")
        .or_else(|| item.pointer("/postback/referral"))
        .and_then(Referral::from_json)?;
    Some(Event::Referral {
        route,
        account_id: account_id.to_owned(),
        contact_id: id_string(item.pointer("/sender/id"))?,
        referral,
    })
}

/// A tap on a button or menu item (`postback {mid?, title, payload}`): kept
/// as a message from the person whose text is the button's title.
fn parse_postback(route: RouteKind, account_id: &str, item: &Value) -> Option<Event> {
    let postback = item.get("postback").filter(|p| p.is_object())?;
    let sender = id_string(item.pointer("/sender/id"))?;
    let timestamp_ms = item.get("timestamp").and_then(Value::as_i64)?;
    let title = postback.get("title").and_then(Value::as_str);
    let payload = postback.get("payload").and_then(Value::as_str);
    // Older postbacks have no mid: the same tap delivered twice gets the same id.
    let mid = id_string(postback.get("mid")).unwrap_or_else(|| {
        format!(
            "postback:{sender}:{timestamp_ms}:{}",
            payload.unwrap_or_default()
        )
    });
    Some(Event::Message(MessageEvent {
        route,
        account_id: account_id.to_owned(),
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
        comment: None,
    }))
}

fn parse_messaging_item(
    route: RouteKind,
    account_id: &str,
    item: &Value,
) -> Result<Event, ParseError> {
    let unsupported = |kind: &str| Event::Unsupported {
        route,
        account_id: account_id.to_owned(),
        kind: kind.to_owned(),
    };
    if let Some(receipt) = parse_messaging_receipt(route, account_id, item) {
        return Ok(Event::Receipt(receipt));
    }
    if let Some(postback) = parse_postback(route, account_id, item) {
        return Ok(postback);
    }
    if let Some(reaction) = item.get("reaction").filter(|r| r.is_object()) {
        let mid = id_string(reaction.get("mid"))
            .ok_or(ParseError::Missing("messaging[].reaction.mid"))?;
        let removed = reaction.get("action").and_then(Value::as_str) == Some("unreact");
        return Ok(Event::Reaction {
            route,
            account_id: account_id.to_owned(),
            platform_message_id: mid,
            emoji: (!removed).then(|| {
                reaction
                    .get("emoji")
                    .or_else(|| reaction.get("reaction"))
                    .and_then(Value::as_str)
                    .unwrap_or("👍")
                    .to_owned()
            }),
        });
    }
    if let (Some(referral), Some(sender)) = (
        item.get("referral").and_then(Referral::from_json),
        id_string(item.pointer("/sender/id")),
    ) {
        return Ok(Event::Referral {
            route,
            account_id: account_id.to_owned(),
            contact_id: sender,
            referral,
        });
    }
    let Some(message) = item.get("message").filter(|m| m.is_object()) else {
        let kind = ["read", "delivery", "reaction", "referral", "optin"]
            .into_iter()
            .find(|key| item.get(key).is_some())
            .unwrap_or("unknown");
        return Ok(unsupported(kind));
    };
    let sender = id_string(item.pointer("/sender/id"))
        .ok_or(ParseError::Missing("messaging[].sender.id"))?;
    let recipient = id_string(item.pointer("/recipient/id"))
        .ok_or(ParseError::Missing("messaging[].recipient.id"))?;
    let mid =
        id_string(message.get("mid")).ok_or(ParseError::Missing("messaging[].message.mid"))?;
    if message.get("is_deleted").and_then(Value::as_bool) == Some(true) {
        return Ok(Event::MessageDeleted {
            route,
            account_id: account_id.to_owned(),
            platform_message_id: mid,
        });
    }
    let timestamp_ms = item
        .get("timestamp")
        .and_then(Value::as_i64)
        .ok_or(ParseError::Missing("messaging[].timestamp"))?;
    let is_echo = message
        .get("is_echo")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let (direction, contact_id) = if is_echo {
        (Direction::Outbound, recipient)
    } else {
        (Direction::Inbound, sender)
    };
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
    Ok(Event::Message(MessageEvent {
        route,
        account_id: account_id.to_owned(),
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
        comment: None,
    }))
}

#[cfg(test)]
mod tests;

//! Normalized events: what the desktop stores, whatever platform it came from.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Platform;
use crate::routing::id_string;

mod messaging;
mod time;
mod website;
mod whatsapp;
mod whatsapp_account;
pub use time::TimestampSource;
pub use website::widget_message;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Direction {
    /// From the lead to the business.
    Inbound,
    /// From the business (an echo of a send, from Leadbox or another tool).
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

impl std::str::FromStr for Direction {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Direction::Inbound, Direction::Outbound]
            .into_iter()
            .find(|direction| direction.as_str() == text)
            .ok_or_else(|| format!("`{text}` is not a direction"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub kind: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageEvent {
    pub route: Platform,
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
    /// When the platform says it happened, in UTC milliseconds (or, when its
    /// time was missing or unreadable, when the relay received it).
    pub timestamp_ms: i64,
    /// Where `timestamp_ms` came from.
    #[serde(default)]
    pub timestamp_source: TimestampSource,
    /// Set when this is a public comment (on a post or reel), not a direct message.
    #[serde(default)]
    pub comment: Option<CommentRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
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

impl std::str::FromStr for Delivery {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            Delivery::Sent,
            Delivery::Delivered,
            Delivery::Read,
            Delivery::Failed,
        ]
        .into_iter()
        .find(|delivery| delivery.as_str() == text)
        .ok_or_else(|| format!("`{text}` is not a delivery state"))
    }
}

/// A delivery or read report. Either names messages, or gives a watermark:
/// every message to this person sent at or before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub route: Platform,
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
        route: Platform,
        account_id: String,
        contact_id: String,
        opted_out: bool,
    },
    /// The person unsent (deleted) a message they had sent (Instagram's
    /// `is_deleted`). Its text is removed here too.
    MessageDeleted {
        route: Platform,
        account_id: String,
        platform_message_id: String,
    },
    /// The person reacted to a message (or took the reaction back).
    Reaction {
        route: Platform,
        account_id: String,
        /// The message reacted to.
        platform_message_id: String,
        /// The emoji, or `None` when the reaction was removed.
        emoji: Option<String>,
    },
    /// How the person came to write: an ad, an m.me link with a `ref`, a
    /// Facebook/Instagram entry point. Kept on the contact as the lead's source.
    Referral {
        route: Platform,
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
    /// The platform reports on the business's account, not on one message:
    /// WhatsApp's `value.errors`, a template approved or paused, a number's
    /// quality rating, an account restricted. Shown with the account.
    AccountNotice {
        route: Platform,
        /// The account, or with `business_account` the WhatsApp Business
        /// Account id: the notice is then about every number it holds.
        account_id: String,
        #[serde(default)]
        business_account: bool,
        #[serde(default)]
        severity: NoticeSeverity,
        code: Option<i64>,
        message: String,
    },
    /// WhatsApp's word on one of a business account's message templates
    /// (approved, paused, disabled…): the stored list of templates follows
    /// it. The same change also becomes an [`Event::AccountNotice`].
    TemplateStatus {
        business_account_id: String,
        name: String,
        language: String,
        /// Meta's `event`: `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`, …
        status: String,
    },
    /// A part of a webhook that could not become a message, status or
    /// notice: a kind Leadbox does not read, or a shape it cannot make sense
    /// of. Kept (without its content) and counted, never silently lost.
    Unreadable {
        route: Platform,
        account_id: String,
        /// The webhook field (`messaging` for messaging events).
        field: String,
        /// What it was, as far as can be told (`optin`, `message_without_sender`, …).
        kind: String,
    },
}

/// How much an account notice matters to the owner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum NoticeSeverity {
    /// For the record: a template approved, a limit raised.
    #[default]
    Info,
    /// Something to look at: a template rejected or paused, quality dropped.
    Problem,
    /// Sending is limited or stopped: the account is restricted or disabled.
    /// The owner is notified.
    Restriction,
}

/// Parses one routed webhook entry into events, in platform timestamp order.
/// `received_at_ms` is when the relay received the webhook: the time of
/// events whose own time is missing or unreadable. Nothing fails: what
/// cannot be read becomes an [`Event::Unreadable`].
pub fn parse_entry(
    route: Platform,
    account_id: &str,
    entry: &Value,
    received_at_ms: i64,
) -> Vec<Event> {
    let context = EntryContext {
        route,
        account_id,
        received_at_ms,
    };
    let mut events = match route {
        Platform::Instagram | Platform::Messenger => messaging::parse_entry(context, entry),
        Platform::Whatsapp => whatsapp::parse_entry(context, entry),
        // Website chat messages are not webhook entries (see `website`).
        Platform::Website => vec![context.unreadable("entry", "website_entry")],
    };
    events.sort_by_key(|event| match event {
        Event::Message(message) => message.timestamp_ms,
        Event::LeadForm(form) => form.created_ms,
        Event::Receipt(_)
        | Event::MessagingPreference { .. }
        | Event::MessageDeleted { .. }
        | Event::AccountNotice { .. }
        | Event::TemplateStatus { .. }
        | Event::Reaction { .. }
        | Event::Referral { .. }
        | Event::Unreadable { .. } => i64::MAX,
        Event::Mention { at_ms, .. } => *at_ms,
    });
    events
}

/// What every event of one entry shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryContext<'a> {
    pub route: Platform,
    pub account_id: &'a str,
    pub received_at_ms: i64,
}

impl EntryContext<'_> {
    pub fn unreadable(&self, field: &str, kind: &str) -> Event {
        Event::Unreadable {
            route: self.route,
            account_id: self.account_id.to_owned(),
            field: field.to_owned(),
            kind: kind.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests;

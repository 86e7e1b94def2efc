//! Platform adapters: Meta webhook payloads in, normalized events out.
//!
//! The relay uses [`routing`] to split a verified webhook into entries addressed
//! to platform accounts; the desktop uses [`events`] to turn an entry into
//! normalized [`events::Event`]s it can store.

pub mod events;
#[cfg(feature = "graph-client")]
pub mod graph;
pub mod optout;
pub mod routing;
pub mod window;

pub use leadbox_envelope::RouteKind;

/// The webhook fields a Facebook Page is subscribed to: by the relay after
/// Facebook Login, and by the desktop when Meta has dropped the subscription.
pub const PAGE_WEBHOOK_FIELDS: &str =
    "messages,messaging_postbacks,message_deliveries,message_reads,message_echoes,leadgen";

/// Parsing errors for data that came from outside. Every variant names what was
/// wrong so the owner (or the relay's operator) can act on it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the webhook body is not valid JSON: {0}")]
    Json(String),
    #[error("the webhook has no `{0}` field")]
    Missing(&'static str),
    #[error("the webhook's `object` is `{0}`, which Leadbox does not handle")]
    UnknownObject(String),
    #[error("the `{field}` field has the wrong type")]
    WrongType { field: &'static str },
}

/// How an account was connected, which decides the send endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Connection {
    /// A Facebook Page token (Messenger, and Instagram accounts linked to the page).
    Page,
    /// An Instagram Login token (`graph.instagram.com`).
    InstagramLogin,
    /// A WhatsApp Cloud API system-user token.
    WhatsappCloud,
    /// A website chat: replies go back through the relay, with the device's own token.
    Relay,
}

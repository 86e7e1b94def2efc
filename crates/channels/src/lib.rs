//! Platform adapters: Meta webhook payloads in, normalized events out.
//!
//! The relay uses [`routing`] to split a verified webhook into entries addressed
//! to platform accounts; the desktop uses [`events`] to turn an entry into
//! normalized [`events::Event`]s it can store.

pub mod events;
#[cfg(feature = "graph-client")]
pub mod graph;
pub mod optout;
pub mod outgoing_files;
pub mod routing;
pub mod templates;
pub mod window;

pub use leadbox_envelope::{Platform, now_ms};

/// The webhook fields a Facebook Page is subscribed to: by the relay after
/// Facebook Login, and by the desktop when Meta has dropped the subscription.
pub const PAGE_WEBHOOK_FIELDS: &str = "messages,messaging_postbacks,messaging_referrals,message_deliveries,message_reads,message_echoes,message_reactions,leadgen";

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

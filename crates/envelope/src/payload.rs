//! What a sealed envelope contains, once opened on the desktop.

use serde::{Deserialize, Serialize};

use crate::RouteKind;

/// The plaintext inside an envelope. Tagged so later kinds (OAuth tokens, the
/// Meta deletion notice, website chat) can be added without breaking old desktops,
/// which report an unknown kind instead of failing the whole sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    /// One `entry` of a verified Meta webhook, routed to this business.
    MetaWebhookEntry {
        /// The webhook's `object`: `instagram`, `page` or `whatsapp_business_account`.
        object: String,
        route: RouteKind,
        /// The platform account id the entry was routed by.
        account_id: String,
        /// When the relay received it, in milliseconds since the Unix epoch.
        received_at_ms: i64,
        /// The entry exactly as Meta sent it (after signature verification).
        entry: serde_json::Value,
    },
}

impl Payload {
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing a value built from owned JSON values cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

//! What a sealed envelope contains, once opened on the desktop.

use serde::{Deserialize, Serialize};

use crate::Platform;

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
        route: Platform,
        /// The platform account id the entry was routed by.
        account_id: String,
        /// When the relay received it, in milliseconds since the Unix epoch.
        received_at_ms: i64,
        /// The entry exactly as Meta sent it (after signature verification).
        entry: serde_json::Value,
    },
    /// The result of "Connect with Facebook" on the relay: the long-lived user
    /// token and the page tokens, sealed to the device that asked. The relay
    /// keeps none of them.
    MetaConnection {
        /// The app-scoped id of the person who logged in; Meta's deletion
        /// callback names them by it.
        user_id: String,
        user_name: String,
        user_token: SecretText,
        /// When the long-lived user token expires, if Meta said.
        user_token_expires_at_ms: Option<i64>,
        pages: Vec<ConnectedPage>,
        received_at_ms: i64,
    },
    /// The result of "Connect with Instagram" (Instagram Login) on the relay:
    /// one professional account and its long-lived token, sealed to the
    /// device that asked. The relay keeps none of it.
    InstagramConnection {
        /// The app-scoped id of the person who logged in (deletion requests name it).
        user_id: String,
        /// The Instagram professional account id (webhooks are routed by it).
        account_id: String,
        username: String,
        access_token: SecretText,
        /// When the long-lived token expires (60 days; refreshable).
        expires_at_ms: Option<i64>,
        /// Whether the relay subscribed the account to the app's webhooks.
        subscribed: bool,
        received_at_ms: i64,
    },
    /// Meta asked (through its data-deletion callback) that this app-scoped
    /// user's data be deleted. The desktop removes their connection data and
    /// reports completion with `confirmation_code`.
    MetaDeletionNotice {
        confirmation_code: String,
        user_id: String,
        requested_at_ms: i64,
    },
    /// A visitor wrote in the website chat widget. The relay knows the visitor
    /// only by `session_id`; a name or email they typed travels sealed here.
    WidgetMessage {
        site_id: String,
        session_id: String,
        /// The relay's id for this message: the de-duplication key.
        message_id: String,
        text: String,
        visitor_name: Option<String>,
        visitor_email: Option<String>,
        /// Added later: absent in envelopes from older relays.
        #[serde(default)]
        visitor_phone: Option<String>,
        received_at_ms: i64,
    },
    /// Another business on the relay proved control of an account this
    /// business had (with Facebook or Instagram Login, or a token the relay
    /// checked): its webhooks go there from now on.
    RouteMoved {
        route: Platform,
        account_id: String,
        moved_at_ms: i64,
    },
}

/// One Facebook Page the owner granted, with its token and, when linked, its
/// Instagram professional account (reached with the same page token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedPage {
    pub page_id: String,
    pub name: String,
    pub access_token: SecretText,
    pub instagram_account_id: Option<String>,
    pub instagram_username: Option<String>,
    /// Whether the relay subscribed the page to the app's webhooks.
    pub subscribed: bool,
}

/// A token or other secret: serialized as is, never shown by `Debug`.
#[derive(
    Clone, PartialEq, Eq, Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop,
)]
#[serde(transparent)]
pub struct SecretText(String);

impl SecretText {
    pub fn new(text: impl Into<String>) -> Self {
        SecretText(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText(***)")
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_survive_the_round_trip_but_never_show_in_debug_output() {
        let payload = Payload::MetaConnection {
            user_id: "10157".into(),
            user_name: "Ana".into(),
            user_token: SecretText::new("EAAG-user-token"),
            user_token_expires_at_ms: Some(1_800_000_000_000),
            pages: vec![ConnectedPage {
                page_id: "111".into(),
                name: "Ana's Bakery".into(),
                access_token: SecretText::new("EAAG-page-token"),
                instagram_account_id: Some("1784".into()),
                instagram_username: Some("anasbakery".into()),
                subscribed: true,
            }],
            received_at_ms: 5,
        };
        let back = Payload::from_bytes(&payload.to_bytes()).unwrap();
        assert_eq!(back, payload);
        let shown = format!("{payload:?}");
        assert!(!shown.contains("EAAG"), "{shown}");
        assert!(shown.contains("Ana's Bakery"));
    }

    #[test]
    fn a_deletion_notice_reads_back() {
        let notice = Payload::MetaDeletionNotice {
            confirmation_code: "DEL-ABC".into(),
            user_id: "10157".into(),
            requested_at_ms: 7,
        };
        let text = String::from_utf8(notice.to_bytes()).unwrap();
        assert!(text.contains(r#""kind":"meta_deletion_notice""#), "{text}");
        assert_eq!(Payload::from_bytes(text.as_bytes()).unwrap(), notice);
    }
}

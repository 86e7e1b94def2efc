//! Requests and responses of the relay's device API (`/v1/...`).

use serde::{Deserialize, Serialize};

use crate::payload::SecretText;
use crate::{DevicePublicKey, Platform, SealedEnvelope};

/// `POST /v1/devices`: redeem a single-use invite for a device identity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegisterDeviceRequest {
    pub invite_code: String,
    pub public_key: DevicePublicKey,
    pub device_name: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct RegisterDeviceResponse {
    pub device_id: String,
    pub business_id: String,
    pub business_name: String,
    /// The bearer token for every later call. The relay keeps only its hash.
    pub token: String,
}

impl std::fmt::Debug for RegisterDeviceResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterDeviceResponse")
            .field("device_id", &self.device_id)
            .field("business_id", &self.business_id)
            .field("token", &"***")
            .finish_non_exhaustive()
    }
}

/// `POST /v1/invites`: the business's owner computer invites another one.
#[derive(Clone, Serialize, Deserialize)]
pub struct ComputerInvite {
    pub invite_code: String,
    pub expires_in_seconds: u64,
}

impl std::fmt::Debug for ComputerInvite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputerInvite")
            .field("invite_code", &"***")
            .finish_non_exhaustive()
    }
}

/// `POST /v1/signup`: on a relay service, create a business with this
/// computer as its owner (answered like `POST /v1/devices`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignUpRequest {
    pub business_name: String,
    pub device_name: String,
    pub public_key: DevicePublicKey,
    /// When the relay asks for one (`signup = "code"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signup_code: Option<String>,
}

/// `POST /v1/routes`: claim a platform account id for the caller's business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRouteRequest {
    pub platform: Platform,
    pub account_id: String,
    /// For a WhatsApp number: the WhatsApp Business Account that holds it,
    /// whose account-level changes (templates, quality, restrictions) then
    /// come to this business too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whatsapp_business_account_id: Option<String>,
    /// Proof that this business controls the account: a page token, an
    /// Instagram token or a WhatsApp token that the relay checks once against
    /// the Graph API and does not keep. A relay may route a free account
    /// without it (`route_claims = "first_claim"`); moving an account that
    /// another business holds always needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<SecretText>,
}

/// `GET /v1/envelopes?after=CURSOR&wait=SECONDS`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnvelopePage {
    pub envelopes: Vec<SealedEnvelope>,
    /// Pass as `after` next time. Acked envelopes are gone either way.
    pub next_cursor: u64,
    /// Envelopes for this device that expired or were evicted (queue full)
    /// before it fetched them, not yet confirmed with `lost_seen`.
    #[serde(default)]
    pub lost: u64,
}

/// `POST /v1/devices/key`: the device's new public key (key rotation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RotateKeyRequest {
    pub public_key: DevicePublicKey,
}

/// `POST /v1/oauth/meta/tickets`: a short-lived, single-use address the owner
/// opens in a browser to connect Facebook Pages to this device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OAuthTicket {
    pub url: String,
    pub expires_in_seconds: u64,
    /// The code the owner types on the relay's page before it goes on to
    /// Facebook or Instagram: a forwarded link is useless without it.
    #[serde(default)]
    pub confirmation_code: String,
}

/// `POST /v1/meta/deletions/{code}/complete`: the device removed the data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeletionCompleted {
    pub confirmation_code: String,
}

/// `POST /v1/envelopes/ack`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AckRequest {
    pub cursors: Vec<u64>,
    /// The `lost` count the device has recorded, so the relay stops reporting it.
    #[serde(default)]
    pub lost_seen: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AckResponse {
    pub deleted: u64,
}

/// `POST /v1/widget/sites`: add a website chat for the caller's business.
/// Only pages on `origins` (scheme, host and port, e.g. `https://example.com`)
/// may use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSiteRequest {
    pub name: String,
    pub origins: Vec<String>,
}

/// A website chat as the relay knows it (`POST` and `GET /v1/widget/sites`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSite {
    pub site_id: String,
    pub name: String,
    pub origins: Vec<String>,
    /// Page addresses the chat was loaded on and refused (not in `origins`),
    /// most recent first: the owner may have forgotten to list them.
    #[serde(default)]
    pub refused_origins: Vec<WidgetRefusedOrigin>,
}

/// A page address a website chat refused, and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetRefusedOrigin {
    pub origin: String,
    pub refusals: u64,
    /// Seconds since the Unix epoch.
    pub last_refused_at: i64,
}

/// `POST /v1/widget/sites/{site_id}/origins`: let the chat be used on one
/// more address (e.g. one it was refused on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetOriginRequest {
    pub origin: String,
}

/// `POST /v1/widget/replies`: an approved reply to a website visitor. The
/// `reply_id` makes a retried send deliver once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetReplyRequest {
    pub site_id: String,
    pub session_id: String,
    pub reply_id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetReplyAccepted {
    pub reply_id: String,
}

/// Every error the relay returns: a stable code for programs and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

/// The longest website-chat message, either way, in characters.
pub const WIDGET_TEXT_LIMIT: usize = 2000;

/// Longest long-poll the relay honours, in seconds.
pub const MAX_WAIT_SECONDS: u64 = 60;
/// Most envelopes one page returns.
pub const MAX_PAGE: usize = 500;

/// `GET /v1/devices`: one desktop of the caller's business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct BusinessDevice {
    pub device_id: String,
    pub name: String,
    /// Seconds since the epoch.
    pub created_at: i64,
    /// Removed devices stay listed, so the owner sees when.
    pub revoked_at: Option<i64>,
    /// Envelopes waiting at the relay for this device.
    pub queued: u64,
    /// The business's owner computer (the first paired): only an owner
    /// removes other computers.
    #[serde(default)]
    pub owner: bool,
}

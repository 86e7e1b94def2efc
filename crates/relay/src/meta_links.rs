//! What the relay remembers about Facebook Login and Meta's deletion requests:
//! short-lived login states bound to a device, the app-scoped user id ↔
//! business link (nothing else about the person), and deletion requests with
//! the businesses that still have to confirm them. Tokens never reach the
//! relay's storage: they are sealed to the device the moment Meta hands them
//! over. The SQL is in `store/sqlite/logins.rs` and `store/postgres/logins.rs`.

use leadbox_envelope::DevicePublicKey;

/// How long the owner has to finish a login after asking for it.
pub const LOGIN_STATE_SECONDS: i64 = 10 * 60;

/// Which login a state was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginProvider {
    Facebook,
    Instagram,
}

impl LoginProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginProvider::Facebook => "facebook",
            LoginProvider::Instagram => "instagram",
        }
    }
}

/// A deletion request as its status page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionStatus {
    pub requested_at: i64,
    pub completed_at: Option<i64>,
}

/// A recorded deletion request and the devices to tell about it.
#[derive(Debug)]
pub struct DeletionRequest {
    pub code: String,
    /// Per business still linked to the user: its id and its active devices.
    pub notify: Vec<(String, Vec<(String, DevicePublicKey)>)>,
}

/// Wrong confirmation codes a login link survives; the next one ends it.
pub const CONFIRMATION_ATTEMPTS: i64 = 5;

/// A new login link: the state in its address, and the code the owner's
/// computer shows and the relay's page asks for.
#[derive(Debug)]
pub struct NewLoginState {
    pub state: String,
    pub confirmation_code: String,
}

/// What the relay's page says about an open login link before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPrompt {
    pub business_name: String,
    pub device_name: String,
    pub confirmed: bool,
}

/// The result of typing a confirmation code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    Confirmed,
    WrongCode {
        attempts_left: i64,
    },
    /// Unknown, expired, used up, or too many wrong codes.
    Expired,
}

/// Codes are compared as the owner may type them: any case, with or without
/// the dash or spaces.
pub(crate) fn normalized_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

//! What Meta answered when a call failed, in words the owner can act on.

use serde_json::Value;

use crate::Platform;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("the reply is {length} characters; {platform} allows at most {limit}")]
    TooLong {
        platform: Platform,
        length: usize,
        limit: usize,
    },
    #[error("Meta refused: this reply is outside the time allowed to answer this person")]
    OutsideWindow,
    #[error("this person cannot receive messages right now")]
    PersonUnavailable,
    #[error(
        "the connection to this account has expired or was revoked; reconnect the account in Leadbox"
    )]
    TokenExpired,
    #[error(
        "more than 24 hours have passed since this person's last WhatsApp message: only an approved template can be sent"
    )]
    TemplateNeeded,
    #[error(
        "WhatsApp does not have this template in this language any more; refresh the list and choose again"
    )]
    TemplateNotFound,
    #[error("WhatsApp has paused or disabled this template; choose another one")]
    TemplateNotUsable,
    #[error("the values do not fit this template: WhatsApp expects a different number of them")]
    TemplateValues,
    #[error("WhatsApp is limiting how fast this number sends; try again in a minute")]
    ThroughputLimit,
    #[error(
        "too many messages were sent to this person in a short time; wait before sending again"
    )]
    TooManyToPerson,
    #[error("WhatsApp could not deliver this message (the number may not use WhatsApp)")]
    Undeliverable,
    #[error("Meta withheld this message to protect its users")]
    WithheldByMeta,
    #[error("Meta is rate-limiting this account; try again in a few minutes")]
    RateLimited,
    #[error("Meta did not take this file: {0}")]
    FileRefused(String),
    #[error("Meta cannot be reached ({0}); the draft is kept, try again")]
    Network(String),
    #[error("Meta refused the message: {message} (code {code})")]
    Other { code: i64, message: String },
}

impl SendError {
    /// Whether the account needs reconnecting (its token no longer works).
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, SendError::TokenExpired)
    }

    /// Reads Meta's `{"error": {"code", "error_subcode", "message"}}` body.
    pub fn from_graph_error(body: &Value) -> SendError {
        let error = body.get("error").unwrap_or(body);
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
        let subcode = error
            .get("error_subcode")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no details")
            .to_owned();
        match (code, subcode) {
            (10, 2_018_278) => SendError::OutsideWindow,
            (551, _) | (_, 1_545_041) => SendError::PersonUnavailable,
            (190, _) | (102, _) | (_, 463) | (_, 467) | (_, 460) => SendError::TokenExpired,
            (131_047, _) => SendError::TemplateNeeded,
            (130_429, _) => SendError::ThroughputLimit,
            (132_001, _) => SendError::TemplateNotFound,
            (132_015 | 132_016, _) => SendError::TemplateNotUsable,
            (132_000 | 132_012, _) => SendError::TemplateValues,
            (131_056, _) => SendError::TooManyToPerson,
            (131_026, _) => SendError::Undeliverable,
            (131_049, _) => SendError::WithheldByMeta,
            // WhatsApp's "media upload error"; the Send API's failed upload or fetch.
            (131_053, _) | (_, 2_018_047 | 2_018_008) => SendError::FileRefused(message),
            (4 | 17 | 32 | 613 | 80_006, _) => SendError::RateLimited,
            _ => SendError::Other { code, message },
        }
    }
}

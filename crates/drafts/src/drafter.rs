use std::future::Future;

use leadbox_envelope::Platform;
use serde::{Deserialize, Serialize};

use crate::flag::Flag;
use crate::profile::BusinessProfile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Lead,
    Business,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationTurn {
    pub speaker: Speaker,
    pub text: String,
}

/// Everything a drafter may use. The new message is kept apart from the
/// history because it is the untrusted text the reply answers.
#[derive(Debug, Clone)]
pub struct DraftRequest {
    pub profile: BusinessProfile,
    pub channel: Platform,
    /// The lead's name when known (introduced or from the platform).
    pub lead_name: Option<String>,
    /// Earlier turns, oldest first.
    pub history: Vec<ConversationTurn>,
    pub new_message: String,
    /// Replies the owner sent before, with the messages they answered:
    /// what the built-in drafter reuses for a similar question (most recent
    /// first). Other leads' messages: never given to a remote provider.
    pub owner_replies: Vec<OwnerReply>,
}

impl DraftRequest {
    /// The language to reply in: the lead's, read from the new message or
    /// their earlier ones, when the business speaks it.
    pub fn reply_language(&self) -> crate::language::Lang {
        let earlier = self
            .history
            .iter()
            .filter(|t| t.speaker == Speaker::Lead)
            .map(|t| t.text.as_str());
        crate::language::reply_language(&self.new_message, earlier, &self.profile.languages)
    }
}

/// How many of the owner's latest replies the built-in drafter looks
/// through for each draft: enough for a small business's usual questions,
/// few enough that a draft stays within a few milliseconds
/// (`benches/offline_drafter.rs`).
pub const OWNER_REPLIES_CONSIDERED: usize = 200;

/// A reply the owner approved or wrote, and the lead's message it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerReply {
    pub question: String,
    pub reply: String,
}

/// A reply for the owner to review. It is never sent by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub text: String,
    pub flags: Vec<Flag>,
    /// `offline`, `openai_compatible` or `anthropic`.
    pub provider: String,
    pub model: Option<String>,
    pub latency_ms: u64,
    pub input_tokens: Option<u32>,
    pub output_tokens: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error(
        "the AI provider at {0} cannot be reached; check the address, or that the local model server is running"
    )]
    Unreachable(String),
    #[error("the AI provider did not answer within {0} seconds")]
    TimedOut(u64),
    #[error("the AI provider refused the API key; enter a valid key in Settings")]
    BadKey,
    #[error("the AI provider does not know the model `{0}`")]
    UnknownModel(String),
    #[error("the AI provider is busy or rate-limited; try again in a minute")]
    RateLimited,
    #[error("the AI provider failed: {0}")]
    Provider(String),
    #[error("the AI provider's answer could not be read")]
    BadResponse,
    #[error("the AI provider returned an empty reply")]
    Empty,
}

impl DraftError {
    /// Whether trying the same request again may work.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            DraftError::Unreachable(_) | DraftError::TimedOut(_) | DraftError::RateLimited
        ) || matches!(self, DraftError::Provider(message) if message.starts_with("HTTP 5"))
    }
}

/// Writes a draft reply. Implementations never send anything to the lead.
pub trait Drafter: Send + Sync {
    fn draft(
        &self,
        request: &DraftRequest,
    ) -> impl Future<Output = Result<Draft, DraftError>> + Send;
}

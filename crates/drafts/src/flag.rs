//! The warnings a draft can carry for the owner: what the checks found, and
//! what the drafters report about the message they answered.

use serde::{Deserialize, Serialize};

/// Something in a draft the owner should look at before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Flag {
    /// A link that is not in the profile nor in the business's own messages.
    UnknownLink(String),
    /// A price that is not in the profile.
    UnknownPrice(String),
    UnknownPhone(String),
    UnknownEmail(String),
    /// Markdown or HTML was removed (messaging apps show it literally).
    MarkupRemoved,
    /// An embedded image (a way to leak data to a remote server) was removed.
    ImageRemoved(String),
    /// The reply was cut to the channel's length limit.
    Truncated,
    /// The lead's message looks like it tries to instruct the AI.
    SuspiciousMessage,
    /// The lead asked something the profile does not answer; the draft
    /// promises to check.
    Unanswered,
    /// The draft reuses the owner's reply to another lead's similar question.
    ReusedAnswer,
}

impl Flag {
    /// What the owner reads next to the draft.
    pub fn explain(&self) -> String {
        match self {
            Flag::UnknownLink(link) => format!("Contains a link that is not in your profile: {link}"),
            Flag::UnknownPrice(price) => format!("States a price that is not in your profile: {price}"),
            Flag::UnknownPhone(phone) => format!("Contains a phone number you did not give: {phone}"),
            Flag::UnknownEmail(email) => format!("Contains an email address you did not give: {email}"),
            Flag::MarkupRemoved => "Formatting was removed, since messaging apps would show it as symbols".into(),
            Flag::ImageRemoved(url) => format!("An embedded image was removed: {url}"),
            Flag::Truncated => "The reply was shortened to fit the channel's length limit".into(),
            Flag::Unanswered => {
                "The customer asked something your profile does not answer: the draft promises to check; answer it yourself, or add it to your FAQ".into()
            }
            Flag::ReusedAnswer => {
                "This reuses your reply to another customer's similar question: check that it fits this person".into()
            }
            Flag::SuspiciousMessage => {
                "The customer's message looks like an attempt to give the AI instructions; read the draft carefully".into()
            }
        }
    }
}

//! Reply drafting. A lead's message comes in; a draft reply goes out to the
//! owner for approval, never to the lead. Drafts are built from the business
//! profile's facts only, checked for links, prices, phone numbers and emails
//! the profile does not contain, and flagged for the owner when in doubt.

pub mod checks;
mod drafter;
pub mod enquiry;
pub mod extract;
mod flag;
pub mod language;
pub mod offline;
pub mod placeholders;
pub mod profile;
pub mod prompt;
pub mod providers;
pub mod redact;
mod retrieval;

pub use drafter::{
    ConversationTurn, Draft, DraftError, DraftRequest, Drafter, OWNER_REPLIES_CONSIDERED,
    OwnerReply, Speaker,
};
pub use language::Lang;
pub use leadbox_envelope::Platform;
pub use profile::BusinessProfile;

/// The longest reply each channel accepts, in characters.
pub fn channel_limit(channel: Platform) -> usize {
    match channel {
        Platform::Instagram => 1000,
        Platform::Messenger => 2000,
        Platform::Whatsapp => 4096,
        Platform::Website => leadbox_envelope::api::WIDGET_TEXT_LIMIT,
    }
}

//! The owner's own words: a reply written in the composer, and saved
//! replies with their placeholders. A written reply is sent exactly like an
//! approved draft (the same reply window, opt-out, length limits and Human
//! Agent rule), after the same one click.

use leadbox_drafts::placeholders::{Filled, PlaceholderValues};
use leadbox_vault::SavedReply;

use crate::{Engine, InboxError, ReplyWindow, VaultError};

impl Engine {
    /// Whether a reply the owner writes now can go out, and until when.
    pub fn composer_reply_window(&self, conversation_id: i64) -> Result<ReplyWindow, InboxError> {
        let target = self
            .reader()?
            .composer_reply_target(conversation_id)
            .map_err(|error| no_such_conversation(error, conversation_id))?;
        Ok(crate::reply_window::reply_window(&target, self.now_ms()))
    }

    /// The owner's click on "Send" under a reply they wrote: it answers the
    /// person's latest message and replaces the conversation's open draft.
    /// Returns the platform's message id. A refused send keeps the reply as
    /// a draft to try again, with the reason.
    pub async fn send_owner_reply(
        &self,
        conversation_id: i64,
        text: &str,
        override_opt_out: bool,
    ) -> Result<String, InboxError> {
        let approved = self
            .vault()
            .approve_owner_reply(conversation_id, text)
            .map_err(|error| no_such_conversation(error, conversation_id))?;
        self.send_approved(approved, override_opt_out).await
    }

    /// Saved replies holding every word of `query` in their title or text.
    pub fn saved_replies(&self, query: &str) -> Result<Vec<SavedReply>, InboxError> {
        Ok(self.reader()?.saved_replies(query)?)
    }

    /// Saves a new reply (`id` None) or changes one.
    pub fn save_saved_reply(
        &self,
        id: Option<i64>,
        title: &str,
        text: &str,
    ) -> Result<SavedReply, InboxError> {
        Ok(self.vault().save_saved_reply(id, title, text)?)
    }

    pub fn delete_saved_reply(&self, id: i64) -> Result<(), InboxError> {
        Ok(self.vault().delete_saved_reply(id)?)
    }

    /// A saved reply's text for one conversation, its placeholders filled
    /// from the person's name and the business profile; those whose value
    /// is not known are left in, and named.
    pub fn fill_saved_reply(
        &self,
        saved_reply_id: i64,
        conversation_id: i64,
    ) -> Result<Filled, InboxError> {
        let (reply, contact_name) = {
            let reader = self.reader()?;
            let reply = reader.saved_reply(saved_reply_id)?;
            let name = reader
                .conversation_contact_name(conversation_id)
                .map_err(|error| no_such_conversation(error, conversation_id))?;
            (reply, name)
        };
        // A profile that no longer reads leaves its placeholders for the
        // owner to fill, rather than refusing the saved reply.
        let profile = self
            .business_profile()
            .inspect_err(|error| tracing::warn!(%error, "placeholders filled without the profile"))
            .ok();
        Ok(PlaceholderValues::new(contact_name.as_deref(), profile.as_ref()).fill(&reply.text))
    }
}

pub(crate) fn no_such_conversation(error: VaultError, conversation_id: i64) -> InboxError {
    match error {
        VaultError::NotFound("conversation") => InboxError::NoSuchConversation(conversation_id),
        other => other.into(),
    }
}

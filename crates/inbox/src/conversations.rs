//! What the owner reads: the conversation list, a conversation, search, the
//! lead panel, the dashboard. Reads go to a reader connection, so they never
//! wait for sync's writes or for a long job.

use leadbox_vault::{
    AccountRow, ConversationPage, ConversationSummary, Dashboard, LeadCard, LeadForm, ListFilter,
    MentionRow, PageCursor, SearchHit, Stage, StoredMessage,
};

use crate::{Engine, InboxError};

/// How many days the dashboard looks back.
const DASHBOARD_DAYS: i64 = 30;

impl Engine {
    /// Every conversation, newest first (the CLI's list).
    pub fn conversations(&self) -> Result<Vec<ConversationSummary>, InboxError> {
        Ok(self.reader()?.conversations()?)
    }

    /// Up to `limit` rows of the filtered list after `after` (the vault caps it at 500).
    pub fn conversation_page(
        &self,
        filter: &ListFilter,
        after: Option<PageCursor>,
        limit: usize,
    ) -> Result<ConversationPage, InboxError> {
        Ok(self.reader()?.conversation_page(filter, after, limit)?)
    }

    /// A conversation's messages, oldest first.
    pub fn messages(&self, conversation_id: i64) -> Result<Vec<StoredMessage>, InboxError> {
        Ok(self.reader()?.messages(conversation_id)?)
    }

    pub fn mark_read(&self, conversation_id: i64) -> Result<(), InboxError> {
        Ok(self.vault().mark_read(conversation_id)?)
    }

    /// Unread messages over all conversations (the tray's count).
    pub fn unread_total(&self) -> Result<i64, InboxError> {
        Ok(self.reader()?.unread_total()?)
    }

    /// Full-text search over message text and names, newest first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, InboxError> {
        Ok(self.reader()?.search(query, limit)?)
    }

    /// The web address of a message's attachment, if it has one.
    pub fn attachment_url(
        &self,
        message_id: i64,
        index: usize,
    ) -> Result<Option<String>, InboxError> {
        Ok(self.reader()?.attachment_url(message_id, index)?)
    }

    pub fn labels_in_use(&self) -> Result<Vec<String>, InboxError> {
        Ok(self.reader()?.labels_in_use()?)
    }

    pub fn lead_card(&self, conversation_id: i64) -> Result<LeadCard, InboxError> {
        Ok(self.reader()?.lead_card(conversation_id)?)
    }

    /// Saves the owner's stage, notes and labels for a lead.
    pub fn update_lead(
        &self,
        conversation_id: i64,
        stage: Stage,
        notes: &str,
        labels: &[String],
    ) -> Result<LeadCard, InboxError> {
        Ok(self
            .vault()
            .update_lead(conversation_id, stage, notes, labels)?)
    }

    /// Lead-ad form submissions, newest first.
    pub fn lead_forms(&self) -> Result<Vec<LeadForm>, InboxError> {
        Ok(self.reader()?.lead_forms()?)
    }

    /// Instagram mentions of the business's accounts, newest first.
    pub fn mentions(&self) -> Result<Vec<MentionRow>, InboxError> {
        Ok(self.reader()?.mentions()?)
    }

    /// The connected accounts, with any problem Meta reported.
    pub fn accounts(&self) -> Result<Vec<AccountRow>, InboxError> {
        Ok(self.reader()?.accounts()?)
    }

    /// The dashboard's figures for the last 30 days.
    pub fn dashboard(&self) -> Result<Dashboard, InboxError> {
        Ok(self.reader()?.dashboard(self.now_ms(), DASHBOARD_DAYS)?)
    }
}

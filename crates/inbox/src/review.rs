//! The owner's review of a draft: read it with its warnings and reply
//! window, approve (with edits) and send, reject, or draft again. The app
//! and the CLI both go through here, so they behave the same.

use leadbox_drafts::checks::Flag;
use leadbox_vault::{DraftAuthor, DraftRow, DraftStatus};
use serde::Serialize;

use crate::{Engine, InboxError, ReplyWindow};

/// A draft as the owner reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct DraftReview {
    pub id: i64,
    pub conversation_id: i64,
    pub status: DraftStatus,
    /// A suggested reply, or one the owner wrote (whose send failed).
    pub written_by: DraftAuthor,
    pub text: String,
    /// Each of the checks' warnings.
    pub warnings: Vec<DraftWarning>,
    /// Why the last attempt failed (drafting or sending), in plain words.
    pub problem: Option<String>,
    /// Whether the reply can go out now, and until when (Meta's windows);
    /// `None` when it cannot be worked out (the conversation is gone).
    pub window: Option<ReplyWindow>,
}

/// One warning on a draft: what the check found (for the window to word in
/// the owner's language) and the English sentence the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct DraftWarning {
    /// `None` for a check this version does not know.
    pub flag: Option<Flag>,
    pub text: String,
}

const UNKNOWN_CHECK: &str = "A check flagged this draft; read it carefully before sending";

/// A draft's warnings. A warning this version does not know (a vault
/// written by a newer Leadbox) is still shown, never dropped.
pub fn draft_warnings(flags: &serde_json::Value) -> Vec<DraftWarning> {
    flags
        .as_array()
        .into_iter()
        .flatten()
        .map(|flag| match serde_json::from_value::<Flag>(flag.clone()) {
            Ok(flag) => DraftWarning {
                text: flag.explain(),
                flag: Some(flag),
            },
            Err(_) => DraftWarning {
                flag: None,
                text: UNKNOWN_CHECK.to_owned(),
            },
        })
        .collect()
}

/// A draft's warnings in words.
pub fn explain_warnings(flags: &serde_json::Value) -> Vec<String> {
    draft_warnings(flags)
        .into_iter()
        .map(|warning| warning.text)
        .collect()
}

impl Engine {
    /// The draft of a conversation that still needs the owner, if any.
    pub fn draft_to_review(&self, conversation_id: i64) -> Result<Option<DraftReview>, InboxError> {
        let row = self.reader()?.open_draft(conversation_id)?;
        row.map(|row| self.review_of(row)).transpose()
    }

    /// Drafts in one of `statuses`, newest first.
    pub fn drafts(&self, statuses: &[DraftStatus]) -> Result<Vec<DraftRow>, InboxError> {
        Ok(self.reader()?.drafts(statuses)?)
    }

    /// The owner's click: approve (with their edits, if any) and send.
    /// Returns the platform's message id. A person who asked not to be
    /// messaged is sent to only with `override_opt_out` (the CLI's
    /// `--override-opt-out`; the window offers none).
    pub async fn approve_and_send(
        &self,
        draft_id: i64,
        edited_text: Option<&str>,
        override_opt_out: bool,
    ) -> Result<String, InboxError> {
        let approved = self.vault().approve_draft(draft_id, edited_text)?;
        self.send_approved(approved, override_opt_out).await
    }

    pub fn reject_draft(&self, draft_id: i64) -> Result<(), InboxError> {
        Ok(self.vault().reject_draft(draft_id)?)
    }

    /// Drafts the conversation's latest message again; the old draft goes
    /// stale. Returns the new draft once written (or failed).
    pub async fn regenerate_draft(&self, draft_id: i64) -> Result<DraftReview, InboxError> {
        let new_id = self.vault().regenerate_draft(draft_id)?;
        self.draft_pending().await?;
        let row = self
            .reader()?
            .draft(new_id)?
            .ok_or(InboxError::NoSuchDraft(new_id))?;
        self.review_of(row)
    }

    fn review_of(&self, row: DraftRow) -> Result<DraftReview, InboxError> {
        let window = match self.reply_window(row.conversation_id, row.id) {
            Ok(window) => Some(window),
            Err(InboxError::Vault(error)) => {
                tracing::warn!(%error, draft = row.id, "no reply window for a draft");
                None
            }
            Err(other) => return Err(other),
        };
        Ok(DraftReview {
            id: row.id,
            conversation_id: row.conversation_id,
            status: row.status,
            written_by: row.written_by,
            warnings: draft_warnings(&row.flags),
            text: row.text.unwrap_or_default(),
            problem: row.error,
            window,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_warnings_are_explained_and_unknown_ones_still_shown() {
        let flags = serde_json::json!([
            {"kind": "unknown_price", "value": "€99"},
            {"kind": "a_check_from_a_newer_leadbox"},
        ]);
        let warnings = explain_warnings(&flags);
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].contains("€99"));
        assert!(warnings[1].contains("read it carefully"));
        assert!(explain_warnings(&serde_json::json!([])).is_empty());
        let kept = draft_warnings(&flags);
        assert_eq!(kept[0].flag, Some(Flag::UnknownPrice("€99".into())));
        assert_eq!(kept[1].flag, None);
    }
}

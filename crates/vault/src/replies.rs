//! Where a reply goes (the account, the person, the comment it answers,
//! the reply window's inputs) and what became of it: recorded as sent with
//! the platform's id, or kept with the reason it was refused.

use rusqlite::{OptionalExtension, params};

use crate::accounts::{ACCOUNT_COLUMNS, account};
use crate::drafts::ApprovedDraft;
use crate::{AccountRow, Vault, VaultError};
use leadbox_channels::now_ms;

/// Everything a send needs to know about a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTarget {
    pub account: AccountRow,
    pub contact_platform_id: String,
    pub last_inbound_ms: Option<i64>,
    pub opted_out: bool,
    /// When the draft answers a public comment: the comment's id and time, and
    /// whether a private reply to it was already sent (Meta allows one).
    pub comment: Option<CommentTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentTarget {
    pub comment_id: String,
    pub commented_at_ms: i64,
    pub already_answered: bool,
}

impl Vault {
    pub fn reply_target(
        &self,
        conversation_id: i64,
        draft_id: i64,
    ) -> Result<ReplyTarget, VaultError> {
        let answering: i64 = self.conn.query_row(
            "SELECT reply_to_message_id FROM drafts WHERE id = ?1",
            [draft_id],
            |r| r.get(0),
        )?;
        self.reply_target_answering(conversation_id, Some(answering))
    }

    /// Where a reply the owner writes in the composer would go: an answer to
    /// the person's latest message (a private reply when that was a comment).
    pub fn composer_reply_target(&self, conversation_id: i64) -> Result<ReplyTarget, VaultError> {
        let latest = self.latest_inbound_message(conversation_id)?;
        self.reply_target_answering(conversation_id, latest)
    }

    /// The id of the person's latest message in a conversation.
    pub(crate) fn latest_inbound_message(
        &self,
        conversation_id: i64,
    ) -> Result<Option<i64>, VaultError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM messages WHERE conversation_id = ?1 AND direction = 'inbound'
                 ORDER BY sent_at DESC, id DESC LIMIT 1",
                [conversation_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A reply in `conversation_id` answering message `answering`.
    fn reply_target_answering(
        &self,
        conversation_id: i64,
        answering: Option<i64>,
    ) -> Result<ReplyTarget, VaultError> {
        let comment = self
            .conn
            .query_row(
                "SELECT platform_message_id, sent_at, id FROM messages WHERE id = ?1 AND kind = 'comment'",
                [answering],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
            )
            .optional()?;
        let comment = match comment {
            Some((comment_id, commented_at_ms, message_id)) => {
                let answered: i64 = self.conn.query_row(
                    "SELECT count(*) FROM drafts WHERE reply_to_message_id = ?1 AND status = 'sent'",
                    [message_id],
                    |r| r.get(0),
                )?;
                Some(CommentTarget {
                    comment_id,
                    commented_at_ms,
                    already_answered: answered > 0,
                })
            }
            None => None,
        };
        let (account_id, contact_platform_id, opted_out, last_inbound_ms): (i64, String, bool, Option<i64>) = self.conn.query_row(
            "SELECT c.account_id, ct.platform_contact_id, ct.opted_out_at IS NOT NULL,
                    (SELECT max(sent_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound')
             FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = ?1",
            [conversation_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        ).optional()?.ok_or(VaultError::NotFound("conversation"))?;
        let account = self.conn.query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
            [account_id],
            account,
        )?;
        Ok(ReplyTarget {
            account,
            contact_platform_id,
            last_inbound_ms,
            opted_out,
            comment,
        })
    }

    /// Records a reply the platform accepted. Taking the [`ApprovedDraft`] by
    /// value means only an approved draft can ever be recorded as sent.
    pub fn record_sent(
        &mut self,
        approved: ApprovedDraft,
        platform_message_id: &str,
    ) -> Result<(), VaultError> {
        let now = now_ms();
        let tx = self.write_transaction()?;
        let account_id: i64 = tx.query_row(
            "SELECT account_id FROM conversations WHERE id = ?1",
            [approved.conversation_id()],
            |r| r.get(0),
        )?;
        // The platform's echo of this message carries the same id and is then ignored as a duplicate.
        tx.execute(
            "INSERT INTO messages (conversation_id, account_id, platform_message_id, direction, body, attachments, sent_at, stored_at, delivery)
             VALUES (?1, ?2, ?3, 'outbound', ?4, '[]', ?5, ?5, 'sent') ON CONFLICT(account_id, platform_message_id) DO NOTHING",
            params![approved.conversation_id(), account_id, platform_message_id, approved.text(), now],
        )?;
        mark_sent(&tx, &approved, platform_message_id, "reply_sent", now)?;
        tx.commit()?;
        Ok(())
    }

    /// A send that did not go through: the draft stays, marked with the reason.
    pub fn record_send_failure(
        &self,
        approved: ApprovedDraft,
        reason: &str,
    ) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE drafts SET status = 'send_failed', error = ?2, updated_at = ?3 WHERE id = ?1",
            params![approved.draft_id(), reason, now_ms()],
        )?;
        self.audit(
            "reply_send_failed",
            &format!("draft {}", approved.draft_id()),
        )
    }
}

/// The draft as sent with the platform's message id, the conversation's
/// time moved on, and `action` in the audit log; inside the caller's write.
pub(crate) fn mark_sent(
    tx: &rusqlite::Connection,
    approved: &ApprovedDraft,
    platform_message_id: &str,
    action: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE conversations SET last_message_at = max(last_message_at, ?2) WHERE id = ?1",
        params![approved.conversation_id(), now],
    )?;
    tx.execute(
        "UPDATE drafts SET status = 'sent', sent_message_id = ?2, error = NULL, updated_at = ?3 WHERE id = ?1",
        params![approved.draft_id(), platform_message_id, now],
    )?;
    tx.execute(
        "INSERT INTO audit_log (at, action, detail) VALUES (?1, ?2, ?3)",
        params![now, action, format!("draft {}", approved.draft_id())],
    )?;
    Ok(())
}

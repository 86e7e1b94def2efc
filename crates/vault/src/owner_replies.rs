//! The owner's own answers: each outbound message (approved in Leadbox or
//! written in the platform's app) with the lead's message before it. The
//! built-in drafter reuses them for similar questions. They are read from
//! the conversations themselves, so retention and erasure remove them with
//! the messages; nothing is copied elsewhere.

use rusqlite::params;

use crate::drafts::set_open_drafts_aside;
use crate::{ApprovedDraft, DraftStateError, Vault, VaultError};
use leadbox_channels::now_ms;

impl Vault {
    /// The owner's click on "Send" in the composer: their own text becomes a
    /// draft they wrote and approved, answering the person's latest message,
    /// and the conversation's open draft is set aside. The send then takes
    /// the same path, and obeys the same rules, as an approved draft.
    pub fn approve_owner_reply(
        &self,
        conversation_id: i64,
        text: &str,
    ) -> Result<ApprovedDraft, VaultError> {
        self.approve_owner(conversation_id, text, false)
    }

    /// The same click on "Send" under a photo or file the owner attached:
    /// the words may be empty, the file being the reply.
    pub fn approve_owner_file_reply(
        &self,
        conversation_id: i64,
        text: &str,
    ) -> Result<ApprovedDraft, VaultError> {
        self.approve_owner(conversation_id, text, true)
    }

    fn approve_owner(
        &self,
        conversation_id: i64,
        text: &str,
        with_file: bool,
    ) -> Result<ApprovedDraft, VaultError> {
        let text = text.trim();
        if text.is_empty() && !with_file {
            return Err(DraftStateError::EmptyText.into());
        }
        let exists: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?1)",
            [conversation_id],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(VaultError::NotFound("conversation"));
        }
        let answering = self
            .latest_inbound_message(conversation_id)?
            .ok_or_else(|| {
                VaultError::Invalid(
                    "this person has not written yet, so there is nothing to reply to".into(),
                )
            })?;
        let now = now_ms();
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        set_open_drafts_aside(&tx, conversation_id, now)?;
        tx.execute(
            "INSERT INTO drafts (conversation_id, reply_to_message_id, status, text, written_by, created_at, updated_at)
             VALUES (?1, ?2, 'approved', ?3, 'owner', ?4, ?4)",
            params![conversation_id, answering, text, now],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO audit_log (at, action, detail) VALUES (?1, 'owner_reply_approved', ?2)",
            params![now, format!("draft {id}")],
        )?;
        tx.commit()?;
        Ok(ApprovedDraft::approved(
            id,
            conversation_id,
            text.to_owned(),
        ))
    }

    /// Up to `limit` (lead's message, owner's reply) pairs, newest first.
    pub fn owner_replies(&self, limit: usize) -> Result<Vec<(String, String)>, VaultError> {
        // Newest first by row id: a reverse scan of the table that stops at
        // `limit`, where sorting by time would read every message.
        let mut statement = self.conn.prepare_cached(
            "SELECT question.body, reply.body FROM messages reply
             JOIN messages question ON question.id = (
                 SELECT earlier.id FROM messages earlier
                 WHERE earlier.conversation_id = reply.conversation_id
                   AND (earlier.sent_at, earlier.id) < (reply.sent_at, reply.id)
                 ORDER BY earlier.sent_at DESC, earlier.id DESC LIMIT 1)
             WHERE reply.direction = 'outbound' AND reply.body IS NOT NULL
               AND COALESCE(reply.delivery, 'sent') <> 'failed'
               AND question.direction = 'inbound' AND question.body IS NOT NULL
             ORDER BY reply.id DESC LIMIT ?1",
        )?;
        let pairs = statement
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<Result<Vec<(String, String)>, _>>()?;
        Ok(pairs)
    }
}

#[cfg(test)]
mod tests {
    use leadbox_channels::Platform;
    use leadbox_channels::events::Direction;

    use crate::erasure::ContactSelector;
    use crate::testing::{message_on, vault};

    #[test]
    fn each_reply_comes_with_the_message_it_answered_and_goes_with_erasure() {
        let (_dir, mut vault) = vault();
        let turn = |mid: &str, contact: &str, text: &str, at: i64, direction| {
            message_on(Platform::Instagram, mid, contact, None, text, at, direction)
        };
        vault
            .ingest(&[vec![
                turn(
                    "m1",
                    "ana",
                    "Do you sell gift vouchers?",
                    1_000,
                    Direction::Inbound,
                ),
                turn(
                    "m2",
                    "ana",
                    "Yes, from €20 at the desk.",
                    2_000,
                    Direction::Outbound,
                ),
                turn("m3", "bo", "Where are you?", 3_000, Direction::Inbound),
                turn(
                    "m4",
                    "bo",
                    "Calle de la Paz 12.",
                    4_000,
                    Direction::Outbound,
                ),
                // A reply to a reply has no question of its own.
                turn("m5", "bo", "See you soon!", 5_000, Direction::Outbound),
            ]])
            .unwrap();
        assert_eq!(
            vault.owner_replies(10).unwrap(),
            vec![
                (
                    "Where are you?".to_owned(),
                    "Calle de la Paz 12.".to_owned()
                ),
                (
                    "Do you sell gift vouchers?".to_owned(),
                    "Yes, from €20 at the desk.".to_owned()
                ),
            ]
        );
        assert_eq!(vault.owner_replies(1).unwrap().len(), 1);

        vault
            .erase_person(&ContactSelector::Platform(
                Platform::Instagram,
                "ana".into(),
            ))
            .unwrap();
        let left = vault.owner_replies(10).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].0, "Where are you?");
    }
}

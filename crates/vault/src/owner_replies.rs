//! The owner's own answers: each outbound message (approved in Leadbox or
//! written in the platform's app) with the lead's message before it. The
//! built-in drafter reuses them for similar questions. They are read from
//! the conversations themselves, so retention and erasure remove them with
//! the messages; nothing is copied elsewhere.

use crate::{Vault, VaultError};

impl Vault {
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

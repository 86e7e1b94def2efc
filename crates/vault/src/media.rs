//! Photos and files that leads send, kept inside the vault: encrypted with
//! it, in its backups, exported with the messages, and gone with their
//! message (retention, erasure, an unsent message) through the foreign key
//! and the trigger that empties a message's attachments.
//!
//! A WhatsApp attachment is queued when its message is stored and fetched
//! by the engine with the number's token; each attachment has one row.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::text_enum::text_enum;
use crate::{AccountRow, Vault, VaultError};
use leadbox_channels::events::Attachment;
use leadbox_channels::now_ms;

/// The most one attachment may weigh in the vault, received or sent:
/// WhatsApp's own limit for video and audio (photos are at most 5 MB there).
pub const MAX_MEDIA_BYTES: u64 = leadbox_channels::outgoing_files::MAX_KEPT_FILE_BYTES;
/// Fetches after which a failing attachment is left as failed.
const MAX_ATTEMPTS: i64 = 6;
const FIRST_RETRY_MS: i64 = 60_000;

text_enum! {
    /// Where an attachment's bytes are.
    pub enum MediaState {
        /// Not fetched yet (or fetching failed and is tried again).
        Waiting = "waiting",
        /// In the vault.
        Stored = "stored",
        /// Larger than Leadbox keeps.
        TooLarge = "too_large",
        /// The platform no longer has it (WhatsApp keeps media 30 days).
        Expired = "expired",
        /// Fetching failed every time; the reason is kept.
        Failed = "failed",
    }
}

/// What the window knows about one attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct MediaInfo {
    /// The attachment's place in the message's list.
    pub index: i64,
    pub state: MediaState,
    pub mime_type: Option<String>,
    pub size: Option<i64>,
    /// Why it is not here, in words.
    pub problem: Option<String>,
}

/// A WhatsApp attachment waiting to be fetched.
#[derive(Debug, Clone)]
pub struct MediaToFetch {
    pub message_id: i64,
    pub index: i64,
    /// Meta's media id.
    pub media_id: String,
    /// The number it came to, whose token fetches it.
    pub account: AccountRow,
    pub attempts: i64,
}

/// Queues a new message's WhatsApp media (`whatsapp-media:{id}` references).
pub(crate) fn queue_whatsapp_media(
    tx: &rusqlite::Connection,
    message_id: i64,
    attachments: &[Attachment],
) -> rusqlite::Result<()> {
    for (index, attachment) in attachments.iter().enumerate() {
        let Some(media_id) = attachment
            .url
            .as_deref()
            .and_then(|url| url.strip_prefix("whatsapp-media:"))
            .filter(|id| !id.is_empty())
        else {
            continue;
        };
        tx.prepare_cached(
            "INSERT INTO media (message_id, attachment_index, source, state, attempts, next_attempt_at, updated_at)
             VALUES (?1, ?2, ?3, 'waiting', 0, 0, ?4) ON CONFLICT DO NOTHING",
        )?
        .execute(params![message_id, index as i64, media_id, now_ms()])?;
    }
    Ok(())
}

/// A file name's extension for a type, so a saved or exported attachment
/// opens in the right program.
pub fn file_extension(mime_type: &str) -> &'static str {
    match mime_type.split(';').next().unwrap_or_default().trim() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        "audio/ogg" => "ogg",
        "audio/mpeg" => "mp3",
        "audio/aac" => "aac",
        "audio/mp4" => "m4a",
        "video/mp4" => "mp4",
        "video/3gpp" => "3gp",
        "text/plain" => "txt",
        _ => "bin",
    }
}

/// The retry delay after `attempts` failures: a minute, doubling.
fn retry_delay(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 16)).unwrap_or(16);
    FIRST_RETRY_MS.saturating_mul(2_i64.saturating_pow(exponent))
}

impl Vault {
    /// Up to `limit` attachments to fetch now, oldest first.
    pub fn media_to_fetch(
        &self,
        now_ms: i64,
        limit: usize,
    ) -> Result<Vec<MediaToFetch>, VaultError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT md.message_id, md.attachment_index, md.source, md.attempts, m.account_id
             FROM media md JOIN messages m ON m.id = md.message_id
             WHERE md.state = 'waiting' AND md.next_attempt_at <= ?1
             ORDER BY md.id LIMIT ?2",
        )?;
        let rows: Vec<(i64, i64, String, i64, i64)> = statement
            .query_map(params![now_ms, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut found = Vec::with_capacity(rows.len());
        for (message_id, index, media_id, attempts, account_id) in rows {
            found.push(MediaToFetch {
                message_id,
                index,
                media_id,
                account: self.account_by_id(account_id)?,
                attempts,
            });
        }
        Ok(found)
    }

    /// Keeps an attachment's bytes.
    pub fn store_media(
        &self,
        message_id: i64,
        index: i64,
        mime_type: &str,
        bytes: &[u8],
    ) -> Result<(), VaultError> {
        if bytes.len() as u64 > MAX_MEDIA_BYTES {
            return self.media_not_kept(message_id, index, MediaState::TooLarge, None, now_ms());
        }
        self.conn.execute(
            "UPDATE media SET state = 'stored', mime_type = ?3, bytes = ?4, size = ?5, problem = NULL, updated_at = ?6
             WHERE message_id = ?1 AND attachment_index = ?2",
            params![message_id, index, mime_type, bytes, bytes.len() as i64, now_ms()],
        )?;
        Ok(())
    }

    /// An attachment that will not be fetched (too large, expired), or, with
    /// [`MediaState::Waiting`], a failure to try again later, `now` being
    /// the caller's clock (the one `media_to_fetch` is asked with).
    pub fn media_not_kept(
        &self,
        message_id: i64,
        index: i64,
        state: MediaState,
        problem: Option<&str>,
        now: i64,
    ) -> Result<(), VaultError> {
        let attempts: i64 = self
            .conn
            .query_row(
                "SELECT attempts FROM media WHERE message_id = ?1 AND attachment_index = ?2",
                params![message_id, index],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(VaultError::NotFound("attachment"))?;
        let attempts = attempts + 1;
        let state = match state {
            MediaState::Waiting if attempts >= MAX_ATTEMPTS => MediaState::Failed,
            other => other,
        };
        self.conn.execute(
            "UPDATE media SET state = ?3, problem = ?4, attempts = ?5, next_attempt_at = ?6, updated_at = ?7
             WHERE message_id = ?1 AND attachment_index = ?2",
            params![
                message_id,
                index,
                state,
                problem,
                attempts,
                now.saturating_add(retry_delay(attempts - 1)),
                now
            ],
        )?;
        Ok(())
    }

    /// Keeps an attachment the owner asked to see (an Instagram or
    /// Messenger one, fetched from the address it came with).
    pub fn store_fetched_media(
        &self,
        message_id: i64,
        index: i64,
        source: &str,
        mime_type: &str,
        bytes: &[u8],
    ) -> Result<(), VaultError> {
        if bytes.len() as u64 > MAX_MEDIA_BYTES {
            return self.fetched_media_not_kept(
                message_id,
                index,
                source,
                MediaState::TooLarge,
                None,
            );
        }
        self.conn.execute(
            "INSERT INTO media (message_id, attachment_index, source, state, mime_type, bytes, size, updated_at)
             VALUES (?1, ?2, ?3, 'stored', ?4, ?5, ?6, ?7)
             ON CONFLICT(message_id, attachment_index) DO UPDATE SET state = 'stored', mime_type = excluded.mime_type,
                 bytes = excluded.bytes, size = excluded.size, problem = NULL, updated_at = excluded.updated_at",
            params![message_id, index, source, mime_type, bytes, bytes.len() as i64, now_ms()],
        )?;
        Ok(())
    }

    /// An attachment the owner asked to see that could not be kept, and why.
    pub fn fetched_media_not_kept(
        &self,
        message_id: i64,
        index: i64,
        source: &str,
        state: MediaState,
        problem: Option<&str>,
    ) -> Result<(), VaultError> {
        // Only WhatsApp media wait for the fetcher; these are fetched on request.
        let state = match state {
            MediaState::Waiting | MediaState::Stored => MediaState::Failed,
            other => other,
        };
        self.conn.execute(
            "INSERT INTO media (message_id, attachment_index, source, state, problem, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(message_id, attachment_index) DO UPDATE SET state = excluded.state,
                 problem = excluded.problem, bytes = NULL, updated_at = excluded.updated_at",
            params![message_id, index, source, state, problem, now_ms()],
        )?;
        Ok(())
    }

    /// What is known about each attachment of a message that has a row.
    pub fn media_of(&self, message_id: i64) -> Result<Vec<MediaInfo>, VaultError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT attachment_index, state, mime_type, size, problem FROM media
             WHERE message_id = ?1 ORDER BY attachment_index",
        )?;
        let rows = statement.query_map([message_id], |r| {
            Ok(MediaInfo {
                index: r.get(0)?,
                state: r.get(1)?,
                mime_type: r.get(2)?,
                size: r.get(3)?,
                problem: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A stored attachment's type and bytes.
    pub fn media_bytes(
        &self,
        message_id: i64,
        index: i64,
    ) -> Result<Option<(String, Vec<u8>)>, VaultError> {
        Ok(self
            .conn
            .query_row(
                "SELECT mime_type, bytes FROM media
                 WHERE message_id = ?1 AND attachment_index = ?2 AND state = 'stored'",
                params![message_id, index],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                        r.get(1)?,
                    ))
                },
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests;

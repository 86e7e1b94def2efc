//! A photo or PDF the owner sent, kept like the ones leads send: the
//! message carries the attachment and the vault keeps its bytes (in the
//! `media` table), so it is shown in the conversation, exported, backed up,
//! and removed by retention and erasure with its message.

use rusqlite::params;

use crate::drafts::ApprovedDraft;
use crate::{Vault, VaultError};
use leadbox_channels::now_ms;
use leadbox_channels::outgoing_files::FileKind;

/// The file the platform accepted.
#[derive(Clone, Copy)]
pub struct SentFile<'a> {
    /// The platform's id of the message that carried it.
    pub message_id: &'a str,
    pub kind: FileKind,
    pub mime_type: &'a str,
    pub bytes: &'a [u8],
}

impl std::fmt::Debug for SentFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentFile")
            .field("kind", &self.kind)
            .field("size", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// What became of the words the owner wrote with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentWords<'a> {
    /// Shown under the file (a WhatsApp caption), or there were none.
    WithTheFile,
    /// Sent after it as a message of their own (Messenger, Instagram).
    Separately { message_id: &'a str },
    /// Not sent: the file went, the words did not.
    NotSent,
}

impl Vault {
    /// Records an approved reply whose file the platform accepted: the
    /// file's message (and the words' own message, when they went apart),
    /// the file's bytes, and the draft as sent.
    pub fn record_sent_file(
        &mut self,
        approved: ApprovedDraft,
        file: SentFile<'_>,
        words: SentWords<'_>,
    ) -> Result<(), VaultError> {
        let now = now_ms();
        let text = approved.text().trim();
        let caption = (words == SentWords::WithTheFile && !text.is_empty()).then_some(text);
        let attachments = serde_json::json!([{"kind": file.kind.attachment_kind(), "url": null}]);
        let tx = self.write_transaction()?;
        let account_id: i64 = tx.query_row(
            "SELECT account_id FROM conversations WHERE id = ?1",
            [approved.conversation_id()],
            |r| r.get(0),
        )?;
        // The platform's echo may have come first: the message is then this one.
        let message: i64 = tx.query_row(
            "INSERT INTO messages (conversation_id, account_id, platform_message_id, direction, body, attachments, sent_at, stored_at, delivery)
             VALUES (?1, ?2, ?3, 'outbound', ?4, ?5, ?6, ?6, 'sent')
             ON CONFLICT(account_id, platform_message_id) DO UPDATE SET attachments = excluded.attachments
             RETURNING id",
            params![approved.conversation_id(), account_id, file.message_id, caption, attachments.to_string(), now],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO media (message_id, attachment_index, source, state, mime_type, bytes, size, updated_at)
             VALUES (?1, 0, 'sent', 'stored', ?2, ?3, ?4, ?5)
             ON CONFLICT(message_id, attachment_index) DO UPDATE SET state = 'stored', mime_type = excluded.mime_type,
                 bytes = excluded.bytes, size = excluded.size, problem = NULL, updated_at = excluded.updated_at",
            params![message, file.mime_type, file.bytes, file.bytes.len() as i64, now],
        )?;
        if let SentWords::Separately { message_id } = words {
            tx.execute(
                "INSERT INTO messages (conversation_id, account_id, platform_message_id, direction, body, attachments, sent_at, stored_at, delivery)
                 VALUES (?1, ?2, ?3, 'outbound', ?4, '[]', ?5, ?5, 'sent') ON CONFLICT(account_id, platform_message_id) DO NOTHING",
                params![approved.conversation_id(), account_id, message_id, text, now],
            )?;
        }
        crate::replies::mark_sent(&tx, &approved, file.message_id, "file_sent", now)?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erasure::ContactSelector;
    use crate::testing::{inbound, vault};
    use leadbox_channels::events::Direction;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn photo(message_id: &str) -> SentFile<'_> {
        SentFile {
            message_id,
            kind: FileKind::Image,
            mime_type: "image/png",
            bytes: PNG,
        }
    }

    fn conversation(vault: &mut Vault) -> i64 {
        vault
            .ingest(&[vec![inbound(
                "m1",
                "IGSID1",
                Some("Ana"),
                "a photo of the menu?",
                1_000,
            )]])
            .unwrap();
        vault.conversations().unwrap()[0].id
    }

    #[test]
    fn a_sent_photo_is_a_message_with_its_bytes_kept() {
        let (_dir, mut vault) = vault();
        let conversation = conversation(&mut vault);
        let approved = vault
            .approve_owner_file_reply(conversation, "  here it is ")
            .unwrap();
        let draft = approved.draft_id();
        vault
            .record_sent_file(approved, photo("wamid.F1"), SentWords::WithTheFile)
            .unwrap();
        let messages = vault.messages(conversation).unwrap();
        let sent = messages.last().unwrap();
        assert_eq!(sent.direction, Direction::Outbound);
        assert_eq!(sent.text.as_deref(), Some("here it is"));
        assert_eq!(sent.attachments[0]["kind"], "image");
        assert_eq!(sent.media[0].state, crate::MediaState::Stored);
        assert_eq!(
            vault.media_bytes(sent.id, 0).unwrap(),
            Some(("image/png".to_owned(), PNG.to_vec()))
        );
        assert_eq!(
            vault.draft(draft).unwrap().map(|d| d.status),
            Some(crate::DraftStatus::Sent)
        );
        // Erasing the person takes the file with the conversation.
        vault
            .erase_person(&ContactSelector::Platform(
                leadbox_channels::Platform::Instagram,
                "IGSID1".into(),
            ))
            .unwrap();
        assert_eq!(vault.media_bytes(sent.id, 0).unwrap(), None);
    }

    #[test]
    fn words_sent_apart_follow_the_file_and_unsent_words_are_not_shown_sent() {
        let (_dir, mut vault) = vault();
        let conversation = conversation(&mut vault);
        let approved = vault
            .approve_owner_file_reply(conversation, "the menu")
            .unwrap();
        vault
            .record_sent_file(
                approved,
                photo("m_FILE"),
                SentWords::Separately {
                    message_id: "m_WORDS",
                },
            )
            .unwrap();
        let approved = vault
            .approve_owner_file_reply(conversation, "lost")
            .unwrap();
        vault
            .record_sent_file(approved, photo("m_FILE2"), SentWords::NotSent)
            .unwrap();
        let sent: Vec<(String, Option<String>, usize)> = vault
            .messages(conversation)
            .unwrap()
            .into_iter()
            .skip(1)
            .map(|m| (m.platform_message_id, m.text, m.media.len()))
            .collect();
        assert_eq!(
            sent,
            [
                ("m_FILE".to_owned(), None, 1),
                ("m_WORDS".to_owned(), Some("the menu".to_owned()), 0),
                ("m_FILE2".to_owned(), None, 1),
            ]
        );
    }

    #[test]
    fn words_alone_still_need_a_file_to_be_empty() {
        let (_dir, mut vault) = vault();
        let conversation = conversation(&mut vault);
        assert!(vault.approve_owner_reply(conversation, "  ").is_err());
        assert!(vault.approve_owner_file_reply(conversation, "  ").is_ok());
    }
}

//! Read models for the inbox list and the conversation view.

use leadbox_channels::Platform;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::ingest::display_name;
use crate::text_enum::{parsed, text_enum};
use crate::{Vault, VaultError};
use leadbox_channels::events::{Delivery, Direction};

text_enum! {
    /// Where in a conversation a message was written.
    pub enum MessageKind {
        /// A direct message.
        Direct = "direct",
        /// A public comment on a post or reel.
        Comment = "comment",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ConversationSummary {
    pub id: i64,
    pub platform: Platform,
    pub contact_id: String,
    pub contact_name: Option<String>,
    pub display_name: String,
    pub last_message_text: Option<String>,
    pub last_message_at: i64,
    pub unread_count: i64,
    /// The person asked not to be messaged.
    pub opted_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct StoredMessage {
    pub id: i64,
    pub platform_message_id: String,
    pub direction: Direction,
    pub text: Option<String>,
    #[cfg_attr(
        feature = "typescript",
        ts(type = "Array<{ kind: string, url: string | null }>")
    )]
    pub attachments: serde_json::Value,
    pub sent_at: i64,
    pub kind: MessageKind,
    /// For replies: as the platform reported it.
    pub delivery: Option<Delivery>,
    pub delivery_error: Option<String>,
    /// The person's reaction to this message (an emoji).
    pub reaction: Option<String>,
    /// The attachments Leadbox keeps (or tried to): their state, by index.
    pub media: Vec<crate::MediaInfo>,
}

/// An Instagram @mention of the business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionRow {
    /// The Instagram account that was mentioned.
    pub account_id: String,
    pub media_id: Option<String>,
    /// Set when the mention is in a comment (else it is in a caption).
    pub comment_id: Option<String>,
    pub at: i64,
}

impl Vault {
    /// Instagram @mentions of the business, newest first.
    pub fn mentions(&self) -> Result<Vec<MentionRow>, VaultError> {
        let mut statement = self.conn.prepare(
            "SELECT a.platform_account_id, m.media_id, m.comment_id, m.at FROM mentions m
             JOIN accounts a ON a.id = m.account_id ORDER BY m.at DESC, m.id",
        )?;
        let present = |text: String| (!text.is_empty()).then_some(text);
        let rows = statement.query_map([], |r| {
            Ok(MentionRow {
                account_id: r.get(0)?,
                media_id: present(r.get(1)?),
                comment_id: present(r.get(2)?),
                at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Who a conversation is with, as an erasure or access-export selector.
    pub fn conversation_person(
        &self,
        conversation_id: i64,
    ) -> Result<Option<crate::ContactSelector>, VaultError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT a.platform, ct.platform_contact_id FROM conversations c
                 JOIN accounts a ON a.id = c.account_id JOIN contacts ct ON ct.id = c.contact_id
                 WHERE c.id = ?1",
                [conversation_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(platform, contact)| {
            let platform = platform.parse::<Platform>().ok()?;
            Some(crate::ContactSelector::Platform(platform, contact))
        }))
    }

    /// The name of the person in a conversation, as they are named (if at all).
    pub fn conversation_contact_name(
        &self,
        conversation_id: i64,
    ) -> Result<Option<String>, VaultError> {
        self.conn
            .query_row(
                "SELECT ct.name FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = ?1",
                [conversation_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(VaultError::NotFound("conversation"))
    }

    /// Conversations, most recent first.
    pub fn conversations(&self) -> Result<Vec<ConversationSummary>, VaultError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT c.id, a.platform, ct.platform_contact_id, ct.name, c.last_message_at, c.unread_count, ct.opted_out_at IS NOT NULL,
                    (SELECT m.body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.sent_at DESC, m.id DESC LIMIT 1)
             FROM conversations c
             JOIN accounts a ON a.id = c.account_id
             JOIN contacts ct ON ct.id = c.contact_id
             ORDER BY c.last_message_at DESC, c.id DESC",
        )?;
        let rows = statement.query_map([], |r| {
            let platform: Platform = parsed(r, 1)?;
            let contact_id: String = r.get(2)?;
            let contact_name: Option<String> = r.get(3)?;
            Ok(ConversationSummary {
                id: r.get(0)?,
                platform,
                display_name: display_name(platform, contact_name.as_deref(), &contact_id),
                contact_id,
                contact_name,
                last_message_at: r.get(4)?,
                unread_count: r.get(5)?,
                opted_out: r.get(6)?,
                last_message_text: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A conversation's messages in platform time order.
    pub fn messages(&self, conversation_id: i64) -> Result<Vec<StoredMessage>, VaultError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, platform_message_id, direction, body, attachments, sent_at, kind, delivery, delivery_error, reaction,
                    (SELECT json_group_array(json_object('index', attachment_index, 'state', state,
                            'mime_type', mime_type, 'size', size, 'problem', problem))
                     FROM (SELECT * FROM media WHERE message_id = messages.id ORDER BY attachment_index))
             FROM messages WHERE conversation_id = ?1 ORDER BY sent_at, id",
        )?;
        let rows = statement.query_map(params![conversation_id], |r| {
            let attachments: String = r.get(4)?;
            Ok(StoredMessage {
                id: r.get(0)?,
                platform_message_id: r.get(1)?,
                direction: parsed(r, 2)?,
                text: r.get(3)?,
                attachments: serde_json::from_str(&attachments).unwrap_or_default(),
                sent_at: r.get(5)?,
                kind: r.get(6)?,
                delivery: r
                    .get::<_, Option<String>>(7)?
                    .map(|text| text.parse())
                    .transpose()
                    .map_err(|error: String| {
                        rusqlite::Error::FromSqlConversionFailure(
                            7,
                            rusqlite::types::Type::Text,
                            error.into(),
                        )
                    })?,
                delivery_error: r.get(8)?,
                reaction: r.get(9)?,
                media: r
                    .get::<_, Option<String>>(10)?
                    .and_then(|json| serde_json::from_str(&json).ok())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The web address of one attachment of a message, when it has an
    /// `https://` one: the window opens it in the browser on the owner's
    /// click, so only addresses that arrived with the message can be opened.
    pub fn attachment_url(
        &self,
        message_id: i64,
        index: usize,
    ) -> Result<Option<String>, VaultError> {
        Ok(self
            .attachment_address(message_id, index)?
            .filter(|url| url.starts_with("https://") && !url.contains(char::is_whitespace)))
    }

    /// The address one attachment of a message came with, as it came (the
    /// caller decides which addresses it may use).
    pub fn attachment_address(
        &self,
        message_id: i64,
        index: usize,
    ) -> Result<Option<String>, VaultError> {
        let attachments: Option<String> = self
            .conn
            .query_row(
                "SELECT attachments FROM messages WHERE id = ?1",
                [message_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(attachments
            .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
            .and_then(|list| list.get(index)?.get("url")?.as_str().map(str::to_owned)))
    }

    pub fn mark_read(&self, conversation_id: i64) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE conversations SET unread_count = 0 WHERE id = ?1",
            params![conversation_id],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use leadbox_channels::events::{Attachment, Event};

    use crate::testing::{inbound, vault};

    #[test]
    fn only_https_addresses_that_came_with_the_message_can_be_opened() {
        let (_dir, mut vault) = vault();
        let mut event = inbound("m1", "p1", None, "look", 1_000);
        if let Event::Message(message) = &mut event {
            message.attachments = [
                "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
                "javascript:alert(1)",
                "http://plain.example/x.jpg",
            ]
            .iter()
            .map(|url| Attachment {
                kind: "image".into(),
                url: Some((*url).into()),
            })
            .chain([Attachment {
                kind: "audio".into(),
                url: None,
            }])
            .collect();
        }
        vault.ingest(&[vec![event]]).unwrap();
        let conversation = vault.conversations().unwrap()[0].id;
        let message = vault.messages(conversation).unwrap()[0].id;
        let url = |index| vault.attachment_url(message, index).unwrap();
        assert_eq!(
            url(0).as_deref(),
            Some("https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1")
        );
        assert_eq!((url(1), url(2), url(3), url(9)), (None, None, None, None));
        assert_eq!(vault.attachment_url(message + 100, 0).unwrap(), None);
    }
}

//! A photo or PDF the owner attaches to a reply they write. The platform's
//! types and sizes are checked before anything is stored or sent; then the
//! click on Send approves the reply as for words alone, and it obeys the
//! same rules (connection, opt-out, reply window, Human Agent). WhatsApp
//! shows the words under the file; Messenger and Instagram take them as a
//! message of their own, sent after the file.

use leadbox_channels::Platform;
use leadbox_channels::graph::{Outgoing, OutgoingFile, Recipient};
use leadbox_channels::outgoing_files::{FileDestination, FileType, check_outgoing_file};
use leadbox_vault::{ReplyTarget, SentFile, SentWords};

use crate::sending::{may_send, sendable};
use crate::{Engine, InboxError};

/// A file the owner picked, as the window read it.
#[derive(Clone)]
pub struct FileToSend {
    /// The name it had on the owner's computer (only its last part is used).
    pub name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for FileToSend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileToSend")
            .field("size", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// Where a reply to `target` would go, for the file rules.
fn destination(target: &ReplyTarget) -> Option<FileDestination> {
    Some(FileDestination {
        platform: target.account.platform,
        connection: target.account.connection?,
        answers_comment: target.comment.is_some(),
    })
}

/// What the file is, if the reply's destination takes it.
fn file_type_for(
    target: &ReplyTarget,
    head: &[u8],
    size: u64,
    text: &str,
) -> Result<FileType, InboxError> {
    let Some(destination) = destination(target) else {
        // Not connected for sending: the same words as for a reply without a file.
        return Err(InboxError::NotSent(
            sendable(target, true).err().unwrap_or_default(),
        ));
    };
    Ok(check_outgoing_file(destination, head, size, text)?)
}

impl Engine {
    /// Whether this conversation can take a file that starts with `head`
    /// and weighs `size` bytes, with `text` beside it: asked when the owner
    /// picks the file, so a refusal shows before they write.
    pub fn check_file_for(
        &self,
        conversation_id: i64,
        head: &[u8],
        size: u64,
        text: &str,
    ) -> Result<FileType, InboxError> {
        let target = self
            .reader()?
            .composer_reply_target(conversation_id)
            .map_err(|error| crate::composer::no_such_conversation(error, conversation_id))?;
        file_type_for(&target, head, size, text)
    }

    /// The owner's click on Send under a reply with a file. Returns the
    /// platform's id of the file's message.
    pub async fn send_owner_file(
        &self,
        conversation_id: i64,
        text: &str,
        file: &FileToSend,
        override_opt_out: bool,
    ) -> Result<String, InboxError> {
        let target = self
            .reader()?
            .composer_reply_target(conversation_id)
            .map_err(|error| crate::composer::no_such_conversation(error, conversation_id))?;
        let file_type = file_type_for(&target, &file.bytes, file.bytes.len() as u64, text)?;
        let approved = self
            .vault()
            .approve_owner_file_reply(conversation_id, text)?;
        let account = &target.account;
        let (connection, verdict) = match may_send(&target, override_opt_out, self.now_ms()) {
            Ok(allowed) => allowed,
            Err(reason) => return self.refuse_send(approved, &reason),
        };
        let Some(token) = self.account_token(account)? else {
            return self.refuse_send(
                approved,
                &leadbox_channels::graph::SendError::TokenExpired.to_string(),
            );
        };
        let recipient = match account.platform {
            Platform::Whatsapp => Recipient::Whatsapp(target.contact_platform_id.clone()),
            _ => Recipient::User(target.contact_platform_id.clone()),
        };
        let words = text.trim();
        let caption_goes_with_file = account.platform == Platform::Whatsapp;
        let reply = Outgoing {
            platform: account.platform,
            connection,
            account_id: &account.platform_account_id,
            token: &token,
            recipient: &recipient,
            text: if caption_goes_with_file { words } else { "" },
            human_agent: verdict.human_agent,
        };
        let outgoing = OutgoingFile {
            file_type,
            name: &file.name,
            bytes: &file.bytes,
        };
        let graph = self.graph();
        let file_message_id = match graph.send_file(&reply, &outgoing).await {
            Ok(id) => id,
            Err(error) => return self.record_send_outcome(approved, account, Err(error)),
        };
        tracing::info!(draft = approved.draft_id(), "file sent");
        let mut words_error = None;
        let words_message_id = if caption_goes_with_file || words.is_empty() {
            None
        } else {
            match graph
                .send_text(&Outgoing {
                    text: words,
                    ..reply
                })
                .await
            {
                Ok(id) => Some(id),
                Err(error) => {
                    tracing::warn!(draft = approved.draft_id(), %error, "the words after a file were not sent");
                    if error.needs_reconnect() {
                        self.vault().mark_needs_reconnect(account.id)?;
                    }
                    words_error = Some(error);
                    None
                }
            }
        };
        let sent_words = match (&words_message_id, &words_error) {
            (Some(message_id), _) => SentWords::Separately { message_id },
            (None, Some(_)) => SentWords::NotSent,
            (None, None) => SentWords::WithTheFile,
        };
        self.vault().record_sent_file(
            approved,
            SentFile {
                message_id: &file_message_id,
                kind: file_type.kind,
                mime_type: file_type.mime_type,
                bytes: &file.bytes,
            },
            sent_words,
        )?;
        match words_error {
            Some(error) => Err(InboxError::PartlySent {
                file: file_type.name(),
                reason: error.to_string(),
            }),
            None => Ok(file_message_id),
        }
    }
}

//! Storing normalized events: one transaction per batch, idempotent on the
//! platform's message id.

use leadbox_channels::Platform;
use leadbox_channels::events::{
    Delivery, Direction, Event, MessageEvent, Receipt, TimestampSource,
};
use leadbox_channels::optout::{is_start_request, is_stop_request};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::{Vault, VaultError};
pub use notices::AccountRestriction;
use notices::{ingest_notice, record_unreadable};

pub(crate) use leadbox_channels::now_ms;

/// Ingest runs the same few statements for every message: cached, they are
/// compiled once per connection instead of once per message.
pub(crate) fn exec(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

fn one<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, row)
}

/// A contact seen for the first time in this batch: a new lead to announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub conversation_id: i64,
    pub platform: Platform,
    pub display_name: String,
    pub first_words: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IngestReport {
    /// Messages stored now (duplicates of stored ones are not counted).
    pub new_messages: usize,
    /// Of those, messages from people who had written before (not the
    /// business's own echoes, not a new lead's first message): what an
    /// "every new message" notification announces.
    pub new_from_known_people: usize,
    /// Messages that were already stored (redelivery or Meta retries).
    pub duplicates: usize,
    /// Parts of webhooks that could not become a message, status or notice
    /// (kept in `unreadable_events` by field and kind, without content).
    pub unreadable: usize,
    /// Delivery, read and failure reports received.
    pub receipts: usize,
    /// Notices about accounts (a template rejected, a number's quality, …).
    pub notices: usize,
    /// Of those, restrictions: the owner is notified of each.
    pub restrictions: Vec<AccountRestriction>,
    pub new_contacts: Vec<NewContact>,
    /// Lead-ad submissions seen for the first time.
    pub new_lead_forms: usize,
}

mod contacts;
mod notices;
mod receipts;

pub(crate) use contacts::display_name;
use contacts::{first_words, set_opt_out};
use receipts::apply_receipt;

impl IngestReport {
    fn absorb(&mut self, other: IngestReport) {
        self.new_messages += other.new_messages;
        self.new_from_known_people += other.new_from_known_people;
        self.duplicates += other.duplicates;
        self.unreadable += other.unreadable;
        self.receipts += other.receipts;
        self.notices += other.notices;
        self.restrictions.extend(other.restrictions);
        self.new_contacts.extend(other.new_contacts);
        self.new_lead_forms += other.new_lead_forms;
    }
}

impl Vault {
    /// Stores a batch of events in one transaction: all of it or none of it.
    pub fn ingest(&mut self, batch: &[Vec<Event>]) -> Result<IngestReport, VaultError> {
        let tx = self.write_transaction()?;
        let mut report = IngestReport::default();
        let mut drafts = DraftsToQueue::default();
        for events in batch {
            for event in events {
                report.absorb(ingest_event(&tx, event, &mut drafts)?);
            }
        }
        drafts.queue(&tx)?;
        tx.commit()?;
        Ok(report)
    }

    /// Makes sure an account row exists for a platform account this desktop claimed.
    pub fn ensure_account(
        &self,
        platform: Platform,
        platform_account_id: &str,
    ) -> Result<i64, VaultError> {
        Ok(upsert_account(&self.conn, platform, platform_account_id)?)
    }
}

pub(crate) fn upsert_account(
    conn: &rusqlite::Connection,
    platform: Platform,
    account: &str,
) -> rusqlite::Result<i64> {
    // The account almost always exists: look first, write only when it does not.
    let existing = one(
        conn,
        "SELECT id FROM accounts WHERE platform = ?1 AND platform_account_id = ?2",
        params![platform.as_str(), account],
        |r| r.get(0),
    )
    .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    one(
        conn,
        "INSERT INTO accounts (platform, platform_account_id, created_at) VALUES (?1, ?2, ?3) RETURNING id",
        params![platform.as_str(), account, now_ms()],
        |r| r.get(0),
    )
}

/// The inbound message each conversation's reply draft should answer, decided
/// over a whole batch: a lead who sends five messages in a row gets one draft
/// answering the last, not five drafts of which four are stale at once.
#[derive(Default)]
struct DraftsToQueue {
    latest: std::collections::HashMap<i64, (usize, i64)>,
    order: usize,
}

impl DraftsToQueue {
    fn answer(&mut self, conversation_id: i64, message_id: i64) {
        self.order += 1;
        self.latest
            .insert(conversation_id, (self.order, message_id));
    }

    /// A stop request: nothing is drafted for this conversation.
    fn cancel(&mut self, conversation_id: i64) {
        self.latest.remove(&conversation_id);
    }

    fn queue(self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        let mut queued: Vec<(usize, i64, i64)> = self
            .latest
            .into_iter()
            .map(|(conversation, (order, message))| (order, conversation, message))
            .collect();
        queued.sort_unstable();
        for (_, conversation, message) in queued {
            queue_draft(tx, conversation, message)?;
        }
        Ok(())
    }
}

fn ingest_event(
    tx: &Transaction<'_>,
    event: &Event,
    drafts: &mut DraftsToQueue,
) -> Result<IngestReport, VaultError> {
    match event {
        Event::Message(message) => ingest_message(tx, message, drafts),
        Event::LeadForm(form) => {
            let account = upsert_account(tx, Platform::Messenger, &form.account_id)?;
            let inserted = exec(tx,
                "INSERT INTO lead_forms (account_id, leadgen_id, form_id, ad_id, created_at, status, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0) ON CONFLICT(account_id, leadgen_id) DO NOTHING",
                params![account, form.leadgen_id, form.form_id, form.ad_id, form.created_ms],
            )?;
            Ok(IngestReport {
                new_lead_forms: inserted,
                ..IngestReport::default()
            })
        }
        Event::Receipt(receipt) => {
            apply_receipt(tx, receipt)?;
            Ok(IngestReport {
                receipts: 1,
                ..IngestReport::default()
            })
        }
        Event::MessagingPreference {
            route,
            account_id,
            contact_id,
            opted_out,
        } => {
            let account = upsert_account(tx, *route, account_id)?;
            exec(tx,
                "INSERT INTO contacts (account_id, platform_contact_id, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(account_id, platform_contact_id) DO NOTHING",
                params![account, contact_id, now_ms()],
            )?;
            set_opt_out(tx, account, contact_id, *opted_out)?;
            Ok(IngestReport::default())
        }
        Event::Mention {
            account_id,
            media_id,
            comment_id,
            at_ms,
        } => {
            let account = upsert_account(tx, Platform::Instagram, account_id)?;
            // Meta's retries repeat the same ids: stored once ('' for a missing
            // id, since SQLite's UNIQUE lets NULLs repeat).
            exec(
                tx,
                "INSERT INTO mentions (account_id, media_id, comment_id, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(account_id, media_id, comment_id) DO NOTHING",
                params![
                    account,
                    media_id.as_deref().unwrap_or(""),
                    comment_id.as_deref().unwrap_or(""),
                    at_ms
                ],
            )?;
            Ok(IngestReport::default())
        }
        Event::Reaction {
            route,
            account_id,
            platform_message_id,
            emoji,
        } => {
            let account = upsert_account(tx, *route, account_id)?;
            exec(
                tx,
                "UPDATE messages SET reaction = ?3 WHERE account_id = ?1 AND platform_message_id = ?2",
                params![account, platform_message_id, emoji],
            )?;
            Ok(IngestReport::default())
        }
        Event::Referral {
            route,
            account_id,
            contact_id,
            referral,
        } => {
            let account = upsert_account(tx, *route, account_id)?;
            exec(
                tx,
                "INSERT INTO contacts (account_id, platform_contact_id, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(account_id, platform_contact_id) DO NOTHING",
                params![account, contact_id, now_ms()],
            )?;
            // The first referral is the lead's source; later ones do not overwrite it.
            exec(
                tx,
                "UPDATE contacts SET referral = ?3
                 WHERE account_id = ?1 AND platform_contact_id = ?2 AND referral IS NULL",
                params![
                    account,
                    contact_id,
                    serde_json::to_string(referral).unwrap_or_default()
                ],
            )?;
            Ok(IngestReport::default())
        }
        Event::AccountNotice {
            route,
            account_id,
            business_account,
            severity,
            code,
            message,
        } => ingest_notice(
            tx,
            *route,
            account_id,
            *business_account,
            *severity,
            *code,
            message,
        ),
        Event::TemplateStatus {
            business_account_id,
            name,
            language,
            status,
        } => {
            exec(
                tx,
                "UPDATE whatsapp_templates SET status = ?4
                 WHERE business_account_id = ?1 AND name = ?2 AND language = ?3",
                params![
                    business_account_id,
                    name,
                    language,
                    crate::TemplateStatus::from_meta(status)
                ],
            )?;
            Ok(IngestReport::default())
        }
        Event::MessageDeleted {
            route,
            account_id,
            platform_message_id,
        } => {
            // The person unsent it: its text and attachments go, the row stays
            // (marked removed) so the conversation still reads in order.
            let account = upsert_account(tx, *route, account_id)?;
            exec(
                tx,
                "UPDATE messages SET body = NULL, attachments = '[]', body_removed_at = ?3
                 WHERE account_id = ?1 AND platform_message_id = ?2 AND direction = 'inbound'",
                params![account, platform_message_id, now_ms()],
            )?;
            Ok(IngestReport::default())
        }
        Event::Unreadable {
            route,
            account_id,
            field,
            kind,
        } => {
            record_unreadable(tx, *route, account_id, field, kind)?;
            Ok(IngestReport {
                unreadable: 1,
                ..IngestReport::default()
            })
        }
    }
}

fn ingest_message(
    tx: &Transaction<'_>,
    message: &MessageEvent,
    drafts: &mut DraftsToQueue,
) -> Result<IngestReport, VaultError> {
    let account_id = upsert_account(tx, message.route, &message.account_id)?;
    let already: Option<i64> = tx
        .query_row(
            "SELECT id FROM messages WHERE account_id = ?1 AND platform_message_id = ?2",
            params![account_id, message.platform_message_id],
            |r| r.get(0),
        )
        .optional()?;
    if already.is_some() {
        return Ok(IngestReport {
            duplicates: 1,
            ..IngestReport::default()
        });
    }

    let existing_contact: Option<i64> = tx
        .query_row(
            "SELECT id FROM contacts WHERE account_id = ?1 AND platform_contact_id = ?2",
            params![account_id, message.contact_id],
            |r| r.get(0),
        )
        .optional()?;
    let is_new_contact = existing_contact.is_none();
    let contact_id = match existing_contact {
        Some(id) => {
            if let Some(name) = &message.contact_name {
                // Only a real change touches the row (and the name index).
                exec(
                    tx,
                    "UPDATE contacts SET name = ?1 WHERE id = ?2 AND name IS NOT ?1",
                    params![name, id],
                )?;
            }
            id
        }
        None => {
            exec(
                tx,
                "INSERT INTO contacts (account_id, platform_contact_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![
                    account_id,
                    message.contact_id,
                    message.contact_name,
                    now_ms()
                ],
            )?;
            tx.last_insert_rowid()
        }
    };
    let inbound = message.direction == Direction::Inbound;
    let conversation_id: i64 = one(
        tx,
        "INSERT INTO conversations (account_id, contact_id, last_message_at, unread_count) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(account_id, contact_id) DO UPDATE SET
             last_message_at = max(last_message_at, excluded.last_message_at),
             unread_count = unread_count + excluded.unread_count
         RETURNING id",
        params![account_id, contact_id, message.timestamp_ms, i64::from(inbound)],
        |r| r.get(0),
    )?;
    let attachments = serde_json::to_string(&message.attachments).unwrap_or_else(|_| "[]".into());
    exec(tx,
        "INSERT INTO messages (conversation_id, account_id, platform_message_id, direction, body, attachments, sent_at, stored_at, kind, media_id, sent_at_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            conversation_id,
            account_id,
            message.platform_message_id,
            if inbound { "inbound" } else { "outbound" },
            message.text,
            attachments,
            message.timestamp_ms,
            now_ms(),
            if message.comment.is_some() { "comment" } else { "direct" },
            message.comment.as_ref().and_then(|c| c.media_id.clone()),
            match message.timestamp_source {
                TimestampSource::Platform => "platform",
                TimestampSource::Received => "received",
            },
        ],
    )?;
    let message_id = tx.last_insert_rowid();
    crate::media::queue_whatsapp_media(tx, message_id, &message.attachments)?;
    let text = message.text.as_deref().unwrap_or_default();
    if inbound && is_stop_request(text) {
        // A "STOP" gets no reply draft: answering it is exactly what it asks us not to do.
        set_opt_out(tx, account_id, &message.contact_id, true)?;
        drafts.cancel(conversation_id);
        exec(
            tx,
            &stale_open_drafts_sql(),
            params![conversation_id, now_ms()],
        )?;
    } else if inbound {
        if is_start_request(text) {
            set_opt_out(tx, account_id, &message.contact_id, false)?;
        }
        drafts.answer(conversation_id, message_id);
    }
    let new_contacts = if is_new_contact && inbound {
        vec![NewContact {
            conversation_id,
            platform: message.route,
            display_name: display_name(
                message.route,
                message.contact_name.as_deref(),
                &message.contact_id,
            ),
            first_words: message.text.as_deref().map(first_words),
        }]
    } else {
        Vec::new()
    };
    Ok(IngestReport {
        new_messages: 1,
        new_from_known_people: usize::from(inbound && !is_new_contact),
        new_contacts,
        ..IngestReport::default()
    })
}

fn stale_open_drafts_sql() -> String {
    format!(
        "UPDATE drafts SET status = 'stale', updated_at = ?2 WHERE conversation_id = ?1 AND status IN {open}",
        open = crate::DraftStatus::sql_set(&crate::DraftStatus::OPEN)
    )
}

/// A new inbound message makes any draft still waiting for review stale and
/// queues a fresh one that answers it. Drafting itself happens later, off the
/// ingest path.
fn queue_draft(
    tx: &Transaction<'_>,
    conversation_id: i64,
    message_id: i64,
) -> rusqlite::Result<()> {
    let now = now_ms();
    // Every open draft, a failed send included: one draft per conversation waits for review.
    exec(tx, &stale_open_drafts_sql(), params![conversation_id, now])?;
    exec(
        tx,
        "INSERT INTO drafts (conversation_id, reply_to_message_id, status, created_at, updated_at) VALUES (?1, ?2, 'queued', ?3, ?3)",
        params![conversation_id, message_id, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;

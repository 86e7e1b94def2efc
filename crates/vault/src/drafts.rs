//! Reply drafts and their lifecycle: queued → pending → approved | rejected,
//! or stale when a newer message arrives. Only [`Vault::approve_draft`] can
//! produce an [`ApprovedDraft`], the one value a send can take.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{DraftAuthor, DraftStateError, DraftStatus, Vault, VaultError};
use leadbox_channels::now_ms;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftRow {
    pub id: i64,
    pub conversation_id: i64,
    pub reply_to_message_id: i64,
    pub status: DraftStatus,
    pub written_by: DraftAuthor,
    pub text: Option<String>,
    /// What the drafter wrote, when the owner edited it before approving.
    pub original_text: Option<String>,
    /// JSON list of flags, as the drafter produced them.
    pub flags: serde_json::Value,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub latency_ms: Option<i64>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub error: Option<String>,
    pub created_at: i64,
}

/// What a drafter produced, to store on a queued draft.
#[derive(Debug, Clone)]
pub struct DraftOutcome {
    pub text: String,
    pub flags_json: String,
    pub provider: String,
    pub model: Option<String>,
    pub latency_ms: u64,
    pub input_tokens: Option<u32>,
    pub output_tokens: Option<u32>,
}

/// Everything a drafter needs about one conversation.
#[derive(Debug, Clone)]
pub struct DraftContext {
    pub platform: leadbox_channels::Platform,
    pub contact_id: i64,
    pub contact_name: Option<String>,
    /// (inbound?, text), oldest first, up to the message the draft answers.
    pub messages: Vec<(bool, String)>,
}

/// A draft the owner approved. It cannot be built, cloned or deserialized
/// outside this crate, so no code path can send a draft nobody approved.
#[derive(Debug, PartialEq, Eq)]
pub struct ApprovedDraft {
    draft_id: i64,
    conversation_id: i64,
    text: String,
}

impl ApprovedDraft {
    /// Only for the vault's own approvals (a drafted reply, or the owner's own).
    pub(crate) fn approved(draft_id: i64, conversation_id: i64, text: String) -> ApprovedDraft {
        ApprovedDraft {
            draft_id,
            conversation_id,
            text,
        }
    }
    pub fn draft_id(&self) -> i64 {
        self.draft_id
    }
    pub fn conversation_id(&self) -> i64 {
        self.conversation_id
    }
    pub fn text(&self) -> &str {
        &self.text
    }
}

const COLUMNS: &str =
    "id, conversation_id, reply_to_message_id, status, text, original_text, flags, provider, model,
    latency_ms, input_tokens, output_tokens, error, created_at, written_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DraftRow> {
    let flags: String = r.get(6)?;
    Ok(DraftRow {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        reply_to_message_id: r.get(2)?,
        status: r.get(3)?,
        text: r.get(4)?,
        original_text: r.get(5)?,
        flags: serde_json::from_str(&flags).unwrap_or_default(),
        provider: r.get(7)?,
        model: r.get(8)?,
        latency_ms: r.get(9)?,
        input_tokens: r.get(10)?,
        output_tokens: r.get(11)?,
        error: r.get(12)?,
        created_at: r.get(13)?,
        written_by: r.get(14)?,
    })
}

impl Vault {
    pub fn profile_toml(&self) -> Result<Option<String>, VaultError> {
        Ok(self
            .conn
            .query_row("SELECT toml FROM business_profile WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_profile_toml(&self, toml: &str) -> Result<(), VaultError> {
        self.conn.execute(
            "INSERT INTO business_profile (id, toml, updated_at) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET toml = excluded.toml, updated_at = excluded.updated_at",
            params![toml, now_ms()],
        )?;
        self.audit("profile_updated", "")
    }

    pub fn draft(&self, id: i64) -> Result<Option<DraftRow>, VaultError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM drafts WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?)
    }

    /// Drafts with one of `statuses`, newest first.
    pub fn drafts(&self, statuses: &[DraftStatus]) -> Result<Vec<DraftRow>, VaultError> {
        let placeholders = vec!["?"; statuses.len()].join(", ");
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM drafts WHERE status IN ({placeholders}) ORDER BY id DESC"
        ))?;
        let rows = statement.query_map(rusqlite::params_from_iter(statuses), row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The draft of a conversation that still needs the owner: queued, pending or failed.
    pub fn open_draft(&self, conversation_id: i64) -> Result<Option<DraftRow>, VaultError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM drafts WHERE conversation_id = ?1
                     AND status IN {open} ORDER BY id DESC LIMIT 1",
                    open = DraftStatus::sql_set(&DraftStatus::OPEN)
                ),
                [conversation_id],
                row,
            )
            .optional()?)
    }

    /// Queued drafts, oldest first: the drafting worker's to-do list.
    pub fn queued_drafts(&self, limit: usize) -> Result<Vec<DraftRow>, VaultError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM drafts WHERE status = 'queued' ORDER BY id LIMIT ?1"
        ))?;
        let rows = statement.query_map([limit as i64], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Claims up to `limit` queued drafts, oldest first, for `lease_ms`: no
    /// other drafter gets them until the lease runs out or they are done.
    pub fn claim_queued_drafts(
        &self,
        limit: usize,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Vec<DraftRow>, VaultError> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let claimed: Vec<DraftRow> = {
            let mut statement = tx.prepare_cached(&format!(
                "UPDATE drafts SET claimed_until = ?2 WHERE id IN (
                     SELECT id FROM drafts WHERE status = 'queued'
                     AND (claimed_until IS NULL OR claimed_until <= ?3) ORDER BY id LIMIT ?1)
                 RETURNING {COLUMNS}"
            ))?;
            let rows = statement.query_map(
                params![limit as i64, now_ms.saturating_add(lease_ms), now_ms],
                row,
            )?;
            rows.collect::<Result<_, _>>()?
        };
        tx.commit()?;
        let mut claimed = claimed;
        claimed.sort_by_key(|draft| draft.id);
        Ok(claimed)
    }

    /// The conversation up to (and including) the message a draft answers.
    pub fn draft_context(
        &self,
        draft: &DraftRow,
        max_messages: usize,
    ) -> Result<DraftContext, VaultError> {
        let (platform, contact_id, contact_name): (leadbox_channels::Platform, i64, Option<String>) = self.conn.query_row(
            "SELECT a.platform, ct.id, ct.name FROM conversations c
             JOIN accounts a ON a.id = c.account_id JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = ?1",
            [draft.conversation_id],
            |r| Ok((crate::text_enum::parsed(r, 0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut statement = self.conn.prepare_cached(
            "SELECT direction, COALESCE(body, '') FROM messages
             WHERE conversation_id = ?1 AND (sent_at, id) <= (SELECT sent_at, id FROM messages WHERE id = ?2)
             ORDER BY sent_at DESC, id DESC LIMIT ?3",
        )?;
        let mut messages: Vec<(bool, String)> = statement
            .query_map(
                params![
                    draft.conversation_id,
                    draft.reply_to_message_id,
                    max_messages as i64
                ],
                |r| Ok((r.get::<_, String>(0)? == "inbound", r.get(1)?)),
            )?
            .collect::<Result<_, _>>()?;
        messages.reverse();
        Ok(DraftContext {
            platform,
            contact_id,
            contact_name,
            messages,
        })
    }

    /// Stores a drafter's result, unless the draft went stale meanwhile.
    pub fn complete_draft(&self, id: i64, outcome: &DraftOutcome) -> Result<bool, VaultError> {
        let changed = self.conn.execute(
            "UPDATE drafts SET status = 'pending', text = ?2, flags = ?3, provider = ?4, model = ?5, latency_ms = ?6,
                 input_tokens = ?7, output_tokens = ?8, error = NULL, updated_at = ?9
             WHERE id = ?1 AND status = 'queued'",
            params![
                id,
                outcome.text,
                outcome.flags_json,
                outcome.provider,
                outcome.model,
                outcome.latency_ms as i64,
                outcome.input_tokens,
                outcome.output_tokens,
                now_ms()
            ],
        )?;
        Ok(changed == 1)
    }

    pub fn fail_draft(&self, id: i64, error: &str) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE drafts SET status = 'failed', error = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'queued'",
            params![id, error, now_ms()],
        )?;
        Ok(())
    }

    fn transition(
        &self,
        id: i64,
        allowed: &[DraftStatus],
        action: &'static str,
    ) -> Result<DraftRow, VaultError> {
        let draft = self.draft(id)?.ok_or(DraftStateError::NotFound(id))?;
        if !allowed.contains(&draft.status) {
            return Err(DraftStateError::WrongState {
                id,
                status: draft.status,
                action,
            }
            .into());
        }
        Ok(draft)
    }

    /// The owner's approval, with their edits if any. The only way to get an [`ApprovedDraft`].
    pub fn approve_draft(
        &self,
        id: i64,
        edited_text: Option<&str>,
    ) -> Result<ApprovedDraft, VaultError> {
        let draft = self.transition(id, &DraftStatus::APPROVABLE, "approved")?;
        let drafted = draft.text.clone().unwrap_or_default();
        let text = edited_text
            .map(str::trim)
            .unwrap_or(drafted.trim())
            .to_owned();
        if text.is_empty() {
            return Err(DraftStateError::EmptyText.into());
        }
        let original = (text != drafted.trim()).then_some(drafted);
        self.conn.execute(
            &format!(
                "UPDATE drafts SET status = 'approved', text = ?2, original_text = COALESCE(original_text, ?3), error = NULL, updated_at = ?4
                 WHERE id = ?1 AND status IN {approvable}",
                approvable = DraftStatus::sql_set(&DraftStatus::APPROVABLE)
            ),
            params![id, text, original, now_ms()],
        )?;
        let how = if original.is_some() {
            "edited"
        } else {
            "as drafted"
        };
        self.audit("draft_approved", &format!("draft {id}, {how}"))?;
        Ok(ApprovedDraft::approved(id, draft.conversation_id, text))
    }

    pub fn reject_draft(&self, id: i64) -> Result<(), VaultError> {
        self.transition(id, &DraftStatus::REJECTABLE, "rejected")?;
        self.conn.execute(
            "UPDATE drafts SET status = 'rejected', updated_at = ?2 WHERE id = ?1",
            params![id, now_ms()],
        )?;
        self.audit("draft_rejected", &format!("draft {id}"))
    }

    /// Queues a new draft answering the conversation's latest inbound message;
    /// the old one becomes stale. Returns the new draft's id.
    pub fn regenerate_draft(&self, id: i64) -> Result<i64, VaultError> {
        let draft = self.transition(id, &DraftStatus::REGENERABLE, "regenerated")?;
        let latest = self
            .latest_inbound_message(draft.conversation_id)?
            .ok_or(VaultError::NotFound("message to answer"))?;
        let now = now_ms();
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        set_open_drafts_aside(&tx, draft.conversation_id, now)?;
        tx.execute(
            "INSERT INTO drafts (conversation_id, reply_to_message_id, status, created_at, updated_at) VALUES (?1, ?2, 'queued', ?3, ?3)",
            params![draft.conversation_id, latest, now],
        )?;
        let new_id = tx.last_insert_rowid();
        tx.commit()?;
        self.audit("draft_regenerated", &format!("draft {id} -> {new_id}"))?;
        Ok(new_id)
    }

    /// Stores what was extracted about a lead (JSON lists for emails and phones).
    #[allow(clippy::too_many_arguments)]
    pub fn upsert_lead(
        &self,
        contact_id: i64,
        name: Option<&str>,
        emails_json: &str,
        phones_json: &str,
        intent: &str,
        urgency: &str,
        summary: &str,
    ) -> Result<(), VaultError> {
        self.conn.execute(
            "INSERT INTO leads (contact_id, name, emails, phones, intent, urgency, summary, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(contact_id) DO UPDATE SET name = excluded.name, emails = excluded.emails, phones = excluded.phones,
                 intent = excluded.intent, urgency = excluded.urgency, summary = excluded.summary, updated_at = excluded.updated_at",
            params![contact_id, name, emails_json, phones_json, intent, urgency, summary, now_ms()],
        )?;
        Ok(())
    }

    pub fn lead(&self, contact_id: i64) -> Result<Option<serde_json::Value>, VaultError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, emails, phones, intent, urgency, summary FROM leads WHERE contact_id = ?1",
                [contact_id],
                |r| {
                    let list = |i: usize| -> rusqlite::Result<serde_json::Value> {
                        Ok(serde_json::from_str(&r.get::<_, String>(i)?).unwrap_or_default())
                    };
                    Ok(serde_json::json!({
                        "name": r.get::<_, Option<String>>(0)?,
                        "emails": list(1)?,
                        "phones": list(2)?,
                        "intent": r.get::<_, Option<String>>(3)?,
                        "urgency": r.get::<_, Option<String>>(4)?,
                        "summary": r.get::<_, Option<String>>(5)?,
                    }))
                },
            )
            .optional()?)
    }
}

/// Marks the conversation's open draft stale: a newer one replaces it.
pub(crate) fn set_open_drafts_aside(
    conn: &rusqlite::Connection,
    conversation_id: i64,
    now: i64,
) -> rusqlite::Result<usize> {
    conn.execute(
        &format!(
            "UPDATE drafts SET status = 'stale', updated_at = ?2
             WHERE conversation_id = ?1 AND status IN {open}",
            open = DraftStatus::sql_set(&DraftStatus::OPEN)
        ),
        params![conversation_id, now],
    )
}

#[cfg(test)]
mod tests;

//! The owner's view of their leads: filtered, paged conversation lists (so a
//! window with 100,000 conversations loads a screenful, not all of them),
//! and each person's stage, notes and labels.

use leadbox_channels::Platform;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::ingest::display_name;
use crate::{Vault, VaultError};

/// Where a person is in the owner's pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Stage {
    New,
    Qualified,
    Booked,
    Won,
    Lost,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::New => "new",
            Stage::Qualified => "qualified",
            Stage::Booked => "booked",
            Stage::Won => "won",
            Stage::Lost => "lost",
        }
    }

    fn parse(text: &str) -> Stage {
        match text {
            "qualified" => Stage::Qualified,
            "booked" => Stage::Booked,
            "won" => Stage::Won,
            "lost" => Stage::Lost,
            _ => Stage::New,
        }
    }
}

/// Which conversations the list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum ListFilter {
    All,
    /// People still at the "new" stage.
    NewLeads,
    /// The last message is theirs: they are waiting for an answer.
    NeedsReply,
    /// A suggested reply waits for the owner's decision.
    DraftsToReview,
    Channel(Platform),
    Label(String),
}

/// One row of the conversation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ListedConversation {
    pub id: i64,
    pub platform: Platform,
    pub display_name: String,
    pub last_message_text: Option<String>,
    pub last_message_at: i64,
    pub last_direction: Option<String>,
    pub unread_count: i64,
    pub opted_out: bool,
    pub stage: Stage,
    pub labels: Vec<String>,
    /// From the lead details extracted from their messages.
    pub urgency: Option<String>,
    pub draft_waiting: bool,
}

/// A page of the list and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ConversationPage {
    pub conversations: Vec<ListedConversation>,
    /// Pass back as `after` for the next page; `None` at the end.
    pub next: Option<PageCursor>,
}

/// Keyset position in the list (newest first): stable while messages arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct PageCursor {
    pub last_message_at: i64,
    pub id: i64,
}

/// The lead panel of one conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct LeadCard {
    pub contact_id: i64,
    pub stage: Stage,
    pub notes: String,
    pub labels: Vec<String>,
    /// Name, emails, phones, intent, urgency and summary read from their messages.
    #[cfg_attr(
        feature = "typescript",
        ts(
            type = "{ name: string | null, emails: Array<string>, phones: Array<string>, intent: string | null, urgency: string | null, summary: string | null } | null"
        )
    )]
    pub details: Option<serde_json::Value>,
    /// How they first came to write (an ad, a link), as Meta reported it.
    #[cfg_attr(
        feature = "typescript",
        ts(
            type = "{ source: string | null, ad_id: string | null, ref_param: string | null, ad_title: string | null } | null"
        )
    )]
    pub referral: Option<serde_json::Value>,
    /// Lead-ad forms the same person filled in (matched by email or phone).
    pub forms: Vec<crate::LeadForm>,
}

/// Labels are short words the owner picks: trimmed, 1–32 characters, at most
/// 10 per person, no duplicates (case-insensitively).
pub fn clean_labels(labels: &[String]) -> Result<Vec<String>, VaultError> {
    let mut clean: Vec<String> = Vec::new();
    for label in labels {
        let label = label.trim();
        if label.is_empty() {
            continue;
        }
        if label.chars().count() > 32 || label.chars().any(char::is_control) {
            return Err(VaultError::Invalid(format!(
                "the label `{label}` is too long (32 characters at most)"
            )));
        }
        if !clean.iter().any(|l| l.eq_ignore_ascii_case(label)) {
            clean.push(label.to_owned());
        }
    }
    if clean.len() > 10 {
        return Err(VaultError::Invalid(
            "a person can have at most 10 labels".into(),
        ));
    }
    Ok(clean)
}

const PAGE_MAX: usize = 500;

impl Vault {
    /// A page of conversations matching `filter`, newest first, after `after`.
    pub fn conversation_page(
        &self,
        filter: &ListFilter,
        after: Option<PageCursor>,
        limit: usize,
    ) -> Result<ConversationPage, VaultError> {
        let limit = limit.clamp(1, PAGE_MAX);
        let has_draft_to_review = format!(
            "EXISTS (SELECT 1 FROM drafts d WHERE d.conversation_id = c.id AND d.status IN {})",
            crate::DraftStatus::sql_set(&crate::DraftStatus::APPROVABLE)
        );
        let (condition, argument) = match filter {
            ListFilter::All => ("1", String::new()),
            ListFilter::NewLeads => ("ct.stage = 'new'", String::new()),
            ListFilter::NeedsReply => (
                "(SELECT m.direction FROM messages m WHERE m.conversation_id = c.id ORDER BY m.sent_at DESC, m.id DESC LIMIT 1) = 'inbound' AND ct.opted_out_at IS NULL",
                String::new(),
            ),
            ListFilter::DraftsToReview => (has_draft_to_review.as_str(), String::new()),
            ListFilter::Channel(platform) => ("a.platform = ?4", platform.as_str().to_owned()),
            ListFilter::Label(label) => (
                "EXISTS (SELECT 1 FROM json_each(ct.labels) j WHERE j.value = ?4 COLLATE NOCASE)",
                label.trim().to_owned(),
            ),
        };
        let (before_at, before_id) =
            after.map_or((i64::MAX, i64::MAX), |c| (c.last_message_at, c.id));
        let sql = format!(
            "SELECT c.id, a.platform, ct.platform_contact_id, ct.name, c.last_message_at, c.unread_count,
                    ct.opted_out_at IS NOT NULL, ct.stage, ct.labels, l.urgency,
                    {has_draft_to_review},
                    (SELECT m.body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.sent_at DESC, m.id DESC LIMIT 1),
                    (SELECT m.direction FROM messages m WHERE m.conversation_id = c.id ORDER BY m.sent_at DESC, m.id DESC LIMIT 1)
             FROM conversations c
             JOIN accounts a ON a.id = c.account_id
             JOIN contacts ct ON ct.id = c.contact_id
             LEFT JOIN leads l ON l.contact_id = ct.id
             WHERE (c.last_message_at, c.id) < (?1, ?2) AND ({condition})
               AND (?4 = ?4) -- binds ?4 for the filters that do not use it
             ORDER BY c.last_message_at DESC, c.id DESC
             LIMIT ?3"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map(
            params![before_at, before_id, (limit + 1) as i64, argument],
            |r| {
                let platform: Platform = crate::text_enum::parsed(r, 1)?;
                let contact: String = r.get(2)?;
                let name: Option<String> = r.get(3)?;
                let labels: String = r.get(8)?;
                Ok(ListedConversation {
                    id: r.get(0)?,
                    platform,
                    display_name: display_name(platform, name.as_deref(), &contact),
                    last_message_at: r.get(4)?,
                    unread_count: r.get(5)?,
                    opted_out: r.get(6)?,
                    stage: Stage::parse(&r.get::<_, String>(7)?),
                    labels: serde_json::from_str(&labels).unwrap_or_default(),
                    urgency: r.get(9)?,
                    draft_waiting: r.get(10)?,
                    last_message_text: r.get(11)?,
                    last_direction: r.get(12)?,
                })
            },
        )?;
        let mut conversations: Vec<ListedConversation> = rows.collect::<Result<_, _>>()?;
        let next = if conversations.len() > limit {
            conversations.truncate(limit);
            conversations.last().map(|c| PageCursor {
                last_message_at: c.last_message_at,
                id: c.id,
            })
        } else {
            None
        };
        Ok(ConversationPage {
            conversations,
            next,
        })
    }

    /// Unread messages across all conversations (the tray's count).
    pub fn unread_total(&self) -> Result<i64, VaultError> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(unread_count), 0) FROM conversations",
            [],
            |r| r.get(0),
        )?)
    }

    /// Every label in use, for the filter menu.
    pub fn labels_in_use(&self) -> Result<Vec<String>, VaultError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT DISTINCT j.value FROM contacts ct, json_each(ct.labels) j ORDER BY j.value COLLATE NOCASE",
        )?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn contact_of(&self, conversation_id: i64) -> Result<i64, VaultError> {
        self.conn
            .query_row(
                "SELECT contact_id FROM conversations WHERE id = ?1",
                [conversation_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(VaultError::NotFound("conversation"))
    }

    /// The lead panel for a conversation.
    pub fn lead_card(&self, conversation_id: i64) -> Result<LeadCard, VaultError> {
        let contact_id = self.contact_of(conversation_id)?;
        let (stage, notes, labels, referral): (String, String, String, Option<String>) =
            self.conn.query_row(
                "SELECT stage, notes, labels, referral FROM contacts WHERE id = ?1",
                [contact_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
        Ok(LeadCard {
            contact_id,
            stage: Stage::parse(&stage),
            notes,
            labels: serde_json::from_str(&labels).unwrap_or_default(),
            details: self.lead(contact_id)?,
            referral: referral.and_then(|r| serde_json::from_str(&r).ok()),
            forms: self.contact_lead_forms(contact_id)?,
        })
    }

    /// Saves the owner's stage, notes and labels for the person in a conversation.
    pub fn update_lead(
        &mut self,
        conversation_id: i64,
        stage: Stage,
        notes: &str,
        labels: &[String],
    ) -> Result<LeadCard, VaultError> {
        let labels = clean_labels(labels)?;
        if notes.chars().count() > 10_000 {
            return Err(VaultError::Invalid(
                "notes are limited to 10,000 characters".into(),
            ));
        }
        let contact_id = self.contact_of(conversation_id)?;
        let labels_json = serde_json::to_string(&labels).unwrap_or_else(|_| "[]".into());
        self.conn.execute(
            "UPDATE contacts SET stage = ?2, notes = ?3, labels = ?4 WHERE id = ?1",
            params![contact_id, stage.as_str(), notes, labels_json],
        )?;
        self.lead_card(conversation_id)
    }
}

#[cfg(test)]
mod tests;

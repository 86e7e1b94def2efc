//! Retention: how long conversations, message text and lead records are kept,
//! a preview of what the policy will delete next, and the purge itself.
//!
//! Every function takes `now_ms` so tests can move the clock; the app passes
//! the wall clock.

use std::collections::BTreeMap;

use leadbox_channels::Platform;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::ingest::display_name;
use crate::{Vault, VaultError};

mod purge;
#[cfg(test)]
mod tests;

pub(crate) use purge::delete_conversations;

pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const POLICY_SETTING: &str = "retention_policy";
/// Conversations are purged in transactions of this many, so a purge of a large
/// vault makes steady progress, an interrupted one keeps what it finished, and
/// a sync waiting for the write turn waits for one short chunk (about 1,000
/// messages), not the purge.
const PURGE_CHUNK: usize = 100;
/// The longest period the owner can choose (ten years); longer is "never".
const MAX_DAYS: u32 = 3650;
/// Above this many messages a purge merges the search index once instead of
/// scrubbing each deleted row from it.
const BULK_PURGE_MESSAGES: u64 = 2_000;

/// The owner's retention choices. `None` means "keep forever".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct RetentionPolicy {
    /// Delete conversations with no new message for this many days.
    pub delete_inactive_after_days: Option<u32>,
    /// A different period for some channels.
    pub per_channel: BTreeMap<Platform, Option<u32>>,
    /// Remove the text and attachments of messages older than this many days,
    /// keeping the conversation, its times and the lead.
    pub sanitize_bodies_after_days: Option<u32>,
    /// Lead records (details learned from messages, lead-ad answers) are kept
    /// this many days after their last change, whatever happens to the chat.
    pub keep_leads_days: Option<u32>,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            delete_inactive_after_days: Some(90),
            per_channel: BTreeMap::new(),
            sanitize_bodies_after_days: None,
            keep_leads_days: Some(365),
        }
    }
}

impl RetentionPolicy {
    pub fn days_for(&self, channel: Platform) -> Option<u32> {
        match self.per_channel.get(&channel) {
            Some(days) => *days,
            None => self.delete_inactive_after_days,
        }
    }

    pub fn validate(&self) -> Result<(), VaultError> {
        let periods = [
            (
                "delete_inactive_after_days",
                self.delete_inactive_after_days,
            ),
            (
                "sanitize_bodies_after_days",
                self.sanitize_bodies_after_days,
            ),
            ("keep_leads_days", self.keep_leads_days),
        ]
        .into_iter()
        .chain(
            self.per_channel
                .iter()
                .map(|(channel, days)| (channel.as_str(), *days)),
        );
        for (name, days) in periods {
            if let Some(days) = days
                && !(1..=MAX_DAYS).contains(&days)
            {
                return Err(VaultError::InvalidSetting(format!(
                    "{name} must be between 1 and {MAX_DAYS} days, or \"never\" (it was {days})"
                )));
            }
        }
        Ok(())
    }
}

fn cutoff(now_ms: i64, days: u32) -> i64 {
    now_ms.saturating_sub(i64::from(days) * DAY_MS)
}

/// A conversation the policy will delete within the preview's horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct PlannedDeletion {
    pub conversation_id: i64,
    pub platform: Platform,
    pub display_name: String,
    pub last_message_at: i64,
    /// When it becomes due; at or before `now` means the next run deletes it.
    pub deletes_at: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct RetentionPreview {
    pub conversations: Vec<PlannedDeletion>,
    /// Lead records and lead-ad submissions due within the horizon.
    pub leads: u64,
    pub lead_forms: u64,
    /// Messages whose text will be removed within the horizon.
    pub bodies: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct RetentionReport {
    pub conversations: u64,
    pub messages: u64,
    pub contacts: u64,
    pub leads: u64,
    pub lead_forms: u64,
    pub bodies_sanitized: u64,
}

impl RetentionReport {
    pub fn is_empty(&self) -> bool {
        *self == RetentionReport::default()
    }
}

impl std::fmt::Display for RetentionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} conversation(s), {} message(s), {} contact(s), {} lead(s), {} lead form(s) deleted; {} message text(s) removed",
            self.conversations,
            self.messages,
            self.contacts,
            self.leads,
            self.lead_forms,
            self.bodies_sanitized
        )
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl Vault {
    pub fn retention_policy(&self) -> Result<RetentionPolicy, VaultError> {
        match self.setting(POLICY_SETTING)? {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                VaultError::InvalidSetting(format!(
                    "the stored retention policy is unreadable: {e}"
                ))
            }),
            None => Ok(RetentionPolicy::default()),
        }
    }

    pub fn set_retention_policy(&self, policy: &RetentionPolicy) -> Result<(), VaultError> {
        policy.validate()?;
        let json =
            serde_json::to_string(policy).map_err(|e| VaultError::InvalidSetting(e.to_string()))?;
        self.set_setting(POLICY_SETTING, &json)?;
        self.audit("retention_policy_changed", &json)
    }

    /// What the saved policy will delete between `now_ms` and `horizon_ms` later.
    pub fn retention_preview(
        &self,
        now_ms: i64,
        horizon_ms: i64,
    ) -> Result<RetentionPreview, VaultError> {
        let policy = self.retention_policy()?;
        self.retention_preview_of(&policy, now_ms, horizon_ms)
    }

    /// What `policy` would delete, before the owner saves it.
    pub fn retention_preview_of(
        &self,
        policy: &RetentionPolicy,
        now_ms: i64,
        horizon_ms: i64,
    ) -> Result<RetentionPreview, VaultError> {
        policy.validate()?;
        let until = now_ms.saturating_add(horizon_ms);
        let mut preview = RetentionPreview::default();
        let mut statement = self.conn.prepare_cached(
            "SELECT c.id, ct.platform_contact_id, ct.name, c.last_message_at
             FROM conversations c
             JOIN accounts a ON a.id = c.account_id
             JOIN contacts ct ON ct.id = c.contact_id
             WHERE a.platform = ?1 AND c.last_message_at <= ?2
             ORDER BY c.last_message_at, c.id",
        )?;
        for platform in Platform::ALL {
            let Some(days) = policy.days_for(platform) else {
                continue;
            };
            let rows =
                statement.query_map(params![platform.as_str(), cutoff(until, days)], |r| {
                    let contact: String = r.get(1)?;
                    let name: Option<String> = r.get(2)?;
                    let last_message_at: i64 = r.get(3)?;
                    Ok(PlannedDeletion {
                        conversation_id: r.get(0)?,
                        platform,
                        display_name: display_name(platform, name.as_deref(), &contact),
                        last_message_at,
                        deletes_at: last_message_at.saturating_add(i64::from(days) * DAY_MS),
                    })
                })?;
            for row in rows {
                preview.conversations.push(row?);
            }
        }
        preview
            .conversations
            .sort_by_key(|p| (p.deletes_at, p.conversation_id));
        if let Some(days) = policy.keep_leads_days {
            let before = cutoff(until, days);
            preview.leads = self.count_where("leads", "updated_at < ?1", before)?;
            preview.lead_forms = self.count_where("lead_forms", "created_at < ?1", before)?;
        }
        if let Some(days) = policy.sanitize_bodies_after_days {
            preview.bodies = self.count_where(
                "messages",
                "sent_at < ?1 AND body_removed_at IS NULL AND (body IS NOT NULL OR attachments != '[]')",
                cutoff(until, days),
            )?;
        }
        Ok(preview)
    }

    fn count_where(&self, table: &str, condition: &str, bound: i64) -> Result<u64, VaultError> {
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE {condition}"),
            [bound],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

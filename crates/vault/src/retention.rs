//! Retention: how long conversations, message text and lead records are kept,
//! a preview of what the policy will delete next, and the purge itself.
//!
//! Every function takes `now_ms` so tests can move the clock; the app passes
//! the wall clock.

use std::collections::BTreeMap;

use leadbox_channels::RouteKind;
use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};

use crate::ingest::display_name;
use crate::{Vault, VaultError};

pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const POLICY_SETTING: &str = "retention_policy";
/// Conversations are purged in transactions of this many, so a purge of a large
/// vault makes steady progress and an interrupted one keeps what it finished.
const PURGE_CHUNK: usize = 500;
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
    pub per_channel: BTreeMap<RouteKind, Option<u32>>,
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
    pub fn days_for(&self, channel: RouteKind) -> Option<u32> {
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
    pub platform: RouteKind,
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
        for platform in RouteKind::ALL {
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

    /// Applies the retention policy as of `now_ms`.
    pub fn run_retention(&mut self, now_ms: i64) -> Result<RetentionReport, VaultError> {
        let policy = self.retention_policy()?;
        let mut report = RetentionReport::default();
        let due = self.due_messages(&policy, now_ms)?;
        // Counting every message is only worth it when the purge is large.
        let strategy = if due <= BULK_PURGE_MESSAGES {
            IndexStrategy::Scrub
        } else {
            IndexStrategy::choose(due, self.message_count()?)
        };
        match strategy {
            IndexStrategy::Scrub => {}
            IndexStrategy::Merge => self.set_index_secure_delete(false)?,
            // Without the trigger, deleted rows are not looked up in the index
            // at all; the index is rebuilt from what remains. If the process
            // dies before that, opening the vault restores and rebuilds.
            IndexStrategy::Rebuild => {
                for index in &SEARCH_INDEXES {
                    self.conn.execute(
                        &format!("DROP TRIGGER IF EXISTS {}", index.delete_trigger),
                        [],
                    )?;
                }
            }
        }
        for platform in RouteKind::ALL {
            if let Some(days) = policy.days_for(platform) {
                self.purge_conversations(platform, cutoff(now_ms, days), &mut report)?;
            }
        }
        let tx = self.conn.transaction()?;
        if let Some(days) = policy.keep_leads_days {
            let before = cutoff(now_ms, days);
            report.leads = count(tx.execute("DELETE FROM leads WHERE updated_at < ?1", [before])?);
            report.lead_forms =
                count(tx.execute("DELETE FROM lead_forms WHERE created_at < ?1", [before])?);
        }
        report.contacts = delete_orphan_contacts(&tx)?;
        if let Some(days) = policy.sanitize_bodies_after_days {
            report.bodies_sanitized = sanitize_bodies(&tx, cutoff(now_ms, days), now_ms)?;
        }
        tx.commit()?;
        match strategy {
            IndexStrategy::Scrub => {}
            IndexStrategy::Merge => {
                // One merge of the whole index drops every deleted entry at once,
                // far cheaper than scrubbing row by row; then back to scrubbing.
                self.conn.execute(
                    "INSERT INTO messages_fts(messages_fts) VALUES ('optimize')",
                    [],
                )?;
                self.set_index_secure_delete(true)?;
            }
            IndexStrategy::Rebuild => {
                for index in &SEARCH_INDEXES {
                    self.rebuild_index(index)?;
                }
            }
        }
        if !report.is_empty() {
            self.forget_deleted_text()?;
            self.audit("retention_run", &report.to_string())?;
        }
        Ok(report)
    }

    fn message_count(&self) -> Result<u64, VaultError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Rebuilds a search index from its table and puts its delete trigger
    /// back, in one transaction.
    fn rebuild_index(&mut self, index: &SearchIndex) -> Result<(), VaultError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            &format!(
                "INSERT INTO {table}({table}) VALUES ('rebuild')",
                table = index.table
            ),
            [],
        )?;
        tx.execute_batch(index.create_delete_trigger)?;
        tx.commit()?;
        Ok(())
    }

    /// A purge that died after dropping an index's delete trigger left that
    /// index with entries for deleted rows: rebuild it and restore the
    /// trigger. Reads first, so an ordinary open writes nothing.
    pub(crate) fn ensure_index_delete_trigger(&mut self) -> Result<(), VaultError> {
        for index in &SEARCH_INDEXES {
            let present: i64 = self.conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [index.delete_trigger],
                |r| r.get(0),
            )?;
            if present == 0 {
                tracing::warn!(
                    index = index.table,
                    "an interrupted purge left a search index stale; rebuilding it"
                );
                self.rebuild_index(index)?;
            }
        }
        Ok(())
    }

    fn due_messages(&self, policy: &RetentionPolicy, now_ms: i64) -> Result<u64, VaultError> {
        let mut due = 0;
        for platform in RouteKind::ALL {
            if let Some(days) = policy.days_for(platform) {
                let n: i64 = self.conn.query_row(
                    "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                     JOIN accounts a ON a.id = c.account_id WHERE a.platform = ?1 AND c.last_message_at <= ?2",
                    params![platform.as_str(), cutoff(now_ms, days)],
                    |r| r.get(0),
                )?;
                due += u64::try_from(n).unwrap_or(0);
            }
        }
        Ok(due)
    }

    /// FTS5's 'secure-delete' scrubs each deleted row from the index at once.
    /// It is on except during a bulk purge, which merges the index instead; the
    /// vault turns it back on whenever it opens, so a crash cannot leave it off.
    pub(crate) fn set_index_secure_delete(&self, on: bool) -> Result<(), VaultError> {
        self.conn.execute(
            "INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', ?1)",
            [i64::from(on)],
        )?;
        Ok(())
    }

    /// Turns 'secure-delete' back on if a bulk purge was interrupted; reads
    /// first so an ordinary open writes nothing.
    pub(crate) fn ensure_index_secure_delete(&self) -> Result<(), VaultError> {
        use rusqlite::OptionalExtension as _;
        let on: Option<i64> = self
            .conn
            .query_row(
                "SELECT v FROM messages_fts_config WHERE k = 'secure-delete'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if on != Some(1) {
            self.set_index_secure_delete(true)?;
        }
        Ok(())
    }

    fn purge_conversations(
        &mut self,
        platform: RouteKind,
        before: i64,
        report: &mut RetentionReport,
    ) -> Result<(), VaultError> {
        loop {
            let tx = self.conn.transaction()?;
            let ids: Vec<i64> = {
                let mut statement = tx.prepare_cached(
                    "SELECT c.id FROM conversations c JOIN accounts a ON a.id = c.account_id
                     WHERE a.platform = ?1 AND c.last_message_at <= ?2 LIMIT ?3",
                )?;
                let rows = statement.query_map(
                    params![
                        platform.as_str(),
                        before,
                        i64::try_from(PURGE_CHUNK).unwrap_or(1)
                    ],
                    |r| r.get(0),
                )?;
                rows.collect::<Result<_, _>>()?
            };
            if ids.is_empty() {
                return Ok(());
            }
            report.messages += delete_conversations(&tx, &ids)?;
            report.conversations += count(ids.len());
            tx.commit()?;
        }
    }

    /// After deleting, make sure the text is gone from the write-ahead log too.
    /// (The search index forgets deleted rows at once: it runs with FTS5's
    /// 'secure-delete' option, so no index-wide merge is needed.)
    pub(crate) fn forget_deleted_text(&self) -> Result<(), VaultError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// A full-text index and the trigger that keeps deleted text out of it
/// (migration 8 creates the same triggers).
struct SearchIndex {
    table: &'static str,
    delete_trigger: &'static str,
    create_delete_trigger: &'static str,
}

const SEARCH_INDEXES: [SearchIndex; 2] = [
    SearchIndex {
        table: "messages_fts",
        delete_trigger: "messages_fts_delete",
        create_delete_trigger: "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN OLD.body IS NOT NULL BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
        END;",
    },
    SearchIndex {
        table: "contacts_fts",
        delete_trigger: "contacts_fts_delete",
        create_delete_trigger: "CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts WHEN OLD.name IS NOT NULL BEGIN
            INSERT INTO contacts_fts(contacts_fts, rowid, name) VALUES ('delete', OLD.id, OLD.name);
        END;",
    },
];

/// How a purge keeps the search index free of deleted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IndexStrategy {
    /// Few messages: each one is scrubbed from the index as it goes.
    Scrub,
    /// Many, but few compared with what stays: mark them deleted, then merge
    /// the whole index once.
    Merge,
    /// A large share of the vault: skip the index while deleting, then
    /// rebuild it from what remains (cheaper than looking up each deleted row).
    Rebuild,
}

impl IndexStrategy {
    fn choose(due: u64, total: u64) -> IndexStrategy {
        if due <= BULK_PURGE_MESSAGES {
            IndexStrategy::Scrub
        } else if due.saturating_mul(2) >= total.saturating_sub(due) {
            IndexStrategy::Rebuild
        } else {
            IndexStrategy::Merge
        }
    }
}

/// Deletes conversations with their messages and drafts, a few statements per
/// chunk rather than per conversation; returns the number of messages deleted.
pub(crate) fn delete_conversations(tx: &Transaction<'_>, ids: &[i64]) -> Result<u64, VaultError> {
    let mut messages = 0;
    // SQLite allows 32,766 parameters per statement; stay far below.
    for chunk in ids.chunks(500) {
        let list = vec!["?"; chunk.len()].join(",");
        let params = rusqlite::params_from_iter(chunk);
        tx.execute(
            &format!("DELETE FROM drafts WHERE conversation_id IN ({list})"),
            params.clone(),
        )?;
        messages += tx.execute(
            &format!("DELETE FROM messages WHERE conversation_id IN ({list})"),
            params.clone(),
        )?;
        tx.execute(
            &format!("DELETE FROM conversations WHERE id IN ({list})"),
            params,
        )?;
    }
    Ok(count(messages))
}

/// Contacts left with no conversation and no lead record go too. A contact who
/// opted out is kept as a bare opt-out record (id and date, no name) so the
/// request is still honoured if they appear again.
fn delete_orphan_contacts(tx: &Transaction<'_>) -> Result<u64, VaultError> {
    const ORPHAN: &str =
        "NOT EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = contacts.id)
         AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.contact_id = contacts.id)";
    tx.execute(
        &format!("UPDATE contacts SET name = NULL WHERE opted_out_at IS NOT NULL AND {ORPHAN}"),
        [],
    )?;
    let deleted = tx.execute(
        &format!("DELETE FROM contacts WHERE opted_out_at IS NULL AND {ORPHAN}"),
        [],
    )?;
    Ok(count(deleted))
}

fn sanitize_bodies(tx: &Transaction<'_>, before: i64, now_ms: i64) -> Result<u64, VaultError> {
    let sanitized = tx.execute(
        "UPDATE messages SET body = NULL, attachments = '[]', body_removed_at = ?2
         WHERE sent_at < ?1 AND body_removed_at IS NULL AND (body IS NOT NULL OR attachments != '[]')",
        params![before, now_ms],
    )?;
    // Drafts quote the conversation; those no longer waiting for review lose their text too.
    tx.execute(
        "UPDATE drafts SET text = NULL, original_text = NULL
         WHERE updated_at < ?1 AND status NOT IN ('queued', 'pending') AND (text IS NOT NULL OR original_text IS NOT NULL)",
        [before],
    )?;
    Ok(count(sanitized))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{message_on, vault};
    use leadbox_channels::events::{Direction, Event};

    const NOW: i64 = 1_000 * DAY_MS;

    fn days_ago(days: i64) -> i64 {
        NOW - days * DAY_MS
    }

    fn seed(vault: &mut Vault) {
        let events = vec![
            message_on(
                RouteKind::Instagram,
                "i1",
                "ig-old",
                Some("Old"),
                "old chat",
                days_ago(120),
                Direction::Inbound,
            ),
            message_on(
                RouteKind::Instagram,
                "i2",
                "ig-soon",
                Some("Soon"),
                "soon",
                days_ago(88),
                Direction::Inbound,
            ),
            message_on(
                RouteKind::Instagram,
                "i3",
                "ig-new",
                Some("New"),
                "fresh",
                days_ago(1),
                Direction::Inbound,
            ),
            message_on(
                RouteKind::Whatsapp,
                "w1",
                "346",
                Some("Wa"),
                "whatsapp chat",
                days_ago(40),
                Direction::Inbound,
            ),
            message_on(
                RouteKind::Messenger,
                "f1",
                "psid",
                Some("Fb"),
                "messenger chat",
                days_ago(95),
                Direction::Inbound,
            ),
        ];
        vault.ingest(&[events]).unwrap();
    }

    fn remaining(vault: &Vault) -> Vec<String> {
        let mut names: Vec<_> = vault
            .conversations()
            .unwrap()
            .into_iter()
            .map(|c| c.display_name)
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_default_policy_deletes_conversations_inactive_for_90_days() {
        let (_dir, mut vault) = vault();
        seed(&mut vault);
        let report = vault.run_retention(NOW).unwrap();
        assert_eq!((report.conversations, report.messages), (2, 2));
        assert_eq!(remaining(&vault), ["New", "Soon", "Wa"]);
        assert!(
            vault.search("old", 10).unwrap().is_empty(),
            "gone from search too"
        );
        assert!(
            vault.run_retention(NOW).unwrap().is_empty(),
            "a second run finds nothing"
        );
    }

    #[test]
    fn per_channel_overrides_and_never() {
        let (_dir, mut vault) = vault();
        seed(&mut vault);
        let mut policy = RetentionPolicy::default();
        policy.per_channel.insert(RouteKind::Whatsapp, Some(30));
        policy.per_channel.insert(RouteKind::Messenger, None);
        vault.set_retention_policy(&policy).unwrap();
        vault.run_retention(NOW).unwrap();
        assert_eq!(remaining(&vault), ["Fb", "New", "Soon"]);
    }

    #[test]
    fn the_preview_lists_what_the_next_week_deletes_and_matches_the_run() {
        let (_dir, mut vault) = vault();
        seed(&mut vault);
        let preview = vault.retention_preview(NOW, 7 * DAY_MS).unwrap();
        let planned: Vec<_> = preview
            .conversations
            .iter()
            .map(|p| (p.display_name.as_str(), p.deletes_at <= NOW))
            .collect();
        assert_eq!(planned, [("Old", true), ("Fb", true), ("Soon", false)]);
        let due_now: Vec<i64> = preview
            .conversations
            .iter()
            .filter(|p| p.deletes_at <= NOW)
            .map(|p| p.conversation_id)
            .collect();
        let before: Vec<i64> = vault
            .conversations()
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        vault.run_retention(NOW).unwrap();
        let after: Vec<i64> = vault
            .conversations()
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        let mut deleted: Vec<i64> = before
            .into_iter()
            .filter(|id| !after.contains(id))
            .collect();
        deleted.sort_unstable();
        let mut expected = due_now;
        expected.sort_unstable();
        assert_eq!(deleted, expected);
        // Two days later, "Soon" is due, exactly as previewed.
        let report = vault.run_retention(NOW + 2 * DAY_MS).unwrap();
        assert_eq!(report.conversations, 1);
        assert_eq!(remaining(&vault), ["New", "Wa"]);
    }

    #[test]
    fn an_unsaved_policy_is_previewed_without_being_saved() {
        let (_dir, mut vault) = vault();
        seed(&mut vault);
        let mut policy = RetentionPolicy::default();
        policy.per_channel.insert(RouteKind::Whatsapp, Some(30));
        policy.per_channel.insert(RouteKind::Messenger, None);
        let names = |preview: RetentionPreview| -> Vec<String> {
            preview
                .conversations
                .into_iter()
                .map(|p| p.display_name)
                .collect()
        };
        let trial = names(vault.retention_preview_of(&policy, NOW, 0).unwrap());
        assert!(trial.contains(&"Wa".to_owned()), "{trial:?}");
        assert!(!trial.contains(&"Fb".to_owned()), "{trial:?}");
        assert_eq!(
            vault.retention_policy().unwrap(),
            RetentionPolicy::default()
        );
        // What the trial named is exactly what the policy deletes once saved.
        vault.set_retention_policy(&policy).unwrap();
        assert_eq!(names(vault.retention_preview(NOW, 0).unwrap()), trial);

        policy.per_channel.insert(RouteKind::Instagram, Some(0));
        assert!(vault.retention_preview_of(&policy, NOW, 0).is_err());
    }

    #[test]
    fn leads_follow_their_own_rule() {
        let (_dir, mut vault) = vault();
        seed(&mut vault);
        let old_contact: i64 = vault
            .conn
            .query_row(
                "SELECT id FROM contacts WHERE platform_contact_id = 'ig-old'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        vault
            .conn
            .execute(
                "INSERT INTO leads (contact_id, name, updated_at) VALUES (?1, 'Old Lead', ?2)",
                params![old_contact, days_ago(100)],
            )
            .unwrap();
        let report = vault.run_retention(NOW).unwrap();
        assert_eq!(report.conversations, 2);
        assert_eq!(report.leads, 0, "the lead outlives its chat");
        assert!(vault.lead(old_contact).unwrap().is_some());
        let report = vault.run_retention(NOW + 300 * DAY_MS).unwrap();
        assert_eq!(report.leads, 1);
        assert!(report.contacts >= 1);
        assert!(vault.lead(old_contact).unwrap().is_none());
    }

    #[test]
    fn sanitizing_keeps_the_conversation_but_not_the_text() {
        let (_dir, mut vault) = vault();
        seed(&mut vault);
        vault
            .set_retention_policy(&RetentionPolicy {
                delete_inactive_after_days: None,
                sanitize_bodies_after_days: Some(30),
                ..RetentionPolicy::default()
            })
            .unwrap();
        let report = vault.run_retention(NOW).unwrap();
        assert_eq!((report.conversations, report.bodies_sanitized), (0, 4));
        assert_eq!(vault.conversations().unwrap().len(), 5);
        assert!(vault.search("whatsapp", 10).unwrap().is_empty());
        assert_eq!(vault.search("fresh", 10).unwrap().len(), 1);
    }

    #[test]
    fn opted_out_contacts_stay_as_bare_records() {
        let (_dir, mut vault) = vault();
        vault
            .ingest(&[vec![
                message_on(
                    RouteKind::Instagram,
                    "i1",
                    "u1",
                    Some("Quiet"),
                    "hi",
                    days_ago(200),
                    Direction::Inbound,
                ),
                message_on(
                    RouteKind::Instagram,
                    "i2",
                    "u1",
                    Some("Quiet"),
                    "STOP",
                    days_ago(199),
                    Direction::Inbound,
                ),
            ]])
            .unwrap();
        vault.run_retention(NOW).unwrap();
        let (name, opted): (Option<String>, bool) = vault
            .conn
            .query_row(
                "SELECT name, opted_out_at IS NOT NULL FROM contacts WHERE platform_contact_id = 'u1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((name, opted), (None, true));
    }

    #[test]
    fn bad_periods_are_refused_and_the_old_policy_kept() {
        let (_dir, vault) = vault();
        let bad = RetentionPolicy {
            delete_inactive_after_days: Some(0),
            ..RetentionPolicy::default()
        };
        let error = vault.set_retention_policy(&bad).unwrap_err();
        assert!(error.to_string().contains("between 1 and 3650"));
        assert_eq!(
            vault.retention_policy().unwrap(),
            RetentionPolicy::default()
        );
    }

    #[test]
    fn the_index_strategy_follows_the_share_of_the_vault_that_goes() {
        assert_eq!(IndexStrategy::choose(10, 1_000_000), IndexStrategy::Scrub);
        assert_eq!(
            IndexStrategy::choose(50_000, 1_000_000),
            IndexStrategy::Merge
        );
        assert_eq!(
            IndexStrategy::choose(400_000, 1_000_000),
            IndexStrategy::Rebuild
        );
        assert_eq!(IndexStrategy::choose(5_000, 5_000), IndexStrategy::Rebuild);
    }

    /// FTS5 compares the index with the messages table; an error means stale
    /// entries. (Every test message has text: rows without text have no index
    /// entry, which the check would also report.)
    fn index_matches_messages(vault: &Vault) -> bool {
        vault
            .conn
            .execute(
                "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .is_ok()
    }

    fn many_old_and_one_new(vault: &mut Vault) {
        let mut events: Vec<Event> = (0..3_000)
            .map(|n| {
                message_on(
                    RouteKind::Instagram,
                    &format!("old{n}"),
                    &format!("lead{}", n / 10),
                    Some(&format!("Quetzal {}", n / 10)),
                    &format!("zanzibar trip {n}"),
                    days_ago(200),
                    Direction::Inbound,
                )
            })
            .collect();
        events.push(message_on(
            RouteKind::Instagram,
            "new",
            "recent",
            None,
            "zanzibar again",
            days_ago(1),
            Direction::Inbound,
        ));
        vault.ingest(&[events]).unwrap();
    }

    #[test]
    fn a_purge_of_most_of_the_vault_rebuilds_the_index_without_the_deleted_text() {
        let (_dir, mut vault) = vault();
        many_old_and_one_new(&mut vault);
        let report = vault.run_retention(NOW).unwrap();
        assert_eq!(report.messages, 3_000);
        let hits = vault.search("zanzibar", 50).unwrap();
        assert_eq!(hits.len(), 1, "only the recent message is still found");
        assert!(
            vault.search("quetzal", 50).unwrap().is_empty(),
            "the purged contacts' names are gone from the index"
        );
        assert!(index_matches_messages(&vault));
        // The delete trigger is back: a later erasure still scrubs the index.
        vault
            .erase_person(&"instagram:recent".parse().unwrap())
            .unwrap();
        assert!(vault.search("zanzibar", 50).unwrap().is_empty());
        assert!(index_matches_messages(&vault));
    }

    #[test]
    fn opening_after_a_purge_died_mid_way_rebuilds_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = crate::InMemorySecretStore::default();
        let open = || {
            Vault::open_or_create(dir.path(), &secrets)
                .unwrap()
                .into_vault()
        };
        let mut vault = open();
        many_old_and_one_new(&mut vault);
        // What a purge leaves when killed between dropping the trigger and the rebuild.
        vault
            .conn
            .execute_batch(
                "DROP TRIGGER messages_fts_delete;
                 DELETE FROM drafts; DELETE FROM messages WHERE platform_message_id LIKE 'old%';",
            )
            .unwrap();
        assert!(!index_matches_messages(&vault));
        drop(vault);
        let vault = open();
        assert!(index_matches_messages(&vault));
        assert_eq!(vault.search("zanzibar", 50).unwrap().len(), 1);
    }
}

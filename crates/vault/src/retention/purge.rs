//! The purge: applying the retention policy, in chunks that each hold the
//! vault's write turn briefly, with the search index kept free of deleted text.

use leadbox_channels::Platform;
use rusqlite::{Transaction, params};

use super::{BULK_PURGE_MESSAGES, PURGE_CHUNK, RetentionPolicy, RetentionReport, count, cutoff};
use crate::pool::WriteTurns;
use crate::{Vault, VaultError};

impl Vault {
    /// Applies the retention policy as of `now_ms`, on this connection alone.
    pub fn run_retention(&mut self, now_ms: i64) -> Result<RetentionReport, VaultError> {
        self.run_retention_in_turns(now_ms, &WriteTurns::Unshared)
    }

    /// Applies the retention policy as of `now_ms`. Each write (a chunk of
    /// conversations, the index's upkeep) takes the pool's write turn and
    /// hands it on after, so sync and the window write in between.
    pub(crate) fn run_retention_in_turns(
        &mut self,
        now_ms: i64,
        turns: &WriteTurns<'_>,
    ) -> Result<RetentionReport, VaultError> {
        let policy = self.retention_policy()?;
        let mut report = RetentionReport::default();
        let due = self.due_messages(&policy, now_ms)?;
        // Counting every message is only worth it when the purge is large.
        let strategy = if due <= BULK_PURGE_MESSAGES {
            IndexStrategy::Scrub
        } else {
            IndexStrategy::choose(due, self.message_count()?)
        };
        turns.with(|| match strategy {
            IndexStrategy::Scrub => Ok(()),
            IndexStrategy::Merge => self.set_index_secure_delete(false),
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
                Ok(())
            }
        })?;
        for platform in Platform::ALL {
            if let Some(days) = policy.days_for(platform) {
                self.purge_conversations(platform, cutoff(now_ms, days), &mut report, turns)?;
            }
        }
        turns.with(|| {
            let tx = self.write_transaction()?;
            if let Some(days) = policy.keep_leads_days {
                let before = cutoff(now_ms, days);
                report.leads =
                    count(tx.execute("DELETE FROM leads WHERE updated_at < ?1", [before])?);
                report.lead_forms =
                    count(tx.execute("DELETE FROM lead_forms WHERE created_at < ?1", [before])?);
            }
            report.contacts = delete_orphan_contacts(&tx)?;
            if let Some(days) = policy.sanitize_bodies_after_days {
                report.bodies_sanitized = sanitize_bodies(&tx, cutoff(now_ms, days), now_ms)?;
            }
            tx.commit()?;
            Ok(())
        })?;
        match strategy {
            IndexStrategy::Scrub => {}
            IndexStrategy::Merge => turns.with(|| {
                // One merge of the whole index drops every deleted entry at once,
                // far cheaper than scrubbing row by row; then back to scrubbing.
                self.conn.execute(
                    "INSERT INTO messages_fts(messages_fts) VALUES ('optimize')",
                    [],
                )?;
                self.set_index_secure_delete(true)
            })?,
            IndexStrategy::Rebuild => {
                for index in &SEARCH_INDEXES {
                    turns.with(|| self.rebuild_index(index))?;
                }
            }
        }
        if !report.is_empty() {
            turns.with(|| {
                self.forget_deleted_text()?;
                self.audit("retention_run", &report.to_string())
            })?;
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
        let tx = self.write_transaction()?;
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
        for platform in Platform::ALL {
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
        platform: Platform,
        before: i64,
        report: &mut RetentionReport,
        turns: &WriteTurns<'_>,
    ) -> Result<(), VaultError> {
        loop {
            let finished = turns.with(|| {
                let tx = self.write_transaction()?;
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
                    return Ok(true);
                }
                report.messages += delete_conversations(&tx, &ids)?;
                report.conversations += count(ids.len());
                tx.commit()?;
                Ok(false)
            })?;
            if finished {
                return Ok(());
            }
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
pub(super) enum IndexStrategy {
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
    pub(super) fn choose(due: u64, total: u64) -> IndexStrategy {
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
        &format!(
            "UPDATE drafts SET text = NULL, original_text = NULL
             WHERE updated_at < ?1 AND status IN {settled} AND (text IS NOT NULL OR original_text IS NOT NULL)",
            settled = crate::DraftStatus::sql_set(&crate::DraftStatus::SETTLED)
        ),
        [before],
    )?;
    Ok(count(sanitized))
}

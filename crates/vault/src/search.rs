//! Full-text search over message bodies and contact names.

use leadbox_channels::Platform;
use rusqlite::params;
use serde::Serialize;

use crate::ingest::display_name;
use crate::{Vault, VaultError};

/// Private-use characters mark matches inside a snippet; they cannot come from
/// the FTS index's own output, and the snippet is split on them before it
/// leaves the vault, so the UI never has to parse markup.
const HIT_START: char = '\u{E000}';
const HIT_END: char = '\u{E001}';

/// One run of snippet text; `hit` runs matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SearchHit {
    pub conversation_id: i64,
    /// The matching message, or `None` when the contact's name matched.
    pub message_id: Option<i64>,
    pub platform: Platform,
    pub display_name: String,
    pub sent_at: i64,
    pub snippet: Vec<SnippetPart>,
}

/// Turns what the owner typed into an FTS5 query: every word must appear, the
/// last one as a prefix (search as you type). Operators and quotes typed by the
/// owner are treated as text, never as query syntax.
pub fn fts_query(typed: &str) -> Option<String> {
    let words: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut query = rest.join(" ");
    if !query.is_empty() {
        query.push(' ');
    }
    query.push_str(last);
    query.push('*');
    Some(query)
}

fn split_snippet(marked: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for c in marked.chars() {
        if c == HIT_START || c == HIT_END {
            if !current.is_empty() {
                parts.push(SnippetPart {
                    text: std::mem::take(&mut current),
                    hit,
                });
            }
            hit = c == HIT_START;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart { text: current, hit });
    }
    parts
}

impl Vault {
    /// Messages and contacts matching `typed`, best matches first, at most `limit`.
    pub fn search(&self, typed: &str, limit: usize) -> Result<Vec<SearchHit>, VaultError> {
        let Some(query) = fts_query(typed) else {
            return Ok(Vec::new());
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut hits = self.search_contacts(&query, limit)?;
        // Newest first: FTS5 walks its index in rowid order and stops at the
        // limit, so a common word costs no more than a rare one. A bulk purge
        // rebuilds the index only once it has deleted everything due, so
        // until then (readers see each chunk it commits) the index can name
        // deleted rows: those are skipped before `snippet` reads their text.
        let mut statement = self.conn.prepare_cached(
            "WITH hits AS (
                 SELECT rowid AS id, snippet(messages_fts, 0, ?2, ?3, '…', 12) AS snippet
                 FROM messages_fts WHERE messages_fts MATCH ?1
                   AND EXISTS (SELECT 1 FROM messages m WHERE m.id = messages_fts.rowid)
                 ORDER BY rowid DESC LIMIT ?4
             )
             SELECT m.conversation_id, m.id, a.platform, ct.platform_contact_id, ct.name, m.sent_at, hits.snippet
             FROM hits
             JOIN messages m ON m.id = hits.id
             JOIN conversations c ON c.id = m.conversation_id
             JOIN accounts a ON a.id = c.account_id
             JOIN contacts ct ON ct.id = c.contact_id
             ORDER BY m.id DESC",
        )?;
        let rows = statement.query_map(
            params![query, HIT_START.to_string(), HIT_END.to_string(), limit],
            |r| {
                let platform: Platform = crate::text_enum::parsed(r, 2)?;
                let contact_id: String = r.get(3)?;
                let name: Option<String> = r.get(4)?;
                Ok(SearchHit {
                    conversation_id: r.get(0)?,
                    message_id: Some(r.get(1)?),
                    platform,
                    display_name: display_name(platform, name.as_deref(), &contact_id),
                    sent_at: r.get(5)?,
                    snippet: split_snippet(&r.get::<_, String>(6)?),
                })
            },
        )?;
        for row in rows {
            hits.push(row?);
        }
        hits.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(hits)
    }

    fn search_contacts(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>, VaultError> {
        let mut statement = self.conn.prepare_cached(
            "WITH hits AS (
                 SELECT rowid AS id, highlight(contacts_fts, 0, ?2, ?3) AS marked
                 FROM contacts_fts WHERE contacts_fts MATCH ?1
                   AND EXISTS (SELECT 1 FROM contacts ct WHERE ct.id = contacts_fts.rowid)
                 ORDER BY rowid DESC LIMIT ?4
             )
             SELECT c.id, a.platform, ct.platform_contact_id, ct.name, c.last_message_at, hits.marked
             FROM hits
             JOIN contacts ct ON ct.id = hits.id
             JOIN conversations c ON c.contact_id = ct.id
             JOIN accounts a ON a.id = c.account_id
             ORDER BY c.last_message_at DESC",
        )?;
        let rows = statement.query_map(
            params![query, HIT_START.to_string(), HIT_END.to_string(), limit],
            |r| {
                let platform: Platform = crate::text_enum::parsed(r, 1)?;
                let contact_id: String = r.get(2)?;
                let name: Option<String> = r.get(3)?;
                Ok(SearchHit {
                    conversation_id: r.get(0)?,
                    message_id: None,
                    platform,
                    display_name: display_name(platform, name.as_deref(), &contact_id),
                    sent_at: r.get(4)?,
                    snippet: split_snippet(&r.get::<_, String>(5)?),
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{inbound, vault};
    use proptest::prelude::*;

    #[test]
    fn typed_text_becomes_a_safe_prefix_query() {
        assert_eq!(
            fts_query("wedding pri").as_deref(),
            Some("\"wedding\" \"pri\"*")
        );
        assert_eq!(
            fts_query("a\" OR body:x NEAR(").as_deref(),
            Some("\"a\" \"OR\" \"body\" \"x\" \"NEAR\"*")
        );
        assert_eq!(fts_query("  ,;  "), None);
    }

    #[test]
    fn messages_and_names_are_found_with_highlights() {
        let (_dir, mut vault) = vault();
        vault
            .ingest(&[vec![
                inbound("m1", "u1", Some("Ana Lima"), "Do you do bridal makeup?", 10),
                inbound("m2", "u2", Some("Bruno"), "Price for a haircut", 20),
                inbound("m3", "u3", Some("Anabel"), "hello", 30),
            ]])
            .unwrap();
        let hits = vault.search("bridal", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].display_name, "Ana Lima");
        assert!(hits[0].snippet.iter().any(|p| p.hit && p.text == "bridal"));
        let names: Vec<_> = vault
            .search("ana", 10)
            .unwrap()
            .into_iter()
            .map(|h| h.display_name)
            .collect();
        assert_eq!(
            names,
            ["Anabel", "Ana Lima"],
            "name matches, most recent first"
        );
        assert!(vault.search("hairc", 10).unwrap()[0].message_id.is_some());
        assert!(vault.search("wedding", 10).unwrap().is_empty());
    }

    #[test]
    fn accents_are_ignored() {
        let (_dir, mut vault) = vault();
        vault
            .ingest(&[vec![inbound(
                "m1",
                "u1",
                None,
                "¿Cuánto cuesta el corte?",
                10,
            )]])
            .unwrap();
        assert_eq!(vault.search("cuanto", 10).unwrap().len(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_typed_text_is_a_valid_query(typed in "\\PC{0,40}") {
            let (_dir, vault) = vault();
            prop_assert!(vault.search(&typed, 5).is_ok());
        }
    }
}

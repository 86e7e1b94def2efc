//! Saved replies: the owner's own answers kept for reuse (opening hours,
//! prices, directions), with placeholders such as `{first_name}` that are
//! filled when one is inserted. They belong to the business, not to a lead,
//! so erasure and retention leave them; export and backup carry them.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Vault, VaultError};
use leadbox_channels::now_ms;

/// Longest title, in characters: it has to fit one line of the picker.
pub const SAVED_REPLY_TITLE_MAX: usize = 80;
/// Longest text, in characters: more than any platform sends in one message
/// would be refused when sent anyway.
pub const SAVED_REPLY_TEXT_MAX: usize = 4096;
/// How many saved replies a vault keeps; a list longer than this is no
/// longer something anyone picks from.
pub const MAX_SAVED_REPLIES: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SavedReply {
    pub id: i64,
    pub title: String,
    pub text: String,
    pub updated_at: i64,
}

fn saved_reply(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedReply> {
    Ok(SavedReply {
        id: r.get(0)?,
        title: r.get(1)?,
        text: r.get(2)?,
        updated_at: r.get(3)?,
    })
}

/// Whether every word of `query` is in the reply's title or text, in any case.
fn matches(reply: &SavedReply, words: &[String]) -> bool {
    let haystack = format!("{}\n{}", reply.title, reply.text).to_lowercase();
    words.iter().all(|word| haystack.contains(word.as_str()))
}

fn checked<'a>(title: &'a str, text: &'a str) -> Result<(&'a str, &'a str), VaultError> {
    let (title, text) = (title.trim(), text.trim());
    if title.is_empty() || text.is_empty() {
        return Err(VaultError::Invalid(
            "a saved reply needs a title and a text".into(),
        ));
    }
    if title.chars().count() > SAVED_REPLY_TITLE_MAX {
        return Err(VaultError::Invalid(format!(
            "a saved reply's title can be at most {SAVED_REPLY_TITLE_MAX} characters"
        )));
    }
    if text.chars().count() > SAVED_REPLY_TEXT_MAX {
        return Err(VaultError::Invalid(format!(
            "a saved reply can be at most {SAVED_REPLY_TEXT_MAX} characters"
        )));
    }
    Ok((title, text))
}

impl Vault {
    /// The saved replies whose title or text holds every word of `query`
    /// (all of them for an empty query), by title.
    pub fn saved_replies(&self, query: &str) -> Result<Vec<SavedReply>, VaultError> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut statement = self.conn.prepare_cached(
            "SELECT id, title, text, updated_at FROM saved_replies ORDER BY title COLLATE NOCASE, id",
        )?;
        let all = statement
            .query_map([], saved_reply)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(all
            .into_iter()
            .filter(|reply| matches(reply, &words))
            .collect())
    }

    pub fn saved_reply(&self, id: i64) -> Result<SavedReply, VaultError> {
        self.conn
            .query_row(
                "SELECT id, title, text, updated_at FROM saved_replies WHERE id = ?1",
                [id],
                saved_reply,
            )
            .optional()?
            .ok_or(VaultError::NotFound("saved reply"))
    }

    /// Saves a new reply (`id` None) or changes one.
    pub fn save_saved_reply(
        &self,
        id: Option<i64>,
        title: &str,
        text: &str,
    ) -> Result<SavedReply, VaultError> {
        let (title, text) = checked(title, text)?;
        let now = now_ms();
        let id = match id {
            Some(id) => {
                let changed = self.conn.execute(
                    "UPDATE saved_replies SET title = ?2, text = ?3, updated_at = ?4 WHERE id = ?1",
                    params![id, title, text, now],
                )?;
                if changed == 0 {
                    return Err(VaultError::NotFound("saved reply"));
                }
                self.audit("saved_reply_changed", &format!("saved reply {id}"))?;
                id
            }
            None => {
                let count: i64 =
                    self.conn
                        .query_row("SELECT count(*) FROM saved_replies", [], |r| r.get(0))?;
                if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_SAVED_REPLIES {
                    return Err(VaultError::Invalid(format!(
                        "you have {MAX_SAVED_REPLIES} saved replies, the most Leadbox keeps; delete one you no longer use first"
                    )));
                }
                self.conn.execute(
                    "INSERT INTO saved_replies (title, text, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                    params![title, text, now],
                )?;
                let id = self.conn.last_insert_rowid();
                self.audit("saved_reply_added", &format!("saved reply {id}"))?;
                id
            }
        };
        self.saved_reply(id)
    }

    pub fn delete_saved_reply(&self, id: i64) -> Result<(), VaultError> {
        let deleted = self
            .conn
            .execute("DELETE FROM saved_replies WHERE id = ?1", [id])?;
        if deleted == 0 {
            return Err(VaultError::NotFound("saved reply"));
        }
        self.audit("saved_reply_deleted", &format!("saved reply {id}"))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::testing::vault;

    #[test]
    fn saved_replies_are_found_by_every_word_in_any_case() {
        let (_dir, vault) = vault();
        let hours = vault
            .save_saved_reply(
                None,
                "Opening hours",
                "We open Tuesday to Saturday, 9 to 7.",
            )
            .unwrap();
        vault
            .save_saved_reply(None, "Prices", "A cut is €25; colour from €60.")
            .unwrap();
        let titles = |query: &str| -> Vec<String> {
            vault
                .saved_replies(query)
                .unwrap()
                .into_iter()
                .map(|r| r.title)
                .collect()
        };
        assert_eq!(titles(""), ["Opening hours", "Prices"]);
        assert_eq!(titles("SATURDAY open"), ["Opening hours"]);
        assert_eq!(titles("colour"), ["Prices"]);
        assert!(titles("saturday colour").is_empty());

        let changed = vault
            .save_saved_reply(Some(hours.id), "Hours", "Closed on Mondays.")
            .unwrap();
        assert_eq!(changed.id, hours.id);
        assert_eq!(titles("mondays"), ["Hours"]);
        vault.delete_saved_reply(hours.id).unwrap();
        assert_eq!(titles(""), ["Prices"]);
        assert!(matches!(
            vault.delete_saved_reply(hours.id),
            Err(VaultError::NotFound(_))
        ));
    }

    #[test]
    fn a_saved_reply_that_breaks_a_limit_is_refused_and_changes_nothing() {
        let (_dir, vault) = vault();
        let kept = vault.save_saved_reply(None, "Hours", "9 to 7.").unwrap();
        let too_long_title = "t".repeat(SAVED_REPLY_TITLE_MAX + 1);
        let too_long_text = "x".repeat(SAVED_REPLY_TEXT_MAX + 1);
        for (title, text) in [
            ("", "text"),
            ("title", "   "),
            (too_long_title.as_str(), "text"),
            ("title", too_long_text.as_str()),
        ] {
            assert!(matches!(
                vault.save_saved_reply(Some(kept.id), title, text),
                Err(VaultError::Invalid(_))
            ));
        }
        assert_eq!(vault.saved_replies("").unwrap(), vec![kept]);
        // The limits count characters, not bytes.
        let accented = "é".repeat(SAVED_REPLY_TITLE_MAX);
        assert!(vault.save_saved_reply(None, &accented, "ok").is_ok());
    }

    #[test]
    fn no_more_than_the_most_saved_replies_are_kept() {
        let (_dir, vault) = vault();
        for n in 0..MAX_SAVED_REPLIES {
            vault
                .save_saved_reply(None, &format!("reply {n}"), "text")
                .unwrap();
        }
        assert!(matches!(
            vault.save_saved_reply(None, "one more", "text"),
            Err(VaultError::Invalid(_))
        ));
        assert_eq!(vault.saved_replies("").unwrap().len(), MAX_SAVED_REPLIES);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the owner types, it is stored as typed (trimmed) or
        /// refused, and a search for any word of it finds it.
        #[test]
        fn any_title_and_text_is_kept_or_refused(title in "\\PC{0,90}", text in "\\PC{0,200}") {
            let (_dir, vault) = vault();
            match vault.save_saved_reply(None, &title, &text) {
                Ok(saved) => {
                    prop_assert_eq!(&saved.title, title.trim());
                    prop_assert_eq!(&saved.text, text.trim());
                    for word in text.split_whitespace().take(3) {
                        prop_assert!(vault.saved_replies(word).unwrap().contains(&saved));
                    }
                }
                Err(VaultError::Invalid(_)) => prop_assert!(vault.saved_replies("").unwrap().is_empty()),
                Err(other) => prop_assert!(false, "unexpected error {other}"),
            }
        }
    }
}

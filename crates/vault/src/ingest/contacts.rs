//! The people behind messages: their opt-out and how they are named.

use super::*;

pub(super) fn set_opt_out(
    tx: &Transaction<'_>,
    account_id: i64,
    contact_id: &str,
    opted_out: bool,
) -> rusqlite::Result<()> {
    exec(tx,
        "UPDATE contacts SET opted_out_at = CASE WHEN ?3 THEN COALESCE(opted_out_at, ?4) ELSE NULL END
         WHERE account_id = ?1 AND platform_contact_id = ?2",
        params![account_id, contact_id, opted_out, now_ms()],
    )?;
    exec(
        tx,
        "INSERT INTO audit_log (at, action, detail) SELECT ?1, ?2, 'contact ' || id FROM contacts
         WHERE account_id = ?3 AND platform_contact_id = ?4",
        params![
            now_ms(),
            if opted_out {
                "contact_opted_out"
            } else {
                "contact_opted_in"
            },
            account_id,
            contact_id
        ],
    )?;
    Ok(())
}

/// The name to show for a contact: their platform name, or a neutral label.
pub(crate) fn display_name(
    platform: Platform,
    name: Option<&str>,
    platform_contact_id: &str,
) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => name.to_owned(),
        None => {
            // Who, not where: a website's person is its visitor.
            let platform = match platform {
                Platform::Website => "Website visitor",
                other => other.label(),
            };
            let tail: String = platform_contact_id
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if platform.ends_with("visitor") {
                format!("{platform} …{tail}")
            } else {
                format!("{platform} user …{tail}")
            }
        }
    }
}

pub(super) fn first_words(text: &str) -> String {
    const LIMIT: usize = 80;
    let mut words = String::new();
    for word in text.split_whitespace() {
        if words.chars().count() + word.chars().count() + 1 > LIMIT {
            words.push('…');
            break;
        }
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(word);
    }
    words
}

//! Erasing one person: every row that names them, the search index entries
//! for their messages, and the free pages those rows occupied.

use std::collections::BTreeSet;
use std::str::FromStr;

use leadbox_channels::Platform;
use rusqlite::{Transaction, params};
use serde::Serialize;

use crate::retention::delete_conversations;
use crate::{Vault, VaultError};

/// Who to erase (or export), as the owner names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactSelector {
    /// `instagram:IGSID`, `messenger:PSID`, `whatsapp:WA_ID`.
    Platform(Platform, String),
    /// `@handle`: the name the platform gave the contact.
    Handle(String),
    /// `+34 600 000 000`: digits only, compared with WhatsApp ids and phone numbers in leads.
    Phone(String),
    /// An email address found in a lead or a lead-ad answer.
    Email(String),
}

const SELECTOR_HELP: &str = "name the person as instagram:ID, messenger:ID, whatsapp:NUMBER, @handle, +phone or an email address";

impl FromStr for ContactSelector {
    type Err = VaultError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let invalid = || VaultError::InvalidSelector(format!("`{text}`: {SELECTOR_HELP}"));
        if let Some((prefix, id)) = text.split_once(':')
            && let Ok(route) = prefix.trim().parse::<Platform>()
        {
            let id = id.trim();
            if id.is_empty() {
                return Err(invalid());
            }
            return Ok(ContactSelector::Platform(route, id.to_owned()));
        }
        if let Some(handle) = text.strip_prefix('@') {
            return if handle.is_empty() {
                Err(invalid())
            } else {
                Ok(ContactSelector::Handle(handle.to_owned()))
            };
        }
        if text.contains('@') {
            let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
            if local.is_empty() || !domain.contains('.') || text.contains(char::is_whitespace) {
                return Err(invalid());
            }
            return Ok(ContactSelector::Email(text.to_lowercase()));
        }
        let looks_like_phone = text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let digits = phone_digits(text);
        if looks_like_phone && digits.len() >= 6 {
            return Ok(ContactSelector::Phone(digits));
        }
        Err(invalid())
    }
}

impl std::fmt::Display for ContactSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContactSelector::Platform(route, id) => write!(f, "{route}:{id}"),
            ContactSelector::Handle(handle) => write!(f, "@{handle}"),
            ContactSelector::Phone(digits) => write!(f, "+{digits}"),
            ContactSelector::Email(email) => f.write_str(email),
        }
    }
}

pub(crate) fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// The contacts and lead-ad submissions that belong to one person.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PersonRows {
    pub contacts: BTreeSet<i64>,
    pub lead_forms: BTreeSet<i64>,
}

/// What an erasure removed, with the code the owner can quote to the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErasureReceipt {
    pub confirmation_code: String,
    pub contacts: u64,
    pub conversations: u64,
    pub messages: u64,
    pub leads: u64,
    pub lead_forms: u64,
}

impl std::fmt::Display for ErasureReceipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} contact(s), {} conversation(s), {} message(s), {} lead(s), {} lead form(s) erased",
            self.confirmation_code,
            self.contacts,
            self.conversations,
            self.messages,
            self.leads,
            self.lead_forms
        )
    }
}

fn confirmation_code() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    let hex = hex::encode_upper(bytes);
    format!("ER-{}-{}-{}", &hex[0..4], &hex[4..8], &hex[8..12])
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl Vault {
    /// Finds everything held about the person `selector` names. Contacts found
    /// by platform id or handle bring along the lead-ad submissions that share
    /// their email or phone, since those are the same person.
    pub(crate) fn find_person(&self, selector: &ContactSelector) -> Result<PersonRows, VaultError> {
        let mut rows = PersonRows::default();
        let mut emails = BTreeSet::new();
        let mut phones = BTreeSet::new();
        match selector {
            ContactSelector::Platform(route, id) => {
                let mut statement = self.conn.prepare_cached(
                    "SELECT ct.id FROM contacts ct JOIN accounts a ON a.id = ct.account_id
                     WHERE a.platform = ?1 AND ct.platform_contact_id = ?2",
                )?;
                for id in statement.query_map(params![route.as_str(), id], |r| r.get(0))? {
                    rows.contacts.insert(id?);
                }
            }
            ContactSelector::Handle(handle) => {
                let mut statement = self.conn.prepare_cached(
                    "SELECT id FROM contacts WHERE lower(name) = lower(?1) OR lower(name) = lower('@' || ?1)",
                )?;
                for id in statement.query_map([handle], |r| r.get(0))? {
                    rows.contacts.insert(id?);
                }
            }
            ContactSelector::Phone(digits) => {
                let mut statement = self.conn.prepare_cached(
                    "SELECT ct.id FROM contacts ct JOIN accounts a ON a.id = ct.account_id
                     WHERE a.platform = 'whatsapp' AND ct.platform_contact_id = ?1",
                )?;
                for id in statement.query_map([digits], |r| r.get(0))? {
                    rows.contacts.insert(id?);
                }
                phones.insert(digits.clone());
            }
            ContactSelector::Email(email) => {
                emails.insert(email.clone());
            }
        }
        // Leads link contacts to emails and phones in both directions.
        let mut statement = self
            .conn
            .prepare_cached("SELECT contact_id, emails, phones FROM leads")?;
        let leads = statement.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for lead in leads {
            let (contact, lead_emails, lead_phones) = lead?;
            let lead_emails: Vec<String> = serde_json::from_str::<Vec<String>>(&lead_emails)
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.to_lowercase())
                .collect();
            let lead_phones: Vec<String> = serde_json::from_str::<Vec<String>>(&lead_phones)
                .unwrap_or_default()
                .iter()
                .map(|p| phone_digits(p))
                .collect();
            let matches = rows.contacts.contains(&contact)
                || lead_emails.iter().any(|e| emails.contains(e))
                || lead_phones.iter().any(|p| phones.contains(p));
            if matches {
                rows.contacts.insert(contact);
                emails.extend(lead_emails);
                phones.extend(lead_phones);
            }
        }
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, email, phone FROM lead_forms")?;
        let forms = statement.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        for form in forms {
            let (id, email, phone) = form?;
            let email_matches = email.is_some_and(|e| emails.contains(&e.to_lowercase()));
            let phone_matches = phone.is_some_and(|p| phones.contains(&phone_digits(&p)));
            if email_matches || phone_matches {
                rows.lead_forms.insert(id);
            }
        }
        Ok(rows)
    }

    /// Erases everything held about one person. Nothing matching is an error,
    /// so a typo never reads as a completed erasure.
    pub fn erase_person(
        &mut self,
        selector: &ContactSelector,
    ) -> Result<ErasureReceipt, VaultError> {
        let rows = self.find_person(selector)?;
        if rows.contacts.is_empty() && rows.lead_forms.is_empty() {
            return Err(VaultError::NoSuchPerson(selector.to_string()));
        }
        self.erase_rows(&rows)
    }

    /// Erases every contact and lead-ad submission of one account (used when the
    /// owner disconnects an account and chooses to delete its conversations).
    pub fn erase_account_data(&mut self, account_id: i64) -> Result<ErasureReceipt, VaultError> {
        let mut rows = PersonRows::default();
        {
            let mut statement = self
                .conn
                .prepare_cached("SELECT id FROM contacts WHERE account_id = ?1")?;
            for id in statement.query_map([account_id], |r| r.get(0))? {
                rows.contacts.insert(id?);
            }
            let mut statement = self
                .conn
                .prepare_cached("SELECT id FROM lead_forms WHERE account_id = ?1")?;
            for id in statement.query_map([account_id], |r| r.get(0))? {
                rows.lead_forms.insert(id?);
            }
        }
        let receipt = self.erase_rows(&rows)?;
        // What the account was told about itself goes with its data.
        self.conn
            .execute("DELETE FROM mentions WHERE account_id = ?1", [account_id])?;
        self.conn.execute(
            "DELETE FROM account_notices WHERE account_id = ?1",
            [account_id],
        )?;
        Ok(receipt)
    }

    fn erase_rows(&mut self, rows: &PersonRows) -> Result<ErasureReceipt, VaultError> {
        let mut receipt = ErasureReceipt {
            confirmation_code: confirmation_code(),
            ..ErasureReceipt::default()
        };
        let tx = self.write_transaction()?;
        for contact in &rows.contacts {
            erase_contact(&tx, *contact, &mut receipt)?;
        }
        for form in &rows.lead_forms {
            receipt.lead_forms +=
                count(tx.execute("DELETE FROM lead_forms WHERE id = ?1", [form])?);
        }
        tx.commit()?;
        self.forget_deleted_text()?;
        let detail = receipt.to_string();
        self.audit("erasure", &detail)?;
        tracing::info!(code = %receipt.confirmation_code, contacts = receipt.contacts, messages = receipt.messages, "erased a person");
        Ok(receipt)
    }
}

fn erase_contact(
    tx: &Transaction<'_>,
    contact: i64,
    receipt: &mut ErasureReceipt,
) -> Result<(), VaultError> {
    let conversations: Vec<i64> = {
        let mut statement =
            tx.prepare_cached("SELECT id FROM conversations WHERE contact_id = ?1")?;
        statement
            .query_map([contact], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    receipt.messages += delete_conversations(tx, &conversations)?;
    receipt.conversations += count(conversations.len());
    receipt.leads += count(tx.execute("DELETE FROM leads WHERE contact_id = ?1", [contact])?);
    receipt.contacts += count(tx.execute("DELETE FROM contacts WHERE id = ?1", [contact])?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{inbound, message_on, vault};
    use leadbox_channels::events::Direction;
    use proptest::prelude::*;

    #[test]
    fn selectors_are_parsed_from_what_the_owner_types() {
        let parse = |t: &str| t.parse::<ContactSelector>().unwrap();
        assert_eq!(
            parse("instagram:1784"),
            ContactSelector::Platform(Platform::Instagram, "1784".into())
        );
        assert_eq!(
            parse("@ana.lima"),
            ContactSelector::Handle("ana.lima".into())
        );
        assert_eq!(
            parse("+34 600-123 456"),
            ContactSelector::Phone("34600123456".into())
        );
        assert_eq!(
            parse("Ana@Example.com"),
            ContactSelector::Email("ana@example.com".into())
        );
        for bad in ["", "@", "instagram:", "hello", "tiktok:1", "a@b", "12"] {
            let error = bad.parse::<ContactSelector>().unwrap_err();
            assert!(error.to_string().contains("@handle"), "{bad}: {error}");
        }
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panicking(text in "\\PC{0,60}") {
            let _ = text.parse::<ContactSelector>();
        }
    }

    /// A plaintext copy of the vault through `sqlcipher_export`, as the issue's
    /// check prescribes, read back as raw bytes.
    fn plaintext_bytes(vault: &Vault, dir: &std::path::Path) -> Vec<u8> {
        let path = dir.join(format!("plain-{}.db", uuid::Uuid::new_v4()));
        vault
            .conn
            .execute(
                "ATTACH DATABASE ?1 AS plaintext KEY ''",
                [path.to_str().unwrap()],
            )
            .unwrap();
        vault
            .conn
            .query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()))
            .unwrap();
        vault.conn.execute("DETACH DATABASE plaintext", []).unwrap();
        std::fs::read(path).unwrap()
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    }

    #[test]
    fn an_erased_person_leaves_no_trace_in_a_decrypted_copy() {
        let (dir, mut vault) = vault();
        vault
            .ingest(&[vec![
                inbound(
                    "m1",
                    "ig-zed",
                    Some("Zorabella Quint"),
                    "my email is zorabella@example.org zanzibarwedding",
                    10,
                ),
                inbound(
                    "m2",
                    "ig-zed",
                    Some("Zorabella Quint"),
                    "zanzibarwedding again please",
                    20,
                ),
                message_on(
                    Platform::Instagram,
                    "m3",
                    "ig-zed",
                    None,
                    "Sure! zanzibarwedding dates",
                    30,
                    Direction::Outbound,
                ),
                inbound(
                    "k1",
                    "ig-keep",
                    Some("Kept Person"),
                    "keeping this booking",
                    40,
                ),
            ]])
            .unwrap();
        let contact: i64 = vault
            .conn
            .query_row(
                "SELECT id FROM contacts WHERE platform_contact_id = 'ig-zed'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        vault
            .upsert_lead(
                contact,
                Some("Zorabella Quint"),
                r#"["zorabella@example.org"]"#,
                "[]",
                "booking",
                "high",
                "wants a zanzibarwedding",
            )
            .unwrap();
        let draft = vault.queued_drafts(5).unwrap()[0].id;
        let outcome = crate::DraftOutcome {
            text: "Hi Zorabella, happy to help".into(),
            flags_json: "[]".into(),
            provider: "offline".into(),
            model: None,
            latency_ms: 1,
            input_tokens: None,
            output_tokens: None,
        };
        assert!(vault.complete_draft(draft, &outcome).unwrap());
        vault
            .conn
            .execute(
                "INSERT INTO lead_forms (account_id, leadgen_id, created_at, status, next_attempt_at, name, email, answers)
                 VALUES (1, 'lg1', 5, 'fetched', 0, 'Zorabella Q', 'ZORABELLA@example.org', '{\"city\":\"zanzibarcity\"}')",
                [],
            )
            .unwrap();

        let before = plaintext_bytes(&vault, dir.path());
        for marker in ["Zorabella", "zanzibarwedding", "zanzibarcity", "ig-zed"] {
            assert!(
                contains(&before, marker),
                "the check can see {marker} before erasure"
            );
        }

        let receipt = vault
            .erase_person(&"instagram:ig-zed".parse().unwrap())
            .unwrap();
        assert_eq!(
            (
                receipt.contacts,
                receipt.conversations,
                receipt.messages,
                receipt.leads,
                receipt.lead_forms
            ),
            (1, 1, 3, 1, 1)
        );
        assert!(receipt.confirmation_code.starts_with("ER-"));

        let after = plaintext_bytes(&vault, dir.path());
        for marker in ["Zorabella", "zanzibar", "ig-zed", "example.org"] {
            assert!(!contains(&after, marker), "{marker} survived the erasure");
        }
        assert!(
            contains(&after, "keeping this booking"),
            "others are untouched"
        );
        assert_eq!(vault.search("keeping", 5).unwrap().len(), 1);
        let audit: String = vault
            .conn
            .query_row(
                "SELECT detail FROM audit_log WHERE action = 'erasure'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(audit.contains(&receipt.confirmation_code) && !audit.contains("Zorabella"));
    }

    #[test]
    fn a_phone_number_finds_the_whatsapp_contact_and_lead_forms() {
        let (_dir, mut vault) = vault();
        vault
            .ingest(&[vec![message_on(
                Platform::Whatsapp,
                "w1",
                "34600123456",
                Some("Pep"),
                "hola",
                10,
                Direction::Inbound,
            )]])
            .unwrap();
        vault
            .conn
            .execute(
                "INSERT INTO lead_forms (account_id, leadgen_id, created_at, status, next_attempt_at, phone)
                 VALUES (1, 'lg1', 5, 'fetched', 0, '+34 600 123 456')",
                [],
            )
            .unwrap();
        let receipt = vault
            .erase_person(&"+34600123456".parse().unwrap())
            .unwrap();
        assert_eq!((receipt.contacts, receipt.lead_forms), (1, 1));
        assert!(vault.conversations().unwrap().is_empty());
    }

    #[test]
    fn nobody_matching_is_an_error_and_nothing_changes() {
        let (_dir, mut vault) = vault();
        vault
            .ingest(&[vec![inbound("m1", "u1", Some("Ana"), "hi", 10)]])
            .unwrap();
        let error = vault.erase_person(&"@nobody".parse().unwrap()).unwrap_err();
        assert!(matches!(error, VaultError::NoSuchPerson(_)));
        assert_eq!(vault.conversations().unwrap().len(), 1);
    }
}

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
mod tests;

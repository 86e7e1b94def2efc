//! Lead-ad submissions and the fetching of their answers.

use rusqlite::params;
use serde::Serialize;

use crate::erasure::phone_digits;
use crate::{Vault, VaultError};

crate::text_enum::text_enum! {
    /// Where a lead-ad submission's answers are.
    pub enum LeadFormStatus {
        /// Not fetched from Meta yet (retried with backoff).
        Pending = "pending",
        Fetched = "fetched",
        /// Given up after the last retry.
        Failed = "failed",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct LeadForm {
    pub id: i64,
    /// The page's id.
    pub page_id: String,
    pub leadgen_id: String,
    pub form_id: Option<String>,
    pub ad_id: Option<String>,
    pub created_at: i64,
    pub status: LeadFormStatus,
    pub attempts: i64,
    /// The form's answers as Meta returned them: `[{name, values}]`.
    #[cfg_attr(
        feature = "typescript",
        ts(type = "Array<{ name: string, values: Array<string> }> | null")
    )]
    pub answers: serde_json::Value,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub error: Option<String>,
}

/// What was read from a form's answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeadFormAnswers {
    pub raw_json: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

const COLUMNS: &str = "f.id, a.platform_account_id, f.leadgen_id, f.form_id, f.ad_id, f.created_at, f.status, f.attempts,
    f.answers, f.name, f.email, f.phone, f.error";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LeadForm> {
    let answers: Option<String> = r.get(8)?;
    Ok(LeadForm {
        id: r.get(0)?,
        page_id: r.get(1)?,
        leadgen_id: r.get(2)?,
        form_id: r.get(3)?,
        ad_id: r.get(4)?,
        created_at: r.get(5)?,
        status: r.get(6)?,
        attempts: r.get(7)?,
        answers: answers
            .and_then(|a| serde_json::from_str(&a).ok())
            .unwrap_or(serde_json::Value::Null),
        name: r.get(9)?,
        email: r.get(10)?,
        phone: r.get(11)?,
        error: r.get(12)?,
    })
}

impl Vault {
    /// Every lead form, newest first: shown even while its answers are pending.
    pub fn lead_forms(&self) -> Result<Vec<LeadForm>, VaultError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM lead_forms f JOIN accounts a ON a.id = f.account_id ORDER BY f.created_at DESC, f.id DESC"
        ))?;
        let rows = statement.query_map([], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The lead-ad submissions of the person a contact is, matched (as for an
    /// erasure) by an email or phone read from their messages; newest first.
    pub fn contact_lead_forms(&self, contact_id: i64) -> Result<Vec<LeadForm>, VaultError> {
        let Some(details) = self.lead(contact_id)? else {
            return Ok(Vec::new());
        };
        let listed = |key: &str| -> Vec<String> {
            details[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let emails: Vec<String> = listed("emails").iter().map(|e| e.to_lowercase()).collect();
        let phones: Vec<String> = listed("phones")
            .iter()
            .map(|p| phone_digits(p))
            .filter(|p| !p.is_empty())
            .collect();
        if emails.is_empty() && phones.is_empty() {
            return Ok(Vec::new());
        }
        let forms = self.lead_forms()?;
        Ok(forms
            .into_iter()
            .filter(|form| {
                form.email
                    .as_deref()
                    .is_some_and(|e| emails.contains(&e.to_lowercase()))
                    || form
                        .phone
                        .as_deref()
                        .is_some_and(|p| phones.contains(&phone_digits(p)))
            })
            .collect())
    }

    /// Pending forms whose next attempt is due at `now_ms`.
    pub fn due_lead_forms(&self, now_ms: i64) -> Result<Vec<LeadForm>, VaultError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM lead_forms f JOIN accounts a ON a.id = f.account_id
             WHERE f.status = 'pending' AND f.next_attempt_at <= ?1 ORDER BY f.id"
        ))?;
        let rows = statement.query_map([now_ms], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn complete_lead_form(&self, id: i64, answers: &LeadFormAnswers) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE lead_forms SET status = 'fetched', answers = ?2, name = ?3, email = ?4, phone = ?5, error = NULL,
                 attempts = attempts + 1 WHERE id = ?1",
            params![id, answers.raw_json, answers.name, answers.email, answers.phone],
        )?;
        Ok(())
    }

    /// Records a failed fetch: tried again at `next_attempt_at`, or given up when `give_up`.
    pub fn retry_lead_form(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: i64,
        give_up: bool,
    ) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE lead_forms SET attempts = attempts + 1, error = ?2, next_attempt_at = ?3,
                 status = CASE WHEN ?4 THEN 'failed' ELSE 'pending' END WHERE id = ?1",
            params![id, error, next_attempt_at, give_up],
        )?;
        Ok(())
    }
}

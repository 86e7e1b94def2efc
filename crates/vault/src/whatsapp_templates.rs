//! The message templates of each WhatsApp Business Account, as the Graph
//! API last listed them, with Meta's status webhooks applied in between.
//! They are the business's own (no person is named), so retention and
//! erasure leave them; a new listing replaces an account's list.

use rusqlite::{OptionalExtension, params};
use serde_json::Value;

use crate::text_enum::text_enum;
use crate::{Vault, VaultError};
use leadbox_channels::now_ms;

text_enum! {
    /// Where a template is in Meta's review; only an approved one is sent.
    pub enum TemplateStatus {
        Approved = "approved",
        Pending = "pending",
        Rejected = "rejected",
        Paused = "paused",
        Disabled = "disabled",
        /// Any other word of Meta's (`IN_APPEAL`, `PENDING_DELETION`, …).
        Other = "other",
    }
}

impl TemplateStatus {
    /// Meta's status or status-webhook `event` (`APPROVED`, `PAUSED`, …).
    pub fn from_meta(status: &str) -> TemplateStatus {
        match status.to_ascii_uppercase().as_str() {
            "APPROVED" | "REINSTATED" => TemplateStatus::Approved,
            "PENDING" => TemplateStatus::Pending,
            "REJECTED" => TemplateStatus::Rejected,
            "PAUSED" | "FLAGGED" => TemplateStatus::Paused,
            "DISABLED" | "DELETED" | "PENDING_DELETION" | "ARCHIVED" => TemplateStatus::Disabled,
            _ => TemplateStatus::Other,
        }
    }
}

/// One template of a WhatsApp Business Account.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatsappTemplate {
    pub template_id: String,
    pub name: String,
    pub language: String,
    pub category: String,
    pub status: TemplateStatus,
    /// Meta's `components` (header, body, footer, buttons), as listed.
    pub components: Value,
}

fn template(r: &rusqlite::Row<'_>) -> rusqlite::Result<WhatsappTemplate> {
    let components: String = r.get(5)?;
    Ok(WhatsappTemplate {
        template_id: r.get(0)?,
        name: r.get(1)?,
        language: r.get(2)?,
        category: r.get(3)?,
        status: r.get(4)?,
        components: serde_json::from_str(&components).unwrap_or(Value::Null),
    })
}

const COLUMNS: &str = "template_id, name, language, category, status, components";

impl Vault {
    /// Replaces the stored templates of `business_account_id` with a new listing.
    pub fn replace_whatsapp_templates(
        &mut self,
        business_account_id: &str,
        templates: &[WhatsappTemplate],
    ) -> Result<(), VaultError> {
        let now = now_ms();
        let tx = self.write_transaction()?;
        tx.execute(
            "DELETE FROM whatsapp_templates WHERE business_account_id = ?1",
            [business_account_id],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO whatsapp_templates (business_account_id, template_id, name, language, category, status, components, listed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(business_account_id, name, language) DO NOTHING",
            )?;
            for t in templates {
                insert.execute(params![
                    business_account_id,
                    t.template_id,
                    t.name,
                    t.language,
                    t.category,
                    t.status,
                    t.components.to_string(),
                    now
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored templates of a WhatsApp Business Account, by name and language.
    pub fn whatsapp_templates(
        &self,
        business_account_id: &str,
    ) -> Result<Vec<WhatsappTemplate>, VaultError> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM whatsapp_templates WHERE business_account_id = ?1 ORDER BY name, language"
        ))?;
        let rows = statement.query_map([business_account_id], template)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn whatsapp_template(
        &self,
        business_account_id: &str,
        name: &str,
        language: &str,
    ) -> Result<Option<WhatsappTemplate>, VaultError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM whatsapp_templates
                     WHERE business_account_id = ?1 AND name = ?2 AND language = ?3"
                ),
                params![business_account_id, name, language],
                template,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use leadbox_channels::events::Event;
    use serde_json::json;

    use super::*;
    use crate::testing::vault;

    fn listed(name: &str, status: TemplateStatus) -> WhatsappTemplate {
        WhatsappTemplate {
            template_id: format!("id-{name}"),
            name: name.into(),
            language: "en_US".into(),
            category: "UTILITY".into(),
            status,
            components: json!([{"type": "BODY", "text": "Hi {{1}}"}]),
        }
    }

    #[test]
    fn a_listing_replaces_the_accounts_templates_and_a_webhook_changes_a_status() {
        let (_dir, mut vault) = vault();
        vault
            .replace_whatsapp_templates(
                "WABA",
                &[
                    listed("order_ready", TemplateStatus::Approved),
                    listed("old_offer", TemplateStatus::Approved),
                ],
            )
            .unwrap();
        vault
            .replace_whatsapp_templates("WABA-2", &[listed("other", TemplateStatus::Pending)])
            .unwrap();
        vault
            .replace_whatsapp_templates(
                "WABA",
                &[
                    listed("order_ready", TemplateStatus::Approved),
                    listed("welcome", TemplateStatus::Pending),
                ],
            )
            .unwrap();
        let names = |vault: &Vault, account: &str| -> Vec<(String, TemplateStatus)> {
            vault
                .whatsapp_templates(account)
                .unwrap()
                .into_iter()
                .map(|t| (t.name, t.status))
                .collect()
        };
        assert_eq!(
            names(&vault, "WABA"),
            [
                ("order_ready".to_owned(), TemplateStatus::Approved),
                ("welcome".to_owned(), TemplateStatus::Pending)
            ]
        );
        assert_eq!(
            names(&vault, "WABA-2").len(),
            1,
            "other accounts keep theirs"
        );

        let status = |name: &str, status: &str| Event::TemplateStatus {
            business_account_id: "WABA".into(),
            name: name.into(),
            language: "en_US".into(),
            status: status.into(),
        };
        vault
            .ingest(&[vec![
                status("welcome", "APPROVED"),
                status("order_ready", "PAUSED"),
            ]])
            .unwrap();
        assert_eq!(
            names(&vault, "WABA"),
            [
                ("order_ready".to_owned(), TemplateStatus::Paused),
                ("welcome".to_owned(), TemplateStatus::Approved)
            ]
        );
        let welcome = vault
            .whatsapp_template("WABA", "welcome", "en_US")
            .unwrap()
            .unwrap();
        assert_eq!(welcome.components[0]["text"], "Hi {{1}}");
        assert!(
            vault
                .whatsapp_template("WABA", "welcome", "es")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn metas_words_read_as_a_status() {
        assert_eq!(
            TemplateStatus::from_meta("APPROVED"),
            TemplateStatus::Approved
        );
        assert_eq!(TemplateStatus::from_meta("paused"), TemplateStatus::Paused);
        assert_eq!(
            TemplateStatus::from_meta("IN_APPEAL"),
            TemplateStatus::Other
        );
        assert_eq!(TemplateStatus::from_meta(""), TemplateStatus::Other);
    }
}

//! CSV exports: `leads.csv` with the columns CRM importers map by
//! themselves, and `messages.csv`. Every cell from outside goes through
//! [`cell`], so a spreadsheet shows it rather than runs it.

use rusqlite::params;

use crate::export::{
    CSV_CONTACT_LEADS_SQL, ExportProgress, LEAD_FORMS_SQL, MESSAGES_SQL, Output, date, iso, report,
    source_label, split_name,
};
use crate::{Vault, VaultError};

impl Vault {
    pub(crate) fn export_leads_csv(
        &self,
        out: &mut Output,
        filtered: bool,
        since: i64,
        progress: &mut dyn FnMut(&ExportProgress),
    ) -> Result<(), VaultError> {
        const NAME: &str = "leads.csv";
        let mut csv = out.create_csv(
            NAME,
            &[
                "First Name",
                "Last Name",
                "Email",
                "Phone",
                "Source",
                "Created",
            ],
        )?;
        let csv_error = |e: csv::Error| out.csv_error(NAME, e);
        let mut written = 0u64;
        let first = |list: Option<String>| -> String {
            list.and_then(|l| serde_json::from_str::<Vec<String>>(&l).ok())
                .and_then(|l| l.into_iter().next())
                .unwrap_or_default()
        };
        let mut statement = self.conn.prepare(CSV_CONTACT_LEADS_SQL)?;
        let mut rows = statement.query(params![filtered, since])?;
        while let Some(r) = rows.next()? {
            let platform: String = r.get(0)?;
            let name: Option<String> = r.get(1)?;
            let contact_id: String = r.get(5)?;
            let (first_name, last_name) = split_name(name.as_deref().unwrap_or_default());
            let mut phone = first(r.get(3)?);
            if phone.is_empty() && platform == "whatsapp" {
                phone = format!("+{contact_id}");
            }
            csv.write_record([
                cell(first_name),
                cell(last_name),
                cell(first(r.get(2)?)),
                cell(phone),
                source_label(&platform).to_owned(),
                date(r.get(4)?),
            ])
            .map_err(csv_error)?;
            written += 1;
            report(progress, NAME, written, false);
        }
        let mut statement = self.conn.prepare(LEAD_FORMS_SQL)?;
        let mut rows = statement.query(params![filtered, since])?;
        while let Some(r) = rows.next()? {
            let name: Option<String> = r.get(7)?;
            let (first_name, last_name) = split_name(name.as_deref().unwrap_or_default());
            csv.write_record([
                cell(first_name),
                cell(last_name),
                cell(r.get::<_, Option<String>>(8)?.unwrap_or_default()),
                cell(r.get::<_, Option<String>>(9)?.unwrap_or_default()),
                "Facebook Lead Ad".to_owned(),
                date(r.get(5)?),
            ])
            .map_err(csv_error)?;
            written += 1;
            report(progress, NAME, written, false);
        }
        report(progress, NAME, written, true);
        out.finish_csv(NAME, written, csv)
    }

    pub(crate) fn export_messages_csv(
        &self,
        out: &mut Output,
        filtered: bool,
        since: i64,
        progress: &mut dyn FnMut(&ExportProgress),
    ) -> Result<(), VaultError> {
        const NAME: &str = "messages.csv";
        let mut csv = out.create_csv(
            NAME,
            &[
                "Conversation",
                "Contact",
                "Channel",
                "Direction",
                "Sent At",
                "Text",
            ],
        )?;
        let csv_error = |e: csv::Error| out.csv_error(NAME, e);
        let mut written = 0u64;
        let mut statement = self.conn.prepare(MESSAGES_SQL)?;
        let mut rows = statement.query(params![filtered, since])?;
        while let Some(r) = rows.next()? {
            let platform: String = r.get(3)?;
            let contact = r
                .get::<_, Option<String>>(4)?
                .unwrap_or(r.get::<_, String>(5)?);
            let sent_at = iso(r.get(11)?);
            csv.write_record([
                r.get::<_, i64>(1)?.to_string(),
                cell(contact),
                source_label(&platform).to_owned(),
                r.get::<_, String>(7)?,
                sent_at.as_str().unwrap_or_default().to_owned(),
                cell(r.get::<_, Option<String>>(9)?.unwrap_or_default()),
            ])
            .map_err(csv_error)?;
            written += 1;
            report(progress, NAME, written, false);
        }
        report(progress, NAME, written, true);
        out.finish_csv(NAME, written, csv)
    }
}

/// A cell a spreadsheet will not run: text that starts like a formula (`=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, which Excel,
/// Sheets and LibreOffice show as text. Names and messages come from
/// strangers; a phone number such as `+34 600 111 222` is left as it is.
fn cell(text: String) -> String {
    let phone_like = text.starts_with('+')
        && text.len() > 1
        && text[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !phone_like {
        format!("'{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::cell;
    use proptest::prelude::*;

    #[test]
    fn formulas_become_text_and_phone_numbers_stay() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")".into()),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(cell("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(cell("-2+3".into()), "'-2+3");
        assert_eq!(cell("+1 (555) 010-2030".into()), "+1 (555) 010-2030");
        assert_eq!(cell("+cmd|' /C calc'!A0".into()), "'+cmd|' /C calc'!A0");
        assert_eq!(cell("Ana García".into()), "Ana García");
        assert_eq!(cell(String::new()), "");
    }

    proptest! {
        #[test]
        fn no_cell_starts_like_a_formula_unless_it_is_a_phone_number(text in ".{0,40}") {
            let safe = cell(text.clone());
            let phone = text.starts_with('+') && text.len() > 1
                && text[1..].chars().all(|c| c.is_ascii_digit() || " -()".contains(c));
            if !phone {
                prop_assert!(!safe.starts_with(['=', '+', '-', '@', '\t', '\r']));
            }
            prop_assert!(safe.ends_with(&text));
        }
    }
}

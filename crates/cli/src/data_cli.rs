//! The data-control commands: retention, erase, export, backup and restore.

use std::io::{BufRead as _, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Subcommand;
use leadbox_inbox::{
    ContactSelector, Engine, ExportFormat, ExportScope, InboxError, Platform, RetentionPolicy,
    SecretStore,
};

#[derive(Debug, Subcommand)]
pub enum RetentionAction {
    /// Print the retention policy.
    Show,
    /// Change the policy; periods are a number of days or `never`.
    Set {
        /// Delete conversations with no new message for this long (default 90).
        #[arg(long, value_parser = parse_days)]
        days: Option<Period>,
        /// Apply --days to one channel only (instagram, messenger or whatsapp).
        #[arg(long, requires = "days")]
        channel: Option<Platform>,
        /// Remove message text older than this, keeping the conversation and lead.
        #[arg(long, value_parser = parse_days)]
        sanitize_after: Option<Period>,
        /// Keep lead records this long after their last change (default 365).
        #[arg(long, value_parser = parse_days)]
        keep_leads: Option<Period>,
    },
    /// List what the policy deletes in the next 7 days.
    Preview {
        #[arg(long)]
        json: bool,
    },
    /// Apply the policy now.
    Run,
}

/// A number of days, or `None` for "never".
#[derive(Debug, Clone, Copy)]
pub struct Period(Option<u32>);

fn parse_days(text: &str) -> Result<Period, String> {
    if text.eq_ignore_ascii_case("never") {
        return Ok(Period(None));
    }
    text.parse::<u32>()
        .map(|days| Period(Some(days)))
        .map_err(|_| format!("`{text}` is not a number of days or `never`"))
}

fn describe_days(days: Option<u32>) -> String {
    days.map_or_else(|| "never".to_owned(), |d| format!("{d} days"))
}

pub fn retention(
    engine: &Engine,
    action: RetentionAction,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match action {
        RetentionAction::Show => {
            let policy = engine.retention_policy()?;
            writeln!(
                out,
                "Delete conversations inactive for: {}",
                describe_days(policy.delete_inactive_after_days)
            )?;
            for channel in Platform::ALL {
                if policy.per_channel.contains_key(&channel) {
                    writeln!(
                        out,
                        "  {channel}: {}",
                        describe_days(policy.days_for(channel))
                    )?;
                }
            }
            writeln!(
                out,
                "Remove message text after: {}",
                describe_days(policy.sanitize_bodies_after_days)
            )?;
            writeln!(
                out,
                "Keep lead records for: {}",
                describe_days(policy.keep_leads_days)
            )?;
        }
        RetentionAction::Set {
            days,
            channel,
            sanitize_after,
            keep_leads,
        } => {
            let mut policy: RetentionPolicy = engine.retention_policy()?;
            match (days, channel) {
                (Some(Period(days)), Some(channel)) => {
                    policy.per_channel.insert(channel, days);
                }
                (Some(Period(days)), None) => policy.delete_inactive_after_days = days,
                (None, _) => {}
            }
            if let Some(Period(days)) = sanitize_after {
                policy.sanitize_bodies_after_days = days;
            }
            if let Some(Period(days)) = keep_leads {
                policy.keep_leads_days = days;
            }
            engine.set_retention_policy(&policy)?;
            writeln!(out, "Retention policy saved.")?;
        }
        RetentionAction::Preview { json } => {
            let preview = engine.retention_preview()?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&preview)?)?;
                return Ok(());
            }
            if preview.conversations.is_empty() {
                writeln!(
                    out,
                    "No conversation is due for deletion in the next 7 days."
                )?;
            }
            for planned in &preview.conversations {
                let when = chrono::DateTime::from_timestamp_millis(planned.deletes_at)
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{when}  {:<9}  {}",
                    planned.platform, planned.display_name
                )?;
            }
            writeln!(
                out,
                "Also due in the next 7 days: {} lead record(s), {} lead form(s), {} message text(s) to remove.",
                preview.leads, preview.lead_forms, preview.bodies
            )?;
        }
        RetentionAction::Run => {
            let report = engine.run_retention()?;
            writeln!(out, "Retention applied: {report}.")?;
        }
    }
    Ok(())
}

pub fn erase(engine: &Engine, who: &str, yes: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let selector: ContactSelector = who.parse().map_err(InboxError::from)?;
    if !yes {
        eprint!(
            "Erase everything Leadbox holds about {selector}? This cannot be undone. Type `erase` to confirm: "
        );
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        anyhow::ensure!(answer.trim() == "erase", "nothing was erased");
    }
    let receipt = engine.erase_person(&selector)?;
    writeln!(
        out,
        "Erased. Confirmation code {} ({} contact(s), {} conversation(s), {} message(s), {} lead(s), {} lead form(s)).",
        receipt.confirmation_code,
        receipt.contacts,
        receipt.conversations,
        receipt.messages,
        receipt.leads,
        receipt.lead_forms
    )?;
    Ok(())
}

fn parse_since(text: &str) -> anyhow::Result<i64> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date
            .and_hms_opt(0, 0, 0)
            .context("invalid date")?
            .and_utc()
            .timestamp_millis());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .with_context(|| format!("`{text}` is not a date: use YYYY-MM-DD"))
}

pub fn export(
    engine: &Engine,
    format: &str,
    dir: &Path,
    contact: Option<String>,
    since: Option<String>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let format: ExportFormat = format.parse().map_err(InboxError::from)?;
    let scope = match contact {
        Some(person) => ExportScope::Person(person.parse().map_err(InboxError::from)?),
        None => ExportScope::Everything,
    };
    let since_ms = since.as_deref().map(parse_since).transpose()?;
    let summary = engine.export(dir, format, scope, since_ms, &mut |progress| {
        if progress.done {
            eprintln!("  {}: {} row(s)", progress.file, progress.rows);
        }
    })?;
    writeln!(
        out,
        "Exported {} file(s), {} bytes, into {}.",
        summary.files.len(),
        summary.bytes,
        dir.display()
    )?;
    Ok(())
}

fn read_passphrase(prompt: &str) -> anyhow::Result<zeroize::Zeroizing<String>> {
    eprint!("{prompt}");
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line)?;
    let trimmed = zeroize::Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    Ok(trimmed)
}

pub fn backup(engine: &Engine, file: &Path, out: &mut impl Write) -> anyhow::Result<()> {
    let passphrase = read_passphrase("Backup passphrase (at least 8 characters): ")?;
    let size = engine.backup(file, &passphrase)?;
    writeln!(
        out,
        "Wrote an encrypted backup of {size} bytes to {}. Keep the passphrase: without it the backup cannot be opened.",
        file.display()
    )?;
    Ok(())
}

pub fn restore(
    data_dir: &Path,
    from: &Path,
    secrets: Arc<dyn SecretStore>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let passphrase = read_passphrase("Backup passphrase: ")?;
    let (_engine, code) = Engine::restore(data_dir, from, &passphrase, secrets)?;
    writeln!(
        out,
        "Restored into {}. Its key is in this computer's keychain; write down the new recovery code:\n\n    {}",
        data_dir.display(),
        code.expose()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_days_or_never() {
        assert_eq!(parse_days("30").unwrap().0, Some(30));
        assert_eq!(parse_days("Never").unwrap().0, None);
        assert!(parse_days("soon").is_err());
    }

    #[test]
    fn since_takes_a_date_or_a_timestamp() {
        assert_eq!(parse_since("2023-11-14").unwrap(), 1_699_920_000_000);
        assert_eq!(
            parse_since("2023-11-14T22:13:20Z").unwrap(),
            1_700_000_000_000
        );
        assert!(parse_since("last week").is_err());
    }
}

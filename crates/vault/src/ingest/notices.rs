//! What webhooks say about accounts rather than conversations, and what
//! could not be read at all: both are kept for the owner to see, never dropped.

use leadbox_channels::Platform;
use leadbox_channels::events::NoticeSeverity;
use rusqlite::{Transaction, params};

use super::{IngestReport, exec, now_ms, upsert_account};
use crate::VaultError;

/// An account whose sending the platform limited or stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRestriction {
    pub platform: Platform,
    pub platform_account_id: String,
    pub message: String,
}

/// Keeps what could not be read: which channel and account, which webhook
/// field and what kind of thing, never its content.
pub(crate) fn record_unreadable(
    tx: &Transaction<'_>,
    route: Platform,
    account_id: &str,
    field: &str,
    kind: &str,
) -> Result<(), VaultError> {
    // Names from outside are kept short: they are labels, not content.
    let short = |text: &str| text.chars().take(64).collect::<String>();
    exec(
        tx,
        "INSERT INTO unreadable_events (platform, platform_account_id, field, kind, stored_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            route.as_str(),
            short(account_id),
            short(field),
            short(kind),
            now_ms()
        ],
    )?;
    Ok(())
}

/// A notice about an account. One about a WhatsApp Business Account goes to
/// each of its numbers here; with none known, it is kept as unreadable.
pub(crate) fn ingest_notice(
    tx: &Transaction<'_>,
    route: Platform,
    account_id: &str,
    business_account: bool,
    severity: NoticeSeverity,
    code: Option<i64>,
    message: &str,
) -> Result<IngestReport, VaultError> {
    let accounts: Vec<(i64, String)> = if business_account {
        let mut statement = tx.prepare_cached(
            "SELECT id, platform_account_id FROM accounts WHERE platform = ?1 AND business_account_id = ?2 ORDER BY id",
        )?;
        statement
            .query_map(params![route.as_str(), account_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?
    } else {
        vec![(
            upsert_account(tx, route, account_id)?,
            account_id.to_owned(),
        )]
    };
    if accounts.is_empty() {
        record_unreadable(tx, route, account_id, "account", "unknown_business_account")?;
        return Ok(IngestReport {
            unreadable: 1,
            ..IngestReport::default()
        });
    }
    let mut report = IngestReport::default();
    for (id, platform_account_id) in accounts {
        crate::accounts::record_notice(tx, id, severity, code, message)?;
        report.notices += 1;
        if severity == NoticeSeverity::Restriction {
            report.restrictions.push(AccountRestriction {
                platform: route,
                platform_account_id,
                message: message.to_owned(),
            });
        }
    }
    Ok(report)
}

//! Connected platform accounts and the bookkeeping of sending a reply.

use leadbox_channels::Connection;
use leadbox_channels::Platform;
use leadbox_channels::events::NoticeSeverity;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Vault, VaultError};
use leadbox_channels::now_ms;

crate::text_enum::text_enum! {
    /// Whether Leadbox can send through an account.
    pub enum AccountStatus {
        /// Its token is in the keychain and Meta accepted it.
        Connected = "connected",
        /// Meta refused its token (expired, password changed): connect it again.
        NeedsReconnect = "needs_reconnect",
        /// Webhooks arrive for it, but it was never connected for sending.
        NotConnected = "not_connected",
        /// The owner removed its token.
        Disconnected = "disconnected",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct AccountRow {
    pub id: i64,
    pub platform: Platform,
    pub platform_account_id: String,
    pub name: Option<String>,
    pub connection: Option<Connection>,
    pub status: AccountStatus,
    pub human_agent: bool,
    /// The latest problem Meta reported with this account, or that Leadbox
    /// found checking it (e.g. a lost webhook subscription), with its time.
    pub notice: Option<AccountNotice>,
    /// Parts of this account's webhooks that could not be read (kept without
    /// their content; exported as `unreadable_events`).
    pub unreadable_events: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct AccountNotice {
    pub at: i64,
    pub code: Option<i64>,
    pub message: String,
    pub severity: NoticeSeverity,
}

/// A person with no name yet in a conversation, and the account they wrote
/// to, whose token can ask Meta for their profile name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnnamedContact {
    pub contact_id: i64,
    pub platform_contact_id: String,
    pub account: AccountRow,
}

pub(crate) fn account(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccountRow> {
    let connection: Option<String> = r.get(4)?;
    Ok(AccountRow {
        id: r.get(0)?,
        platform: crate::text_enum::parsed(r, 1)?,
        platform_account_id: r.get(2)?,
        name: r.get(3)?,
        connection: connection
            .and_then(|c| serde_json::from_value(serde_json::Value::String(c)).ok()),
        status: r.get(5)?,
        human_agent: r.get(6)?,
        notice: match r.get::<_, Option<i64>>(7)? {
            Some(at) => Some(AccountNotice {
                at,
                code: r.get(8)?,
                message: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                severity: severity_from(r.get::<_, Option<String>>(10)?.as_deref()),
            }),
            None => None,
        },
        unreadable_events: r.get(11)?,
    })
}

pub(crate) const ACCOUNT_COLUMNS: &str = "id, platform, platform_account_id, name, connection, status, human_agent,
     (SELECT at FROM account_notices n WHERE n.account_id = accounts.id ORDER BY at DESC, n.id DESC LIMIT 1),
     (SELECT code FROM account_notices n WHERE n.account_id = accounts.id ORDER BY at DESC, n.id DESC LIMIT 1),
     (SELECT message FROM account_notices n WHERE n.account_id = accounts.id ORDER BY at DESC, n.id DESC LIMIT 1),
     (SELECT severity FROM account_notices n WHERE n.account_id = accounts.id ORDER BY at DESC, n.id DESC LIMIT 1),
     (SELECT COUNT(*) FROM unreadable_events u WHERE u.platform = accounts.platform AND u.platform_account_id = accounts.platform_account_id)";

pub(crate) fn severity_name(severity: NoticeSeverity) -> &'static str {
    match severity {
        NoticeSeverity::Info => "info",
        NoticeSeverity::Problem => "problem",
        NoticeSeverity::Restriction => "restriction",
    }
}

fn severity_from(name: Option<&str>) -> NoticeSeverity {
    match name {
        Some("info") => NoticeSeverity::Info,
        Some("restriction") => NoticeSeverity::Restriction,
        _ => NoticeSeverity::Problem,
    }
}

fn connection_name(connection: Connection) -> String {
    serde_json::to_value(connection)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Vault {
    pub fn connect_account(
        &self,
        platform: Platform,
        platform_account_id: &str,
        connection: Connection,
        name: &str,
        human_agent: bool,
    ) -> Result<AccountRow, VaultError> {
        let id = self.ensure_account(platform, platform_account_id)?;
        self.conn.execute(
            "UPDATE accounts SET connection = ?2, name = ?3, status = 'connected', human_agent = ?4 WHERE id = ?1",
            params![id, connection_name(connection), name, human_agent],
        )?;
        self.audit("account_connected", &format!("account {id}"))?;
        Ok(self.conn.query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
            [id],
            account,
        )?)
    }

    pub fn accounts(&self) -> Result<Vec<AccountRow>, VaultError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"
        ))?;
        let rows = statement.query_map([], account)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn find_account(
        &self,
        platform: Platform,
        platform_account_id: &str,
    ) -> Result<Option<AccountRow>, VaultError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE platform = ?1 AND platform_account_id = ?2"),
                params![platform.as_str(), platform_account_id],
                account,
            )
            .optional()?)
    }

    /// Forgets how to send for an account. Its conversations stay (erasing them is a separate choice).
    pub fn disconnect_account(&self, id: i64) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE accounts SET connection = NULL, status = 'disconnected' WHERE id = ?1",
            [id],
        )?;
        self.audit("account_disconnected", &format!("account {id}"))
    }

    /// Keeps a problem with an account for the owner to see (and the audit log).
    pub fn record_account_notice(
        &self,
        account_id: i64,
        code: Option<i64>,
        message: &str,
    ) -> Result<(), VaultError> {
        record_notice(
            &self.conn,
            account_id,
            NoticeSeverity::Problem,
            code,
            message,
        )?;
        Ok(())
    }

    /// Names the WhatsApp Business Account that holds a WhatsApp number, so
    /// that account-level notices (templates, quality, restrictions) show on it.
    pub fn set_business_account(
        &self,
        platform: Platform,
        platform_account_id: &str,
        business_account_id: &str,
    ) -> Result<(), VaultError> {
        let id = self.ensure_account(platform, platform_account_id)?;
        self.conn.execute(
            "UPDATE accounts SET business_account_id = ?2 WHERE id = ?1",
            params![id, business_account_id],
        )?;
        Ok(())
    }

    pub(crate) fn account_by_id(&self, id: i64) -> Result<AccountRow, VaultError> {
        Ok(self.conn.query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
            [id],
            account,
        )?)
    }

    /// The WhatsApp Business Account of a number, when Leadbox found it.
    pub fn business_account_of(&self, account_id: i64) -> Result<Option<String>, VaultError> {
        Ok(self
            .conn
            .query_row(
                "SELECT business_account_id FROM accounts WHERE id = ?1",
                [account_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The latest notices of an account, newest first (at most `limit`).
    pub fn account_notices(
        &self,
        account_id: i64,
        limit: usize,
    ) -> Result<Vec<AccountNotice>, VaultError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT at, code, message, severity FROM account_notices WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let notices = statement
            .query_map(
                params![account_id, i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| {
                    Ok(AccountNotice {
                        at: r.get(0)?,
                        code: r.get(1)?,
                        message: r.get(2)?,
                        severity: severity_from(r.get::<_, Option<String>>(3)?.as_deref()),
                    })
                },
            )?
            .collect::<Result<_, _>>()?;
        Ok(notices)
    }

    /// Records that the app-scoped Meta user `user_id` granted this account.
    pub fn set_account_meta_user(&self, id: i64, user_id: &str) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE accounts SET meta_user_id = ?2 WHERE id = ?1",
            params![id, user_id],
        )?;
        Ok(())
    }

    /// The accounts a Meta user granted (through Facebook Login).
    pub fn accounts_of_meta_user(&self, user_id: &str) -> Result<Vec<AccountRow>, VaultError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE meta_user_id = ?1 ORDER BY id"
        ))?;
        let rows = statement.query_map([user_id], account)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets which Meta user granted the account (after Meta's deletion request).
    pub fn forget_account_meta_user(&self, id: i64) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE accounts SET meta_user_id = NULL WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    pub fn mark_needs_reconnect(&self, id: i64) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE accounts SET status = 'needs_reconnect' WHERE id = ?1",
            [id],
        )?;
        self.audit("account_needs_reconnect", &format!("account {id}"))
    }

    /// The person in `conversation_id` if they have no name yet.
    pub fn unnamed_contact(
        &self,
        conversation_id: i64,
    ) -> Result<Option<UnnamedContact>, VaultError> {
        let found: Option<(i64, String, i64)> = self
            .conn
            .query_row(
                "SELECT ct.id, ct.platform_contact_id, c.account_id
                 FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
                 WHERE c.id = ?1 AND ct.name IS NULL",
                [conversation_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((contact_id, platform_contact_id, account_id)) = found else {
            return Ok(None);
        };
        let account = self.conn.query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
            [account_id],
            account,
        )?;
        Ok(Some(UnnamedContact {
            contact_id,
            platform_contact_id,
            account,
        }))
    }

    /// Gives a contact the name their profile shows, unless they have one by
    /// now (a name from a message or from the owner is never overwritten).
    pub fn name_contact(&self, contact_id: i64, name: &str) -> Result<bool, VaultError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(VaultError::InvalidSetting(
                "a contact's name is one line of at most 80 characters".into(),
            ));
        }
        let changed = self.conn.execute(
            "UPDATE contacts SET name = ?1 WHERE id = ?2 AND name IS NULL",
            params![name, contact_id],
        )?;
        Ok(changed == 1)
    }
}

pub(crate) fn record_notice(
    conn: &rusqlite::Connection,
    account_id: i64,
    severity: NoticeSeverity,
    code: Option<i64>,
    message: &str,
) -> rusqlite::Result<()> {
    // Meta's texts are short; a runaway one is cut rather than stored whole.
    let message: String = message.chars().take(500).collect();
    conn.execute(
        "INSERT INTO account_notices (account_id, at, code, message, severity) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account_id, now_ms(), code, message, severity_name(severity)],
    )?;
    conn.execute(
        "INSERT INTO audit_log (at, action, detail) VALUES (?1, 'account_notice', ?2)",
        params![
            now_ms(),
            format!("account {account_id}: code {}", code.unwrap_or(0))
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;

//! Accounts connected through the relay's Facebook Login, and Meta's deletion
//! notice for the person who connected them.
//!
//! The login's page tokens arrive sealed in an envelope; they go straight to
//! the keychain. The long-lived user token is not kept: page tokens made from
//! it do not expire, and a token not stored cannot leak.

use leadbox_channels::Connection;
use leadbox_envelope::Platform;
use leadbox_envelope::payload::{ConnectedPage, SecretText};

use crate::relay_client::RelayClient;
use crate::{Engine, InboxError};

/// Whether Meta's deletion notice also erases the conversations of the
/// accounts that person connected ("true"/"false"; default false: the
/// owner's business records stay, the connection goes).
pub const META_DELETION_ERASES: &str = "meta_deletion_erases_conversations";
/// Confirmation codes handled here but not yet confirmed to the relay.
const DELETIONS_UNREPORTED: &str = "meta_deletions_unreported";

/// What one deletion notice removed, for the audit log and tests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeletionOutcome {
    pub accounts_disconnected: usize,
    pub conversations_erased: bool,
}

/// A "Connect with Facebook/Instagram" address, and the code the relay's
/// page asks for before it goes on to Meta (so a forwarded link is useless).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct LoginLink {
    pub url: String,
    pub confirmation_code: String,
}

/// The login page is opened in the owner's browser: only a web address the
/// relay could serve, never a `file:` path or an app's custom scheme.
fn safe_to_open(url: String) -> Result<String, InboxError> {
    match reqwest::Url::parse(&url) {
        Ok(parsed) if crate::relay_client::is_safe_web_address(&parsed) => Ok(url),
        _ => Err(InboxError::UnsafeAddress(url)),
    }
}

impl Engine {
    /// A single-use address (valid ten minutes) to open in the browser for
    /// "Connect with Facebook". The relay must have Facebook Login set up.
    pub async fn facebook_login(&self) -> Result<LoginLink, InboxError> {
        self.login_link("meta").await
    }

    /// The same for "Connect with Instagram" (Instagram Login).
    pub async fn instagram_login(&self) -> Result<LoginLink, InboxError> {
        self.login_link("instagram").await
    }

    async fn login_link(&self, provider: &str) -> Result<LoginLink, InboxError> {
        let (client, token) = self.relay()?;
        let ticket = client.login_ticket(&token, provider).await?;
        Ok(LoginLink {
            url: safe_to_open(ticket.url)?,
            confirmation_code: ticket.confirmation_code,
        })
    }

    pub fn meta_deletion_erases_conversations(&self) -> Result<bool, InboxError> {
        Ok(self.vault().setting(META_DELETION_ERASES)?.as_deref() == Some("true"))
    }

    pub fn set_meta_deletion_erases_conversations(&self, erase: bool) -> Result<(), InboxError> {
        Ok(self
            .vault()
            .set_setting(META_DELETION_ERASES, if erase { "true" } else { "false" })?)
    }

    /// Stores each granted page's token and connects the page (Messenger) and
    /// its Instagram account. Returns how many accounts were connected.
    pub(crate) fn apply_meta_connection(
        &self,
        user_id: &str,
        pages: &[ConnectedPage],
    ) -> Result<usize, InboxError> {
        let mut connected = 0;
        for page in pages {
            let mut accounts = vec![(Platform::Messenger, page.page_id.clone(), page.name.clone())];
            if let Some(instagram) = &page.instagram_account_id {
                let name = page
                    .instagram_username
                    .as_ref()
                    .map_or_else(|| page.name.clone(), |u| format!("@{u}"));
                accounts.push((Platform::Instagram, instagram.clone(), name));
            }
            for (platform, account_id, name) in accounts {
                self.secrets().set(
                    &self.token_name(platform, &account_id),
                    page.access_token.expose().as_bytes(),
                )?;
                let vault = self.vault();
                let human_agent = vault
                    .find_account(platform, &account_id)?
                    .is_some_and(|a| a.human_agent);
                let account = vault.connect_account(
                    platform,
                    &account_id,
                    Connection::Page,
                    &name,
                    human_agent,
                )?;
                vault.set_account_meta_user(account.id, user_id)?;
                connected += 1;
            }
        }
        self.vault().audit(
            "facebook_login",
            &format!("{connected} account(s) connected"),
        )?;
        tracing::info!(
            accounts = connected,
            "accounts connected through Facebook Login"
        );
        Ok(connected)
    }

    /// Stores an Instagram Login token and connects that professional account.
    pub(crate) fn apply_instagram_connection(
        &self,
        user_id: &str,
        account_id: &str,
        username: &str,
        token: &SecretText,
    ) -> Result<(), InboxError> {
        self.secrets().set(
            &self.token_name(Platform::Instagram, account_id),
            token.expose().as_bytes(),
        )?;
        let vault = self.vault();
        let human_agent = vault
            .find_account(Platform::Instagram, account_id)?
            .is_some_and(|a| a.human_agent);
        let account = vault.connect_account(
            Platform::Instagram,
            account_id,
            Connection::InstagramLogin,
            &format!("@{username}"),
            human_agent,
        )?;
        vault.set_account_meta_user(account.id, user_id)?;
        vault.audit("instagram_login", "1 account connected")?;
        tracing::info!("account connected through Instagram Login");
        Ok(())
    }

    /// Meta's deletion request for `user_id`: every account that person
    /// connected loses its token and link; its conversations are erased too
    /// when the owner chose so. Completion is reported to the relay after the
    /// sync that delivered the notice (and retried until the relay has it).
    pub(crate) fn apply_meta_deletion(
        &self,
        confirmation_code: &str,
        user_id: &str,
    ) -> Result<DeletionOutcome, InboxError> {
        let erase = self.meta_deletion_erases_conversations()?;
        let accounts = self.vault().accounts_of_meta_user(user_id)?;
        for account in &accounts {
            self.remove_account(account.platform, &account.platform_account_id, erase)?;
            self.vault().forget_account_meta_user(account.id)?;
        }
        let vault = self.vault();
        let mut unreported = unreported_codes(vault.setting(DELETIONS_UNREPORTED)?);
        if !unreported.iter().any(|c| c == confirmation_code) {
            unreported.push(confirmation_code.to_owned());
        }
        vault.set_setting(
            DELETIONS_UNREPORTED,
            &serde_json::to_string(&unreported).unwrap_or_default(),
        )?;
        vault.audit(
            "meta_deletion_request",
            &format!(
                "{confirmation_code}: {} account(s) disconnected{}",
                accounts.len(),
                if erase && !accounts.is_empty() {
                    ", their conversations erased"
                } else {
                    ""
                }
            ),
        )?;
        Ok(DeletionOutcome {
            accounts_disconnected: accounts.len(),
            conversations_erased: erase && !accounts.is_empty(),
        })
    }

    /// Confirms handled deletion requests to the relay. Ones the relay cannot
    /// take now stay queued for the next sync.
    pub(crate) async fn report_meta_deletions(&self, client: &RelayClient, token: &str) {
        let codes = match self.vault().setting(DELETIONS_UNREPORTED) {
            Ok(text) => unreported_codes(text),
            Err(error) => {
                tracing::warn!(%error, "cannot read the deletion confirmations to send");
                return;
            }
        };
        if codes.is_empty() {
            return;
        }
        let mut left = Vec::new();
        for code in codes {
            match client.complete_deletion(token, &code).await {
                Ok(()) => tracing::info!("deletion confirmed to the relay"),
                // Another desktop of the business confirmed first.
                Err(InboxError::Relay { status: 404, .. }) => {}
                Err(error) => {
                    tracing::warn!(%error, "deletion confirmation will be retried");
                    left.push(code);
                }
            }
        }
        let stored = serde_json::to_string(&left).unwrap_or_default();
        if let Err(error) = self.vault().set_setting(DELETIONS_UNREPORTED, &stored) {
            tracing::warn!(%error, "cannot record the deletion confirmations sent");
        }
    }

    /// Deletion requests handled here but not yet confirmed to the relay.
    pub fn unreported_meta_deletions(&self) -> Result<Vec<String>, InboxError> {
        Ok(unreported_codes(
            self.vault().setting(DELETIONS_UNREPORTED)?,
        ))
    }
}

fn unreported_codes(text: Option<String>) -> Vec<String> {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

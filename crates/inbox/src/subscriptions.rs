//! Meta unsubscribes a page from an app's webhooks after its webhook has been
//! failing for a while, and says nothing. Leadbox checks each page-connected
//! account at start and daily, subscribes it again, and tells the owner.

use leadbox_channels::Connection;
use leadbox_channels::graph::SendError;
use leadbox_envelope::Platform;
use leadbox_vault::AccountRow;

use crate::{Engine, InboxError};

/// What a check found, per account (`platform account_id`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SubscriptionReport {
    pub checked: Vec<String>,
    /// Had lost their subscription and were subscribed again.
    pub resubscribed: Vec<String>,
    /// Could not be checked or fixed, with the reason in words.
    pub failed: Vec<(String, String)>,
}

impl Engine {
    /// Checks every connected page-token account (Messenger pages and the
    /// Instagram accounts reached through a page) and re-subscribes the ones
    /// Meta dropped. Problems are recorded as account notices.
    pub async fn check_subscriptions(&self) -> Result<SubscriptionReport, InboxError> {
        let accounts: Vec<AccountRow> = self
            .vault()
            .accounts()?
            .into_iter()
            .filter(|a| {
                a.status == leadbox_vault::AccountStatus::Connected
                    && a.connection == Some(Connection::Page)
            })
            .collect();
        let mut report = SubscriptionReport::default();
        for account in accounts {
            let label = format!("{} {}", account.platform, account.platform_account_id);
            match self.check_one(&account).await {
                Ok(false) => report.checked.push(label),
                Ok(true) => {
                    self.vault().record_account_notice(
                        account.id,
                        None,
                        "Facebook had stopped sending this account's messages to Leadbox; Leadbox subscribed it again. Messages sent meanwhile may have been missed.",
                    )?;
                    report.checked.push(label.clone());
                    report.resubscribed.push(label);
                }
                Err(error) => {
                    if error.needs_reconnect() {
                        self.vault().mark_needs_reconnect(account.id)?;
                    }
                    let message = format!(
                        "Leadbox could not check that Facebook sends this account's messages: {error}"
                    );
                    self.vault()
                        .record_account_notice(account.id, None, &message)?;
                    report.failed.push((label, error.to_string()));
                }
            }
        }
        tracing::info!(
            checked = report.checked.len(),
            resubscribed = report.resubscribed.len(),
            failed = report.failed.len(),
            "webhook subscriptions checked"
        );
        Ok(report)
    }

    /// Extends every Instagram Login token (they last 60 days). Run daily, so
    /// each refresh comes at least a day after the last, as Instagram requires.
    /// Returns how many were refreshed; failures become account notices.
    pub async fn refresh_instagram_tokens(&self) -> Result<usize, InboxError> {
        let accounts: Vec<AccountRow> = self
            .vault()
            .accounts()?
            .into_iter()
            .filter(|a| {
                a.status == leadbox_vault::AccountStatus::Connected
                    && a.connection == Some(Connection::InstagramLogin)
            })
            .collect();
        let mut refreshed = 0;
        for account in accounts {
            let name = self.token_name(account.platform, &account.platform_account_id);
            let Some(token) = self.secrets().get(&name)? else {
                continue;
            };
            let token = String::from_utf8_lossy(&token).into_owned();
            match self.graph().refresh_instagram_token(&token).await {
                Ok((new_token, _)) => {
                    self.secrets().set(&name, new_token.as_bytes())?;
                    refreshed += 1;
                }
                Err(error) => {
                    if error.needs_reconnect() {
                        self.vault().mark_needs_reconnect(account.id)?;
                    }
                    let message = format!(
                        "Leadbox could not extend this account's Instagram connection: {error}"
                    );
                    self.vault()
                        .record_account_notice(account.id, None, &message)?;
                }
            }
        }
        tracing::info!(refreshed, "Instagram Login tokens refreshed");
        Ok(refreshed)
    }

    /// `Ok(true)` when the page had to be subscribed again.
    async fn check_one(&self, account: &AccountRow) -> Result<bool, SendError> {
        let token = self
            .secrets()
            .get(&self.token_name(account.platform, &account.platform_account_id))
            .ok()
            .flatten()
            .ok_or(SendError::TokenExpired)?;
        let token = String::from_utf8_lossy(&token).into_owned();
        let graph = self.graph();
        let page_id = match account.platform {
            Platform::Messenger => account.platform_account_id.clone(),
            // An Instagram account connected with a page token is subscribed through its page.
            _ => graph.token_page(&token).await?,
        };
        if graph.page_subscribed(&page_id, &token).await? {
            return Ok(false);
        }
        graph.subscribe_page(&page_id, &token).await?;
        Ok(true)
    }
}

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
    /// The accounts connected for sending with `connection`.
    fn connected_accounts(&self, connection: Connection) -> Result<Vec<AccountRow>, InboxError> {
        Ok(self
            .reader()?
            .accounts()?
            .into_iter()
            .filter(|a| {
                a.status == leadbox_vault::AccountStatus::Connected
                    && a.connection == Some(connection)
            })
            .collect())
    }

    /// Records what went wrong with an account as its notice; a token Meta
    /// refused also marks it "needs reconnect".
    fn account_problem(
        &self,
        account: &AccountRow,
        error: &leadbox_channels::graph::SendError,
        what_failed: &str,
    ) -> Result<(), InboxError> {
        let vault = self.vault();
        if error.needs_reconnect() {
            vault.mark_needs_reconnect(account.id)?;
        }
        vault.record_account_notice(account.id, None, &format!("{what_failed}: {error}"))?;
        Ok(())
    }

    /// Checks every connected page-token account (Messenger pages and the
    /// Instagram accounts reached through a page) and re-subscribes the ones
    /// Meta dropped. Problems are recorded as account notices.
    pub async fn check_subscriptions(&self) -> Result<SubscriptionReport, InboxError> {
        let accounts = self.connected_accounts(Connection::Page)?;
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
                    self.account_problem(
                        &account,
                        &error,
                        "Leadbox could not check that Facebook sends this account's messages",
                    )?;
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
        let accounts = self.connected_accounts(Connection::InstagramLogin)?;
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
                Err(error) => self.account_problem(
                    &account,
                    &error,
                    "Leadbox could not extend this account's Instagram connection",
                )?,
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

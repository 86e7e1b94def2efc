//! Calls about the accounts themselves: checking a token when an account
//! is added, refreshing an Instagram Login token, and keeping a page
//! subscribed to the app's webhooks.

use serde_json::Value;

use super::{GraphClient, PAGE_WEBHOOK_FIELDS, SendError};
use crate::{Connection, Platform};

/// What `check_token` learned about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub id: String,
    pub name: String,
}

impl GraphClient {
    /// Extends an Instagram Login token by 60 days (`ig_refresh_token`; allowed
    /// once the token is a day old). Returns the new token and its lifetime.
    pub async fn refresh_instagram_token(
        &self,
        token: &str,
    ) -> Result<(String, Option<i64>), SendError> {
        let url = format!("{}/refresh_access_token", self.instagram_url);
        let request = self
            .http
            .get(url)
            .query(&[("grant_type", "ig_refresh_token")]);
        let body = self.call(request, token).await?;
        let refreshed = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or(SendError::Other {
                code: 0,
                message: "Instagram did not return a new token".into(),
            })?;
        Ok((
            refreshed.to_owned(),
            body.get("expires_in").and_then(Value::as_i64),
        ))
    }

    /// The Facebook Page a page token belongs to (`GET /me`).
    pub async fn token_page(&self, page_token: &str) -> Result<String, SendError> {
        let url = format!("{}/{}/me?fields=id", self.graph_url, self.version);
        let body = self.call(self.http.get(url), page_token).await?;
        crate::routing::id_string(body.get("id")).ok_or(SendError::Other {
            code: 0,
            message: "Meta did not say which page this token belongs to".into(),
        })
    }

    /// Whether the page sends its messages to this app (`GET /{page}/subscribed_apps`
    /// lists the app with `messages` among its fields). Meta may drop the
    /// subscription after a long outage of the webhook.
    pub async fn page_subscribed(
        &self,
        page_id: &str,
        page_token: &str,
    ) -> Result<bool, SendError> {
        let url = format!(
            "{}/{}/{page_id}/subscribed_apps",
            self.graph_url, self.version
        );
        let body = self.call(self.http.get(url), page_token).await?;
        Ok(body
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|app| {
                app.get("subscribed_fields")
                    .and_then(Value::as_array)
                    .is_some_and(|fields| fields.iter().any(|f| f.as_str() == Some("messages")))
            }))
    }

    /// Subscribes the page to this app's webhooks again.
    pub async fn subscribe_page(&self, page_id: &str, page_token: &str) -> Result<(), SendError> {
        let url = format!(
            "{}/{}/{page_id}/subscribed_apps",
            self.graph_url, self.version
        );
        let request = self
            .http
            .post(url)
            .query(&[("subscribed_fields", PAGE_WEBHOOK_FIELDS)]);
        let body = self.call(request, page_token).await?;
        if body.get("success").and_then(Value::as_bool) == Some(true) {
            Ok(())
        } else {
            Err(SendError::Other {
                code: 0,
                message: "Meta did not confirm the subscription".into(),
            })
        }
    }

    /// Checks a token against the account it should belong to.
    pub async fn check_token(
        &self,
        platform: Platform,
        connection: Connection,
        account_id: &str,
        token: &str,
    ) -> Result<AccountInfo, SendError> {
        let url = match connection {
            // A page token reads the Instagram account linked to its page by id.
            Connection::Page if platform == Platform::Instagram => format!(
                "{}/{}/{account_id}?fields=id,username",
                self.graph_url, self.version
            ),
            Connection::Page => format!("{}/{}/me?fields=id,name", self.graph_url, self.version),
            Connection::InstagramLogin => format!(
                "{}/{}/me?fields=user_id,username",
                self.instagram_url, self.version
            ),
            Connection::WhatsappCloud => format!(
                "{}/{}/{account_id}?fields=id,display_phone_number,verified_name",
                self.graph_url, self.version
            ),
            Connection::Relay => {
                return Err(SendError::Other {
                    code: 0,
                    message: "a website chat has no Meta token to check".into(),
                });
            }
        };
        let body = self.call(self.http.get(url), token).await?;
        let text = |key: &str| {
            body.get(key).and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
        };
        let id = text("user_id").or_else(|| text("id")).unwrap_or_default();
        let name = text("name")
            .or_else(|| text("username"))
            .or_else(|| text("verified_name"))
            .unwrap_or_default();
        if connection != Connection::InstagramLogin && id != account_id {
            return Err(SendError::Other {
                code: 0,
                message: format!("this token belongs to account {id}, not {account_id}"),
            });
        }
        Ok(AccountInfo { id, name })
    }
}

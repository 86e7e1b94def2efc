//! The Graph API calls the desktop makes with an account's own token: sending
//! a reply a person approved, and checking a token when an account is added.
//! Base URLs and the API version are configuration, so the same code talks to
//! Meta or to a local server in tests.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{Connection, Platform};

pub const DEFAULT_GRAPH_URL: &str = "https://graph.facebook.com";
pub const DEFAULT_INSTAGRAM_URL: &str = "https://graph.instagram.com";
pub const DEFAULT_VERSION: &str = "v21.0";
pub use crate::PAGE_WEBHOOK_FIELDS;

mod business_accounts;
mod outgoing_files;
mod whatsapp_media;
mod whatsapp_templates;
pub use outgoing_files::{OutgoingFile, file_name_for};
pub use whatsapp_media::{FetchedMedia, MediaError};
pub use whatsapp_templates::{ListedTemplate, TemplateSend};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("the reply is {length} characters; {platform} allows at most {limit}")]
    TooLong {
        platform: Platform,
        length: usize,
        limit: usize,
    },
    #[error("Meta refused: this reply is outside the time allowed to answer this person")]
    OutsideWindow,
    #[error("this person cannot receive messages right now")]
    PersonUnavailable,
    #[error(
        "the connection to this account has expired or was revoked; reconnect the account in Leadbox"
    )]
    TokenExpired,
    #[error(
        "more than 24 hours have passed since this person's last WhatsApp message: only an approved template can be sent"
    )]
    TemplateNeeded,
    #[error(
        "WhatsApp does not have this template in this language any more; refresh the list and choose again"
    )]
    TemplateNotFound,
    #[error("WhatsApp has paused or disabled this template; choose another one")]
    TemplateNotUsable,
    #[error("the values do not fit this template: WhatsApp expects a different number of them")]
    TemplateValues,
    #[error("WhatsApp is limiting how fast this number sends; try again in a minute")]
    ThroughputLimit,
    #[error(
        "too many messages were sent to this person in a short time; wait before sending again"
    )]
    TooManyToPerson,
    #[error("WhatsApp could not deliver this message (the number may not use WhatsApp)")]
    Undeliverable,
    #[error("Meta withheld this message to protect its users")]
    WithheldByMeta,
    #[error("Meta is rate-limiting this account; try again in a few minutes")]
    RateLimited,
    #[error("Meta did not take this file: {0}")]
    FileRefused(String),
    #[error("Meta cannot be reached ({0}); the draft is kept, try again")]
    Network(String),
    #[error("Meta refused the message: {message} (code {code})")]
    Other { code: i64, message: String },
}

impl SendError {
    /// Whether the account needs reconnecting (its token no longer works).
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, SendError::TokenExpired)
    }

    /// Reads Meta's `{"error": {"code", "error_subcode", "message"}}` body.
    pub fn from_graph_error(body: &Value) -> SendError {
        let error = body.get("error").unwrap_or(body);
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
        let subcode = error
            .get("error_subcode")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no details")
            .to_owned();
        match (code, subcode) {
            (10, 2_018_278) => SendError::OutsideWindow,
            (551, _) | (_, 1_545_041) => SendError::PersonUnavailable,
            (190, _) | (102, _) | (_, 463) | (_, 467) | (_, 460) => SendError::TokenExpired,
            (131_047, _) => SendError::TemplateNeeded,
            (130_429, _) => SendError::ThroughputLimit,
            (132_001, _) => SendError::TemplateNotFound,
            (132_015 | 132_016, _) => SendError::TemplateNotUsable,
            (132_000 | 132_012, _) => SendError::TemplateValues,
            (131_056, _) => SendError::TooManyToPerson,
            (131_026, _) => SendError::Undeliverable,
            (131_049, _) => SendError::WithheldByMeta,
            // WhatsApp's "media upload error"; the Send API's failed upload or fetch.
            (131_053, _) | (_, 2_018_047 | 2_018_008) => SendError::FileRefused(message),
            (4 | 17 | 32 | 613 | 80_006, _) => SendError::RateLimited,
            _ => SendError::Other { code, message },
        }
    }
}

/// Where a reply goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A page- or Instagram-scoped user id.
    User(String),
    /// A private reply to a comment.
    Comment(String),
    /// A WhatsApp user: phone number (wa_id) or business-scoped user id.
    Whatsapp(String),
}

/// One reply to send. `human_agent` must be true only for a reply a person
/// approved outside the 24-hour window (the caller's window decision).
#[derive(Clone, Copy)]
pub struct Outgoing<'a> {
    pub platform: Platform,
    pub connection: Connection,
    /// The WhatsApp phone-number id; Messenger and Instagram send as `me` of their token.
    pub account_id: &'a str,
    pub token: &'a str,
    pub recipient: &'a Recipient,
    pub text: &'a str,
    pub human_agent: bool,
}

impl std::fmt::Debug for Outgoing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("platform", &self.platform)
            .field("account_id", &self.account_id)
            .field("token", &"***")
            .field("human_agent", &self.human_agent)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    graph_url: String,
    instagram_url: String,
    version: String,
}

/// What `check_token` learned about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub id: String,
    pub name: String,
}

pub fn limit(platform: Platform) -> usize {
    match platform {
        Platform::Messenger => 2000,
        Platform::Instagram => 1000,
        Platform::Whatsapp => 4096,
        Platform::Website => leadbox_envelope::api::WIDGET_TEXT_LIMIT,
    }
}

impl GraphClient {
    pub fn new(graph_url: &str, instagram_url: &str, version: &str) -> GraphClient {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        GraphClient {
            http,
            graph_url: graph_url.trim_end_matches('/').to_owned(),
            instagram_url: instagram_url.trim_end_matches('/').to_owned(),
            version: version.to_owned(),
        }
    }

    /// Sends a text reply; returns the platform's message id.
    pub async fn send_text(&self, reply: &Outgoing<'_>) -> Result<String, SendError> {
        let Outgoing {
            platform,
            connection,
            account_id,
            token,
            recipient,
            text,
            human_agent,
        } = *reply;
        let length = text.chars().count();
        let max = limit(platform);
        if length > max {
            return Err(SendError::TooLong {
                platform,
                length,
                limit: max,
            });
        }
        let (url, body) = match (connection, recipient) {
            (Connection::WhatsappCloud, Recipient::Whatsapp(to)) => (
                format!("{}/{}/{account_id}/messages", self.graph_url, self.version),
                json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                       "type": "text", "text": {"preview_url": false, "body": text}}),
            ),
            (Connection::WhatsappCloud | Connection::Relay, _) | (_, Recipient::Whatsapp(_)) => {
                return Err(SendError::Other {
                    code: 0,
                    message: "this account cannot send to this recipient".into(),
                });
            }
            (connection, recipient) => {
                // With a page token `me` is the page, which sends for Messenger and for the
                // Instagram account linked to it; an Instagram Login token's `me` is the account.
                let url = match connection {
                    Connection::InstagramLogin => {
                        format!("{}/{}/me/messages", self.instagram_url, self.version)
                    }
                    _ => format!("{}/{}/me/messages", self.graph_url, self.version),
                };
                let recipient = match recipient {
                    Recipient::Comment(id) => json!({"comment_id": id}),
                    Recipient::User(id) | Recipient::Whatsapp(id) => json!({"id": id}),
                };
                let mut body = json!({"recipient": recipient, "message": {"text": text}});
                if human_agent {
                    body["messaging_type"] = json!("MESSAGE_TAG");
                    body["tag"] = json!("HUMAN_AGENT");
                } else {
                    body["messaging_type"] = json!("RESPONSE");
                }
                (url, body)
            }
        };
        let response = self
            .http
            .post(url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                SendError::Network(if e.is_timeout() {
                    "timed out".into()
                } else {
                    "connection failed".into()
                })
            })?;
        let ok = response.status().is_success();
        let body: Value = response.json().await.unwrap_or_default();
        if !ok {
            return Err(SendError::from_graph_error(&body));
        }
        body.get("message_id")
            .or_else(|| body.pointer("/messages/0/id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| SendError::Other {
                code: 0,
                message: "Meta's answer had no message id".into(),
            })
    }

    /// A lead-ad submission's answers: `{id, created_time, field_data: [{name, values}]}`.
    pub async fn fetch_lead(&self, leadgen_id: &str, page_token: &str) -> Result<Value, SendError> {
        let url = format!(
            "{}/{}/{leadgen_id}?fields=id,created_time,form_id,field_data",
            self.graph_url, self.version
        );
        self.call(self.http.get(url), page_token).await
    }

    /// The name a person who wrote to the business shows on Instagram or
    /// Messenger (the User Profile APIs; Meta allows it once they have written).
    /// `None` when the profile has no name, or the id is not one Meta issues.
    pub async fn user_name(
        &self,
        platform: Platform,
        connection: Connection,
        user_id: &str,
        token: &str,
    ) -> Result<Option<String>, SendError> {
        if user_id.is_empty()
            || user_id.len() > 64
            || !user_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Ok(None);
        }
        let url = match (platform, connection) {
            (Platform::Messenger, Connection::Page) => format!(
                "{}/{}/{user_id}?fields=first_name,last_name,name",
                self.graph_url, self.version
            ),
            (Platform::Instagram, Connection::Page) => format!(
                "{}/{}/{user_id}?fields=name,username",
                self.graph_url, self.version
            ),
            (Platform::Instagram, Connection::InstagramLogin) => format!(
                "{}/{}/{user_id}?fields=name,username",
                self.instagram_url, self.version
            ),
            _ => return Ok(None),
        };
        let body = self.call(self.http.get(url), token).await?;
        Ok(profile_name(&body))
    }

    /// A GET or POST with a token, answering Meta's JSON or its error in words.
    async fn call(
        &self,
        request: reqwest::RequestBuilder,
        token: &str,
    ) -> Result<Value, SendError> {
        let response = request
            .bearer_auth(token)
            .send()
            .await
            .map_err(|_| SendError::Network("connection failed".into()))?;
        let ok = response.status().is_success();
        let body: Value = response.json().await.unwrap_or_default();
        if ok {
            Ok(body)
        } else {
            Err(SendError::from_graph_error(&body))
        }
    }

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
        let response = self
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|_| SendError::Network("connection failed".into()))?;
        let ok = response.status().is_success();
        let body: Value = response.json().await.unwrap_or_default();
        if !ok {
            return Err(SendError::from_graph_error(&body));
        }
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

/// The name to show from a User Profile answer: the profile's name, else
/// `@username`, else first and last name; control characters dropped and at
/// most 80 characters, since it is shown in lists and notifications.
pub fn profile_name(profile: &Value) -> Option<String> {
    let field = |name: &str| {
        profile
            .get(name)
            .and_then(Value::as_str)
            .map(|text| text.chars().filter(|c| !c.is_control()).collect::<String>())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    let name = field("name")
        .or_else(|| field("username").map(|username| format!("@{username}")))
        .or_else(|| {
            let parts: Vec<String> = [field("first_name"), field("last_name")]
                .into_iter()
                .flatten()
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })?;
    Some(name.chars().take(80).collect())
}

#[cfg(test)]
mod tests;

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

mod accounts;
mod business_accounts;
mod outgoing_files;
mod send_error;
mod whatsapp_media;
mod whatsapp_templates;
pub use accounts::AccountInfo;
pub use outgoing_files::{OutgoingFile, file_name_for};
pub use send_error::SendError;
pub use whatsapp_media::{FetchedMedia, MediaError};
pub use whatsapp_templates::{ListedTemplate, TemplateSend};

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

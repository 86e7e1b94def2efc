//! Instagram Login ("Business Login for Instagram"), run where the Instagram
//! app secret lives: the dialog address (through the `oauth2` crate), the code
//! exchange, the 60-day token (`ig_exchange_token`), the account behind it and
//! its webhook subscription. Instagram answers the code exchange in its own
//! shape (`{"data": [{...}]}`), so that one call is made directly.

use std::time::Duration;

use leadbox_envelope::payload::SecretText;
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, Scope};
use serde::Deserialize;
use serde_json::Value;

use crate::config::InstagramLoginConfig;
use crate::facebook::LoginError;

/// Read and answer direct messages and comments of the professional account.
pub const SCOPES: [&str; 3] = [
    "instagram_business_basic",
    "instagram_business_manage_messages",
    "instagram_business_manage_comments",
];
const WEBHOOK_FIELDS: &str =
    "messages,comments,message_reactions,messaging_postbacks,messaging_seen";
pub(crate) const VERSION: &str = "v21.0";

pub fn redirect_uri(public_url: &str) -> String {
    format!("{public_url}/oauth/instagram/callback")
}

/// The Instagram Login dialog address carrying `state`.
pub fn dialog_url(
    config: &InstagramLoginConfig,
    public_url: &str,
    state: &str,
) -> Result<String, LoginError> {
    let auth = AuthUrl::new(config.dialog_url.clone()).map_err(|_| LoginError::NotConfigured)?;
    let redirect = oauth2::RedirectUrl::new(redirect_uri(public_url))
        .map_err(|_| LoginError::NotConfigured)?;
    let state = state.to_owned();
    let (url, _) = BasicClient::new(ClientId::new(config.app_id.clone()))
        .set_auth_uri(auth)
        .set_redirect_uri(redirect)
        .authorize_url(move || CsrfToken::new(state))
        .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
        .url();
    Ok(url.to_string())
}

/// What the login produced, ready to be sealed to the device.
#[derive(Debug)]
pub struct InstagramAccount {
    /// App-scoped id of the person (deletion requests name it).
    pub user_id: String,
    /// The professional account id webhooks carry.
    pub account_id: String,
    pub username: String,
    pub token: SecretText,
    pub expires_in_seconds: Option<i64>,
    pub subscribed: bool,
}

/// Instagram's errors come as `{"error_type", "code", "error_message"}` or in
/// the Graph shape `{"error": {"message", "code"}}`.
fn refused(body: &[u8], step: &'static str) -> LoginError {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return LoginError::Unexpected { step };
    };
    let error = value
        .get("error")
        .filter(|e| e.is_object())
        .unwrap_or(&value);
    let message = error
        .get("error_message")
        .or_else(|| error.get("message"))
        .and_then(Value::as_str);
    match message {
        Some(message) => LoginError::Refused {
            code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
            message: message.chars().take(300).collect(),
        },
        None => LoginError::Unexpected { step },
    }
}

#[derive(Deserialize)]
struct ShortToken {
    access_token: String,
}

#[derive(Deserialize)]
struct LongToken {
    access_token: String,
    expires_in: Option<i64>,
}

#[derive(Deserialize)]
struct Me {
    #[serde(default)]
    id: Option<Value>,
    user_id: Option<Value>,
    #[serde(default)]
    username: String,
}

fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Debug)]
pub struct InstagramLogin<'a> {
    config: &'a InstagramLoginConfig,
    http: reqwest::Client,
}

impl<'a> InstagramLogin<'a> {
    pub fn new(config: &'a InstagramLoginConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        InstagramLogin { config, http }
    }

    pub async fn complete(
        &self,
        public_url: &str,
        code: &str,
    ) -> Result<InstagramAccount, LoginError> {
        // Instagram appends "#_" to the code it puts in the redirect.
        let code = code.trim().trim_end_matches("#_");
        let form = [
            ("client_id", self.config.app_id.as_str()),
            ("client_secret", self.config.app_secret.as_str()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", &redirect_uri(public_url)),
            ("code", code),
        ];
        let body = self
            .send(
                self.http
                    .post(format!("{}/oauth/access_token", self.config.api_url))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form_body(&form)),
                "the code exchange",
            )
            .await?;
        // `{"data": [{"access_token", "user_id", "permissions"}]}`, or the same object unwrapped.
        let first = body
            .pointer("/data/0")
            .cloned()
            .unwrap_or_else(|| body.clone());
        let short: ShortToken =
            serde_json::from_value(first).map_err(|_| LoginError::Unexpected {
                step: "the code exchange",
            })?;
        let long: LongToken = serde_json::from_value(
            self.send(
                self.http
                    .get(format!("{}/access_token", self.config.graph_url))
                    .query(&[
                        ("grant_type", "ig_exchange_token"),
                        ("client_secret", self.config.app_secret.as_str()),
                        ("access_token", short.access_token.as_str()),
                    ]),
                "the long-lived token exchange",
            )
            .await?,
        )
        .map_err(|_| LoginError::Unexpected {
            step: "the long-lived token exchange",
        })?;
        let token = SecretText::new(long.access_token);
        let me: Me = serde_json::from_value(
            self.send(
                self.http
                    .get(format!("{}/{VERSION}/me", self.config.graph_url))
                    .query(&[
                        ("fields", "id,user_id,username"),
                        ("access_token", token.expose()),
                    ]),
                "/me",
            )
            .await?,
        )
        .map_err(|_| LoginError::Unexpected { step: "/me" })?;
        let account_id =
            id_text(me.user_id.as_ref()).ok_or(LoginError::Unexpected { step: "/me" })?;
        let user_id = id_text(me.id.as_ref()).unwrap_or_else(|| account_id.clone());
        let subscribed = self
            .send(
                self.http
                    .post(format!(
                        "{}/{VERSION}/me/subscribed_apps",
                        self.config.graph_url
                    ))
                    .query(&[
                        ("subscribed_fields", WEBHOOK_FIELDS),
                        ("access_token", token.expose()),
                    ]),
                "subscribed_apps",
            )
            .await
            .inspect_err(|error| tracing::warn!(%error, "Instagram subscription refused"))
            .is_ok_and(|body| body.get("success").and_then(Value::as_bool) == Some(true));
        Ok(InstagramAccount {
            user_id,
            account_id,
            username: me.username,
            token,
            expires_in_seconds: long.expires_in,
            subscribed,
        })
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        step: &'static str,
    ) -> Result<Value, LoginError> {
        crate::facebook::read_json(request, step, refused).await
    }
}

/// `application/x-www-form-urlencoded` (reqwest's `form` feature is not built).
fn form_body(fields: &[(&str, &str)]) -> String {
    oauth2::url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dialog_asks_for_the_business_scopes_and_returns_here() {
        let config = InstagramLoginConfig {
            app_id: "990".into(),
            app_secret: "s".into(),
            dialog_url: crate::config::DEFAULT_INSTAGRAM_DIALOG_URL.into(),
            api_url: crate::config::DEFAULT_INSTAGRAM_API_URL.into(),
            graph_url: crate::config::DEFAULT_INSTAGRAM_GRAPH_URL.into(),
        };
        let url = oauth2::url::Url::parse(
            &dialog_url(&config, "https://relay.example.com", "st").unwrap(),
        )
        .unwrap();
        let query: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(url.host_str(), Some("www.instagram.com"));
        assert_eq!(query["client_id"], "990");
        assert_eq!(query["state"], "st");
        assert_eq!(
            query["redirect_uri"],
            "https://relay.example.com/oauth/instagram/callback"
        );
        assert_eq!(query["scope"], SCOPES.join(" "));
    }

    #[test]
    fn both_error_shapes_read_as_words() {
        let flat = br#"{"error_type": "OAuthException", "code": 400, "error_message": "Invalid authorization code"}"#;
        assert!(
            matches!(refused(flat, "x"), LoginError::Refused { code: 400, ref message } if message == "Invalid authorization code")
        );
        let graph = br#"{"error": {"message": "Invalid OAuth access token", "code": 190}}"#;
        assert!(matches!(
            refused(graph, "x"),
            LoginError::Refused { code: 190, .. }
        ));
        assert!(matches!(
            refused(b"<html>", "x"),
            LoginError::Unexpected { .. }
        ));
    }
}

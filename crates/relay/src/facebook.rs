//! Facebook Login, run where the app secret lives: the dialog address, the
//! code exchange (through the `oauth2` crate), the long-lived user token, the
//! page tokens from `/me/accounts`, and each page's webhook subscription.
//! Everything it returns is sealed to a device at once and not kept.

use std::time::Duration;

use hmac::{Hmac, Mac};
use leadbox_envelope::payload::{ConnectedPage, SecretText};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, RedirectUrl, Scope,
    TokenResponse, TokenUrl,
};
use serde::Deserialize;
use sha2::Sha256;

use crate::RelayConfig;

/// What Leadbox asks the owner to grant: read and answer messages, comments and
/// lead forms of the pages (and their Instagram accounts) they choose.
pub const SCOPES: [&str; 8] = [
    "pages_show_list",
    "pages_messaging",
    "pages_manage_metadata",
    "pages_read_engagement",
    "instagram_basic",
    "instagram_manage_messages",
    "instagram_manage_comments",
    "leads_retrieval",
];

/// The webhook fields each connected page is subscribed to.
pub use leadbox_channels::PAGE_WEBHOOK_FIELDS as PAGE_FIELDS;

/// At most this many pages of `/me/accounts` (100 pages each) are read.
const MAX_ACCOUNT_PAGES: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("Facebook Login is not set up on this relay: set meta_app_id and public_url")]
    NotConfigured,
    #[error(
        "Instagram Login is not set up on this relay: set instagram_app_id, instagram_app_secret and public_url"
    )]
    InstagramNotConfigured,
    #[error("Meta could not be reached: {0}")]
    Unreachable(String),
    #[error("Meta refused: {message} (code {code})")]
    Refused { code: i64, message: String },
    #[error("Meta answered something unexpected at {step}")]
    Unexpected { step: &'static str },
}

/// The login's outcome, ready to be sealed to the device.
#[derive(Debug)]
pub struct LoggedIn {
    pub user_id: String,
    pub user_name: String,
    pub user_token: SecretText,
    pub expires_in_seconds: Option<i64>,
    pub pages: Vec<ConnectedPage>,
}

/// Sends a login request and reads its JSON answer; an error answer goes
/// through `refused` (each platform words its errors its own way).
pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
    step: &'static str,
    refused: fn(&[u8], &'static str) -> LoginError,
) -> Result<T, LoginError> {
    // Never put the URL in an error: it carries the token and the app secret.
    let response = request
        .send()
        .await
        .map_err(|e| LoginError::Unreachable(e.without_url().to_string()))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| LoginError::Unreachable(e.without_url().to_string()))?;
    if !status.is_success() {
        return Err(refused(&body, step));
    }
    serde_json::from_slice(&body).map_err(|_| LoginError::Unexpected { step })
}

/// Meta's error body: `{"error": {"message", "type", "code", "error_subcode"}}`.
#[derive(Debug, Deserialize)]
struct GraphErrorBody {
    error: GraphError,
}

#[derive(Debug, Deserialize)]
struct GraphError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    code: i64,
}

pub(crate) fn refused(body: &[u8], step: &'static str) -> LoginError {
    match serde_json::from_slice::<GraphErrorBody>(body) {
        Ok(GraphErrorBody { error }) => LoginError::Refused {
            code: error.code,
            message: error.message.chars().take(300).collect(),
        },
        Err(_) => LoginError::Unexpected { step },
    }
}

fn redirect_uri(public_url: &str) -> String {
    format!("{public_url}/oauth/meta/callback")
}

/// Both URLs come from the validated config; a bad one is reported, not a panic.
fn client(
    config: &RelayConfig,
) -> Result<
    BasicClient<
        oauth2::EndpointSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
    LoginError,
> {
    let (Some(app_id), Some(public_url)) = (&config.meta_app_id, &config.public_url) else {
        return Err(LoginError::NotConfigured);
    };
    let bad = |_| LoginError::NotConfigured;
    Ok(BasicClient::new(ClientId::new(app_id.clone()))
        .set_client_secret(ClientSecret::new(config.meta_app_secret.clone()))
        .set_auth_uri(AuthUrl::new(config.login_dialog_url.clone()).map_err(bad)?)
        .set_token_uri(
            TokenUrl::new(format!("{}/oauth/access_token", config.graph_url)).map_err(bad)?,
        )
        .set_redirect_uri(RedirectUrl::new(redirect_uri(public_url)).map_err(bad)?)
        // Facebook reads client_id and client_secret from the request, not Basic auth.
        .set_auth_type(AuthType::RequestBody))
}

/// The Facebook Login dialog address carrying `state`.
pub fn dialog_url(config: &RelayConfig, state: &str) -> Result<String, LoginError> {
    let state = state.to_owned();
    let (url, _) = client(config)?
        .authorize_url(move || CsrfToken::new(state))
        .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
        .url();
    Ok(url.to_string())
}

/// Hands an `oauth2` request to our reqwest client.
async fn send(
    http: &reqwest::Client,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let (parts, body) = request.into_parts();
    let response = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let headers = response.headers().clone();
    let mut out = oauth2::http::Response::new(response.bytes().await?.to_vec());
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    Ok(out)
}

/// `appsecret_proof`: Meta's proof that a call with this token comes from the app's server.
pub(crate) fn appsecret_proof(app_secret: &str, token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[derive(Debug)]
pub struct FacebookLogin<'a> {
    config: &'a RelayConfig,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct AccessToken {
    access_token: String,
    expires_in: Option<i64>,
}

#[derive(Deserialize)]
struct Me {
    id: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct Accounts {
    #[serde(default)]
    data: Vec<Account>,
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Account {
    id: String,
    #[serde(default)]
    name: String,
    access_token: Option<String>,
    instagram_business_account: Option<InstagramAccount>,
}

#[derive(Deserialize)]
struct InstagramAccount {
    id: String,
    username: Option<String>,
}

#[derive(Deserialize)]
struct Paging {
    cursors: Option<Cursors>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct Cursors {
    after: Option<String>,
}

impl<'a> FacebookLogin<'a> {
    pub fn new(config: &'a RelayConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            // The code exchange must not follow redirects (RFC 6749 §10.6 style leaks).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        FacebookLogin { config, http }
    }

    /// Code → short-lived token → long-lived token → user and page tokens,
    /// then each page subscribed to the app's webhooks.
    pub async fn complete(&self, code: &str) -> Result<LoggedIn, LoginError> {
        // Each request future owns its (cheaply cloned) client, which keeps the
        // handler's future `Send` for axum.
        let http = self.http.clone();
        let call = move |request| {
            let http = http.clone();
            async move { send(&http, request).await }
        };
        let short = client(self.config)?
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .request_async(&call)
            .await
            .map_err(|error| match error {
                oauth2::RequestTokenError::Parse(_, body) => refused(&body, "the code exchange"),
                oauth2::RequestTokenError::Request(e) => LoginError::Unreachable(e.to_string()),
                oauth2::RequestTokenError::ServerResponse(e) => LoginError::Refused {
                    code: 0,
                    message: e.to_string(),
                },
                oauth2::RequestTokenError::Other(_) => LoginError::Unexpected {
                    step: "the code exchange",
                },
            })?;
        let long: AccessToken = self
            .get(
                "oauth/access_token",
                &[
                    ("grant_type", "fb_exchange_token"),
                    (
                        "client_id",
                        self.config.meta_app_id.as_deref().unwrap_or(""),
                    ),
                    ("client_secret", &self.config.meta_app_secret),
                    ("fb_exchange_token", short.access_token().secret()),
                ],
                None,
                "the long-lived token exchange",
            )
            .await?;
        let user_token = SecretText::new(long.access_token);
        let me: Me = self
            .get("me", &[("fields", "id,name")], Some(&user_token), "/me")
            .await?;
        let mut pages = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_ACCOUNT_PAGES {
            let mut query = vec![
                (
                    "fields",
                    "id,name,access_token,instagram_business_account{id,username}",
                ),
                ("limit", "100"),
            ];
            if let Some(cursor) = &after {
                query.push(("after", cursor));
            }
            let batch: Accounts = self
                .get("me/accounts", &query, Some(&user_token), "/me/accounts")
                .await?;
            for account in batch.data {
                let Some(token) = account.access_token else {
                    continue; // a page the person cannot manage messages for
                };
                let access_token = SecretText::new(token);
                let subscribed = self.subscribe(&account.id, &access_token).await;
                pages.push(ConnectedPage {
                    page_id: account.id,
                    name: account.name,
                    access_token,
                    instagram_account_id: account
                        .instagram_business_account
                        .as_ref()
                        .map(|ig| ig.id.clone()),
                    instagram_username: account
                        .instagram_business_account
                        .and_then(|ig| ig.username),
                    subscribed,
                });
            }
            match batch.paging {
                Some(Paging {
                    next: Some(_),
                    cursors:
                        Some(Cursors {
                            after: Some(cursor),
                        }),
                }) => after = Some(cursor),
                _ => break,
            }
        }
        Ok(LoggedIn {
            user_id: me.id,
            user_name: me.name,
            user_token,
            expires_in_seconds: long.expires_in,
            pages,
        })
    }

    /// `POST /{page}/subscribed_apps`; false (and logged) when Meta refuses,
    /// so the owner is told to check the page instead of missing messages silently.
    async fn subscribe(&self, page_id: &str, token: &SecretText) -> bool {
        let url = format!("{}/{page_id}/subscribed_apps", self.config.graph_url);
        let outcome = self
            .http
            .post(url)
            .query(&[
                ("subscribed_fields", PAGE_FIELDS),
                ("access_token", token.expose()),
                (
                    "appsecret_proof",
                    &appsecret_proof(&self.config.meta_app_secret, token.expose()),
                ),
            ])
            .send()
            .await;
        match outcome {
            Ok(response) if response.status().is_success() => true,
            Ok(response) => {
                let status = response.status();
                let body = response.bytes().await.unwrap_or_default();
                tracing::warn!(%status, error = %refused(&body, "subscribed_apps"), "page subscription refused");
                false
            }
            Err(error) => {
                tracing::warn!(error = %error.without_url(), "page subscription failed");
                false
            }
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        token: Option<&SecretText>,
        step: &'static str,
    ) -> Result<T, LoginError> {
        let mut request = self
            .http
            .get(format!("{}/{path}", self.config.graph_url))
            .query(query);
        if let Some(token) = token {
            request = request.query(&[
                ("access_token", token.expose()),
                (
                    "appsecret_proof",
                    &appsecret_proof(&self.config.meta_app_secret, token.expose()),
                ),
            ]);
        }
        read_json(request, step, refused).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(app_id: Option<&str>) -> RelayConfig {
        RelayConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: "/nowhere".into(),
            meta_app_secret: "secret".into(),
            meta_verify_token: "v".into(),
            max_body_bytes: 1 << 20,
            envelope_ttl_days: 14,
            max_queue_per_device: 1000,
            tls: None,
            limits: crate::config::RateLimits::default(),
            public_url: Some("https://relay.example.com".into()),
            meta_app_id: app_id.map(str::to_owned),
            graph_url: crate::config::DEFAULT_GRAPH_URL.into(),
            instagram_graph_url: crate::config::DEFAULT_INSTAGRAM_GRAPH_URL.into(),
            route_claims: crate::config::RouteClaims::Proof,
            database_url: None,
            signup: crate::config::SignUp::Closed,
            login_dialog_url: crate::config::DEFAULT_LOGIN_DIALOG_URL.into(),
            instagram: None,
            metrics_token: None,
        }
    }

    #[test]
    fn the_dialog_address_carries_the_app_the_state_and_the_scopes() {
        let url = url_parts(&dialog_url(&config(Some("1234")), "st-ate").unwrap());
        assert_eq!(url.0, "https://www.facebook.com/v21.0/dialog/oauth");
        let query = url.1;
        assert_eq!(query["client_id"], "1234");
        assert_eq!(query["state"], "st-ate");
        assert_eq!(query["response_type"], "code");
        assert_eq!(
            query["redirect_uri"],
            "https://relay.example.com/oauth/meta/callback"
        );
        for scope in SCOPES {
            assert!(query["scope"].split(' ').any(|s| s == scope), "{scope}");
        }
        assert!(!query.contains_key("client_secret"));
    }

    #[test]
    fn without_an_app_id_login_is_not_offered() {
        assert!(matches!(
            dialog_url(&config(None), "s"),
            Err(LoginError::NotConfigured)
        ));
    }

    #[test]
    fn the_proof_is_the_hmac_of_the_token() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")
        assert_eq!(
            appsecret_proof("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    fn url_parts(text: &str) -> (String, std::collections::HashMap<String, String>) {
        let url = oauth2::url::Url::parse(text).unwrap();
        let base = format!("{}{}", url.origin().ascii_serialization(), url.path());
        (base, url.query_pairs().into_owned().collect())
    }
}

//! Proof that a business controls a platform account before the relay routes
//! that account's webhooks to it: the token the desktop holds for the account
//! is checked once against the Graph API and then dropped.
//!
//! Each check asks a question only the account's own token can answer:
//! a page token's `/me` is its page; an Instagram account is the one linked
//! to that page (`instagram_business_account`) or, for Instagram Login, the
//! token's own `user_id`; a WhatsApp number is readable only with a token
//! granted on its WhatsApp Business Account, and that account's
//! `phone_numbers` must list it.

use std::time::Duration;

use leadbox_envelope::Platform;
use leadbox_envelope::payload::SecretText;
use serde::Deserialize;
use serde_json::Value;

use crate::RelayConfig;
use crate::facebook::{LoginError, appsecret_proof, read_json, refused};

#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// The token works but belongs to another account.
    #[error("this token belongs to {found}, not to account {claimed}")]
    OtherAccount { claimed: String, found: String },
    #[error("the WhatsApp Business Account {0} does not hold this number")]
    NotInBusinessAccount(String),
    #[error("the token was not accepted: {0}")]
    Graph(#[from] LoginError),
}

impl ProofError {
    /// Meta could not be asked (as opposed to: it said no).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ProofError::Graph(LoginError::Unreachable(_)))
    }
}

/// What is claimed, and the token that should prove it.
#[derive(Debug)]
pub struct Claim<'a> {
    pub route: Platform,
    pub account_id: &'a str,
    pub whatsapp_business_account_id: Option<&'a str>,
    pub token: &'a SecretText,
}

#[derive(Debug)]
pub struct ControlCheck<'a> {
    config: &'a RelayConfig,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Node {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    user_id: Value,
    #[serde(default)]
    instagram_business_account: Option<Box<Node>>,
}

#[derive(Deserialize)]
struct Listing {
    #[serde(default)]
    data: Vec<Node>,
}

/// Graph ids come as strings, and Instagram's `user_id` sometimes as a number.
fn id_of(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::to_owned)
        .or_else(|| value.as_u64().map(|n| n.to_string()))
}

impl<'a> ControlCheck<'a> {
    pub fn new(config: &'a RelayConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        ControlCheck { config, http }
    }

    /// `Ok(())` when the token proves control of the claimed account.
    pub async fn prove(&self, claim: &Claim<'_>) -> Result<(), ProofError> {
        let claimed = claim.account_id;
        let matches = |found: Option<String>| match found {
            Some(found) if found == claimed => Ok(()),
            found => Err(ProofError::OtherAccount {
                claimed: claimed.to_owned(),
                found: found.unwrap_or_else(|| "no account".into()),
            }),
        };
        match claim.route {
            Platform::Messenger => {
                let me: Node = self.facebook("me", "id", claim.token).await?;
                matches(id_of(&me.id))
            }
            Platform::Instagram => {
                // A page token first (Instagram through Facebook Login), then
                // an Instagram Login token.
                let linked = self
                    .facebook::<Node>("me", "id,instagram_business_account", claim.token)
                    .await
                    .ok()
                    .and_then(|page| page.instagram_business_account)
                    .and_then(|account| id_of(&account.id));
                if linked.as_deref() == Some(claimed) {
                    return Ok(());
                }
                let me: Node = self.instagram("me", "user_id", claim.token).await?;
                matches(id_of(&me.user_id))
            }
            Platform::Whatsapp => {
                let number: Node = self.facebook(claimed, "id", claim.token).await?;
                matches(id_of(&number.id))?;
                if let Some(business_account) = claim.whatsapp_business_account_id {
                    let numbers: Listing = self
                        .facebook(
                            &format!("{business_account}/phone_numbers"),
                            "id",
                            claim.token,
                        )
                        .await?;
                    if !numbers
                        .data
                        .iter()
                        .any(|n| id_of(&n.id).as_deref() == Some(claimed))
                    {
                        return Err(ProofError::NotInBusinessAccount(business_account.into()));
                    }
                }
                Ok(())
            }
            Platform::Website => Err(ProofError::OtherAccount {
                claimed: claimed.to_owned(),
                found: "a website chat, which the relay names itself".into(),
            }),
        }
    }

    /// A Graph API read with the relay app's `appsecret_proof` (required when
    /// the app has "Require App Secret" on; harmless otherwise).
    async fn facebook<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        fields: &str,
        token: &SecretText,
    ) -> Result<T, LoginError> {
        let proof = appsecret_proof(&self.config.meta_app_secret, token.expose());
        let request = self
            .http
            .get(format!("{}/{path}", self.config.graph_url))
            .query(&[
                ("fields", fields),
                ("limit", "100"),
                ("access_token", token.expose()),
                ("appsecret_proof", &proof),
            ]);
        read_json(request, "proof of control", refused).await
    }

    async fn instagram<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        fields: &str,
        token: &SecretText,
    ) -> Result<T, LoginError> {
        let request = self
            .http
            .get(format!(
                "{}/{}/{path}",
                self.config.instagram_graph_url,
                crate::instagram::VERSION
            ))
            .query(&[("fields", fields), ("access_token", token.expose())]);
        read_json(request, "proof of control", refused).await
    }
}

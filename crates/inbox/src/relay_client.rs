//! HTTP calls to the relay's device API.

use std::time::Duration;

use leadbox_envelope::api::{
    AckRequest, AckResponse, ApiError, BusinessDevice, ClaimRouteRequest, ComputerInvite,
    DeletionCompleted, EnvelopePage, OAuthTicket, RegisterDeviceRequest, RegisterDeviceResponse,
    SignUpRequest, WidgetOriginRequest, WidgetReplyAccepted, WidgetReplyRequest, WidgetSite,
    WidgetSiteRequest,
};
use serde::de::DeserializeOwned;

use crate::InboxError;

/// An address Leadbox talks to or opens: `https://`, or `http://` only on
/// this computer (a test relay, a local proxy). Anything else (`file:`, a
/// custom scheme, plain http over a network) is refused.
pub(crate) fn is_safe_web_address(url: &reqwest::Url) -> bool {
    match (url.scheme(), url.host_str()) {
        ("https", Some(_)) => true,
        ("http", Some(host)) => leadbox_envelope::is_loopback_host(host),
        _ => false,
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RelayClient {
    http: reqwest::Client,
    base: String,
}

impl RelayClient {
    pub fn new(base: &str) -> Result<Self, InboxError> {
        let base = base.trim().trim_end_matches('/').to_owned();
        let parsed =
            reqwest::Url::parse(&base).map_err(|_| InboxError::BadRelayUrl(base.clone()))?;
        if !is_safe_web_address(&parsed) {
            return Err(InboxError::BadRelayUrl(base));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("leadbox/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| InboxError::RelayUnreachable { url: base.clone() })?;
        Ok(RelayClient { http, base })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// A request to `path` with this device's token.
    fn authed(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
    }

    fn unreachable(&self) -> InboxError {
        InboxError::RelayUnreachable {
            url: self.base.clone(),
        }
    }

    async fn read<T: DeserializeOwned>(
        &self,
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<T, InboxError> {
        let response = response.map_err(|_| self.unreachable())?;
        if response.status().is_success() {
            return response.json::<T>().await.map_err(|_| self.unreachable());
        }
        Err(refusal(response).await)
    }

    /// For calls answered with 204 No Content.
    async fn read_empty(
        &self,
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<(), InboxError> {
        let response = response.map_err(|_| self.unreachable())?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(refusal(response).await)
    }

    pub async fn register(
        &self,
        request: &RegisterDeviceRequest,
    ) -> Result<RegisterDeviceResponse, InboxError> {
        let response = self
            .http
            .post(format!("{}/v1/devices", self.base))
            .json(request)
            .send()
            .await;
        self.read(response).await
    }

    /// A single-use invite for another computer of this business (owner only).
    pub async fn invite_computer(&self, token: &str) -> Result<ComputerInvite, InboxError> {
        let response = self
            .authed(reqwest::Method::POST, "/v1/invites", token)
            .send()
            .await;
        self.read(response).await
    }

    /// Signs up at a relay service: a new business, this computer its owner.
    pub async fn sign_up(
        &self,
        request: &SignUpRequest,
    ) -> Result<RegisterDeviceResponse, InboxError> {
        let response = self
            .http
            .post(format!("{}/v1/signup", self.base))
            .json(request)
            .send()
            .await;
        self.read(response).await
    }

    pub async fn claim(&self, token: &str, request: &ClaimRouteRequest) -> Result<(), InboxError> {
        let response = self
            .authed(reqwest::Method::POST, "/v1/routes", token)
            .json(request)
            .send()
            .await;
        self.read_empty(response).await
    }

    /// Asks for a single-use "Connect with Facebook" address for this device.
    /// `provider`: `meta` (Facebook Login) or `instagram` (Instagram Login).
    pub async fn login_ticket(
        &self,
        token: &str,
        provider: &str,
    ) -> Result<OAuthTicket, InboxError> {
        let response = self
            .authed(
                reqwest::Method::POST,
                &format!("/v1/oauth/{provider}/tickets"),
                token,
            )
            .send()
            .await;
        self.read(response).await
    }

    /// Tells the relay this business removed what Meta's deletion request covered.
    pub async fn complete_deletion(&self, token: &str, code: &str) -> Result<(), InboxError> {
        let response = self
            .authed(reqwest::Method::POST, "/v1/meta/deletions/complete", token)
            .json(&DeletionCompleted {
                confirmation_code: code.to_owned(),
            })
            .send()
            .await;
        self.read_empty(response).await
    }

    pub async fn create_site(
        &self,
        token: &str,
        request: &WidgetSiteRequest,
    ) -> Result<WidgetSite, InboxError> {
        let response = self
            .authed(reqwest::Method::POST, "/v1/widget/sites", token)
            .json(request)
            .send()
            .await;
        self.read(response).await
    }

    pub async fn devices(&self, token: &str) -> Result<Vec<BusinessDevice>, InboxError> {
        let response = self
            .authed(reqwest::Method::GET, "/v1/devices", token)
            .send()
            .await;
        self.read(response).await
    }

    pub async fn revoke_device(&self, token: &str, device_id: &str) -> Result<(), InboxError> {
        let response = self
            .authed(
                reqwest::Method::DELETE,
                &format!("/v1/devices/{device_id}"),
                token,
            )
            .send()
            .await;
        self.read_empty(response).await
    }

    pub async fn sites(&self, token: &str) -> Result<Vec<WidgetSite>, InboxError> {
        let response = self
            .authed(reqwest::Method::GET, "/v1/widget/sites", token)
            .send()
            .await;
        self.read(response).await
    }

    pub async fn add_site_origin(
        &self,
        token: &str,
        site_id: &str,
        request: &WidgetOriginRequest,
    ) -> Result<WidgetSite, InboxError> {
        let response = self
            .authed(
                reqwest::Method::POST,
                &format!("/v1/widget/sites/{site_id}/origins"),
                token,
            )
            .json(request)
            .send()
            .await;
        self.read(response).await
    }

    pub async fn widget_reply(
        &self,
        token: &str,
        request: &WidgetReplyRequest,
    ) -> Result<WidgetReplyAccepted, InboxError> {
        let response = self
            .authed(reqwest::Method::POST, "/v1/widget/replies", token)
            .json(request)
            .send()
            .await;
        self.read(response).await
    }

    pub async fn envelopes(
        &self,
        token: &str,
        after: u64,
        wait: Duration,
    ) -> Result<EnvelopePage, InboxError> {
        let response = self
            .authed(reqwest::Method::GET, "/v1/envelopes", token)
            .query(&[("after", after), ("wait", wait.as_secs())])
            .timeout(wait + Duration::from_secs(30))
            .send()
            .await;
        self.read(response).await
    }

    pub async fn ack(
        &self,
        token: &str,
        cursors: Vec<u64>,
        lost_seen: u64,
    ) -> Result<AckResponse, InboxError> {
        let response = self
            .authed(reqwest::Method::POST, "/v1/envelopes/ack", token)
            .json(&AckRequest { cursors, lost_seen })
            .send()
            .await;
        self.read(response).await
    }

    /// Opens the push stream (Server-Sent Events) from `after`.
    pub async fn open_stream(
        &self,
        token: &str,
        after: u64,
    ) -> Result<reqwest::Response, InboxError> {
        let response = self
            .authed(reqwest::Method::GET, "/v1/stream", token)
            .query(&[("after", after)])
            .header("accept", "text/event-stream")
            .send()
            .await
            .map_err(|_| self.unreachable())?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(refusal(response).await)
    }
}

/// The relay's answer to a refused call, in its own words when it gave them.
async fn refusal(response: reqwest::Response) -> InboxError {
    let status = response.status().as_u16();
    let error = response
        .json::<ApiError>()
        .await
        .unwrap_or_else(|_| ApiError {
            code: "http_error".into(),
            message: format!("the relay answered HTTP {status}"),
        });
    InboxError::Relay {
        status,
        code: error.code,
        message: error.message,
    }
}

#[cfg(test)]
mod tests {
    use super::{RelayClient, is_safe_web_address};

    #[test]
    fn only_https_or_this_computer_is_a_usable_address() {
        let ok = |text: &str| is_safe_web_address(&reqwest::Url::parse(text).unwrap());
        assert!(ok("https://relay.example.com"));
        assert!(ok("http://127.0.0.1:8080"));
        assert!(ok("http://localhost:8080/oauth/meta/start?t=1"));
        assert!(!ok("http://relay.example.com"), "plain http over a network");
        assert!(!ok("http://localhost.evil.example"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("leadbox://open"));
        assert!(!ok("javascript:alert(1)"));
        assert!(RelayClient::new("http://192.168.1.20:8080").is_err());
        assert!(RelayClient::new("https://relay.example.com/").is_ok());
    }
}

//! HTTP calls to the relay's device API.

use std::time::Duration;

use leadbox_envelope::api::{
    AckRequest, AckResponse, ApiError, BusinessDevice, ClaimRouteRequest, DeletionCompleted,
    EnvelopePage, OAuthTicket, RegisterDeviceRequest, RegisterDeviceResponse, WidgetReplyAccepted,
    WidgetReplyRequest, WidgetSite, WidgetSiteRequest,
};
use serde::de::DeserializeOwned;

use crate::InboxError;

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
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
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

    async fn read<T: DeserializeOwned>(
        &self,
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<T, InboxError> {
        let unreachable = || InboxError::RelayUnreachable {
            url: self.base.clone(),
        };
        let response = response.map_err(|_| unreachable())?;
        let status = response.status();
        if status.is_success() {
            return response.json::<T>().await.map_err(|_| unreachable());
        }
        let error = response
            .json::<ApiError>()
            .await
            .unwrap_or_else(|_| ApiError {
                code: "http_error".into(),
                message: format!("the relay answered HTTP {}", status.as_u16()),
            });
        Err(InboxError::Relay {
            status: status.as_u16(),
            code: error.code,
            message: error.message,
        })
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

    pub async fn claim(&self, token: &str, request: &ClaimRouteRequest) -> Result<(), InboxError> {
        let response = self
            .http
            .post(format!("{}/v1/routes", self.base))
            .bearer_auth(token)
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
            .http
            .post(format!("{}/v1/oauth/{provider}/tickets", self.base))
            .bearer_auth(token)
            .send()
            .await;
        self.read(response).await
    }

    /// Tells the relay this business removed what Meta's deletion request covered.
    pub async fn complete_deletion(&self, token: &str, code: &str) -> Result<(), InboxError> {
        let response = self
            .http
            .post(format!("{}/v1/meta/deletions/complete", self.base))
            .bearer_auth(token)
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
            .http
            .post(format!("{}/v1/widget/sites", self.base))
            .bearer_auth(token)
            .json(request)
            .send()
            .await;
        self.read(response).await
    }

    pub async fn devices(&self, token: &str) -> Result<Vec<BusinessDevice>, InboxError> {
        let response = self
            .http
            .get(format!("{}/v1/devices", self.base))
            .bearer_auth(token)
            .send()
            .await;
        self.read(response).await
    }

    pub async fn revoke_device(&self, token: &str, device_id: &str) -> Result<(), InboxError> {
        let response = self
            .http
            .delete(format!("{}/v1/devices/{device_id}", self.base))
            .bearer_auth(token)
            .send()
            .await;
        self.read_empty(response).await
    }

    pub async fn sites(&self, token: &str) -> Result<Vec<WidgetSite>, InboxError> {
        let response = self
            .http
            .get(format!("{}/v1/widget/sites", self.base))
            .bearer_auth(token)
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
            .http
            .post(format!("{}/v1/widget/replies", self.base))
            .bearer_auth(token)
            .json(request)
            .send()
            .await;
        self.read(response).await
    }

    /// For calls answered with 204 No Content.
    async fn read_empty(
        &self,
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<(), InboxError> {
        let unreachable = || InboxError::RelayUnreachable {
            url: self.base.clone(),
        };
        let response = response.map_err(|_| unreachable())?;
        if response.status().is_success() {
            return Ok(());
        }
        let status = response.status().as_u16();
        let error = response
            .json::<ApiError>()
            .await
            .unwrap_or_else(|_| ApiError {
                code: "http_error".into(),
                message: format!("the relay answered HTTP {status}"),
            });
        Err(InboxError::Relay {
            status,
            code: error.code,
            message: error.message,
        })
    }

    pub async fn envelopes(
        &self,
        token: &str,
        after: u64,
        wait: Duration,
    ) -> Result<EnvelopePage, InboxError> {
        let response = self
            .http
            .get(format!("{}/v1/envelopes", self.base))
            .bearer_auth(token)
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
            .http
            .post(format!("{}/v1/envelopes/ack", self.base))
            .bearer_auth(token)
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
        let unreachable = || InboxError::RelayUnreachable {
            url: self.base.clone(),
        };
        let response = self
            .http
            .get(format!("{}/v1/stream", self.base))
            .bearer_auth(token)
            .query(&[("after", after)])
            .header("accept", "text/event-stream")
            .send()
            .await
            .map_err(|_| unreachable())?;
        if response.status().is_success() {
            return Ok(response);
        }
        // Reuse the error reading of ordinary calls.
        self.read::<serde_json::Value>(Ok(response))
            .await
            .and(Err(unreachable()))
    }
}

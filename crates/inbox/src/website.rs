//! Website chats: adding one at the relay (which gives its id and checks the
//! allowed origins), the snippet the owner pastes into their site, and
//! approved replies, which go back through the relay to the visitor's page.

use leadbox_channels::{Connection, Platform};
use leadbox_envelope::api::{
    WidgetOriginRequest, WidgetRefusedOrigin, WidgetReplyRequest, WidgetSite, WidgetSiteRequest,
};
use leadbox_vault::ApprovedDraft;

use crate::{Engine, InboxError};

/// A website chat and the line of HTML that puts it on the owner's site.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct WebsiteChat {
    pub site_id: String,
    pub name: String,
    pub origins: Vec<String>,
    pub snippet: String,
    /// Page addresses the chat was loaded on and refused, most recent
    /// first: visitors there were told the chat is not available.
    pub refused_origins: Vec<RefusedOrigin>,
}

/// A page address a website chat refused (see [`Engine::allow_website_origin`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct RefusedOrigin {
    pub origin: String,
    /// How many times a page there asked (each page load, each message).
    pub refusals: u64,
    /// Milliseconds since the Unix epoch, like every time in the window.
    pub last_refused_at_ms: i64,
}

impl From<WidgetRefusedOrigin> for RefusedOrigin {
    fn from(refused: WidgetRefusedOrigin) -> Self {
        RefusedOrigin {
            origin: refused.origin,
            refusals: refused.refusals,
            last_refused_at_ms: refused.last_refused_at.saturating_mul(1000),
        }
    }
}

fn chat(relay_url: &str, site: WidgetSite) -> WebsiteChat {
    let snippet = format!(
        "<script src=\"{}/widget.js\" data-site=\"{}\" async></script>",
        relay_url.trim_end_matches('/'),
        site.site_id
    );
    WebsiteChat {
        site_id: site.site_id,
        name: site.name,
        origins: site.origins,
        snippet,
        refused_origins: site.refused_origins.into_iter().map(Into::into).collect(),
    }
}

impl Engine {
    /// Adds a website chat usable on `origins` (e.g. `https://example.com`);
    /// its conversations appear as the Website channel.
    pub async fn add_website(
        &self,
        name: &str,
        origins: &[String],
    ) -> Result<WebsiteChat, InboxError> {
        let (client, token) = self.relay()?;
        let request = WidgetSiteRequest {
            name: name.trim().to_owned(),
            origins: origins.to_vec(),
        };
        let site = client.create_site(&token, &request).await?;
        self.vault().connect_account(
            Platform::Website,
            &site.site_id,
            Connection::Relay,
            &site.name,
            false,
        )?;
        tracing::info!(site = %site.site_id, "website chat added");
        Ok(chat(client.base(), site))
    }

    /// The business's website chats, as the relay has them. Each is also
    /// (re)connected here, so a second desktop of the business can answer too.
    pub async fn websites(&self) -> Result<Vec<WebsiteChat>, InboxError> {
        let (client, token) = self.relay()?;
        let sites = client.sites(&token).await?;
        let vault = self.vault();
        for site in &sites {
            vault.connect_account(
                Platform::Website,
                &site.site_id,
                Connection::Relay,
                &site.name,
                false,
            )?;
        }
        drop(vault);
        Ok(sites
            .into_iter()
            .map(|site| chat(client.base(), site))
            .collect())
    }

    /// Lets the chat `site_id` be used on one more address, typically one it
    /// refused; visitors there can write at once.
    pub async fn allow_website_origin(
        &self,
        site_id: &str,
        origin: &str,
    ) -> Result<WebsiteChat, InboxError> {
        let (client, token) = self.relay()?;
        let request = WidgetOriginRequest {
            origin: origin.trim().to_owned(),
        };
        let site = client.add_site_origin(&token, site_id, &request).await?;
        tracing::info!(site = %site.site_id, "website chat address added");
        Ok(chat(client.base(), site))
    }

    /// Hands an approved reply to the relay for the visitor's page. The
    /// reply id (this device and the draft) makes a retried send arrive once.
    pub(crate) async fn send_to_visitor(
        &self,
        approved: ApprovedDraft,
        site_id: &str,
        session_reference: &str,
    ) -> Result<String, InboxError> {
        let (client, token) = self.relay()?;
        let device_id = self
            .pairing()?
            .map(|pairing| pairing.device_id)
            .ok_or(InboxError::NotPaired)?;
        let request = WidgetReplyRequest {
            site_id: site_id.to_owned(),
            session_id: session_reference.to_owned(),
            reply_id: format!("{device_id}:{}", approved.draft_id()),
            text: approved.text().to_owned(),
        };
        match client.widget_reply(&token, &request).await {
            Ok(accepted) => {
                let message_id = format!("web_reply_{}", accepted.reply_id);
                tracing::info!(
                    draft = approved.draft_id(),
                    "reply handed to the relay for the visitor"
                );
                self.vault().record_sent(approved, &message_id)?;
                Ok(message_id)
            }
            Err(error) => {
                let reason = match &error {
                    InboxError::Relay { message, .. } => message.clone(),
                    other => other.to_string(),
                };
                tracing::warn!(draft = approved.draft_id(), "reply not handed to the relay");
                self.vault().record_send_failure(approved, &reason)?;
                Err(InboxError::NotSent(reason))
            }
        }
    }
}

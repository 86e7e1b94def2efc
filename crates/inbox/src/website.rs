//! Website chats: adding one at the relay (which gives its id and checks the
//! allowed origins), the snippet the owner pastes into their site, and
//! approved replies, which go back through the relay to the visitor's page.

use leadbox_channels::{Connection, Platform};
use leadbox_envelope::api::{WidgetReplyRequest, WidgetSite, WidgetSiteRequest};
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

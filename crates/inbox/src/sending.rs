//! Connecting accounts for sending, and sending approved replies. A reply
//! leaves only as an [`ApprovedDraft`], which only the owner's approval makes.

use leadbox_channels::graph::{
    DEFAULT_GRAPH_URL, DEFAULT_INSTAGRAM_URL, DEFAULT_VERSION, GraphClient, Outgoing, Recipient,
    SendError,
};
use leadbox_channels::{Connection, Platform};
use leadbox_vault::{AccountRow, AccountStatus, ApprovedDraft, ReplyTarget};
use zeroize::Zeroizing;

use crate::{Engine, InboxError};

impl Engine {
    /// The Graph API client. `LEADBOX_GRAPH_URL`, `LEADBOX_INSTAGRAM_GRAPH_URL`
    /// and `LEADBOX_GRAPH_VERSION` override Meta's addresses (tests point them at a local server).
    pub fn graph(&self) -> GraphClient {
        if let Some(client) = self
            .graph_override
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return client;
        }
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        GraphClient::new(
            &var("LEADBOX_GRAPH_URL", DEFAULT_GRAPH_URL),
            &var("LEADBOX_INSTAGRAM_GRAPH_URL", DEFAULT_INSTAGRAM_URL),
            &var("LEADBOX_GRAPH_VERSION", DEFAULT_VERSION),
        )
    }

    /// Uses `client` for every Graph API call from now on.
    pub fn use_graph(&self, client: GraphClient) {
        *self
            .graph_override
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(client);
    }

    pub(crate) fn token_name(&self, platform: Platform, account_id: &str) -> String {
        self.secret_name(&leadbox_vault::SecretKind::account_token(
            platform, account_id,
        ))
    }

    /// Checks the token with Meta, keeps it in the keychain, marks the account
    /// connected and routes it to this business at the relay (when paired).
    pub async fn add_account(
        &self,
        platform: Platform,
        account_id: &str,
        connection: Connection,
        token: &str,
        human_agent: bool,
    ) -> Result<AccountRow, InboxError> {
        let token = token.trim();
        let fits = matches!(
            (platform, connection),
            (Platform::Whatsapp, Connection::WhatsappCloud)
                | (Platform::Messenger, Connection::Page)
                | (
                    Platform::Instagram,
                    Connection::Page | Connection::InstagramLogin
                )
        );
        if !fits {
            return Err(InboxError::Settings(format!(
                "a {platform} account cannot be connected with a {connection:?} token"
            )));
        }
        let info = self
            .graph()
            .check_token(platform, connection, account_id, token)
            .await
            .map_err(|e| InboxError::Settings(format!("the token was not accepted: {e}")))?;
        self.secrets()
            .set(&self.token_name(platform, account_id), token.as_bytes())?;
        let human_agent = human_agent && platform != Platform::Whatsapp;
        let account = self.vault().connect_account(
            platform,
            account_id,
            connection,
            &info.name,
            human_agent,
        )?;
        self.route_connected_account(platform, account_id, token)
            .await?;
        Ok(account)
    }

    /// Routes an account just connected with a checked token to this business
    /// at the relay (when paired), with a WhatsApp number's WhatsApp Business
    /// Account. Not finding that account is not fatal: the number's messages
    /// still arrive, only its account-level notices do not.
    async fn route_connected_account(
        &self,
        platform: Platform,
        account_id: &str,
        token: &str,
    ) -> Result<(), InboxError> {
        let business_account = if platform == Platform::Whatsapp {
            match self
                .graph()
                .whatsapp_business_account(account_id, token)
                .await
            {
                Ok(found) => found,
                Err(error) => {
                    tracing::warn!(%error, "the number's WhatsApp Business Account was not found");
                    None
                }
            }
        } else {
            None
        };
        // Kept at once: the number's templates are listed through it, paired or not.
        if let Some(business_account) = &business_account {
            self.vault()
                .set_business_account(platform, account_id, business_account)?;
        }
        match self
            .claim_with_business_account(
                platform,
                account_id,
                business_account.as_deref(),
                Some(token),
            )
            .await
        {
            Err(InboxError::NotPaired) => Ok(()),
            other => other,
        }
    }

    /// Removes the account's token from the keychain. Its conversations stay,
    /// unless `erase_conversations`: then every contact, message and lead of
    /// that account is erased as for a per-person erasure.
    pub fn remove_account(
        &self,
        platform: Platform,
        account_id: &str,
        erase_conversations: bool,
    ) -> Result<Option<leadbox_vault::ErasureReceipt>, InboxError> {
        let account = self
            .vault()
            .find_account(platform, account_id)?
            .ok_or_else(|| {
                InboxError::Settings(format!("no {platform} account {account_id} here"))
            })?;
        self.secrets()
            .delete(&self.token_name(platform, account_id))?;
        let mut vault = self.vault();
        vault.disconnect_account(account.id)?;
        if erase_conversations {
            return Ok(Some(vault.erase_account_data(account.id)?));
        }
        Ok(None)
    }

    /// Sends an approved reply. On failure the draft stays (marked with the
    /// reason) and an expired token marks the account "needs reconnect";
    /// a reply is recorded as sent only with the platform's message id.
    ///
    /// A person who asked not to be messaged (STOP, or WhatsApp's preference)
    /// is not sent to unless `override_opt_out` says the owner confirmed it.
    pub async fn send_approved(
        &self,
        approved: ApprovedDraft,
        override_opt_out: bool,
    ) -> Result<String, InboxError> {
        let target = self
            .vault()
            .reply_target(approved.conversation_id(), approved.draft_id())?;
        let account = &target.account;
        let (connection, verdict) = match may_send(&target, override_opt_out, self.now_ms()) {
            Ok(allowed) => allowed,
            Err(reason) => return self.refuse_send(approved, &reason),
        };
        let human_agent = verdict.human_agent;
        if account.platform == Platform::Website {
            return self
                .send_to_visitor(
                    approved,
                    &account.platform_account_id,
                    &target.contact_platform_id,
                )
                .await;
        }
        let Some(token) = self.account_token(account)? else {
            return self.refuse_send(approved, &SendError::TokenExpired.to_string());
        };
        let recipient = match (&target.comment, account.platform) {
            (Some(comment), _) => Recipient::Comment(comment.comment_id.clone()),
            (None, Platform::Whatsapp) => Recipient::Whatsapp(target.contact_platform_id.clone()),
            (None, _) => Recipient::User(target.contact_platform_id.clone()),
        };
        let reply = Outgoing {
            platform: account.platform,
            connection,
            account_id: &account.platform_account_id,
            token: &token,
            recipient: &recipient,
            text: approved.text(),
            human_agent,
        };
        let sent = self.graph().send_text(&reply).await;
        self.record_send_outcome(approved, account, sent)
    }

    /// The account's token from the keychain; without one the account is
    /// marked "needs reconnect".
    pub(crate) fn account_token(
        &self,
        account: &AccountRow,
    ) -> Result<Option<Zeroizing<String>>, InboxError> {
        let stored = self
            .secrets()
            .get(&self.token_name(account.platform, &account.platform_account_id))?;
        match stored {
            Some(token) => Ok(Some(Zeroizing::new(
                String::from_utf8_lossy(&token).into_owned(),
            ))),
            None => {
                self.vault().mark_needs_reconnect(account.id)?;
                Ok(None)
            }
        }
    }

    /// Records what the platform answered: sent, with its message id, or
    /// refused (an expired token also marks the account).
    pub(crate) fn record_send_outcome(
        &self,
        approved: ApprovedDraft,
        account: &AccountRow,
        sent: Result<String, SendError>,
    ) -> Result<String, InboxError> {
        match sent {
            Ok(message_id) => {
                tracing::info!(draft = approved.draft_id(), "reply sent");
                self.vault().record_sent(approved, &message_id)?;
                Ok(message_id)
            }
            Err(error) => {
                tracing::warn!(draft = approved.draft_id(), %error, "reply not sent");
                if error.needs_reconnect() {
                    self.vault().mark_needs_reconnect(account.id)?;
                }
                self.refuse_send(approved, &error.to_string())
            }
        }
    }

    /// A send that did not happen: the reply stays, marked with the reason.
    pub(crate) fn refuse_send(
        &self,
        approved: ApprovedDraft,
        reason: &str,
    ) -> Result<String, InboxError> {
        // The error adds its own full stop.
        let reason = reason.trim_end_matches('.').to_owned();
        self.vault().record_send_failure(approved, &reason)?;
        Err(InboxError::NotSent(reason))
    }
}

/// Whether a reply to `target` may go out now: the connection it goes
/// through and the reply window's verdict, or why not (in words).
pub(crate) fn may_send(
    target: &ReplyTarget,
    override_opt_out: bool,
    now_ms: i64,
) -> Result<(Connection, crate::ReplyWindow), String> {
    let connection = sendable(target, override_opt_out)?;
    let verdict = crate::reply_window::reply_window(target, now_ms);
    if !verdict.can_send {
        return Err(verdict.explanation);
    }
    Ok((connection, verdict))
}

/// How a reply to `target` can go out, or why nothing may: the account is
/// not connected, or the person asked not to be messaged (unless the owner
/// confirmed with `override_opt_out`).
pub(crate) fn sendable(target: &ReplyTarget, override_opt_out: bool) -> Result<Connection, String> {
    let account = &target.account;
    let (Some(connection), AccountStatus::Connected) = (account.connection, account.status) else {
        return Err(if account.status == AccountStatus::NeedsReconnect {
            SendError::TokenExpired.to_string()
        } else {
            format!(
                "the {} account {} is not connected for sending; connect it with `leadbox-cli accounts add`",
                account.platform, account.platform_account_id
            )
        });
    };
    if target.opted_out && !override_opt_out {
        return Err("this person asked not to receive messages (they wrote STOP or changed their preference); send anyway only if they asked you to reply".to_owned());
    }
    Ok(connection)
}

//! Fetch, open, ingest, commit, and only then acknowledge.

use std::time::Duration;

use leadbox_channels::events::{Event, parse_entry};
use leadbox_envelope::api::EnvelopePage;
use leadbox_envelope::payload::Payload;
use leadbox_envelope::{DeviceSecretKey, SealedEnvelope, open};
use leadbox_vault::NewContact;
use zeroize::Zeroizing;

use crate::engine::CURSOR;
use crate::relay_client::RelayClient;
use crate::sse::SseParser;
use crate::{Engine, InboxError};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub envelopes: usize,
    pub new_messages: usize,
    /// New messages from people who had written before (see `IngestReport`).
    pub new_from_known_people: usize,
    pub duplicates: usize,
    /// Envelopes this device could not open, and webhook parts that could not
    /// become a message, status or notice; kept (sealed, or by field and
    /// kind), never dropped.
    pub unreadable: usize,
    /// Delivery, read and failure reports.
    pub receipts: usize,
    /// Notices about accounts (templates, quality ratings, restrictions…).
    pub notices: usize,
    /// Accounts whose sending the platform limited or stopped: the owner is told.
    pub restrictions: Vec<leadbox_vault::AccountRestriction>,
    pub new_contacts: Vec<NewContact>,
    /// Lead-ad submissions seen for the first time (Meta's retries count once).
    pub new_lead_forms: usize,
    /// Envelopes the relay dropped (expired or queue full) before this device fetched them.
    pub lost: u64,
    /// Accounts connected through Facebook Login in this sync.
    pub accounts_connected: usize,
    /// Meta deletion requests handled in this sync.
    pub deletion_requests: usize,
}

enum Opened {
    Events(Vec<Event>),
    /// Not a conversation: an account connection or a deletion notice, applied
    /// after the page's messages are stored.
    Control(Payload),
    Unreadable(&'static str),
}

fn open_envelope(secret: &leadbox_envelope::DeviceSecretKey, envelope: &SealedEnvelope) -> Opened {
    let Ok(plaintext) = open(secret, envelope) else {
        return Opened::Unreadable("cannot be opened with this device's key");
    };
    let Ok(payload) = Payload::from_bytes(&plaintext) else {
        return Opened::Unreadable("unknown payload");
    };
    match payload {
        Payload::MetaWebhookEntry {
            route,
            account_id,
            entry,
            received_at_ms,
            ..
        } => Opened::Events(parse_entry(route, &account_id, &entry, received_at_ms)),
        widget @ Payload::WidgetMessage { .. } => Opened::Events(
            leadbox_channels::events::widget_message(&widget)
                .into_iter()
                .collect(),
        ),
        Payload::RouteMoved {
            route, account_id, ..
        } => Opened::Events(vec![Event::AccountNotice {
            route,
            account_id,
            business_account: false,
            severity: leadbox_channels::events::NoticeSeverity::Restriction,
            code: None,
            message: ROUTE_MOVED_NOTICE.into(),
        }]),
        control @ (Payload::MetaConnection { .. }
        | Payload::InstagramConnection { .. }
        | Payload::MetaDeletionNotice { .. }) => Opened::Control(control),
    }
}

/// What an account shows when another business on the relay took it over.
pub const ROUTE_MOVED_NOTICE: &str = "Another business on your relay proved that it controls this account, so its new messages now go there, not here. If that was not you, connect the account again with Facebook or Instagram (or its token) to take it back, and change the account's password.";

/// Where the relay's lost-envelope total is kept, for the owner to see.
pub(crate) const LOST_TOTAL: &str = "relay_envelopes_lost_total";
/// Envelopes stored here but not yet acknowledged at the relay, written with
/// the cursor that skips them: a crash between the two would otherwise leave
/// them at the relay forever (and reported lost when they expire).
const PENDING_ACK: &str = "relay_pending_ack";

#[derive(serde::Serialize, serde::Deserialize)]
struct PendingAck {
    cursors: Vec<u64>,
    lost: u64,
}

/// An open push stream from the relay. Each event is a page of envelopes.
#[derive(Debug)]
pub struct PushSession {
    response: reqwest::Response,
    parser: SseParser,
    client: RelayClient,
    token: Zeroizing<String>,
    secret: DeviceSecretKey,
    queued: std::collections::VecDeque<EnvelopePage>,
}

impl Engine {
    fn cursor(&self) -> Result<u64, InboxError> {
        Ok(self
            .vault()
            .setting(CURSOR)?
            .and_then(|c| c.parse().ok())
            .unwrap_or(0))
    }

    /// One round: waits up to `wait` for envelopes, stores them in one vault
    /// transaction, then acknowledges them. A crash between commit and ack only
    /// causes a redelivery, which ingest ignores (idempotent on message ids).
    pub async fn sync_once(&self, wait: Duration) -> Result<SyncReport, InboxError> {
        let (client, token) = self.relay()?;
        let secret = self.device_secret()?;
        self.ack_pending(&client, &token).await?;
        let page = client.envelopes(&token, self.cursor()?, wait).await?;
        self.apply_page(&client, &token, &secret, page).await
    }

    /// Opens the relay's push stream from the stored cursor. The relay sends
    /// each envelope the moment it is stored; `next_push` applies them.
    pub async fn open_push(&self) -> Result<PushSession, InboxError> {
        let (client, token) = self.relay()?;
        let secret = self.device_secret()?;
        self.ack_pending(&client, &token).await?;
        let response = client.open_stream(&token, self.cursor()?).await?;
        Ok(PushSession {
            response,
            parser: SseParser::default(),
            client,
            token,
            secret,
            queued: std::collections::VecDeque::new(),
        })
    }

    /// Waits for the next page on a push stream and applies it exactly like a
    /// long-poll page. `Ok(None)`: the relay closed the stream (reconnect).
    pub async fn next_push(
        &self,
        session: &mut PushSession,
    ) -> Result<Option<SyncReport>, InboxError> {
        loop {
            if let Some(page) = session.queued.pop_front() {
                let report = self
                    .apply_page(&session.client, &session.token, &session.secret, page)
                    .await?;
                return Ok(Some(report));
            }
            let unreachable = || InboxError::RelayUnreachable {
                url: session.client.base().to_owned(),
            };
            let Some(chunk) = session.response.chunk().await.map_err(|_| unreachable())? else {
                return Ok(None);
            };
            let events = session.parser.push(&chunk).map_err(|_| unreachable())?;
            for event in events.into_iter().filter(|e| e.event == "envelopes") {
                match serde_json::from_str::<EnvelopePage>(&event.data) {
                    Ok(page) => session.queued.push_back(page),
                    Err(error) => {
                        tracing::warn!(%error, "ignored an unreadable push event");
                    }
                }
            }
        }
    }

    async fn apply_page(
        &self,
        client: &RelayClient,
        token: &str,
        secret: &DeviceSecretKey,
        page: EnvelopePage,
    ) -> Result<SyncReport, InboxError> {
        if page.envelopes.is_empty() && page.lost == 0 {
            return Ok(SyncReport::default());
        }
        let mut batch = Vec::with_capacity(page.envelopes.len());
        let mut unreadable = Vec::new();
        let mut controls = Vec::new();
        for envelope in &page.envelopes {
            match open_envelope(secret, envelope) {
                Opened::Events(events) => batch.push(events),
                Opened::Control(payload) => controls.push(payload),
                Opened::Unreadable(reason) => unreadable.push((envelope, reason)),
            }
        }
        let report = {
            let mut vault = self.vault();
            let ingested = vault.ingest(&batch)?;
            for (envelope, reason) in &unreadable {
                tracing::warn!(envelope = %envelope.envelope_id, reason, "kept an unreadable envelope");
                vault.keep_unreadable_envelope(
                    &envelope.envelope_id,
                    &serde_json::to_string(envelope).unwrap_or_default(),
                    reason,
                )?;
            }
            if page.lost > 0 {
                let total: u64 = vault
                    .setting(LOST_TOTAL)?
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0);
                vault.set_setting(LOST_TOTAL, &(total + page.lost).to_string())?;
                vault.audit(
                    "relay_envelopes_lost",
                    &format!("{} envelope(s) expired or evicted at the relay", page.lost),
                )?;
                tracing::warn!(
                    lost = page.lost,
                    "the relay dropped envelopes before they were fetched"
                );
            }
            ingested
        };
        // Applied before the cursor moves and before the ack: a crash here means
        // a redelivery, and both kinds are safe to apply twice.
        let mut accounts_connected = 0;
        let mut deletion_requests = 0;
        for control in controls {
            match control {
                Payload::MetaConnection { user_id, pages, .. } => {
                    accounts_connected += self.apply_meta_connection(&user_id, &pages)?;
                }
                Payload::InstagramConnection {
                    user_id,
                    account_id,
                    username,
                    access_token,
                    ..
                } => {
                    self.apply_instagram_connection(
                        &user_id,
                        &account_id,
                        &username,
                        &access_token,
                    )?;
                    accounts_connected += 1;
                }
                Payload::MetaDeletionNotice {
                    confirmation_code,
                    user_id,
                    ..
                } => {
                    self.apply_meta_deletion(&confirmation_code, &user_id)?;
                    deletion_requests += 1;
                }
                Payload::MetaWebhookEntry { .. }
                | Payload::WidgetMessage { .. }
                | Payload::RouteMoved { .. } => {}
            }
        }
        let pending = PendingAck {
            cursors: page.envelopes.iter().map(|e| e.cursor).collect(),
            lost: page.lost,
        };
        self.vault().set_settings(&[
            (CURSOR, &page.next_cursor.to_string()),
            (
                PENDING_ACK,
                &serde_json::to_string(&pending).unwrap_or_default(),
            ),
        ])?;
        client.ack(token, pending.cursors, pending.lost).await?;
        self.vault().delete_setting(PENDING_ACK)?;
        self.report_meta_deletions(client, token).await;
        tracing::info!(
            envelopes = page.envelopes.len(),
            new_messages = report.new_messages,
            duplicates = report.duplicates,
            "synced"
        );
        Ok(SyncReport {
            envelopes: page.envelopes.len(),
            new_messages: report.new_messages,
            new_from_known_people: report.new_from_known_people,
            duplicates: report.duplicates,
            unreadable: unreadable.len() + report.unreadable,
            receipts: report.receipts,
            notices: report.notices,
            restrictions: report.restrictions,
            new_contacts: report.new_contacts,
            new_lead_forms: report.new_lead_forms,
            lost: page.lost,
            accounts_connected,
            deletion_requests,
        })
    }

    /// Acknowledges what an interrupted sync stored but did not get to acknowledge.
    async fn ack_pending(&self, client: &RelayClient, token: &str) -> Result<(), InboxError> {
        let pending = self
            .vault()
            .setting(PENDING_ACK)?
            .and_then(|text| serde_json::from_str::<PendingAck>(&text).ok());
        if let Some(pending) = pending {
            tracing::info!(
                envelopes = pending.cursors.len(),
                "acknowledging what an interrupted sync stored"
            );
            client.ack(token, pending.cursors, pending.lost).await?;
            self.vault().delete_setting(PENDING_ACK)?;
        }
        Ok(())
    }

    /// How many envelopes the relay reported lost (expired or evicted) in all.
    pub fn envelopes_lost_total(&self) -> Result<u64, InboxError> {
        Ok(self
            .vault()
            .setting(LOST_TOTAL)?
            .and_then(|t| t.parse().ok())
            .unwrap_or(0))
    }
}

/// Exponential backoff for retrying an unreachable relay: 1 s doubling to 60 s.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            next: Backoff::FIRST,
        }
    }
}

impl Backoff {
    const FIRST: Duration = Duration::from_secs(1);
    const MAX: Duration = Duration::from_secs(60);

    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(Backoff::MAX);
        delay
    }

    pub fn reset(&mut self) {
        self.next = Backoff::FIRST;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_minute_and_resets() {
        let mut backoff = Backoff::default();
        let delays: Vec<u64> = (0..9).map(|_| backoff.next_delay().as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        backoff.reset();
        assert_eq!(backoff.next_delay().as_secs(), 1);
    }
}

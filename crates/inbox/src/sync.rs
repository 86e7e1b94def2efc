//! Fetch, open, ingest, commit, and only then acknowledge.

use std::time::Duration;

use leadbox_channels::events::{Event, parse_entry};
use leadbox_envelope::payload::Payload;
use leadbox_envelope::{SealedEnvelope, open};
use leadbox_vault::NewContact;

use crate::engine::CURSOR;
use crate::{Engine, InboxError};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub envelopes: usize,
    pub new_messages: usize,
    pub duplicates: usize,
    /// Envelopes this device could not open or understand; kept sealed in the vault, never dropped.
    pub unreadable: usize,
    pub new_contacts: Vec<NewContact>,
}

enum Opened {
    Events(Vec<Event>),
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
            ..
        } => match parse_entry(route, &account_id, &entry) {
            Ok(events) => Opened::Events(events),
            Err(_) => Opened::Unreadable("webhook entry could not be parsed"),
        },
    }
}

impl Engine {
    /// One round: waits up to `wait` for envelopes, stores them in one vault
    /// transaction, then acknowledges them. A crash between commit and ack only
    /// causes a redelivery, which ingest ignores (idempotent on message ids).
    pub async fn sync_once(&self, wait: Duration) -> Result<SyncReport, InboxError> {
        let (client, token) = self.relay()?;
        let secret = self.device_secret()?;
        let after = self
            .vault()
            .setting(CURSOR)?
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let page = client.envelopes(&token, after, wait).await?;
        if page.envelopes.is_empty() {
            return Ok(SyncReport::default());
        }

        let mut batch = Vec::with_capacity(page.envelopes.len());
        let mut unreadable = Vec::new();
        for envelope in &page.envelopes {
            match open_envelope(&secret, envelope) {
                Opened::Events(events) => batch.push(events),
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
            vault.set_setting(CURSOR, &page.next_cursor.to_string())?;
            ingested
        };
        let cursors = page.envelopes.iter().map(|e| e.cursor).collect();
        client.ack(&token, cursors).await?;
        tracing::info!(
            envelopes = page.envelopes.len(),
            new_messages = report.new_messages,
            duplicates = report.duplicates,
            "synced"
        );
        Ok(SyncReport {
            envelopes: page.envelopes.len(),
            new_messages: report.new_messages,
            duplicates: report.duplicates,
            unreadable: unreadable.len(),
            new_contacts: report.new_contacts,
        })
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

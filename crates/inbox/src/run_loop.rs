//! The engine's run loop, the one both shells use: push first, long-poll
//! when push is unavailable, backoff while the relay is unreachable, and
//! after each stored page the follow-up work (naming new people, lead-form
//! answers, drafts). What happens is published as [`EngineEvent`]s; the app
//! turns them into window events, notifications and the tray, the CLI
//! prints them.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::{Backoff, DraftingReport, Engine, InboxError, SyncReport};

/// Pause before reopening a push stream the relay closed.
const RECONNECT: Duration = Duration::from_secs(1);
/// How often an unpaired engine looks whether it has been paired meanwhile.
const PAIRING_CHECK: Duration = Duration::from_secs(2);

/// How syncing with the relay is going.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "state")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum SyncStatus {
    NotPaired,
    Connecting,
    Online,
    Offline { message: String },
    Failed { message: String },
}

/// The work that follows a stored page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    NamingPeople,
    FetchingLeadForms,
    FetchingMedia,
    Drafting,
}

impl FollowUp {
    /// What the owner is missing while this step fails, in words.
    pub fn consequence(self) -> &'static str {
        match self {
            FollowUp::NamingPeople => "new people keep their neutral label",
            FollowUp::FetchingLeadForms => "lead-form answers were not fetched",
            FollowUp::FetchingMedia => "photos and files were not fetched",
            FollowUp::Drafting => "no drafts were written",
        }
    }
}

/// Something the run loop did, for a shell to show.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// The sync status changed.
    Status(SyncStatus),
    /// A page of envelopes was stored (already acknowledged at the relay).
    Synced(SyncReport),
    /// New people were named from their profiles.
    PeopleNamed(usize),
    /// Lead-ad answers were fetched.
    LeadFormsFetched(usize),
    /// Photos and files leads sent were fetched and stored.
    MediaFetched(usize),
    /// Queued drafts were written (or failed).
    Drafted(DraftingReport),
    /// A follow-up step failed. What was synced is stored; the step runs
    /// again after the next sync.
    FollowUpFailed { step: FollowUp, error: String },
}

/// Where the run loop's events go.
pub type EventSink = Arc<dyn Fn(EngineEvent) + Send + Sync>;

/// What the run loop does when the relay refuses for good (a revoked
/// computer, an unpaired vault): the app waits and shows it; the CLI stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    KeepTrying,
    Stop,
}

impl Engine {
    /// Keeps the vault in step with the relay. With [`OnFailure::KeepTrying`]
    /// it runs until its task is dropped; with [`OnFailure::Stop`] it returns
    /// the first failure that retrying cannot mend.
    pub async fn run(
        self: Arc<Self>,
        long_poll: Duration,
        on_failure: OnFailure,
        events: EventSink,
    ) -> Result<(), InboxError> {
        let mut backoff = Backoff::default();
        let mut status = None;
        let mut report_status = |new: SyncStatus| {
            if status.as_ref() != Some(&new) {
                status = Some(new.clone());
                events(EngineEvent::Status(new));
            }
        };
        loop {
            // Push first: the relay sends each envelope the moment it is stored.
            match self.open_push().await {
                Ok(mut push) => {
                    backoff.reset();
                    report_status(SyncStatus::Online);
                    loop {
                        match self.next_push(&mut push).await {
                            Ok(Some(report)) => drop(self.follow_up(report, &events).await),
                            Ok(None) => break,
                            Err(error) => {
                                tracing::warn!(%error, "push stream ended");
                                break;
                            }
                        }
                    }
                    // Reconnect at once, but never spin on a relay that closes at once.
                    tokio::time::sleep(RECONNECT).await;
                    continue;
                }
                Err(InboxError::NotPaired) if on_failure == OnFailure::KeepTrying => {
                    report_status(SyncStatus::NotPaired);
                    tokio::time::sleep(PAIRING_CHECK).await;
                    continue;
                }
                Err(error) if !error.is_transient() && on_failure == OnFailure::Stop => {
                    return Err(error);
                }
                Err(error) => tracing::info!(%error, "push unavailable; long-polling"),
            }
            // Fallback: one long-poll round (relays or proxies without streaming).
            match self.sync_once(long_poll).await {
                Ok(report) => {
                    backoff.reset();
                    drop(self.follow_up(report, &events).await);
                    report_status(SyncStatus::Online);
                }
                Err(error) if !error.is_transient() && on_failure == OnFailure::Stop => {
                    return Err(error);
                }
                Err(InboxError::NotPaired) => {
                    report_status(SyncStatus::NotPaired);
                    tokio::time::sleep(PAIRING_CHECK).await;
                }
                Err(error) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(%error, retry_in_s = delay.as_secs(), "sync failed");
                    let message = format!("{error} (trying again in {} s)", delay.as_secs());
                    report_status(if error.is_transient() {
                        SyncStatus::Offline { message }
                    } else {
                        SyncStatus::Failed { message }
                    });
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Publishes a stored page and does what follows it: new people are
    /// named on a task of their own (nothing waits for Meta's answers), then
    /// lead-form answers are fetched and drafts written. A failure of any
    /// step is published and the rest goes on. Returns the naming task, for
    /// a caller that must wait for it before it exits.
    pub async fn follow_up(
        self: &Arc<Self>,
        report: SyncReport,
        events: &EventSink,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if report.envelopes == 0 {
            return None;
        }
        let new_contacts = report.new_contacts.clone();
        events(EngineEvent::Synced(report));
        let naming = (!new_contacts.is_empty()).then(|| {
            let (engine, events) = (Arc::clone(self), Arc::clone(events));
            tokio::spawn(async move {
                match engine.name_new_contacts(&new_contacts).await {
                    Ok(named) => events(EngineEvent::PeopleNamed(named)),
                    Err(error) => events(failed(FollowUp::NamingPeople, &error)),
                }
            })
        });
        match self.fetch_lead_forms().await {
            Ok(fetched) => events(EngineEvent::LeadFormsFetched(fetched)),
            Err(error) => events(failed(FollowUp::FetchingLeadForms, &error)),
        }
        match self.fetch_media().await {
            Ok(fetched) => events(EngineEvent::MediaFetched(fetched)),
            Err(error) => events(failed(FollowUp::FetchingMedia, &error)),
        }
        match self.draft_pending().await {
            Ok(drafted) => events(EngineEvent::Drafted(drafted)),
            Err(error) => events(failed(FollowUp::Drafting, &error)),
        }
        naming
    }
}

fn failed(step: FollowUp, error: &InboxError) -> EngineEvent {
    tracing::warn!(?step, %error, "a step after a sync failed");
    EngineEvent::FollowUpFailed {
        step,
        error: error.to_string(),
    }
}

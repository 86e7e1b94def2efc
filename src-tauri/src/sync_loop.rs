//! Keeps the vault in step with the relay for as long as the app runs.

use std::sync::Arc;
use std::time::Duration;

use leadbox_inbox::{Backoff, Engine, InboxError, SyncReport};
use tauri::{Emitter as _, Manager as _};

use crate::notifications;
use crate::state::{AppState, SyncStatus};

/// How long one long-poll waits at the relay before asking again.
const LONG_POLL: Duration = Duration::from_secs(25);
/// Pause before reopening a push stream the relay closed.
const RECONNECT: Duration = Duration::from_secs(1);
/// How often an unpaired app looks whether `leadbox-cli pair` has paired it.
const PAIRING_CHECK: Duration = Duration::from_secs(2);

pub fn spawn(app: tauri::AppHandle, engine: Arc<Engine>) {
    tauri::async_runtime::spawn(async move {
        let mut backoff = Backoff::default();
        loop {
            // Push first: the relay sends each envelope the moment it is stored.
            match engine.open_push().await {
                Ok(mut push) => {
                    backoff.reset();
                    set_status(&app, SyncStatus::Online);
                    loop {
                        match engine.next_push(&mut push).await {
                            Ok(Some(report)) => after_sync(&app, &engine, &report).await,
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
                Err(InboxError::NotPaired) => {
                    set_status(&app, SyncStatus::NotPaired);
                    tokio::time::sleep(PAIRING_CHECK).await;
                    continue;
                }
                Err(error) => tracing::info!(%error, "push unavailable; long-polling"),
            }
            // Fallback: one long-poll round (relays or proxies without streaming).
            match engine.sync_once(LONG_POLL).await {
                Ok(report) => {
                    backoff.reset();
                    after_sync(&app, &engine, &report).await;
                    set_status(&app, SyncStatus::Online);
                }
                Err(InboxError::NotPaired) => {
                    set_status(&app, SyncStatus::NotPaired);
                    tokio::time::sleep(PAIRING_CHECK).await;
                }
                Err(error) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(%error, retry_in_s = delay.as_secs(), "sync failed");
                    let status = if error.is_transient() {
                        SyncStatus::Offline {
                            message: error.to_string(),
                        }
                    } else {
                        SyncStatus::Failed {
                            message: error.to_string(),
                        }
                    };
                    set_status(&app, status);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    });
}

/// What follows every stored page: tell the window, notify new leads, fetch
/// lead forms and write drafts (after the messages are safely stored and shown).
async fn after_sync(app: &tauri::AppHandle, engine: &Arc<Engine>, report: &SyncReport) {
    if report.envelopes == 0 {
        return;
    }
    let _ = app.emit("inbox-changed", report.new_messages);
    for contact in &report.new_contacts {
        notifications::new_lead(app, engine, contact);
    }
    notifications::new_lead_forms(app, engine, report.new_lead_forms);
    notifications::account_restrictions(app, engine, &report.restrictions);
    notifications::new_messages(app, engine, report.new_from_known_people);
    crate::tray::refresh_unread(app, engine);
    name_new_contacts(app, engine, report);
    if let Err(error) = engine.fetch_lead_forms().await {
        tracing::warn!(%error, "fetching lead forms failed");
    }
    match engine.draft_pending().await {
        Ok(report) if report.drafted + report.failed > 0 => {
            let _ = app.emit("drafts-changed", report.drafted);
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "drafting failed"),
    }
}

fn set_status(app: &tauri::AppHandle, status: SyncStatus) {
    let state = app.state::<AppState>();
    let changed = *state.sync.lock().unwrap_or_else(|p| p.into_inner()) != status;
    if changed {
        state.set_sync(status.clone());
        let _ = app.emit("sync-status", status);
    }
}

/// Asks Meta for new people's names on its own task: neither the notification
/// before nor the drafting after waits for Meta's answers.
fn name_new_contacts(app: &tauri::AppHandle, engine: &Arc<Engine>, report: &SyncReport) {
    if report.new_contacts.is_empty() {
        return;
    }
    let (app, engine, contacts) = (app.clone(), engine.clone(), report.new_contacts.clone());
    tauri::async_runtime::spawn(async move {
        match engine.name_new_contacts(&contacts).await {
            Ok(named) if named > 0 => {
                let _ = app.emit("inbox-changed", 0);
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "naming new people failed"),
        }
    });
}

//! Keeps the vault in step with the relay for as long as the app runs.

use std::sync::Arc;
use std::time::Duration;

use leadbox_inbox::{Backoff, Engine, InboxError};
use tauri::{Emitter as _, Manager as _};

use crate::notifications;
use crate::state::{AppState, SyncStatus};

/// How long one long-poll waits at the relay before asking again.
const LONG_POLL: Duration = Duration::from_secs(25);
/// How often an unpaired app looks whether `leadbox-cli pair` has paired it.
const PAIRING_CHECK: Duration = Duration::from_secs(2);

pub fn spawn(app: tauri::AppHandle, engine: Arc<Engine>) {
    tauri::async_runtime::spawn(async move {
        let mut backoff = Backoff::default();
        loop {
            let status = match engine.sync_once(LONG_POLL).await {
                Ok(report) => {
                    backoff.reset();
                    if report.envelopes > 0 {
                        let _ = app.emit("inbox-changed", report.new_messages);
                        for contact in &report.new_contacts {
                            notifications::new_lead(&app, contact);
                        }
                        crate::tray::refresh_unread(&app, &engine);
                        if let Err(error) = engine.fetch_lead_forms().await {
                            tracing::warn!(%error, "fetching lead forms failed");
                        }
                        // Drafts are written after the messages are safely stored and shown.
                        match engine.draft_pending().await {
                            Ok(report) if report.drafted + report.failed > 0 => {
                                let _ = app.emit("drafts-changed", report.drafted);
                            }
                            Ok(_) => {}
                            Err(error) => tracing::warn!(%error, "drafting failed"),
                        }
                    }
                    SyncStatus::Online
                }
                Err(InboxError::NotPaired) => {
                    set_status(&app, SyncStatus::NotPaired);
                    tokio::time::sleep(PAIRING_CHECK).await;
                    continue;
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
                    continue;
                }
            };
            set_status(&app, status);
        }
    });
}

fn set_status(app: &tauri::AppHandle, status: SyncStatus) {
    let state = app.state::<AppState>();
    let changed = *state.sync.lock().unwrap_or_else(|p| p.into_inner()) != status;
    if changed {
        state.set_sync(status.clone());
        let _ = app.emit("sync-status", status);
    }
}

//! Runs the engine for as long as the app runs, and turns what it reports
//! into window events, notifications and the tray, in this one place.

use std::sync::Arc;
use std::time::Duration;

use leadbox_inbox::{Engine, EngineEvent, EventSink, OnFailure};
use tauri::{Emitter as _, Manager as _};

use crate::notifications;
use crate::state::AppState;

/// How long one long-poll waits at the relay before asking again.
const LONG_POLL: Duration = Duration::from_secs(25);

pub fn spawn(app: tauri::AppHandle, engine: Arc<Engine>) {
    let sink: EventSink = {
        let (app, engine) = (app.clone(), engine.clone());
        Arc::new(move |event| show(&app, &engine, event))
    };
    tauri::async_runtime::spawn(async move {
        // With `KeepTrying` the loop never returns; it stops with the app.
        if let Err(error) = engine.run(LONG_POLL, OnFailure::KeepTrying, sink).await {
            tracing::error!(%error, "syncing stopped");
        }
    });
}

fn show(app: &tauri::AppHandle, engine: &Engine, event: EngineEvent) {
    match event {
        EngineEvent::Status(status) => {
            app.state::<AppState>().set_sync(status.clone());
            let _ = app.emit("sync-status", status);
        }
        EngineEvent::Synced(report) => {
            let _ = app.emit("inbox-changed", report.new_messages);
            for contact in &report.new_contacts {
                notifications::new_lead(app, engine, contact);
            }
            notifications::new_lead_forms(app, engine, report.new_lead_forms);
            notifications::account_restrictions(app, engine, &report.restrictions);
            notifications::new_messages(app, engine, report.new_from_known_people);
            crate::tray::refresh_unread(app, engine);
        }
        EngineEvent::PeopleNamed(named) if named > 0 => {
            let _ = app.emit("inbox-changed", 0);
        }
        EngineEvent::MediaFetched(fetched) if fetched > 0 => {
            let _ = app.emit("inbox-changed", 0);
        }
        EngineEvent::Drafted(report) if report.drafted + report.failed > 0 => {
            let _ = app.emit("drafts-changed", report.drafted);
        }
        EngineEvent::PeopleNamed(_)
        | EngineEvent::Drafted(_)
        | EngineEvent::LeadFormsFetched(_)
        | EngineEvent::MediaFetched(_) => {}
        // Logged by the engine; tried again after the next sync.
        EngineEvent::FollowUpFailed { .. } => {}
    }
}

//! Applies the owner's retention policy shortly after start and every hour.

use std::sync::Arc;
use std::time::Duration;

use leadbox_inbox::Engine;
use tauri::Emitter as _;

const EVERY: Duration = Duration::from_secs(60 * 60);
/// A large first run works for seconds: not while the window is putting
/// the inbox on screen.
const AFTER_START: Duration = Duration::from_secs(15);

pub fn spawn(app: tauri::AppHandle, engine: Arc<Engine>) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(AFTER_START).await;
        loop {
            let worker = Arc::clone(&engine);
            // On a reader connection, taking the write turn chunk by chunk:
            // the window and sync go on while it runs.
            let outcome =
                tauri::async_runtime::spawn_blocking(move || worker.run_retention()).await;
            match outcome {
                Ok(Ok(report)) if !report.is_empty() => {
                    tracing::info!(
                        conversations = report.conversations,
                        messages = report.messages,
                        bodies = report.bodies_sanitized,
                        "retention policy applied"
                    );
                    let _ = app.emit("inbox-changed", 0);
                }
                Ok(Ok(_)) => {}
                Ok(Err(error)) => tracing::warn!(%error, "the retention policy could not run"),
                Err(error) => tracing::warn!(%error, "the retention task stopped"),
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}

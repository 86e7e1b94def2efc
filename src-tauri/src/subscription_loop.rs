//! Daily account care, first soon after start: checks that Facebook still
//! sends each page's messages (subscribing again where Meta dropped it) and
//! extends Instagram Login tokens before their 60 days run out.

use std::sync::Arc;
use std::time::Duration;

use leadbox_inbox::Engine;
use tauri::Emitter as _;

const FIRST_AFTER: Duration = Duration::from_secs(30);
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

pub fn spawn(app: tauri::AppHandle, engine: Arc<Engine>) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_AFTER).await;
        loop {
            match engine.check_subscriptions().await {
                Ok(report) if !report.resubscribed.is_empty() || !report.failed.is_empty() => {
                    tracing::warn!(
                        resubscribed = report.resubscribed.len(),
                        failed = report.failed.len(),
                        "webhook subscriptions needed attention"
                    );
                    let _ = app.emit("inbox-changed", 0);
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "webhook subscriptions could not be checked"),
            }
            if let Err(error) = engine.refresh_instagram_tokens().await {
                tracing::warn!(%error, "Instagram tokens could not be refreshed");
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}

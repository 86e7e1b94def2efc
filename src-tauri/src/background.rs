//! What runs in the background for an open inbox: the engine's sync and
//! follow-up work, retention, and the accounts' upkeep.

use std::sync::Arc;

use leadbox_inbox::Engine;

pub fn start(app: &tauri::AppHandle, engine: Arc<Engine>) {
    crate::retention_loop::spawn(app.clone(), engine.clone());
    crate::subscription_loop::spawn(app.clone(), engine.clone());
    crate::engine_events::spawn(app.clone(), engine);
}

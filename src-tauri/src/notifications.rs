//! Native notifications for new leads; a click opens the conversation.

use leadbox_inbox::NewContact;
use tauri::{Emitter as _, Manager as _};
use tauri_plugin_notification::NotificationExt as _;

pub fn new_lead(app: &tauri::AppHandle, contact: &NewContact) {
    let channel = match contact.platform {
        leadbox_inbox::RouteKind::Instagram => "Instagram",
        leadbox_inbox::RouteKind::Messenger => "Messenger",
        leadbox_inbox::RouteKind::Whatsapp => "WhatsApp",
        leadbox_inbox::RouteKind::Website => "your website",
    };
    let mut builder = app
        .notification()
        .builder()
        .title(format!("New lead on {channel}: {}", contact.display_name))
        .extra("conversation_id", contact.conversation_id);
    if let Some(words) = &contact.first_words {
        builder = builder.body(words.clone());
    }
    if let Err(error) = builder.show() {
        tracing::warn!(%error, "the notification could not be shown");
    }
}

pub fn route_clicks_to_conversations(app: &tauri::AppHandle) {
    let handle = app.clone();
    let _ = app.notification().on_action(move |action| {
        let conversation = action.notification().and_then(|n| {
            n.extra()
                .get("conversation_id")
                .and_then(serde_json::Value::as_i64)
        });
        if let Some(window) = handle.get_webview_window("main") {
            let _ = window.show();
            let _ = window.set_focus();
        }
        if let Some(id) = conversation {
            let _ = handle.emit("open-conversation", id);
        }
    });
}

//! Native notifications: new leads (a click opens the conversation), new
//! lead-ad submissions (a click opens Lead forms…), other new messages if the
//! owner wants them, as the notification settings, quiet
//! hours and the tray's pause allow.

use leadbox_inbox::{Engine, Happening, NewContact, Notify};
use tauri::{Emitter as _, Manager as _};
use tauri_plugin_notification::NotificationExt as _;

fn words(app: &tauri::AppHandle) -> (leadbox_inbox::Lang, &'static crate::words::Words) {
    let lang = app.state::<crate::state::AppState>().language.current();
    (lang, crate::words::words(lang))
}

fn decision(engine: &Engine, happening: Happening) -> Notify {
    engine.should_notify(happening).unwrap_or_else(|error| {
        tracing::warn!(%error, "notification settings unreadable; using the defaults");
        Notify::Show { preview: true }
    })
}

/// A notification body shows as the words it holds. Linux notification
/// servers read the body as markup (`<b>`, `<a href>`, `<img>`), so a lead's
/// `<a href=…>` would become a link: there `&`, `<` and `>` are escaped.
/// Elsewhere bodies are plain text already.
fn as_plain_text(text: &str) -> String {
    if cfg!(target_os = "linux") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.to_owned()
    }
}

pub fn new_lead(app: &tauri::AppHandle, engine: &Engine, contact: &NewContact) {
    let Notify::Show { preview } = decision(engine, Happening::NewLead) else {
        return;
    };
    let (lang, words) = words(app);
    let platform = crate::words::platform_name(lang, contact.platform);
    let mut builder = app
        .notification()
        .builder()
        .title((words.new_lead)(platform, &contact.display_name))
        .extra("conversation_id", contact.conversation_id);
    if preview && let Some(words) = &contact.first_words {
        builder = builder.body(as_plain_text(words));
    }
    if let Err(error) = builder.show() {
        tracing::warn!(%error, "the notification could not be shown");
    }
}

/// Lead-ad submissions seen for the first time: leads as much as a first
/// message is, so they follow the new-lead settings. Their answers are fetched
/// from Meta afterwards, so the notification names no one.
pub fn new_lead_forms(app: &tauri::AppHandle, engine: &Engine, count: usize) {
    if count == 0 {
        return;
    }
    let Notify::Show { .. } = decision(engine, Happening::NewLead) else {
        return;
    };
    let (_, words) = words(app);
    let shown = app
        .notification()
        .builder()
        .title((words.new_lead_forms)(count))
        .body(words.lead_forms_body)
        .extra("open", "lead-forms")
        .show();
    if let Err(error) = shown {
        tracing::warn!(%error, "the notification could not be shown");
    }
}

/// A platform restricted or disabled an account: the owner must know, since
/// replies may no longer go out. The click opens Accounts…, which shows it.
pub fn account_restrictions(
    app: &tauri::AppHandle,
    engine: &Engine,
    restrictions: &[leadbox_inbox::AccountRestriction],
) {
    let (lang, words) = words(app);
    for restriction in restrictions {
        let Notify::Show { .. } = decision(engine, Happening::AccountRestricted) else {
            return;
        };
        let shown = app
            .notification()
            .builder()
            .title((words.account_restricted)(crate::words::platform_name(
                lang,
                restriction.platform,
            )))
            // Meta's own words about the account; no lead's text is in them.
            .body(as_plain_text(&restriction.message))
            .extra("open", "accounts")
            .show();
        if let Err(error) = shown {
            tracing::warn!(%error, "the notification could not be shown");
        }
    }
}

/// Messages in conversations that already existed (new leads have their own).
pub fn new_messages(app: &tauri::AppHandle, engine: &Engine, count: usize) {
    if count == 0 || decision(engine, Happening::NewMessage) == Notify::Silent {
        return;
    }
    let title = (words(app).1.new_messages)(count);
    if let Err(error) = app.notification().builder().title(title).show() {
        tracing::warn!(%error, "the notification could not be shown");
    }
}

pub fn test(app: &tauri::AppHandle) -> Result<(), String> {
    let (_, words) = words(app);
    app.notification()
        .builder()
        .title(words.test_title)
        .body(words.test_body)
        .show()
        .map_err(|error| format!("your system did not show the notification: {error}"))
}

pub fn route_clicks_to_conversations(app: &tauri::AppHandle) {
    let handle = app.clone();
    let _ = app.notification().on_action(move |action| {
        let conversation = action.notification().and_then(|n| {
            n.extra()
                .get("conversation_id")
                .and_then(serde_json::Value::as_i64)
        });
        if handle.get_webview_window("main").is_some() {
            crate::tray::show_window(&handle);
        }
        if let Some(id) = conversation {
            let _ = handle.emit("open-conversation", id);
        }
        let open = action.notification().and_then(|n| {
            n.extra()
                .get("open")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        });
        match open.as_deref() {
            Some("lead-forms") => {
                let _ = handle.emit("open-lead-forms", ());
            }
            Some("accounts") => {
                let _ = handle.emit("open-accounts", ());
            }
            _ => {}
        }
    });
}

#[cfg(test)]
mod tests {
    use super::as_plain_text;

    #[test]
    #[cfg(target_os = "linux")]
    fn a_leads_markup_reaches_the_notification_server_as_text() {
        assert_eq!(
            as_plain_text("<a href=\"https://evil.example\">pay</a> & <img src=x>"),
            "&lt;a href=\"https://evil.example\"&gt;pay&lt;/a&gt; &amp; &lt;img src=x&gt;"
        );
        assert_eq!(as_plain_text("¿Tenéis cita?"), "¿Tenéis cita?");
    }
}

//! The tray icon: the unread count, Open, Pause notifications for 1 hour (or
//! Resume), and Quit.

use leadbox_inbox::Engine;
use tauri::Manager as _;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;

use crate::error::CommandError;

const TRAY_ID: &str = "leadbox-tray";
const PAUSE_MINUTES: u32 = 60;

fn words(app: &tauri::AppHandle) -> &'static crate::words::Words {
    crate::words::words(app.state::<crate::state::AppState>().language.current())
}

fn menu(app: &tauri::AppHandle, paused: bool) -> tauri::Result<Menu<tauri::Wry>> {
    let words = words(app);
    let open = MenuItem::with_id(app, "open", words.open, true, None::<&str>)?;
    let pause = if paused {
        MenuItem::with_id(app, "resume", words.resume, true, None::<&str>)?
    } else {
        MenuItem::with_id(app, "pause", words.pause_hour, true, None::<&str>)?
    };
    let quit = MenuItem::with_id(app, "quit", words.quit, true, None::<&str>)?;
    Menu::with_items(app, &[&open, &pause, &quit])
}

fn paused(app: &tauri::AppHandle) -> bool {
    app.state::<crate::state::AppState>()
        .engine()
        .and_then(|engine| engine.notifications_paused_until().ok().flatten())
        .is_some()
}

pub fn show_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

pub fn install(app: &tauri::AppHandle) -> tauri::Result<()> {
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu(app, paused(app))?)
        .tooltip("Leadbox")
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_window(app),
            "pause" | "resume" => {
                let minutes = (event.id().as_ref() == "pause").then_some(PAUSE_MINUTES);
                if let Some(engine) = app.state::<crate::state::AppState>().engine()
                    && let Err(error) = pause(app, &engine, minutes)
                {
                    tracing::warn!(message = %error.message, "pausing notifications failed");
                }
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    if let Some(engine) = app.state::<crate::state::AppState>().engine() {
        refresh_unread(app, &engine);
    }
    Ok(())
}

/// Pauses notifications for `minutes` (or resumes them) and updates the
/// menu; the window hears about it through `notifications-paused`.
pub fn pause(
    app: &tauri::AppHandle,
    engine: &Engine,
    minutes: Option<u32>,
) -> Result<(), CommandError> {
    let until = minutes.map(|m| leadbox_inbox::now_ms() + i64::from(m) * 60_000);
    engine.pause_notifications(until)?;
    refresh_menu(app);
    let _ = tauri::Emitter::emit(app, "notifications-paused", until);
    Ok(())
}

pub fn refresh_menu(app: &tauri::AppHandle) {
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY_ID), menu(app, paused(app))) {
        let _ = tray.set_menu(Some(menu));
    }
}

pub fn refresh_unread(app: &tauri::AppHandle, engine: &Engine) {
    let unread = engine.unread_total().unwrap_or(0);
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let (tooltip, title) = if unread == 0 {
            ("Leadbox".to_owned(), None)
        } else {
            ((words(app).unread)(unread), Some(unread.to_string()))
        };
        let _ = tray.set_tooltip(Some(tooltip));
        // Next to the icon on macOS and on Linux panels that show labels.
        let _ = tray.set_title(title);
    }
    refresh_menu(app);
}

//! The tray icon: unread count in the tooltip, Open and Quit.

use leadbox_inbox::Engine;
use tauri::Manager as _;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;

const TRAY_ID: &str = "leadbox-tray";

pub fn install(app: &tauri::AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Leadbox", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .tooltip("Leadbox")
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.show();
                    let _ = window.unminimize();
                    let _ = window.set_focus();
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

pub fn refresh_unread(app: &tauri::AppHandle, engine: &Engine) {
    let unread: i64 = engine
        .vault()
        .conversations()
        .map(|list| list.iter().map(|c| c.unread_count).sum())
        .unwrap_or(0);
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let tooltip = if unread == 0 {
            "Leadbox".to_owned()
        } else {
            format!("Leadbox: {unread} unread")
        };
        let _ = tray.set_tooltip(Some(tooltip));
    }
}

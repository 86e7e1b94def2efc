//! The Leadbox desktop shell: window, tray, notifications and the commands the
//! front end calls. Everything else lives in the library crates.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod accounts_commands;
#[macro_use]
mod command_list;
mod background;
#[cfg(test)]
mod bindings;
mod commands;
mod composer_commands;
mod data_commands;
mod desktop_commands;
mod engine_events;
mod error;
mod language;
mod leads_commands;
mod media_protocol;
mod notifications;
mod retention_loop;
mod settings_commands;
mod startup;
mod state;
mod subscription_loop;
mod tray;
mod updates;
mod vault_commands;
mod webview;
mod words;

use tauri::Manager as _;

/// `tauri::generate_handler!` over the commands of `command_list.rs`.
macro_rules! register_handlers {
    ($($module:ident :: $name:ident [$($injected:ident),*] ($($argument:ident : $type:ty),*) -> $returned:ty;)*) => {
        tauri::generate_handler![$($module::$name),*]
    };
}

/// What is remembered of the window: size, place and maximized state only,
/// so a window left in the tray still opens at the next start.
const WINDOW_STATE: tauri_plugin_window_state::StateFlags =
    tauri_plugin_window_state::StateFlags::SIZE
        .union(tauri_plugin_window_state::StateFlags::POSITION)
        .union(tauri_plugin_window_state::StateFlags::MAXIMIZED);

fn main() {
    startup::mark_process_start();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LEADBOX_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let result = tauri::Builder::default()
        // First of all: a second start shows this window and exits, so one
        // engine holds the vault and one tray icon shows.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_window(app);
        }))
        // Size, place and maximized state (unless started at login, it opens).
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(WINDOW_STATE)
                .build(),
        )
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![desktop_commands::STARTED_AT_LOGIN]),
        ))
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(updates::PendingUpdate::default())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .register_asynchronous_uri_scheme_protocol(
            media_protocol::SCHEME,
            |ctx, request, responder| {
                media_protocol::answer(ctx.app_handle(), &request, responder);
            },
        )
        .setup(|app| {
            startup::mark("setup");
            let state = state::AppState::open(app.handle());
            startup::mark("vault opened");
            let engine = state.engine();
            app.manage(state);
            webview::tune(app.handle());
            // Started with the computer: Leadbox waits in the tray.
            if std::env::args().any(|arg| arg == desktop_commands::STARTED_AT_LOGIN)
                && let Some(window) = app.get_webview_window("main")
            {
                let _ = window.hide();
            }
            tray::install(app.handle())?;
            startup::mark("tray");
            updates::start_checking(app.handle());
            notifications::route_clicks_to_conversations(app.handle());
            if let Some(engine) = engine {
                background::start(app.handle(), engine);
            }
            startup::mark("setup done");
            Ok(())
        })
        .invoke_handler(with_window_commands!(register_handlers))
        .on_window_event(|window, event| {
            // Closing the window keeps Leadbox in the tray, unless the owner turned that off.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let keep = window
                    .app_handle()
                    .state::<state::AppState>()
                    .engine()
                    .and_then(|engine| engine.notification_prefs().ok())
                    .is_none_or(|prefs| prefs.close_to_tray);
                if keep {
                    api.prevent_close();
                    // Kept now: the window state is otherwise written only when
                    // Leadbox quits, which a logout that kills the tray app skips.
                    use tauri_plugin_window_state::AppHandleExt as _;
                    if let Err(error) = window.app_handle().save_window_state(WINDOW_STATE) {
                        tracing::debug!(%error, "window size and place not kept");
                    }
                    let _ = window.hide();
                }
            }
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Leadbox could not start: {error}");
        std::process::exit(1);
    }
}

//! The Leadbox desktop shell: window, tray, notifications and the commands the
//! front end calls. Everything else lives in the library crates.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod accounts_commands;
mod background;
#[cfg(test)]
mod bindings;
mod commands;
mod data_commands;
mod engine_events;
mod error;
mod leads_commands;
mod notifications;
mod retention_loop;
mod settings_commands;
mod startup;
mod state;
mod subscription_loop;
mod tray;
mod vault_commands;
mod webview;

use tauri::Manager as _;

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
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let state = state::AppState::open(app.handle());
            let engine = state.engine();
            app.manage(state);
            webview::tune(app.handle());
            tray::install(app.handle())?;
            notifications::route_clicks_to_conversations(app.handle());
            if let Some(engine) = engine {
                background::start(app.handle(), engine);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::inbox_status,
            commands::conversation_messages,
            commands::mark_conversation_read,
            commands::open_attachment,
            commands::dismiss_recovery_code,
            vault_commands::create_vault,
            vault_commands::restore_backup,
            vault_commands::unlock_vault,
            commands::conversation_draft,
            commands::approve_and_send_draft,
            commands::reject_draft,
            commands::regenerate_draft,
            data_commands::erase_conversation_person,
            data_commands::export_data,
            data_commands::search_inbox,
            data_commands::retention_settings,
            data_commands::save_retention,
            data_commands::run_retention_now,
            data_commands::preview_retention,
            data_commands::backup_vault,
            accounts_commands::list_accounts,
            accounts_commands::connect_account,
            accounts_commands::connect_with_token,
            accounts_commands::list_websites,
            accounts_commands::add_website,
            accounts_commands::disconnect_account,
            settings_commands::pair_with_relay,
            settings_commands::sign_up_at_relay,
            settings_commands::business_profile,
            settings_commands::save_business_profile,
            settings_commands::ai_settings,
            settings_commands::save_ai_settings,
            settings_commands::notification_settings,
            settings_commands::save_notification_settings,
            settings_commands::pause_notifications,
            settings_commands::send_test_notification,
            settings_commands::app_info,
            settings_commands::list_computers,
            settings_commands::remove_computer,
            settings_commands::invite_computer,
            leads_commands::conversation_page,
            leads_commands::labels_in_use,
            leads_commands::lead_card,
            leads_commands::update_lead,
            leads_commands::list_lead_forms,
            leads_commands::dashboard,
            startup::startup_painted,
        ])
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

//! The app as a desktop citizen: starting with the computer (a login item
//! on each system, through tauri-plugin-autostart), hidden in the tray.

use tauri_plugin_autostart::ManagerExt as _;

use crate::error::{CommandError, ErrorCode};

/// The argument a start at login carries: the window stays in the tray.
pub const STARTED_AT_LOGIN: &str = "--hidden";

fn failed(error: impl std::fmt::Display) -> CommandError {
    CommandError::new(
        ErrorCode::SettingsInvalid,
        format!("the system did not accept the change to starting with the computer ({error})"),
    )
}

/// Whether Leadbox starts when the owner logs in.
#[tauri::command]
pub async fn start_at_login(app: tauri::AppHandle) -> Result<bool, CommandError> {
    app.autolaunch().is_enabled().map_err(failed)
}

/// Turns starting with the computer on or off; returns the new state.
#[tauri::command]
pub async fn set_start_at_login(
    app: tauri::AppHandle,
    enabled: bool,
) -> Result<bool, CommandError> {
    let launcher = app.autolaunch();
    if enabled {
        launcher.enable().map_err(failed)?;
    } else {
        launcher.disable().map_err(failed)?;
    }
    launcher.is_enabled().map_err(failed)
}

/// The window's language: the owner's choice and the system's.
#[tauri::command]
pub async fn window_language(
    state: tauri::State<'_, crate::state::AppState>,
) -> Result<crate::language::LanguageView, CommandError> {
    Ok(state.language.view())
}

/// Chooses the window's language (`None`: the system's again); the tray and
/// the notifications follow.
#[tauri::command]
pub async fn choose_window_language(
    app: tauri::AppHandle,
    state: tauri::State<'_, crate::state::AppState>,
    chosen: Option<leadbox_inbox::Lang>,
) -> Result<crate::language::LanguageView, CommandError> {
    let view = state.language.choose(chosen).map_err(|error| {
        CommandError::new(
            ErrorCode::DiskFailed,
            format!("the language could not be kept for the next start ({error})"),
        )
    })?;
    match state.engine() {
        Some(engine) => crate::tray::refresh_unread(&app, &engine),
        None => crate::tray::refresh_menu(&app),
    }
    Ok(view)
}

//! Opening the inbox from the window on a computer where it is not open yet:
//! a new vault, a backup restored, or a vault unlocked with its recovery code.

use std::path::PathBuf;

use leadbox_inbox::Engine;
use tauri::State;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// Creates a new, empty encrypted inbox; its recovery code is shown next. A
/// vault made meanwhile (by `leadbox-cli pair`) is opened instead, never replaced.
#[tauri::command]
pub async fn create_vault(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<(), CommandError> {
    let engine = state
        .open_with(|data_dir, secrets| {
            let (engine, code) = Engine::open_or_create(&data_dir, secrets)?;
            Ok((engine, code.map(|c| c.expose().to_owned())))
        })
        .await?;
    crate::background::start(&app, engine);
    Ok(())
}

/// Restores a backup made with "Back up…" (or `leadbox-cli backup`) on a
/// computer with no inbox yet.
#[tauri::command]
pub async fn restore_backup(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    file: String,
    passphrase: String,
) -> Result<(), CommandError> {
    let passphrase = zeroize::Zeroizing::new(passphrase);
    let file = PathBuf::from(file.trim());
    if !file.is_file() {
        return Err(CommandError::new(
            ErrorCode::BackupNotFound,
            format!(
                "there is no file at {}; check the backup's location",
                file.display()
            ),
        ));
    }
    let engine = state
        .open_with(move |data_dir, secrets| {
            let (engine, code) = Engine::restore(&data_dir, &file, &passphrase, secrets)?;
            Ok((engine, Some(code.expose().to_owned())))
        })
        .await?;
    crate::background::start(&app, engine);
    Ok(())
}

/// Opens a vault whose key is no longer in this computer's keychain (after a
/// system reinstall, say) with the recovery code written down when it was made.
#[tauri::command]
pub async fn unlock_vault(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    recovery_code: String,
) -> Result<(), CommandError> {
    let recovery_code = zeroize::Zeroizing::new(recovery_code);
    let engine = state
        .open_with(move |data_dir, secrets| {
            Ok((Engine::unlock(&data_dir, &recovery_code, secrets)?, None))
        })
        .await?;
    crate::background::start(&app, engine);
    Ok(())
}

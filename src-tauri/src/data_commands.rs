//! The window's data controls: erasing one person and exporting data, with
//! progress reported as `export-progress` events.

use std::path::PathBuf;

use leadbox_vault::{ExportFilter, ExportFormat, ExportProgress};
use serde::Serialize;
use tauri::{AppHandle, Emitter as _, State};

use crate::error::CommandError;
use crate::state::AppState;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ErasureView {
    pub confirmation_code: String,
    pub conversations: u64,
    pub messages: u64,
    pub leads: u64,
}

fn no_conversation() -> CommandError {
    CommandError {
        code: "not_found",
        message: "this conversation no longer exists".into(),
    }
}

/// Erases the person a conversation is with: contact, conversations,
/// messages, drafts, lead records and search entries. The window asks for
/// confirmation first.
#[tauri::command]
pub async fn erase_conversation_person(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<ErasureView, CommandError> {
    let engine = state.require_engine()?;
    let mut vault = engine.vault();
    let person = vault
        .conversation_person(conversation_id)?
        .ok_or_else(no_conversation)?;
    let receipt = vault.erase_person(&person)?;
    Ok(ErasureView {
        confirmation_code: receipt.confirmation_code,
        conversations: receipt.conversations,
        messages: receipt.messages,
        leads: receipt.leads + receipt.lead_forms,
    })
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ExportDone {
    pub folder: String,
    pub files: Vec<(String, u64)>,
    pub bytes: u64,
}

/// Where exports go: `LEADBOX_EXPORT_DIR`, else the Downloads folder, else home.
fn export_parent() -> PathBuf {
    if let Some(dir) = std::env::var_os("LEADBOX_EXPORT_DIR") {
        return PathBuf::from(dir);
    }
    directories::UserDirs::new()
        .and_then(|dirs| {
            dirs.download_dir()
                .map(ToOwned::to_owned)
                .or_else(|| Some(dirs.home_dir().to_owned()))
        })
        .unwrap_or_else(std::env::temp_dir)
}

/// Exports everything (or, with `conversation_id`, everything held about that
/// person) into a new folder, reporting progress as it goes.
#[tauri::command]
pub async fn export_data(
    app: AppHandle,
    state: State<'_, AppState>,
    format: String,
    conversation_id: Option<i64>,
) -> Result<ExportDone, CommandError> {
    let format = match format.as_str() {
        "json" => ExportFormat::Json,
        "csv" => ExportFormat::Csv,
        _ => {
            return Err(CommandError {
                code: "bad_format",
                message: "choose JSON Lines or CSV".into(),
            });
        }
    };
    let engine = state.require_engine()?;
    let stamp = chrono::Local::now().format("%Y-%m-%d %H%M%S");
    let folder = export_parent().join(format!("Leadbox export {stamp}"));
    let target = folder.clone();
    let summary = tokio::task::spawn_blocking(move || {
        let vault = engine.vault();
        let person = match conversation_id {
            Some(id) => Some(vault.conversation_person(id)?.ok_or_else(no_conversation)?),
            None => None,
        };
        let filter = ExportFilter {
            person,
            since_ms: None,
        };
        let mut report = |progress: &ExportProgress| {
            let _ = app.emit("export-progress", progress);
        };
        Ok::<_, CommandError>(vault.export(&target, format, &filter, &mut report)?)
    })
    .await
    .map_err(|_| CommandError {
        code: "export_failed",
        message: "the export stopped unexpectedly; nothing else was changed".into(),
    })??;
    Ok(ExportDone {
        folder: folder.display().to_string(),
        files: summary.files,
        bytes: summary.bytes,
    })
}

/// Full-text search over message text and contact names, newest first. The
/// snippet comes as parts flagged `hit`, so the window marks matches without
/// ever parsing HTML.
#[tauri::command]
pub async fn search_inbox(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<leadbox_vault::SearchHit>, CommandError> {
    const SHOWN: usize = 50;
    Ok(state.require_engine()?.vault().search(&query, SHOWN)?)
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct RetentionView {
    pub policy: leadbox_vault::RetentionPolicy,
    /// What the policy deletes in the next 7 days.
    pub preview: leadbox_vault::RetentionPreview,
}

fn retention_view(engine: &leadbox_inbox::Engine) -> Result<RetentionView, CommandError> {
    let vault = engine.vault();
    let now = chrono::Utc::now().timestamp_millis();
    Ok(RetentionView {
        policy: vault.retention_policy()?,
        preview: vault.retention_preview(now, 7 * leadbox_vault::DAY_MS)?,
    })
}

#[tauri::command]
pub async fn retention_settings(state: State<'_, AppState>) -> Result<RetentionView, CommandError> {
    let engine = state.require_engine()?;
    retention_view(&engine)
}

/// Saves the owner's policy (refused with the reason if a period is out of range).
#[tauri::command]
pub async fn save_retention(
    state: State<'_, AppState>,
    policy: leadbox_vault::RetentionPolicy,
) -> Result<RetentionView, CommandError> {
    let engine = state.require_engine()?;
    engine.vault().set_retention_policy(&policy)?;
    retention_view(&engine)
}

/// Applies the policy now instead of at the next hourly run.
#[tauri::command]
pub async fn run_retention_now(
    state: State<'_, AppState>,
) -> Result<leadbox_vault::RetentionReport, CommandError> {
    let engine = state.require_engine()?;
    tokio::task::spawn_blocking(move || {
        Ok(engine
            .vault()
            .run_retention(chrono::Utc::now().timestamp_millis())?)
    })
    .await
    .map_err(|_| CommandError {
        code: "retention_failed",
        message: "the purge stopped unexpectedly; run it again".into(),
    })?
}

/// What `policy` would delete in the next 7 days, before the owner saves it.
#[tauri::command]
pub async fn preview_retention(
    state: State<'_, AppState>,
    policy: leadbox_vault::RetentionPolicy,
) -> Result<leadbox_vault::RetentionPreview, CommandError> {
    let engine = state.require_engine()?;
    let now = chrono::Utc::now().timestamp_millis();
    Ok(engine
        .vault()
        .retention_preview_of(&policy, now, 7 * leadbox_vault::DAY_MS)?)
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct BackupDone {
    pub file: String,
    pub bytes: u64,
}

/// Writes an encrypted backup (age, sealed with `passphrase`) next to the
/// exports; restoring it needs the passphrase ("Restore a backup" on a new
/// computer's first start, or `leadbox-cli restore`).
#[tauri::command]
pub async fn backup_vault(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<BackupDone, CommandError> {
    let engine = state.require_engine()?;
    let stamp = chrono::Local::now().format("%Y-%m-%d %H%M%S");
    let folder = export_parent();
    std::fs::create_dir_all(&folder).map_err(|e| CommandError {
        code: "backup_failed",
        message: format!("cannot create the folder {}: {e}", folder.display()),
    })?;
    let file = folder.join(format!("Leadbox backup {stamp}.age"));
    let target = file.clone();
    let passphrase = zeroize::Zeroizing::new(passphrase);
    let bytes = tokio::task::spawn_blocking(move || engine.backup(&target, &passphrase))
        .await
        .map_err(|_| CommandError {
            code: "backup_failed",
            message: "the backup stopped unexpectedly; your inbox is unchanged".into(),
        })??;
    Ok(BackupDone {
        file: file.display().to_string(),
        bytes,
    })
}

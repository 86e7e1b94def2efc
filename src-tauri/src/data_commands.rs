//! The window's data controls: erasing one person, exporting data (with
//! progress reported as `export-progress` events), retention and backups.
//! The long jobs run on a blocking thread and a reader connection of their
//! own, so the window stays responsive while they work.

use std::path::PathBuf;

use leadbox_inbox::{
    ExportFormat, ExportProgress, ExportScope, RetentionPolicy, RetentionPreview, RetentionReport,
    SearchHit,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter as _, State};

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ErasureView {
    pub confirmation_code: String,
    pub conversations: u64,
    pub messages: u64,
    pub leads: u64,
}

/// Erases the person a conversation is with: contact, conversations,
/// messages, drafts, lead records and search entries. The window asks for
/// confirmation first.
#[tauri::command]
pub async fn erase_conversation_person(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<ErasureView, CommandError> {
    let receipt = state
        .with_engine(move |engine| engine.erase_person_of_conversation(conversation_id))
        .await?;
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
pub(crate) fn export_parent() -> PathBuf {
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
            return Err(CommandError::new(
                ErrorCode::BadFormat,
                "choose JSON Lines or CSV",
            ));
        }
    };
    let stamp = chrono::Local::now().format("%Y-%m-%d %H%M%S");
    let folder = export_parent().join(format!("Leadbox export {stamp}"));
    let target = folder.clone();
    let scope = conversation_id.map_or(ExportScope::Everything, ExportScope::PersonOfConversation);
    let summary = state
        .with_engine(move |engine| {
            let mut report = |progress: &ExportProgress| {
                let _ = app.emit("export-progress", progress);
            };
            engine.export(&target, format, scope, None, &mut report)
        })
        .await?;
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
) -> Result<Vec<SearchHit>, CommandError> {
    const SHOWN: usize = 50;
    state
        .with_engine(move |engine| engine.search(&query, SHOWN))
        .await
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct RetentionView {
    pub policy: RetentionPolicy,
    /// What the policy deletes in the next 7 days.
    pub preview: RetentionPreview,
}

fn retention_view(
    engine: &leadbox_inbox::Engine,
) -> Result<RetentionView, leadbox_inbox::InboxError> {
    Ok(RetentionView {
        policy: engine.retention_policy()?,
        preview: engine.retention_preview()?,
    })
}

#[tauri::command]
pub async fn retention_settings(state: State<'_, AppState>) -> Result<RetentionView, CommandError> {
    state.with_engine(retention_view).await
}

/// Saves the owner's policy (refused with the reason if a period is out of range).
#[tauri::command]
pub async fn save_retention(
    state: State<'_, AppState>,
    policy: RetentionPolicy,
) -> Result<RetentionView, CommandError> {
    state
        .with_engine(move |engine| {
            engine.set_retention_policy(&policy)?;
            retention_view(engine)
        })
        .await
}

/// Applies the policy now instead of at the next hourly run.
#[tauri::command]
pub async fn run_retention_now(
    state: State<'_, AppState>,
) -> Result<RetentionReport, CommandError> {
    state.with_engine(|engine| engine.run_retention()).await
}

/// What `policy` would delete in the next 7 days, before the owner saves it.
#[tauri::command]
pub async fn preview_retention(
    state: State<'_, AppState>,
    policy: RetentionPolicy,
) -> Result<RetentionPreview, CommandError> {
    state
        .with_engine(move |engine| engine.retention_preview_of(&policy))
        .await
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
    let stamp = chrono::Local::now().format("%Y-%m-%d %H%M%S");
    let folder = export_parent();
    std::fs::create_dir_all(&folder).map_err(|e| {
        CommandError::new(
            ErrorCode::DiskFailed,
            format!("cannot create the folder {}: {e}", folder.display()),
        )
    })?;
    let file = folder.join(format!("Leadbox backup {stamp}.age"));
    let target = file.clone();
    let passphrase = zeroize::Zeroizing::new(passphrase);
    let bytes = state
        .with_engine(move |engine| engine.backup(&target, &passphrase))
        .await?;
    Ok(BackupDone {
        file: file.display().to_string(),
        bytes,
    })
}

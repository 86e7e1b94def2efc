//! One command per use case, so the capability file can allow each by name.

use leadbox_inbox::{DraftReview, StoredMessage};
use serde::Serialize;
use tauri::State;

use crate::error::{CommandError, ErrorCode};
use crate::state::{AppState, Closed, SyncStatus};

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct InboxStatus {
    pub vault: VaultStatus,
    pub sync: SyncStatus,
    pub business_name: Option<String>,
    pub relay_url: Option<String>,
    pub data_dir: String,
    pub recovery_code: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
#[derive(ts_rs::TS)]
pub enum VaultStatus {
    Open,
    /// No inbox on this computer yet: start one or restore a backup.
    NotSetUp,
    /// `key_missing`: the vault's key is not in the keychain, and its recovery code opens it.
    Locked {
        message: String,
        key_missing: bool,
    },
}

#[tauri::command]
pub async fn inbox_status(state: State<'_, AppState>) -> Result<InboxStatus, CommandError> {
    let sync = state.sync.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let recovery_code = state
        .recovery_code
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let data_dir = state.data_dir.display().to_string();
    match state.require_engine() {
        Ok(engine) => {
            let pairing = engine.pairing()?;
            Ok(InboxStatus {
                vault: VaultStatus::Open,
                sync,
                business_name: pairing.as_ref().map(|p| p.business_name.clone()),
                relay_url: pairing.map(|p| p.relay_url),
                data_dir,
                recovery_code,
            })
        }
        Err(_) => Ok(InboxStatus {
            vault: match state.closed() {
                Closed::NotSetUp => VaultStatus::NotSetUp,
                Closed::Locked {
                    message,
                    key_missing,
                } => VaultStatus::Locked {
                    message,
                    key_missing,
                },
            },
            sync,
            business_name: None,
            relay_url: None,
            data_dir,
            recovery_code: None,
        }),
    }
}

#[tauri::command]
pub async fn conversation_messages(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<Vec<StoredMessage>, CommandError> {
    state
        .with_engine(move |engine| engine.messages(conversation_id))
        .await
}

#[tauri::command]
pub async fn mark_conversation_read(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<(), CommandError> {
    state
        .with_engine(move |engine| engine.mark_read(conversation_id))
        .await
}

#[tauri::command]
pub async fn dismiss_recovery_code(state: State<'_, AppState>) -> Result<(), CommandError> {
    *state
        .recovery_code
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = None;
    Ok(())
}

#[tauri::command]
pub async fn conversation_draft(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<Option<DraftReview>, CommandError> {
    state
        .with_engine(move |engine| engine.draft_to_review(conversation_id))
        .await
}

/// The owner's click: approve (with their edits) and send. Returns the
/// platform's message id. The window offers no opt-out override: a person
/// who asked not to be messaged is never sent to from here.
#[tauri::command]
pub async fn approve_and_send_draft(
    state: State<'_, AppState>,
    draft_id: i64,
    text: String,
) -> Result<String, CommandError> {
    let engine = state.require_engine()?;
    Ok(engine
        .approve_and_send(draft_id, Some(&text), false)
        .await?)
}

#[tauri::command]
pub async fn reject_draft(state: State<'_, AppState>, draft_id: i64) -> Result<(), CommandError> {
    state
        .with_engine(move |engine| engine.reject_draft(draft_id))
        .await
}

#[tauri::command]
pub async fn regenerate_draft(
    state: State<'_, AppState>,
    draft_id: i64,
) -> Result<DraftReview, CommandError> {
    Ok(state.require_engine()?.regenerate_draft(draft_id).await?)
}

/// Opens a message's attachment in the owner's browser, on their click. Only
/// an `https://` address stored with that message can be opened, so the
/// window cannot be made to open arbitrary addresses. Returns the address.
#[tauri::command]
pub async fn open_attachment(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    message_id: i64,
    index: usize,
) -> Result<String, CommandError> {
    use tauri_plugin_opener::OpenerExt as _;
    let url = state
        .with_engine(move |engine| engine.attachment_url(message_id, index))
        .await?
        .ok_or_else(|| {
            CommandError::new(
                ErrorCode::NoLink,
                "this attachment has no web address to open",
            )
        })?;
    app.opener().open_url(&url, None::<&str>).map_err(|error| {
        CommandError::new(
            ErrorCode::NoBrowser,
            format!("no browser could be opened ({error}); the address is {url}"),
        )
    })?;
    Ok(url)
}

/// Saves a photo or file a lead sent (kept in the vault) into the Downloads
/// folder, under a new name; returns where it went.
#[tauri::command]
pub async fn save_attachment(
    state: State<'_, AppState>,
    message_id: i64,
    index: i64,
) -> Result<String, CommandError> {
    let dir = crate::data_commands::export_parent();
    let path = state
        .with_engine(move |engine| engine.save_media(message_id, index, &dir))
        .await?;
    Ok(path.display().to_string())
}

/// Fetches an Instagram or Messenger attachment into the vault, so the
/// window can show it (a photo) or save it; the owner's click asks for it.
#[tauri::command]
pub async fn fetch_attachment(
    state: State<'_, AppState>,
    message_id: i64,
    index: usize,
) -> Result<(), CommandError> {
    let engine = state.require_engine()?;
    Ok(engine.fetch_attachment(message_id, index).await?)
}

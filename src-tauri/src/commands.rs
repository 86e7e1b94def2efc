//! One command per use case, so the capability file can allow each by name.

use leadbox_inbox::{DraftRow, Flag, StoredMessage};
use serde::Serialize;
use tauri::State;

use crate::error::CommandError;
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
    Ok(state.require_engine()?.vault().messages(conversation_id)?)
}

#[tauri::command]
pub async fn mark_conversation_read(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<(), CommandError> {
    Ok(state.require_engine()?.vault().mark_read(conversation_id)?)
}

#[tauri::command]
pub async fn dismiss_recovery_code(state: State<'_, AppState>) -> Result<(), CommandError> {
    *state
        .recovery_code
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = None;
    Ok(())
}

/// A draft as the window shows it: the text to edit and each warning in words.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct DraftView {
    pub id: i64,
    pub status: String,
    pub text: String,
    pub warnings: Vec<String>,
    /// Why the last attempt failed (drafting or sending), in plain words.
    pub problem: Option<String>,
    /// Whether the reply can go out now, and until when (Meta's windows).
    pub window: Option<leadbox_inbox::ReplyWindow>,
}

impl DraftView {
    fn of(engine: &leadbox_inbox::Engine, row: DraftRow) -> Result<DraftView, CommandError> {
        let window = engine.reply_window(row.conversation_id, row.id)?;
        let mut view = DraftView::from(row);
        view.window = Some(window);
        Ok(view)
    }
}

impl From<DraftRow> for DraftView {
    fn from(row: DraftRow) -> Self {
        let warnings = row
            .flags
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|flag| serde_json::from_value::<Flag>(flag.clone()).ok())
            .map(|flag| flag.explain())
            .collect();
        DraftView {
            id: row.id,
            status: row.status,
            text: row.text.unwrap_or_default(),
            warnings,
            problem: row.error,
            window: None,
        }
    }
}

#[tauri::command]
pub async fn conversation_draft(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<Option<DraftView>, CommandError> {
    let engine = state.require_engine()?;
    let draft = engine.vault().open_draft(conversation_id)?;
    draft.map(|row| DraftView::of(&engine, row)).transpose()
}

/// The owner's click: approve (with their edits) and send. Returns the platform's message id.
#[tauri::command]
pub async fn approve_and_send_draft(
    state: State<'_, AppState>,
    draft_id: i64,
    text: String,
) -> Result<String, CommandError> {
    let engine = state.require_engine()?;
    let approved = engine.vault().approve_draft(draft_id, Some(&text))?;
    // The window offers no override: a person who asked not to be messaged is never sent to from here.
    Ok(engine.send_approved(approved, false).await?)
}

#[tauri::command]
pub async fn reject_draft(state: State<'_, AppState>, draft_id: i64) -> Result<(), CommandError> {
    Ok(state.require_engine()?.vault().reject_draft(draft_id)?)
}

#[tauri::command]
pub async fn regenerate_draft(
    state: State<'_, AppState>,
    draft_id: i64,
) -> Result<Option<DraftView>, CommandError> {
    let engine = state.require_engine()?;
    let new_id = engine.vault().regenerate_draft(draft_id)?;
    engine.draft_pending().await?;
    let draft = engine.vault().draft(new_id)?;
    draft.map(|row| DraftView::of(&engine, row)).transpose()
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
        .require_engine()?
        .vault()
        .attachment_url(message_id, index)?
        .ok_or_else(|| CommandError {
            code: "no_link",
            message: "this attachment has no web address to open".into(),
        })?;
    app.opener()
        .open_url(&url, None::<&str>)
        .map_err(|error| CommandError {
            code: "no_browser",
            message: format!("no browser could be opened ({error}); the address is {url}"),
        })?;
    Ok(url)
}

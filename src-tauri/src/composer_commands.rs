//! The composer under a conversation: the owner's own reply, saved
//! replies, and WhatsApp templates after the 24 hours.

use leadbox_inbox::{
    FileToSend, FileType, Filled, MAX_MEDIA_BYTES, ReplyWindow, SavedReply, TemplateList,
};
use tauri::State;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// Whether a reply written now can go out, and until when.
#[tauri::command]
pub async fn composer_reply_window(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<ReplyWindow, CommandError> {
    state
        .with_engine(move |engine| engine.composer_reply_window(conversation_id))
        .await
}

/// The owner's click on "Send" under a reply they wrote; returns the
/// platform's message id. As for drafts, the window offers no opt-out
/// override.
#[tauri::command]
pub async fn send_owner_reply(
    state: State<'_, AppState>,
    conversation_id: i64,
    text: String,
) -> Result<String, CommandError> {
    let engine = state.require_engine()?;
    Ok(engine
        .send_owner_reply(conversation_id, &text, false)
        .await?)
}

/// Whether the conversation takes the file the owner picked, told from its
/// first bytes (base64) and its size, before they press Send.
#[tauri::command]
pub async fn check_outgoing_file(
    state: State<'_, AppState>,
    conversation_id: i64,
    head_base64: String,
    size: u64,
    text: String,
) -> Result<FileType, CommandError> {
    let head = decode_file(&head_base64)?;
    state
        .with_engine(move |engine| engine.check_file_for(conversation_id, &head, size, &text))
        .await
}

/// The owner's click on "Send" under a reply with a photo or PDF (its
/// bytes in base64, which the command bridge carries as text); returns the
/// platform's id of the file's message.
#[tauri::command]
pub async fn send_owner_file(
    state: State<'_, AppState>,
    conversation_id: i64,
    text: String,
    file_name: String,
    file_base64: String,
) -> Result<String, CommandError> {
    let engine = state.require_engine()?;
    // Decoding megabytes is a worker's job, not the window thread's.
    let bytes = tauri::async_runtime::spawn_blocking(move || decode_file(&file_base64))
        .await
        .map_err(|_| CommandError::stopped())??;
    let file = FileToSend {
        name: file_name,
        bytes,
    };
    Ok(engine
        .send_owner_file(conversation_id, &text, &file, false)
        .await?)
}

/// A file the window read, refused before decoding when it is larger than
/// Leadbox sends.
fn decode_file(encoded: &str) -> Result<Vec<u8>, CommandError> {
    use base64::Engine as _;
    let most = MAX_MEDIA_BYTES.div_ceil(3) * 4 + 4;
    if encoded.len() as u64 > most {
        return Err(CommandError::new(
            ErrorCode::FileRefused,
            "this file is larger than the 16 MB Leadbox sends",
        ));
    }
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| CommandError::new(ErrorCode::InvalidInput, "the file could not be read"))
}

#[tauri::command]
pub async fn saved_replies(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<SavedReply>, CommandError> {
    state
        .with_engine(move |engine| engine.saved_replies(&query))
        .await
}

/// Saves a new reply (no `id`) or changes one.
#[tauri::command]
pub async fn save_saved_reply(
    state: State<'_, AppState>,
    id: Option<i64>,
    title: String,
    text: String,
) -> Result<SavedReply, CommandError> {
    state
        .with_engine(move |engine| engine.save_saved_reply(id, &title, &text))
        .await
}

#[tauri::command]
pub async fn delete_saved_reply(state: State<'_, AppState>, id: i64) -> Result<(), CommandError> {
    state
        .with_engine(move |engine| engine.delete_saved_reply(id))
        .await
}

/// A saved reply's text for a conversation, placeholders filled where known.
#[tauri::command]
pub async fn fill_saved_reply(
    state: State<'_, AppState>,
    id: i64,
    conversation_id: i64,
) -> Result<Filled, CommandError> {
    state
        .with_engine(move |engine| engine.fill_saved_reply(id, conversation_id))
        .await
}

/// The approved WhatsApp templates this conversation can be answered with,
/// listed afresh from Meta.
#[tauri::command]
pub async fn whatsapp_templates(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<TemplateList, CommandError> {
    let engine = state.require_engine()?;
    Ok(engine.whatsapp_templates(conversation_id).await?)
}

/// The owner's click on "Send template"; returns the message's id.
#[tauri::command]
pub async fn send_whatsapp_template(
    state: State<'_, AppState>,
    conversation_id: i64,
    name: String,
    language: String,
    values: Vec<String>,
) -> Result<String, CommandError> {
    let engine = state.require_engine()?;
    Ok(engine
        .send_whatsapp_template(conversation_id, &name, &language, &values, false)
        .await?)
}

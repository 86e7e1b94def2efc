//! The filtered, paged conversation list and the lead panel.

use leadbox_inbox::{
    ConversationPage, Dashboard, LeadCard, LeadForm, ListFilter, PageCursor, Stage,
};
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Up to `limit` rows of the list (the vault caps it at 500): the window
/// asks for 100 as the owner scrolls, and for what is on screen, in few
/// calls, when it reloads.
#[tauri::command]
pub async fn conversation_page(
    state: State<'_, AppState>,
    filter: ListFilter,
    after: Option<PageCursor>,
    limit: usize,
) -> Result<ConversationPage, CommandError> {
    state
        .with_engine(move |engine| engine.conversation_page(&filter, after, limit))
        .await
}

#[tauri::command]
pub async fn labels_in_use(state: State<'_, AppState>) -> Result<Vec<String>, CommandError> {
    state.with_engine(|engine| engine.labels_in_use()).await
}

#[tauri::command]
pub async fn lead_card(
    state: State<'_, AppState>,
    conversation_id: i64,
) -> Result<LeadCard, CommandError> {
    state
        .with_engine(move |engine| engine.lead_card(conversation_id))
        .await
}

#[tauri::command]
pub async fn update_lead(
    state: State<'_, AppState>,
    conversation_id: i64,
    stage: Stage,
    notes: String,
    labels: Vec<String>,
) -> Result<LeadCard, CommandError> {
    state
        .with_engine(move |engine| engine.update_lead(conversation_id, stage, &notes, &labels))
        .await
}

/// Lead-ad form submissions, newest first.
#[tauri::command]
pub async fn list_lead_forms(state: State<'_, AppState>) -> Result<Vec<LeadForm>, CommandError> {
    state.with_engine(|engine| engine.lead_forms()).await
}

/// The dashboard's figures for the last 30 days.
#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>) -> Result<Dashboard, CommandError> {
    state.with_engine(|engine| engine.dashboard()).await
}

//! Onboarding and settings: pairing from the window, the business profile,
//! the drafting provider, notifications (with the tray's pause) and "about".

use leadbox_inbox::{
    AiSettings, BusinessProfile, Engine, NotificationPrefs, Pairing, ProviderKind,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// Pairs this computer with the relay; the sync loop notices within seconds.
#[tauri::command]
pub async fn pair_with_relay(
    state: State<'_, AppState>,
    relay_url: String,
    invite_code: String,
    device_name: String,
) -> Result<Pairing, CommandError> {
    let engine = state.require_engine()?;
    Ok(engine.pair(&relay_url, &invite_code, &device_name).await?)
}

/// Signs up at a relay service: it creates the business and pairs this
/// computer as its owner. `signup_code` may be empty when none is needed.
#[tauri::command]
pub async fn sign_up_at_relay(
    state: State<'_, AppState>,
    relay_url: String,
    business_name: String,
    signup_code: String,
    device_name: String,
) -> Result<Pairing, CommandError> {
    let engine = state.require_engine()?;
    Ok(engine
        .sign_up(&relay_url, &business_name, Some(&signup_code), &device_name)
        .await?)
}

#[tauri::command]
pub async fn business_profile(state: State<'_, AppState>) -> Result<BusinessProfile, CommandError> {
    Ok(state.require_engine()?.business_profile()?)
}

#[tauri::command]
pub async fn save_business_profile(
    state: State<'_, AppState>,
    profile: BusinessProfile,
) -> Result<(), CommandError> {
    Ok(state.require_engine()?.set_business_profile(&profile)?)
}

#[tauri::command]
pub async fn ai_settings(state: State<'_, AppState>) -> Result<AiSettings, CommandError> {
    Ok(state.require_engine()?.ai_settings()?)
}

/// The drafting provider as the settings form sends it. The key goes to the
/// keychain and is never sent back to the window.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct AiSettingsInput {
    pub provider: ProviderKind,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub redact: Option<bool>,
    pub api_key: Option<String>,
}

#[tauri::command]
pub async fn save_ai_settings(
    state: State<'_, AppState>,
    settings: AiSettingsInput,
) -> Result<AiSettings, CommandError> {
    let engine = state.require_engine()?;
    let provider = settings.provider;
    let blank_to_none =
        |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let chosen = AiSettings {
        provider,
        base_url: blank_to_none(settings.base_url),
        model: blank_to_none(settings.model),
        redact: settings.redact,
        has_api_key: false,
    };
    engine.set_ai_settings(&chosen, settings.api_key.as_deref())?;
    Ok(engine.ai_settings()?)
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct NotificationView {
    pub prefs: NotificationPrefs,
    /// Milliseconds since the epoch, while paused from the tray or the window.
    pub paused_until: Option<i64>,
}

#[tauri::command]
pub async fn notification_settings(
    state: State<'_, AppState>,
) -> Result<NotificationView, CommandError> {
    let engine = state.require_engine()?;
    Ok(NotificationView {
        prefs: engine.notification_prefs()?,
        paused_until: engine.notifications_paused_until()?,
    })
}

#[tauri::command]
pub async fn save_notification_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    prefs: NotificationPrefs,
) -> Result<(), CommandError> {
    state.require_engine()?.set_notification_prefs(&prefs)?;
    crate::tray::refresh_menu(&app);
    Ok(())
}

/// `minutes: None` resumes notifications.
#[tauri::command]
pub async fn pause_notifications(
    app: AppHandle,
    state: State<'_, AppState>,
    minutes: Option<u32>,
) -> Result<Option<i64>, CommandError> {
    let engine = state.require_engine()?;
    crate::tray::pause(&app, &engine, minutes)?;
    Ok(engine.notifications_paused_until()?)
}

/// Shows a sample notification now, whatever the settings say, so the owner
/// can check that their system lets Leadbox notify.
#[tauri::command]
pub async fn send_test_notification(app: AppHandle) -> Result<(), CommandError> {
    crate::notifications::test(&app)
        .map_err(|message| CommandError::new(ErrorCode::NotificationFailed, message))
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AppInfo {
    pub version: &'static str,
    pub tauri_version: &'static str,
    pub data_dir: String,
    pub vault_file: String,
    pub relay_url: Option<String>,
    pub device_id: Option<String>,
    pub business_name: Option<String>,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CommandError> {
    let pairing = match state.engine() {
        Some(engine) => engine.pairing()?,
        None => None,
    };
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        tauri_version: tauri::VERSION,
        data_dir: state.data_dir.display().to_string(),
        vault_file: Engine::vault_file(&state.data_dir).display().to_string(),
        business_name: pairing.as_ref().map(|p| p.business_name.clone()),
        device_id: pairing.as_ref().map(|p| p.device_id.clone()),
        relay_url: pairing.map(|p| p.relay_url),
    })
}

/// The computers paired with the business's relay (this one marked).
#[tauri::command]
pub async fn list_computers(
    state: State<'_, AppState>,
) -> Result<Vec<leadbox_inbox::Computer>, CommandError> {
    Ok(state.require_engine()?.computers().await?)
}

/// A single-use invite code for another computer of this business (only the
/// owner computer gets one).
#[tauri::command]
pub async fn invite_computer(state: State<'_, AppState>) -> Result<String, CommandError> {
    Ok(state.require_engine()?.invite_computer().await?)
}

/// Removes another computer of the business (a lost or sold one).
#[tauri::command]
pub async fn remove_computer(
    state: State<'_, AppState>,
    device_id: String,
) -> Result<(), CommandError> {
    Ok(state.require_engine()?.remove_computer(&device_id).await?)
}

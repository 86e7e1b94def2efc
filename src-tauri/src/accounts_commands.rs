//! The accounts panel: what is connected (with any problem Meta reported),
//! and "Connect with Facebook / Instagram" through the relay's login.

use leadbox_inbox::{AccountRow, LoginLink, WebsiteChat};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt as _;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountRow>, CommandError> {
    state.with_engine(|engine| engine.accounts()).await
}

/// Asks the relay for a single-use login address and opens it in the
/// browser. Returns the address too, for when no browser opens, and the
/// code the relay's page asks for.
#[tauri::command]
pub async fn connect_account(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: String,
) -> Result<LoginLink, CommandError> {
    let engine = state.require_engine()?;
    let link = match provider.as_str() {
        "facebook" => engine.facebook_login().await?,
        "instagram" => engine.instagram_login().await?,
        _ => {
            return Err(CommandError::new(
                ErrorCode::BadProvider,
                "choose Facebook or Instagram",
            ));
        }
    };
    if let Err(error) = app.opener().open_url(&link.url, None::<&str>) {
        tracing::warn!(%error, "no browser opened for the login page");
    }
    Ok(link)
}

#[tauri::command]
pub async fn list_websites(state: State<'_, AppState>) -> Result<Vec<WebsiteChat>, CommandError> {
    Ok(state.require_engine()?.websites().await?)
}

/// Adds a website chat; returns it with the line to paste into the site.
#[tauri::command]
pub async fn add_website(
    state: State<'_, AppState>,
    name: String,
    origins: Vec<String>,
) -> Result<WebsiteChat, CommandError> {
    Ok(state.require_engine()?.add_website(&name, &origins).await?)
}

/// Lets a website chat be used on one more address (the owner's one click
/// on an address it refused).
#[tauri::command]
pub async fn allow_website_origin(
    state: State<'_, AppState>,
    site_id: String,
    origin: String,
) -> Result<WebsiteChat, CommandError> {
    Ok(state
        .require_engine()?
        .allow_website_origin(&site_id, &origin)
        .await?)
}

/// Removes an account's token from the keychain (it stops sending; webhooks
/// still arrive). With `erase`, its conversations are erased as for a
/// per-person erasure. Returns what happened, in words.
#[tauri::command]
pub async fn disconnect_account(
    state: State<'_, AppState>,
    platform: leadbox_inbox::Platform,
    account_id: String,
    erase: bool,
) -> Result<String, CommandError> {
    let receipt = state
        .with_engine(move |engine| engine.remove_account(platform, &account_id, erase))
        .await?;
    Ok(match receipt {
        Some(receipt) => format!(
            "Disconnected and erased {} conversation(s) and {} message(s) (confirmation {}).",
            receipt.conversations, receipt.messages, receipt.confirmation_code
        ),
        None => {
            "Disconnected. Its conversations stay; reconnect it to send replies again.".to_owned()
        }
    })
}

/// Connects an account with an access token the owner pasted (a WhatsApp
/// Cloud API system-user token, or a page or Instagram token made in Meta's
/// tools). The token is checked with Meta first, so only an account the
/// owner can act for is then routed to this business at the relay; the
/// token is kept in the keychain.
#[tauri::command]
pub async fn connect_with_token(
    state: State<'_, AppState>,
    platform: leadbox_inbox::Platform,
    account_id: String,
    connection: leadbox_inbox::Connection,
    token: String,
    human_agent: bool,
) -> Result<AccountRow, CommandError> {
    let engine = state.require_engine()?;
    let account_id = account_id.trim();
    let token = zeroize::Zeroizing::new(token);
    // The engine checks the token with Meta, then routes the account here.
    let account = engine
        .add_account(platform, account_id, connection, &token, human_agent)
        .await?;
    Ok(account)
}

//! "Connect with Facebook": a paired device asks for a ticket, the owner's
//! browser opens it, Facebook sends the browser back here with a code, and the
//! relay seals the resulting tokens to that device. The relay keeps only the
//! app-scoped user id ↔ business link, which Meta's deletion callback needs.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leadbox_envelope::api::OAuthTicket;
use leadbox_envelope::payload::Payload;
use leadbox_envelope::{DevicePublicKey, Platform};
use serde::Deserialize;

use super::devices::authenticate;
use super::pages::page;
use super::{ApiFailure, SharedState, deliver};
use crate::facebook::{FacebookLogin, LoginError};
use crate::meta_links::{LOGIN_STATE_SECONDS, LoginProvider};
use crate::now_ms;
use crate::store::{ClaimOutcome, Device};

/// `POST /v1/oauth/meta/tickets`: the address the desktop opens in a browser.
pub async fn ticket(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Json<OAuthTicket>, ApiFailure> {
    issue_ticket(&state, &headers, LoginProvider::Facebook).await
}

/// `POST /v1/oauth/instagram/tickets`: the same for Instagram Login.
pub async fn instagram_ticket(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Json<OAuthTicket>, ApiFailure> {
    issue_ticket(&state, &headers, LoginProvider::Instagram).await
}

/// The relay's public address, if this login is set up.
pub(super) fn login_base(state: &SharedState, provider: LoginProvider) -> Result<&str, LoginError> {
    let config = &state.config;
    match (provider, &config.public_url) {
        (LoginProvider::Facebook, Some(url)) if config.meta_app_id.is_some() => Ok(url),
        (LoginProvider::Instagram, Some(url)) if config.instagram.is_some() => Ok(url),
        (LoginProvider::Facebook, _) => Err(LoginError::NotConfigured),
        (LoginProvider::Instagram, _) => Err(LoginError::InstagramNotConfigured),
    }
}

pub(super) fn path(provider: LoginProvider) -> &'static str {
    match provider {
        LoginProvider::Facebook => "meta",
        LoginProvider::Instagram => "instagram",
    }
}

async fn issue_ticket(
    state: &SharedState,
    headers: &HeaderMap,
    provider: LoginProvider,
) -> Result<Json<OAuthTicket>, ApiFailure> {
    let device = authenticate(state, headers).await?;
    let public_url = login_base(state, provider).map_err(|error| {
        ApiFailure::new(
            StatusCode::CONFLICT,
            "login_not_configured",
            error.to_string(),
        )
    })?;
    let link = state
        .store
        .create_login_state(&device.device_id, provider, now_ms() / 1000)
        .await?;
    Ok(Json(OAuthTicket {
        url: format!(
            "{public_url}/oauth/{}/start?state={}",
            path(provider),
            link.state
        ),
        expires_in_seconds: LOGIN_STATE_SECONDS as u64,
        confirmation_code: link.confirmation_code,
    }))
}

pub(super) fn expired_link() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "This link has expired",
        &["Login links work once and for ten minutes. Start again from Leadbox: Settings → Accounts → Connect with Facebook.".into()],
    )
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    state: String,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The start of every callback: the login state is used up before anything
/// else (so a replayed callback cannot connect twice), then the code is taken,
/// or the page saying why there is none is returned.
async fn callback_start(
    state: &SharedState,
    query: CallbackQuery,
    provider: LoginProvider,
) -> Result<Result<(Device, String), Response>, ApiFailure> {
    let device = state
        .store
        .take_login_state(&query.state, provider, now_ms() / 1000)
        .await?;
    let Some(device) = device else {
        return Ok(Err(expired_link()));
    };
    // A link made before the operator suspended the business connects nothing.
    if device.suspended {
        return Ok(Err(page(
            StatusCode::FORBIDDEN,
            "This business is suspended",
            &["This relay's operator suspended the business; nothing was connected. Ask them to resume it.".into()],
        )));
    }
    let Some(code) = query.code.filter(|c| !c.is_empty()) else {
        let why = query
            .error_description
            .or(query.error)
            .unwrap_or_else(|| "no reason given".into());
        let platform = match provider {
            LoginProvider::Facebook => "Facebook",
            LoginProvider::Instagram => "Instagram",
        };
        return Ok(Err(page(
            StatusCode::OK,
            "Nothing was connected",
            &[
                format!("{platform} reported: {why}."),
                "You can close this window and try again from Leadbox.".into(),
            ],
        )));
    };
    Ok(Ok((device, code)))
}

/// After a login: remembers the user ↔ business link (for Meta's deletion
/// requests), routes the granted accounts to the business, and reads the
/// device's key. `None` when the device was revoked meanwhile. The login is
/// proof of control: an account another business held moves here, and that
/// business's computers are told.
async fn link_and_route(
    state: &SharedState,
    device: &Device,
    user_id: &str,
    routes: Vec<(Platform, String)>,
) -> Result<Option<DevicePublicKey>, ApiFailure> {
    let now = now_ms() / 1000;
    let store = &state.store;
    store
        .link_meta_user(user_id, &device.business_id, now)
        .await?;
    for (kind, account_id) in routes {
        let outcome = store
            .claim_route(&device.business_id, kind, &account_id, true, now)
            .await?;
        if let ClaimOutcome::Moved { from } = outcome {
            super::routes::tell_previous_business(state, &from, kind, &account_id).await?;
        }
    }
    Ok(store.device_key(&device.device_id).await?)
}

/// The page shown when the platform refused the login; nothing was stored.
fn login_failed(error: &LoginError, provider: LoginProvider) -> Response {
    tracing::warn!(%error, provider = provider.as_str(), "login failed");
    page(
        StatusCode::BAD_GATEWAY,
        "Connecting did not work",
        &[
            error.to_string(),
            "Nothing was saved. Close this window and try again from Leadbox.".into(),
        ],
    )
}

/// `GET /oauth/meta/callback`: Facebook sends the browser back with a code (or an error).
pub async fn callback(
    State(state): State<SharedState>,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, ApiFailure> {
    let (device, code) = match callback_start(&state, query, LoginProvider::Facebook).await? {
        Ok(started) => started,
        Err(page) => return Ok(page),
    };

    let logged_in = match FacebookLogin::new(&state.config).complete(&code).await {
        Ok(logged_in) => logged_in,
        Err(error) => return Ok(login_failed(&error, LoginProvider::Facebook)),
    };

    let now = now_ms();
    let routes: Vec<(Platform, String)> = logged_in
        .pages
        .iter()
        .flat_map(|p| {
            std::iter::once((Platform::Messenger, p.page_id.clone())).chain(
                p.instagram_account_id
                    .clone()
                    .map(|ig| (Platform::Instagram, ig)),
            )
        })
        .collect();
    let Some(key) = link_and_route(&state, &device, &logged_in.user_id, routes).await? else {
        return Ok(expired_link());
    };

    let mut lines: Vec<String> = logged_in
        .pages
        .iter()
        .map(|p| {
            let instagram = p
                .instagram_username
                .as_ref()
                .map(|u| format!(" and Instagram @{u}"))
                .unwrap_or_default();
            let warning = if p.subscribed {
                ""
            } else {
                " — Facebook did not subscribe it to new messages; check the page's settings"
            };
            format!("Connected: {}{instagram}{warning}", p.name)
        })
        .collect();
    if lines.is_empty() {
        lines.push("Facebook granted no pages. Try again and choose at least one page.".into());
    }
    lines.push("Return to Leadbox: the accounts appear there within a few seconds.".into());

    let count = logged_in.pages.len();
    let payload = Payload::MetaConnection {
        user_id: logged_in.user_id,
        user_name: logged_in.user_name,
        user_token: logged_in.user_token,
        user_token_expires_at_ms: logged_in
            .expires_in_seconds
            .map(|seconds| now + seconds * 1000),
        pages: logged_in.pages,
        received_at_ms: now,
    };
    deliver(
        &state,
        &device.business_id,
        &[(device.device_id.clone(), key)],
        &payload,
    )
    .await?;
    tracing::info!(device = %device.device_id, pages = count, "Facebook Login completed");
    Ok(page(StatusCode::OK, "Connected to Leadbox", &lines))
}

/// `GET /oauth/instagram/callback`: Instagram sends the browser back with a code.
pub async fn instagram_callback(
    State(state): State<SharedState>,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, ApiFailure> {
    let (device, code) = match callback_start(&state, query, LoginProvider::Instagram).await? {
        Ok(started) => started,
        Err(page) => return Ok(page),
    };
    let (Ok(public_url), Some(config)) = (
        login_base(&state, LoginProvider::Instagram),
        state.config.instagram.as_ref(),
    ) else {
        return Ok(page(
            StatusCode::CONFLICT,
            "This login is not set up",
            &[LoginError::InstagramNotConfigured.to_string()],
        ));
    };
    let account = match crate::instagram::InstagramLogin::new(config)
        .complete(public_url, &code)
        .await
    {
        Ok(account) => account,
        Err(error) => return Ok(login_failed(&error, LoginProvider::Instagram)),
    };

    let now = now_ms();
    let routes = vec![(Platform::Instagram, account.account_id.clone())];
    let Some(key) = link_and_route(&state, &device, &account.user_id, routes).await? else {
        return Ok(expired_link());
    };
    let mut lines = vec![format!("Connected: Instagram @{}", account.username)];
    if !account.subscribed {
        lines.push(
            "Instagram did not subscribe it to new messages; check the account's settings.".into(),
        );
    }
    lines.push("Return to Leadbox: the account appears there within a few seconds.".into());
    let payload = Payload::InstagramConnection {
        user_id: account.user_id,
        account_id: account.account_id,
        username: account.username,
        access_token: account.token,
        expires_at_ms: account.expires_in_seconds.map(|s| now + s * 1000),
        subscribed: account.subscribed,
        received_at_ms: now,
    };
    deliver(
        &state,
        &device.business_id,
        &[(device.device_id.clone(), key)],
        &payload,
    )
    .await?;
    tracing::info!(device = %device.device_id, "Instagram Login completed");
    Ok(page(StatusCode::OK, "Connected to Leadbox", &lines))
}

//! The relay's page between a login link and Facebook's or Instagram's
//! dialog. It names the business and the computer that will receive access,
//! and goes on only with the code that computer shows: a link forwarded to
//! someone else (or sent by an attacker) cannot hand their pages over.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::meta_login::{expired_link, login_base, path};
use super::pages::{code_form, page};
use super::{ApiFailure, SharedState};
use crate::facebook::{LoginError, dialog_url};
use crate::meta_links::{Confirmation, LoginPrompt, LoginProvider};
use crate::now_ms;

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    state: String,
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    code: String,
}

/// `GET /oauth/meta/start?state=…`: the confirmation page.
pub async fn start(
    State(state): State<SharedState>,
    Query(query): Query<StartQuery>,
) -> Result<Response, ApiFailure> {
    show(&state, &query.state, LoginProvider::Facebook).await
}

/// `GET /oauth/instagram/start?state=…`: the same for Instagram Login.
pub async fn instagram_start(
    State(state): State<SharedState>,
    Query(query): Query<StartQuery>,
) -> Result<Response, ApiFailure> {
    show(&state, &query.state, LoginProvider::Instagram).await
}

/// `POST /oauth/meta/start`: the code typed; on to Facebook when it is right.
pub async fn confirm(
    State(state): State<SharedState>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, ApiFailure> {
    check(&state, form, LoginProvider::Facebook).await
}

/// `POST /oauth/instagram/start`.
pub async fn instagram_confirm(
    State(state): State<SharedState>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, ApiFailure> {
    check(&state, form, LoginProvider::Instagram).await
}

fn platform(provider: LoginProvider) -> &'static str {
    match provider {
        LoginProvider::Facebook => "Facebook",
        LoginProvider::Instagram => "Instagram",
    }
}

async fn prompt(
    state: &SharedState,
    login_state: &str,
    provider: LoginProvider,
) -> Result<Option<LoginPrompt>, ApiFailure> {
    Ok(state
        .store
        .login_prompt(login_state, provider, now_ms() / 1000)
        .await?)
}

fn ask_for_code(
    status: StatusCode,
    login_state: &str,
    provider: LoginProvider,
    prompt: &LoginPrompt,
    problem: Option<String>,
) -> Response {
    let mut lines = vec![
        format!(
            "You are about to give the Leadbox inbox of “{}”, on the computer “{}”, access to the {} accounts you choose next.",
            prompt.business_name,
            prompt.device_name,
            platform(provider)
        ),
        "Type the code that Leadbox shows on that computer. If you did not ask for this yourself, close this page: someone may be trying to get your messages.".into(),
    ];
    lines.extend(problem);
    code_form(
        status,
        "Confirm it is your computer",
        &lines,
        &format!("/oauth/{}/start", path(provider)),
        login_state,
    )
}

async fn show(
    state: &SharedState,
    login_state: &str,
    provider: LoginProvider,
) -> Result<Response, ApiFailure> {
    match prompt(state, login_state, provider).await? {
        None => Ok(expired_link()),
        Some(prompt) if prompt.confirmed => Ok(to_dialog(state, login_state, provider)),
        Some(prompt) => Ok(ask_for_code(
            StatusCode::OK,
            login_state,
            provider,
            &prompt,
            None,
        )),
    }
}

async fn check(
    state: &SharedState,
    form: ConfirmForm,
    provider: LoginProvider,
) -> Result<Response, ApiFailure> {
    let Some(shown) = prompt(state, &form.state, provider).await? else {
        return Ok(expired_link());
    };
    let confirmation = state
        .store
        .confirm_login_state(&form.state, provider, &form.code, now_ms() / 1000)
        .await?;
    match confirmation {
        Confirmation::Confirmed => Ok(to_dialog(state, &form.state, provider)),
        Confirmation::WrongCode { attempts_left } => Ok(ask_for_code(
            StatusCode::FORBIDDEN,
            &form.state,
            provider,
            &shown,
            Some(format!(
                "That is not the code Leadbox shows. {attempts_left} more tries, then this link stops working."
            )),
        )),
        Confirmation::Expired => Ok(expired_link()),
    }
}

/// Facebook's or Instagram's dialog, for a confirmed login state.
fn to_dialog(state: &SharedState, login_state: &str, provider: LoginProvider) -> Response {
    let url = match provider {
        LoginProvider::Facebook => dialog_url(&state.config, login_state),
        LoginProvider::Instagram => login_base(state, provider).and_then(|public_url| {
            let config = state
                .config
                .instagram
                .as_ref()
                .ok_or(LoginError::InstagramNotConfigured)?;
            crate::instagram::dialog_url(config, public_url, login_state)
        }),
    };
    match url {
        // 303: the browser follows a POST's answer with a GET.
        Ok(url) => Redirect::to(&url).into_response(),
        Err(error) => page(
            StatusCode::CONFLICT,
            "This login is not set up",
            &[error.to_string()],
        ),
    }
}

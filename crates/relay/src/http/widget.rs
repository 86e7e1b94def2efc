//! The website chat: the embeddable script, visitor messages (sealed to the
//! business's desktops at once, like a webhook), replies approved on a
//! desktop and fetched by the visitor's page, and the sites themselves.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use leadbox_envelope::api::{
    WIDGET_TEXT_LIMIT, WidgetOriginRequest, WidgetRefusedOrigin, WidgetReplyAccepted,
    WidgetReplyRequest, WidgetSite, WidgetSiteRequest,
};
use serde::Deserialize;

use super::devices::authenticate;
use super::{ApiFailure, SharedState};
use crate::metrics::Metrics;
use crate::now_ms;
use crate::widget_store::{MAX_ORIGINS, OriginRefused, RefusedOrigin, ReplyRefused, Site};

mod visitor;
pub use visitor::{
    MessageAccepted, RepliesPage, RepliesQuery, visitor_hello, visitor_message, visitor_replies,
};

/// The header a visitor's page proves its session with.
pub const SESSION_HEADER: &str = "x-leadbox-session";
/// Longest wait of a visitor page's reply poll.
const MAX_REPLY_WAIT: Duration = Duration::from_secs(25);

static WIDGET_SCRIPT: &str = include_str!("widget.js");

pub async fn script() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        WIDGET_SCRIPT,
    )
}

/// The sites by id, for the origin check on every visitor request.
#[derive(Debug, Default)]
pub struct SiteDirectory {
    sites: std::sync::RwLock<HashMap<String, Site>>,
    /// Counts changes, so that a caller can wait for a site to arrive.
    changes: tokio::sync::watch::Sender<u64>,
}

impl SiteDirectory {
    pub fn load(sites: Vec<Site>) -> Self {
        SiteDirectory {
            sites: std::sync::RwLock::new(
                sites
                    .into_iter()
                    .map(|site| (site.site_id.clone(), site))
                    .collect(),
            ),
            changes: tokio::sync::watch::Sender::new(0),
        }
    }

    /// Resolves once `site_id` is known here (added on this instance, or
    /// reloaded after another instance added it).
    pub async fn known(&self, site_id: &str) {
        self.until(site_id, |_| true).await;
    }

    /// Resolves once `site_id` is known here and `check` holds for it (an
    /// address added on another instance, say).
    pub async fn until(&self, site_id: &str, check: impl Fn(&Site) -> bool) {
        let mut changes = self.changes.subscribe();
        while !self.get(site_id).is_some_and(|site| check(&site)) {
            if changes.changed().await.is_err() {
                return;
            }
        }
    }

    /// Replaces every site (another instance added one).
    pub fn replace_all(&self, sites: Vec<Site>) {
        *self.sites.write().unwrap_or_else(|p| p.into_inner()) = sites
            .into_iter()
            .map(|site| (site.site_id.clone(), site))
            .collect();
        self.changes.send_modify(|n| *n += 1);
    }

    pub fn insert(&self, site: Site) {
        self.sites
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(site.site_id.clone(), site);
        self.changes.send_modify(|n| *n += 1);
    }

    pub fn get(&self, site_id: &str) -> Option<Site> {
        self.sites
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(site_id)
            .cloned()
    }

    pub fn of_business(&self, business_id: &str) -> Vec<Site> {
        let mut sites: Vec<Site> = self
            .sites
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .filter(|site| site.business_id == business_id)
            .cloned()
            .collect();
        sites.sort_by(|a, b| a.name.cmp(&b.name));
        sites
    }
}

/// `https://Example.com:443/` → `https://example.com`; anything that is not
/// an http(s) origin is refused with the reason.
pub fn normalize_origin(text: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(text.trim())
        .map_err(|_| format!("`{text}` is not a web address like https://example.com"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("`{text}` is not an http:// or https:// address"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "`{text}` has a path; give only the site's address, like https://example.com"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// The site named in the path, when the request's `Origin` (if any) may use
/// it. A refused origin is counted for the owner (only a well-formed web
/// origin: `null` and forged junk are refused without a trace).
async fn site_for(
    state: &SharedState,
    site_id: &str,
    headers: &HeaderMap,
) -> Result<Site, ApiFailure> {
    let site = state.sites.get(site_id).ok_or_else(|| {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            "unknown_site",
            "this chat is not set up on the relay",
        )
    })?;
    if let Some(origin) = headers.get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .is_ok_and(|origin| site.origins.iter().any(|o| o == origin));
        if !allowed {
            Metrics::add(&state.metrics.widget_rejected_origin, 1);
            let origin = origin.to_str().unwrap_or_default();
            if origin.len() <= 200 && normalize_origin(origin).as_deref() == Ok(origin) {
                state
                    .store
                    .record_refused_origin(&site.site_id, origin, now_ms() / 1000)
                    .await?;
            }
            return Err(ApiFailure::new(
                StatusCode::FORBIDDEN,
                "origin_not_allowed",
                "this chat is not available on this page",
            ));
        }
    }
    Ok(site)
}

/// What a visitor's page posts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitorMessage {
    #[serde(default)]
    pub session: Option<String>,
    /// Chosen by the page so a retried post is stored once.
    #[serde(default)]
    pub client_message_id: Option<String>,
    pub text: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// Why a visitor's post was refused, in words for the visitor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VisitorMessageError {
    #[error("the message could not be read: {0}")]
    Unreadable(String),
    #[error("the message is empty")]
    Empty,
    #[error("the message is too long: at most {WIDGET_TEXT_LIMIT} characters")]
    TooLong,
    #[error("{0} is too long")]
    FieldTooLong(&'static str),
    #[error("the email address does not look right")]
    BadEmail,
    #[error("the phone number does not look right")]
    BadPhone,
    #[error("the message id must be 8 to 64 letters, digits, - or _")]
    BadClientId,
}

/// Unicode's bidirectional embeddings, overrides and isolates: in a chat
/// message they only serve to disguise text.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Keeps line breaks and tabs, drops every other control character.
fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|c| *c == '\n' || *c == '\t' || !(c.is_control() || is_bidi_control(*c)))
        .collect::<String>()
        .trim()
        .to_owned()
}

fn optional_field(
    value: Option<String>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, VisitorMessageError> {
    let Some(value) = value.map(|v| clean_text(&v)).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(VisitorMessageError::FieldTooLong(field));
    }
    Ok(Some(value))
}

/// Parses and checks a visitor's post: text present and not too long, the
/// optional name and email sensible, control characters removed.
pub fn parse_visitor_message(body: &[u8]) -> Result<VisitorMessage, VisitorMessageError> {
    let raw: VisitorMessage =
        serde_json::from_slice(body).map_err(|e| VisitorMessageError::Unreadable(e.to_string()))?;
    let text = clean_text(&raw.text);
    if text.is_empty() {
        return Err(VisitorMessageError::Empty);
    }
    if text.chars().count() > WIDGET_TEXT_LIMIT {
        return Err(VisitorMessageError::TooLong);
    }
    let name = optional_field(raw.name, "the name", 80)?;
    let email = optional_field(raw.email, "the email address", 254)?;
    if email
        .as_deref()
        .is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace))
    {
        return Err(VisitorMessageError::BadEmail);
    }
    let phone = optional_field(raw.phone, "the phone number", 32)?;
    if phone.as_deref().is_some_and(|p| !looks_like_phone(p)) {
        return Err(VisitorMessageError::BadPhone);
    }
    let session = raw.session.filter(|s| !s.is_empty() && s.len() <= 64);
    let client_message_id = match raw.client_message_id {
        Some(id)
            if !(8..=64).contains(&id.len())
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            return Err(VisitorMessageError::BadClientId);
        }
        other => other,
    };
    Ok(VisitorMessage {
        session,
        client_message_id,
        text,
        name,
        email,
        phone,
    })
}

/// Digits with the separators people type (`+34 612-345 678`, `(555) 010 0199`):
/// the desktop reads the number itself; this only keeps other text out.
fn looks_like_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (6..=17).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'))
        && phone
            .find('+')
            .is_none_or(|at| at == 0 && phone.matches('+').count() == 1)
}

/// `POST /v1/widget/sites`: a desktop adds a website chat for its business.
pub async fn create_site(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Json(request): Json<WidgetSiteRequest>,
) -> Result<(StatusCode, Json<WidgetSite>), ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let bad = |message: String| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_site", message);
    let name = request.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(bad("give the site a name of 1 to 80 characters".into()));
    }
    if request.origins.is_empty() || request.origins.len() > MAX_ORIGINS {
        return Err(bad(format!(
            "give 1 to {MAX_ORIGINS} site addresses the chat may be used on"
        )));
    }
    let mut origins = request
        .origins
        .iter()
        .map(|origin| normalize_origin(origin))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    origins.dedup();
    let site = state
        .store
        .create_site(&device.business_id, &name, &origins, now_ms() / 1000)
        .await?;
    state.sites.insert(site.clone());
    tracing::info!(site = %site.site_id, "website chat added");
    Ok((StatusCode::CREATED, Json(public_site(site, &[]))))
}

fn public_site(site: Site, refused: &[RefusedOrigin]) -> WidgetSite {
    let refused_origins = refused
        .iter()
        .filter(|r| r.site_id == site.site_id)
        .map(|r| WidgetRefusedOrigin {
            origin: r.origin.clone(),
            refusals: r.refusals,
            last_refused_at: r.last_refused_at,
        })
        .collect();
    WidgetSite {
        site_id: site.site_id,
        name: site.name,
        origins: site.origins,
        refused_origins,
    }
}

/// `GET /v1/widget/sites`: the caller's business's website chats.
pub async fn list_sites(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Json<Vec<WidgetSite>>, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let refused = state.store.refused_origins(&device.business_id).await?;
    Ok(Json(
        state
            .sites
            .of_business(&device.business_id)
            .into_iter()
            .map(|site| public_site(site, &refused))
            .collect(),
    ))
}

/// `POST /v1/widget/sites/{site_id}/origins`: the chat may be used on one
/// more address (the owner's one click on a refused one).
pub async fn add_origin(
    State(state): State<SharedState>,
    Path(site_id): Path<String>,
    headers: HeaderMap,
    Json(request): Json<WidgetOriginRequest>,
) -> Result<Json<WidgetSite>, ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let origin = normalize_origin(&request.origin)
        .map_err(|message| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_site", message))?;
    match state
        .store
        .add_site_origin(&device.business_id, &site_id, &origin)
        .await?
    {
        Ok(site) => {
            state.sites.insert(site.clone());
            tracing::info!(site = %site.site_id, "website chat address added");
            let refused = state.store.refused_origins(&device.business_id).await?;
            Ok(Json(public_site(site, &refused)))
        }
        Err(OriginRefused::UnknownSite) => Err(ApiFailure::new(
            StatusCode::NOT_FOUND,
            "unknown_site",
            "this website chat is not one of your business's",
        )),
        Err(OriginRefused::TooMany) => Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "bad_site",
            format!("a website chat can be used on at most {MAX_ORIGINS} addresses"),
        )),
    }
}

/// `POST /v1/widget/replies`: an approved reply for a visitor.
pub async fn reply(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Json(request): Json<WidgetReplyRequest>,
) -> Result<(StatusCode, Json<WidgetReplyAccepted>), ApiFailure> {
    let device = authenticate(&state, &headers).await?;
    let text = request.text.trim().to_owned();
    if text.is_empty() || text.chars().count() > WIDGET_TEXT_LIMIT {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "bad_reply",
            format!("a reply must have 1 to {WIDGET_TEXT_LIMIT} characters"),
        ));
    }
    if request.reply_id.is_empty() || request.reply_id.len() > 100 {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "bad_reply",
            "the reply id must have 1 to 100 characters",
        ));
    }
    let reply_id = request.reply_id.clone();
    let queued = state
        .store
        .queue_reply(
            &device.business_id,
            &request.site_id,
            &request.session_id,
            &request.reply_id,
            &text,
            now_ms() / 1000,
        )
        .await?;
    match queued {
        Ok(seq) => {
            Metrics::add(&state.metrics.widget_replies, 1);
            state.newest_reply.send_replace(seq);
            Ok((StatusCode::CREATED, Json(WidgetReplyAccepted { reply_id })))
        }
        // The same answer as for a site that does not exist: another
        // business learns nothing about this one's sites.
        Err(ReplyRefused::UnknownSite) => Err(ApiFailure::new(
            StatusCode::NOT_FOUND,
            "unknown_site",
            "this website chat is not one of your business's",
        )),
        Err(ReplyRefused::SessionGone) => Err(ApiFailure::new(
            StatusCode::GONE,
            "visitor_gone",
            "this visitor's chat has ended (7 days without activity): they can no longer receive replies",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn origins_are_normalized_and_paths_refused() {
        assert_eq!(
            normalize_origin("https://Salon.Example:443/").unwrap(),
            "https://salon.example"
        );
        assert_eq!(
            normalize_origin("http://localhost:5173").unwrap(),
            "http://localhost:5173"
        );
        assert!(normalize_origin("https://salon.example/contact").is_err());
        assert!(normalize_origin("javascript:alert(1)").is_err());
        assert!(normalize_origin("salon.example").is_err());
    }

    #[test]
    fn a_visitor_message_is_cleaned_and_checked() {
        let parsed = parse_visitor_message(
            br#"{"text":"  Hi\u202e there\u0007\n ","name":" Ana ","email":"ana@example.com","client_message_id":"abcdefgh12"}"#,
        )
        .unwrap();
        assert_eq!(parsed.text, "Hi there");
        assert_eq!(parsed.name.as_deref(), Some("Ana"));
        assert_eq!(
            parse_visitor_message(br#"{"text":"   "}"#),
            Err(VisitorMessageError::Empty)
        );
        assert_eq!(
            parse_visitor_message(br#"{"text":"hi","email":"not an email"}"#),
            Err(VisitorMessageError::BadEmail)
        );
        assert_eq!(
            parse_visitor_message(br#"{"text":"hi","phone":"+34 612-345 678"}"#)
                .unwrap()
                .phone
                .as_deref(),
            Some("+34 612-345 678")
        );
        for bad in ["call me", "12", "+34 612 345 678 +1", "612<b>345</b>"] {
            let body = serde_json::json!({"text": "hi", "phone": bad}).to_string();
            assert_eq!(
                parse_visitor_message(body.as_bytes()),
                Err(VisitorMessageError::BadPhone),
                "{bad}"
            );
        }
        assert_eq!(
            parse_visitor_message(br#"{"text":"hi","client_message_id":"x"}"#),
            Err(VisitorMessageError::BadClientId)
        );
        let long = format!(r#"{{"text":"{}"}}"#, "a".repeat(WIDGET_TEXT_LIMIT + 1));
        assert_eq!(
            parse_visitor_message(long.as_bytes()),
            Err(VisitorMessageError::TooLong)
        );
        assert!(matches!(
            parse_visitor_message(br#"{"text":"hi","admin":true}"#),
            Err(VisitorMessageError::Unreadable(_))
        ));
    }

    proptest! {
        #[test]
        fn any_body_is_parsed_or_refused_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_visitor_message(&body);
        }

        #[test]
        fn an_accepted_message_is_never_empty_too_long_or_disguised(
            text in "(\\PC|[\\x00-\\x1f\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}]){0,2100}",
            name in proptest::option::of("\\PC{0,100}"),
        ) {
            let body = serde_json::json!({ "text": text, "name": name }).to_string();
            if let Ok(message) = parse_visitor_message(body.as_bytes()) {
                prop_assert!(!message.text.is_empty());
                prop_assert!(message.text.chars().count() <= WIDGET_TEXT_LIMIT);
                prop_assert!(!message.text.chars().any(is_bidi_control));
                prop_assert!(!message.text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
                prop_assert!(message.name.is_none_or(|n| !n.is_empty() && n.chars().count() <= 80));
            }
        }
    }
}

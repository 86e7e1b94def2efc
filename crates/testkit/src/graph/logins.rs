//! What a page or Instagram Login token is checked and kept with: a page's
//! webhook subscription, Instagram's `/me` and its token refresh.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde_json::json;

use super::*;

/// `GET /{page}/subscribed_apps` lists the app only while the page is subscribed.
pub(super) async fn subscribed_apps(
    State(api): State<Api>,
    Path(page): Path<String>,
    Query(query): Params,
    headers: HeaderMap,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    if !matches!(grant(&token), Some(Grant::Page { .. })) {
        return expired_token();
    }
    let data = if api.log.lock().await.subscribed.contains(&page) {
        json!([{"category": "Business", "link": "https://leadbox.example", "name": "Leadbox", "id": "424242",
                "subscribed_fields": ["messages", "message_echoes", "leadgen"]}])
    } else {
        json!([])
    };
    ok(json!({"data": data}))
}

pub(super) async fn subscribe_app(
    State(api): State<Api>,
    Path(page): Path<String>,
    Query(query): Params,
    headers: HeaderMap,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    if !matches!(grant(&token), Some(Grant::Page { .. })) {
        return expired_token();
    }
    let mut log = api.log.lock().await;
    let fields = query.get("subscribed_fields").cloned().unwrap_or_default();
    log.subscriptions.push((page.clone(), fields));
    log.subscribed.insert(page);
    ok(json!({"success": true}))
}

/// graph.instagram.com's `/me` for an Instagram Login token.
pub(super) async fn instagram_me(
    State(api): State<Api>,
    Query(query): Params,
    headers: HeaderMap,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    match grant(&token) {
        Some(Grant::Instagram { account }) => {
            ok(json!({"user_id": account, "id": "APP-SCOPED-1", "username": "anas_salon"}))
        }
        _ => invalid_token(),
    }
}

/// Instagram's `refresh_access_token`: a fresh 60-day token for a live one.
pub(super) async fn refresh_token(
    State(api): State<Api>,
    Query(query): Params,
    headers: HeaderMap,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    match grant(&token) {
        Some(Grant::Instagram { account }) => ok(json!({
            "access_token": format!("ig:{account}:refreshed"), "token_type": "bearer", "expires_in": 5_183_944})),
        _ => expired_token(),
    }
}

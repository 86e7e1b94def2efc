//! Meta's Graph API as far as proof of control needs it, with Meta's error
//! shapes. A token names what it controls, so tests read plainly:
//! - `page:P` is a page token of page P; `page:P:ig:I` also has P's linked
//!   Instagram professional account I;
//! - `ig:I` is an Instagram Login token of account I (on graph.instagram.com);
//! - `wa:N` is a WhatsApp token that can read number N, and `wa:N@W` also
//!   lists N among WhatsApp Business Account W's numbers.
//!
//! Facebook calls must carry the right `appsecret_proof`, as Meta requires
//! when "Require App Secret" is on.

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::get;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

type Answer = (StatusCode, Json<Value>);

fn error(code: i64, message: &str) -> Answer {
    (
        StatusCode::BAD_REQUEST,
        Json(
            json!({"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC1"}}),
        ),
    )
}

fn invalid_token() -> Answer {
    error(
        190,
        "Invalid OAuth access token - Cannot parse access token",
    )
}

fn missing_object(id: &str) -> Answer {
    error(
        100,
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

/// The token and whether its `appsecret_proof` is right.
fn token(query: &HashMap<String, String>) -> Result<String, Answer> {
    let token = query
        .get("access_token")
        .cloned()
        .ok_or_else(invalid_token)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(super::SECRET.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    if query.get("appsecret_proof") != Some(&hex::encode(mac.finalize().into_bytes())) {
        return Err(error(
            100,
            "Invalid appsecret_proof provided in the API argument",
        ));
    }
    Ok(token)
}

async fn me(Query(query): Query<HashMap<String, String>>) -> Answer {
    let token = match token(&query) {
        Ok(token) => token,
        Err(answer) => return answer,
    };
    let parts: Vec<&str> = token.split(':').collect();
    match parts.as_slice() {
        ["page", page] => (StatusCode::OK, Json(json!({"id": page}))),
        ["page", page, "ig", instagram] => (
            StatusCode::OK,
            Json(json!({"id": page, "instagram_business_account": {"id": instagram}})),
        ),
        // A WhatsApp system-user token's /me is the system user.
        ["wa", _] => (StatusCode::OK, Json(json!({"id": "SYSTEM-USER-1"}))),
        _ => invalid_token(),
    }
}

fn whatsapp_grant(token: &str) -> Option<(&str, Option<&str>)> {
    let grant = token.strip_prefix("wa:")?;
    Some(match grant.split_once('@') {
        Some((number, business_account)) => (number, Some(business_account)),
        None => (grant, None),
    })
}

async fn node(Path(id): Path<String>, Query(query): Query<HashMap<String, String>>) -> Answer {
    let token = match token(&query) {
        Ok(token) => token,
        Err(answer) => return answer,
    };
    match whatsapp_grant(&token) {
        Some((number, _)) if number == id => (StatusCode::OK, Json(json!({"id": id}))),
        Some(_) => missing_object(&id),
        None if token.starts_with("page:") => missing_object(&id),
        None => invalid_token(),
    }
}

async fn phone_numbers(
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let token = match token(&query) {
        Ok(token) => token,
        Err(answer) => return answer,
    };
    match whatsapp_grant(&token) {
        Some((number, Some(business_account))) if business_account == id => (
            StatusCode::OK,
            Json(
                json!({"data": [{"id": "OTHER-NUMBER"}, {"id": number}], "paging": {"cursors": {"before": "a", "after": "b"}}}),
            ),
        ),
        Some(_) => missing_object(&id),
        None => invalid_token(),
    }
}

/// graph.instagram.com's `/me` for an Instagram Login token.
async fn instagram_me(Query(query): Query<HashMap<String, String>>) -> Answer {
    match query
        .get("access_token")
        .and_then(|t| t.strip_prefix("ig:"))
    {
        Some(account) => (
            StatusCode::OK,
            Json(json!({"user_id": account, "id": "APP-SCOPED-1", "username": "anas_salon"})),
        ),
        None => invalid_token(),
    }
}

/// Serves it on a loopback port: (Graph base with version, Instagram Graph base).
pub async fn start() -> (String, String) {
    let app = Router::new()
        .route("/v21.0/me", get(me))
        .route("/v21.0/{id}", get(node))
        .route("/v21.0/{id}/phone_numbers", get(phone_numbers))
        .route("/instagram/v21.0/me", get(instagram_me));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("{url}/v21.0"), format!("{url}/instagram"))
}

/// The token that proves control of an account in this fake.
pub fn proof_token(platform: &str, account: &str, business_account: Option<&str>) -> String {
    match (platform, business_account) {
        ("messenger", _) => format!("page:{account}"),
        ("instagram", _) => format!("page:PAGE-OF-{account}:ig:{account}"),
        ("whatsapp", Some(business_account)) => format!("wa:{account}@{business_account}"),
        ("whatsapp", None) => format!("wa:{account}"),
        _ => String::new(),
    }
}

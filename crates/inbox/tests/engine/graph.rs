//! A local Graph API that answers like Meta's, errors included: sends,
//! tokens, profiles, lead forms, subscriptions, WhatsApp numbers.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// The app secret shared by the relay and this Graph API (`appsecret_proof`).
pub const SECRET: &str = leadbox_testkit::relay::APP_SECRET;

#[derive(Default)]
pub struct Graph {
    pub sends: Vec<(String, String, Value)>,
    pub expired: bool,
    pub lead_fetches: usize,
    /// Pages whose webhooks reach the app, and the fields of each re-subscription.
    pub subscribed: std::collections::HashSet<String>,
    pub subscriptions: Vec<(String, String)>,
}

pub type Shared = Arc<Mutex<Graph>>;

fn graph_error(code: i64, subcode: i64, message: &str) -> (StatusCode, Json<Value>) {
    (
        StatusCode::BAD_REQUEST,
        Json(
            json!({"error": {"message": message, "type": "OAuthException", "code": code, "error_subcode": subcode, "fbtrace_id": "A1"}}),
        ),
    )
}

/// A page token's `/me`: from the desktop in the header, from the relay
/// (proof of control) in the query with its `appsecret_proof`.
async fn me(
    State(graph): State<Shared>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> (StatusCode, Json<Value>) {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or(query.get("access_token").map(String::as_str));
    if graph.lock().await.expired || token != Some("page-token") {
        return graph_error(
            190,
            463,
            "Error validating access token: Session has expired",
        );
    }
    (
        StatusCode::OK,
        Json(json!({"id": "PAGE1", "name": "Ana's Salon"})),
    )
}

async fn node(
    State(graph): State<Shared>,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> (StatusCode, Json<Value>) {
    // The Messenger User Profile API, with the page's token; Meta refuses a
    // profile until the person has written (consent).
    if query.get("fields").map(String::as_str) == Some("first_name,last_name,name") {
        if headers["authorization"] != "Bearer page-token" {
            return graph_error(190, 463, "Session has expired");
        }
        if id == "PSID-SILENT" {
            return graph_error(
                2018218,
                0,
                "User consent is required to access user profile",
            );
        }
        return (
            StatusCode::OK,
            Json(json!({"first_name": "Marta", "last_name": "Puig", "id": id})),
        );
    }
    if id.starts_with("LEAD") {
        let mut graph = graph.lock().await;
        graph.lead_fetches += 1;
        if graph.lead_fetches == 1 {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(
                    json!({"error": {"message": "An unknown error occurred", "code": 1, "is_transient": true}}),
                ),
            );
        }
        if headers["authorization"] != "Bearer page-token" {
            return graph_error(190, 463, "Session has expired");
        }
        return (
            StatusCode::OK,
            Json(
                json!({"id": id, "created_time": "2026-11-23T10:00:00+0000", "field_data": [
                    {"name": "full_name", "values": ["Ana García"]},
                    {"name": "email", "values": ["ana@example.com"]},
                    {"name": "phone_number", "values": ["+34600111222"]},
                    {"name": "preferred_day", "values": ["Saturday"]}
                ]}),
            ),
        );
    }
    if headers["authorization"] == "Bearer page-token" {
        // An Instagram account linked to the page, read with the page's token.
        return (
            StatusCode::OK,
            Json(json!({"id": id, "username": "anas_salon"})),
        );
    }
    if headers["authorization"] != "Bearer wa-token" {
        return graph_error(190, 0, "Invalid OAuth access token");
    }
    (
        StatusCode::OK,
        Json(json!({"id": id, "display_phone_number": "15550001", "verified_name": "Ana's Salon"})),
    )
}

/// `debug_token` for the WhatsApp system-user token: the WhatsApp Business
/// Accounts it was granted (Meta lists them per scope).
async fn debug_token(headers: HeaderMap) -> (StatusCode, Json<Value>) {
    if headers["authorization"] != "Bearer wa-token" {
        return graph_error(190, 0, "Invalid OAuth access token");
    }
    (
        StatusCode::OK,
        Json(
            json!({"data": {"app_id": "111", "type": "SYSTEM_USER", "is_valid": true, "granular_scopes": [
                {"scope": "whatsapp_business_management", "target_ids": ["WABA-OTHER", "WABA"]},
                {"scope": "whatsapp_business_messaging", "target_ids": ["WABA"]},
                {"scope": "business_management"}
            ]}}),
        ),
    )
}

async fn phone_numbers(Path(id): Path<String>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    if headers["authorization"] != "Bearer wa-token" {
        return graph_error(190, 0, "Invalid OAuth access token");
    }
    let number = if id == "WABA" { "P1" } else { "P9" };
    (
        StatusCode::OK,
        Json(json!({"data": [{"id": number, "display_phone_number": "15550001"}]})),
    )
}

async fn messages(
    State(graph): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut graph = graph.lock().await;
    let auth = headers["authorization"].to_str().unwrap().to_owned();
    if graph.expired {
        return graph_error(
            190,
            463,
            "Error validating access token: Session has expired",
        );
    }
    graph.sends.push((id.clone(), auth, body.clone()));
    let n = graph.sends.len();
    if body["messaging_product"] == "whatsapp" {
        return (
            StatusCode::OK,
            Json(
                json!({"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}], "messages": [{"id": format!("wamid.SENT{n}")}]}),
            ),
        );
    }
    (
        StatusCode::OK,
        Json(json!({"recipient_id": body["recipient"]["id"], "message_id": format!("m_SENT{n}")})),
    )
}

/// `GET /{page}/subscribed_apps` lists the app only while the page is subscribed.
async fn subscribed_apps(
    State(graph): State<Shared>,
    Path(page): Path<String>,
    headers: HeaderMap,
) -> (StatusCode, Json<Value>) {
    if graph.lock().await.expired || headers["authorization"] != "Bearer page-token" {
        return graph_error(190, 463, "Session has expired");
    }
    let data = if graph.lock().await.subscribed.contains(&page) {
        json!([{"category": "Business", "link": "https://leadbox.example", "name": "Leadbox", "id": "424242",
                "subscribed_fields": ["messages", "message_echoes", "leadgen"]}])
    } else {
        json!([])
    };
    (StatusCode::OK, Json(json!({"data": data})))
}

async fn subscribe_app(
    State(graph): State<Shared>,
    Path(page): Path<String>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> (StatusCode, Json<Value>) {
    if headers["authorization"] != "Bearer page-token" {
        return graph_error(190, 463, "Session has expired");
    }
    let mut graph = graph.lock().await;
    graph.subscriptions.push((
        page.clone(),
        query.get("subscribed_fields").cloned().unwrap_or_default(),
    ));
    graph.subscribed.insert(page);
    (StatusCode::OK, Json(json!({"success": true})))
}

/// Instagram's `refresh_access_token`: a fresh 60-day token for a live one.
async fn refresh_token(
    State(graph): State<Shared>,
    headers: HeaderMap,
) -> (StatusCode, Json<Value>) {
    if graph.lock().await.expired || headers["authorization"] != "Bearer IG-LONG-TOKEN" {
        return graph_error(190, 463, "Session has expired");
    }
    (
        StatusCode::OK,
        Json(
            json!({"access_token": "IG-REFRESHED-TOKEN", "token_type": "bearer", "expires_in": 5_183_944}),
        ),
    )
}

pub async fn start_graph() -> (String, Shared) {
    let state = Shared::default();
    let app = axum::Router::new()
        .route("/v21.0/me", get(me))
        .route("/v21.0/debug_token", get(debug_token))
        .route("/v21.0/{id}/phone_numbers", get(phone_numbers))
        .route("/v21.0/{id}", get(node))
        .route("/v21.0/{id}/messages", post(messages))
        .route("/refresh_access_token", get(refresh_token))
        .route(
            "/v21.0/{id}/subscribed_apps",
            get(subscribed_apps).post(subscribe_app),
        )
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, state)
}

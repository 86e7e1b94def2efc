//! Approved replies, end to end in one process: the real relay on loopback, the
//! engine with an in-memory keychain, and a local Graph API that answers like
//! Meta's, errors included.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use hmac::{Hmac, Mac};
use leadbox_channels::events::Direction;
use leadbox_channels::graph::GraphClient;
use leadbox_inbox::{Connection, Engine, InboxError, Platform};
use leadbox_vault::{AccountStatus, InMemorySecretStore};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::Mutex;

const SECRET: &str = "graph-test-secret";

#[derive(Default)]
struct Graph {
    sends: Vec<(String, String, Value)>,
    expired: bool,
    lead_fetches: usize,
    /// Pages whose webhooks reach the app, and the fields of each re-subscription.
    subscribed: std::collections::HashSet<String>,
    subscriptions: Vec<(String, String)>,
}

type Shared = Arc<Mutex<Graph>>;

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

async fn start_graph() -> (String, Shared) {
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

struct World {
    engine: Engine,
    relay_url: String,
    relay: leadbox_relay::SharedState,
    graph: Shared,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl World {
    /// A relay that routes free accounts without proof, this computer paired
    /// to it with `account` claimed.
    async fn new(platform: Platform, account: &str) -> World {
        let world = World::with_claims(leadbox_relay::config::RouteClaims::FirstClaim).await;
        world.engine.claim(platform, account).await.unwrap();
        world
    }

    /// A relay asking for `claims`, this computer paired to it, nothing claimed.
    async fn with_claims(claims: leadbox_relay::config::RouteClaims) -> World {
        let (graph_url, graph) = start_graph().await;
        let relay_dir = tempfile::tempdir().unwrap();
        let config = leadbox_relay::RelayConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: relay_dir.path().to_owned(),
            meta_app_secret: SECRET.into(),
            meta_verify_token: "v".into(),
            max_body_bytes: 1 << 20,
            envelope_ttl_days: 14,
            max_queue_per_device: 1_000,
            tls: None,
            limits: leadbox_relay::config::RateLimits::default(),
            public_url: None,
            meta_app_id: None,
            graph_url: format!("{graph_url}/v21.0"),
            instagram_graph_url: graph_url.clone(),
            route_claims: claims,
            database_url: None,
            signup: leadbox_relay::config::SignUp::Closed,
            login_dialog_url: leadbox_relay::config::DEFAULT_LOGIN_DIALOG_URL.into(),
            instagram: None,
            metrics_token: None,
        };
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        let relay_url = format!("http://{}", listener.local_addr().unwrap());
        let relay = leadbox_relay::prepare(config).await.unwrap();
        let invite = relay
            .store
            .create_invite("Ana's Salon", leadbox_relay::store::unix_now())
            .await
            .unwrap();
        tokio::spawn(leadbox_relay::serve(
            listener,
            relay.clone(),
            std::future::pending(),
        ));

        let desk_dir = tempfile::tempdir().unwrap();
        let (engine, _) =
            Engine::open_or_create(desk_dir.path(), Arc::new(InMemorySecretStore::default()))
                .unwrap();
        engine.pair(&relay_url, &invite, "test").await.unwrap();
        engine.use_graph(GraphClient::new(&graph_url, &graph_url, "v21.0"));
        World {
            engine,
            relay_url,
            relay,
            graph,
            _dirs: (relay_dir, desk_dir),
        }
    }

    async fn webhook(&self, body: Value) {
        self.post_only(body).await;
        self.engine.sync_once(Duration::ZERO).await.unwrap();
        self.engine.draft_pending().await.unwrap();
    }

    /// Connects the account with the page token the local Graph API accepts.
    async fn connect_page(&self, platform: Platform, account: &str) {
        self.engine
            .add_account(platform, account, Connection::Page, "page-token", false)
            .await
            .unwrap();
    }

    /// Posts a signed webhook without syncing.
    async fn post_only(&self, body: Value) {
        let bytes = body.to_string().into_bytes();
        let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(&bytes);
        let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        let status = reqwest::Client::new()
            .post(format!("{}/webhooks/meta", self.relay_url))
            .header("X-Hub-Signature-256", signature)
            .body(bytes)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
    }

    fn pending_draft(&self) -> i64 {
        self.engine
            .vault_for_tests()
            .drafts(&[leadbox_vault::DraftStatus::Pending])
            .unwrap()[0]
            .id
    }

    async fn sends(&self) -> Vec<(String, String, Value)> {
        self.graph.lock().await.sends.clone()
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn messenger_dm(mid: &str, text: &str, age_ms: i64, echo: bool) -> Value {
    let (sender, recipient) = if echo {
        ("PAGE1", "PSID7")
    } else {
        ("PSID7", "PAGE1")
    };
    json!({"object": "page", "entry": [{"id": "PAGE1", "time": now_ms(), "messaging": [{
        "sender": {"id": sender}, "recipient": {"id": recipient}, "timestamp": now_ms() - age_ms,
        "message": {"mid": mid, "text": text, "is_echo": echo}
    }]}]})
}

#[tokio::test]
async fn an_approved_messenger_reply_reaches_meta_exactly_once_and_its_echo_is_not_a_duplicate() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm(
            "m_in_1",
            "How much is a haircut?",
            60_000,
            false,
        ))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;

    // What was learned about the lead is stored with it (the first contact of a fresh vault).
    let lead = world.engine.vault_for_tests().lead(1).unwrap().unwrap();
    assert_eq!(
        (lead["intent"].as_str(), lead["urgency"].as_str()),
        (Some("price"), Some("normal"))
    );
    let draft = world.pending_draft();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, Some("A haircut is €25."))
        .unwrap();
    let message_id = world.engine.send_approved(approved, false).await.unwrap();
    assert_eq!(message_id, "m_SENT1");

    let sends = world.sends().await;
    assert_eq!(sends.len(), 1);
    let (page, auth, body) = &sends[0];
    assert_eq!(
        (page.as_str(), auth.as_str()),
        ("me", "Bearer page-token"),
        "a page token sends as its page"
    );
    assert_eq!(
        body,
        &json!({"recipient": {"id": "PSID7"}, "messaging_type": "RESPONSE", "message": {"text": "A haircut is €25."}})
    );
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .draft(draft)
            .unwrap()
            .unwrap()
            .status,
        leadbox_vault::DraftStatus::Sent
    );

    // Meta echoes the page's own send; it must not show twice.
    world
        .webhook(messenger_dm("m_SENT1", "A haircut is €25.", 0, true))
        .await;
    let conversation = world
        .engine
        .vault_for_tests()
        .conversations()
        .unwrap()
        .remove(0);
    let texts: Vec<_> = world
        .engine
        .vault_for_tests()
        .messages(conversation.id)
        .unwrap()
        .into_iter()
        .map(|m| (m.direction, m.text))
        .collect();
    assert_eq!(
        texts,
        vec![
            (Direction::Inbound, Some("How much is a haircut?".into())),
            (Direction::Outbound, Some("A haircut is €25.".into()))
        ]
    );
    // A sent draft cannot be approved (and so sent) again.
    assert!(
        world
            .engine
            .vault_for_tests()
            .approve_draft(draft, None)
            .is_err()
    );
}

#[tokio::test]
async fn an_expired_token_fails_the_send_asks_for_reconnect_and_keeps_the_draft() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "Hi, can I book?", 60_000, false))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    world.graph.lock().await.expired = true;

    let draft = world.pending_draft();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, None)
        .unwrap();
    let error = world
        .engine
        .send_approved(approved, false)
        .await
        .unwrap_err();
    assert!(matches!(error, InboxError::NotSent(_)));
    assert!(
        error.to_string().contains("reconnect the account"),
        "{error}"
    );

    let row = world
        .engine
        .vault_for_tests()
        .draft(draft)
        .unwrap()
        .unwrap();
    assert_eq!(row.status, leadbox_vault::DraftStatus::SendFailed);
    assert!(row.text.is_some(), "the draft is kept");
    assert_eq!(
        world.engine.vault_for_tests().accounts().unwrap()[0].status,
        AccountStatus::NeedsReconnect
    );
    let conversation = world
        .engine
        .vault_for_tests()
        .conversations()
        .unwrap()
        .remove(0);
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .messages(conversation.id)
            .unwrap()
            .len(),
        1,
        "nothing shown as sent"
    );

    // Trying again does not even reach Meta until the account is reconnected.
    let again = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, None)
        .unwrap();
    assert!(world.engine.send_approved(again, false).await.is_err());
    assert!(world.sends().await.is_empty());
    // A bad token is refused when connecting.
    world.graph.lock().await.expired = false;
    let refused = world
        .engine
        .add_account(
            Platform::Messenger,
            "PAGE1",
            Connection::Page,
            "wrong",
            false,
        )
        .await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("the token was not accepted")
    );
}

#[tokio::test]
async fn outside_24_hours_a_reply_needs_human_agent_and_gets_the_tag_only_then() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm(
            "m_in_old",
            "Still available?",
            3 * 24 * 3_600_000,
            false,
        ))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let draft = world.pending_draft();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, None)
        .unwrap();
    let error = world
        .engine
        .send_approved(approved, false)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("24 hours"), "{error}");
    assert!(world.sends().await.is_empty());

    world
        .engine
        .add_account(
            Platform::Messenger,
            "PAGE1",
            Connection::Page,
            "page-token",
            true,
        )
        .await
        .unwrap();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, None)
        .unwrap();
    world.engine.send_approved(approved, false).await.unwrap();
    let sends = world.sends().await;
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].2["messaging_type"], "MESSAGE_TAG");
    assert_eq!(sends[0].2["tag"], "HUMAN_AGENT");
}

#[tokio::test]
async fn an_approved_whatsapp_reply_uses_the_cloud_api_shape() {
    let world = World::new(Platform::Whatsapp, "P1").await;
    world
        .webhook(json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001", "phone_number_id": "P1"},
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": "34600111222"}],
            "messages": [{"from": "34600111222", "id": "wamid.IN1", "timestamp": (now_ms() / 1000).to_string(), "type": "text", "text": {"body": "¿Abrís el sábado?"}}]
        }}]}]}))
        .await;
    world
        .engine
        .add_account(
            Platform::Whatsapp,
            "P1",
            Connection::WhatsappCloud,
            "wa-token",
            true,
        )
        .await
        .unwrap();
    assert!(
        !world.engine.vault_for_tests().accounts().unwrap()[0].human_agent,
        "no Human Agent on WhatsApp"
    );
    let draft = world.pending_draft();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, Some("¡Sí, de 10 a 14!"))
        .unwrap();
    assert_eq!(
        world.engine.send_approved(approved, false).await.unwrap(),
        "wamid.SENT1"
    );
    let (phone_id, auth, body) = world.sends().await.remove(0);
    assert_eq!(
        (phone_id.as_str(), auth.as_str()),
        ("P1", "Bearer wa-token")
    );
    assert_eq!(
        body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222", "type": "text",
               "text": {"preview_url": false, "body": "¡Sí, de 10 a 14!"}})
    );
}

#[tokio::test]
async fn an_account_that_was_never_connected_cannot_send() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "hello", 1000, false))
        .await;
    let draft = world.pending_draft();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, None)
        .unwrap();
    let error = world
        .engine
        .send_approved(approved, false)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("accounts add"), "{error}");
    assert!(world.sends().await.is_empty());
}

#[tokio::test]
async fn a_person_who_wrote_stop_is_not_sent_to_without_an_override() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "How much is a cut?", 60_000, false))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let draft = world.pending_draft();
    world
        .webhook(messenger_dm("m_in_2", "STOP", 30_000, false))
        .await;
    assert!(world.engine.vault_for_tests().conversations().unwrap()[0].opted_out);
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .draft(draft)
            .unwrap()
            .unwrap()
            .status,
        leadbox_vault::DraftStatus::Stale
    );
    assert!(
        world
            .engine
            .vault_for_tests()
            .drafts(&[
                leadbox_vault::DraftStatus::Pending,
                leadbox_vault::DraftStatus::Queued
            ])
            .unwrap()
            .is_empty(),
        "STOP gets no draft"
    );

    let new_id = world
        .engine
        .vault_for_tests()
        .regenerate_draft(draft)
        .unwrap();
    world.engine.draft_pending().await.unwrap();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(new_id, Some("Sorry to bother you, we won't write again."))
        .unwrap();
    let error = world
        .engine
        .send_approved(approved, false)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("asked not to receive messages"),
        "{error}"
    );
    assert!(world.sends().await.is_empty());

    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(new_id, None)
        .unwrap();
    world.engine.send_approved(approved, true).await.unwrap();
    assert_eq!(world.sends().await.len(), 1);
}

#[tokio::test]
async fn a_comment_gets_one_private_reply() {
    let world = World::new(Platform::Instagram, "IGB").await;
    world
        .webhook(json!({"object": "instagram", "entry": [{"id": "IGB", "time": now_ms() / 1000, "changes": [{"field": "comments", "value": {
            "from": {"id": "IGSID9", "username": "carla.g"}, "comment_id": "C123", "text": "How much?", "media": {"id": "M1"}
        }}]}]}))
        .await;
    let conversation = world
        .engine
        .vault_for_tests()
        .conversations()
        .unwrap()
        .remove(0);
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .messages(conversation.id)
            .unwrap()[0]
            .kind,
        leadbox_vault::MessageKind::Comment
    );

    let first = world.pending_draft();
    // Regenerated once: the first draft goes stale, the second is the one sent.
    let draft = world
        .engine
        .vault_for_tests()
        .regenerate_draft(first)
        .unwrap();
    world.engine.draft_pending().await.unwrap();
    world.connect_page(Platform::Instagram, "IGB").await;
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, Some("Hi Carla! Sent you the prices by DM."))
        .unwrap();
    world.engine.send_approved(approved, false).await.unwrap();
    let (path, _, body) = world.sends().await.remove(0);
    assert_eq!(path, "me");
    assert_eq!(body["recipient"], json!({"comment_id": "C123"}));

    let again = world
        .engine
        .vault_for_tests()
        .regenerate_draft(first)
        .unwrap();
    world.engine.draft_pending().await.unwrap();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(again, None)
        .unwrap();
    let error = world
        .engine
        .send_approved(approved, false)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("already replied privately"),
        "{error}"
    );
    assert_eq!(world.sends().await.len(), 1);
}

#[tokio::test]
async fn a_lead_form_is_listed_at_once_and_its_answers_fetched_with_retries() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    let leadgen = json!({"object": "page", "entry": [{"id": "PAGE1", "time": now_ms() / 1000, "changes": [{"field": "leadgen", "value": {
        "leadgen_id": "LEAD42", "form_id": "FORM1", "page_id": "PAGE1", "created_time": now_ms() / 1000, "ad_id": "AD9"
    }}]}]});
    let mut announced = Vec::new();
    for _ in 0..2 {
        world.post_only(leadgen.clone()).await;
        let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
        announced.push(report.new_lead_forms);
    }
    assert_eq!(announced, [1, 0], "a retry is not announced as a new lead");
    let forms = world.engine.vault_for_tests().lead_forms().unwrap();
    assert_eq!(forms.len(), 1, "Meta's retries give one lead");
    assert_eq!(forms[0].status, "pending");

    // Without the page's token the fetch waits, with a reason the owner can act on.
    assert_eq!(world.engine.fetch_lead_forms().await.unwrap(), 0);
    let waiting = &world.engine.vault_for_tests().lead_forms().unwrap()[0];
    assert!(
        waiting.error.as_deref().unwrap().contains("accounts add"),
        "{waiting:?}"
    );

    world.connect_page(Platform::Messenger, "PAGE1").await;
    world
        .engine
        .vault_for_tests()
        .retry_lead_form(waiting.id, "test: due now", 0, false)
        .unwrap();
    assert_eq!(
        world.engine.fetch_lead_forms().await.unwrap(),
        0,
        "the first Graph call fails (transient)"
    );
    let retrying = &world.engine.vault_for_tests().lead_forms().unwrap()[0];
    assert_eq!(retrying.status, "pending");
    assert!(retrying.attempts >= 2);
    assert!(
        world
            .engine
            .vault_for_tests()
            .due_lead_forms(now_ms())
            .unwrap()
            .is_empty(),
        "the retry is scheduled later"
    );

    world
        .engine
        .vault_for_tests()
        .retry_lead_form(retrying.id, "test: due now", 0, false)
        .unwrap();
    assert_eq!(world.engine.fetch_lead_forms().await.unwrap(), 1);
    let fetched = &world.engine.vault_for_tests().lead_forms().unwrap()[0];
    assert_eq!(fetched.status, "fetched");
    assert_eq!(
        (
            fetched.name.as_deref(),
            fetched.email.as_deref(),
            fetched.phone.as_deref()
        ),
        (
            Some("Ana García"),
            Some("ana@example.com"),
            Some("+34600111222")
        )
    );
    assert!(fetched.answers.to_string().contains("preferred_day"));
}

#[tokio::test]
async fn the_push_stream_stores_a_webhook_without_polling() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    let mut push = world.engine.open_push().await.unwrap();
    world
        .post_only(messenger_dm("m_push", "Pushed to me?", 1_000, false))
        .await;
    let report = tokio::time::timeout(Duration::from_secs(10), world.engine.next_push(&mut push))
        .await
        .expect("pushed within 10 s")
        .unwrap()
        .expect("the stream stays open");
    assert_eq!((report.envelopes, report.new_messages), (1, 1));
    let conversations = world.engine.vault_for_tests().conversations().unwrap();
    assert_eq!(
        conversations[0].last_message_text.as_deref(),
        Some("Pushed to me?")
    );
    // Acknowledged: a long-poll finds nothing left to deliver.
    let again = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(again.envelopes, 0);
}

#[tokio::test]
async fn envelopes_the_relay_dropped_are_counted_on_the_desktop_once() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .post_only(messenger_dm("m_old", "Anyone there?", 1_000, false))
        .await;
    let expired = world
        .relay
        .store
        .expire(leadbox_relay::store::unix_now() + 10)
        .await
        .unwrap();
    assert_eq!(expired.envelopes, 1);
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!((report.envelopes, report.lost), (0, 1));
    assert_eq!(world.engine.envelopes_lost_total().unwrap(), 1);
    let again = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(again.lost, 0, "the relay stops reporting once confirmed");
    assert_eq!(world.engine.envelopes_lost_total().unwrap(), 1);
}

/// Seals a payload to the World's desktop exactly as the relay does after a
/// Facebook Login, and queues it.
async fn deliver_to_desktop(world: &World, payload: &leadbox_envelope::payload::Payload) {
    let recipients = world
        .relay
        .store
        .recipients(Platform::Messenger, "PAGE1")
        .await
        .unwrap()
        .unwrap();
    let sealed: Vec<_> = recipients
        .devices
        .iter()
        .map(|(device_id, key)| {
            let envelope = leadbox_envelope::seal(
                key,
                &recipients.business_id,
                "login-envelope",
                &payload.to_bytes(),
            )
            .unwrap();
            (device_id.clone(), envelope)
        })
        .collect();
    world
        .relay
        .store
        .insert_batches(vec![sealed], 0)
        .await
        .unwrap();
}

fn signed_request(user_id: &str) -> String {
    use base64::Engine as _;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let payload = encode(
        json!({"algorithm": "HMAC-SHA256", "issued_at": now_ms() / 1000, "user_id": user_id})
            .to_string()
            .as_bytes(),
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    format!("{}.{payload}", encode(&mac.finalize().into_bytes()))
}

#[tokio::test]
async fn facebook_login_connects_pages_and_metas_deletion_request_disconnects_them() {
    use leadbox_envelope::payload::{ConnectedPage, Payload, SecretText};
    let world = World::new(Platform::Messenger, "PAGE1").await;
    let page = |id: &str, instagram: Option<&str>| ConnectedPage {
        page_id: id.into(),
        name: format!("Page {id}"),
        access_token: SecretText::new(format!("PAGE-TOKEN-{id}")),
        instagram_account_id: instagram.map(str::to_owned),
        instagram_username: instagram.map(|_| "anasbakery".to_owned()),
        subscribed: true,
    };
    deliver_to_desktop(
        &world,
        &Payload::MetaConnection {
            user_id: "10157".into(),
            user_name: "Ana".into(),
            user_token: SecretText::new("LONG-USER-TOKEN"),
            user_token_expires_at_ms: None,
            pages: vec![page("111", Some("1784")), page("222", None)],
            received_at_ms: now_ms(),
        },
    )
    .await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.accounts_connected, 3);
    let granted: Vec<(Platform, String, String)> = world
        .engine
        .vault_for_tests()
        .accounts_of_meta_user("10157")
        .unwrap()
        .into_iter()
        .map(|a| (a.platform, a.platform_account_id, a.status.to_string()))
        .collect();
    assert_eq!(
        granted,
        [
            (Platform::Messenger, "111".into(), "connected".into()),
            (Platform::Instagram, "1784".into(), "connected".into()),
            (Platform::Messenger, "222".into(), "connected".into()),
        ]
    );

    // A conversation arrives on page 111; the owner chose that Meta's deletion
    // request also erases the conversations.
    world
        .engine
        .claim(Platform::Messenger, "111")
        .await
        .unwrap();
    world
        .webhook(
            json!({"object": "page", "entry": [{"id": "111", "time": now_ms(), "messaging": [{
                "sender": {"id": "PSID9"}, "recipient": {"id": "111"}, "timestamp": now_ms(),
                "message": {"mid": "m_111", "text": "Do you deliver cakes?"}
            }]}]}),
        )
        .await;
    let before = world
        .engine
        .vault_for_tests()
        .conversations()
        .unwrap()
        .len();
    world
        .engine
        .set_meta_deletion_erases_conversations(true)
        .unwrap();

    let business = world
        .relay
        .store
        .recipients(Platform::Messenger, "PAGE1")
        .await
        .unwrap()
        .unwrap()
        .business_id;
    world
        .relay
        .store
        .link_meta_user("10157", &business, 0)
        .await
        .unwrap();
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/meta/data-deletion", world.relay_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("signed_request={}", signed_request("10157")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = answer["confirmation_code"].as_str().unwrap().to_owned();
    assert_eq!(
        world
            .relay
            .store
            .deletion_status(&code)
            .await
            .unwrap()
            .unwrap()
            .completed_at,
        None
    );

    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.deletion_requests, 1);
    {
        let vault = world.engine.vault_for_tests();
        assert!(vault.accounts_of_meta_user("10157").unwrap().is_empty());
        let statuses: Vec<String> = ["111", "222"]
            .iter()
            .map(|id| {
                vault
                    .find_account(Platform::Messenger, id)
                    .unwrap()
                    .unwrap()
                    .status
                    .to_string()
            })
            .collect();
        assert_eq!(statuses, ["disconnected", "disconnected"]);
        assert_eq!(
            vault.conversations().unwrap().len(),
            before - 1,
            "page 111's conversation is erased"
        );
    }
    assert!(world.engine.unreported_meta_deletions().unwrap().is_empty());
    assert!(
        world
            .relay
            .store
            .deletion_status(&code)
            .await
            .unwrap()
            .unwrap()
            .completed_at
            .is_some(),
        "the desktop confirmed completion to the relay"
    );
}

#[tokio::test]
async fn a_page_meta_unsubscribed_is_subscribed_again_and_the_owner_told() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    world.graph.lock().await.subscribed.insert("PAGE1".into());

    let report = world.engine.check_subscriptions().await.unwrap();
    assert_eq!(report.checked, ["messenger PAGE1"]);
    assert!(report.resubscribed.is_empty());
    assert!(
        world.graph.lock().await.subscriptions.is_empty(),
        "nothing to fix"
    );

    // Meta dropped the subscription (e.g. after the relay was down for hours).
    world.graph.lock().await.subscribed.clear();
    let report = world.engine.check_subscriptions().await.unwrap();
    assert_eq!(report.resubscribed, ["messenger PAGE1"]);
    assert_eq!(
        world.graph.lock().await.subscriptions,
        [(
            "PAGE1".to_owned(),
            leadbox_channels::PAGE_WEBHOOK_FIELDS.to_owned()
        )]
    );
    let account = world
        .engine
        .vault_for_tests()
        .find_account(Platform::Messenger, "PAGE1")
        .unwrap()
        .unwrap();
    assert!(
        account
            .notice
            .unwrap()
            .message
            .contains("subscribed it again")
    );

    // An expired token: the account asks to be reconnected, with the reason.
    world.graph.lock().await.expired = true;
    let report = world.engine.check_subscriptions().await.unwrap();
    assert_eq!(report.failed.len(), 1);
    let account = world
        .engine
        .vault_for_tests()
        .find_account(Platform::Messenger, "PAGE1")
        .unwrap()
        .unwrap();
    assert_eq!(account.status, AccountStatus::NeedsReconnect);
    assert!(account.notice.unwrap().message.contains("reconnect"));
}

#[tokio::test]
async fn an_instagram_login_connection_stores_the_token_and_replies_go_out_with_it() {
    use leadbox_envelope::payload::{Payload, SecretText};
    let world = World::new(Platform::Messenger, "PAGE1").await;
    deliver_to_desktop(
        &world,
        &Payload::InstagramConnection {
            user_id: "ig-app-scoped-77".into(),
            account_id: "17841499".into(),
            username: "anasalon".into(),
            access_token: SecretText::new("IG-LONG-TOKEN"),
            expires_at_ms: None,
            subscribed: true,
            received_at_ms: now_ms(),
        },
    )
    .await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.accounts_connected, 1);
    let account = world
        .engine
        .vault_for_tests()
        .find_account(Platform::Instagram, "17841499")
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            account.connection,
            account.status.as_str(),
            account.name.as_deref()
        ),
        (
            Some(Connection::InstagramLogin),
            "connected",
            Some("@anasalon")
        )
    );
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .accounts_of_meta_user("ig-app-scoped-77")
            .unwrap()
            .len(),
        1,
        "a deletion request for this user finds the account"
    );

    world
        .engine
        .claim(Platform::Instagram, "17841499")
        .await
        .unwrap();
    world
        .webhook(json!({"object": "instagram", "entry": [{"id": "17841499", "time": now_ms(), "messaging": [{
            "sender": {"id": "IGSID5"}, "recipient": {"id": "17841499"}, "timestamp": now_ms(),
            "message": {"mid": "m_ig_1", "text": "Do you have space on Friday?"}
        }]}]}))
        .await;
    // The daily refresh extends the token; replies use the new one.
    assert_eq!(world.engine.refresh_instagram_tokens().await.unwrap(), 1);
    let draft = world.pending_draft();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, Some("Yes, 10am works."))
        .unwrap();
    world.engine.send_approved(approved, false).await.unwrap();
    let sends = world.sends().await;
    let (path_id, auth, body) = sends.last().unwrap();
    assert_eq!(path_id, "me", "Instagram Login sends as me/messages");
    assert_eq!(auth, "Bearer IG-REFRESHED-TOKEN");
    assert_eq!(body["recipient"]["id"], "IGSID5");
}

#[tokio::test]
async fn envelopes_stored_before_a_crash_are_acknowledged_on_the_next_sync() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .post_only(messenger_dm("m_crash", "Hello?", 1_000, false))
        .await;
    let store = &world.relay.store;
    assert_eq!(store.queue_depth().await.unwrap(), 1);
    // The state a kill leaves between the vault commit and the ack: the cursor
    // already skips the envelope, which waits at the relay unacknowledged.
    let device = store.devices().await.unwrap()[0].device_id.clone();
    let page = store.envelopes_after(&device, 0, 10).await;
    let cursor = page.unwrap()[0].cursor;
    world
        .engine
        .vault_for_tests()
        .set_settings(&[
            ("relay_cursor", &cursor.to_string()),
            (
                "relay_pending_ack",
                &format!(r#"{{"cursors":[{cursor}],"lost":0}}"#),
            ),
        ])
        .unwrap();
    world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(
        store.queue_depth().await.unwrap(),
        0,
        "the next sync acknowledged it"
    );
}

#[tokio::test]
async fn a_website_visitor_is_answered_through_the_relay_and_their_page_gets_the_reply_once() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    let chat = world
        .engine
        .add_website("Salon website", &["https://salon.example".into()])
        .await
        .unwrap();
    assert!(
        chat.snippet
            .contains(&format!("{}/widget.js", world.relay_url))
    );
    assert!(chat.snippet.contains(&chat.site_id));
    assert_eq!(world.engine.websites().await.unwrap(), vec![chat.clone()]);

    let http = reqwest::Client::new();
    let accepted: Value = http
        .post(format!(
            "{}/widget/v1/{}/messages",
            world.relay_url, chat.site_id
        ))
        .header("origin", "https://salon.example")
        .json(&json!({"text": "Do you have time for nails on Friday?", "name": "Bea"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session = accepted["session"].as_str().unwrap().to_owned();
    world.engine.sync_once(Duration::ZERO).await.unwrap();
    world.engine.draft_pending().await.unwrap();

    let conversation = world
        .engine
        .vault_for_tests()
        .conversations()
        .unwrap()
        .remove(0);
    assert_eq!(conversation.platform, Platform::Website);
    assert_eq!(conversation.display_name, "Bea");
    let draft = world.pending_draft();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, Some("Yes, Friday at 3 is free."))
        .unwrap();
    world.engine.send_approved(approved, false).await.unwrap();
    assert!(world.sends().await.is_empty(), "nothing went to Meta");
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .draft(draft)
            .unwrap()
            .unwrap()
            .status,
        leadbox_vault::DraftStatus::Sent
    );

    let poll = |after: u64| {
        http.get(format!(
            "{}/widget/v1/{}/replies?after={after}&wait=0",
            world.relay_url, chat.site_id
        ))
        .header("x-leadbox-session", &session)
        .send()
    };
    let page: Value = poll(0).await.unwrap().json().await.unwrap();
    let replies = page["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["text"], "Yes, Friday at 3 is free.");
    let seq = replies[0]["seq"].as_u64().unwrap();
    let page: Value = poll(seq).await.unwrap().json().await.unwrap();
    assert!(page["replies"].as_array().unwrap().is_empty());
    let texts: Vec<_> = world
        .engine
        .vault_for_tests()
        .messages(conversation.id)
        .unwrap()
        .into_iter()
        .map(|m| m.direction)
        .collect();
    assert_eq!(texts, [Direction::Inbound, Direction::Outbound]);
}

#[tokio::test]
async fn a_computer_lists_the_business_computers_and_removes_a_lost_one() {
    let world = World::new(Platform::Instagram, "1784").await;
    let invite = world
        .relay
        .store
        .create_invite("Ana's Salon", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    let laptop_dir = tempfile::tempdir().unwrap();
    let (laptop, _) =
        Engine::open_or_create(laptop_dir.path(), Arc::new(InMemorySecretStore::default()))
            .unwrap();
    laptop
        .pair(&world.relay_url, &invite, "Laptop")
        .await
        .unwrap();

    let listed = world.engine.computers().await.unwrap();
    let names: Vec<(&str, bool)> = listed
        .iter()
        .map(|c| (c.name.as_str(), c.this_computer))
        .collect();
    assert_eq!(names, [("test", true), ("Laptop", false)]);
    assert!(
        listed
            .iter()
            .all(|c| c.removed_at.is_none() && c.paired_at > 0)
    );

    let this = &listed[0].device_id;
    assert!(matches!(
        world.engine.remove_computer(this).await,
        Err(leadbox_inbox::InboxError::Settings(_))
    ));
    world
        .engine
        .remove_computer(&listed[1].device_id)
        .await
        .unwrap();
    assert!(
        world.engine.computers().await.unwrap()[1]
            .removed_at
            .is_some()
    );
    // The removed laptop is locked out of the relay.
    assert!(laptop.computers().await.is_err());
}

#[tokio::test]
async fn a_new_person_is_named_from_their_profile_once_the_account_has_a_token() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .post_only(messenger_dm("m_n_1", "Hola", 1_000, false))
        .await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.new_contacts.len(), 1);
    let label = world.engine.vault_for_tests().conversations().unwrap()[0]
        .display_name
        .clone();
    assert_eq!(
        world
            .engine
            .name_new_contacts(&report.new_contacts)
            .await
            .unwrap(),
        0,
        "without the page's token nobody is asked"
    );
    assert_eq!(
        world.engine.vault_for_tests().conversations().unwrap()[0].display_name,
        label
    );

    world.connect_page(Platform::Messenger, "PAGE1").await;
    assert_eq!(
        world
            .engine
            .name_new_contacts(&report.new_contacts)
            .await
            .unwrap(),
        1
    );
    let conversations = world.engine.vault_for_tests().conversations().unwrap();
    assert_eq!(conversations[0].display_name, "Marta Puig");
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .search("puig", 5)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        world
            .engine
            .name_new_contacts(&report.new_contacts)
            .await
            .unwrap(),
        0,
        "a named person is not asked for again"
    );

    // Meta refusing a profile leaves the neutral label, and the sync goes on.
    let silent = json!({"object": "page", "entry": [{"id": "PAGE1", "time": now_ms(), "messaging": [{
        "sender": {"id": "PSID-SILENT"}, "recipient": {"id": "PAGE1"}, "timestamp": now_ms(),
        "message": {"mid": "m_n_2", "text": "precio?"}
    }]}]});
    world.post_only(silent).await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(
        world
            .engine
            .name_new_contacts(&report.new_contacts)
            .await
            .unwrap(),
        0
    );
    let names: Vec<String> = world
        .engine
        .vault_for_tests()
        .conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    assert!(names.contains(&"Marta Puig".to_owned()), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("Messenger user")),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_connected_whatsapp_number_shows_its_business_accounts_notices() {
    let world = World::new(Platform::Whatsapp, "P1").await;
    world
        .engine
        .add_account(
            Platform::Whatsapp,
            "P1",
            Connection::WhatsappCloud,
            "wa-token",
            false,
        )
        .await
        .unwrap();
    // Account-level changes name the WhatsApp Business Account, not the number.
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "time": 1_732_350_000, "changes": [
        {"field": "message_template_status_update", "value": {"event": "REJECTED", "message_template_name": "welcome", "message_template_language": "es", "reason": "INVALID_FORMAT"}},
        {"field": "account_update", "value": {"event": "ACCOUNT_RESTRICTION", "restriction_info": [{"restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING", "expiration": 1_893_456_000}]}}
    ]}]});
    world.post_only(body).await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!((report.notices, report.unreadable), (2, 0));
    assert_eq!(report.restrictions.len(), 1);
    assert_eq!(report.restrictions[0].platform_account_id, "P1");
    assert!(
        report.restrictions[0]
            .message
            .starts_with("WhatsApp restricted your business account")
    );
    let account = world
        .engine
        .vault_for_tests()
        .find_account(Platform::Whatsapp, "P1")
        .unwrap()
        .unwrap();
    let notice = account.notice.unwrap();
    assert_eq!(notice.severity, leadbox_inbox::NoticeSeverity::Restriction);
    let notices = world
        .engine
        .vault_for_tests()
        .account_notices(account.id, 5)
        .unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n.message == "Template “welcome” (es) was rejected: INVALID_FORMAT")
    );
}

#[tokio::test]
async fn connecting_an_account_proves_control_to_the_relay_and_a_later_move_is_shown() {
    let world = World::with_claims(leadbox_relay::config::RouteClaims::Proof).await;
    // Without the account's token the relay routes nothing.
    let refused = world.engine.claim(Platform::Messenger, "PAGE1").await;
    assert!(
        matches!(&refused, Err(leadbox_inbox::InboxError::Relay { status: 403, code, .. }) if code == "proof_required"),
        "{refused:?}"
    );
    // Connecting it with its page token sends that token as proof.
    world.connect_page(Platform::Messenger, "PAGE1").await;
    assert!(
        world
            .relay
            .store
            .route_holder(Platform::Messenger, "PAGE1")
            .await
            .unwrap()
            .is_some()
    );
    world
        .webhook(messenger_dm("m_in_1", "Hola", 60_000, false))
        .await;
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .conversations()
            .unwrap()
            .len(),
        1
    );

    // Another business on the relay proves control of the page too.
    let code = world
        .relay
        .store
        .create_invite("Rival", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let registered: Value = http
        .post(format!("{}/v1/devices", world.relay_url))
        .json(&json!({"invite_code": code, "public_key": leadbox_envelope::DeviceSecretKey::generate().public_key(), "device_name": "rival"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let moved = http
        .post(format!("{}/v1/routes", world.relay_url))
        .bearer_auth(registered["token"].as_str().unwrap())
        .json(
            &json!({"platform": "messenger", "account_id": "PAGE1", "access_token": "page-token"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 204);

    // This computer learns it at its next sync, as a restriction on the page.
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.restrictions.len(), 1, "{report:?}");
    let account = world
        .engine
        .vault_for_tests()
        .find_account(Platform::Messenger, "PAGE1")
        .unwrap()
        .unwrap();
    let notice = account.notice.unwrap();
    assert_eq!(notice.severity, leadbox_inbox::NoticeSeverity::Restriction);
    assert_eq!(notice.message, leadbox_inbox::ROUTE_MOVED_NOTICE);
}

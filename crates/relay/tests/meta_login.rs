//! Facebook Login and Meta's data-deletion callback, end to end over loopback:
//! the relay talks to a local server that answers like Facebook's Graph API
//! (including its error bodies), and a paired device opens what it is sent.

#![allow(clippy::unwrap_used)] // Test support code: a failed unwrap is a failed test.

#[path = "support/postgres.rs"]
mod postgres;

use leadbox_testkit::http::SendJson;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use leadbox_envelope::api::{EnvelopePage, OAuthTicket, RegisterDeviceResponse};
use leadbox_envelope::payload::Payload;
use leadbox_envelope::{DeviceSecretKey, open};
use leadbox_relay::{RelayConfig, SharedState};
use serde_json::{Value, json};
use sha2::Sha256;

const SECRET: &str = "test-app-secret";
const APP_ID: &str = "424242";
const IG_APP_ID: &str = "990011";
const IG_SECRET: &str = "instagram-app-secret";

fn hmac_hex(key: &str, data: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// What the fake Facebook saw, for the assertions.
#[derive(Default)]
struct Seen {
    subscribed: Vec<String>,
    redirect_uris: Vec<String>,
}

#[derive(Clone)]
struct Facebook {
    seen: Arc<Mutex<Seen>>,
}

fn graph_error(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Ab1"}})),
    )
        .into_response()
}

/// Checks `access_token` and `appsecret_proof` the way Graph does when the app
/// requires the proof.
fn token_ok(query: &HashMap<String, String>, expected: &str) -> bool {
    query.get("access_token").map(String::as_str) == Some(expected)
        && query.get("appsecret_proof") == Some(&hmac_hex(SECRET, expected.as_bytes()))
}

async fn code_exchange(
    State(fb): State<Facebook>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    fb.seen
        .lock()
        .unwrap()
        .redirect_uris
        .push(form.get("redirect_uri").cloned().unwrap_or_default());
    if form.get("client_id").map(String::as_str) != Some(APP_ID)
        || form.get("client_secret").map(String::as_str) != Some(SECRET)
    {
        return graph_error(
            StatusCode::BAD_REQUEST,
            1,
            "Error validating client secret.",
        );
    }
    if form.get("code").map(String::as_str) != Some("good-code") {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            "Invalid verification code format.",
        );
    }
    Json(json!({"access_token": "SHORT-USER-TOKEN", "token_type": "bearer", "expires_in": 5400}))
        .into_response()
}

async fn long_lived(Query(query): Query<HashMap<String, String>>) -> Response {
    if query.get("grant_type").map(String::as_str) != Some("fb_exchange_token")
        || query.get("fb_exchange_token").map(String::as_str) != Some("SHORT-USER-TOKEN")
        || query.get("client_secret").map(String::as_str) != Some(SECRET)
    {
        return graph_error(StatusCode::BAD_REQUEST, 190, "Invalid OAuth access token.");
    }
    Json(
        json!({"access_token": "LONG-USER-TOKEN", "token_type": "bearer", "expires_in": 5_183_944}),
    )
    .into_response()
}

async fn me(Query(query): Query<HashMap<String, String>>) -> Response {
    if !token_ok(&query, "LONG-USER-TOKEN") {
        return graph_error(
            StatusCode::BAD_REQUEST,
            190,
            "Invalid appsecret_proof provided in the API argument",
        );
    }
    Json(json!({"id": "10157", "name": "Ana"})).into_response()
}

/// Two pages of results, as Graph paginates: the cursor leads to the second.
async fn accounts(Query(query): Query<HashMap<String, String>>) -> Response {
    if !token_ok(&query, "LONG-USER-TOKEN") {
        return graph_error(StatusCode::BAD_REQUEST, 190, "Invalid OAuth access token.");
    }
    match query.get("after").map(String::as_str) {
        None => Json(json!({
            "data": [{"id": "111", "name": "Ana's Bakery", "access_token": "PAGE-TOKEN-111",
                      "instagram_business_account": {"id": "1784", "username": "anasbakery"}}],
            "paging": {"cursors": {"before": "b0", "after": "c1"}, "next": "https://graph.facebook.com/v21.0/me/accounts?after=c1"}
        }))
        .into_response(),
        Some("c1") => Json(json!({
            "data": [
                {"id": "222", "name": "Ana's Catering", "access_token": "PAGE-TOKEN-222"},
                {"id": "333", "name": "A page without messaging rights"}
            ],
            "paging": {"cursors": {"before": "c1", "after": "c2"}}
        }))
        .into_response(),
        Some(_) => graph_error(StatusCode::BAD_REQUEST, 100, "Invalid cursor"),
    }
}

async fn subscribe(
    State(fb): State<Facebook>,
    Path(page): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if page == "222" {
        return graph_error(StatusCode::FORBIDDEN, 200, "Permissions error");
    }
    if !token_ok(&query, &format!("PAGE-TOKEN-{page}")) {
        return graph_error(StatusCode::BAD_REQUEST, 190, "Invalid OAuth access token.");
    }
    fb.seen.lock().unwrap().subscribed.push(format!(
        "{page}:{}",
        query.get("subscribed_fields").cloned().unwrap_or_default()
    ));
    Json(json!({"success": true})).into_response()
}

/// Instagram's code exchange answers `{"data": [...]}`; its errors are flat.
async fn ig_code_exchange(
    State(fb): State<Facebook>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    fb.seen
        .lock()
        .unwrap()
        .redirect_uris
        .push(form.get("redirect_uri").cloned().unwrap_or_default());
    let good = form.get("client_id").map(String::as_str) == Some(IG_APP_ID)
        && form.get("client_secret").map(String::as_str) == Some(IG_SECRET)
        && form.get("grant_type").map(String::as_str) == Some("authorization_code")
        && form.get("code").map(String::as_str) == Some("ig-good-code");
    if !good {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error_type": "OAuthException", "code": 400, "error_message": "Invalid authorization code"})),
        )
            .into_response();
    }
    Json(json!({"data": [{"access_token": "IG-SHORT-TOKEN", "user_id": "17841499", "permissions": "instagram_business_basic,instagram_business_manage_messages"}]})).into_response()
}

async fn ig_long_lived(Query(query): Query<HashMap<String, String>>) -> Response {
    if query.get("grant_type").map(String::as_str) != Some("ig_exchange_token")
        || query.get("client_secret").map(String::as_str) != Some(IG_SECRET)
        || query.get("access_token").map(String::as_str) != Some("IG-SHORT-TOKEN")
    {
        return graph_error(StatusCode::BAD_REQUEST, 190, "Invalid OAuth access token.");
    }
    Json(json!({"access_token": "IG-LONG-TOKEN", "token_type": "bearer", "expires_in": 5_183_944}))
        .into_response()
}

async fn ig_me(Query(query): Query<HashMap<String, String>>) -> Response {
    if query.get("access_token").map(String::as_str) != Some("IG-LONG-TOKEN") {
        return graph_error(StatusCode::BAD_REQUEST, 190, "Invalid OAuth access token.");
    }
    Json(json!({"id": "ig-app-scoped-77", "user_id": "17841499", "username": "anasalon"}))
        .into_response()
}

async fn ig_subscribe(
    State(fb): State<Facebook>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if query.get("access_token").map(String::as_str) != Some("IG-LONG-TOKEN") {
        return graph_error(StatusCode::BAD_REQUEST, 190, "Invalid OAuth access token.");
    }
    fb.seen.lock().unwrap().subscribed.push(format!(
        "ig:{}",
        query.get("subscribed_fields").cloned().unwrap_or_default()
    ));
    Json(json!({"success": true})).into_response()
}

struct World {
    relay_url: String,
    relay: SharedState,
    seen: Arc<Mutex<Seen>>,
    http: reqwest::Client,
    dir: tempfile::TempDir,
}

struct Device {
    secret: DeviceSecretKey,
    token: String,
}

impl World {
    async fn new(login_configured: bool) -> World {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let facebook = Router::new()
            .route(
                "/v21.0/oauth/access_token",
                post(code_exchange).get(long_lived),
            )
            .route("/v21.0/me", get(me))
            .route("/v21.0/me/accounts", get(accounts))
            .route("/v21.0/{page}/subscribed_apps", post(subscribe))
            .route("/ig-api/oauth/access_token", post(ig_code_exchange))
            .route("/ig-graph/access_token", get(ig_long_lived))
            .route("/ig-graph/v21.0/me", get(ig_me))
            .route("/ig-graph/v21.0/me/subscribed_apps", post(ig_subscribe))
            .with_state(Facebook { seen: seen.clone() });
        let fb_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fb_url = format!("http://{}", fb_listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(fb_listener, facebook).await });

        let dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay_url = format!("http://{}", listener.local_addr().unwrap());
        let mut config = RelayConfig {
            listen: listener.local_addr().unwrap(),
            meta_app_secret: SECRET.into(),
            max_queue_per_device: 1_000,
            public_url: Some(relay_url.clone()),
            meta_app_id: login_configured.then(|| APP_ID.to_owned()),
            graph_url: format!("{fb_url}/v21.0"),
            instagram_graph_url: format!("{fb_url}/ig-graph"),
            route_claims: leadbox_relay::config::RouteClaims::Proof,
            login_dialog_url: format!("{fb_url}/v21.0/dialog/oauth"),
            instagram: login_configured.then(|| leadbox_relay::config::InstagramLoginConfig {
                app_id: IG_APP_ID.into(),
                app_secret: IG_SECRET.into(),
                dialog_url: format!("{fb_url}/ig-dialog"),
                api_url: format!("{fb_url}/ig-api"),
                graph_url: format!("{fb_url}/ig-graph"),
            }),
            ..leadbox_testkit::relay::relay_config(dir.path())
        };
        if postgres::relays_on_postgres() {
            config.database_url = Some(postgres::fresh_database().await);
        }
        let relay = leadbox_relay::prepare(config).await.unwrap();
        tokio::spawn(leadbox_relay::serve(
            listener,
            relay.clone(),
            std::future::pending(),
        ));
        World {
            relay_url,
            relay,
            seen,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            dir,
        }
    }

    async fn pair(&self, business: &str) -> Device {
        let code = self
            .relay
            .store
            .create_invite(business, leadbox_relay::store::unix_now())
            .await
            .unwrap();
        let secret = DeviceSecretKey::generate();
        let registration: RegisterDeviceResponse = self
            .http
            .post(format!("{}/v1/devices", self.relay_url))
            .json(&json!({"invite_code": code, "public_key": secret.public_key(), "device_name": "test"}))
            .send_as()
            .await;
        Device {
            secret,
            token: registration.token,
        }
    }

    async fn ticket(&self, device: &Device) -> reqwest::Response {
        self.ticket_for(device, "meta").await
    }

    async fn ticket_for(&self, device: &Device, provider: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/v1/oauth/{provider}/tickets", self.relay_url))
            .bearer_auth(&device.token)
            .send()
            .await
            .unwrap()
    }

    /// The owner's browser on the relay's page: it names the business and
    /// the computer; the code the app shows is typed in and sent. Returns the
    /// answer to that (on to the dialog when the code was right).
    async fn confirm(&self, ticket: &OAuthTicket, code: &str) -> reqwest::Response {
        let page = self.http.get(&ticket.url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("Confirm it is your computer"), "{html}");
        let url = reqwest::Url::parse(&ticket.url).unwrap();
        let state = url.query_pairs().find(|(k, _)| k == "state").unwrap().1;
        self.http
            .post(format!("{}{}", self.relay_url, url.path()))
            .header("content-type", "application/x-www-form-urlencoded")
            // The state is base64url and the code letters, digits and a dash.
            .body(format!("state={state}&code={code}"))
            .send()
            .await
            .unwrap()
    }

    /// The owner's browser: ticket → the relay's page, confirmed with the
    /// code → the dialog → the state Facebook would send back.
    async fn login_state(&self, device: &Device) -> String {
        let ticket: OAuthTicket = self.ticket(device).await.json().await.unwrap();
        assert!(ticket.url.starts_with(&self.relay_url), "{}", ticket.url);
        let start = self.confirm(&ticket, &ticket.confirmation_code).await;
        assert_eq!(start.status(), StatusCode::SEE_OTHER);
        let dialog = reqwest::Url::parse(start.headers()["location"].to_str().unwrap()).unwrap();
        assert!(dialog.path().ends_with("/dialog/oauth"));
        let query: HashMap<String, String> = dialog.query_pairs().into_owned().collect();
        assert_eq!(query["client_id"], APP_ID);
        assert_eq!(
            query["redirect_uri"],
            format!("{}/oauth/meta/callback", self.relay_url)
        );
        query["state"].clone()
    }

    async fn callback(&self, query: &[(&str, &str)]) -> (StatusCode, String) {
        let response = self
            .http
            .get(format!("{}/oauth/meta/callback", self.relay_url))
            .query(query)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    async fn page(&self, device: &Device) -> EnvelopePage {
        self.http
            .get(format!("{}/v1/envelopes?after=0&wait=0", self.relay_url))
            .bearer_auth(&device.token)
            .send_as()
            .await
    }

    async fn payloads(&self, device: &Device) -> Vec<Payload> {
        self.page(device)
            .await
            .envelopes
            .iter()
            .map(|e| Payload::from_bytes(&open(&device.secret, e).unwrap()).unwrap())
            .collect()
    }

    async fn ack_all(&self, device: &Device) {
        let cursors: Vec<u64> = self
            .page(device)
            .await
            .envelopes
            .iter()
            .map(|e| e.cursor)
            .collect();
        self.http
            .post(format!("{}/v1/envelopes/ack", self.relay_url))
            .bearer_auth(&device.token)
            .json(&json!({"cursors": cursors}))
            .send()
            .await
            .unwrap();
    }

    fn signed_request(&self, secret: &str, user_id: &str) -> String {
        let payload = URL_SAFE_NO_PAD.encode(
            json!({"algorithm": "HMAC-SHA256", "issued_at": leadbox_relay::store::unix_now(), "user_id": user_id})
                .to_string(),
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(payload.as_bytes());
        format!(
            "{}.{payload}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    async fn request_deletion(&self, signed_request: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}/meta/data-deletion", self.relay_url))
            .header("content-type", "application/x-www-form-urlencoded")
            // base64url and "." need no form encoding.
            .body(format!("signed_request={signed_request}"))
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    async fn deletion_status(&self, url: &str) -> Value {
        self.http
            .get(url)
            .header("accept", "application/json")
            .send_json()
            .await
    }

    /// Every byte the relay wrote to its data folder.
    fn stored_bytes(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            all.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        all
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn facebook_login_seals_the_page_tokens_to_the_device_and_keeps_none() {
    let world = World::new(true).await;
    let device = world.pair("Ana's Bakery").await;
    let state = world.login_state(&device).await;

    let (status, page) = world
        .callback(&[("code", "good-code"), ("state", &state)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Connected: Ana&#39;s Bakery and Instagram @anasbakery"),
        "{page}"
    );
    assert!(
        page.contains("did not subscribe"),
        "page 222's refusal is shown: {page}"
    );

    let payloads = world.payloads(&device).await;
    assert_eq!(payloads.len(), 1);
    let Payload::MetaConnection {
        user_id,
        user_token,
        user_token_expires_at_ms,
        pages,
        ..
    } = &payloads[0]
    else {
        panic!("expected a connection, got {:?}", payloads[0]);
    };
    assert_eq!(user_id, "10157");
    assert_eq!(user_token.expose(), "LONG-USER-TOKEN");
    assert!(user_token_expires_at_ms.is_some());
    let summary: Vec<(&str, &str, Option<&str>, bool)> = pages
        .iter()
        .map(|p| {
            (
                p.page_id.as_str(),
                p.access_token.expose(),
                p.instagram_account_id.as_deref(),
                p.subscribed,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("111", "PAGE-TOKEN-111", Some("1784"), true),
            ("222", "PAGE-TOKEN-222", None, false)
        ],
        "the page without a token is left out"
    );
    {
        let seen = world.seen.lock().unwrap();
        assert_eq!(
            seen.subscribed,
            [
                "111:messages,messaging_postbacks,messaging_referrals,message_deliveries,message_reads,message_echoes,message_reactions,leadgen"
            ]
        );
        assert_eq!(
            seen.redirect_uris,
            [format!("{}/oauth/meta/callback", world.relay_url)]
        );
    }

    // The granted accounts are routed to this business now.
    let routed = world
        .relay
        .store
        .recipients(leadbox_envelope::Platform::Instagram, "1784")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(routed.devices.len(), 1);
    assert!(world.relay.store.meta_user_linked("10157").await.unwrap());

    // Nothing secret in what the relay wrote.
    let stored = world.stored_bytes();
    for secret in [
        "LONG-USER-TOKEN",
        "SHORT-USER-TOKEN",
        "PAGE-TOKEN-111",
        "PAGE-TOKEN-222",
        &state,
    ] {
        assert!(
            !contains(&stored, secret),
            "{secret} found in the relay's files"
        );
    }

    // The callback works once.
    let (status, page) = world
        .callback(&[("code", "good-code"), ("state", &state)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("expired"), "{page}");
    assert_eq!(world.payloads(&device).await.len(), 1);
}

#[tokio::test]
async fn a_login_link_goes_on_to_facebook_only_with_the_code_the_owners_computer_shows() {
    let world = World::new(true).await;
    let device = world.pair("Ana's Bakery").await;
    let ticket: OAuthTicket = world.ticket(&device).await.json().await.unwrap();
    assert_eq!(
        ticket.confirmation_code.len(),
        11,
        "{}",
        ticket.confirmation_code
    );

    // Whoever opens the link sees whose inbox and which computer would get access.
    let page = world.http.get(&ticket.url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("form-action 'self'") && csp.contains("default-src 'none'"));
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Ana&#39;s Bakery") && html.contains("“test”"),
        "{html}"
    );
    assert!(
        !html.contains(&ticket.confirmation_code),
        "the page must not show the code"
    );

    // A wrong code: asked again, nothing sent on to Facebook.
    let wrong = world.confirm(&ticket, "aaaaa-aaaaa").await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert!(wrong.headers().get("location").is_none());
    assert!(wrong.text().await.unwrap().contains("4 more tries"));

    // Someone who learned the state cannot finish without the code either:
    // the callback refuses an unconfirmed state and uses it up.
    let state = reqwest::Url::parse(&ticket.url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let (status, _) = world
        .callback(&[("code", "good-code"), ("state", &state)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(world.payloads(&device).await.is_empty());
    let late = world.http.get(&ticket.url).send().await.unwrap();
    assert_eq!(
        late.status(),
        StatusCode::BAD_REQUEST,
        "the link is used up"
    );

    // Five wrong codes end a fresh link.
    let ticket: OAuthTicket = world.ticket(&device).await.json().await.unwrap();
    for _ in 0..4 {
        assert_eq!(
            world.confirm(&ticket, "guess").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        world.confirm(&ticket, "guess").await.status(),
        StatusCode::BAD_REQUEST
    );
    let page = world.http.get(&ticket.url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_login_moves_an_account_another_business_claimed_and_that_business_is_told() {
    let world = World::new(true).await;
    let rival = world.pair("Rival").await;
    let rival_business = world
        .relay
        .store
        .device_for_token(&rival.token)
        .await
        .unwrap()
        .unwrap()
        .business_id;
    world
        .relay
        .store
        .claim_route(
            &rival_business,
            leadbox_envelope::Platform::Instagram,
            "1784",
            false,
            leadbox_relay::store::unix_now(),
        )
        .await
        .unwrap();

    let device = world.pair("Ana's Bakery").await;
    let state = world.login_state(&device).await;
    let (status, page) = world
        .callback(&[("code", "good-code"), ("state", &state)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let routed = world
        .relay
        .store
        .recipients(leadbox_envelope::Platform::Instagram, "1784")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(routed.business_id, rival_business);
    let told = world.payloads(&rival).await;
    assert!(
        matches!(told.as_slice(), [Payload::RouteMoved { account_id, .. }] if account_id == "1784"),
        "{told:?}"
    );
}

#[tokio::test]
async fn a_login_link_of_a_business_suspended_meanwhile_connects_nothing() {
    let world = World::new(true).await;
    let device = world.pair("Ana's Bakery").await;
    let state = world.login_state(&device).await;
    let business = world
        .relay
        .store
        .device_for_token(&device.token)
        .await
        .unwrap()
        .unwrap()
        .business_id;
    world
        .relay
        .store
        .set_suspended(&business, Some(1))
        .await
        .unwrap();
    let (status, page) = world
        .callback(&[("code", "good-code"), ("state", &state)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(page.contains("suspended"), "{page}");
    world
        .relay
        .store
        .set_suspended(&business, None)
        .await
        .unwrap();
    assert!(
        world.payloads(&device).await.is_empty(),
        "no tokens were sealed"
    );
    assert!(!world.relay.store.meta_user_linked("10157").await.unwrap());
}

#[tokio::test]
async fn a_refused_or_cancelled_login_connects_nothing() {
    let world = World::new(true).await;
    let device = world.pair("Ana's Bakery").await;

    let state = world.login_state(&device).await;
    let (status, page) = world
        .callback(&[("code", "stolen-code"), ("state", &state)])
        .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(page.contains("Invalid verification code format."), "{page}");
    assert!(page.contains("Nothing was saved"), "{page}");

    let state = world.login_state(&device).await;
    let (status, page) = world
        .callback(&[
            ("error", "access_denied"),
            ("error_description", "Permissions error <script>"),
            ("state", &state),
        ])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Permissions error &lt;script&gt;"),
        "escaped: {page}"
    );

    let (status, _) = world
        .callback(&[("code", "good-code"), ("state", "forged")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(world.payloads(&device).await.is_empty());
    assert!(!world.relay.store.meta_user_linked("10157").await.unwrap());
}

#[tokio::test]
async fn login_needs_a_paired_device_and_a_configured_app() {
    let world = World::new(false).await;
    let device = world.pair("Ana's Bakery").await;
    let response = world.ticket(&device).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "login_not_configured");

    let stranger = Device {
        secret: DeviceSecretKey::generate(),
        token: "not-a-token".into(),
    };
    assert_eq!(
        world.ticket(&stranger).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let start = world
        .http
        .get(format!(
            "{}/oauth/meta/start?state=made-up",
            world.relay_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_deletion_request_reaches_every_device_and_completes_when_confirmed() {
    let world = World::new(true).await;
    let laptop = world.pair("Ana's Bakery").await;
    let state = world.login_state(&laptop).await;
    world
        .callback(&[("code", "good-code"), ("state", &state)])
        .await;
    world.ack_all(&laptop).await;
    let phone_shop = world.pair("Ana's Bakery").await; // a second desktop, paired later

    let (status, answer) = world
        .request_deletion(&world.signed_request(SECRET, "10157"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let code = answer["confirmation_code"].as_str().unwrap().to_owned();
    let url = answer["url"].as_str().unwrap().to_owned();
    assert_eq!(
        url,
        format!("{}/meta/data-deletion/{code}", world.relay_url)
    );
    assert!(!world.relay.store.meta_user_linked("10157").await.unwrap());

    for device in [&laptop, &phone_shop] {
        let payloads = world.payloads(device).await;
        assert!(
            matches!(
                payloads.as_slice(),
                [Payload::MetaDeletionNotice { confirmation_code, user_id, .. }]
                    if *confirmation_code == code && user_id == "10157"
            ),
            "{payloads:?}"
        );
    }
    assert_eq!(world.deletion_status(&url).await["status"], "pending");
    let page = world
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Pending"), "{page}");

    let confirm = |device: &Device| {
        world
            .http
            .post(format!("{}/v1/meta/deletions/complete", world.relay_url))
            .bearer_auth(&device.token)
            .json(&json!({"confirmation_code": code}))
            .send()
    };
    assert_eq!(
        confirm(&laptop).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(world.deletion_status(&url).await["status"], "completed");
    assert_eq!(
        confirm(&phone_shop).await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "the business already confirmed"
    );
}

#[tokio::test]
async fn forged_deletion_requests_are_refused_and_unknown_users_complete_at_once() {
    let world = World::new(true).await;
    let (status, error) = world
        .request_deletion(&world.signed_request("someone-else", "10157"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["code"], "bad_signed_request");
    let (status, _) = world.request_deletion("garbage").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, answer) = world
        .request_deletion(&world.signed_request(SECRET, "never-connected"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let url = answer["url"].as_str().unwrap();
    assert_eq!(world.deletion_status(url).await["status"], "completed");
    let unknown = world
        .http
        .get(format!("{}/meta/data-deletion/DEL-nope", world.relay_url))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn instagram_login_seals_the_token_and_routes_the_account() {
    let world = World::new(true).await;
    let device = world.pair("Ana's Bakery").await;
    let ticket: OAuthTicket = world
        .ticket_for(&device, "instagram")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        ticket.url.contains("/oauth/instagram/start?state="),
        "{}",
        ticket.url
    );
    let start = world.confirm(&ticket, &ticket.confirmation_code).await;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let dialog = reqwest::Url::parse(start.headers()["location"].to_str().unwrap()).unwrap();
    assert!(dialog.path().ends_with("/ig-dialog"));
    let query: HashMap<String, String> = dialog.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], IG_APP_ID);
    assert!(query["scope"].contains("instagram_business_manage_messages"));
    let state = query["state"].clone();

    // The Facebook callback does not accept an Instagram state.
    let (status, _) = world
        .callback(&[("code", "good-code"), ("state", &state)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let response = world
        .http
        .get(format!("{}/oauth/instagram/callback", world.relay_url))
        .query(&[("code", "ig-good-code#_"), ("state", &state)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("Connected: Instagram @anasalon"), "{page}");

    let payloads = world.payloads(&device).await;
    let [
        Payload::InstagramConnection {
            user_id,
            account_id,
            username,
            access_token,
            subscribed,
            expires_at_ms,
            ..
        },
    ] = payloads.as_slice()
    else {
        panic!("expected one Instagram connection, got {payloads:?}");
    };
    assert_eq!(
        (
            user_id.as_str(),
            account_id.as_str(),
            username.as_str(),
            access_token.expose()
        ),
        ("ig-app-scoped-77", "17841499", "anasalon", "IG-LONG-TOKEN")
    );
    assert!(*subscribed && expires_at_ms.is_some());
    assert!(
        world
            .seen
            .lock()
            .unwrap()
            .redirect_uris
            .contains(&format!("{}/oauth/instagram/callback", world.relay_url))
    );
    assert!(
        world
            .relay
            .store
            .recipients(leadbox_envelope::Platform::Instagram, "17841499")
            .await
            .unwrap()
            .is_some()
    );
    let stored = world.stored_bytes();
    for secret in ["IG-LONG-TOKEN", "IG-SHORT-TOKEN", IG_SECRET] {
        assert!(
            !contains(&stored, secret),
            "{secret} found in the relay's files"
        );
    }

    // Meta's deletion request for an Instagram Login user is signed with the Instagram app secret.
    let (status, answer) = world
        .request_deletion(&world.signed_request(IG_SECRET, "ig-app-scoped-77"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        world.deletion_status(answer["url"].as_str().unwrap()).await["status"],
        "pending"
    );
}

#[tokio::test]
async fn a_refused_instagram_code_connects_nothing() {
    let world = World::new(true).await;
    let device = world.pair("Ana's Bakery").await;
    let ticket: OAuthTicket = world
        .ticket_for(&device, "instagram")
        .await
        .json()
        .await
        .unwrap();
    let start = world.confirm(&ticket, &ticket.confirmation_code).await;
    let dialog = reqwest::Url::parse(start.headers()["location"].to_str().unwrap()).unwrap();
    let state = dialog
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let response = world
        .http
        .get(format!("{}/oauth/instagram/callback", world.relay_url))
        .query(&[("code", "stale-code"), ("state", &state)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Invalid authorization code")
    );
    assert!(world.payloads(&device).await.is_empty());
}

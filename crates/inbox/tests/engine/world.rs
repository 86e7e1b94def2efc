//! The world of one engine test: the real relay on loopback (from the
//! testkit), this computer paired to it with an in-memory keychain, and the
//! local Graph API.

use std::sync::Arc;
use std::time::Duration;

use leadbox_channels::graph::GraphClient;
use leadbox_inbox::{Connection, Engine, InMemorySecretStore, Platform};
use leadbox_testkit::clock::ManualClock;
use leadbox_testkit::relay::TestRelay;
use serde_json::{Value, json};

use leadbox_testkit::graph::{FakeGraph, GraphLog, token_for};

pub struct World {
    pub engine: Engine,
    /// The engine's clock: a test moves it to reach a retry or close a window.
    pub clock: Arc<ManualClock>,
    pub relay: TestRelay,
    pub graph: Arc<tokio::sync::Mutex<GraphLog>>,
    graph_root: String,
    _desk_dir: tempfile::TempDir,
}

impl World {
    /// A relay that routes free accounts without proof, this computer paired
    /// to it with `account` claimed.
    pub async fn new(platform: Platform, account: &str) -> World {
        let world = World::with_claims(leadbox_relay::config::RouteClaims::FirstClaim).await;
        world.engine.claim(platform, account).await.unwrap();
        world
    }

    /// A relay asking for `claims`, this computer paired to it, nothing claimed.
    pub async fn with_claims(claims: leadbox_relay::config::RouteClaims) -> World {
        let graph = FakeGraph::start().await;
        let relay = TestRelay::start(|config| {
            config.max_queue_per_device = 1_000;
            config.graph_url = graph.graph_url();
            config.instagram_graph_url = graph.instagram_url();
            config.route_claims = claims;
        })
        .await;
        let invite = relay.invite("Ana's Salon").await;
        let desk_dir = tempfile::tempdir().unwrap();
        let (engine, _) =
            Engine::open_or_create(desk_dir.path(), Arc::new(InMemorySecretStore::default()))
                .unwrap();
        engine.pair(&relay.url, &invite, "test").await.unwrap();
        engine.use_graph(GraphClient::new(
            &graph.url,
            &graph.instagram_url(),
            "v21.0",
        ));
        let clock = Arc::new(ManualClock::default());
        engine.use_clock(clock.clone());
        World {
            engine,
            clock,
            relay,
            graph_root: graph.url.clone(),
            graph: graph.log,
            _desk_dir: desk_dir,
        }
    }

    pub async fn webhook(&self, body: Value) {
        self.post_only(body).await;
        self.engine.sync_once(Duration::ZERO).await.unwrap();
        self.engine.draft_pending().await.unwrap();
    }

    /// Connects the account with a page token of the local Graph API that controls it.
    pub async fn connect_page(&self, platform: Platform, account: &str) {
        let token = token_for(&platform.to_string(), account, None);
        self.engine
            .add_account(platform, account, Connection::Page, &token, false)
            .await
            .unwrap();
    }

    /// Connects WhatsApp number `P1` (of business account `WABA`) with its token.
    pub async fn connect_whatsapp(&self) {
        self.engine
            .add_account(
                Platform::Whatsapp,
                "P1",
                Connection::WhatsappCloud,
                leadbox_testkit::graph::WHATSAPP_TOKEN,
                false,
            )
            .await
            .unwrap();
    }

    /// Posts a signed webhook without syncing.
    pub async fn post_only(&self, body: Value) {
        let status = self.relay.post_webhook(body.to_string().as_bytes()).await;
        assert_eq!(status, 200);
    }

    pub fn pending_draft(&self) -> i64 {
        self.engine
            .vault_for_tests()
            .drafts(&[leadbox_vault::DraftStatus::Pending])
            .unwrap()[0]
            .id
    }

    pub fn draft_status(&self, draft: i64) -> leadbox_inbox::DraftStatus {
        self.engine
            .vault_for_tests()
            .draft(draft)
            .unwrap()
            .unwrap()
            .status
    }

    /// The stored account, as the vault holds it.
    pub fn account(
        &self,
        platform: Platform,
        account_id: &str,
    ) -> Result<Option<leadbox_inbox::AccountRow>, leadbox_inbox::VaultError> {
        self.engine
            .vault_for_tests()
            .find_account(platform, account_id)
    }

    /// Approves `draft` as drafted and expects the send to be refused.
    pub async fn refused(&self, draft: i64) -> leadbox_inbox::InboxError {
        self.engine
            .approve_and_send(draft, None, false)
            .await
            .unwrap_err()
    }

    /// When the relay saw Meta's deletion request `code` completed.
    pub async fn deletion_completed_at(&self, code: &str) -> Option<i64> {
        self.relay
            .state
            .store
            .deletion_status(code)
            .await
            .unwrap()
            .unwrap()
            .completed_at
    }

    /// The local Graph API's root address (its content server is under `/cdn`).
    pub fn graph_root(&self) -> &str {
        &self.graph_root
    }

    pub async fn sends(&self) -> Vec<(String, String, Value)> {
        self.graph.lock().await.sends.clone()
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A Messenger message between PAGE1 and PSID7, `age_ms` old.
pub fn messenger_dm(mid: &str, text: &str, age_ms: i64, echo: bool) -> Value {
    leadbox_testkit::webhooks::messenger_dm("PAGE1", "PSID7", mid, text, now_ms() - age_ms, echo)
}

/// A WhatsApp message to number `P1` from Ana (+34 600 111 222), `age_ms`
/// old: `content` is its type's part, e.g. `json!({"type": "text", "text": {"body": "Hi"}})`.
pub fn whatsapp_message(mid: &str, name: &str, content: Value, age_ms: i64) -> Value {
    let mut message = json!({"from": "34600111222", "id": mid,
                             "timestamp": ((now_ms() - age_ms) / 1000).to_string()});
    if let (Some(message), Some(content)) = (message.as_object_mut(), content.as_object()) {
        message.extend(content.clone());
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001", "phone_number_id": "P1"},
        "contacts": [{"profile": {"name": name}, "wa_id": "34600111222"}],
        "messages": [message]
    }}]}]})
}

/// A WhatsApp text message (see [`whatsapp_message`]).
pub fn whatsapp_text(mid: &str, name: &str, text: &str, age_ms: i64) -> Value {
    whatsapp_message(
        mid,
        name,
        json!({"type": "text", "text": {"body": text}}),
        age_ms,
    )
}

//! A relay served in-process on a loopback port, with a paired-device helper.

#![allow(clippy::unwrap_used, dead_code)] // Shared by several test files; each uses part of it.

pub mod postgres;

use leadbox_envelope::DeviceSecretKey;
use leadbox_envelope::api::{EnvelopePage, RegisterDeviceResponse};
use leadbox_relay::{RelayConfig, SharedState};
use serde_json::json;

use leadbox_testkit::graph::{FakeGraph, token_for};
pub use leadbox_testkit::relay::APP_SECRET as SECRET;

pub struct Relay {
    pub url: String,
    pub state: SharedState,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    /// Dropping it (or `shut_down`) stops the relay as SIGTERM does.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub async fn start_relay(max_body_bytes: usize) -> Relay {
    start_relay_with(max_body_bytes, leadbox_relay::config::RateLimits::default()).await
}

pub async fn start_relay_with(
    max_body_bytes: usize,
    limits: leadbox_relay::config::RateLimits,
) -> Relay {
    start_configured(|config| {
        config.max_body_bytes = max_body_bytes;
        config.limits = limits;
    })
    .await
}

/// A relay with the test defaults as changed by `configure`.
pub async fn start_configured(configure: impl FnOnce(&mut RelayConfig)) -> Relay {
    let dir = tempfile::tempdir().unwrap();
    let graph = FakeGraph::start().await;
    graph.log.lock().await.requires_app_secret_proof = true;
    // The relay's own tests ask for proof of control, as a relay does by default.
    let mut config = RelayConfig {
        meta_app_secret: SECRET.into(),
        max_queue_per_device: 1_000,
        graph_url: graph.graph_url(),
        instagram_graph_url: graph.instagram_url(),
        route_claims: leadbox_relay::config::RouteClaims::Proof,
        ..leadbox_testkit::relay::relay_config(dir.path())
    };
    if postgres::relays_on_postgres() {
        config.database_url = Some(postgres::fresh_database().await);
    }
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let url = format!("{scheme}://{}", listener.local_addr().unwrap());
    let state = leadbox_relay::prepare(config).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(leadbox_relay::serve(listener, state.clone(), async move {
        let _ = stopped.await;
    }));
    Relay {
        url,
        state,
        http: reqwest::Client::new(),
        _dir: dir,
        stop: Some(stop),
        served: Some(served),
    }
}

pub fn sign(body: &[u8]) -> String {
    leadbox_testkit::signing::meta_signature(SECRET, body)
}

pub fn instagram_dm(account: &str, mid: &str, text: &str) -> Vec<u8> {
    leadbox_testkit::webhooks::instagram_dm(account, "lead-1", mid, text, 1_732_350_000_000)
        .to_string()
        .into_bytes()
}

pub struct Device {
    pub secret: DeviceSecretKey,
    pub token: String,
    pub device_id: String,
}

impl Relay {
    /// Stops the relay the way SIGTERM does; how long until it had stopped.
    pub async fn shut_down(&mut self) -> std::time::Duration {
        let started = std::time::Instant::now();
        drop(self.stop.take());
        if let Some(served) = self.served.take() {
            served.await.unwrap().unwrap();
        }
        started.elapsed()
    }

    pub async fn pair(&self, business: &str) -> Device {
        let code = self
            .state
            .store
            .create_invite(business, leadbox_relay::store::unix_now())
            .await
            .unwrap();
        let secret = DeviceSecretKey::generate();
        let response = self
            .http
            .post(format!("{}/v1/devices", self.url))
            .json(&json!({"invite_code": code, "public_key": secret.public_key(), "device_name": "test"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let registration: RegisterDeviceResponse = response.json().await.unwrap();
        Device {
            secret,
            token: registration.token,
            device_id: registration.device_id,
        }
    }

    /// Claims an account with the token that proves control of it.
    pub async fn claim(&self, device: &Device, platform: &str, account: &str) -> u16 {
        let token = token_for(platform, account, None);
        self.claim_with(device, platform, account, None, Some(&token))
            .await
            .0
    }

    /// A claim as given: status and the error code, if any.
    pub async fn claim_with(
        &self,
        device: &Device,
        platform: &str,
        account: &str,
        business_account: Option<&str>,
        access_token: Option<&str>,
    ) -> (u16, String) {
        let response = self
            .http
            .post(format!("{}/v1/routes", self.url))
            .bearer_auth(&device.token)
            .json(&json!({"platform": platform, "account_id": account,
                "whatsapp_business_account_id": business_account, "access_token": access_token}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        (status, body["code"].as_str().unwrap_or_default().to_owned())
    }

    /// Claims a WhatsApp number, with the WhatsApp Business Account that holds it.
    pub async fn claim_whatsapp(
        &self,
        device: &Device,
        number: &str,
        business_account: Option<&str>,
    ) {
        let token = token_for("whatsapp", number, business_account);
        let (status, code) = self
            .claim_with(device, "whatsapp", number, business_account, Some(&token))
            .await;
        assert_eq!(status, 204, "{code}");
    }

    pub async fn post_webhook(&self, body: Vec<u8>, signature: Option<String>) -> u16 {
        let mut request = self
            .http
            .post(format!("{}/webhooks/meta", self.url))
            .body(body);
        if let Some(signature) = signature {
            request = request.header("X-Hub-Signature-256", signature);
        }
        request.send().await.unwrap().status().as_u16()
    }

    pub async fn fetch(&self, device: &Device, wait: u64) -> EnvelopePage {
        let response = self
            .http
            .get(format!("{}/v1/envelopes?after=0&wait={wait}", self.url))
            .bearer_auth(&device.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn metric(&self, name: &str) -> u64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|line| {
                line.strip_prefix(name)
                    .and_then(|rest| rest.trim().parse().ok())
            })
            .unwrap_or_else(|| panic!("metric {name} missing from:\n{text}"))
    }

    /// Returns once `count` long-polls from `from` (`device`, `visitor`) wait
    /// at the relay, as its metrics say.
    pub async fn until_polls_wait(&self, from: &str, count: u64) {
        let name = format!("leadbox_long_polls_waiting{{from=\"{from}\"}}");
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.metric(&name).await < count {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {from} long-poll reached the relay"
            );
            tokio::task::yield_now().await;
        }
    }
}

/// Reads Server-Sent Events from a push stream until one `envelopes` event arrives.
pub async fn next_push_event(response: &mut reqwest::Response) -> EnvelopePage {
    let mut buffer = String::new();
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), response.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if event.lines().any(|l| l == "event: envelopes") {
                let data: String = event
                    .lines()
                    .filter_map(|l| l.strip_prefix("data: "))
                    .collect();
                return serde_json::from_str(&data).unwrap();
            }
        }
    }
}

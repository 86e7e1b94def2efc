//! Webhook → stored on the desktop, with the new-lead notification decided:
//! the real relay and the desktop engine in one process over loopback, first
//! with the push stream, then with the long-poll fallback. Prints p50/p99 over
//! `LEADBOX_BENCH_WEBHOOKS` (default 1,000) webhooks each; asserts nothing.
//!
//!     cargo bench -p leadbox-inbox --bench latency
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use leadbox_inbox::{Engine, Platform, SyncReport};
use leadbox_vault::InMemorySecretStore;
use sha2::Sha256;

const SECRET: &str = "bench-app-secret";
const ACCOUNT: &str = "17841400000000001";

fn webhook(n: usize) -> (Vec<u8>, String) {
    let body = serde_json::json!({"object": "instagram", "entry": [{"id": ACCOUNT, "time": 1, "messaging": [{
        "sender": {"id": format!("lead-{n}")}, "recipient": {"id": ACCOUNT}, "timestamp": 1_732_350_000_000_i64 + n as i64,
        "message": {"mid": format!("mid.bench.{n}"), "text": "Hi! How much is a haircut this Saturday?"}
    }]}]})
    .to_string()
    .into_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(&body);
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    (body, signature)
}

async fn post(http: &reqwest::Client, relay_url: &str, n: usize) {
    let (body, signature) = webhook(n);
    let status = http
        .post(format!("{relay_url}/webhooks/meta"))
        .header("X-Hub-Signature-256", signature)
        .body(body)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
}

fn decided(report: &SyncReport) -> bool {
    report.new_messages == 1 && report.new_contacts.len() == 1
}

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: {} webhooks, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        ms(at(0.50)),
        ms(at(0.99)),
        ms(at(1.0))
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::var("LEADBOX_BENCH_WEBHOOKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let relay_dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_url = format!("http://{}", listener.local_addr().unwrap());
    let config = leadbox_relay::RelayConfig {
        listen: listener.local_addr().unwrap(),
        data_dir: relay_dir.path().to_owned(),
        meta_app_secret: SECRET.into(),
        meta_verify_token: "v".into(),
        max_body_bytes: 1 << 20,
        envelope_ttl_days: 14,
        max_queue_per_device: 100_000,
        tls: None,
        limits: leadbox_relay::config::RateLimits {
            device_requests_per_second: 1_000_000,
            ..Default::default()
        },
        public_url: None,
        meta_app_id: None,
        graph_url: leadbox_relay::config::DEFAULT_GRAPH_URL.into(),
        instagram_graph_url: leadbox_relay::config::DEFAULT_INSTAGRAM_GRAPH_URL.into(),
        // Claimed without proof: this is not about who may claim.
        route_claims: leadbox_relay::config::RouteClaims::FirstClaim,
        database_url: None,
        signup: leadbox_relay::config::SignUp::Closed,
        login_dialog_url: leadbox_relay::config::DEFAULT_LOGIN_DIALOG_URL.into(),
        instagram: None,
        metrics_token: None,
    };
    let relay = leadbox_relay::prepare(config).await.unwrap();
    let invite = relay
        .store
        .create_invite("Bench Salon", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    tokio::spawn(leadbox_relay::serve(
        listener,
        relay,
        std::future::pending(),
    ));

    let desk_dir = tempfile::tempdir().unwrap();
    let (engine, _) =
        Engine::open_or_create(desk_dir.path(), Arc::new(InMemorySecretStore::default())).unwrap();
    engine.pair(&relay_url, &invite, "bench").await.unwrap();
    engine.claim(Platform::Instagram, ACCOUNT).await.unwrap();
    let engine = Arc::new(engine);
    let http = reqwest::Client::new();
    println!(
        "relay and desktop in one process over loopback; SQLite WAL synchronous=FULL at the relay, SQLCipher on the desktop"
    );

    // Push: the stream announces each envelope the moment it is stored.
    let mut session = engine.open_push().await.unwrap();
    let mut samples = Vec::with_capacity(count);
    for n in 0..count {
        let started = Instant::now();
        post(&http, &relay_url, n).await;
        loop {
            let report = engine.next_push(&mut session).await.unwrap().unwrap();
            if decided(&report) {
                break;
            }
        }
        samples.push(started.elapsed());
    }
    summary("push", samples);
    drop(session);

    // Long-poll: a fetch is already waiting when the webhook arrives.
    let mut samples = Vec::with_capacity(count);
    for n in count..2 * count {
        let waiting = {
            let engine = engine.clone();
            tokio::spawn(async move { engine.sync_once(Duration::from_secs(30)).await })
        };
        // Let the long-poll reach the relay before the webhook does.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let started = Instant::now();
        post(&http, &relay_url, n).await;
        let report = waiting.await.unwrap().unwrap();
        assert!(decided(&report), "{report:?}");
        samples.push(started.elapsed());
    }
    summary("long-poll", samples);
}

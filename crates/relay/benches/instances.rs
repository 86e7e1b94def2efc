//! Webhook → desktop push latency on a relay service: two relay instances
//! over one PostgreSQL (in this process, on loopback), a desktop streaming
//! from one of them while webhooks are posted to the other, one at a time.
//! The same with the webhook posted to the desktop's own instance, and with
//! one instance on SQLite, for comparison. Prints figures; asserts nothing.
//!
//!     scripts/with-postgres cargo bench -p leadbox-relay --bench instances
//!
//! `LEADBOX_BENCH_WEBHOOKS` (default 2,000) per case.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use leadbox_testkit::http::SendJson;
use std::time::{Duration, Instant};

use leadbox_envelope::DeviceSecretKey;
use leadbox_relay::RelayConfig;
use leadbox_testkit::signing::meta_signature;
use leadbox_testkit::webhooks::instagram_dm;
use tokio_postgres::NoTls;

const SECRET: &str = "bench-app-secret";

struct Instance {
    url: String,
    _dir: tempfile::TempDir,
}

async fn start(database_url: Option<String>) -> (Instance, leadbox_relay::SharedState) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = RelayConfig::load(None, |var| match var {
        "LEADBOX_RELAY_DATA_DIR" => Some(dir.path().display().to_string()),
        "LEADBOX_RELAY_META_APP_SECRET" => Some(SECRET.into()),
        "LEADBOX_RELAY_META_VERIFY_TOKEN" => Some("bench".into()),
        "LEADBOX_RELAY_ROUTE_CLAIMS" => Some("first_claim".into()),
        "LEADBOX_RELAY_DEVICE_REQUESTS_PER_SECOND" => Some("100000".into()),
        _ => None,
    })
    .unwrap();
    config.database_url = database_url;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = leadbox_relay::prepare(config).await.unwrap();
    tokio::spawn(leadbox_relay::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    (Instance { url, _dir: dir }, state)
}

fn signed(account: &str, n: usize) -> (Vec<u8>, String) {
    let at = 1_732_350_000_000_i64 + n as i64;
    let body = instagram_dm(
        account,
        "lead-1",
        &format!("mid.push.{n}"),
        "Hi! Is Saturday free?",
        at,
    )
    .to_string()
    .into_bytes();
    let signature = meta_signature(SECRET, &body);
    (body, signature)
}

/// Posts webhooks to `post_to` one at a time and times each until the desktop's
/// stream on `stream_from` delivers it. Returns latencies in milliseconds.
async fn push_latencies(
    post_to: &str,
    stream_from: &str,
    state: &leadbox_relay::SharedState,
    webhooks: usize,
) -> Vec<f64> {
    // An account of its own: cases may share one database.
    let account = format!("1784{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let http = reqwest::Client::new();
    let invite = state
        .store
        .create_invite(
            &format!("Bench {}", uuid::Uuid::new_v4()),
            leadbox_relay::store::unix_now(),
        )
        .await
        .unwrap();
    let key = DeviceSecretKey::generate();
    let registered: serde_json::Value = http
        .post(format!("{stream_from}/v1/devices"))
        .json(&serde_json::json!({"invite_code": invite, "public_key": key.public_key(), "device_name": "bench"}))
        .send_json()
        .await;
    let token = registered["token"].as_str().unwrap().to_owned();
    let claimed = http
        .post(format!("{stream_from}/v1/routes"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"platform": "instagram", "account_id": account}))
        .send()
        .await
        .unwrap();
    assert!(
        claimed.status().is_success(),
        "{}",
        claimed.text().await.unwrap()
    );
    let mut stream = http
        .get(format!("{stream_from}/v1/stream"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let mut latencies = Vec::with_capacity(webhooks);
    let mut buffer = String::new();
    for n in 0..webhooks {
        let (body, signature) = signed(&account, n);
        let started = Instant::now();
        let answer = http
            .post(format!("{post_to}/webhooks/meta"))
            .header("X-Hub-Signature-256", signature)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        loop {
            if let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if event.contains("event: envelopes") {
                    break;
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(30), stream.chunk())
                .await
                .expect("pushed within 30 s")
                .unwrap()
                .unwrap();
            buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    latencies
}

fn report(label: &str, mut latencies: Vec<f64>) {
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{label:<58} {:>6} webhooks  p50 {:>6.2} ms  p99 {:>6.2} ms  p99.9 {:>6.2} ms",
        latencies.len(),
        at(0.50),
        at(0.99),
        at(0.999)
    );
}

#[tokio::main]
async fn main() {
    let webhooks = std::env::var("LEADBOX_BENCH_WEBHOOKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let server = std::env::var("LEADBOX_TEST_POSTGRES")
        .expect("run through scripts/with-postgres: it starts the PostgreSQL server");
    let (admin, connection) = tokio_postgres::connect(&server, NoTls).await.unwrap();
    tokio::spawn(connection);
    admin
        .batch_execute("CREATE DATABASE bench_instances")
        .await
        .unwrap();
    let database = format!("{}/bench_instances", server.rsplit_once('/').unwrap().0);
    println!(
        "webhook (answered 200) → desktop push, one webhook at a time, on {} cores",
        std::thread::available_parallelism().map_or(0, usize::from)
    );

    let (sqlite, sqlite_state) = start(None).await;
    report(
        "one relay on SQLite",
        push_latencies(&sqlite.url, &sqlite.url, &sqlite_state, webhooks).await,
    );
    let (a, a_state) = start(Some(database.clone())).await;
    let (b, _b_state) = start(Some(database)).await;
    report(
        "PostgreSQL, posted to the desktop's own instance",
        push_latencies(&a.url, &a.url, &a_state, webhooks).await,
    );
    report(
        "PostgreSQL, posted to instance A, desktop streaming from B",
        push_latencies(&a.url, &b.url, &a_state, webhooks).await,
    );
}

//! Webhook → stored on the desktop, with the new-lead notification decided:
//! the real relay and the desktop engine in one process over loopback, first
//! with the push stream, then with the long-poll fallback. Prints p50/p99 over
//! `LEADBOX_BENCH_WEBHOOKS` (default 1,000) webhooks each; asserts nothing.
//!
//!     cargo bench -p leadbox-inbox --bench latency
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use leadbox_inbox::{Engine, InMemorySecretStore, Platform, SyncReport};
use leadbox_testkit::latency::Latencies;
use leadbox_testkit::relay::TestRelay;

const ACCOUNT: &str = "17841400000000001";

async fn post(relay: &TestRelay, n: usize) {
    let body = serde_json::json!({"object": "instagram", "entry": [{"id": ACCOUNT, "time": 1, "messaging": [{
        "sender": {"id": format!("lead-{n}")}, "recipient": {"id": ACCOUNT}, "timestamp": 1_732_350_000_000_i64 + n as i64,
        "message": {"mid": format!("mid.bench.{n}"), "text": "Hi! How much is a haircut this Saturday?"}
    }]}]});
    assert_eq!(relay.post_webhook(body.to_string().as_bytes()).await, 200);
}

fn decided(report: &SyncReport) -> bool {
    report.new_messages == 1 && report.new_contacts.len() == 1
}

fn summary(label: &str, samples: &Latencies) {
    println!(
        "{}",
        samples.summary(&format!("{label}, webhook to stored and decided"))
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::var("LEADBOX_BENCH_WEBHOOKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let relay = TestRelay::start(|config| {
        config.max_queue_per_device = 100_000;
        config.limits.device_requests_per_second = 1_000_000;
    })
    .await;
    let invite = relay.invite("Bench Salon").await;

    let desk_dir = tempfile::tempdir().unwrap();
    let (engine, _) =
        Engine::open_or_create(desk_dir.path(), Arc::new(InMemorySecretStore::default())).unwrap();
    engine.pair(&relay.url, &invite, "bench").await.unwrap();
    engine.claim(Platform::Instagram, ACCOUNT).await.unwrap();
    let engine = Arc::new(engine);
    println!(
        "relay and desktop in one process over loopback; SQLite WAL synchronous=FULL at the relay, SQLCipher on the desktop"
    );

    // Push: the stream announces each envelope the moment it is stored.
    let mut session = engine.open_push().await.unwrap();
    let mut samples = Latencies::default();
    for n in 0..count {
        let started = Instant::now();
        post(&relay, n).await;
        loop {
            let report = engine.next_push(&mut session).await.unwrap().unwrap();
            if decided(&report) {
                break;
            }
        }
        samples.record(started.elapsed());
    }
    summary("push", &samples);
    drop(session);

    // Long-poll: a fetch is already waiting when the webhook arrives.
    let mut samples = Latencies::default();
    for n in count..2 * count {
        let waiting = {
            let engine = engine.clone();
            tokio::spawn(async move { engine.sync_once(Duration::from_secs(30)).await })
        };
        // Let the long-poll reach the relay before the webhook does.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let started = Instant::now();
        post(&relay, n).await;
        let report = waiting.await.unwrap().unwrap();
        assert!(decided(&report), "{report:?}");
        samples.record(started.elapsed());
    }
    summary("long-poll", &samples);
}

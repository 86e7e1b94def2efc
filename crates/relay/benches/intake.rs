//! The relay binary under load: webhook intake latency and throughput (each
//! answered 200 only after its envelope is durable), and the process's memory
//! at idle and under load. Prints figures; asserts nothing.
//!
//!     cargo bench -p leadbox-relay --bench intake
//!
//! `LEADBOX_BENCH_WEBHOOKS` (default 20,000) and `LEADBOX_BENCH_CONCURRENCY`
//! (default 16) shape the load.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use leadbox_testkit::http::SendJson;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use leadbox_envelope::DeviceSecretKey;
use leadbox_testkit::signing::meta_signature;
use leadbox_testkit::webhooks::instagram_dm;

const SECRET: &str = "bench-app-secret";
const ACCOUNT: &str = "17841400000000001";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Resident and peak resident memory of a process, in MiB (Linux).
fn memory_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn webhook(n: usize) -> (Vec<u8>, String) {
    let body = instagram_dm(
        ACCOUNT,
        &format!("lead-{}", n % 500),
        &format!("mid.intake.{n}"),
        "Hola! ¿Cuánto cuesta un balayage? Is Saturday morning free?",
        1_732_350_000_000_i64 + n as i64,
    )
    .to_string()
    .into_bytes();
    let signature = meta_signature(SECRET, &body);
    (body, signature)
}

#[tokio::main]
async fn main() {
    let total = env_number("LEADBOX_BENCH_WEBHOOKS", 20_000);
    let concurrency = env_number("LEADBOX_BENCH_CONCURRENCY", 16);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("relay.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\ndata_dir = {:?}\nmeta_app_secret = \"{SECRET}\"\nmeta_verify_token = \"v\"\nmax_queue_per_device = {}\n# No Graph API here: the one account is claimed without proof.\nroute_claims = \"first_claim\"\n",
            dir.path().join("data"),
            total * 2
        ),
    )
    .unwrap();
    let relay_bin = env!("CARGO_BIN_EXE_leadbox-relay");
    let mut child = Command::new(relay_bin)
        .args(["--config", config.to_str().unwrap(), "serve"])
        .env("LEADBOX_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = format!(
        "http://{}",
        line.trim().strip_prefix("listening on ").unwrap()
    );
    let invite = Command::new(relay_bin)
        .args([
            "--config",
            config.to_str().unwrap(),
            "invite",
            "--business",
            "Bench Salon",
        ])
        .output()
        .unwrap();
    let invite = String::from_utf8(invite.stdout).unwrap().trim().to_owned();

    let http = reqwest::Client::new();
    let key = DeviceSecretKey::generate();
    let registered: serde_json::Value = http
        .post(format!("{url}/v1/devices"))
        .json(&serde_json::json!({"invite_code": invite, "public_key": key.public_key(), "device_name": "bench"}))
        .send_json()
        .await;
    let token = registered["token"].as_str().unwrap().to_owned();
    let claimed = http
        .post(format!("{url}/v1/routes"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"platform": "instagram", "account_id": ACCOUNT}))
        .send()
        .await
        .unwrap();
    assert!(claimed.status().is_success());

    tokio::time::sleep(Duration::from_secs(1)).await;
    let (idle_rss, _) = memory_mib(child.id());
    println!("relay binary {relay_bin}: idle RSS {idle_rss:.1} MiB (one business, one desktop)");

    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let http = http.clone();
        let url = url.clone();
        let next = next.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total {
                    return latencies;
                }
                let (body, signature) = webhook(n);
                let sent = Instant::now();
                let status = http
                    .post(format!("{url}/webhooks/meta"))
                    .header("X-Hub-Signature-256", signature)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert_eq!(status, 200);
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    let (loaded_rss, peak_rss) = memory_mib(child.id());
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "intake: {total} signed webhooks, {concurrency} at a time, in {:.1} s = {:.0} webhooks/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        ms(at(0.50)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    println!(
        "relay RSS after the load {loaded_rss:.1} MiB, peak {peak_rss:.1} MiB ({total} envelopes queued)"
    );
    let _ = child.kill();
    let _ = child.wait();
}

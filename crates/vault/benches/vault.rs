//! Vault figures: ingest throughput (SQLCipher and, for the ratio, plain
//! SQLite), full-text search latency, export throughput, purge and erasure.
//! Prints figures, asserts nothing.
//!
//!     cargo bench -p leadbox-vault --features bench-plaintext --bench vault
//!
//! `LEADBOX_BENCH_MESSAGES` (default 1,000,000) sets the vault size.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use leadbox_testkit::synthetic::{MESSAGES_PER_CONVERSATION, OWNER_QUERIES, SyntheticInbox};
use leadbox_vault::{
    DAY_MS, ExportFilter, ExportFormat, InMemorySecretStore, RetentionPolicy, SecretStore as _,
    Vault,
};

const BATCH: usize = 5_000;
const NOW: i64 = 1_800_000_000_000;

fn ingest_all(vault: &mut Vault, total: usize) -> Duration {
    let mut inbox = SyntheticInbox::new(NOW);
    let started = Instant::now();
    let mut n = 0;
    while n < total {
        let end = (n + BATCH).min(total);
        vault.ingest(&[inbox.batch(n, end)]).unwrap();
        n = end;
    }
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident memory of this process, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Child mode: open an existing vault as the app does at start (list every
/// conversation, open the newest) and report this process's peak memory.
fn measure_open(dir: &str, key_name: &str, key_hex: &str) {
    let secrets = InMemorySecretStore::default();
    secrets
        .set(key_name, &hex::decode(key_hex).unwrap())
        .unwrap();
    let started = Instant::now();
    let vault = Vault::open_or_create(std::path::Path::new(dir), &secrets)
        .unwrap()
        .into_vault();
    let conversations = vault.conversations().unwrap();
    let newest = vault.messages(conversations[0].id).unwrap();
    std::hint::black_box(newest);
    println!(
        "desktop vault with {} conversations: opened and listed in {:.0} ms, peak RSS {:.1} MiB",
        conversations.len(),
        ms(started.elapsed()),
        peak_rss_mib()
    );
}

fn main() {
    if let (Ok(dir), Ok(name), Ok(key)) = (
        std::env::var("LEADBOX_BENCH_OPEN_DIR"),
        std::env::var("LEADBOX_BENCH_OPEN_KEY_NAME"),
        std::env::var("LEADBOX_BENCH_OPEN_KEY"),
    ) {
        return measure_open(&dir, &name, &key);
    }
    let total: usize = std::env::var("LEADBOX_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let ratio_sample = total.min(100_000);
    println!(
        "vault benchmark: {total} messages, {} per conversation",
        MESSAGES_PER_CONVERSATION
    );

    // Ingest: SQLCipher vs plain SQLite, same code, same data.
    let plain_dir = tempfile::tempdir().unwrap();
    let mut plain = Vault::open_plaintext_for_benchmark(plain_dir.path()).unwrap();
    let plain_time = ingest_all(&mut plain, ratio_sample);
    drop(plain);
    let cipher_dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecretStore::default();
    let mut vault = Vault::open_or_create(cipher_dir.path(), &secrets)
        .unwrap()
        .into_vault();
    let cipher_time = ingest_all(&mut vault, ratio_sample);
    println!(
        "ingest {ratio_sample} messages: SQLCipher {:.0} msg/s, plain SQLite {:.0} msg/s, time ratio {:.2}",
        ratio_sample as f64 / cipher_time.as_secs_f64(),
        ratio_sample as f64 / plain_time.as_secs_f64(),
        cipher_time.as_secs_f64() / plain_time.as_secs_f64()
    );
    drop(vault);

    // The full-size vault.
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open_or_create(dir.path(), &secrets)
        .unwrap()
        .into_vault();
    let full_time = ingest_all(&mut vault, total);
    println!(
        "ingest {total} messages: {:.0} msg/s ({:.1} s)",
        total as f64 / full_time.as_secs_f64(),
        full_time.as_secs_f64()
    );
    let file_size = std::fs::metadata(vault.path()).unwrap().len();
    println!("vault file: {:.0} MiB", file_size as f64 / 1048576.0);

    // Memory of a fresh process opening this vault, as the app does at start.
    let vault_id = std::fs::read_to_string(dir.path().join("vault-id")).unwrap();
    let key_name = format!("vault-key:{}", vault_id.trim());
    let key = secrets.get(&key_name).unwrap().unwrap();
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .env("LEADBOX_BENCH_OPEN_DIR", dir.path())
        .env("LEADBOX_BENCH_OPEN_KEY_NAME", &key_name)
        .env("LEADBOX_BENCH_OPEN_KEY", hex::encode(&*key))
        .output()
        .unwrap();
    print!("{}", String::from_utf8_lossy(&child.stdout));

    // Search: realistic owner queries, each run several times.
    let queries = OWNER_QUERIES;
    let mut timings = Vec::new();
    for _ in 0..25 {
        for &query in queries {
            let started = Instant::now();
            let hits = vault.search(query, 50).unwrap();
            timings.push(started.elapsed());
            std::hint::black_box(hits);
        }
    }
    timings.sort();
    println!(
        "search (top 50, {} queries): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        timings.len(),
        ms(percentile(&timings, 0.5)),
        ms(percentile(&timings, 0.95)),
        ms(*timings.last().unwrap())
    );

    // Export everything as JSON Lines.
    let out = dir.path().join("export");
    let started = Instant::now();
    let summary = vault
        .export(
            &out,
            ExportFormat::Json,
            &ExportFilter::default(),
            &mut |_| {},
        )
        .unwrap();
    let elapsed = started.elapsed();
    println!(
        "export JSON Lines: {:.0} MiB in {:.2} s = {:.0} MB/s",
        summary.bytes as f64 / 1048576.0,
        elapsed.as_secs_f64(),
        summary.bytes as f64 / 1e6 / elapsed.as_secs_f64()
    );
    std::fs::remove_dir_all(&out).unwrap();

    // Erase one person from the full vault.
    let started = Instant::now();
    let receipt = vault
        .erase_person(
            &format!("@Person {}", total / MESSAGES_PER_CONVERSATION / 2 + 1)
                .parse()
                .unwrap(),
        )
        .unwrap();
    println!(
        "erase one person ({} messages) from {total}: {:.1} ms",
        receipt.messages,
        ms(started.elapsed())
    );

    // Purge half the vault with the default 90-day policy.
    vault
        .set_retention_policy(&RetentionPolicy::default())
        .unwrap();
    let started = Instant::now();
    let report = vault.run_retention(NOW).unwrap();
    println!(
        "retention purge: {} conversations, {} messages in {:.2} s",
        report.conversations,
        report.messages,
        started.elapsed().as_secs_f64()
    );
}

//! The window's commands while a long job runs. Opening a conversation
//! (its messages, draft and lead card), paging the list and searching are
//! timed while an export of the whole vault runs, then while a retention
//! purge deletes half of it; sync's writes (one new message at a time) are
//! timed alongside. For comparison, the same reads are timed with the export
//! on the one shared connection, as the vault worked before it had readers.
//! Target: p99 ≤ 50 ms for the window's commands. Prints figures, asserts
//! nothing.
//!
//!     cargo bench -p leadbox-inbox --bench window_under_load
//!
//! `LEADBOX_BENCH_MESSAGES` (default 1,000,000) sets the vault size.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use leadbox_channels::events::{Direction, Event, MessageEvent, TimestampSource};
use leadbox_inbox::{Engine, ExportFormat, ExportScope, InMemorySecretStore, ListFilter, Platform};
use leadbox_testkit::latency::Latencies;
use leadbox_testkit::synthetic::{MESSAGES_PER_CONVERSATION, OWNER_QUERIES, Rng, SyntheticInbox};

/// The pause between two rounds of the window's commands: an owner who
/// clicks and types without stopping, not a loop that only competes for the CPU.
const BETWEEN_ROUNDS: Duration = Duration::from_millis(20);

#[derive(Default)]
struct Figures {
    open: Latencies,
    page: Latencies,
    search: Latencies,
    sync_write: Latencies,
}

impl Figures {
    fn print(&self, during: &str) {
        println!(
            "  {}",
            self.open.summary(&format!("open a conversation, {during}"))
        );
        println!(
            "  {}",
            self.page.summary(&format!("page the list, {during}"))
        );
        println!("  {}", self.search.summary(&format!("search, {during}")));
        if !self.sync_write.is_empty() {
            println!(
                "  {}",
                self.sync_write
                    .summary(&format!("sync stores a message, {during}"))
            );
        }
    }
}

fn timed<T>(latencies: &mut Latencies, call: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = call();
    latencies.record(started.elapsed());
    out
}

/// One round of what the window asks for, on `engine`'s reader connections.
fn window_round(engine: &Engine, rng: &mut Rng, conversations: u64, figures: &mut Figures) {
    let id = i64::try_from(1 + rng.below(conversations)).unwrap();
    timed(&mut figures.open, || {
        // A conversation purged meanwhile is an answer too ("no longer exists").
        let _ = engine.messages(id);
        let _ = engine.draft_to_review(id);
        let _ = engine.lead_card(id);
    });
    timed(&mut figures.page, || {
        let first = engine
            .conversation_page(&ListFilter::All, None, 100)
            .unwrap();
        if let Some(after) = first.next {
            engine
                .conversation_page(&ListFilter::All, Some(after), 100)
                .unwrap();
        }
    });
    let query = rng.pick(OWNER_QUERIES);
    timed(&mut figures.search, || engine.search(query, 50).unwrap());
}

/// A new lead message, as sync stores it.
fn new_message(n: u64, now_ms: i64) -> Event {
    Event::Message(MessageEvent {
        route: Platform::Instagram,
        account_id: "ACC1".into(),
        contact_id: format!("new-lead-{n}"),
        contact_name: None,
        direction: Direction::Inbound,
        platform_message_id: format!("mid.new.{n}"),
        text: Some("Hi! Do you have time this Saturday?".into()),
        attachments: vec![],
        timestamp_ms: now_ms,
        timestamp_source: TimestampSource::Platform,
        comment: None,
    })
}

/// Runs `job` on its own thread and the window's rounds (and sync's writes,
/// with `with_sync`) until it finishes.
fn while_running(
    engine: &Arc<Engine>,
    conversations: u64,
    with_sync: bool,
    job: impl FnOnce(&Engine) + Send + 'static,
) -> (Figures, Duration) {
    let done = Arc::new(AtomicBool::new(false));
    let worker = {
        let (engine, done) = (Arc::clone(engine), Arc::clone(&done));
        std::thread::spawn(move || {
            let started = Instant::now();
            job(&engine);
            done.store(true, Ordering::Release);
            started.elapsed()
        })
    };
    let mut figures = Figures::default();
    let mut rng = Rng::seeded(42);
    let mut written = 0;
    while !done.load(Ordering::Acquire) {
        window_round(engine, &mut rng, conversations, &mut figures);
        if with_sync {
            written += 1;
            let message = new_message(written, leadbox_inbox::now_ms());
            timed(&mut figures.sync_write, || {
                engine.vault_for_tests().ingest(&[vec![message]]).unwrap()
            });
        }
        std::thread::sleep(BETWEEN_ROUNDS);
    }
    (figures, worker.join().unwrap())
}

fn main() {
    let total: usize = std::env::var("LEADBOX_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let conversations = (total / MESSAGES_PER_CONVERSATION) as u64;
    let dir = tempfile::tempdir().unwrap();
    let (engine, _) = Engine::create(dir.path(), Arc::new(InMemorySecretStore::default())).unwrap();
    let engine = Arc::new(engine);

    let started = Instant::now();
    let mut inbox = SyntheticInbox::new(leadbox_inbox::now_ms());
    for from in (0..total).step_by(5_000) {
        let batch = inbox.batch(from, (from + 5_000).min(total));
        engine.vault_for_tests().ingest(&[batch]).unwrap();
    }
    println!(
        "window under load: {total} messages in {conversations} conversations (filled in {:.0} s)",
        started.elapsed().as_secs_f64()
    );

    let (idle, _) = {
        let mut figures = Figures::default();
        let mut rng = Rng::seeded(7);
        for _ in 0..100 {
            window_round(&engine, &mut rng, conversations, &mut figures);
        }
        (figures, ())
    };
    println!("idle:");
    idle.print("idle");

    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("export");
    let (figures, took) = while_running(&engine, conversations, true, move |engine| {
        engine
            .export(
                &target,
                ExportFormat::Json,
                ExportScope::Everything,
                None,
                &mut |_| {},
            )
            .unwrap();
    });
    println!(
        "during an export of everything ({:.1} s):",
        took.as_secs_f64()
    );
    figures.print("during the export");

    // As before the vault had readers: the export and every read share one
    // connection, so a read waits for the whole export.
    let shared = {
        let target = out.path().join("export-shared");
        let engine_for_job = Arc::clone(&engine);
        let done = Arc::new(AtomicBool::new(false));
        let job_done = Arc::clone(&done);
        let worker = std::thread::spawn(move || {
            let vault = engine_for_job.vault_for_tests();
            let filter = leadbox_vault::ExportFilter {
                person: None,
                since_ms: None,
            };
            vault
                .export(&target, ExportFormat::Json, &filter, &mut |_| {})
                .unwrap();
            job_done.store(true, Ordering::Release);
        });
        let mut opened = Latencies::default();
        let mut rng = Rng::seeded(9);
        while !done.load(Ordering::Acquire) {
            let id = i64::try_from(1 + rng.below(conversations)).unwrap();
            timed(&mut opened, || {
                engine.vault_for_tests().messages(id).unwrap()
            });
            std::thread::sleep(BETWEEN_ROUNDS);
        }
        worker.join().unwrap();
        opened
    };
    println!("during an export on the one shared connection (before readers):");
    println!("  {}", shared.summary("open a conversation's messages"));

    let (figures, took) = while_running(&engine, conversations, true, |engine| {
        let report = engine.run_retention().unwrap();
        println!(
            "  (the purge deleted {} conversations, {} messages)",
            report.conversations, report.messages
        );
    });
    println!(
        "during a retention purge of half the vault ({:.1} s):",
        took.as_secs_f64()
    );
    figures.print("during the purge");
}

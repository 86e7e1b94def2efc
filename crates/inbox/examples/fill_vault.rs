//! Fills a data folder's vault with synthetic conversations for
//! `bench/app-cold-start`: `fill_vault DIR [CONVERSATIONS]` (default 100,000,
//! three messages each). The vault key goes to the OS keychain, as the app's.

#![allow(clippy::print_stdout)] // A command-line tool: its output is the point.

use std::sync::Arc;

use leadbox_channels::events::{Direction, Event, MessageEvent};
use leadbox_inbox::{Engine, Platform};
use leadbox_vault::OsKeychain;

fn message(n: usize, k: usize, at: i64) -> Event {
    let (route, account) = match n % 3 {
        0 => (Platform::Instagram, "17841400000000001"),
        1 => (Platform::Messenger, "PAGE1"),
        _ => (Platform::Whatsapp, "PN1"),
    };
    let inbound = k != 1;
    Event::Message(MessageEvent {
        route,
        account_id: account.into(),
        contact_id: format!("lead-{n}"),
        contact_name: n.is_multiple_of(2).then(|| format!("Lead {n}")),
        direction: if inbound {
            Direction::Inbound
        } else {
            Direction::Outbound
        },
        platform_message_id: format!("mid-{n}-{k}"),
        text: Some(match k {
            0 => format!("Hi! Do you have an opening on Saturday for a haircut? ({n})"),
            1 => "Yes, 11:00 or 15:30. Which suits you?".into(),
            _ => "15:30 please, thank you!".into(),
        }),
        attachments: Vec::new(),
        timestamp_ms: at,
        timestamp_source: leadbox_channels::events::TimestampSource::Platform,
        comment: None,
    })
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: fill_vault DIR [CONVERSATIONS]"))?;
    let total: usize = args.next().map_or(Ok(100_000), |n| n.parse())?;
    let (engine, _) =
        Engine::open_or_create(std::path::Path::new(&dir), Arc::new(OsKeychain::default()))?;
    // Newest first from now, a minute apart: 100,000 span ~70 days, inside
    // the default retention period (so the app's first retention run keeps them).
    let start = leadbox_inbox::now_ms() - 3_000;
    let started = std::time::Instant::now();
    for chunk in (0..total).collect::<Vec<_>>().chunks(2_000) {
        let batch: Vec<Vec<Event>> = chunk
            .iter()
            .map(|&n| {
                let at = start - i64::try_from(n).unwrap_or(0) * 60_000;
                (0..3)
                    .map(|k| message(n, k, at + k as i64 * 1_000))
                    .collect()
            })
            .collect();
        engine.vault_for_tests().ingest(&batch)?;
    }
    println!(
        "{total} conversations ({} messages) in {:.1} s",
        total * 3,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

//! Tests of `media`: queued with their message, kept, retried, and gone
//! with their message whichever way it goes.

use leadbox_channels::Platform;
use leadbox_channels::events::{Attachment, Direction, Event, MessageEvent, TimestampSource};

use super::*;
use crate::erasure::ContactSelector;
use crate::testing::vault;
use crate::{DAY_MS, ExportFilter, ExportFormat, RetentionPolicy};

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

fn photo(mid: &str, media_id: &str, at: i64) -> Event {
    Event::Message(MessageEvent {
        route: Platform::Whatsapp,
        account_id: "PN1".into(),
        contact_id: "34600111222".into(),
        contact_name: Some("Ana".into()),
        direction: Direction::Inbound,
        platform_message_id: mid.into(),
        text: Some("[image] our garden".into()),
        attachments: vec![
            Attachment {
                kind: "image".into(),
                url: Some(format!("whatsapp-media:{media_id}")),
            },
            // Not WhatsApp media: nothing to fetch.
            Attachment {
                kind: "link".into(),
                url: Some("https://example.com/x".into()),
            },
        ],
        timestamp_ms: at,
        timestamp_source: TimestampSource::Platform,
        comment: None,
    })
}

fn one_message(vault: &Vault) -> i64 {
    let conversation = vault.conversations().unwrap()[0].id;
    vault.messages(conversation).unwrap()[0].id
}

#[test]
fn a_whatsapp_photo_is_queued_with_its_message_kept_and_shown_with_it() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![photo("wamid.1", "MEDIA1", 1_000)]])
        .unwrap();
    // A redelivery of the same message queues nothing twice.
    vault
        .ingest(&[vec![photo("wamid.1", "MEDIA1", 1_000)]])
        .unwrap();
    let waiting = vault.media_to_fetch(i64::MAX, 10).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (
            waiting[0].index,
            waiting[0].media_id.as_str(),
            waiting[0].account.platform
        ),
        (0, "MEDIA1", Platform::Whatsapp)
    );
    let message = waiting[0].message_id;
    assert_eq!(
        vault.media_bytes(message, 0).unwrap(),
        None,
        "nothing before it is fetched"
    );

    vault.store_media(message, 0, "image/jpeg", JPEG).unwrap();
    assert!(vault.media_to_fetch(i64::MAX, 10).unwrap().is_empty());
    assert_eq!(
        vault.media_bytes(message, 0).unwrap(),
        Some(("image/jpeg".to_owned(), JPEG.to_vec()))
    );
    let shown = vault
        .messages(vault.conversations().unwrap()[0].id)
        .unwrap();
    assert_eq!(
        shown[0].media,
        [MediaInfo {
            index: 0,
            state: MediaState::Stored,
            mime_type: Some("image/jpeg".into()),
            size: Some(JPEG.len() as i64),
            problem: None,
        }]
    );
}

#[test]
fn a_failed_fetch_waits_longer_each_time_then_gives_up_and_a_large_file_is_not_kept() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![photo("wamid.1", "MEDIA1", 1_000)]])
        .unwrap();
    let message = one_message(&vault);
    let mut now = now_ms();
    let mut waits = Vec::new();
    for _ in 1..MAX_ATTEMPTS {
        vault
            .media_not_kept(
                message,
                0,
                MediaState::Waiting,
                Some("Meta cannot be reached"),
                now,
            )
            .unwrap();
        assert!(
            vault.media_to_fetch(now, 10).unwrap().is_empty(),
            "not at once"
        );
        let next: i64 = vault
            .conn
            .query_row("SELECT next_attempt_at FROM media", [], |r| r.get(0))
            .unwrap();
        waits.push(next - now);
        now = next;
        assert_eq!(
            vault.media_to_fetch(now, 10).unwrap().len(),
            1,
            "then again"
        );
    }
    // A minute, doubling.
    assert_eq!(waits, [60_000, 120_000, 240_000, 480_000, 960_000]);
    vault
        .media_not_kept(
            message,
            0,
            MediaState::Waiting,
            Some("Meta cannot be reached"),
            now,
        )
        .unwrap();
    assert_eq!(
        vault.media_of(message).unwrap()[0].state,
        MediaState::Failed
    );
    assert!(vault.media_to_fetch(i64::MAX, 10).unwrap().is_empty());

    let large = vec![0u8; MAX_MEDIA_BYTES as usize + 1];
    vault
        .ingest(&[vec![photo("wamid.2", "MEDIA2", 2_000)]])
        .unwrap();
    let second = vault.media_to_fetch(i64::MAX, 10).unwrap()[0].message_id;
    vault.store_media(second, 0, "video/mp4", &large).unwrap();
    assert_eq!(
        vault.media_of(second).unwrap()[0].state,
        MediaState::TooLarge
    );
    assert_eq!(vault.media_bytes(second, 0).unwrap(), None);
}

#[test]
fn a_photo_goes_with_its_message_by_unsending_retention_and_erasure() {
    let (_dir, mut vault) = vault();
    let count = |vault: &Vault| -> i64 {
        vault
            .conn
            .query_row("SELECT count(*) FROM media", [], |r| r.get(0))
            .unwrap()
    };
    // Unsent by the person.
    vault
        .ingest(&[vec![photo("wamid.1", "MEDIA1", now_ms())]])
        .unwrap();
    let message = one_message(&vault);
    vault.store_media(message, 0, "image/jpeg", JPEG).unwrap();
    vault
        .ingest(&[vec![Event::MessageDeleted {
            route: Platform::Whatsapp,
            account_id: "PN1".into(),
            platform_message_id: "wamid.1".into(),
        }]])
        .unwrap();
    assert_eq!(count(&vault), 0);

    // Retention's text removal.
    let old = now_ms() - 40 * DAY_MS;
    vault
        .ingest(&[vec![photo("wamid.2", "MEDIA2", old)]])
        .unwrap();
    assert_eq!(count(&vault), 1);
    vault
        .set_retention_policy(&RetentionPolicy {
            delete_inactive_after_days: None,
            sanitize_bodies_after_days: Some(30),
            ..RetentionPolicy::default()
        })
        .unwrap();
    vault.run_retention(now_ms()).unwrap();
    assert_eq!(count(&vault), 0);

    // Erasure of the person.
    vault
        .ingest(&[vec![photo("wamid.3", "MEDIA3", now_ms())]])
        .unwrap();
    assert_eq!(count(&vault), 1);
    vault
        .erase_person(&ContactSelector::Platform(
            Platform::Whatsapp,
            "34600111222".into(),
        ))
        .unwrap();
    assert_eq!(count(&vault), 0);
}

#[test]
fn an_export_holds_each_kept_photo_as_a_file_named_in_media_jsonl() {
    let (dir, mut vault) = vault();
    vault
        .ingest(&[vec![photo("wamid.1", "MEDIA1", 1_000)]])
        .unwrap();
    vault
        .ingest(&[vec![photo("wamid.2", "MEDIA2", 2_000)]])
        .unwrap();
    let waiting = vault.media_to_fetch(i64::MAX, 10).unwrap();
    vault
        .store_media(waiting[0].message_id, 0, "image/jpeg", JPEG)
        .unwrap();
    let out = dir.path().join("export");
    vault
        .export(
            &out,
            ExportFormat::Json,
            &ExportFilter::default(),
            &mut |_| {},
        )
        .unwrap();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(out.join("media.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let file = lines[0]["file"].as_str().unwrap();
    assert_eq!(file, format!("media/{}-0.jpg", waiting[0].message_id));
    assert_eq!(std::fs::read(out.join(file)).unwrap(), JPEG);
    assert_eq!(lines[1]["state"], "waiting");
    assert!(lines[1]["file"].is_null());
}

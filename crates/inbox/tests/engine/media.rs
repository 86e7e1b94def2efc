//! Photos and files WhatsApp leads send, against the local Graph API: fetched
//! with the number's token after a sync, shown only when their bytes are an
//! image, saved as files, and an expired or oversized one explained.

use leadbox_inbox::{MediaState, Platform};
use leadbox_testkit::graph::FakeMedia;
use serde_json::{Value, json};

use crate::world::{World, now_ms, whatsapp_message};

const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
];

fn whatsapp_media_message(mid: &str, kind: &str, media_id: &str) -> Value {
    whatsapp_message(
        mid,
        "Ana García",
        json!({"type": kind, kind: {"id": media_id, "mime_type": "image/jpeg", "sha256": "x", "caption": "our garden"}}),
        0,
    )
}

async fn connected() -> World {
    let world = World::new(Platform::Whatsapp, "P1").await;
    world.connect_whatsapp().await;
    world
}

/// Meta holds `media` as `media_id`, and a photo message naming it arrives.
async fn photo_arrives(world: &World, media_id: &str, media: FakeMedia) {
    world
        .graph
        .lock()
        .await
        .media
        .insert(media_id.into(), media);
    world
        .webhook(whatsapp_media_message(
            &format!("wamid.{media_id}"),
            "image",
            media_id,
        ))
        .await;
}

fn media_of_last_message(world: &World) -> (i64, Vec<leadbox_inbox::MediaInfo>) {
    let conversation = world.engine.conversations().unwrap()[0].id;
    let message = world.engine.messages(conversation).unwrap().pop().unwrap();
    (message.id, message.media)
}

#[tokio::test]
async fn a_photo_is_fetched_with_the_numbers_token_kept_shown_and_saved() {
    let world = connected().await;
    photo_arrives(&world, "MEDIA1", FakeMedia::new("image/jpeg", JPEG)).await;
    let (message, media) = media_of_last_message(&world);
    assert_eq!(media[0].state, MediaState::Waiting);

    assert_eq!(world.engine.fetch_media().await.unwrap(), 1);
    let (_, media) = media_of_last_message(&world);
    assert_eq!(media[0].state, MediaState::Stored);
    assert_eq!(media[0].size, Some(JPEG.len() as i64));
    assert_eq!(
        world.engine.media_image(message, 0).unwrap(),
        Some(("image/jpeg", JPEG.to_vec()))
    );
    // Fetched once: the next sync has nothing to fetch.
    assert_eq!(world.engine.fetch_media().await.unwrap(), 0);
    assert_eq!(world.graph.lock().await.media_downloads, 1);

    let downloads = tempfile::tempdir().unwrap();
    let first = world
        .engine
        .save_media(message, 0, downloads.path())
        .unwrap();
    let second = world
        .engine
        .save_media(message, 0, downloads.path())
        .unwrap();
    assert_ne!(first, second, "a saved file is never overwritten");
    assert_eq!(std::fs::read(&first).unwrap(), JPEG);
    assert_eq!(first.extension().unwrap(), "jpg");
}

#[tokio::test]
async fn bytes_that_are_not_an_image_are_never_shown_as_one() {
    let world = connected().await;
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
    photo_arrives(&world, "MEDIA-SVG", FakeMedia::new("image/jpeg", svg)).await;
    world.engine.fetch_media().await.unwrap();
    let (message, media) = media_of_last_message(&world);
    assert_eq!(
        media[0].state,
        MediaState::Stored,
        "kept, to save as a file"
    );
    assert_eq!(world.engine.media_image(message, 0).unwrap(), None);
}

#[tokio::test]
async fn an_expired_or_oversized_attachment_is_explained_and_not_fetched_again() {
    let world = connected().await;
    {
        let mut graph = world.graph.lock().await;
        let mut expired = FakeMedia::new("image/jpeg", JPEG);
        expired.expired = true;
        graph.media.insert("MEDIA-OLD".into(), expired);
        let mut huge = FakeMedia::new("video/mp4", b"not really");
        huge.claimed_size = Some(200 * 1024 * 1024);
        graph.media.insert("MEDIA-HUGE".into(), huge);
    }
    world
        .webhook(whatsapp_media_message("wamid.OLD", "image", "MEDIA-OLD"))
        .await;
    world.engine.fetch_media().await.unwrap();
    let (_, media) = media_of_last_message(&world);
    assert_eq!(media[0].state, MediaState::Expired);
    assert!(media[0].problem.as_deref().unwrap().contains("30 days"));

    world
        .webhook(whatsapp_media_message("wamid.HUGE", "video", "MEDIA-HUGE"))
        .await;
    let downloads_before = world.graph.lock().await.media_downloads;
    world.engine.fetch_media().await.unwrap();
    let (_, media) = media_of_last_message(&world);
    assert_eq!(media[0].state, MediaState::TooLarge);
    assert_eq!(
        world.graph.lock().await.media_downloads,
        downloads_before,
        "the size Meta gives stops it before any byte is read"
    );
    assert_eq!(world.engine.fetch_media().await.unwrap(), 0);

    // A media id Meta never had reads as expired too.
    world
        .webhook(whatsapp_media_message(
            "wamid.GONE",
            "image",
            "NO-SUCH-MEDIA",
        ))
        .await;
    world.engine.fetch_media().await.unwrap();
    let (_, media) = media_of_last_message(&world);
    assert_eq!(media[0].state, MediaState::Expired);
}

#[tokio::test]
async fn an_expired_token_keeps_the_photo_waiting_and_asks_to_reconnect() {
    let world = connected().await;
    photo_arrives(&world, "MEDIA1", FakeMedia::new("image/jpeg", JPEG)).await;
    world.graph.lock().await.expired = true;
    assert_eq!(world.engine.fetch_media().await.unwrap(), 0);
    let (_, media) = media_of_last_message(&world);
    assert_eq!(media[0].state, MediaState::Waiting);
    assert!(media[0].problem.as_deref().unwrap().contains("reconnect"));
    assert_eq!(
        world.engine.accounts().unwrap()[0].status,
        leadbox_inbox::AccountStatus::NeedsReconnect
    );
}

fn instagram_photo(mid: &str, url: &str) -> Value {
    json!({"object": "instagram", "entry": [{"id": "178", "time": now_ms(), "messaging": [{
        "sender": {"id": "IGSID9"}, "recipient": {"id": "178"}, "timestamp": now_ms(),
        "message": {"mid": mid, "attachments": [{"type": "image", "payload": {"url": url}}]}}]}]})
}

#[tokio::test]
async fn an_instagram_photo_is_fetched_when_the_owner_asks_and_an_expired_address_says_so() {
    let world = World::new(Platform::Instagram, "178").await;
    let base = world.graph_root();
    {
        let mut graph = world.graph.lock().await;
        graph
            .content
            .insert("garden.jpg".into(), FakeMedia::new("image/jpeg", JPEG));
        let mut old = FakeMedia::new("image/jpeg", JPEG);
        old.expired = true;
        graph.content.insert("old.jpg".into(), old);
    }
    world
        .webhook(instagram_photo(
            "mid.IMG1",
            &format!("{base}/cdn/garden.jpg"),
        ))
        .await;
    let (message, media) = media_of_last_message(&world);
    assert!(media.is_empty(), "nothing is fetched before the owner asks");
    assert_eq!(world.engine.fetch_media().await.unwrap(), 0);

    world.engine.fetch_attachment(message, 0).await.unwrap();
    assert_eq!(
        world.engine.media_image(message, 0).unwrap(),
        Some(("image/jpeg", JPEG.to_vec()))
    );

    world
        .webhook(instagram_photo("mid.IMG2", &format!("{base}/cdn/old.jpg")))
        .await;
    let (message, _) = media_of_last_message(&world);
    world.engine.fetch_attachment(message, 0).await.unwrap();
    let (_, media) = media_of_last_message(&world);
    assert_eq!(media[0].state, MediaState::Expired);
    assert!(media[0].problem.as_deref().unwrap().contains("expired"));
    assert!(
        world.engine.fetch_attachment(message, 5).await.is_err(),
        "no such attachment"
    );
}

//! Push and long-poll delivery, lost envelopes, a crash between store and acknowledgement.

use std::time::Duration;

use leadbox_inbox::Platform;

use crate::world::{World, messenger_dm};

#[tokio::test]
async fn the_push_stream_stores_a_webhook_without_polling() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    let mut push = world.engine.open_push().await.unwrap();
    world
        .post_only(messenger_dm("m_push", "Pushed to me?", 1_000, false))
        .await;
    let report = tokio::time::timeout(Duration::from_secs(10), world.engine.next_push(&mut push))
        .await
        .expect("pushed within 10 s")
        .unwrap()
        .expect("the stream stays open");
    assert_eq!((report.envelopes, report.new_messages), (1, 1));
    let conversations = world.engine.conversations().unwrap();
    assert_eq!(
        conversations[0].last_message_text.as_deref(),
        Some("Pushed to me?")
    );
    // Acknowledged: a long-poll finds nothing left to deliver.
    let again = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(again.envelopes, 0);
}

#[tokio::test]
async fn envelopes_the_relay_dropped_are_counted_on_the_desktop_once() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .post_only(messenger_dm("m_old", "Anyone there?", 1_000, false))
        .await;
    let expired = world
        .relay
        .state
        .store
        .expire(leadbox_relay::store::unix_now() + 10)
        .await
        .unwrap();
    assert_eq!(expired.envelopes, 1);
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!((report.envelopes, report.lost), (0, 1));
    assert_eq!(world.engine.envelopes_lost_total().unwrap(), 1);
    let again = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(again.lost, 0, "the relay stops reporting once confirmed");
    assert_eq!(world.engine.envelopes_lost_total().unwrap(), 1);
}

#[tokio::test]
async fn envelopes_stored_before_a_crash_are_acknowledged_on_the_next_sync() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .post_only(messenger_dm("m_crash", "Hello?", 1_000, false))
        .await;
    let store = &world.relay.state.store;
    assert_eq!(store.queue_depth().await.unwrap(), 1);
    // The state a kill leaves between the vault commit and the ack: the cursor
    // already skips the envelope, which waits at the relay unacknowledged.
    let device = store.devices().await.unwrap()[0].device_id.clone();
    let page = store.envelopes_after(&device, 0, 10).await;
    let cursor = page.unwrap()[0].cursor;
    world
        .engine
        .vault_for_tests()
        .set_settings(&[
            ("relay_cursor", &cursor.to_string()),
            (
                "relay_pending_ack",
                &format!(r#"{{"cursors":[{cursor}],"lost":0}}"#),
            ),
        ])
        .unwrap();
    world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(
        store.queue_depth().await.unwrap(),
        0,
        "the next sync acknowledged it"
    );
}

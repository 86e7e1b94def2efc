//! The built-in drafter learns from the owner: a reply the owner sent to
//! one lead comes back, marked, for another lead's similar question.

use leadbox_inbox::Platform;

use crate::world::{World, messenger_dm, now_ms};

#[tokio::test]
async fn the_owners_reply_to_one_lead_is_reused_and_marked_for_the_next() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm(
            "m_in_1",
            "Do you sell gift vouchers?",
            60_000,
            false,
        ))
        .await;
    let first = world.pending_draft();
    world
        .engine
        .approve_and_send(
            first,
            Some("Yes, gift vouchers from €20 at the desk."),
            false,
        )
        .await
        .unwrap();

    let other_lead = leadbox_testkit::webhooks::messenger_dm(
        "PAGE1",
        "PSID8",
        "m_in_2",
        "Hello! Do you sell gift vouchers?",
        now_ms(),
        false,
    );
    world.webhook(other_lead).await;
    let second = world.pending_draft();
    assert_ne!(second, first);
    let row = world
        .engine
        .vault_for_tests()
        .draft(second)
        .unwrap()
        .unwrap();
    let text = row.text.unwrap();
    assert!(
        text.contains("Yes, gift vouchers from €20 at the desk."),
        "{text}"
    );
    let kinds: Vec<&str> = row
        .flags
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["reused_answer"], "{text}");

    // Erasing the first lead takes their conversation, and the answer with it.
    let first_conversation = world
        .engine
        .vault_for_tests()
        .draft(first)
        .unwrap()
        .unwrap()
        .conversation_id;
    world
        .engine
        .erase_person_of_conversation(first_conversation)
        .unwrap();
    assert!(
        world
            .engine
            .vault_for_tests()
            .owner_replies(10)
            .unwrap()
            .is_empty()
    );
    let redrafted = world.engine.regenerate_draft(second).await.unwrap();
    let text = world
        .engine
        .vault_for_tests()
        .draft(redrafted.id)
        .unwrap()
        .unwrap()
        .text
        .unwrap();
    assert!(!text.contains("€20"), "{text}");
}

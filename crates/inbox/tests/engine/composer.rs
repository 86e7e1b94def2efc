//! The owner's own words: a reply written in the composer goes out once,
//! under the same rules as an approved draft; saved replies are filled from
//! the conversation and the profile.

use leadbox_inbox::{
    BusinessProfile, Connection, DraftAuthor, DraftStatus, InboxError, Platform, ReplyVerdict,
};
use serde_json::json;

use crate::world::{World, messenger_dm, whatsapp_text};

async fn whatsapp_world(age_ms: i64) -> World {
    let world = World::new(Platform::Whatsapp, "P1").await;
    world
        .webhook(whatsapp_text(
            "wamid.IN1",
            "Ana García",
            "¿Abrís el sábado?",
            age_ms,
        ))
        .await;
    world.connect_whatsapp().await;
    world
}

fn only_conversation(world: &World) -> i64 {
    world.engine.conversations().unwrap().remove(0).id
}

#[tokio::test]
async fn a_reply_the_owner_wrote_is_sent_once_and_sets_the_suggested_one_aside() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "Do you do beards?", 60_000, false))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let suggested = world.pending_draft();
    let conversation = only_conversation(&world);
    let window = world.engine.composer_reply_window(conversation).unwrap();
    assert_eq!(window.state, ReplyVerdict::Open);

    let empty = world
        .engine
        .send_owner_reply(conversation, "  \n", false)
        .await
        .unwrap_err();
    assert!(error_says(&empty, "cannot be empty"), "{empty}");
    assert_eq!(world.draft_status(suggested), DraftStatus::Pending);

    let sent = world
        .engine
        .send_owner_reply(conversation, " Yes: €12, ten minutes. ", false)
        .await
        .unwrap();
    assert_eq!(sent, "m_SENT1");
    let sends = world.sends().await;
    assert_eq!(sends.len(), 1);
    assert_eq!(
        sends[0].2,
        json!({"recipient": {"id": "PSID7"}, "messaging_type": "RESPONSE", "message": {"text": "Yes: €12, ten minutes."}})
    );
    assert_eq!(world.draft_status(suggested), DraftStatus::Stale);
    assert!(
        world
            .engine
            .draft_to_review(conversation)
            .unwrap()
            .is_none()
    );
    let last = world.engine.messages(conversation).unwrap().pop().unwrap();
    assert_eq!(last.text.as_deref(), Some("Yes: €12, ten minutes."));
}

#[tokio::test]
async fn the_owners_reply_obeys_the_window_and_gets_the_human_agent_tag_only_when_allowed() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm(
            "m_in_old",
            "Still free on Friday?",
            3 * 24 * 3_600_000,
            false,
        ))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let conversation = only_conversation(&world);
    assert_eq!(
        world
            .engine
            .composer_reply_window(conversation)
            .unwrap()
            .state,
        ReplyVerdict::Closed
    );
    let error = world
        .engine
        .send_owner_reply(conversation, "Yes, Friday at 5.", false)
        .await
        .unwrap_err();
    assert!(matches!(error, InboxError::NotSent(_)), "{error}");
    assert!(world.sends().await.is_empty());
    // The refused reply is kept, to send again once it may go.
    let kept = world.engine.draft_to_review(conversation).unwrap().unwrap();
    assert_eq!(
        (kept.written_by, kept.status, kept.text.as_str()),
        (
            DraftAuthor::Owner,
            DraftStatus::SendFailed,
            "Yes, Friday at 5."
        )
    );

    world
        .engine
        .add_account(
            Platform::Messenger,
            "PAGE1",
            Connection::Page,
            leadbox_testkit::graph::PAGE_TOKEN,
            true,
        )
        .await
        .unwrap();
    assert_eq!(
        world
            .engine
            .composer_reply_window(conversation)
            .unwrap()
            .state,
        ReplyVerdict::HumanAgent
    );
    world
        .engine
        .approve_and_send(kept.id, None, false)
        .await
        .unwrap();
    let sends = world.sends().await;
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].2["tag"], "HUMAN_AGENT");
}

#[tokio::test]
async fn whatsapp_after_24_hours_refuses_a_written_reply_and_stop_is_respected() {
    let late = whatsapp_world(30 * 3_600_000).await;
    let conversation = only_conversation(&late);
    assert_eq!(
        late.engine
            .composer_reply_window(conversation)
            .unwrap()
            .state,
        ReplyVerdict::TemplateNeeded
    );
    assert!(
        late.engine
            .send_owner_reply(conversation, "¡Sí!", false)
            .await
            .is_err()
    );
    assert!(late.sends().await.is_empty());

    let world = whatsapp_world(60_000).await;
    world
        .webhook(whatsapp_text("wamid.IN2", "Ana García", "STOP", 30_000))
        .await;
    let conversation = only_conversation(&world);
    let error = world
        .engine
        .send_owner_reply(conversation, "Understood, we won't write again.", false)
        .await
        .unwrap_err();
    assert!(
        error_says(&error, "asked not to receive messages"),
        "{error}"
    );
    assert!(world.sends().await.is_empty());
    world
        .engine
        .send_owner_reply(conversation, "Understood, we won't write again.", true)
        .await
        .unwrap();
    assert_eq!(world.sends().await.len(), 1);
}

#[tokio::test]
async fn a_reply_is_refused_in_a_conversation_that_is_gone_or_too_long_for_the_channel() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "hi", 60_000, false))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let gone = world
        .engine
        .send_owner_reply(9_999, "hello", false)
        .await
        .unwrap_err();
    assert!(
        matches!(gone, InboxError::NoSuchConversation(9_999)),
        "{gone}"
    );
    assert!(matches!(
        world.engine.composer_reply_window(9_999),
        Err(InboxError::NoSuchConversation(9_999))
    ));
    let conversation = only_conversation(&world);
    let long = "a".repeat(leadbox_drafts::channel_limit(Platform::Messenger) + 1);
    let error = world
        .engine
        .send_owner_reply(conversation, &long, false)
        .await
        .unwrap_err();
    assert!(matches!(error, InboxError::NotSent(_)), "{error}");
    assert!(world.sends().await.is_empty());
}

#[tokio::test]
async fn a_saved_reply_is_filled_from_the_person_and_the_profile() {
    let world = whatsapp_world(60_000).await;
    world
        .engine
        .set_business_profile(&BusinessProfile {
            name: "Ana's Salon".into(),
            booking_link: Some("https://book.example/ana".into()),
            languages: vec!["es".into()],
            ..BusinessProfile::default()
        })
        .unwrap();
    let saved = world
        .engine
        .save_saved_reply(
            None,
            "Booking",
            "Hola {first_name}, reserva en {booking_link} o llama al {phone}. {sign_off}",
        )
        .unwrap();
    assert_eq!(
        world.engine.saved_replies("RESERVA").unwrap(),
        vec![saved.clone()]
    );
    let conversation = only_conversation(&world);
    let filled = world
        .engine
        .fill_saved_reply(saved.id, conversation)
        .unwrap();
    assert_eq!(
        filled.text,
        "Hola Ana, reserva en https://book.example/ana o llama al {phone}. {sign_off}"
    );
    assert_eq!(filled.unfilled, ["phone", "sign_off"]);
    assert!(matches!(
        world.engine.fill_saved_reply(saved.id, 9_999),
        Err(InboxError::NoSuchConversation(9_999))
    ));
    world.engine.delete_saved_reply(saved.id).unwrap();
    assert!(
        world
            .engine
            .fill_saved_reply(saved.id, conversation)
            .is_err()
    );
}

fn error_says(error: &InboxError, words: &str) -> bool {
    error.to_string().contains(words)
}

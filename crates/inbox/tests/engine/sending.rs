//! Approved replies reach Meta once, in each platform's shape, and only within its rules.

use leadbox_channels::events::Direction;
use leadbox_inbox::{Connection, InboxError, Platform};
use leadbox_vault::AccountStatus;
use serde_json::json;

use crate::world::{World, messenger_dm, now_ms};

#[tokio::test]
async fn an_approved_messenger_reply_reaches_meta_exactly_once_and_its_echo_is_not_a_duplicate() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm(
            "m_in_1",
            "How much is a haircut?",
            60_000,
            false,
        ))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;

    // What was learned about the lead is stored with it (the first contact of a fresh vault).
    let lead = world.engine.vault_for_tests().lead(1).unwrap().unwrap();
    assert_eq!(
        (lead["intent"].as_str(), lead["urgency"].as_str()),
        (Some("price"), Some("normal"))
    );
    let draft = world.pending_draft();
    let message_id = world
        .engine
        .approve_and_send(draft, Some("A haircut is €25."), false)
        .await
        .unwrap();
    assert_eq!(message_id, "m_SENT1");

    let sends = world.sends().await;
    assert_eq!(sends.len(), 1);
    let (page, auth, body) = &sends[0];
    assert_eq!(
        (page.as_str(), auth.as_str()),
        ("me", "Bearer page:PAGE1"),
        "a page token sends as its page"
    );
    assert_eq!(
        body,
        &json!({"recipient": {"id": "PSID7"}, "messaging_type": "RESPONSE", "message": {"text": "A haircut is €25."}})
    );
    assert_eq!(world.draft_status(draft), leadbox_vault::DraftStatus::Sent);

    // Meta echoes the page's own send; it must not show twice.
    world
        .webhook(messenger_dm("m_SENT1", "A haircut is €25.", 0, true))
        .await;
    let conversation = world.engine.conversations().unwrap().remove(0);
    let texts: Vec<_> = world
        .engine
        .messages(conversation.id)
        .unwrap()
        .into_iter()
        .map(|m| (m.direction, m.text))
        .collect();
    assert_eq!(
        texts,
        vec![
            (Direction::Inbound, Some("How much is a haircut?".into())),
            (Direction::Outbound, Some("A haircut is €25.".into()))
        ]
    );
    // A sent draft cannot be approved (and so sent) again.
    assert!(
        world
            .engine
            .vault_for_tests()
            .approve_draft(draft, None)
            .is_err()
    );
}

#[tokio::test]
async fn an_expired_token_fails_the_send_asks_for_reconnect_and_keeps_the_draft() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "Hi, can I book?", 60_000, false))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    world.graph.lock().await.expired = true;

    let draft = world.pending_draft();
    let error = world.refused(draft).await;
    assert!(matches!(error, InboxError::NotSent(_)));
    assert!(
        error.to_string().contains("reconnect the account"),
        "{error}"
    );

    let row = world
        .engine
        .vault_for_tests()
        .draft(draft)
        .unwrap()
        .unwrap();
    assert_eq!(row.status, leadbox_vault::DraftStatus::SendFailed);
    assert!(row.text.is_some(), "the draft is kept");
    assert_eq!(
        world.engine.accounts().unwrap()[0].status,
        AccountStatus::NeedsReconnect
    );
    let conversation = world.engine.conversations().unwrap().remove(0);
    assert_eq!(
        world.engine.messages(conversation.id).unwrap().len(),
        1,
        "nothing shown as sent"
    );

    // Trying again does not even reach Meta until the account is reconnected.
    assert!(
        world
            .engine
            .approve_and_send(draft, None, false)
            .await
            .is_err()
    );
    assert!(world.sends().await.is_empty());
    // A bad token is refused when connecting.
    world.graph.lock().await.expired = false;
    let refused = world
        .engine
        .add_account(
            Platform::Messenger,
            "PAGE1",
            Connection::Page,
            "wrong",
            false,
        )
        .await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("the token was not accepted")
    );
}

#[tokio::test]
async fn outside_24_hours_a_reply_needs_human_agent_and_gets_the_tag_only_then() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm(
            "m_in_old",
            "Still available?",
            3 * 24 * 3_600_000,
            false,
        ))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let draft = world.pending_draft();
    let error = world.refused(draft).await;
    assert!(error.to_string().contains("24 hours"), "{error}");
    assert!(world.sends().await.is_empty());

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
    world
        .engine
        .approve_and_send(draft, None, false)
        .await
        .unwrap();
    let sends = world.sends().await;
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].2["messaging_type"], "MESSAGE_TAG");
    assert_eq!(sends[0].2["tag"], "HUMAN_AGENT");
}

#[tokio::test]
async fn an_approved_whatsapp_reply_uses_the_cloud_api_shape() {
    let world = World::new(Platform::Whatsapp, "P1").await;
    world
        .webhook(json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001", "phone_number_id": "P1"},
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": "34600111222"}],
            "messages": [{"from": "34600111222", "id": "wamid.IN1", "timestamp": (now_ms() / 1000).to_string(), "type": "text", "text": {"body": "¿Abrís el sábado?"}}]
        }}]}]}))
        .await;
    world
        .engine
        .add_account(
            Platform::Whatsapp,
            "P1",
            Connection::WhatsappCloud,
            leadbox_testkit::graph::WHATSAPP_TOKEN,
            true,
        )
        .await
        .unwrap();
    assert!(
        !world.engine.accounts().unwrap()[0].human_agent,
        "no Human Agent on WhatsApp"
    );
    let draft = world.pending_draft();
    let approved = world
        .engine
        .vault_for_tests()
        .approve_draft(draft, Some("¡Sí, de 10 a 14!"))
        .unwrap();
    assert_eq!(
        world.engine.send_approved(approved, false).await.unwrap(),
        "wamid.SENT1"
    );
    let (phone_id, auth, body) = world.sends().await.remove(0);
    assert_eq!(
        (phone_id.as_str(), auth.as_str()),
        ("P1", "Bearer wa:P1@WABA")
    );
    assert_eq!(
        body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222", "type": "text",
               "text": {"preview_url": false, "body": "¡Sí, de 10 a 14!"}})
    );
}

#[tokio::test]
async fn an_account_that_was_never_connected_cannot_send() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "hello", 1000, false))
        .await;
    let draft = world.pending_draft();
    let error = world.refused(draft).await;
    assert!(error.to_string().contains("accounts add"), "{error}");
    assert!(world.sends().await.is_empty());
}

#[tokio::test]
async fn a_person_who_wrote_stop_is_not_sent_to_without_an_override() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "How much is a cut?", 60_000, false))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let draft = world.pending_draft();
    world
        .webhook(messenger_dm("m_in_2", "STOP", 30_000, false))
        .await;
    assert!(world.engine.conversations().unwrap()[0].opted_out);
    assert_eq!(world.draft_status(draft), leadbox_vault::DraftStatus::Stale);
    assert!(
        world
            .engine
            .vault_for_tests()
            .drafts(&[
                leadbox_vault::DraftStatus::Pending,
                leadbox_vault::DraftStatus::Queued
            ])
            .unwrap()
            .is_empty(),
        "STOP gets no draft"
    );

    let new_id = world
        .engine
        .vault_for_tests()
        .regenerate_draft(draft)
        .unwrap();
    world.engine.draft_pending().await.unwrap();
    let error = world
        .engine
        .approve_and_send(
            new_id,
            Some("Sorry to bother you, we won't write again."),
            false,
        )
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("asked not to receive messages"),
        "{error}"
    );
    assert!(world.sends().await.is_empty());

    world
        .engine
        .approve_and_send(new_id, None, true)
        .await
        .unwrap();
    assert_eq!(world.sends().await.len(), 1);
}

#[tokio::test]
async fn a_comment_gets_one_private_reply() {
    let world = World::new(Platform::Instagram, "IGB").await;
    world
        .webhook(json!({"object": "instagram", "entry": [{"id": "IGB", "time": now_ms() / 1000, "changes": [{"field": "comments", "value": {
            "from": {"id": "IGSID9", "username": "carla.g"}, "comment_id": "C123", "text": "How much?", "media": {"id": "M1"}
        }}]}]}))
        .await;
    let conversation = world.engine.conversations().unwrap().remove(0);
    assert_eq!(
        world.engine.messages(conversation.id).unwrap()[0].kind,
        leadbox_vault::MessageKind::Comment
    );

    let first = world.pending_draft();
    // Regenerated once: the first draft goes stale, the second is the one sent.
    let draft = world
        .engine
        .vault_for_tests()
        .regenerate_draft(first)
        .unwrap();
    world.engine.draft_pending().await.unwrap();
    world.connect_page(Platform::Instagram, "IGB").await;
    world
        .engine
        .approve_and_send(draft, Some("Hi Carla! Sent you the prices by DM."), false)
        .await
        .unwrap();
    let (path, _, body) = world.sends().await.remove(0);
    assert_eq!(path, "me");
    assert_eq!(body["recipient"], json!({"comment_id": "C123"}));

    let again = world
        .engine
        .vault_for_tests()
        .regenerate_draft(first)
        .unwrap();
    world.engine.draft_pending().await.unwrap();
    let error = world.refused(again).await;
    assert!(
        error.to_string().contains("already replied privately"),
        "{error}"
    );
    assert_eq!(world.sends().await.len(), 1);
}

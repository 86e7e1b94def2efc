//! The website chat: a visitor answered through the relay.

use leadbox_testkit::http::SendJson;
use std::time::Duration;

use leadbox_channels::events::Direction;
use leadbox_inbox::Platform;
use serde_json::{Value, json};

use crate::world::World;

#[tokio::test]
async fn a_website_visitor_is_answered_through_the_relay_and_their_page_gets_the_reply_once() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    let chat = world
        .engine
        .add_website("Salon website", &["https://salon.example".into()])
        .await
        .unwrap();
    assert!(
        chat.snippet
            .contains(&format!("{}/widget.js", world.relay.url))
    );
    assert!(chat.snippet.contains(&chat.site_id));
    assert_eq!(world.engine.websites().await.unwrap(), vec![chat.clone()]);

    let http = reqwest::Client::new();
    let accepted: Value = http
        .post(format!(
            "{}/widget/v1/{}/messages",
            world.relay.url, chat.site_id
        ))
        .header("origin", "https://salon.example")
        .json(&json!({"text": "Do you have time for nails on Friday?", "name": "Bea"}))
        .send_json()
        .await;
    let session = accepted["session"].as_str().unwrap().to_owned();
    world.engine.sync_once(Duration::ZERO).await.unwrap();
    world.engine.draft_pending().await.unwrap();

    let conversation = world.engine.conversations().unwrap().remove(0);
    assert_eq!(conversation.platform, Platform::Website);
    assert_eq!(conversation.display_name, "Bea");
    let draft = world.pending_draft();
    world
        .engine
        .approve_and_send(draft, Some("Yes, Friday at 3 is free."), false)
        .await
        .unwrap();
    assert!(world.sends().await.is_empty(), "nothing went to Meta");
    assert_eq!(world.draft_status(draft), leadbox_vault::DraftStatus::Sent);

    let poll = |after: u64| {
        http.get(format!(
            "{}/widget/v1/{}/replies?after={after}&wait=0",
            world.relay.url, chat.site_id
        ))
        .header("x-leadbox-session", &session)
        .send()
    };
    let page: Value = poll(0).await.unwrap().json().await.unwrap();
    let replies = page["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["text"], "Yes, Friday at 3 is free.");
    let seq = replies[0]["seq"].as_u64().unwrap();
    let page: Value = poll(seq).await.unwrap().json().await.unwrap();
    assert!(page["replies"].as_array().unwrap().is_empty());
    let texts: Vec<_> = world
        .engine
        .messages(conversation.id)
        .unwrap()
        .into_iter()
        .map(|m| m.direction)
        .collect();
    assert_eq!(texts, [Direction::Inbound, Direction::Outbound]);
}

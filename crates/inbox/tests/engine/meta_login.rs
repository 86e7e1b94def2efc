//! Facebook and Instagram Login connections, Meta's deletion requests, lost subscriptions.

use leadbox_testkit::http::SendJson;
use std::time::Duration;

use hmac::{Hmac, Mac};
use leadbox_inbox::{Connection, Platform};
use leadbox_vault::AccountStatus;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::world::{World, now_ms};
use leadbox_testkit::relay::APP_SECRET as SECRET;

/// Seals a payload to the World's desktop exactly as the relay does after a
/// Facebook Login, and queues it.
async fn deliver_to_desktop(world: &World, payload: &leadbox_envelope::payload::Payload) {
    let recipients = world
        .relay
        .state
        .store
        .recipients(Platform::Messenger, "PAGE1")
        .await
        .unwrap()
        .unwrap();
    let sealed: Vec<_> = recipients
        .devices
        .iter()
        .map(|(device_id, key)| {
            let envelope = leadbox_envelope::seal(
                key,
                &recipients.business_id,
                "login-envelope",
                &payload.to_bytes(),
            )
            .unwrap();
            (device_id.clone(), envelope)
        })
        .collect();
    world
        .relay
        .state
        .store
        .insert_batches(vec![sealed], 0)
        .await
        .unwrap();
}

fn signed_request(user_id: &str) -> String {
    use base64::Engine as _;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let payload = encode(
        json!({"algorithm": "HMAC-SHA256", "issued_at": now_ms() / 1000, "user_id": user_id})
            .to_string()
            .as_bytes(),
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    format!("{}.{payload}", encode(&mac.finalize().into_bytes()))
}

#[tokio::test]
async fn facebook_login_connects_pages_and_metas_deletion_request_disconnects_them() {
    use leadbox_envelope::payload::{ConnectedPage, Payload, SecretText};
    let world = World::new(Platform::Messenger, "PAGE1").await;
    let page = |id: &str, instagram: Option<&str>| ConnectedPage {
        page_id: id.into(),
        name: format!("Page {id}"),
        access_token: SecretText::new(format!("PAGE-TOKEN-{id}")),
        instagram_account_id: instagram.map(str::to_owned),
        instagram_username: instagram.map(|_| "anasbakery".to_owned()),
        subscribed: true,
    };
    deliver_to_desktop(
        &world,
        &Payload::MetaConnection {
            user_id: "10157".into(),
            user_name: "Ana".into(),
            user_token: SecretText::new("LONG-USER-TOKEN"),
            user_token_expires_at_ms: None,
            pages: vec![page("111", Some("1784")), page("222", None)],
            received_at_ms: now_ms(),
        },
    )
    .await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.accounts_connected, 3);
    let granted: Vec<(Platform, String, String)> = world
        .engine
        .vault_for_tests()
        .accounts_of_meta_user("10157")
        .unwrap()
        .into_iter()
        .map(|a| (a.platform, a.platform_account_id, a.status.to_string()))
        .collect();
    assert_eq!(
        granted,
        [
            (Platform::Messenger, "111".into(), "connected".into()),
            (Platform::Instagram, "1784".into(), "connected".into()),
            (Platform::Messenger, "222".into(), "connected".into()),
        ]
    );

    // A conversation arrives on page 111; the owner chose that Meta's deletion
    // request also erases the conversations.
    world
        .engine
        .claim(Platform::Messenger, "111")
        .await
        .unwrap();
    world
        .webhook(
            json!({"object": "page", "entry": [{"id": "111", "time": now_ms(), "messaging": [{
                "sender": {"id": "PSID9"}, "recipient": {"id": "111"}, "timestamp": now_ms(),
                "message": {"mid": "m_111", "text": "Do you deliver cakes?"}
            }]}]}),
        )
        .await;
    let before = world.engine.conversations().unwrap().len();
    world
        .engine
        .set_meta_deletion_erases_conversations(true)
        .unwrap();

    let business = world
        .relay
        .state
        .store
        .recipients(Platform::Messenger, "PAGE1")
        .await
        .unwrap()
        .unwrap()
        .business_id;
    world
        .relay
        .state
        .store
        .link_meta_user("10157", &business, 0)
        .await
        .unwrap();
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/meta/data-deletion", world.relay.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("signed_request={}", signed_request("10157")))
        .send_json()
        .await;
    let code = answer["confirmation_code"].as_str().unwrap().to_owned();
    assert_eq!(world.deletion_completed_at(&code).await, None);

    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.deletion_requests, 1);
    {
        let vault = world.engine.vault_for_tests();
        assert!(vault.accounts_of_meta_user("10157").unwrap().is_empty());
        let statuses: Vec<String> = ["111", "222"]
            .iter()
            .map(|id| {
                vault
                    .find_account(Platform::Messenger, id)
                    .unwrap()
                    .unwrap()
                    .status
                    .to_string()
            })
            .collect();
        assert_eq!(statuses, ["disconnected", "disconnected"]);
        assert_eq!(
            vault.conversations().unwrap().len(),
            before - 1,
            "page 111's conversation is erased"
        );
    }
    assert!(world.engine.unreported_meta_deletions().unwrap().is_empty());
    assert!(
        world.deletion_completed_at(&code).await.is_some(),
        "the desktop confirmed completion to the relay"
    );
}

#[tokio::test]
async fn a_page_meta_unsubscribed_is_subscribed_again_and_the_owner_told() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    world.graph.lock().await.subscribed.insert("PAGE1".into());

    let report = world.engine.check_subscriptions().await.unwrap();
    assert_eq!(report.checked, ["messenger PAGE1"]);
    assert!(report.resubscribed.is_empty());
    assert!(
        world.graph.lock().await.subscriptions.is_empty(),
        "nothing to fix"
    );

    // Meta dropped the subscription (e.g. after the relay was down for hours).
    world.graph.lock().await.subscribed.clear();
    let report = world.engine.check_subscriptions().await.unwrap();
    assert_eq!(report.resubscribed, ["messenger PAGE1"]);
    assert_eq!(
        world.graph.lock().await.subscriptions,
        [(
            "PAGE1".to_owned(),
            leadbox_channels::PAGE_WEBHOOK_FIELDS.to_owned()
        )]
    );
    let account = world
        .account(Platform::Messenger, "PAGE1")
        .unwrap()
        .unwrap();
    assert!(
        account
            .notice
            .unwrap()
            .message
            .contains("subscribed it again")
    );

    // An expired token: the account asks to be reconnected, with the reason.
    world.graph.lock().await.expired = true;
    let report = world.engine.check_subscriptions().await.unwrap();
    assert_eq!(report.failed.len(), 1);
    let account = world
        .account(Platform::Messenger, "PAGE1")
        .unwrap()
        .unwrap();
    assert_eq!(account.status, AccountStatus::NeedsReconnect);
    assert!(account.notice.unwrap().message.contains("reconnect"));
}

#[tokio::test]
async fn an_instagram_login_connection_stores_the_token_and_replies_go_out_with_it() {
    use leadbox_envelope::payload::{Payload, SecretText};
    let world = World::new(Platform::Messenger, "PAGE1").await;
    deliver_to_desktop(
        &world,
        &Payload::InstagramConnection {
            user_id: "ig-app-scoped-77".into(),
            account_id: "17841499".into(),
            username: "anasalon".into(),
            access_token: SecretText::new("ig:17841499"),
            expires_at_ms: None,
            subscribed: true,
            received_at_ms: now_ms(),
        },
    )
    .await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.accounts_connected, 1);
    let account = world
        .account(Platform::Instagram, "17841499")
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            account.connection,
            account.status.as_str(),
            account.name.as_deref()
        ),
        (
            Some(Connection::InstagramLogin),
            "connected",
            Some("@anasalon")
        )
    );
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .accounts_of_meta_user("ig-app-scoped-77")
            .unwrap()
            .len(),
        1,
        "a deletion request for this user finds the account"
    );

    world
        .engine
        .claim(Platform::Instagram, "17841499")
        .await
        .unwrap();
    world
        .webhook(json!({"object": "instagram", "entry": [{"id": "17841499", "time": now_ms(), "messaging": [{
            "sender": {"id": "IGSID5"}, "recipient": {"id": "17841499"}, "timestamp": now_ms(),
            "message": {"mid": "m_ig_1", "text": "Do you have space on Friday?"}
        }]}]}))
        .await;
    // The daily refresh extends the token; replies use the new one.
    assert_eq!(world.engine.refresh_instagram_tokens().await.unwrap(), 1);
    let draft = world.pending_draft();
    world
        .engine
        .approve_and_send(draft, Some("Yes, 10am works."), false)
        .await
        .unwrap();
    let sends = world.sends().await;
    let (path_id, auth, body) = sends.last().unwrap();
    assert_eq!(path_id, "me", "Instagram Login sends as me/messages");
    assert_eq!(auth, "Bearer ig:17841499:refreshed");
    assert_eq!(body["recipient"]["id"], "IGSID5");
}

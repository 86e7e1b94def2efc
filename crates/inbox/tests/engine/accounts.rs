//! Accounts: new people named, WhatsApp Business Account notices, proof of control.

use leadbox_testkit::http::SendJson;
use std::time::Duration;

use leadbox_inbox::{Connection, Platform};
use serde_json::{Value, json};

use crate::world::{World, messenger_dm, now_ms};

#[tokio::test]
async fn a_new_person_is_named_from_their_profile_once_the_account_has_a_token() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .post_only(messenger_dm("m_n_1", "Hola", 1_000, false))
        .await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.new_contacts.len(), 1);
    let label = world.engine.conversations().unwrap()[0]
        .display_name
        .clone();
    assert_eq!(
        world
            .engine
            .name_new_contacts(&report.new_contacts)
            .await
            .unwrap(),
        0,
        "without the page's token nobody is asked"
    );
    assert_eq!(world.engine.conversations().unwrap()[0].display_name, label);

    world.connect_page(Platform::Messenger, "PAGE1").await;
    assert_eq!(
        world
            .engine
            .name_new_contacts(&report.new_contacts)
            .await
            .unwrap(),
        1
    );
    let conversations = world.engine.conversations().unwrap();
    assert_eq!(conversations[0].display_name, "Marta Puig");
    assert_eq!(
        world
            .engine
            .vault_for_tests()
            .search("puig", 5)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        world
            .engine
            .name_new_contacts(&report.new_contacts)
            .await
            .unwrap(),
        0,
        "a named person is not asked for again"
    );

    // Meta refusing a profile leaves the neutral label, and the sync goes on.
    let silent = json!({"object": "page", "entry": [{"id": "PAGE1", "time": now_ms(), "messaging": [{
        "sender": {"id": "PSID-SILENT"}, "recipient": {"id": "PAGE1"}, "timestamp": now_ms(),
        "message": {"mid": "m_n_2", "text": "precio?"}
    }]}]});
    world.post_only(silent).await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(
        world
            .engine
            .name_new_contacts(&report.new_contacts)
            .await
            .unwrap(),
        0
    );
    let names: Vec<String> = world
        .engine
        .conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    assert!(names.contains(&"Marta Puig".to_owned()), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("Messenger user")),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_connected_whatsapp_number_shows_its_business_accounts_notices() {
    let world = World::new(Platform::Whatsapp, "P1").await;
    world
        .engine
        .add_account(
            Platform::Whatsapp,
            "P1",
            Connection::WhatsappCloud,
            leadbox_testkit::graph::WHATSAPP_TOKEN,
            false,
        )
        .await
        .unwrap();
    // Account-level changes name the WhatsApp Business Account, not the number.
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "time": 1_732_350_000, "changes": [
        {"field": "message_template_status_update", "value": {"event": "REJECTED", "message_template_name": "welcome", "message_template_language": "es", "reason": "INVALID_FORMAT"}},
        {"field": "account_update", "value": {"event": "ACCOUNT_RESTRICTION", "restriction_info": [{"restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING", "expiration": 1_893_456_000}]}}
    ]}]});
    world.post_only(body).await;
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!((report.notices, report.unreadable), (2, 0));
    assert_eq!(report.restrictions.len(), 1);
    assert_eq!(report.restrictions[0].platform_account_id, "P1");
    assert!(
        report.restrictions[0]
            .message
            .starts_with("WhatsApp restricted your business account")
    );
    let account = world.account(Platform::Whatsapp, "P1").unwrap().unwrap();
    let notice = account.notice.unwrap();
    assert_eq!(notice.severity, leadbox_inbox::NoticeSeverity::Restriction);
    let notices = world
        .engine
        .vault_for_tests()
        .account_notices(account.id, 5)
        .unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n.message == "Template “welcome” (es) was rejected: INVALID_FORMAT")
    );
}

#[tokio::test]
async fn connecting_an_account_proves_control_to_the_relay_and_a_later_move_is_shown() {
    let world = World::with_claims(leadbox_relay::config::RouteClaims::Proof).await;
    // Without the account's token the relay routes nothing.
    let refused = world.engine.claim(Platform::Messenger, "PAGE1").await;
    assert!(
        matches!(&refused, Err(leadbox_inbox::InboxError::Relay { status: 403, code, .. }) if code == "proof_required"),
        "{refused:?}"
    );
    // Connecting it with its page token sends that token as proof.
    world.connect_page(Platform::Messenger, "PAGE1").await;
    assert!(
        world
            .relay
            .state
            .store
            .route_holder(Platform::Messenger, "PAGE1")
            .await
            .unwrap()
            .is_some()
    );
    world
        .webhook(messenger_dm("m_in_1", "Hola", 60_000, false))
        .await;
    assert_eq!(world.engine.conversations().unwrap().len(), 1);

    // Another business on the relay proves control of the page too.
    let code = world
        .relay
        .state
        .store
        .create_invite("Rival", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let registered: Value = http
        .post(format!("{}/v1/devices", world.relay.url))
        .json(&json!({"invite_code": code, "public_key": leadbox_envelope::DeviceSecretKey::generate().public_key(), "device_name": "rival"}))
        .send_json()
        .await;
    let moved = http
        .post(format!("{}/v1/routes", world.relay.url))
        .bearer_auth(registered["token"].as_str().unwrap())
        .json(
            &json!({"platform": "messenger", "account_id": "PAGE1", "access_token": leadbox_testkit::graph::PAGE_TOKEN}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 204);

    // This computer learns it at its next sync, as a restriction on the page.
    let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
    assert_eq!(report.restrictions.len(), 1, "{report:?}");
    let account = world
        .account(Platform::Messenger, "PAGE1")
        .unwrap()
        .unwrap();
    let notice = account.notice.unwrap();
    assert_eq!(notice.severity, leadbox_inbox::NoticeSeverity::Restriction);
    assert_eq!(notice.message, leadbox_inbox::ROUTE_MOVED_NOTICE);
}

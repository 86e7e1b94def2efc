//! Several relay instances over one PostgreSQL database, as a relay service
//! runs behind a load balancer: what one instance stores reaches a desktop
//! connected to another at once.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod support;

use leadbox_envelope::open;
use leadbox_envelope::payload::Payload;
use support::{Relay, instagram_dm, next_push_event, sign, start_configured};

async fn two_instances() -> (Relay, Relay) {
    let url = support::postgres::fresh_database().await;
    let first = url.clone();
    let a = start_configured(move |config| config.database_url = Some(first)).await;
    let b = start_configured(move |config| config.database_url = Some(url)).await;
    (a, b)
}

fn text(payload: &Payload) -> String {
    match payload {
        Payload::MetaWebhookEntry { entry, .. } => entry["messaging"][0]["message"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        other => panic!("not a webhook: {other:?}"),
    }
}

#[tokio::test]
async fn a_webhook_stored_by_one_instance_is_pushed_at_once_by_the_other() {
    let (a, b) = two_instances().await;
    // Paired and claimed through A; the desktop streams from B.
    let device = a.pair("Salon").await;
    assert_eq!(a.claim(&device, "instagram", "1784").await, 204);
    let mut stream = b
        .http
        .get(format!("{}/v1/stream", b.url))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);

    for (mid, words) in [("m1", "first"), ("m2", "second, while B's stream waits")] {
        let body = instagram_dm("1784", mid, words);
        assert_eq!(a.post_webhook(body.clone(), Some(sign(&body))).await, 200);
        // Well inside the stream's 30 s re-check: only A's notification can
        // have woken B.
        let page = next_push_event(&mut stream).await;
        let payloads: Vec<Payload> = page
            .envelopes
            .iter()
            .map(|e| Payload::from_bytes(&open(&device.secret, e).unwrap()).unwrap())
            .collect();
        assert_eq!(payloads.iter().map(text).collect::<Vec<_>>(), [words]);
    }
    // Acknowledged through B, gone for A as well.
    let cursors: Vec<u64> = b
        .fetch(&device, 0)
        .await
        .envelopes
        .iter()
        .map(|e| e.cursor)
        .collect();
    assert_eq!(cursors.len(), 2);
    let acked = b
        .http
        .post(format!("{}/v1/envelopes/ack", b.url))
        .bearer_auth(&device.token)
        .json(&serde_json::json!({"cursors": cursors}))
        .send()
        .await
        .unwrap();
    assert_eq!(acked.status(), 200);
    assert!(a.fetch(&device, 0).await.envelopes.is_empty());
}

#[tokio::test]
async fn an_invite_made_on_one_instance_pairs_on_the_other_once() {
    let (a, b) = two_instances().await;
    let code = a
        .state
        .store
        .create_invite("Salon", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    let key = leadbox_envelope::DeviceSecretKey::generate().public_key();
    let paired = b
        .http
        .post(format!("{}/v1/devices", b.url))
        .json(&serde_json::json!({"invite_code": code, "public_key": key, "device_name": "desk"}))
        .send()
        .await
        .unwrap();
    assert_eq!(paired.status(), 201);
    let again = a
        .http
        .post(format!("{}/v1/devices", a.url))
        .json(&serde_json::json!({"invite_code": code, "public_key": key, "device_name": "desk"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 403, "an invite works once, on any instance");
}

#[tokio::test]
async fn a_website_chat_added_on_one_instance_takes_visitors_on_the_other() {
    let (a, b) = two_instances().await;
    let device = a.pair("Salon").await;
    let created = a
        .http
        .post(format!("{}/v1/widget/sites", a.url))
        .bearer_auth(&device.token)
        .json(&serde_json::json!({"name": "Salon website", "origins": ["https://salon.example"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let site: serde_json::Value = created.json().await.unwrap();
    let site_id = site["site_id"].as_str().unwrap().to_owned();
    // B hears of it from A's notification (it loaded its sites before).
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        b.state.sites.known(&site_id),
    )
    .await
    .expect("instance B learns of the new site");
    let visitor_writes = |origin: &'static str, text: &'static str| {
        b.http
            .post(format!("{}/widget/v1/{site_id}/messages", b.url))
            .header("origin", origin)
            .json(&serde_json::json!({ "text": text }))
            .send()
    };
    let posted = visitor_writes("https://salon.example", "Do you open on Sundays?")
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
    let page = a.fetch(&device, 0).await;
    let payloads: Vec<Payload> = page
        .envelopes
        .iter()
        .map(|e| Payload::from_bytes(&open(&device.secret, e).unwrap()).unwrap())
        .collect();
    assert!(
        matches!(payloads.as_slice(), [Payload::WidgetMessage { text, .. }] if text == "Do you open on Sundays?"),
        "{payloads:?}"
    );
    // An address the owner adds on A is allowed on B too.
    let added = a
        .http
        .post(format!("{}/v1/widget/sites/{site_id}/origins", a.url))
        .bearer_auth(&device.token)
        .json(&serde_json::json!({"origin": "https://www.salon.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        b.state.sites.until(&site_id, |site| {
            site.origins
                .iter()
                .any(|o| o == "https://www.salon.example")
        }),
    )
    .await
    .expect("instance B learns of the added address");
    let posted = visitor_writes("https://www.salon.example", "And on Mondays?")
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
}

//! The relay's HTTP API, served in-process on a loopback port.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod support;

use leadbox_testkit::http::SendJson;
use std::time::{Duration, Instant};

use leadbox_envelope::payload::Payload;
use leadbox_envelope::{DeviceSecretKey, open};
use serde_json::json;
use support::{Device, Relay, instagram_dm, next_push_event, sign, start_relay};

#[tokio::test]
async fn the_handshake_answers_the_challenge_only_for_the_right_token() {
    let relay = start_relay(4096).await;
    let get = |token: &str| {
        relay
            .http
            .get(format!("{}/webhooks/meta", relay.url))
            .query(&[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", token),
                ("hub.challenge", "1158201444"),
            ])
            .send()
    };
    let ok = get("verify-me").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    let wrong = get("nope").await.unwrap();
    assert_eq!(wrong.status(), 403);
    assert!(wrong.text().await.unwrap().contains("meta_verify_token"));
}

#[tokio::test]
async fn a_signed_webhook_is_sealed_to_the_claiming_device_only() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    let clinic = relay.pair("Clinic").await;
    assert_eq!(relay.claim(&salon, "instagram", "1784").await, 204);
    let body = instagram_dm("1784", "m1", "Hola, ¿precio? 💇");
    assert_eq!(
        relay.post_webhook(body.clone(), Some(sign(&body))).await,
        200
    );

    let page = relay.fetch(&salon, 0).await;
    assert_eq!(page.envelopes.len(), 1);
    let plaintext = open(&salon.secret, &page.envelopes[0]).unwrap();
    let Payload::MetaWebhookEntry {
        account_id, entry, ..
    } = Payload::from_bytes(&plaintext).unwrap()
    else {
        panic!("not a webhook entry")
    };
    assert_eq!(account_id, "1784");
    assert_eq!(
        entry["messaging"][0]["message"]["text"],
        "Hola, ¿precio? 💇"
    );
    assert!(open(&clinic.secret, &page.envelopes[0]).is_err());
    assert!(
        relay.fetch(&clinic, 0).await.envelopes.is_empty(),
        "another business sees nothing"
    );
}

#[tokio::test]
async fn bad_signatures_are_refused_and_nothing_is_stored() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Salon").await;
    relay.claim(&device, "instagram", "1784").await;
    let body = instagram_dm("1784", "m1", "hi");
    assert_eq!(relay.post_webhook(body.clone(), None).await, 401);
    assert_eq!(
        relay
            .post_webhook(body.clone(), Some(sign(b"other body")))
            .await,
        403
    );
    assert_eq!(
        relay
            .post_webhook(body.clone(), Some("sha256=zz".into()))
            .await,
        403
    );
    assert!(relay.fetch(&device, 0).await.envelopes.is_empty());
    assert_eq!(
        relay
            .metric("leadbox_webhooks_rejected_total{reason=\"bad_signature\"}")
            .await,
        2
    );
    assert_eq!(
        relay
            .metric("leadbox_webhooks_rejected_total{reason=\"missing_signature\"}")
            .await,
        1
    );
}

#[tokio::test]
async fn signed_bodies_leadbox_cannot_use_are_answered_200_and_counted() {
    let relay = start_relay(2048).await;
    let device = relay.pair("Salon").await;
    relay.claim(&device, "instagram", "1784").await;
    // Meta retries a failing webhook for hours and disables a subscription
    // that keeps failing: a signed body is never refused for its content.
    let unreadable = b"{\"object\":\"instagram\",\"entry\":[".to_vec();
    let permissions = br#"{"object":"permissions","entry":[{"id":"1","time":1,"changes":[{"field":"pages_messaging","value":{"verb":"revoked"}}]}]}"#.to_vec();
    let feed = br#"{"object":"page","entry":[{"id":"1784","time":1,"changes":[{"field":"feed","value":{"item":"status"}}]}]}"#.to_vec();
    for body in [&unreadable, &permissions, &feed] {
        assert_eq!(
            relay.post_webhook(body.clone(), Some(sign(body))).await,
            200
        );
    }
    // Only the signature and the size are refused.
    assert_eq!(
        relay
            .post_webhook(unreadable.clone(), Some("sha256=00".into()))
            .await,
        403
    );
    let huge = instagram_dm("1784", "m1", &"x".repeat(4096));
    assert_eq!(
        relay.post_webhook(huge.clone(), Some(sign(&huge))).await,
        413
    );
    assert!(relay.fetch(&device, 0).await.envelopes.is_empty());
    for (part, count) in [
        ("{object=\"unreadable\",field=\"json\"}", 1),
        ("{object=\"permissions\",field=\"pages_messaging\"}", 1),
        ("{object=\"page\",field=\"feed\"}", 1),
    ] {
        assert_eq!(
            relay
                .metric(&format!("leadbox_webhook_parts_ignored_total{part}"))
                .await,
            count,
            "{part}"
        );
    }
    assert_eq!(
        relay
            .metric("leadbox_webhooks_rejected_total{reason=\"too_large\"}")
            .await,
        1
    );
}

#[tokio::test]
async fn whatsapp_account_changes_reach_every_business_with_a_number_in_that_account() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    let studio = relay.pair("Studio").await;
    let other = relay.pair("Other").await;
    relay.claim_whatsapp(&salon, "P1", Some("WABA")).await;
    relay.claim_whatsapp(&studio, "P2", Some("WABA")).await;
    relay.claim_whatsapp(&other, "P3", None).await;
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "time": 1, "changes": [
        {"field": "message_template_status_update", "value": {"event": "APPROVED", "message_template_name": "welcome"}}
    ]}]})
    .to_string()
    .into_bytes();
    assert_eq!(
        relay.post_webhook(body.clone(), Some(sign(&body))).await,
        200
    );
    assert_eq!(relay.fetch(&salon, 0).await.envelopes.len(), 1);
    assert_eq!(relay.fetch(&studio, 0).await.envelopes.len(), 1);
    assert!(relay.fetch(&other, 0).await.envelopes.is_empty());
}

#[tokio::test]
async fn entries_for_unclaimed_accounts_are_counted_and_dropped() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Salon").await;
    relay.claim(&device, "instagram", "1784").await;
    let body = json!({"object": "instagram", "entry": [
        {"id": "1784", "messaging": []},
        {"id": "9999", "messaging": []}
    ]})
    .to_string()
    .into_bytes();
    assert_eq!(
        relay.post_webhook(body.clone(), Some(sign(&body))).await,
        200
    );
    assert_eq!(relay.fetch(&device, 0).await.envelopes.len(), 1);
    assert_eq!(relay.metric("leadbox_entries_unrouted_total").await, 1);
}

#[tokio::test]
async fn a_claimed_account_cannot_be_claimed_by_another_business() {
    let relay = start_relay(4096).await;
    let salon = relay.pair("Salon").await;
    let clinic = relay.pair("Clinic").await;
    assert_eq!(relay.claim(&salon, "whatsapp", "P1").await, 204);
    let (status, code) = relay
        .claim_with(&clinic, "whatsapp", "P1", None, None)
        .await;
    assert_eq!((status, code.as_str()), (409, "route_taken"));
    assert_eq!(relay.claim(&clinic, "whatsapp", "").await, 400);
    let stranger = Device {
        secret: DeviceSecretKey::generate(),
        token: "made-up".into(),
        device_id: "made-up".into(),
    };
    assert_eq!(relay.claim(&stranger, "whatsapp", "P2").await, 401);
}

#[tokio::test]
async fn a_device_cannot_ack_another_devices_envelopes() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    let clinic = relay.pair("Clinic").await;
    relay.claim(&salon, "instagram", "1784").await;
    let body = instagram_dm("1784", "m1", "hi");
    relay.post_webhook(body.clone(), Some(sign(&body))).await;
    let cursor = relay.fetch(&salon, 0).await.envelopes[0].cursor;
    let ack = |device: &Device| {
        relay
            .http
            .post(format!("{}/v1/envelopes/ack", relay.url))
            .bearer_auth(&device.token)
            .json(&json!({"cursors": [cursor]}))
            .send()
    };
    let foreign: serde_json::Value = ack(&clinic).await.unwrap().json().await.unwrap();
    assert_eq!(foreign["deleted"], 0);
    assert_eq!(
        relay.fetch(&salon, 0).await.envelopes.len(),
        1,
        "still there for its owner"
    );
    let own: serde_json::Value = ack(&salon).await.unwrap().json().await.unwrap();
    assert_eq!(own["deleted"], 1);
    assert!(relay.fetch(&salon, 0).await.envelopes.is_empty());
}

#[tokio::test]
async fn a_long_poll_returns_as_soon_as_a_webhook_is_stored() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Salon").await;
    relay.claim(&device, "instagram", "1784").await;
    let started = Instant::now();
    let waiting = relay.fetch(&device, 30);
    let posting = async {
        relay.until_polls_wait("device", 1).await;
        let body = instagram_dm("1784", "m1", "hi");
        relay.post_webhook(body.clone(), Some(sign(&body))).await
    };
    let (page, status) = tokio::join!(waiting, posting);
    assert_eq!(status, 200);
    assert_eq!(page.envelopes.len(), 1);
    // Behaviour, not speed: it answered because of the webhook, long before the 30 s wait ran out.
    assert!(started.elapsed() < Duration::from_secs(25));
}

#[tokio::test]
async fn a_long_poll_with_nothing_to_deliver_returns_empty_after_the_wait() {
    let relay = start_relay(4096).await;
    let device = relay.pair("Salon").await;
    let page = relay.fetch(&device, 1).await;
    assert!(page.envelopes.is_empty());
    assert_eq!(page.next_cursor, 0);
}

impl Relay {
    async fn open_stream(&self, device: &Device, last_event_id: Option<u64>) -> reqwest::Response {
        let mut request = self
            .http
            .get(format!("{}/v1/stream", self.url))
            .bearer_auth(&device.token);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        response
    }

    async fn ack(&self, device: &Device, cursors: &[u64], lost_seen: u64) {
        let response = self
            .http
            .post(format!("{}/v1/envelopes/ack", self.url))
            .bearer_auth(&device.token)
            .json(&json!({"cursors": cursors, "lost_seen": lost_seen}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }

    async fn send_dm(&self, account: &str, mid: &str, text: &str) {
        let body = instagram_dm(account, mid, text);
        assert_eq!(
            self.post_webhook(body.clone(), Some(sign(&body))).await,
            200
        );
    }
}

fn text_of(device_secret: &DeviceSecretKey, envelope: &leadbox_envelope::SealedEnvelope) -> String {
    let plaintext = open(device_secret, envelope).unwrap();
    let Payload::MetaWebhookEntry { entry, .. } = Payload::from_bytes(&plaintext).unwrap() else {
        panic!("not a webhook entry")
    };
    entry["messaging"][0]["message"]["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_push_stream_carries_envelopes_as_they_are_stored_and_resumes_from_a_cursor() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    relay.claim(&salon, "instagram", "1784").await;
    let mut stream = relay.open_stream(&salon, None).await;
    relay.send_dm("1784", "m1", "first").await;
    let page = next_push_event(&mut stream).await;
    assert_eq!(page.envelopes.len(), 1);
    assert_eq!(text_of(&salon.secret, &page.envelopes[0]), "first");
    drop(stream);

    // Reconnecting with the last event id skips what was already received.
    relay.send_dm("1784", "m2", "second").await;
    let mut resumed = relay.open_stream(&salon, Some(page.next_cursor)).await;
    let page = next_push_event(&mut resumed).await;
    let texts: Vec<String> = page
        .envelopes
        .iter()
        .map(|e| text_of(&salon.secret, e))
        .collect();
    assert_eq!(texts, ["second"]);
}

#[tokio::test]
async fn the_push_stream_needs_a_valid_token() {
    let relay = start_relay(4096).await;
    let response = relay
        .http
        .get(format!("{}/v1/stream", relay.url))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn each_desktop_gets_its_own_copy_and_a_revoked_one_gets_nothing_more() {
    let relay = start_relay(1 << 20).await;
    let office = relay.pair("Salon").await;
    let laptop = relay.pair("Salon").await;
    relay.claim(&office, "instagram", "1784").await;
    relay.send_dm("1784", "m1", "to both").await;
    for device in [&office, &laptop] {
        let page = relay.fetch(device, 0).await;
        assert_eq!(page.envelopes.len(), 1);
        assert_eq!(text_of(&device.secret, &page.envelopes[0]), "to both");
    }
    let laptop_id = relay
        .state
        .store
        .devices()
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.queued == 1 && d.business == "Salon" && d.name == "test")
        .map(|d| d.device_id)
        .unwrap();
    // Revoke whichever device that id is; the other must keep working.
    assert!(
        relay
            .state
            .store
            .revoke_device(&laptop_id, 0)
            .await
            .unwrap()
    );
    let statuses: Vec<u16> = fetch_statuses(&relay, &[&office, &laptop]).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    relay.send_dm("1784", "m2", "only to the one left").await;
    assert_eq!(relay.metric("leadbox_envelopes_sealed_total").await, 3);
}

#[tokio::test]
async fn a_desktop_lists_its_business_computers_and_removes_a_lost_one() {
    let relay = start_relay(1 << 20).await;
    let office = relay.pair("Salon").await;
    let laptop = relay.pair("Salon").await;
    let other = relay.pair("Bakery").await;
    relay.claim(&office, "instagram", "1784").await;
    relay.send_dm("1784", "m1", "to both").await;

    let list = |device: &Device| {
        relay
            .http
            .get(format!("{}/v1/devices", relay.url))
            .bearer_auth(&device.token)
            .send()
    };
    let listed: Vec<leadbox_envelope::api::BusinessDevice> =
        list(&office).await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|d| d.device_id.as_str()).collect();
    assert_eq!(ids, [office.device_id.as_str(), laptop.device_id.as_str()]);
    assert!(
        listed
            .iter()
            .all(|d| d.queued == 1 && d.revoked_at.is_none())
    );

    let remove = |by: &Device, target: &str| {
        relay
            .http
            .delete(format!("{}/v1/devices/{target}", relay.url))
            .bearer_auth(&by.token)
            .send()
    };
    // Another business's desktop cannot remove it, nor can an unknown token.
    assert_eq!(
        remove(&other, &laptop.device_id).await.unwrap().status(),
        404
    );
    let stranger = relay
        .http
        .delete(format!("{}/v1/devices/{}", relay.url, laptop.device_id))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 401);
    assert_eq!(fetch_statuses(&relay, &[&laptop]).await, [200]);

    assert_eq!(
        remove(&office, &laptop.device_id).await.unwrap().status(),
        204
    );
    assert_eq!(
        fetch_statuses(&relay, &[&office, &laptop]).await,
        [200, 401]
    );
    assert_eq!(
        remove(&office, &laptop.device_id).await.unwrap().status(),
        404,
        "once"
    );
    let listed: Vec<leadbox_envelope::api::BusinessDevice> =
        list(&office).await.unwrap().json().await.unwrap();
    let removed = listed
        .iter()
        .find(|d| d.device_id == laptop.device_id)
        .unwrap();
    assert!(removed.revoked_at.is_some());
    assert_eq!(removed.queued, 0, "what waited for it is deleted");
    let bakery: Vec<leadbox_envelope::api::BusinessDevice> =
        list(&other).await.unwrap().json().await.unwrap();
    assert_eq!(bakery.len(), 1);
}

async fn fetch_statuses(relay: &Relay, devices: &[&Device]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for device in devices {
        let status = relay
            .http
            .get(format!("{}/v1/envelopes?after=0", relay.url))
            .bearer_auth(&device.token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        statuses.push(status);
    }
    statuses
}

#[tokio::test]
async fn expired_and_evicted_envelopes_are_reported_as_lost_until_confirmed() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    relay.claim(&salon, "instagram", "1784").await;
    for n in 0..3 {
        relay.send_dm("1784", &format!("m{n}"), "hello").await;
    }
    let evicted = relay.state.store.enforce_bound(1).await.unwrap();
    assert_eq!(evicted, 2);
    let page = relay.fetch(&salon, 0).await;
    assert_eq!(
        (page.envelopes.len(), page.lost),
        (1, 2),
        "the newest stays"
    );

    let expired = relay
        .state
        .store
        .expire(leadbox_relay::store::unix_now() + 10)
        .await
        .unwrap();
    assert_eq!(expired.envelopes, 1);
    let page = relay.fetch(&salon, 0).await;
    assert_eq!((page.envelopes.len(), page.lost), (0, 3));
    relay.ack(&salon, &[], 3).await;
    assert_eq!(
        relay.fetch(&salon, 0).await.lost,
        0,
        "confirmed losses are not repeated"
    );
}

#[tokio::test]
async fn after_a_key_rotation_old_envelopes_still_open_with_the_old_key() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    relay.claim(&salon, "instagram", "1784").await;
    relay.send_dm("1784", "m1", "before rotation").await;
    let new_secret = DeviceSecretKey::generate();
    let response = relay
        .http
        .post(format!("{}/v1/devices/key", relay.url))
        .bearer_auth(&salon.token)
        .json(&json!({"public_key": new_secret.public_key()}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    relay.send_dm("1784", "m2", "after rotation").await;
    let page = relay.fetch(&salon, 0).await;
    assert_eq!(
        text_of(&salon.secret, &page.envelopes[0]),
        "before rotation"
    );
    assert_eq!(text_of(&new_secret, &page.envelopes[1]), "after rotation");
    assert!(open(&salon.secret, &page.envelopes[1]).is_err());
}

/// 32 zero bytes: a "public key" no envelope can be sealed to.
const ZERO_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

#[tokio::test]
async fn a_key_nothing_can_be_sealed_to_is_refused_at_pairing_and_rotation() {
    let relay = start_relay(1 << 20).await;
    let code = relay
        .state
        .store
        .create_invite("Salon", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    let response = relay
        .http
        .post(format!("{}/v1/devices", relay.url))
        .json(&json!({"invite_code": code, "public_key": ZERO_KEY, "device_name": "bad"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "bad_device_key");

    let device = relay.pair("Salon").await;
    let rotated = relay
        .http
        .post(format!("{}/v1/devices/key", relay.url))
        .bearer_auth(&device.token)
        .json(&json!({"public_key": ZERO_KEY}))
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 400);
}

#[tokio::test]
async fn one_devices_unusable_key_does_not_stop_anyone_elses_deliveries() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    relay.claim(&salon, "instagram", "1784").await;
    // A key stored before keys were checked, put in the store directly.
    let code = relay
        .state
        .store
        .create_invite("Studio", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    let zero = leadbox_envelope::DevicePublicKey::from_base64(ZERO_KEY).unwrap();
    let studio = relay
        .state
        .store
        .register_device(&code, &zero, "old", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    relay
        .state
        .store
        .claim_route(
            &studio.business_id,
            leadbox_envelope::Platform::Instagram,
            "1785",
            false,
            0,
        )
        .await
        .unwrap();
    let body = json!({"object": "instagram", "entry": [
        {"id": "1784", "time": 1, "messaging": [{"sender": {"id": "u"}, "recipient": {"id": "1784"}, "timestamp": 1_732_350_000_000_i64, "message": {"mid": "a", "text": "for the salon"}}]},
        {"id": "1785", "time": 1, "messaging": [{"sender": {"id": "u"}, "recipient": {"id": "1785"}, "timestamp": 1_732_350_000_000_i64, "message": {"mid": "b", "text": "for the studio"}}]}
    ]})
    .to_string()
    .into_bytes();
    assert_eq!(
        relay.post_webhook(body.clone(), Some(sign(&body))).await,
        200
    );
    assert_eq!(relay.fetch(&salon, 0).await.envelopes.len(), 1);
    assert_eq!(relay.metric("leadbox_seal_failures_total").await, 1);
}

#[tokio::test]
async fn a_shutdown_ends_push_streams_at_once() {
    let mut relay = start_relay(1 << 20).await;
    let device = relay.pair("Salon").await;
    let stream = relay
        .http
        .get(format!("{}/v1/stream", relay.url))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    // The stream's headers came back: its handler is running, waiting for envelopes.
    let took = tokio::time::timeout(Duration::from_secs(10), relay.shut_down())
        .await
        .expect("the relay stopped (before, a stream kept it running until killed)");
    assert!(took < Duration::from_secs(5), "stopping took {took:?}");
    let rest = tokio::time::timeout(Duration::from_secs(5), stream.bytes())
        .await
        .expect("the stream ended");
    assert!(rest.is_ok(), "the push stream ended cleanly");
}

#[tokio::test]
async fn a_device_holds_a_few_push_streams_at_most() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Salon").await;
    let open = || {
        relay
            .http
            .get(format!("{}/v1/stream", relay.url))
            .bearer_auth(&device.token)
            .send()
    };
    let mut streams = Vec::new();
    for _ in 0..leadbox_relay::http::stream::MAX_STREAMS_PER_DEVICE {
        let stream = open().await.unwrap();
        assert_eq!(stream.status(), 200);
        streams.push(stream);
    }
    assert_eq!(open().await.unwrap().status(), 429);
    // Closing one frees its place: the relay notices at its next write (a
    // keep-alive comment every 15 s at the latest).
    drop(streams.pop());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = open().await.unwrap().status();
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "a closed stream's place was never freed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn metrics_are_for_the_operator_only() {
    let open = start_relay(1 << 20).await;
    let get = |relay: &Relay, header: Option<(&'static str, &'static str)>| {
        let mut request = relay.http.get(format!("{}/metrics", relay.url));
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        request.send()
    };
    // Without a token: this computer only, and not through a proxy.
    assert_eq!(get(&open, None).await.unwrap().status(), 200);
    assert_eq!(
        get(&open, Some(("x-forwarded-for", "203.0.113.9")))
            .await
            .unwrap()
            .status(),
        404
    );

    let guarded = support::start_configured(|config| {
        config.metrics_token = Some("a-long-random-metrics-token".into());
    })
    .await;
    assert_eq!(get(&guarded, None).await.unwrap().status(), 404);
    assert_eq!(
        get(&guarded, Some(("authorization", "Bearer wrong")))
            .await
            .unwrap()
            .status(),
        404
    );
    let allowed = get(
        &guarded,
        Some(("authorization", "Bearer a-long-random-metrics-token")),
    )
    .await
    .unwrap();
    assert_eq!(allowed.status(), 200);
    assert!(
        allowed
            .text()
            .await
            .unwrap()
            .contains("leadbox_queue_depth 0")
    );
}

#[tokio::test]
async fn the_queue_depth_follows_stores_and_acknowledgements_without_a_scan() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Salon").await;
    relay.claim(&device, "instagram", "1784").await;
    for n in 0..3 {
        let body = instagram_dm("1784", &format!("m{n}"), "hi");
        assert_eq!(
            relay.post_webhook(body.clone(), Some(sign(&body))).await,
            200
        );
    }
    assert_eq!(relay.metric("leadbox_queue_depth").await, 3);
    let page = relay.fetch(&device, 0).await;
    let cursors: Vec<u64> = page.envelopes.iter().map(|e| e.cursor).collect();
    let acked = relay
        .http
        .post(format!("{}/v1/envelopes/ack", relay.url))
        .bearer_auth(&device.token)
        .json(&json!({"cursors": cursors}))
        .send()
        .await
        .unwrap();
    assert_eq!(acked.status(), 200);
    assert_eq!(relay.metric("leadbox_queue_depth").await, 0);
}

#[tokio::test]
async fn device_and_chat_bodies_are_small_and_only_webhooks_may_be_large() {
    let relay = start_relay(4 << 20).await;
    let big = vec![b'x'; leadbox_relay::http::MAX_API_BODY_BYTES + 1];
    for path in ["/v1/routes", "/v1/devices", "/widget/v1/site_x/messages"] {
        let status = relay
            .http
            .post(format!("{}{path}", relay.url))
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 413, "{path}");
    }
    // A webhook of the same size is still read (and, signed, answered 200).
    let device = relay.pair("Salon").await;
    relay.claim(&device, "instagram", "1784").await;
    let large = instagram_dm("1784", "m-large", &"y".repeat(200_000));
    assert_eq!(
        relay.post_webhook(large.clone(), Some(sign(&large))).await,
        200
    );
}

#[tokio::test]
async fn only_the_owner_removes_other_computers_and_the_last_owner_stays() {
    let relay = start_relay(1 << 20).await;
    let owner = relay.pair("Salon").await;
    let laptop = relay.pair("Salon").await;
    let tablet = relay.pair("Salon").await;
    let remove = |by: &Device, target: &str| {
        relay
            .http
            .delete(format!("{}/v1/devices/{target}", relay.url))
            .bearer_auth(&by.token)
            .send()
    };
    let listed: Vec<leadbox_envelope::api::BusinessDevice> = relay
        .http
        .get(format!("{}/v1/devices", relay.url))
        .bearer_auth(&laptop.token)
        .send_as()
        .await;
    let owners: Vec<&str> = listed
        .iter()
        .filter(|d| d.owner)
        .map(|d| d.device_id.as_str())
        .collect();
    assert_eq!(
        owners,
        [owner.device_id.as_str()],
        "the first computer paired owns the business"
    );

    // A stolen laptop cannot lock the owner out, nor remove the tablet.
    let refused = remove(&laptop, &owner.device_id).await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        remove(&laptop, &tablet.device_id).await.unwrap().status(),
        403
    );
    // The last owner cannot remove itself either.
    assert_eq!(
        remove(&owner, &owner.device_id).await.unwrap().status(),
        409
    );
    // Any computer may leave by itself; the owner removes the others.
    assert_eq!(
        remove(&tablet, &tablet.device_id).await.unwrap().status(),
        204
    );
    assert_eq!(
        remove(&owner, &laptop.device_id).await.unwrap().status(),
        204
    );
    assert_eq!(
        fetch_statuses(&relay, &[&owner, &laptop, &tablet]).await,
        [200, 401, 401]
    );
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let relay = start_relay(1 << 20).await;
    let address = relay.url.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    // A request line and one header, and then nothing (slowloris).
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), slow.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the relay kept a connection without headers open for 30 s"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "cut off after the header timeout, not at once"
    );
    // Meanwhile and after, real requests are answered.
    assert_eq!(
        relay
            .http
            .get(format!("{}/healthz", relay.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_at_once() {
    use tokio::io::AsyncReadExt as _;
    let relay = support::start_configured(|config| config.limits.max_connections = 2).await;
    let address = relay.url.trim_start_matches("http://").to_owned();
    let _first = tokio::net::TcpStream::connect(&address).await.unwrap();
    let _second = tokio::net::TcpStream::connect(&address).await.unwrap();
    let mut third = tokio::net::TcpStream::connect(&address).await.unwrap();
    let mut byte = [0u8; 1];
    let closed = tokio::time::timeout(Duration::from_secs(5), third.read(&mut byte)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "the third connection was closed: {closed:?}"
    );
    drop(_first);
    // Once a connection closes, its place is free again.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = reqwest::Client::new()
            .get(format!("{}/healthz", relay.url))
            .send()
            .await;
        if response.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(Instant::now() < deadline, "a freed place was never reused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        relay
            .state
            .metrics
            .connections_refused
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 1
    );
}

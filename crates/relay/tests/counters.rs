//! What the relay keeps and counts in unusual moments: senders that hang up
//! before their answer, and businesses its operator suspended.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod support;

use std::time::Duration;

use support::{instagram_dm, sign, start_relay};
use tokio::io::AsyncWriteExt as _;

#[tokio::test]
async fn a_webhook_whose_sender_hangs_up_is_stored_counted_and_pushed() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Salon").await;
    assert_eq!(relay.claim(&device, "instagram", "1784").await, 204);
    let address = relay.url.trim_start_matches("http://").to_owned();
    const SENDERS: usize = 40;
    for n in 0..SENDERS {
        let body = instagram_dm("1784", &format!("m{n}"), "hello");
        let mut tcp = tokio::net::TcpStream::connect(&address).await.unwrap();
        let head = format!(
            "POST /webhooks/meta HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nX-Hub-Signature-256: {}\r\nContent-Length: {}\r\n\r\n",
            sign(&body),
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(&body).await.unwrap();
        // Gone before the answer.
        drop(tcp);
    }
    // Each request the relay read is finished on its own; wait (bounded) for
    // the last one it read to be counted.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let received = loop {
        let received = relay.metric("leadbox_webhooks_received_total").await;
        let sealed = relay.metric("leadbox_envelopes_sealed_total").await;
        if received > 0 && received == sealed {
            break received;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "received {received}, sealed {sealed}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let stored = relay.fetch(&device, 0).await.envelopes.len() as u64;
    assert_eq!(stored, received, "every counted webhook was stored");
    assert!(received <= SENDERS as u64);
}

#[tokio::test]
async fn a_suspended_business_keeps_its_webhooks_and_its_computers_are_told_why_they_are_refused() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Salon").await;
    assert_eq!(relay.claim(&device, "instagram", "1784").await, 204);
    let business = relay
        .state
        .store
        .device_for_token(&device.token)
        .await
        .unwrap()
        .unwrap()
        .business_id;
    relay
        .state
        .store
        .set_suspended(&business, Some(1))
        .await
        .unwrap();
    let body = instagram_dm("1784", "m1", "while suspended");
    assert_eq!(
        relay.post_webhook(body.clone(), Some(sign(&body))).await,
        200
    );
    let refused = relay
        .http
        .get(format!("{}/v1/envelopes?after=0&wait=0", relay.url))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let error: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(error["code"], "business_suspended");
    relay
        .state
        .store
        .set_suspended(&business, None)
        .await
        .unwrap();
    assert_eq!(
        relay.fetch(&device, 0).await.envelopes.len(),
        1,
        "kept meanwhile"
    );
}

#[tokio::test]
async fn the_metrics_count_each_business_by_id_and_never_name_it() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Ana's Salon").await;
    let laptop = relay.pair("Ana's Salon").await;
    let gym = relay.pair("Bo's Gym").await;
    assert_eq!(relay.claim(&salon, "instagram", "1784").await, 204);
    assert_eq!(relay.claim(&gym, "instagram", "1785").await, 204);
    for (account, mid) in [("1784", "a1"), ("1784", "a2"), ("1785", "b1")] {
        let body = instagram_dm(account, mid, "hello");
        assert_eq!(
            relay.post_webhook(body.clone(), Some(sign(&body))).await,
            200
        );
    }
    let business_of = async |token: &str| {
        relay
            .state
            .store
            .device_for_token(token)
            .await
            .unwrap()
            .unwrap()
            .business_id
    };
    let (salon_id, gym_id) = (
        business_of(&salon.token).await,
        business_of(&gym.token).await,
    );
    assert_eq!(business_of(&laptop.token).await, salon_id);
    let metric = |id: &str| format!("leadbox_business_envelopes_sealed_total{{business=\"{id}\"}}");
    // Two webhooks sealed to the salon's two computers; one to the gym's.
    assert_eq!(relay.metric(&metric(&salon_id)).await, 4);
    assert_eq!(relay.metric(&metric(&gym_id)).await, 1);
    let text = relay
        .http
        .get(format!("{}/metrics", relay.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !text.contains("Salon") && !text.contains("Gym"),
        "no business names"
    );
}

#[tokio::test]
async fn a_business_over_its_quota_loses_its_own_excess_only_and_its_computers_are_told() {
    let relay = support::start_configured(|config| {
        config.limits.business_entries_per_minute = Some(3);
    })
    .await;
    let salon = relay.pair("Ana's Salon").await;
    let gym = relay.pair("Bo's Gym").await;
    assert_eq!(relay.claim(&salon, "instagram", "1784").await, 204);
    assert_eq!(relay.claim(&gym, "instagram", "1785").await, 204);
    for n in 0..6 {
        for account in ["1784", "1785"] {
            if account == "1785" && n >= 2 {
                continue;
            }
            let body = instagram_dm(account, &format!("{account}-{n}"), "hello");
            // Meta is never refused: an over-quota entry is still answered 200.
            assert_eq!(
                relay.post_webhook(body.clone(), Some(sign(&body))).await,
                200
            );
        }
    }
    // The lost count is written within a second: wait (bounded) for it.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let flooded = loop {
        let page = relay.fetch(&salon, 0).await;
        if page.lost > 0 || tokio::time::Instant::now() > deadline {
            break page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!((flooded.envelopes.len(), flooded.lost), (3, 3));
    let other = relay.fetch(&gym, 0).await;
    assert_eq!(
        (other.envelopes.len(), other.lost),
        (2, 0),
        "the other business is untouched"
    );
    let salon_id = relay
        .state
        .store
        .device_for_token(&salon.token)
        .await
        .unwrap()
        .unwrap()
        .business_id;
    assert_eq!(
        relay
            .metric(&format!(
                "leadbox_business_entries_over_quota_total{{business=\"{salon_id}\"}}"
            ))
            .await,
        3
    );
}

#[tokio::test]
async fn a_business_whose_waiting_envelopes_reach_its_byte_quota_gets_no_more_and_is_told() {
    let relay = support::start_configured(|config| {
        // Room for about three sealed webhooks to one computer.
        config.limits.business_max_stored_bytes = Some(3 * 800);
    })
    .await;
    let salon = relay.pair("Ana's Salon").await;
    let gym = relay.pair("Bo's Gym").await;
    assert_eq!(relay.claim(&salon, "instagram", "1784").await, 204);
    assert_eq!(relay.claim(&gym, "instagram", "1785").await, 204);
    for n in 0..8 {
        let body = instagram_dm("1784", &format!("s{n}"), "hello");
        assert_eq!(
            relay.post_webhook(body.clone(), Some(sign(&body))).await,
            200
        );
    }
    let body = instagram_dm("1785", "g0", "hello");
    assert_eq!(
        relay.post_webhook(body.clone(), Some(sign(&body))).await,
        200
    );
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let salon_page = loop {
        let page = relay.fetch(&salon, 0).await;
        if page.lost > 0 || tokio::time::Instant::now() > deadline {
            break page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let kept = salon_page.envelopes.len() as u64;
    assert!((1..8).contains(&kept), "{kept} kept");
    assert_eq!(kept + salon_page.lost, 8, "every dropped one is told");
    let stored: u64 = salon_page
        .envelopes
        .iter()
        .map(|e| (e.ciphertext.len() + e.encapsulated_key.len()) as u64)
        .sum();
    assert!(stored <= 3 * 800, "{stored} bytes waiting");
    assert_eq!(
        relay.fetch(&gym, 0).await.envelopes.len(),
        1,
        "the other business has room"
    );
}

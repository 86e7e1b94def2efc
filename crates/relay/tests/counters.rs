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

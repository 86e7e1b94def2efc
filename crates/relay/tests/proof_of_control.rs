//! An account's webhooks go to a business only when it proves that it
//! controls the account, and move to another business only with such proof:
//! the tokens are checked against a local Graph API that answers as Meta does.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod support;

use leadbox_envelope::payload::Payload;
use leadbox_envelope::{Platform, open};
use leadbox_relay::config::RouteClaims;
use support::{Device, Relay, instagram_dm, sign, start_configured, start_relay};

fn messenger_dm(page: &str, mid: &str) -> Vec<u8> {
    leadbox_testkit::webhooks::messenger_dm(page, "PSID-1", mid, "hello", 1_732_350_000_000, false)
        .to_string()
        .into_bytes()
}

async fn payloads(relay: &Relay, device: &Device) -> Vec<Payload> {
    relay
        .fetch(device, 0)
        .await
        .envelopes
        .iter()
        .map(|e| Payload::from_bytes(&open(&device.secret, e).unwrap()).unwrap())
        .collect()
}

async fn holder(relay: &Relay, kind: Platform, account: &str) -> Option<String> {
    relay.state.store.route_holder(kind, account).await.unwrap()
}

async fn post(relay: &Relay, body: Vec<u8>) {
    assert_eq!(
        relay.post_webhook(body.clone(), Some(sign(&body))).await,
        200
    );
}

#[tokio::test]
async fn a_free_account_is_routed_only_with_a_token_that_proves_control() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;

    let refused = [
        (None, "proof_required"),
        // A valid token of another page.
        (Some("page:PAGE-2"), "proof_refused"),
        // Meta cannot parse it.
        (Some("made-up"), "proof_refused"),
        // An Instagram Login token is no page token.
        (Some("ig:PAGE-1"), "proof_refused"),
    ];
    for (token, code) in refused {
        let answer = relay
            .claim_with(&salon, "messenger", "PAGE-1", None, token)
            .await;
        assert_eq!(answer, (403, code.to_owned()), "{token:?}");
        assert_eq!(holder(&relay, Platform::Messenger, "PAGE-1").await, None);
    }
    post(&relay, messenger_dm("PAGE-1", "m1")).await;
    assert!(relay.fetch(&salon, 0).await.envelopes.is_empty());

    let answer = relay
        .claim_with(&salon, "messenger", "PAGE-1", None, Some("page:PAGE-1"))
        .await;
    assert_eq!(answer.0, 204);
    post(&relay, messenger_dm("PAGE-1", "m2")).await;
    assert_eq!(relay.fetch(&salon, 0).await.envelopes.len(), 1);
    // Claiming one's own account again needs no proof.
    let again = relay
        .claim_with(&salon, "messenger", "PAGE-1", None, None)
        .await;
    assert_eq!(again.0, 204);
}

#[tokio::test]
async fn instagram_is_proven_by_the_linked_page_or_by_instagram_login() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    let by_page = relay
        .claim_with(&salon, "instagram", "1784", None, Some("page:P:ig:1784"))
        .await;
    assert_eq!(by_page.0, 204);
    let by_login = relay
        .claim_with(&salon, "instagram", "1785", None, Some("ig:1785"))
        .await;
    assert_eq!(by_login.0, 204);
    for token in ["page:P:ig:1784", "ig:1784", "page:1786"] {
        let answer = relay
            .claim_with(&salon, "instagram", "1786", None, Some(token))
            .await;
        assert_eq!(answer, (403, "proof_refused".to_owned()), "{token}");
    }
}

#[tokio::test]
async fn a_whatsapp_number_needs_a_token_that_reads_it_and_its_business_account_must_hold_it() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    let cases = [
        ("P1", None, "wa:P2", 403),
        ("P1", Some("WABA"), "wa:P1@OTHER-WABA", 403),
        ("P1", Some("WABA"), "wa:P1", 403),
        ("P1", Some("WABA"), "wa:P1@WABA", 204),
        ("P3", None, "wa:P3", 204),
    ];
    for (number, business_account, token, status) in cases {
        let answer = relay
            .claim_with(&salon, "whatsapp", number, business_account, Some(token))
            .await;
        assert_eq!(
            answer.0, status,
            "{number} {business_account:?} {token}: {answer:?}"
        );
    }
    // Holding a number does not bring another account's notices without proof.
    let unproven = relay
        .claim_with(&salon, "whatsapp", "P3", Some("OTHER-WABA"), None)
        .await;
    assert_eq!(unproven, (403, "proof_required".to_owned()));
    let recipients = relay
        .state
        .store
        .business_account_recipients("WABA")
        .await
        .unwrap();
    assert_eq!(recipients.len(), 1);
    assert!(
        relay
            .state
            .store
            .business_account_recipients("OTHER-WABA")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_account_moves_to_another_business_only_with_proof_and_the_first_is_told() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    let rival = relay.pair("Rival").await;
    assert_eq!(relay.claim(&salon, "instagram", "1784").await, 204);

    for token in [None, Some("page:P:ig:9999"), Some("ig:9999")] {
        let (status, _) = relay
            .claim_with(&rival, "instagram", "1784", None, token)
            .await;
        assert!(status == 409 || status == 403, "{token:?}: {status}");
    }
    post(&relay, instagram_dm("1784", "m1", "still the salon's")).await;
    assert_eq!(relay.fetch(&salon, 0).await.envelopes.len(), 1);
    assert!(relay.fetch(&rival, 0).await.envelopes.is_empty());

    let moved = relay
        .claim_with(&rival, "instagram", "1784", None, Some("ig:1784"))
        .await;
    assert_eq!(moved.0, 204);
    let told: Vec<Payload> = payloads(&relay, &salon).await;
    assert!(
        told.iter().any(|p| matches!(p,
            Payload::RouteMoved { route: Platform::Instagram, account_id, .. } if account_id == "1784")),
        "{told:?}"
    );
    post(&relay, instagram_dm("1784", "m2", "now the rival's")).await;
    assert_eq!(relay.fetch(&rival, 0).await.envelopes.len(), 1);
    // The salon got the move notice and no new message.
    assert_eq!(payloads(&relay, &salon).await.len(), told.len());
}

#[tokio::test]
async fn a_first_claim_relay_routes_free_accounts_without_proof_but_never_moves_one_without_it() {
    let relay = start_configured(|config| config.route_claims = RouteClaims::FirstClaim).await;
    let salon = relay.pair("Salon").await;
    let rival = relay.pair("Rival").await;
    let free = relay
        .claim_with(&salon, "messenger", "PAGE-1", None, None)
        .await;
    assert_eq!(free.0, 204);
    let taken = relay
        .claim_with(&rival, "messenger", "PAGE-1", None, None)
        .await;
    assert_eq!(taken, (409, "route_taken".to_owned()));
    let wrong = relay
        .claim_with(&rival, "messenger", "PAGE-1", None, Some("page:PAGE-2"))
        .await;
    assert_eq!(wrong, (403, "proof_refused".to_owned()));
    let salon_business = relay
        .state
        .store
        .device_for_token(&salon.token)
        .await
        .unwrap()
        .unwrap()
        .business_id;
    assert_eq!(
        holder(&relay, Platform::Messenger, "PAGE-1").await,
        Some(salon_business)
    );
    post(&relay, messenger_dm("PAGE-1", "m1")).await;
    assert_eq!(relay.fetch(&salon, 0).await.envelopes.len(), 1);
    assert!(relay.fetch(&rival, 0).await.envelopes.is_empty());
}

#[tokio::test]
async fn when_meta_cannot_be_reached_nothing_is_routed_and_the_answer_says_so() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v21.0", closed.local_addr().unwrap());
    drop(closed);
    let relay = start_configured(|config| config.graph_url = url).await;
    let salon = relay.pair("Salon").await;
    let answer = relay
        .claim_with(&salon, "messenger", "PAGE-1", None, Some("page:PAGE-1"))
        .await;
    assert_eq!(answer, (502, "meta_unreachable".to_owned()));
    assert_eq!(holder(&relay, Platform::Messenger, "PAGE-1").await, None);
}

#[tokio::test]
async fn the_token_that_proved_control_is_not_kept() {
    let relay = start_relay(1 << 20).await;
    let salon = relay.pair("Salon").await;
    let token = "page:PAGE-KEEP-ME-NOT-4711";
    let answer = relay
        .claim_with(
            &salon,
            "messenger",
            "PAGE-KEEP-ME-NOT-4711",
            None,
            Some(token),
        )
        .await;
    assert_eq!(answer.0, 204);
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(&relay.state.config.data_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            bytes.extend(std::fs::read(path).unwrap());
        }
    }
    assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
}

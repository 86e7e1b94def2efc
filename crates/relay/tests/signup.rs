//! Sign-up on a relay service: who may create a business from the app, and
//! that a sign-up never joins a business someone else has.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod support;

use leadbox_envelope::DeviceSecretKey;
use leadbox_relay::config::SignUp;
use leadbox_testkit::http::SendJson;
use serde_json::{Value, json};
use support::{Device, Relay, start_configured};

async fn sign_up(
    relay: &Relay,
    business: &str,
    code: Option<&str>,
) -> (u16, Value, DeviceSecretKey) {
    let key = DeviceSecretKey::generate();
    let response = relay
        .http
        .post(format!("{}/v1/signup", relay.url))
        .json(&json!({"business_name": business, "device_name": "front desk", "public_key": key.public_key(), "signup_code": code}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap(), key)
}

#[tokio::test]
async fn a_relay_takes_no_sign_ups_unless_its_operator_opens_them() {
    let relay = start_configured(|_| {}).await;
    let (status, error, _) = sign_up(&relay, "Ana's Salon", None).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (403, Some("signup_closed"))
    );
    assert!(relay.state.store.businesses().await.unwrap().is_empty());
}

#[tokio::test]
async fn with_a_code_the_business_is_created_and_this_computer_is_its_owner() {
    let relay = start_configured(|config| {
        config.signup = SignUp::Code(vec!["spring-2026-salons".into()]);
    })
    .await;
    for code in [None, Some("winter-2025"), Some("")] {
        let (status, error, _) = sign_up(&relay, "Ana's Salon", code).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (403, Some("signup_code_invalid")),
            "{code:?}"
        );
    }
    let (status, signed, secret) =
        sign_up(&relay, "  Ana's   Salon ", Some(" spring-2026-salons ")).await;
    assert_eq!(status, 201, "{signed}");
    assert_eq!(signed["business_name"], "Ana's Salon");
    let device = Device {
        secret,
        token: signed["token"].as_str().unwrap().to_owned(),
        device_id: signed["device_id"].as_str().unwrap().to_owned(),
    };
    // A working pairing: it claims an account and receives its webhooks.
    assert_eq!(relay.claim(&device, "instagram", "1784").await, 204);
    let body = support::instagram_dm("1784", "m1", "hello");
    assert_eq!(
        relay
            .post_webhook(body.clone(), Some(support::sign(&body)))
            .await,
        200
    );
    assert_eq!(relay.fetch(&device, 0).await.envelopes.len(), 1);
    let computers: Value = relay
        .http
        .get(format!("{}/v1/devices", relay.url))
        .bearer_auth(&device.token)
        .send_json()
        .await;
    assert_eq!(computers[0]["owner"], true);

    // The same name again is refused: a sign-up never joins someone's business.
    let (status, error, _) = sign_up(&relay, "Ana's Salon", Some("spring-2026-salons")).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (409, Some("business_name_taken"))
    );
    let businesses = relay.state.store.businesses().await.unwrap();
    assert_eq!(businesses.len(), 1);
    assert_eq!(businesses[0].devices, 1);
}

#[tokio::test]
async fn open_sign_up_refuses_bad_names_and_keys() {
    let relay = start_configured(|config| config.signup = SignUp::Open).await;
    for name in ["", "   ", &"x".repeat(81), "tab\tname\u{7}"] {
        let (status, error, _) = sign_up(&relay, name, None).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (400, Some("bad_business_name")),
            "{name:?}"
        );
    }
    let zero_key = relay
        .http
        .post(format!("{}/v1/signup", relay.url))
        .json(&json!({"business_name": "Zero", "device_name": "x", "public_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}))
        .send()
        .await
        .unwrap();
    assert_eq!(zero_key.status(), 400);
    assert!(relay.state.store.businesses().await.unwrap().is_empty());
}

#[tokio::test]
async fn one_address_creates_at_most_five_businesses_an_hour_and_guesses_codes_as_slowly() {
    let relay = start_configured(|config| config.signup = SignUp::Open).await;
    let mut answers = Vec::new();
    for n in 0..8 {
        answers.push(sign_up(&relay, &format!("Business {n}"), None).await.0);
    }
    assert_eq!(answers, [201, 201, 201, 201, 201, 429, 429, 429]);
    assert_eq!(relay.state.store.businesses().await.unwrap().len(), 5);

    let coded = start_configured(|config| {
        config.signup = SignUp::Code(vec!["spring-2026-salons".into()]);
    })
    .await;
    let mut guesses = Vec::new();
    for n in 0..6 {
        guesses.push(
            sign_up(&coded, "Guess", Some(&format!("guess-{n:04}")))
                .await
                .0,
        );
    }
    assert_eq!(guesses, [403, 403, 403, 403, 403, 429]);
    let (status, _, _) = sign_up(&coded, "Guess", Some("spring-2026-salons")).await;
    assert_eq!(status, 429, "even the right code waits out the hour");
}

//! The OpenAI-compatible and Anthropic providers against local servers that
//! answer like the real ones: success, errors, slowness and cut-off replies.

#![allow(clippy::unwrap_used)] // Test helpers: a failed unwrap is a failed test.

mod fake_llm;

use std::time::Duration;

use fake_llm::{FakeLlm, Reply};
use leadbox_drafts::checks::Flag;
use leadbox_drafts::enquiry::Enquiry;
use leadbox_drafts::extract::Urgency;
use leadbox_drafts::providers::{Anthropic, AnyDrafter, OpenAiCompatible, ProviderSettings};
use leadbox_drafts::{BusinessProfile, DraftError, DraftRequest, Drafter, Platform};

fn request(message: &str) -> DraftRequest {
    DraftRequest {
        profile: BusinessProfile::from_toml(include_str!("profiles/hair_salon.toml")).unwrap(),
        channel: Platform::Instagram,
        lead_name: Some("Bo".into()),
        history: vec![],
        new_message: message.into(),
        owner_replies: Vec::new(),
    }
}

fn settings(url: String) -> ProviderSettings {
    let mut settings = ProviderSettings::new(url, "test-model", Some("sk-test-key".into()));
    settings.redact = true;
    settings.timeout = Duration::from_secs(2);
    settings
}

#[tokio::test]
async fn openai_compatible_draft_records_tokens_and_sends_the_key() {
    let server = FakeLlm::start(vec![Reply::openai_ok(
        "Hi Bo! A haircut is €25. Book at https://book.example.com/anas-salon",
    )])
    .await;
    let draft = OpenAiCompatible::new(settings(server.url()))
        .draft(&request("How much is a haircut?"))
        .await
        .unwrap();
    assert_eq!(draft.flags, vec![]);
    assert_eq!(
        (draft.input_tokens, draft.output_tokens),
        (Some(321), Some(45))
    );
    assert_eq!(draft.provider, "openai_compatible");
    assert_eq!(draft.model.as_deref(), Some("test-model"));
    let headers = server.headers().await;
    assert_eq!(headers[0]["authorization"], "Bearer sk-test-key");
    let body = &server.requests().await[0];
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["messages"][0]["role"], "system");
}

#[tokio::test]
async fn anthropic_draft_uses_its_headers_and_shape() {
    let server = FakeLlm::start(vec![Reply::anthropic_ok("Hi Bo! **A haircut is €25.**")]).await;
    let draft = Anthropic::new(settings(server.anthropic_url()))
        .draft(&request("How much is a haircut?"))
        .await
        .unwrap();
    assert_eq!(draft.text, "Hi Bo! A haircut is €25.");
    assert_eq!(draft.flags, vec![Flag::MarkupRemoved]);
    assert_eq!(
        (draft.input_tokens, draft.output_tokens),
        (Some(280), Some(30))
    );
    let headers = server.headers().await;
    assert_eq!(headers[0]["x-api-key"], "sk-test-key");
    assert_eq!(headers[0]["anthropic-version"], "2023-06-01");
    let body = &server.requests().await[0];
    assert!(body["system"].as_str().unwrap().contains("Ana's Salon"));
    assert_eq!(body["messages"][0]["role"], "user");
}

#[tokio::test]
async fn contact_details_are_redacted_on_the_way_out_and_restored_in_the_draft() {
    let server = FakeLlm::start(vec![Reply::openai_ok(
        "Thanks! We'll call you on [PHONE_1] or write to [EMAIL_1].",
    )])
    .await;
    let draft = OpenAiCompatible::new(settings(server.url()))
        .draft(&request(
            "Book me please, I'm at bo@example.org or 611 222 333",
        ))
        .await
        .unwrap();
    let sent = serde_json::to_string(&server.requests().await[0]).unwrap();
    assert!(
        !sent.contains("bo@example.org") && !sent.contains("611 222 333"),
        "{sent}"
    );
    assert_eq!(
        draft.text,
        "Thanks! We'll call you on 611 222 333 or write to bo@example.org."
    );
    assert_eq!(draft.flags, vec![]);
}

#[tokio::test]
async fn a_local_model_server_gets_the_text_unredacted() {
    let server = FakeLlm::start(vec![Reply::openai_ok("ok")]).await;
    let local = ProviderSettings::new(server.url(), "llama3", None);
    assert!(!local.redact, "loopback servers keep text on this computer");
    OpenAiCompatible::new(local)
        .draft(&request("mail bo@example.org"))
        .await
        .unwrap();
    assert!(
        serde_json::to_string(&server.requests().await[0])
            .unwrap()
            .contains("bo@example.org")
    );
    assert!(server.headers().await[0].get("authorization").is_none());
}

#[tokio::test]
async fn errors_become_plain_words() {
    let cases = [
        (
            Reply::openai_error(401, "Incorrect API key provided", "invalid_api_key"),
            "BadKey",
        ),
        (
            Reply::openai_error(404, "The model `x` does not exist", "model_not_found"),
            "UnknownModel",
        ),
        (
            Reply::openai_error(400, "max_tokens is too large", "invalid_value"),
            "Provider",
        ),
    ];
    for (reply, expected) in cases {
        let server = FakeLlm::start(vec![reply]).await;
        let error = OpenAiCompatible::new(settings(server.url()))
            .draft(&request("hi"))
            .await
            .unwrap_err();
        let kind = format!("{error:?}");
        assert!(kind.starts_with(expected), "{kind}");
        assert_eq!(
            server.requests().await.len(),
            1,
            "{expected} is not retried"
        );
    }
    let server = FakeLlm::start(vec![Reply::anthropic_error(
        401,
        "authentication_error",
        "invalid x-api-key",
    )])
    .await;
    let error = Anthropic::new(settings(server.anthropic_url()))
        .draft(&request("hi"))
        .await
        .unwrap_err();
    assert!(matches!(error, DraftError::BadKey));
    assert!(error.to_string().contains("enter a valid key"));
}

#[tokio::test]
async fn rate_limits_and_overload_are_retried_then_succeed() {
    let server = FakeLlm::start(vec![
        Reply::anthropic_error(529, "overloaded_error", "Overloaded"),
        Reply::anthropic_error(429, "rate_limit_error", "slow down"),
        Reply::anthropic_ok("Hello!"),
    ])
    .await;
    let draft = Anthropic::new(settings(server.anthropic_url()))
        .draft(&request("hi"))
        .await
        .unwrap();
    assert!(draft.text.starts_with("Hello!"));
    assert_eq!(server.requests().await.len(), 3);
}

#[tokio::test]
async fn persistent_server_errors_give_up_after_the_attempt_limit() {
    let server = FakeLlm::start(vec![Reply::openai_error(500, "boom", "server_error")]).await;
    let error = OpenAiCompatible::new(settings(server.url()))
        .draft(&request("hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, DraftError::Provider(ref m) if m.starts_with("HTTP 500")),
        "{error:?}"
    );
    assert_eq!(server.requests().await.len(), 3);
}

#[tokio::test]
async fn a_slow_provider_times_out() {
    let server = FakeLlm::start(vec![Reply::openai_ok("late").slow(Duration::from_secs(10))]).await;
    let mut slow = settings(server.url());
    slow.timeout = Duration::from_millis(300);
    slow.max_attempts = 1;
    let error = OpenAiCompatible::new(slow)
        .draft(&request("hi"))
        .await
        .unwrap_err();
    assert!(matches!(error, DraftError::TimedOut(_)), "{error:?}");
}

#[tokio::test]
async fn dropping_the_draft_future_cancels_the_call() {
    let server = FakeLlm::start(vec![Reply::openai_ok("late").slow(Duration::from_secs(30))]).await;
    // Short attempts: a call that went on without its caller would try
    // again after 1 s and the 500 ms pause between attempts (long enough
    // for the first request to arrive on a loaded machine).
    let mut short = settings(server.url());
    short.timeout = Duration::from_secs(1);
    let drafter = OpenAiCompatible::new(short);
    let request = request("hi");
    // The call runs until the provider has its request (on a loaded machine
    // that can take a while), then the caller stops waiting.
    let arrived = async {
        while server.requests().await.is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::select! {
        finished = drafter.draft(&request) => panic!("a 30-second reply came early: {finished:?}"),
        arrived = tokio::time::timeout(Duration::from_secs(20), arrived) => {
            arrived.expect("the provider never got the request");
        }
    }
    // Nothing can be observed of a call that stopped: wait past the time
    // its retry would come, and count.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(
        server.requests().await.len(),
        1,
        "no retry happens after cancellation"
    );
}

#[tokio::test]
async fn cut_off_and_empty_replies_are_reported() {
    let server = FakeLlm::start(vec![Reply::openai("Hi! A haircut is", "length")]).await;
    let draft = OpenAiCompatible::new(settings(server.url()))
        .draft(&request("price?"))
        .await
        .unwrap();
    assert!(draft.flags.contains(&Flag::Truncated));
    let server = FakeLlm::start(vec![Reply::anthropic_ok("   ")]).await;
    let error = Anthropic::new(settings(server.anthropic_url()))
        .draft(&request("hi"))
        .await
        .unwrap_err();
    assert!(matches!(error, DraftError::Empty));
}

#[tokio::test]
async fn an_unreachable_provider_names_the_address() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let mut unreachable = settings(url.clone());
    unreachable.max_attempts = 1;
    let error = OpenAiCompatible::new(unreachable)
        .draft(&request("hi"))
        .await
        .unwrap_err();
    assert!(error.to_string().contains(&url), "{error}");
}

#[tokio::test]
async fn a_configured_provider_assesses_the_lead_with_redaction() {
    let server = FakeLlm::start(vec![Reply::anthropic_ok(
        "{\"intent\": \"booking\", \"urgency\": \"high\", \"summary\": \"Wants a colour today; call [PHONE_1]\"}",
    )])
    .await;
    let drafter = AnyDrafter::Anthropic(Anthropic::new(settings(server.anthropic_url())));
    let assessment = drafter
        .assess(&["Can you fit me in for colour today? 611 222 333".into()])
        .await
        .unwrap();
    assert_eq!(
        (assessment.intent, assessment.urgency),
        (Enquiry::Booking, Urgency::High)
    );
    assert_eq!(assessment.summary, "Wants a colour today; call 611 222 333");
    assert!(
        !serde_json::to_string(&server.requests().await[0])
            .unwrap()
            .contains("611 222 333")
    );
}

#[tokio::test]
async fn a_malformed_or_failed_assessment_is_ignored() {
    let server = FakeLlm::start(vec![Reply::openai_ok("I think they want a haircut")]).await;
    let drafter = AnyDrafter::OpenAiCompatible(OpenAiCompatible::new(settings(server.url())));
    assert_eq!(drafter.assess(&["hi".into()]).await, None);
    let server = FakeLlm::start(vec![Reply::openai_error(401, "bad key", "invalid_api_key")]).await;
    let drafter = AnyDrafter::OpenAiCompatible(OpenAiCompatible::new(settings(server.url())));
    assert_eq!(drafter.assess(&["hi".into()]).await, None);
    assert_eq!(
        AnyDrafter::default().assess(&["hi".into()]).await,
        None,
        "the offline drafter uses rules only"
    );
}

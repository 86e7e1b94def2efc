//! Lead-ad forms: listed at once, answers fetched with retries.

use std::time::Duration;

use leadbox_inbox::{LeadFormStatus, Platform};
use serde_json::json;

/// Longer than any lead-form retry delay so far (they double from a minute).
const RETRY_LATER: Duration = Duration::from_secs(60 * 60);

use crate::world::{World, now_ms};

#[tokio::test]
async fn a_lead_form_is_listed_at_once_and_its_answers_fetched_with_retries() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    let leadgen = json!({"object": "page", "entry": [{"id": "PAGE1", "time": now_ms() / 1000, "changes": [{"field": "leadgen", "value": {
        "leadgen_id": "LEAD42", "form_id": "FORM1", "page_id": "PAGE1", "created_time": now_ms() / 1000, "ad_id": "AD9"
    }}]}]});
    let mut announced = Vec::new();
    for _ in 0..2 {
        world.post_only(leadgen.clone()).await;
        let report = world.engine.sync_once(Duration::ZERO).await.unwrap();
        announced.push(report.new_lead_forms);
    }
    assert_eq!(announced, [1, 0], "a retry is not announced as a new lead");
    let forms = world.engine.lead_forms().unwrap();
    assert_eq!(forms.len(), 1, "Meta's retries give one lead");
    assert_eq!(forms[0].status, LeadFormStatus::Pending);

    // Without the page's token the fetch waits, with a reason the owner can act on.
    assert_eq!(world.engine.fetch_lead_forms().await.unwrap(), 0);
    let waiting = &world.engine.lead_forms().unwrap()[0];
    assert!(
        waiting.error.as_deref().unwrap().contains("accounts add"),
        "{waiting:?}"
    );

    world.connect_page(Platform::Messenger, "PAGE1").await;
    assert_eq!(
        world.engine.fetch_lead_forms().await.unwrap(),
        0,
        "the retry is not due yet"
    );
    world.clock.advance(RETRY_LATER);
    assert_eq!(
        world.engine.fetch_lead_forms().await.unwrap(),
        0,
        "the first Graph call fails (transient)"
    );
    let retrying = &world.engine.lead_forms().unwrap()[0];
    assert_eq!(retrying.status, LeadFormStatus::Pending);
    assert_eq!(retrying.attempts, 2);
    assert_eq!(
        world.engine.fetch_lead_forms().await.unwrap(),
        0,
        "the next retry is scheduled later"
    );

    world.clock.advance(RETRY_LATER);
    assert_eq!(world.engine.fetch_lead_forms().await.unwrap(), 1);
    let fetched = &world.engine.lead_forms().unwrap()[0];
    assert_eq!(fetched.status, LeadFormStatus::Fetched);
    assert_eq!(
        (
            fetched.name.as_deref(),
            fetched.email.as_deref(),
            fetched.phone.as_deref()
        ),
        (
            Some("Ana García"),
            Some("ana@example.com"),
            Some("+34600111222")
        )
    );
    assert!(fetched.answers.to_string().contains("preferred_day"));
}

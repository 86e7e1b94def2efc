//! WhatsApp templates against the local Graph API: listed page by page with
//! the number's token, sent with the owner's values after the 24 hours,
//! refused by Meta when they do not fit, and kept in step with Meta's
//! status webhooks.

use std::time::Duration;

use leadbox_inbox::{DraftStatus, InboxError, Platform, ReplyVerdict};
use serde_json::{Value, json};

use crate::world::{World, whatsapp_text};

const DAY: Duration = Duration::from_secs(24 * 3600);

fn template(name: &str, language: &str, status: &str, body: &str) -> Value {
    json!({"id": format!("tpl-{name}-{language}"), "name": name, "language": language, "status": status,
           "category": "UTILITY", "components": [
               {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["#4521"]}},
               {"type": "BODY", "text": body, "example": {"body_text": [["Ana", "#4521"]]}},
               {"type": "FOOTER", "text": "Ana's Salon"}]})
}

/// A conversation whose last message is two days old, with the number's templates at Meta.
async fn two_days_later() -> (World, i64) {
    let world = World::new(Platform::Whatsapp, "P1").await;
    world
        .webhook(whatsapp_text(
            "wamid.IN1",
            "Ana García",
            "Is my order ready?",
            0,
        ))
        .await;
    world.connect_whatsapp().await;
    {
        let mut graph = world.graph.lock().await;
        graph.templates = vec![
            template(
                "order_ready",
                "en_US",
                "APPROVED",
                "Hi {{1}}, your order {{2}} is ready.",
            ),
            template(
                "order_ready",
                "es",
                "APPROVED",
                "Hola {{1}}, tu pedido {{2}} está listo.",
            ),
            template("spring_offer", "en_US", "PENDING", "New offers!"),
            template("old_promo", "en_US", "PAUSED", "Old promo {{1}}"),
        ];
        // Two per page: the list has to be followed to its end.
        graph.template_page_size = 2;
    }
    world.clock.advance(2 * DAY);
    let conversation = world.engine.conversations().unwrap().remove(0).id;
    (world, conversation)
}

fn values(list: &[&str]) -> Vec<String> {
    list.iter().map(|v| (*v).to_owned()).collect()
}

#[tokio::test]
async fn after_24_hours_an_approved_template_goes_out_with_the_owners_values() {
    let (world, conversation) = two_days_later().await;
    assert_eq!(
        world
            .engine
            .composer_reply_window(conversation)
            .unwrap()
            .state,
        ReplyVerdict::TemplateNeeded
    );
    let list = world.engine.whatsapp_templates(conversation).await.unwrap();
    assert_eq!(list.problem, None);
    let listed: Vec<(&str, &str)> = list
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.language.as_str()))
        .collect();
    assert_eq!(
        listed,
        [("order_ready", "en_US"), ("order_ready", "es")],
        "approved ones only"
    );
    assert_eq!(
        world.graph.lock().await.template_lists,
        2,
        "both pages read"
    );
    let names: Vec<(&str, Option<&str>)> = list.templates[0]
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.example.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("1", Some("#4521")),
            ("1", Some("Ana")),
            ("2", Some("#4521"))
        ]
    );

    let id = world
        .engine
        .send_whatsapp_template(
            conversation,
            "order_ready",
            "en_US",
            &values(&["#88", "Ana", "#88"]),
            false,
        )
        .await
        .unwrap();
    assert!(id.starts_with("wamid.SENT"), "{id}");
    let (phone, auth, body) = world.graph.lock().await.sends.remove(0);
    assert_eq!((phone.as_str(), auth.as_str()), ("P1", "Bearer wa:P1@WABA"));
    assert_eq!(
        body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222",
               "type": "template", "template": {"name": "order_ready", "language": {"code": "en_US"}, "components": [
                   {"type": "header", "parameters": [{"type": "text", "text": "#88"}]},
                   {"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "#88"}]}]}})
    );
    let last = world.engine.messages(conversation).unwrap().pop().unwrap();
    assert_eq!(
        last.text.as_deref(),
        Some("Order #88\n\nHi Ana, your order #88 is ready.\n\nAna's Salon"),
        "the conversation shows what the person received"
    );
    // Plain text is still refused after the 24 hours.
    assert!(
        world
            .engine
            .send_owner_reply(conversation, "Hi!", false)
            .await
            .is_err()
    );
    assert!(world.graph.lock().await.sends.is_empty());
}

#[tokio::test]
async fn values_that_do_not_fit_and_templates_meta_no_longer_has_are_refused_clearly() {
    let (world, conversation) = two_days_later().await;
    world.engine.whatsapp_templates(conversation).await.unwrap();

    let missing = world
        .engine
        .send_whatsapp_template(
            conversation,
            "order_ready",
            "en_US",
            &values(&["#1", " ", "#1"]),
            false,
        )
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("fill in {{1}}"), "{missing}");
    let paused = world
        .engine
        .send_whatsapp_template(conversation, "old_promo", "en_US", &values(&["x"]), false)
        .await
        .unwrap_err();
    assert!(paused.to_string().contains("not approved"), "{paused}");

    // Meta deleted the Spanish one since it was listed: its refusal, in words,
    // and the reply kept to see.
    world.graph.lock().await.templates.remove(1);
    let gone = world
        .engine
        .send_whatsapp_template(
            conversation,
            "order_ready",
            "es",
            &values(&["#1", "Ana", "#1"]),
            false,
        )
        .await
        .unwrap_err();
    assert!(matches!(gone, InboxError::NotSent(_)), "{gone}");
    assert!(
        gone.to_string().contains("does not have this template"),
        "{gone}"
    );
    let kept = world.engine.draft_to_review(conversation).unwrap().unwrap();
    assert_eq!(kept.status, DraftStatus::SendFailed);
    assert!(world.graph.lock().await.sends.is_empty());

    // Listing again brings the list in step with Meta's.
    let list = world.engine.whatsapp_templates(conversation).await.unwrap();
    assert_eq!(list.templates.len(), 1);
}

#[tokio::test]
async fn a_status_webhook_updates_the_list_and_a_list_meta_refuses_keeps_the_last_one() {
    let (world, conversation) = two_days_later().await;
    world.engine.whatsapp_templates(conversation).await.unwrap();
    world
        .webhook(json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "time": 1_751_247_548, "changes": [{
            "field": "message_template_status_update",
            "value": {"event": "PAUSED", "message_template_id": 1_689_556_908_129_832_u64, "message_template_name": "order_ready",
                      "message_template_language": "es", "reason": "NONE"}}]}]}))
        .await;
    // Meta cannot be asked now: the stored list, with the webhook's change, and why.
    world.graph.lock().await.expired = true;
    let list = world.engine.whatsapp_templates(conversation).await.unwrap();
    let listed: Vec<&str> = list.templates.iter().map(|t| t.language.as_str()).collect();
    assert_eq!(listed, ["en_US"], "the paused one is gone from the choices");
    assert!(list.problem.unwrap().contains("reconnect"));
}

#[tokio::test]
async fn templates_are_for_whatsapp_conversations() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(crate::world::messenger_dm("m1", "hi", 60_000, false))
        .await;
    let conversation = world.engine.conversations().unwrap().remove(0).id;
    assert!(matches!(
        world.engine.whatsapp_templates(conversation).await,
        Err(InboxError::Settings(_))
    ));
}

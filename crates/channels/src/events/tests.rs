//! Parsing tests, from the documented payload shapes.

use super::*;
use proptest::prelude::*;
use serde_json::json;

/// When the relay received the webhooks in these tests.
const RECEIVED: i64 = 1_764_000_000_000;

fn instagram_entry() -> Value {
    // Written from Meta's documented shape, with the escapes Meta uses.
    serde_json::from_str(
        r#"{"id":"17841400000000001","time":1732350000000,"messaging":[
            {"sender":{"id":"5550001"},"recipient":{"id":"17841400000000001"},"timestamp":1732350000123,
             "message":{"mid":"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAw","text":"Hola! \u00bfCu\u00e1nto cuesta un corte? \ud83d\udc87 http:\/\/x.y"}},
            {"sender":{"id":"17841400000000001"},"recipient":{"id":"5550001"},"timestamp":1732350000999,
             "message":{"mid":"echo-1","text":"Thanks!","is_echo":true,"app_id":1234}}
        ]}"#,
    )
    .unwrap()
}

#[test]
fn instagram_dm_and_echo_become_messages() {
    let events = parse_entry(
        Platform::Instagram,
        "17841400000000001",
        &instagram_entry(),
        RECEIVED,
    );
    let [Event::Message(inbound), Event::Message(echo)] = events.as_slice() else {
        panic!("expected two messages, got {events:?}");
    };
    assert_eq!(inbound.direction, Direction::Inbound);
    assert_eq!(inbound.contact_id, "5550001");
    assert_eq!(
        inbound.text.as_deref(),
        Some("Hola! ¿Cuánto cuesta un corte? 💇 http://x.y")
    );
    assert_eq!(inbound.timestamp_ms, 1_732_350_000_123);
    assert_eq!(echo.direction, Direction::Outbound);
    assert_eq!(
        echo.contact_id, "5550001",
        "an echo's contact is its recipient"
    );
}

#[test]
fn events_are_ordered_by_platform_time_not_arrival() {
    let entry = json!({"id": "A", "messaging": [
        {"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 1_732_350_000_020_i64, "message": {"mid": "second", "text": "b"}},
        {"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 1_732_350_000_010_i64, "message": {"mid": "first", "text": "a"}}
    ]});
    let events = parse_entry(Platform::Instagram, "A", &entry, RECEIVED);
    let mids: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m.platform_message_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(mids, ["first", "second"]);
}

#[test]
fn reads_and_deliveries_become_receipts() {
    let entry = json!({"id": "A", "messaging": [
        {"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 1, "read": {"mid": "m1"}},
        {"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 2, "delivery": {"mids": ["m2", "m3"], "watermark": 1_700}},
        {"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 3, "read": {"watermark": 1_800}}
    ]});
    let receipts: Vec<(Delivery, Vec<String>, Option<i64>)> =
        parse_entry(Platform::Messenger, "A", &entry, RECEIVED)
            .into_iter()
            .filter_map(|e| match e {
                Event::Receipt(r) => Some((r.state, r.message_ids, r.watermark_ms)),
                _ => None,
            })
            .collect();
    assert_eq!(
        receipts,
        vec![
            (Delivery::Read, vec!["m1".to_owned()], None),
            (
                Delivery::Delivered,
                vec!["m2".to_owned(), "m3".to_owned()],
                Some(1_700)
            ),
            (Delivery::Read, vec![], Some(1_800)),
        ]
    );
}

#[test]
fn whatsapp_statuses_carry_their_errors() {
    let entry = json!({"id": "WABA", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp", "metadata": {"phone_number_id": "P1"},
    "statuses": [
        {"id": "wamid.S1", "status": "read", "timestamp": "1732350000", "recipient_id": "346"},
        {"id": "wamid.S2", "status": "failed", "timestamp": "1732350001", "recipient_id": "346",
         "errors": [{"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message"}]},
        {"id": "wamid.S3", "status": "deleted", "timestamp": "1", "recipient_id": "346"}
    ]}}]});
    let events = parse_entry(Platform::Whatsapp, "P1", &entry, RECEIVED);
    let Event::Receipt(failed) = &events[1] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (failed.state, failed.error.clone()),
        (
            Delivery::Failed,
            Some((131_047, "Re-engagement message".into()))
        )
    );
    assert!(matches!(&events[2], Event::Unreadable { kind, .. } if kind == "status:deleted"));
}

#[test]
fn kinds_not_handled_yet_are_kept_as_unsupported() {
    let entry = json!({"id": "A", "messaging": [
        {"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 2, "optin": {"ref": "x"}}
    ]});
    let kinds: Vec<_> = parse_entry(Platform::Instagram, "A", &entry, RECEIVED)
        .into_iter()
        .filter_map(|e| match e {
            Event::Unreadable { kind, .. } => Some(kind),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["optin"]);
}

#[test]
fn attachments_are_listed() {
    let entry = json!({"id": "A", "messaging": [{"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 1,
        "message": {"mid": "m", "attachments": [{"type": "image", "payload": {"url": "https://cdn/x.jpg"}}]}}]});
    let events = parse_entry(Platform::Instagram, "A", &entry, RECEIVED);
    let Event::Message(message) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(message.text, None);
    assert_eq!(
        message.attachments,
        vec![Attachment {
            kind: "image".into(),
            url: Some("https://cdn/x.jpg".into())
        }]
    );
}

#[test]
fn whatsapp_text_with_and_without_phone_number() {
    let entry = json!({"id": "WABA", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550001", "phone_number_id": "P1"},
    "contacts": [{"profile": {"name": "Ana"}, "wa_id": "34600111222"}, {"profile": {"name": "Bo"}, "user_id": "US.1349"}],
    "messages": [
        {"from": "34600111222", "id": "wamid.1", "timestamp": "1732350000", "type": "text", "text": {"body": "Hi"}},
        {"from_user_id": "US.1349", "id": "wamid.2", "timestamp": "1732350001", "type": "text", "text": {"body": "Yo"}}
    ]}}]});
    let events = parse_entry(Platform::Whatsapp, "P1", &entry, RECEIVED);
    let names: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some((
                m.contact_id.as_str(),
                m.contact_name.as_deref(),
                m.timestamp_ms,
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        names,
        [
            ("34600111222", Some("Ana"), 1_732_350_000_000),
            ("US.1349", Some("Bo"), 1_732_350_001_000)
        ]
    );
}

#[test]
fn instagram_comments_in_both_documented_variants() {
    let variant = |id_key: &str| {
        json!({"id": "IGB", "time": 1_732_350_000, "changes": [{"field": "comments", "value": {
        "from": {"id": "IGSID9", "username": "carla.g"}, id_key: 17_999_000_111_i64,
        "text": "Precio? \u{1f485}", "media": {"id": "MEDIA1", "media_product_type": "FEED"}}}]})
    };
    for key in ["id", "comment_id"] {
        let events = parse_entry(Platform::Instagram, "IGB", &variant(key), RECEIVED);
        let [Event::Message(comment)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(comment.platform_message_id, "17999000111");
        assert_eq!(comment.contact_name.as_deref(), Some("carla.g"));
        assert_eq!(comment.timestamp_ms, 1_732_350_000_000);
        assert_eq!(
            comment.comment,
            Some(CommentRef {
                media_id: Some("MEDIA1".into()),
                parent_id: None
            })
        );
        assert_eq!(comment.direction, Direction::Inbound);
    }
    let mention = json!({"id": "IGB", "time": 1, "changes": [{"field": "mentions", "value": {"media_id": "M", "comment_id": "C"}}]});
    assert!(matches!(
        parse_entry(Platform::Instagram, "IGB", &mention, RECEIVED)[0],
        Event::Mention { .. }
    ));
}

#[test]
fn whatsapp_media_location_contacts_buttons_and_reactions_are_readable() {
    let message = |kind: &str, body: Value| {
        let mut m = json!({"from": "346", "id": format!("wamid.{kind}"), "timestamp": "1732350000", "type": kind});
        m[kind] = body;
        m
    };
    let entry = json!({"id": "WABA", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp", "metadata": {"phone_number_id": "P1"},
    "contacts": [{"profile": {"name": "Ana"}, "wa_id": "346"}],
    "messages": [
        message("image", json!({"id": "MEDIA1", "mime_type": "image/jpeg", "caption": "like this?"})),
        message("location", json!({"latitude": 39.4699, "longitude": -0.3763, "name": "Valencia"})),
        message("contacts", json!([{"name": {"formatted_name": "Bo"}, "phones": [{"phone": "+34 611"}]}])),
        message("button", json!({"text": "Yes, book me", "payload": "BOOK"})),
        message("interactive", json!({"type": "button_reply", "button_reply": {"id": "b1", "title": "Saturday"}})),
        message("reaction", json!({"message_id": "wamid.X", "emoji": "👍"})),
        message("order", json!({}))
    ]}}]});
    let texts: Vec<String> = parse_entry(Platform::Whatsapp, "P1", &entry, RECEIVED)
        .into_iter()
        .map(|e| match e {
            Event::Message(m) => m.text.unwrap_or_default(),
            Event::Unreadable { kind, .. } => format!("unreadable:{kind}"),
            Event::Reaction {
                platform_message_id,
                emoji,
                ..
            } => format!("reaction to {platform_message_id}: {emoji:?}"),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        texts,
        [
            "[image] like this?",
            "[location 39.46990, -0.37630] Valencia",
            "[shared contact] Bo +34 611",
            "Yes, book me",
            "Saturday",
            "[order: 0 item(s)]",
            "reaction to wamid.X: Some(\"👍\")",
        ],
        "a reaction is shown on the message it reacts to, not as a message"
    );
}

#[test]
fn lead_ads_with_numeric_ids_and_organic_leads() {
    let entry = json!({"id": "PAGE1", "time": 1_732_350_000, "changes": [{"field": "leadgen", "value": {
        "leadgen_id": 444_555_666_777_i64, "form_id": "FORM1", "page_id": "PAGE1", "created_time": 1_732_350_100, "ad_id": 0, "adgroup_id": 0
    }}]});
    let events = parse_entry(Platform::Messenger, "PAGE1", &entry, RECEIVED);
    assert_eq!(
        events,
        vec![Event::LeadForm(LeadFormEvent {
            account_id: "PAGE1".into(),
            leadgen_id: "444555666777".into(),
            form_id: Some("FORM1".into()),
            ad_id: None,
            created_ms: 1_732_350_100_000,
        })]
    );
}

#[test]
fn whatsapp_user_preferences_become_opt_outs() {
    let entry = json!({"id": "WABA", "changes": [{"field": "user_preferences", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550001", "phone_number_id": "P1"},
    "user_preferences": [
        {"wa_id": "34600111222", "detail": "User requested to stop marketing messages", "category": "marketing_messages", "value": "stop", "timestamp": 1732350000},
        {"wa_id": "34600999888", "category": "marketing_messages", "value": "resume", "timestamp": 1732350001}
    ]}}]});
    let events = parse_entry(Platform::Whatsapp, "P1", &entry, RECEIVED);
    assert_eq!(
        events,
        vec![
            Event::MessagingPreference {
                route: Platform::Whatsapp,
                account_id: "P1".into(),
                contact_id: "34600111222".into(),
                opted_out: true
            },
            Event::MessagingPreference {
                route: Platform::Whatsapp,
                account_id: "P1".into(),
                contact_id: "34600999888".into(),
                opted_out: false
            },
        ]
    );
}

#[test]
fn a_message_without_mid_is_kept_as_unreadable_not_dropped() {
    let entry = json!({"id": "A", "messaging": [
        {"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 1, "message": {"text": "x"}},
        {"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": 1_732_350_000_000_i64, "message": {"mid": "m2", "text": "still read"}}
    ]});
    let events = parse_entry(Platform::Instagram, "A", &entry, RECEIVED);
    assert_eq!(
        events.len(),
        2,
        "one bad event does not take the others with it"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Message(m) if m.text.as_deref() == Some("still read")))
    );
    assert!(events.contains(&Event::Unreadable {
        route: Platform::Instagram,
        account_id: "A".into(),
        field: "messaging".into(),
        kind: "message_without_id".into(),
    }));
}

#[test]
fn odd_or_missing_timestamps_fall_back_to_arrival_and_say_so() {
    let message = |timestamp: Value| json!({"sender": {"id": "u"}, "recipient": {"id": "A"}, "timestamp": timestamp, "message": {"mid": timestamp.to_string(), "text": "hi"}});
    let mut items: Vec<Value> = [
        json!(1_732_350_000_123_i64),
        json!(1_732_350_000_123.0),
        json!("1732350000"),
        json!("soon"),
        json!(null),
    ]
    .into_iter()
    .map(message)
    .collect();
    items.push(json!({"sender": {"id": "u"}, "recipient": {"id": "A"}, "message": {"mid": "none", "text": "hi"}}));
    let entry = json!({"id": "A", "messaging": items});
    let times: Vec<(i64, TimestampSource)> =
        parse_entry(Platform::Messenger, "A", &entry, RECEIVED)
            .into_iter()
            .filter_map(|e| match e {
                Event::Message(m) => Some((m.timestamp_ms, m.timestamp_source)),
                _ => None,
            })
            .collect();
    use TimestampSource::{Platform as Given, Received};
    assert_eq!(
        times,
        [
            (1_732_350_000_000, Given),
            (1_732_350_000_123, Given),
            (1_732_350_000_123, Given),
            (RECEIVED, Received),
            (RECEIVED, Received),
            (RECEIVED, Received),
        ]
    );
}

#[test]
fn a_comment_without_an_author_is_kept_as_from_an_unnamed_person() {
    let entry = json!({"id": "IG1", "time": 1_732_350_000, "changes": [{"field": "comments", "value": {"id": "C9", "text": "How much?", "media": {"id": "M1"}}}]});
    let events = parse_entry(Platform::Instagram, "IG1", &entry, RECEIVED);
    let [Event::Message(comment)] = events.as_slice() else {
        panic!("one comment, got {events:?}");
    };
    assert_eq!(comment.contact_id, "unnamed-commenter:C9");
    assert_eq!(comment.contact_name, None);
    assert_eq!(comment.text.as_deref(), Some("How much?"));
    assert_eq!(comment.direction, Direction::Inbound);
}

#[test]
fn whatsapp_senders_come_from_from_user_id_or_the_only_contact() {
    let change = |message: Value, contacts: Value| {
        json!({"field": "messages", "value": {
        "metadata": {"phone_number_id": "P1"}, "contacts": contacts, "messages": [message]}})
    };
    let text = |id: &str| json!({"id": id, "timestamp": "1749416383", "type": "text", "text": {"body": id}});
    let mut by_user_id = text("a");
    by_user_id["from_user_id"] = json!("US.1");
    let entry = json!({"id": "W", "changes": [
        change(by_user_id, json!([])),
        change(text("b"), json!([{"profile": {"name": "Sheena"}, "user_id": "US.2"}])),
        change(text("c"), json!([{"user_id": "US.3"}, {"user_id": "US.4"}])),
    ]});
    let events = parse_entry(Platform::Whatsapp, "P1", &entry, RECEIVED);
    let senders: Vec<_> = events
        .iter()
        .map(|e| match e {
            Event::Message(m) => format!(
                "{} {}",
                m.contact_id,
                m.contact_name.as_deref().unwrap_or("-")
            ),
            Event::Unreadable { kind, .. } => kind.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(senders, ["US.1 -", "US.2 Sheena", "message_without_sender"]);
}

fn mutate(value: &mut Value, path_choice: usize, replacement: Value) {
    let mut paths = Vec::new();
    collect_paths(value, String::new(), &mut paths);
    let path = &paths[path_choice % paths.len()];
    if let Some(slot) = value.pointer_mut(path) {
        *slot = replacement;
    }
}

fn collect_paths(value: &Value, prefix: String, out: &mut Vec<String>) {
    out.push(prefix.clone());
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| collect_paths(v, format!("{prefix}/{i}"), out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            collect_paths(
                v,
                format!("{prefix}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        _ => {}
    }
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,20}".prop_map(Value::String),
        Just(json!([])),
        Just(json!({})),
    ]
}

proptest! {
    #[test]
    fn mutated_valid_payloads_never_panic(choice in any::<usize>(), leaf in json_leaf(), route in prop_oneof![Just(Platform::Instagram), Just(Platform::Whatsapp)]) {
        let mut entry = instagram_entry();
        mutate(&mut entry, choice, leaf);
        let _ = parse_entry(route, "17841400000000001", &entry, RECEIVED);
    }

    #[test]
    fn message_events_round_trip_through_json(text in ".{0,200}", mid in "[a-zA-Z0-9_.-]{1,40}", ts in 0i64..4_000_000_000_000) {
        let event = Event::Message(MessageEvent {
            route: Platform::Instagram, account_id: "A".into(), contact_id: "u".into(), contact_name: None,
            direction: Direction::Inbound, platform_message_id: mid, text: Some(text), attachments: vec![], timestamp_ms: ts,
            timestamp_source: TimestampSource::Received, comment: None,
        });
        let json = serde_json::to_string(&event).unwrap();
        prop_assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
    }
}

#[test]
fn a_button_tap_is_a_message_with_the_buttons_title() {
    let entry = json!({"id": "PAGE1", "time": 1, "messaging": [
        {"sender": {"id": "psid-1"}, "recipient": {"id": "PAGE1"}, "timestamp": 1_732_350_000_500_i64,
         "postback": {"mid": "m_pb_1", "title": "Book a cut", "payload": "BOOK_CUT"}},
        {"sender": {"id": "psid-2"}, "recipient": {"id": "PAGE1"}, "timestamp": 1_732_350_000_600_i64,
         "postback": {"title": "Prices", "payload": "PRICES"}}
    ]});
    let events = parse_entry(Platform::Messenger, "PAGE1", &entry, RECEIVED);
    let [Event::Message(first), Event::Message(second)] = events.as_slice() else {
        panic!("expected two messages, got {events:?}");
    };
    assert_eq!(first.platform_message_id, "m_pb_1");
    assert_eq!(first.text.as_deref(), Some("Book a cut"));
    assert_eq!(first.direction, Direction::Inbound);
    assert_eq!(first.attachments[0].kind, "postback");
    assert_eq!(
        second.platform_message_id, "postback:psid-2:1732350000600:PRICES",
        "a postback without mid gets an id stable across redeliveries"
    );
    let again = parse_entry(Platform::Messenger, "PAGE1", &entry, RECEIVED);
    assert_eq!(again, events);
}

#[test]
fn an_unsent_instagram_message_becomes_a_deletion() {
    let entry = json!({"id": "IG1", "time": 1, "messaging": [
        {"sender": {"id": "u1"}, "recipient": {"id": "IG1"}, "timestamp": 5,
         "message": {"mid": "m_gone", "is_deleted": true}}
    ]});
    assert_eq!(
        parse_entry(Platform::Instagram, "IG1", &entry, RECEIVED),
        [Event::MessageDeleted {
            route: Platform::Instagram,
            account_id: "IG1".into(),
            platform_message_id: "m_gone".into(),
        }]
    );
}

#[test]
fn story_replies_and_unsupported_content_are_shown_as_such() {
    let entry = json!({"id": "IG1", "time": 1, "messaging": [
        {"sender": {"id": "u1"}, "recipient": {"id": "IG1"}, "timestamp": 5,
         "message": {"mid": "m_story", "text": "Love this! ¿Precio?",
                     "reply_to": {"story": {"url": "https://lookaside.example/story.jpg", "id": "st1"}}}},
        {"sender": {"id": "u1"}, "recipient": {"id": "IG1"}, "timestamp": 6,
         "message": {"mid": "m_odd", "is_unsupported": true}}
    ]});
    let events = parse_entry(Platform::Instagram, "IG1", &entry, RECEIVED);
    let [Event::Message(story), Event::Message(odd)] = events.as_slice() else {
        panic!("expected two messages, got {events:?}");
    };
    assert_eq!(story.text.as_deref(), Some("Love this! ¿Precio?"));
    assert_eq!(
        story.attachments,
        [Attachment {
            kind: "story_reply".into(),
            url: Some("https://lookaside.example/story.jpg".into())
        }]
    );
    assert_eq!(odd.text, None);
    assert_eq!(odd.attachments[0].kind, "unsupported");
}

#[test]
fn whatsapp_value_level_errors_become_account_notices() {
    let entry = json!({"id": "WABA1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "34600000000", "phone_number_id": "PN1"},
        "errors": [
            {"code": 131000, "title": "Something went wrong", "message": "Something went wrong",
             "error_data": {"details": "Message failed to send because of an unknown error."}},
            {"code": 368}
        ]
    }}]});
    let events = parse_entry(Platform::Whatsapp, "PN1", &entry, RECEIVED);
    assert_eq!(
        events,
        [
            Event::AccountNotice {
                route: Platform::Whatsapp,
                account_id: "PN1".into(),
                business_account: false,
                severity: NoticeSeverity::Problem,
                code: Some(131_000),
                message:
                    "Something went wrong: Message failed to send because of an unknown error."
                        .into(),
            },
            Event::AccountNotice {
                route: Platform::Whatsapp,
                account_id: "PN1".into(),
                business_account: false,
                severity: NoticeSeverity::Problem,
                code: Some(368),
                message: "WhatsApp reported an error without details".into(),
            }
        ]
    );
}

#[test]
fn reactions_are_set_and_taken_back() {
    let entry = json!({"id": "IG1", "time": 1, "messaging": [
        {"sender": {"id": "u1"}, "recipient": {"id": "IG1"}, "timestamp": 5,
         "reaction": {"mid": "m_out_1", "action": "react", "reaction": "love", "emoji": "\u{2764}\u{fe0f}"}},
        {"sender": {"id": "u1"}, "recipient": {"id": "IG1"}, "timestamp": 6,
         "reaction": {"mid": "m_out_1", "action": "unreact"}}
    ]});
    let events = parse_entry(Platform::Instagram, "IG1", &entry, RECEIVED);
    let emojis: Vec<Option<&str>> = events
        .iter()
        .map(|e| match e {
            Event::Reaction {
                platform_message_id,
                emoji,
                ..
            } => {
                assert_eq!(platform_message_id, "m_out_1");
                emoji.as_deref()
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(emojis, [Some("\u{2764}\u{fe0f}"), None]);
}

#[test]
fn ad_clicks_and_links_become_the_contacts_referral() {
    let entry = json!({"id": "PAGE1", "time": 1, "messaging": [
        {"sender": {"id": "psid-9"}, "recipient": {"id": "PAGE1"}, "timestamp": 5,
         "referral": {"ref": "spring-promo", "source": "SHORTLINK", "type": "OPEN_THREAD"}},
        {"sender": {"id": "psid-8"}, "recipient": {"id": "PAGE1"}, "timestamp": 6,
         "message": {"mid": "m_ad", "text": "Is this still available?",
                     "referral": {"source": "ADS", "type": "OPEN_THREAD", "ad_id": 6_045_246_247_433_i64,
                                  "ads_context_data": {"ad_title": "Balayage -20%", "photo_url": "https://x"}}}}
    ]});
    let events = parse_entry(Platform::Messenger, "PAGE1", &entry, RECEIVED);
    let referrals: Vec<(&str, &Referral)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Referral {
                contact_id,
                referral,
                ..
            } => Some((contact_id.as_str(), referral)),
            _ => None,
        })
        .collect();
    assert_eq!(referrals.len(), 2, "{events:?}");
    assert_eq!(referrals[0].0, "psid-9");
    assert_eq!(referrals[0].1.ref_param.as_deref(), Some("spring-promo"));
    assert_eq!(referrals[1].0, "psid-8");
    assert_eq!(referrals[1].1.ad_id.as_deref(), Some("6045246247433"));
    assert_eq!(referrals[1].1.ad_title.as_deref(), Some("Balayage -20%"));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Message(m) if m.platform_message_id == "m_ad")),
        "the message itself is kept"
    );
}

#[test]
fn mentions_in_comments_and_captions_are_recorded() {
    let entry = json!({"id": "IG1", "time": 1_732_350_000, "changes": [
        {"field": "mentions", "value": {"media_id": "17887498072083520", "comment_id": "17894227972186120"}},
        {"field": "mentions", "value": {"media_id": 17_887_498_072_083_521_i64}},
        {"field": "mentions", "value": {}}
    ]});
    let events = parse_entry(Platform::Instagram, "IG1", &entry, RECEIVED);
    assert_eq!(
        events[..2],
        [
            Event::Mention {
                account_id: "IG1".into(),
                media_id: Some("17887498072083520".into()),
                comment_id: Some("17894227972186120".into()),
                at_ms: 1_732_350_000_000,
            },
            Event::Mention {
                account_id: "IG1".into(),
                media_id: Some("17887498072083521".into()),
                comment_id: None,
                at_ms: 1_732_350_000_000,
            }
        ]
    );
    assert!(
        matches!(&events[2], Event::Unreadable { field, kind, .. } if field == "mentions" && kind == "without_ids")
    );
}

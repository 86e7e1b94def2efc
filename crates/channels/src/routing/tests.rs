use super::*;
use proptest::prelude::*;
use serde_json::json;

fn split(body: &Value) -> SplitWebhook {
    split_webhook(body.to_string().as_bytes())
}

fn ignored(object: &str, field: &str) -> Ignored {
    Ignored {
        object: object.into(),
        field: field.into(),
    }
}

#[test]
fn instagram_batch_is_split_per_entry() {
    let body = json!({"object": "instagram", "entry": [
        {"id": "1784", "time": 1, "messaging": []},
        {"id": "1785", "time": 2, "messaging": []}
    ]});
    let routed = split(&body).entries;
    let ids: Vec<_> = routed
        .iter()
        .map(|r| (r.route, r.account_id.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![(Platform::Instagram, "1784"), (Platform::Instagram, "1785")]
    );
    assert_eq!(routed[1].entry["time"], 2);
}

#[test]
fn numeric_page_ids_are_accepted() {
    let body = br#"{"object":"page","entry":[{"id":123456789012,"changes":[{"field":"leadgen","value":{}}]}]}"#;
    let routed = split_webhook(body).entries;
    assert_eq!(routed[0].account_id, "123456789012");
    assert_eq!(routed[0].route, Platform::Messenger);
}

#[test]
fn whatsapp_changes_are_routed_by_phone_number_id() {
    let change = |phone: &str, id: &str| {
        json!({"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1555", "phone_number_id": phone},
            "messages": [{"id": id}]
        }})
    };
    let body = json!({"object": "whatsapp_business_account", "entry": [
        {"id": "WABA", "changes": [change("P1", "a"), change("P2", "b"), change("P1", "c")]}
    ]});
    let routed = split(&body).entries;
    assert_eq!(routed.len(), 2);
    assert_eq!(routed[0].account_id, "P1");
    assert_eq!(routed[0].scope, RouteScope::Account);
    assert_eq!(routed[0].entry["changes"].as_array().map(Vec::len), Some(2));
    assert_eq!(routed[1].account_id, "P2");
    assert_eq!(
        routed[1].entry["changes"][0]["value"]["messages"][0]["id"],
        "b"
    );
}

#[test]
fn whatsapp_account_changes_go_to_the_business_account() {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "time": 1, "changes": [
        {"field": "message_template_status_update", "value": {"event": "APPROVED", "message_template_name": "t"}},
        {"field": "messages", "value": {"metadata": {"phone_number_id": "P1"}, "messages": []}},
        {"field": "account_update", "value": {"event": "ACCOUNT_RESTRICTION"}}
    ]}]});
    let split = split(&body);
    let routes: Vec<_> = split
        .entries
        .iter()
        .map(|r| {
            (
                r.scope,
                r.account_id.as_str(),
                r.entry["changes"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        routes,
        vec![
            (RouteScope::WhatsappBusinessAccount, "WABA", 2),
            (RouteScope::Account, "P1", 1)
        ]
    );
    assert!(split.ignored.is_empty());
}

#[test]
fn fields_leadbox_does_not_use_are_named_and_left_out() {
    let body = json!({"object": "page", "entry": [{"id": "PAGE", "time": 1, "changes": [
        {"field": "feed", "value": {"item": "status"}},
        {"field": "leadgen", "value": {"leadgen_id": "L1"}}
    ]}, {"id": "PAGE2", "changes": [{"field": "ratings", "value": {}}]}]});
    let split = split(&body);
    assert_eq!(
        split.entries.len(),
        1,
        "the page with nothing used is not forwarded"
    );
    assert_eq!(
        split.entries[0].entry["changes"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(split.entries[0].entry["changes"][0]["field"], "leadgen");
    assert_eq!(
        split.ignored,
        vec![ignored("page", "feed"), ignored("page", "ratings")]
    );

    let calls = json!({"object": "whatsapp_business_account", "entry": [{"id": "W", "changes": [
        {"field": "calls", "value": {"metadata": {"phone_number_id": "P1"}}}
    ]}]});
    let split = super::split_webhook(calls.to_string().as_bytes());
    assert!(split.entries.is_empty());
    assert_eq!(
        split.ignored,
        vec![ignored("whatsapp_business_account", "calls")]
    );
}

#[test]
fn bodies_leadbox_cannot_use_are_ignored_not_refused() {
    assert_eq!(
        split_webhook(b"{not json").ignored,
        vec![ignored("unreadable", "json")]
    );
    assert_eq!(
        split_webhook(b"[1,2]").ignored,
        vec![ignored("unreadable", "object")]
    );
    assert_eq!(
        split_webhook(br#"{"object":"permissions","entry":[{"id":"1","changes":[{"field":"ads_management","value":{}}]}]}"#).ignored,
        vec![ignored("permissions", "ads_management")]
    );
    assert_eq!(
        split_webhook(br#"{"object":"user","entry":[]}"#).ignored,
        vec![ignored("user", "entry")]
    );
    assert_eq!(
        split_webhook(br#"{"object":"instagram","entry":{}}"#).ignored,
        vec![ignored("instagram", "entry")]
    );
    assert_eq!(
        split_webhook(br#"{"object":"instagram","entry":[{"time":1,"messaging":[]}]}"#).ignored,
        vec![ignored("instagram", "entry_without_id")]
    );
    assert_eq!(
        split_webhook(br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{}}]}]}"#).ignored,
        vec![ignored("whatsapp_business_account", "change_without_account")]
    );
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z_0-9.]{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("page"),
            Just("instagram"),
            Just("whatsapp_business_account"),
            Just("messages"),
            Just("leadgen"),
            Just("account_update")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("object".to_owned()),
                        Just("entry".to_owned()),
                        Just("id".to_owned()),
                        Just("changes".to_owned()),
                        Just("field".to_owned()),
                        Just("value".to_owned()),
                        Just("metadata".to_owned()),
                        Just("phone_number_id".to_owned()),
                        Just("messaging".to_owned()),
                        "[a-z]{1,6}"
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = split_webhook(&body);
    }

    /// Whatever the shape, a signed body never fails to split.
    #[test]
    fn arbitrary_json_never_panics(body in arbitrary_json()) {
        let _ = split_webhook(body.to_string().as_bytes());
    }

    /// Every change of an entry with an id is either routed or named as ignored.
    #[test]
    fn every_change_is_routed_or_ignored(
        object in prop_oneof![Just("page"), Just("instagram"), Just("whatsapp_business_account")],
        entries in proptest::collection::vec(
            proptest::collection::vec(
                (prop_oneof![Just("messages"), Just("leadgen"), Just("comments"), Just("feed"),
                             Just("calls"), Just("account_update"), Just("mentions")],
                 proptest::option::of("P[0-9]"),
                 any::<bool>()),
                0..6),
            1..4),
    ) {
        let body = json!({"object": object, "entry": entries.iter().enumerate().map(|(n, changes)| json!({
            "id": format!("E{n}"),
            "changes": changes.iter().map(|(field, number, with_field)| {
                let mut change = json!({"value": {"metadata": number.as_ref().map(|n| json!({"phone_number_id": n}))}});
                if *with_field { change["field"] = json!(field); }
                change
            }).collect::<Vec<_>>()
        })).collect::<Vec<_>>()});
        let split = split_webhook(body.to_string().as_bytes());
        let total: usize = entries.iter().map(Vec::len).sum();
        let routed: usize = split.entries.iter()
            .map(|r| r.entry.get("changes").and_then(Value::as_array).map_or(0, Vec::len))
            .sum();
        prop_assert_eq!(routed + split.ignored.len(), total);
        for ignored in &split.ignored {
            prop_assert!(!is_used_field(object, &ignored.field));
        }
    }

    #[test]
    fn every_entry_with_an_id_is_routed(ids in proptest::collection::vec("[0-9]{1,17}", 0..50)) {
        let entries: Vec<_> = ids.iter().map(|id| json!({"id": id, "messaging": []})).collect();
        let body = json!({"object": "instagram", "entry": entries}).to_string();
        let routed = split_webhook(body.as_bytes()).entries;
        let got: Vec<_> = routed.into_iter().map(|r| r.account_id).collect();
        prop_assert_eq!(got, ids);
    }
}

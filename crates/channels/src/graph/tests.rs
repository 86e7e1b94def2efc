//! Tests of `graph`.

use super::*;
use proptest::prelude::*;

#[test]
fn a_profile_is_named_by_its_name_then_username_then_first_and_last_name() {
    assert_eq!(
        profile_name(&json!({"name": "Marta Puig", "username": "marta.p"})).as_deref(),
        Some("Marta Puig")
    );
    assert_eq!(
        profile_name(&json!({"name": null, "username": "marta.p"})).as_deref(),
        Some("@marta.p")
    );
    assert_eq!(
        profile_name(&json!({"first_name": "Marta", "last_name": "Puig", "id": "1"})).as_deref(),
        Some("Marta Puig")
    );
    assert_eq!(
        profile_name(&json!({"name": " \u{202e}\n ", "id": "1"})).as_deref(),
        Some("\u{202e}"),
        "bidi marks stay (shown as text), line breaks go"
    );
    assert_eq!(profile_name(&json!({"id": "1"})), None);
    assert_eq!(profile_name(&json!([1, 2])), None);
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,200}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("name".to_owned()),
                    Just("username".to_owned()),
                    Just("first_name".to_owned()),
                    Just("last_name".to_owned()),
                    "[a-z_]{1,8}"
                ],
                inner,
                0..5
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Whatever Meta answers, the name is short, one line, and never blank.
    #[test]
    fn any_profile_answer_gives_a_bounded_one_line_name_or_none(profile in any_json()) {
        if let Some(name) = profile_name(&profile) {
            prop_assert!(!name.trim().is_empty());
            prop_assert!(name.chars().count() <= 80);
            prop_assert!(!name.chars().any(char::is_control));
        }
    }
}

#[test]
fn documented_error_codes_become_plain_words() {
    let error = |code: i64, subcode: i64| {
        SendError::from_graph_error(
            &json!({"error": {"message": "x", "type": "OAuthException", "code": code, "error_subcode": subcode}}),
        )
    };
    assert_eq!(error(10, 2_018_278), SendError::OutsideWindow);
    assert_eq!(error(551, 1_545_041), SendError::PersonUnavailable);
    assert_eq!(error(190, 463), SendError::TokenExpired);
    assert!(error(190, 0).needs_reconnect());
    assert_eq!(error(131_047, 0), SendError::TemplateNeeded);
    assert_eq!(error(130_429, 0), SendError::ThroughputLimit);
    assert_eq!(error(131_056, 0), SendError::TooManyToPerson);
    assert_eq!(error(131_026, 0), SendError::Undeliverable);
    assert_eq!(error(131_049, 0), SendError::WithheldByMeta);
    assert_eq!(error(613, 0), SendError::RateLimited);
    assert_eq!(
        error(100, 0),
        SendError::Other {
            code: 100,
            message: "x".into()
        }
    );
    assert!(SendError::TokenExpired.to_string().contains("reconnect"));
}

#[test]
fn malformed_error_bodies_do_not_panic() {
    for body in [
        json!(null),
        json!("x"),
        json!({"error": "x"}),
        json!({"error": {"code": "10"}}),
    ] {
        let _ = SendError::from_graph_error(&body);
    }
}

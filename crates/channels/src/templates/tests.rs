//! Tests of `templates`, with template JSON as Meta's documentation lists it.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

/// `GET /{waba}/message_templates`, one entry of `data` (Meta's example).
fn order_update() -> Value {
    json!([
        {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["#4521"]}},
        {"type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready. Pick it up at {{3}}.",
         "example": {"body_text": [["Ana", "#4521", "Calle Mayor 3"]]}},
        {"type": "FOOTER", "text": "Reply STOP to opt out"},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]}
    ])
}

fn values(list: &[&str]) -> Vec<String> {
    list.iter().map(|v| (*v).to_owned()).collect()
}

#[test]
fn a_template_reads_as_its_text_and_variables_with_examples() {
    let components = order_update();
    let shape = TemplateShape::from_components(&components);
    assert_eq!(shape.unsupported, None);
    let variables = shape.variables_with_examples(&components);
    let named: Vec<(TemplatePart, &str, Option<&str>)> = variables
        .iter()
        .map(|v| (v.part, v.name.as_str(), v.example.as_deref()))
        .collect();
    assert_eq!(
        named,
        [
            (TemplatePart::Header, "1", Some("#4521")),
            (TemplatePart::Body, "1", Some("Ana")),
            (TemplatePart::Body, "2", Some("#4521")),
            (TemplatePart::Body, "3", Some("Calle Mayor 3")),
        ]
    );
    let given = values(&["#77", "Marta", "#77", "the shop"]);
    assert_eq!(
        shape.render(&given).unwrap(),
        "Order #77\n\nHi Marta, your order #77 is ready. Pick it up at the shop.\n\nReply STOP to opt out"
    );
    assert_eq!(
        shape.send_components(&given).unwrap(),
        json!([
            {"type": "header", "parameters": [{"type": "text", "text": "#77"}]},
            {"type": "body", "parameters": [
                {"type": "text", "text": "Marta"}, {"type": "text", "text": "#77"}, {"type": "text", "text": "the shop"}]}
        ])
    );
}

#[test]
fn positional_values_go_in_number_order_and_named_ones_carry_their_names() {
    let shape = TemplateShape::from_components(&json!([
        {"type": "BODY", "text": "{{2}} and {{1}}, then {{2}} again"}
    ]));
    let names: Vec<String> = shape.variables().into_iter().map(|v| v.name).collect();
    assert_eq!(names, ["1", "2"]);
    assert_eq!(
        shape.render(&values(&["one", "two"])).unwrap(),
        "two and one, then two again"
    );

    let named = TemplateShape::from_components(&json!([
        {"type": "BODY", "text": "Hello {{first_name}}, see you {{ day }}"}
    ]));
    assert_eq!(
        named.send_components(&values(&["Ana", "Friday"])).unwrap(),
        json!([{"type": "body", "parameters": [
            {"type": "text", "text": "Ana", "parameter_name": "first_name"},
            {"type": "text", "text": "Friday", "parameter_name": "day"}]}])
    );
}

#[test]
fn values_whatsapp_would_refuse_are_refused_first() {
    let shape = TemplateShape::from_components(&order_update());
    assert!(matches!(
        shape.render(&values(&["a"])),
        Err(TemplateValueError::WrongCount {
            expected: 4,
            given: 1
        })
    ));
    let error = shape.render(&values(&["#1", " ", "#1", "x"])).unwrap_err();
    assert_eq!(error.to_string(), "fill in {{1}} before sending");
    assert!(matches!(
        shape.render(&values(&["#1", "Ana\nGarcía", "#1", "x"])),
        Err(TemplateValueError::Layout(_))
    ));
    let long = "x".repeat(TEMPLATE_BODY_MAX);
    assert!(matches!(
        shape.render(&values(&["#1", &long, "#1", "x"])),
        Err(TemplateValueError::TooLong { .. })
    ));
}

#[test]
fn parts_leadbox_cannot_fill_make_a_template_unsupported() {
    let image = TemplateShape::from_components(&json!([
        {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW..."]}},
        {"type": "BODY", "text": "Our new menu"}
    ]));
    assert!(image.unsupported.unwrap().contains("photo"));
    let button = TemplateShape::from_components(&json!([
        {"type": "BODY", "text": "Track it"},
        {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track", "url": "https://shop.example/track/{{1}}"}]}
    ]));
    assert!(button.unsupported.unwrap().contains("button"));
    assert!(
        TemplateShape::from_components(&json!({"not": "a list"}))
            .unsupported
            .is_some()
    );
}

#[test]
fn braces_that_are_no_variable_stay_text() {
    assert_eq!(
        segments("{{ }} {x}} {{Name}} {{1a}} {{"),
        [Segment::Text {
            text: "{{ }} {x}} {{Name}} {{1a}} {{".into()
        }]
    );
    assert_eq!(
        segments("{{{1}}}"),
        [
            Segment::Text { text: "{".into() },
            Segment::Variable { name: "1".into() },
            Segment::Text { text: "}".into() },
        ]
    );
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        "[A-Z]{0,8}".prop_map(Value::from),
        "\\PC{0,30}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("type".to_owned()),
                        Just("text".to_owned()),
                        Just("format".to_owned()),
                        Just("buttons".to_owned()),
                        Just("example".to_owned()),
                        "[a-z_]{1,8}"
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Any template JSON reads without a panic, and a supported one renders
    /// every value it was given.
    #[test]
    fn any_template_json_reads_and_renders_what_it_was_given(components in json_value(), word in "[a-z]{1,8}") {
        let shape = TemplateShape::from_components(&components);
        let variables = shape.variables_with_examples(&components);
        let given: Vec<String> = variables.iter().map(|_| word.clone()).collect();
        if let Ok(text) = shape.render(&given) {
            prop_assert!(given.is_empty() || text.contains(&word));
            prop_assert!(shape.send_components(&given).is_ok());
        }
    }

    /// Splitting a text and joining it again gives the text back.
    #[test]
    fn segments_join_back_to_the_text(text in "(\\PC|\\{\\{[0-9a-z_ ]{0,4}\\}\\})*") {
        let joined: String = segments(&text)
            .into_iter()
            .map(|segment| match segment {
                Segment::Text { text } => text,
                Segment::Variable { name } => format!("{{{{{name}}}}}"),
            })
            .collect();
        // A variable written with spaces inside comes back without them.
        let expected = text.replace("{{ ", "{{").replace(" }}", "}}");
        prop_assert_eq!(joined.replace(' ', ""), expected.replace(' ', ""));
    }
}

//! Export through the public API: every stored field of a contact comes out,
//! CSV reads with a standard reader, JSON Lines match docs/export-schema.json.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use leadbox_channels::Platform;
use leadbox_channels::events::{Direction, Event, LeadFormEvent, MessageEvent};
use leadbox_vault::{ExportFilter, ExportFormat, InMemorySecretStore, LeadFormAnswers, Vault};
use serde_json::Value;

const ANA_FIRST: &str = "Hola, \"quiero\" una cita, mañana? 💇‍♀️\nline two";

fn message(
    route: Platform,
    mid: &str,
    contact: &str,
    name: &str,
    text: &str,
    at: i64,
    direction: Direction,
) -> Event {
    Event::Message(MessageEvent {
        route,
        account_id: "ACC1".into(),
        contact_id: contact.into(),
        contact_name: Some(name.into()),
        direction,
        platform_message_id: mid.into(),
        text: Some(text.into()),
        attachments: vec![],
        timestamp_ms: at,
        timestamp_source: leadbox_channels::events::TimestampSource::Platform,
        comment: None,
    })
}

fn seeded() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let mut vault =
        Vault::open_or_create(&dir.path().join("data"), &InMemorySecretStore::default())
            .unwrap()
            .into_vault();
    let ig = Platform::Instagram;
    vault
        .ingest(&[vec![
            message(
                ig,
                "m1",
                "ig-ana",
                "Ana María Lima",
                ANA_FIRST,
                1_700_000_000_000,
                Direction::Inbound,
            ),
            message(
                ig,
                "m2",
                "ig-ana",
                "Ana María Lima",
                "Claro, ¿a las 10?",
                1_700_000_060_000,
                Direction::Outbound,
            ),
            message(
                Platform::Whatsapp,
                "w1",
                "34600123456",
                "Pep",
                "preu, si us plau",
                1_700_000_100_000,
                Direction::Inbound,
            ),
        ]])
        .unwrap();
    // Ana came from an ad and reacted to the reply.
    vault
        .ingest(&[vec![
            Event::Referral {
                route: ig,
                account_id: "ACC1".into(),
                contact_id: "ig-ana".into(),
                referral: leadbox_channels::events::Referral {
                    source: Some("ADS".into()),
                    ad_id: Some("6045".into()),
                    ref_param: None,
                    ad_title: Some("Balayage spring offer".into()),
                },
            },
            Event::Reaction {
                route: ig,
                account_id: "ACC1".into(),
                platform_message_id: "m2".into(),
                emoji: Some("❤️".into()),
            },
        ]])
        .unwrap();
    let ana = contact_id(&vault, "Ana María Lima");
    vault
        .upsert_lead(
            ana,
            Some("Ana María Lima"),
            r#"["ana@example.com"]"#,
            r#"["+34 611 222 333"]"#,
            "booking",
            "high",
            "wants an appointment",
        )
        .unwrap();
    vault
        .ingest(&[vec![Event::LeadForm(LeadFormEvent {
            account_id: "PAGE1".into(),
            leadgen_id: "LG1".into(),
            form_id: Some("F1".into()),
            ad_id: None,
            created_ms: 1_700_000_200_000,
        })]])
        .unwrap();
    vault
        .save_saved_reply(None, "Opening hours", "Hi {first_name}, we open at 9.")
        .unwrap();
    let form = vault.lead_forms().unwrap()[0].id;
    vault
        .complete_lead_form(
            form,
            &LeadFormAnswers {
                raw_json: r#"[{"name":"full_name","values":["Carla Ruiz"]},{"name":"email","values":["carla@example.net"]}]"#.into(),
                name: Some("Carla Ruiz".into()),
                email: Some("carla@example.net".into()),
                phone: None,
            },
        )
        .unwrap();
    (dir, vault)
}

fn contact_id(vault: &Vault, name: &str) -> i64 {
    let conversation = vault
        .conversations()
        .unwrap()
        .into_iter()
        .find(|c| c.display_name == name)
        .unwrap();
    let draft = vault.open_draft(conversation.id).unwrap().unwrap();
    vault.draft_context(&draft, 1).unwrap().contact_id
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn schema_validator(definition: &str) -> jsonschema::Validator {
    let mut schema: Value =
        serde_json::from_str(include_str!("../../../docs/export-schema.json")).unwrap();
    schema["$ref"] = Value::String(format!("#/$defs/{definition}"));
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

#[test]
fn the_json_export_holds_every_field_and_matches_the_schema() {
    let (dir, vault) = seeded();
    let ana_conversation = vault
        .conversations()
        .unwrap()
        .into_iter()
        .find(|c| c.display_name == "Ana María Lima")
        .unwrap();
    // A reply Ana's owner wrote themselves, approved but not sent.
    vault
        .approve_owner_reply(ana_conversation.id, "See you at 10!")
        .unwrap();
    let out = dir.path().join("export");
    let mut progress = Vec::new();
    let summary = vault
        .export(
            &out,
            ExportFormat::Json,
            &ExportFilter::default(),
            &mut |p| progress.push(p.clone()),
        )
        .unwrap();
    assert!(summary.bytes > 0);
    assert!(
        progress
            .iter()
            .any(|p| p.file == "messages.jsonl" && p.done && p.rows == 3)
    );

    for (file, definition) in [
        ("contacts.jsonl", "contacts"),
        ("conversations.jsonl", "conversations"),
        ("messages.jsonl", "messages"),
        ("leads.jsonl", "leads"),
        ("lead_forms.jsonl", "lead_forms"),
        ("drafts.jsonl", "drafts"),
        ("saved_replies.jsonl", "saved_replies"),
    ] {
        let validator = schema_validator(definition);
        let rows = read_jsonl(&out.join(file));
        assert!(!rows.is_empty(), "{file} has rows to check");
        for row in rows {
            let errors: Vec<String> = validator.iter_errors(&row).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{file}: {row} → {errors:?}");
        }
    }
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(
        schema_validator("manifest").is_valid(&manifest),
        "{manifest}"
    );

    let contacts = read_jsonl(&out.join("contacts.jsonl"));
    let ana = contacts
        .iter()
        .find(|c| c["platform_contact_id"] == "ig-ana")
        .unwrap();
    assert_eq!(ana["name"], "Ana María Lima");
    assert_eq!(ana["channel"], "instagram");
    let messages = read_jsonl(&out.join("messages.jsonl"));
    let texts: Vec<&str> = messages
        .iter()
        .filter(|m| m["contact_id"] == ana["id"])
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, [ANA_FIRST, "Claro, ¿a las 10?"]);
    assert_eq!(messages[0]["sent_at"], "2023-11-14T22:13:20.000Z");
    assert_eq!(messages[1]["direction"], "outbound");
    assert_eq!(messages[1]["reaction"], "❤️");
    assert_eq!(ana["referral"]["ad_title"], "Balayage spring offer");
    let leads = read_jsonl(&out.join("leads.jsonl"));
    assert_eq!(leads[0]["emails"][0], "ana@example.com");
    assert_eq!(leads[0]["phones"][0], "+34 611 222 333");
    assert_eq!(leads[0]["summary"], "wants an appointment");
    let forms = read_jsonl(&out.join("lead_forms.jsonl"));
    assert_eq!(forms[0]["answers"][0]["values"][0], "Carla Ruiz");
    let drafts = read_jsonl(&out.join("drafts.jsonl"));
    assert_eq!(
        drafts.len(),
        3,
        "one queued draft per conversation with an inbound message, and the owner's own reply"
    );
    let written_by: Vec<(&str, &str)> = drafts
        .iter()
        .map(|d| {
            (
                d["written_by"].as_str().unwrap(),
                d["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        written_by.contains(&("owner", "approved")),
        "{written_by:?}"
    );
    assert!(written_by.contains(&("drafter", "stale")), "{written_by:?}");
    let saved = read_jsonl(&out.join("saved_replies.jsonl"));
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0]["text"], "Hi {first_name}, we open at 9.");
}

#[test]
fn a_schema_violation_is_caught_by_the_check() {
    // The schema check above must be able to fail: a row missing a field does.
    let validator = schema_validator("contacts");
    assert!(!validator.is_valid(&serde_json::json!({"id": 1, "channel": "tiktok"})));
}

#[test]
fn the_csv_export_reads_with_a_standard_reader() {
    let (dir, vault) = seeded();
    let out = dir.path().join("csv");
    vault
        .export(
            &out,
            ExportFormat::Csv,
            &ExportFilter::default(),
            &mut |_| {},
        )
        .unwrap();
    let mut leads = csv::Reader::from_path(out.join("leads.csv")).unwrap();
    assert_eq!(
        leads.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "First Name",
            "Last Name",
            "Email",
            "Phone",
            "Source",
            "Created"
        ]
    );
    let rows: Vec<Vec<String>> = leads
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 3);
    let ana = rows.iter().find(|r| r[0] == "Ana").unwrap();
    assert_eq!(
        ana[1..5],
        [
            "María Lima",
            "ana@example.com",
            "+34 611 222 333",
            "Instagram"
        ]
    );
    assert!(chrono::NaiveDate::parse_from_str(&ana[5], "%Y-%m-%d").is_ok());
    assert!(
        rows.iter()
            .any(|r| r[0] == "Pep" && r[3] == "+34600123456" && r[4] == "WhatsApp")
    );
    assert!(rows.iter().any(|r| r[0] == "Carla"
        && r[1] == "Ruiz"
        && r[2] == "carla@example.net"
        && r[4] == "Facebook Lead Ad"
        && r[5] == "2023-11-14"));
    let mut messages = csv::Reader::from_path(out.join("messages.csv")).unwrap();
    let texts: Vec<String> = messages
        .records()
        .map(|r| r.unwrap()[5].to_owned())
        .collect();
    assert_eq!(texts.len(), 3);
    assert!(texts.contains(&ANA_FIRST.to_owned()));
}

#[test]
fn an_access_export_holds_only_that_person() {
    let (dir, vault) = seeded();
    let out = dir.path().join("ana");
    let filter = ExportFilter {
        person: Some("ana@example.com".parse().unwrap()),
        since_ms: None,
    };
    vault
        .export(&out, ExportFormat::Json, &filter, &mut |_| {})
        .unwrap();
    let contacts = read_jsonl(&out.join("contacts.jsonl"));
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["platform_contact_id"], "ig-ana");
    assert_eq!(read_jsonl(&out.join("messages.jsonl")).len(), 2);
    assert_eq!(read_jsonl(&out.join("leads.jsonl")).len(), 1);
    assert!(read_jsonl(&out.join("lead_forms.jsonl")).is_empty());
    assert!(
        read_jsonl(&out.join("saved_replies.jsonl")).is_empty(),
        "the owner's saved replies are not about the person"
    );
    let everything = std::fs::read_to_string(out.join("messages.jsonl")).unwrap();
    assert!(!everything.contains("preu"));
}

#[test]
fn exports_never_overwrite_and_unknown_people_are_reported() {
    let (dir, vault) = seeded();
    let out = dir.path().join("busy");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let error = vault
        .export(
            &out,
            ExportFormat::Json,
            &ExportFilter::default(),
            &mut |_| {},
        )
        .unwrap_err();
    assert!(error.to_string().contains("not empty"), "{error}");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    let filter = ExportFilter {
        person: Some("@nobody".parse().unwrap()),
        since_ms: None,
    };
    assert!(
        vault
            .export(
                &dir.path().join("x"),
                ExportFormat::Json,
                &filter,
                &mut |_| {}
            )
            .is_err()
    );
}

#[test]
fn since_limits_the_export_to_recent_activity() {
    let (dir, vault) = seeded();
    let out = dir.path().join("recent");
    let filter = ExportFilter {
        person: None,
        since_ms: Some(1_700_000_090_000),
    };
    vault
        .export(&out, ExportFormat::Json, &filter, &mut |_| {})
        .unwrap();
    let messages = read_jsonl(&out.join("messages.jsonl"));
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["text"], "preu, si us plau");
}

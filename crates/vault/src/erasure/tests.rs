//! Tests of `erasure`.

use super::*;
use crate::testing::{inbound, message_on, vault};
use leadbox_channels::events::Direction;
use proptest::prelude::*;

#[test]
fn selectors_are_parsed_from_what_the_owner_types() {
    let parse = |t: &str| t.parse::<ContactSelector>().unwrap();
    assert_eq!(
        parse("instagram:1784"),
        ContactSelector::Platform(Platform::Instagram, "1784".into())
    );
    assert_eq!(
        parse("@ana.lima"),
        ContactSelector::Handle("ana.lima".into())
    );
    assert_eq!(
        parse("+34 600-123 456"),
        ContactSelector::Phone("34600123456".into())
    );
    assert_eq!(
        parse("Ana@Example.com"),
        ContactSelector::Email("ana@example.com".into())
    );
    for bad in ["", "@", "instagram:", "hello", "tiktok:1", "a@b", "12"] {
        let error = bad.parse::<ContactSelector>().unwrap_err();
        assert!(error.to_string().contains("@handle"), "{bad}: {error}");
    }
}

proptest! {
    #[test]
    fn any_text_parses_or_is_refused_without_panicking(text in "\\PC{0,60}") {
        let _ = text.parse::<ContactSelector>();
    }
}

/// A plaintext copy of the vault through `sqlcipher_export`, as the issue's
/// check prescribes, read back as raw bytes.
fn plaintext_bytes(vault: &Vault, dir: &std::path::Path) -> Vec<u8> {
    let path = dir.join(format!("plain-{}.db", uuid::Uuid::new_v4()));
    vault
        .conn
        .execute(
            "ATTACH DATABASE ?1 AS plaintext KEY ''",
            [path.to_str().unwrap()],
        )
        .unwrap();
    vault
        .conn
        .query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()))
        .unwrap();
    vault.conn.execute("DETACH DATABASE plaintext", []).unwrap();
    std::fs::read(path).unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[test]
fn an_erased_person_leaves_no_trace_in_a_decrypted_copy() {
    let (dir, mut vault) = vault();
    vault
        .ingest(&[vec![
            inbound(
                "m1",
                "ig-zed",
                Some("Zorabella Quint"),
                "my email is zorabella@example.org zanzibarwedding",
                10,
            ),
            inbound(
                "m2",
                "ig-zed",
                Some("Zorabella Quint"),
                "zanzibarwedding again please",
                20,
            ),
            message_on(
                Platform::Instagram,
                "m3",
                "ig-zed",
                None,
                "Sure! zanzibarwedding dates",
                30,
                Direction::Outbound,
            ),
            inbound(
                "k1",
                "ig-keep",
                Some("Kept Person"),
                "keeping this booking",
                40,
            ),
        ]])
        .unwrap();
    let contact: i64 = vault
        .conn
        .query_row(
            "SELECT id FROM contacts WHERE platform_contact_id = 'ig-zed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    vault
        .upsert_lead(
            contact,
            Some("Zorabella Quint"),
            r#"["zorabella@example.org"]"#,
            "[]",
            "booking",
            "high",
            "wants a zanzibarwedding",
        )
        .unwrap();
    let draft = vault.queued_drafts(5).unwrap()[0].id;
    let outcome = crate::DraftOutcome {
        text: "Hi Zorabella, happy to help".into(),
        flags_json: "[]".into(),
        provider: "offline".into(),
        model: None,
        latency_ms: 1,
        input_tokens: None,
        output_tokens: None,
    };
    assert!(vault.complete_draft(draft, &outcome).unwrap());
    vault
        .conn
        .execute(
            "INSERT INTO lead_forms (account_id, leadgen_id, created_at, status, next_attempt_at, name, email, answers)
             VALUES (1, 'lg1', 5, 'fetched', 0, 'Zorabella Q', 'ZORABELLA@example.org', '{\"city\":\"zanzibarcity\"}')",
            [],
        )
        .unwrap();

    let before = plaintext_bytes(&vault, dir.path());
    for marker in ["Zorabella", "zanzibarwedding", "zanzibarcity", "ig-zed"] {
        assert!(
            contains(&before, marker),
            "the check can see {marker} before erasure"
        );
    }

    let receipt = vault
        .erase_person(&"instagram:ig-zed".parse().unwrap())
        .unwrap();
    assert_eq!(
        (
            receipt.contacts,
            receipt.conversations,
            receipt.messages,
            receipt.leads,
            receipt.lead_forms
        ),
        (1, 1, 3, 1, 1)
    );
    assert!(receipt.confirmation_code.starts_with("ER-"));

    let after = plaintext_bytes(&vault, dir.path());
    for marker in ["Zorabella", "zanzibar", "ig-zed", "example.org"] {
        assert!(!contains(&after, marker), "{marker} survived the erasure");
    }
    assert!(
        contains(&after, "keeping this booking"),
        "others are untouched"
    );
    assert_eq!(vault.search("keeping", 5).unwrap().len(), 1);
    let audit: String = vault
        .conn
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'erasure'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audit.contains(&receipt.confirmation_code) && !audit.contains("Zorabella"));
}

#[test]
fn a_phone_number_finds_the_whatsapp_contact_and_lead_forms() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![message_on(
            Platform::Whatsapp,
            "w1",
            "34600123456",
            Some("Pep"),
            "hola",
            10,
            Direction::Inbound,
        )]])
        .unwrap();
    vault
        .conn
        .execute(
            "INSERT INTO lead_forms (account_id, leadgen_id, created_at, status, next_attempt_at, phone)
             VALUES (1, 'lg1', 5, 'fetched', 0, '+34 600 123 456')",
            [],
        )
        .unwrap();
    let receipt = vault
        .erase_person(&"+34600123456".parse().unwrap())
        .unwrap();
    assert_eq!((receipt.contacts, receipt.lead_forms), (1, 1));
    assert!(vault.conversations().unwrap().is_empty());
}

#[test]
fn nobody_matching_is_an_error_and_nothing_changes() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![inbound("m1", "u1", Some("Ana"), "hi", 10)]])
        .unwrap();
    let error = vault.erase_person(&"@nobody".parse().unwrap()).unwrap_err();
    assert!(matches!(error, VaultError::NoSuchPerson(_)));
    assert_eq!(vault.conversations().unwrap().len(), 1);
}

//! Tests of `pipeline`.

use super::*;
use crate::testing::{inbound, vault as open_test_vault};
use proptest::prelude::*;

#[test]
fn the_lead_card_shows_the_forms_the_same_person_filled_in() {
    let (_dir, mut vault) = open_test_vault();
    vault
        .ingest(&[vec![inbound("m1", "p1", Some("Marta"), "hi", 1_000)]])
        .unwrap();
    let conversation = vault.conversations().unwrap()[0].id;
    let contact = vault.contact_of(conversation).unwrap();
    assert!(vault.lead_card(conversation).unwrap().forms.is_empty());
    for (leadgen, email, phone) in [
        ("lg-mail", Some("MARTA@example.org"), None),
        ("lg-phone", None, Some("+34 600 111 222")),
        (
            "lg-other",
            Some("someone@example.org"),
            Some("+34 699 000 000"),
        ),
    ] {
        vault
            .conn
            .execute(
                "INSERT INTO lead_forms (account_id, leadgen_id, created_at, status, next_attempt_at, email, phone)
                 VALUES (1, ?1, 5, 'fetched', 0, ?2, ?3)",
                params![leadgen, email, phone],
            )
            .unwrap();
    }
    assert!(
        vault.lead_card(conversation).unwrap().forms.is_empty(),
        "nothing links them before their details are known"
    );
    vault
        .upsert_lead(
            contact,
            Some("Marta"),
            r#"["marta@example.org"]"#,
            r#"["+34600111222"]"#,
            "booking",
            "normal",
            "",
        )
        .unwrap();
    let mut forms: Vec<String> = vault
        .lead_card(conversation)
        .unwrap()
        .forms
        .into_iter()
        .map(|f| f.leadgen_id)
        .collect();
    forms.sort();
    assert_eq!(forms, ["lg-mail", "lg-phone"]);
}

#[test]
fn pages_walk_the_whole_list_once_newest_first() {
    let (_dir, mut vault) = open_test_vault();
    let batch: Vec<_> = (0..25)
        .map(|n| {
            vec![inbound(
                &format!("m{n}"),
                &format!("p{n}"),
                None,
                "hi",
                1_000 + n,
            )]
        })
        .collect();
    vault.ingest(&batch).unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = vault
            .conversation_page(&ListFilter::All, after, 10)
            .unwrap();
        seen.extend(page.conversations.iter().map(|c| c.last_message_at));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(vault.unread_total().unwrap(), 25);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
}

#[test]
fn filters_select_what_their_names_say() {
    let (_dir, mut vault) = open_test_vault();
    vault
        .ingest(&[
            vec![inbound("a1", "ana", Some("Ana"), "hi", 1_000)],
            vec![inbound("b1", "bea", Some("Bea"), "hello", 2_000)],
        ])
        .unwrap();
    fn names(vault: &Vault, filter: ListFilter) -> Vec<String> {
        vault
            .conversation_page(&filter, None, 50)
            .unwrap()
            .conversations
            .into_iter()
            .map(|c| c.display_name)
            .collect()
    }
    assert_eq!(names(&vault, ListFilter::NeedsReply), ["Bea", "Ana"]);
    assert_eq!(names(&vault, ListFilter::NewLeads), ["Bea", "Ana"]);
    let ana = vault
        .conversation_page(&ListFilter::All, None, 50)
        .unwrap()
        .conversations
        .into_iter()
        .find(|c| c.display_name == "Ana")
        .unwrap();
    vault
        .update_lead(
            ana.id,
            Stage::Booked,
            "Friday 3pm",
            &["VIP".into(), " vip ".into(), "nails".into()],
        )
        .unwrap();
    assert_eq!(names(&vault, ListFilter::NewLeads), ["Bea"]);
    assert_eq!(names(&vault, ListFilter::Label("vip".into())), ["Ana"]);
    assert_eq!(
        names(&vault, ListFilter::Channel(Platform::Instagram)),
        ["Bea", "Ana"]
    );
    assert!(names(&vault, ListFilter::Channel(Platform::Whatsapp)).is_empty());
    assert!(names(&vault, ListFilter::DraftsToReview).is_empty());
    let card = vault.lead_card(ana.id).unwrap();
    assert_eq!(
        (card.stage, card.notes.as_str()),
        (Stage::Booked, "Friday 3pm")
    );
    assert_eq!(
        card.labels,
        ["VIP", "nails"],
        "duplicates differing in case are dropped"
    );
    assert_eq!(vault.labels_in_use().unwrap(), ["nails", "VIP"]);
}

#[test]
fn bad_labels_and_huge_notes_are_refused_and_nothing_changes() {
    let (_dir, mut vault) = open_test_vault();
    vault
        .ingest(&[vec![inbound("a1", "ana", Some("Ana"), "hi", 1_000)]])
        .unwrap();
    let id = vault
        .conversation_page(&ListFilter::All, None, 5)
        .unwrap()
        .conversations[0]
        .id;
    assert!(
        vault
            .update_lead(id, Stage::Won, "", &["x".repeat(33)])
            .is_err()
    );
    assert!(
        vault
            .update_lead(id, Stage::Won, &"n".repeat(10_001), &[])
            .is_err()
    );
    assert_eq!(vault.lead_card(id).unwrap().stage, Stage::New);
    assert!(matches!(
        vault.lead_card(id + 100),
        Err(VaultError::NotFound(_))
    ));
}

proptest! {
    #[test]
    fn cleaned_labels_are_short_unique_and_trimmed(labels in proptest::collection::vec("\\PC{0,40}", 0..14)) {
        if let Ok(clean) = clean_labels(&labels) {
            prop_assert!(clean.len() <= 10);
            for (i, label) in clean.iter().enumerate() {
                prop_assert!(!label.is_empty() && label.chars().count() <= 32);
                prop_assert_eq!(label.trim(), label.as_str());
                prop_assert!(!clean[..i].iter().any(|l| l.eq_ignore_ascii_case(label)));
            }
        }
    }
}

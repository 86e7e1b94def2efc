//! Tests of `drafts`.

use super::*;
use crate::InMemorySecretStore;
use leadbox_channels::Platform;
use leadbox_channels::events::{Direction, Event, MessageEvent};

fn vault() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open_or_create(dir.path(), &InMemorySecretStore::default())
        .unwrap()
        .into_vault();
    (dir, vault)
}

fn inbound(vault: &mut Vault, mid: &str, text: &str, at: i64) {
    let event = Event::Message(MessageEvent {
        route: Platform::Instagram,
        account_id: "178".into(),
        contact_id: "u1".into(),
        contact_name: None,
        direction: Direction::Inbound,
        platform_message_id: mid.into(),
        text: Some(text.into()),
        attachments: vec![],
        timestamp_ms: at,
        timestamp_source: leadbox_channels::events::TimestampSource::Platform,
        comment: None,
    });
    vault.ingest(&[vec![event]]).unwrap();
}

fn outcome(text: &str) -> DraftOutcome {
    DraftOutcome {
        text: text.into(),
        flags_json: "[]".into(),
        provider: "offline".into(),
        model: None,
        latency_ms: 1,
        input_tokens: None,
        output_tokens: None,
    }
}

#[test]
fn an_inbound_message_queues_a_draft_and_a_newer_one_makes_it_stale() {
    let (_dir, mut vault) = vault();
    inbound(&mut vault, "m1", "price?", 10);
    let first = vault.queued_drafts(10).unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        vault
            .complete_draft(first[0].id, &outcome("It's €25"))
            .unwrap()
    );
    inbound(&mut vault, "m2", "and on Saturday?", 20);
    assert_eq!(
        vault.draft(first[0].id).unwrap().unwrap().status,
        DraftStatus::Stale
    );
    let second = vault.queued_drafts(10).unwrap();
    assert_eq!(second.len(), 1);
    let context = vault.draft_context(&second[0], 10).unwrap();
    assert_eq!(
        context.messages,
        vec![(true, "price?".into()), (true, "and on Saturday?".into())]
    );
    // A duplicate delivery queues nothing new.
    inbound(&mut vault, "m2", "and on Saturday?", 20);
    assert_eq!(vault.queued_drafts(10).unwrap().len(), 1);
}

#[test]
fn two_drafters_never_claim_the_same_draft_and_a_dead_ones_claims_expire() {
    let (_dir, mut vault) = vault();
    for (i, contact) in ["u1", "u2", "u3"].iter().enumerate() {
        let event = Event::Message(MessageEvent {
            route: Platform::Instagram,
            account_id: "178".into(),
            contact_id: (*contact).into(),
            contact_name: None,
            direction: Direction::Inbound,
            platform_message_id: format!("m{i}"),
            text: Some("price?".into()),
            attachments: vec![],
            timestamp_ms: 10,
            timestamp_source: leadbox_channels::events::TimestampSource::Platform,
            comment: None,
        });
        vault.ingest(&[vec![event]]).unwrap();
    }
    let first = vault.claim_queued_drafts(2, 1_000, 60_000).unwrap();
    let second = vault.claim_queued_drafts(2, 1_001, 60_000).unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(second.len(), 1);
    assert!(first.iter().all(|a| second.iter().all(|b| a.id != b.id)));
    assert!(
        vault
            .claim_queued_drafts(5, 2_000, 60_000)
            .unwrap()
            .is_empty()
    );
    // The first drafter finishes one and dies; its other claim expires.
    vault
        .complete_draft(first[0].id, &outcome("It's €25"))
        .unwrap();
    let after_lease = vault.claim_queued_drafts(5, 61_000, 60_000).unwrap();
    assert_eq!(
        after_lease.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![first[1].id]
    );
}

#[test]
fn a_new_message_after_a_failed_send_leaves_one_draft_to_review() {
    let (_dir, mut vault) = vault();
    inbound(&mut vault, "m1", "price?", 10);
    let first = vault.queued_drafts(1).unwrap().remove(0);
    vault
        .complete_draft(first.id, &outcome("It's €25"))
        .unwrap();
    let approved = vault.approve_draft(first.id, None).unwrap();
    vault
        .record_send_failure(approved, "the reply window closed")
        .unwrap();
    inbound(&mut vault, "m2", "hello?", 20);
    let open = vault.drafts(&DraftStatus::OPEN).unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].status, DraftStatus::Queued);
    assert_eq!(
        vault.draft(first.id).unwrap().unwrap().status,
        DraftStatus::Stale
    );
}

#[test]
fn a_draft_that_went_stale_while_drafting_stays_stale() {
    let (_dir, mut vault) = vault();
    inbound(&mut vault, "m1", "hi", 10);
    let job = vault.queued_drafts(1).unwrap().remove(0);
    inbound(&mut vault, "m2", "hello?", 20);
    assert!(!vault.complete_draft(job.id, &outcome("Hi!")).unwrap());
    assert_eq!(
        vault.draft(job.id).unwrap().unwrap().status,
        DraftStatus::Stale
    );
}

#[test]
fn approval_needs_a_pending_draft_and_keeps_the_original_when_edited() {
    let (_dir, mut vault) = vault();
    inbound(&mut vault, "m1", "price?", 10);
    let id = vault.queued_drafts(1).unwrap()[0].id;
    assert!(matches!(
        vault.approve_draft(id, None),
        Err(VaultError::DraftState(DraftStateError::WrongState { .. }))
    ));
    vault.complete_draft(id, &outcome("It's €25")).unwrap();
    assert!(matches!(
        vault.approve_draft(id, Some("   ")),
        Err(VaultError::DraftState(DraftStateError::EmptyText))
    ));
    let approved = vault
        .approve_draft(id, Some("It's €25, see you soon!"))
        .unwrap();
    assert_eq!(approved.text(), "It's €25, see you soon!");
    let row = vault.draft(id).unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.original_text.as_deref()),
        ("approved", Some("It's €25"))
    );
    assert!(
        matches!(
            vault.approve_draft(id, None),
            Err(VaultError::DraftState(_))
        ),
        "approved once only"
    );
    assert!(matches!(
        vault.reject_draft(id),
        Err(VaultError::DraftState(_))
    ));
}

#[test]
fn reject_and_regenerate_are_audited() {
    let (_dir, mut vault) = vault();
    inbound(&mut vault, "m1", "price?", 10);
    let id = vault.queued_drafts(1).unwrap()[0].id;
    vault.complete_draft(id, &outcome("x")).unwrap();
    vault.reject_draft(id).unwrap();
    let new_id = vault.regenerate_draft(id).unwrap();
    assert_ne!(new_id, id);
    assert_eq!(vault.queued_drafts(5).unwrap()[0].id, new_id);
    let actions: Vec<String> = vault
        .conn
        .prepare("SELECT action FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        actions.ends_with(&["draft_rejected".to_owned(), "draft_regenerated".to_owned()]),
        "{actions:?}"
    );
    assert!(matches!(
        vault.reject_draft(999),
        Err(VaultError::DraftState(DraftStateError::NotFound(999)))
    ));
}

#[test]
fn the_owners_own_reply_answers_the_latest_message_and_sets_the_draft_aside() {
    let (_dir, mut vault) = vault();
    inbound(&mut vault, "m1", "price?", 10);
    inbound(&mut vault, "m2", "and on Saturday?", 20);
    let drafted = vault.queued_drafts(1).unwrap().remove(0);
    vault
        .complete_draft(drafted.id, &outcome("It's €25"))
        .unwrap();
    assert!(matches!(
        vault.approve_owner_reply(drafted.conversation_id, "  \n "),
        Err(VaultError::DraftState(DraftStateError::EmptyText))
    ));
    assert_eq!(
        vault.draft(drafted.id).unwrap().unwrap().status,
        DraftStatus::Pending,
        "a refused reply changes nothing"
    );

    let approved = vault
        .approve_owner_reply(drafted.conversation_id, " Yes, Saturday at 10 works. ")
        .unwrap();
    assert_eq!(approved.text(), "Yes, Saturday at 10 works.");
    let own = vault.draft(approved.draft_id()).unwrap().unwrap();
    assert_eq!(own.written_by, DraftAuthor::Owner);
    assert_eq!(own.status, DraftStatus::Approved);
    assert_eq!(own.reply_to_message_id, drafted.reply_to_message_id);
    assert_eq!(
        vault.draft(drafted.id).unwrap().unwrap().status,
        DraftStatus::Stale
    );
    assert_eq!(drafted.written_by, DraftAuthor::Drafter);
    // A failed send leaves the owner's reply to try again, as a draft would.
    vault.record_send_failure(approved, "offline").unwrap();
    let open = vault.open_draft(drafted.conversation_id).unwrap().unwrap();
    assert_eq!((open.id, open.status), (own.id, DraftStatus::SendFailed));
}

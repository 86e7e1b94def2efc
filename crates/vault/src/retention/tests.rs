//! The retention policy, its preview and the purge, on a real vault.

use super::purge::IndexStrategy;
use super::*;
use crate::testing::{message_on, vault};
use leadbox_channels::events::{Direction, Event};

const NOW: i64 = 1_000 * DAY_MS;

fn days_ago(days: i64) -> i64 {
    NOW - days * DAY_MS
}

fn seed(vault: &mut Vault) {
    let events = vec![
        message_on(
            Platform::Instagram,
            "i1",
            "ig-old",
            Some("Old"),
            "old chat",
            days_ago(120),
            Direction::Inbound,
        ),
        message_on(
            Platform::Instagram,
            "i2",
            "ig-soon",
            Some("Soon"),
            "soon",
            days_ago(88),
            Direction::Inbound,
        ),
        message_on(
            Platform::Instagram,
            "i3",
            "ig-new",
            Some("New"),
            "fresh",
            days_ago(1),
            Direction::Inbound,
        ),
        message_on(
            Platform::Whatsapp,
            "w1",
            "346",
            Some("Wa"),
            "whatsapp chat",
            days_ago(40),
            Direction::Inbound,
        ),
        message_on(
            Platform::Messenger,
            "f1",
            "psid",
            Some("Fb"),
            "messenger chat",
            days_ago(95),
            Direction::Inbound,
        ),
    ];
    vault.ingest(&[events]).unwrap();
}

fn remaining(vault: &Vault) -> Vec<String> {
    let mut names: Vec<_> = vault
        .conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    names.sort();
    names
}

#[test]
fn the_default_policy_deletes_conversations_inactive_for_90_days() {
    let (_dir, mut vault) = vault();
    seed(&mut vault);
    let report = vault.run_retention(NOW).unwrap();
    assert_eq!((report.conversations, report.messages), (2, 2));
    assert_eq!(remaining(&vault), ["New", "Soon", "Wa"]);
    assert!(
        vault.search("old", 10).unwrap().is_empty(),
        "gone from search too"
    );
    assert!(
        vault.run_retention(NOW).unwrap().is_empty(),
        "a second run finds nothing"
    );
}

#[test]
fn per_channel_overrides_and_never() {
    let (_dir, mut vault) = vault();
    seed(&mut vault);
    let mut policy = RetentionPolicy::default();
    policy.per_channel.insert(Platform::Whatsapp, Some(30));
    policy.per_channel.insert(Platform::Messenger, None);
    vault.set_retention_policy(&policy).unwrap();
    vault.run_retention(NOW).unwrap();
    assert_eq!(remaining(&vault), ["Fb", "New", "Soon"]);
}

#[test]
fn the_preview_lists_what_the_next_week_deletes_and_matches_the_run() {
    let (_dir, mut vault) = vault();
    seed(&mut vault);
    let preview = vault.retention_preview(NOW, 7 * DAY_MS).unwrap();
    let planned: Vec<_> = preview
        .conversations
        .iter()
        .map(|p| (p.display_name.as_str(), p.deletes_at <= NOW))
        .collect();
    assert_eq!(planned, [("Old", true), ("Fb", true), ("Soon", false)]);
    let due_now: Vec<i64> = preview
        .conversations
        .iter()
        .filter(|p| p.deletes_at <= NOW)
        .map(|p| p.conversation_id)
        .collect();
    let before: Vec<i64> = vault
        .conversations()
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    vault.run_retention(NOW).unwrap();
    let after: Vec<i64> = vault
        .conversations()
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let mut deleted: Vec<i64> = before
        .into_iter()
        .filter(|id| !after.contains(id))
        .collect();
    deleted.sort_unstable();
    let mut expected = due_now;
    expected.sort_unstable();
    assert_eq!(deleted, expected);
    // Two days later, "Soon" is due, exactly as previewed.
    let report = vault.run_retention(NOW + 2 * DAY_MS).unwrap();
    assert_eq!(report.conversations, 1);
    assert_eq!(remaining(&vault), ["New", "Wa"]);
}

#[test]
fn an_unsaved_policy_is_previewed_without_being_saved() {
    let (_dir, mut vault) = vault();
    seed(&mut vault);
    let mut policy = RetentionPolicy::default();
    policy.per_channel.insert(Platform::Whatsapp, Some(30));
    policy.per_channel.insert(Platform::Messenger, None);
    let names = |preview: RetentionPreview| -> Vec<String> {
        preview
            .conversations
            .into_iter()
            .map(|p| p.display_name)
            .collect()
    };
    let trial = names(vault.retention_preview_of(&policy, NOW, 0).unwrap());
    assert!(trial.contains(&"Wa".to_owned()), "{trial:?}");
    assert!(!trial.contains(&"Fb".to_owned()), "{trial:?}");
    assert_eq!(
        vault.retention_policy().unwrap(),
        RetentionPolicy::default()
    );
    // What the trial named is exactly what the policy deletes once saved.
    vault.set_retention_policy(&policy).unwrap();
    assert_eq!(names(vault.retention_preview(NOW, 0).unwrap()), trial);

    policy.per_channel.insert(Platform::Instagram, Some(0));
    assert!(vault.retention_preview_of(&policy, NOW, 0).is_err());
}

#[test]
fn leads_follow_their_own_rule() {
    let (_dir, mut vault) = vault();
    seed(&mut vault);
    let old_contact: i64 = vault
        .conn
        .query_row(
            "SELECT id FROM contacts WHERE platform_contact_id = 'ig-old'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    vault
        .conn
        .execute(
            "INSERT INTO leads (contact_id, name, updated_at) VALUES (?1, 'Old Lead', ?2)",
            params![old_contact, days_ago(100)],
        )
        .unwrap();
    let report = vault.run_retention(NOW).unwrap();
    assert_eq!(report.conversations, 2);
    assert_eq!(report.leads, 0, "the lead outlives its chat");
    assert!(vault.lead(old_contact).unwrap().is_some());
    let report = vault.run_retention(NOW + 300 * DAY_MS).unwrap();
    assert_eq!(report.leads, 1);
    assert!(report.contacts >= 1);
    assert!(vault.lead(old_contact).unwrap().is_none());
}

#[test]
fn sanitizing_keeps_the_conversation_but_not_the_text() {
    let (_dir, mut vault) = vault();
    seed(&mut vault);
    vault
        .set_retention_policy(&RetentionPolicy {
            delete_inactive_after_days: None,
            sanitize_bodies_after_days: Some(30),
            ..RetentionPolicy::default()
        })
        .unwrap();
    let report = vault.run_retention(NOW).unwrap();
    assert_eq!((report.conversations, report.bodies_sanitized), (0, 4));
    assert_eq!(vault.conversations().unwrap().len(), 5);
    assert!(vault.search("whatsapp", 10).unwrap().is_empty());
    assert_eq!(vault.search("fresh", 10).unwrap().len(), 1);
}

#[test]
fn opted_out_contacts_stay_as_bare_records() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![
            message_on(
                Platform::Instagram,
                "i1",
                "u1",
                Some("Quiet"),
                "hi",
                days_ago(200),
                Direction::Inbound,
            ),
            message_on(
                Platform::Instagram,
                "i2",
                "u1",
                Some("Quiet"),
                "STOP",
                days_ago(199),
                Direction::Inbound,
            ),
        ]])
        .unwrap();
    vault.run_retention(NOW).unwrap();
    let (name, opted): (Option<String>, bool) = vault
        .conn
        .query_row(
            "SELECT name, opted_out_at IS NOT NULL FROM contacts WHERE platform_contact_id = 'u1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((name, opted), (None, true));
}

#[test]
fn bad_periods_are_refused_and_the_old_policy_kept() {
    let (_dir, vault) = vault();
    let bad = RetentionPolicy {
        delete_inactive_after_days: Some(0),
        ..RetentionPolicy::default()
    };
    let error = vault.set_retention_policy(&bad).unwrap_err();
    assert!(error.to_string().contains("between 1 and 3650"));
    assert_eq!(
        vault.retention_policy().unwrap(),
        RetentionPolicy::default()
    );
}

#[test]
fn the_index_strategy_follows_the_share_of_the_vault_that_goes() {
    assert_eq!(IndexStrategy::choose(10, 1_000_000), IndexStrategy::Scrub);
    assert_eq!(
        IndexStrategy::choose(50_000, 1_000_000),
        IndexStrategy::Merge
    );
    assert_eq!(
        IndexStrategy::choose(400_000, 1_000_000),
        IndexStrategy::Rebuild
    );
    assert_eq!(IndexStrategy::choose(5_000, 5_000), IndexStrategy::Rebuild);
}

/// FTS5 compares the index with the messages table; an error means stale
/// entries. (Every test message has text: rows without text have no index
/// entry, which the check would also report.)
fn index_matches_messages(vault: &Vault) -> bool {
    vault
        .conn
        .execute(
            "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .is_ok()
}

fn many_old_and_one_new(vault: &mut Vault) {
    let mut events: Vec<Event> = (0..3_000)
        .map(|n| {
            message_on(
                Platform::Instagram,
                &format!("old{n}"),
                &format!("lead{}", n / 10),
                Some(&format!("Quetzal {}", n / 10)),
                &format!("zanzibar trip {n}"),
                days_ago(200),
                Direction::Inbound,
            )
        })
        .collect();
    events.push(message_on(
        Platform::Instagram,
        "new",
        "recent",
        None,
        "zanzibar again",
        days_ago(1),
        Direction::Inbound,
    ));
    vault.ingest(&[events]).unwrap();
}

#[test]
fn a_purge_of_most_of_the_vault_rebuilds_the_index_without_the_deleted_text() {
    let (_dir, mut vault) = vault();
    many_old_and_one_new(&mut vault);
    let report = vault.run_retention(NOW).unwrap();
    assert_eq!(report.messages, 3_000);
    let hits = vault.search("zanzibar", 50).unwrap();
    assert_eq!(hits.len(), 1, "only the recent message is still found");
    assert!(
        vault.search("quetzal", 50).unwrap().is_empty(),
        "the purged contacts' names are gone from the index"
    );
    assert!(index_matches_messages(&vault));
    // The delete trigger is back: a later erasure still scrubs the index.
    vault
        .erase_person(&"instagram:recent".parse().unwrap())
        .unwrap();
    assert!(vault.search("zanzibar", 50).unwrap().is_empty());
    assert!(index_matches_messages(&vault));
}

/// Readers see each chunk a bulk purge commits, before the index is
/// rebuilt: a search then must neither fail on the rows already gone (the
/// index still names them) nor return them.
#[test]
fn a_search_half_way_through_a_bulk_purge_finds_only_what_remains() {
    let (_dir, mut vault) = vault();
    many_old_and_one_new(&mut vault);
    // What a rebuilding purge has committed after its first chunks.
    vault
        .conn
        .execute_batch(
            "DROP TRIGGER messages_fts_delete; DROP TRIGGER contacts_fts_delete;
             DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE id <= 150);
             DELETE FROM conversations WHERE id <= 150;
             DELETE FROM contacts WHERE id NOT IN (SELECT contact_id FROM conversations);",
        )
        .unwrap();
    let messages = vault.search("zanzibar", 5_000).unwrap();
    assert_eq!(
        messages.len(),
        1_501,
        "150 conversations of 10 went, 150 and the new one stay"
    );
    let people = vault.search("quetzal", 5_000).unwrap();
    assert_eq!(people.len(), 150);
}

#[test]
fn opening_after_a_purge_died_mid_way_rebuilds_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = crate::InMemorySecretStore::default();
    let open = || {
        Vault::open_or_create(dir.path(), &secrets)
            .unwrap()
            .into_vault()
    };
    let mut vault = open();
    many_old_and_one_new(&mut vault);
    // What a purge leaves when killed between dropping the trigger and the rebuild.
    vault
        .conn
        .execute_batch(
            "DROP TRIGGER messages_fts_delete;
             DELETE FROM drafts; DELETE FROM messages WHERE platform_message_id LIKE 'old%';",
        )
        .unwrap();
    assert!(!index_matches_messages(&vault));
    drop(vault);
    let vault = open();
    assert!(index_matches_messages(&vault));
    assert_eq!(vault.search("zanzibar", 50).unwrap().len(), 1);
}

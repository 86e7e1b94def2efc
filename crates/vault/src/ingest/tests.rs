//! Tests of `ingest`.

use super::*;

use crate::DraftStatus;
use crate::testing::{message_on, vault};
use leadbox_channels::events::NoticeSeverity;

fn message(mid: &str, contact: &str, text: &str, at: i64, direction: Direction) -> Event {
    message_on(Platform::Instagram, mid, contact, None, text, at, direction)
}

#[test]
fn the_same_message_twice_is_stored_once() {
    let (_dir, mut vault) = vault();
    let first = vault
        .ingest(&[vec![message("m1", "u1", "Hi", 10, Direction::Inbound)]])
        .unwrap();
    assert_eq!(first.new_messages, 1);
    assert_eq!(first.new_contacts.len(), 1);
    assert_eq!(
        first.new_from_known_people, 0,
        "a new lead's first message is not 'new message'"
    );
    let again = vault
        .ingest(&[vec![message("m1", "u1", "Hi", 10, Direction::Inbound)]])
        .unwrap();
    assert_eq!(
        (
            again.new_messages,
            again.duplicates,
            again.new_contacts.len()
        ),
        (0, 1, 0)
    );
    let conversations = vault.conversations().unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].unread_count, 1);
    assert_eq!(vault.messages(conversations[0].id).unwrap().len(), 1);
}

#[test]
fn a_second_message_from_a_known_contact_is_not_a_new_lead() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![message("m1", "u1", "Hi", 10, Direction::Inbound)]])
        .unwrap();
    let report = vault
        .ingest(&[vec![message("m2", "u1", "Price?", 20, Direction::Inbound)]])
        .unwrap();
    assert!(report.new_contacts.is_empty());
    assert_eq!(report.new_from_known_people, 1);
    let conversation = &vault.conversations().unwrap()[0];
    assert_eq!(conversation.unread_count, 2);
    assert_eq!(conversation.last_message_text.as_deref(), Some("Price?"));
    let echo = vault
        .ingest(&[vec![message("m3", "u1", "Yes!", 30, Direction::Outbound)]])
        .unwrap();
    assert_eq!(
        (echo.new_messages, echo.new_from_known_people),
        (1, 0),
        "echoes of own replies do not count"
    );
}

#[test]
fn echoes_are_outbound_and_do_not_count_as_unread() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![
            message("m1", "u1", "Hi", 10, Direction::Inbound),
            message("m2", "u1", "Hello!", 20, Direction::Outbound),
        ]])
        .unwrap();
    let conversation = &vault.conversations().unwrap()[0];
    assert_eq!(conversation.unread_count, 1);
    let directions: Vec<_> = vault
        .messages(conversation.id)
        .unwrap()
        .into_iter()
        .map(|m| m.direction)
        .collect();
    assert_eq!(directions, [Direction::Inbound, Direction::Outbound]);
}

#[test]
fn a_failing_batch_stores_nothing() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![message("m1", "u1", "Hi", 10, Direction::Inbound)]])
        .unwrap();
    // Break the schema under the second event so the batch fails midway.
    vault.conn.execute_batch("CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.platform_message_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END;").unwrap();
    let result = vault.ingest(&[vec![
        message("m2", "u2", "ok", 11, Direction::Inbound),
        message("bad", "u3", "x", 12, Direction::Inbound),
    ]]);
    assert!(result.is_err());
    assert_eq!(
        vault.conversations().unwrap().len(),
        1,
        "neither m2 nor bad was stored"
    );
}

#[test]
fn a_mention_delivered_twice_is_listed_once() {
    let (_dir, mut vault) = vault();
    let mention = |comment: Option<&str>| Event::Mention {
        account_id: "178".into(),
        media_id: Some("M1".into()),
        comment_id: comment.map(str::to_owned),
        at_ms: 7,
    };
    vault
        .ingest(&[vec![mention(Some("C1")), mention(None)]])
        .unwrap();
    vault
        .ingest(&[vec![mention(Some("C1")), mention(None)]])
        .unwrap();
    let listed = vault.mentions().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].comment_id.as_deref(), Some("C1"));
    assert_eq!(listed[1].comment_id, None);
    assert_eq!(listed[1].account_id, "178");
}

#[test]
fn reactions_and_the_first_referral_are_kept() {
    use leadbox_channels::events::Referral;
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![message("m1", "ana", "hi", 1, Direction::Inbound)]])
        .unwrap();
    let react = |emoji: Option<&str>| Event::Reaction {
        route: Platform::Instagram,
        account_id: "178".into(),
        platform_message_id: "m1".into(),
        emoji: emoji.map(str::to_owned),
    };
    let referral = |ad: &str| Event::Referral {
        route: Platform::Instagram,
        account_id: "178".into(),
        contact_id: "ana".into(),
        referral: Referral {
            source: Some("ADS".into()),
            ad_id: Some(ad.into()),
            ..Referral::default()
        },
    };
    vault
        .ingest(&[vec![react(Some("😍")), referral("ad-1")]])
        .unwrap();
    vault.ingest(&[vec![referral("ad-2")]]).unwrap();
    let conversation = vault.conversations().unwrap()[0].id;
    assert_eq!(
        vault.messages(conversation).unwrap()[0].reaction.as_deref(),
        Some("😍")
    );
    let stored: String = vault
        .conn
        .query_row(
            "SELECT referral FROM contacts WHERE platform_contact_id = 'ana'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        stored.contains("ad-1") && !stored.contains("ad-2"),
        "{stored}"
    );
    vault.ingest(&[vec![react(None)]]).unwrap();
    assert_eq!(vault.messages(conversation).unwrap()[0].reaction, None);
}

#[test]
fn business_account_notices_reach_its_numbers_and_unknown_ones_are_kept_as_unreadable() {
    let (_dir, mut vault) = vault();
    vault
        .set_business_account(Platform::Whatsapp, "PN1", "WABA")
        .unwrap();
    vault
        .set_business_account(Platform::Whatsapp, "PN2", "WABA")
        .unwrap();
    let notice = |account: &str| Event::AccountNotice {
        route: Platform::Whatsapp,
        account_id: account.into(),
        business_account: true,
        severity: NoticeSeverity::Restriction,
        code: None,
        message: "WhatsApp restricted your business account.".into(),
    };
    let report = vault
        .ingest(&[vec![notice("WABA"), notice("WABA-UNKNOWN")]])
        .unwrap();
    assert_eq!((report.notices, report.unreadable), (2, 1));
    let restricted: Vec<_> = report
        .restrictions
        .iter()
        .map(|r| r.platform_account_id.as_str())
        .collect();
    assert_eq!(restricted, ["PN1", "PN2"]);
    for number in ["PN1", "PN2"] {
        let account = vault
            .find_account(Platform::Whatsapp, number)
            .unwrap()
            .unwrap();
        assert_eq!(
            account.notice.unwrap().severity,
            NoticeSeverity::Restriction
        );
    }
    let kept: (String, String, String) = vault
        .conn
        .query_row(
            "SELECT platform_account_id, field, kind FROM unreadable_events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        kept,
        (
            "WABA-UNKNOWN".into(),
            "account".into(),
            "unknown_business_account".into()
        )
    );
}

#[test]
fn an_account_notice_shows_with_its_account() {
    let (_dir, mut vault) = vault();
    let notice = |code, text: &str| Event::AccountNotice {
        route: Platform::Whatsapp,
        account_id: "PN1".into(),
        business_account: false,
        severity: leadbox_channels::events::NoticeSeverity::Problem,
        code: Some(code),
        message: text.into(),
    };
    vault
        .ingest(&[vec![notice(131_000, "Something went wrong")]])
        .unwrap();
    vault
        .ingest(&[vec![notice(
            368,
            "Temporarily blocked for policy violations",
        )]])
        .unwrap();
    let account = vault
        .find_account(Platform::Whatsapp, "PN1")
        .unwrap()
        .unwrap();
    let shown = account.notice.unwrap();
    assert_eq!(
        (shown.code, shown.message.as_str()),
        (Some(368), "Temporarily blocked for policy violations"),
        "the latest notice"
    );
}

#[test]
fn an_unsent_message_loses_its_text_everywhere() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![message(
            "m1",
            "ana",
            "my address is 5 Elm St",
            1,
            Direction::Inbound,
        )]])
        .unwrap();
    let unsent = Event::MessageDeleted {
        route: Platform::Instagram,
        account_id: "178".into(),
        platform_message_id: "m1".into(),
    };
    vault.ingest(&[vec![unsent.clone()]]).unwrap();
    let conversation = vault.conversations().unwrap()[0].id;
    let messages = vault.messages(conversation).unwrap();
    assert_eq!(messages.len(), 1, "the row stays, in order");
    assert_eq!(messages[0].text, None);
    assert!(vault.search("Elm", 10).unwrap().is_empty());
    // Redelivery of the deletion is harmless.
    vault.ingest(&[vec![unsent]]).unwrap();
}

#[test]
fn several_messages_in_one_batch_get_one_draft_answering_the_last() {
    let (_dir, mut vault) = vault();
    let d = Direction::Inbound;
    vault
        .ingest(&[vec![
            message("m1", "ana", "hi", 1, d),
            message("m2", "bo", "price?", 2, d),
            message("m3", "ana", "for a haircut", 3, d),
            message("m4", "ana", "on friday", 4, d),
        ]])
        .unwrap();
    let queued = vault.drafts(&[DraftStatus::Queued]).unwrap();
    let answered: Vec<String> = queued
        .iter()
        .map(|draft| {
            vault
                .conn
                .query_row(
                    "SELECT platform_message_id FROM messages WHERE id = ?1",
                    [draft.reply_to_message_id],
                    |r| r.get(0),
                )
                .unwrap()
        })
        .collect();
    // Newest draft first: Ana's, answering her last message, then Bo's.
    assert_eq!(answered, ["m4", "m2"]);
    assert!(vault.drafts(&[DraftStatus::Stale]).unwrap().is_empty());

    // A later message in another batch makes the queued draft stale, as before.
    vault
        .ingest(&[vec![message("m5", "ana", "or saturday", 5, d)]])
        .unwrap();
    assert_eq!(vault.drafts(&[DraftStatus::Stale]).unwrap().len(), 1);
    // A STOP after a question in the same batch leaves no draft at all.
    vault
        .ingest(&[vec![
            message("m6", "cy", "how much?", 6, d),
            message("m7", "cy", "STOP", 7, d),
        ]])
        .unwrap();
    let cy_drafts = vault.conn.query_row(
        "SELECT count(*) FROM drafts d JOIN messages m ON m.id = d.reply_to_message_id
         WHERE m.platform_message_id IN ('m6', 'm7')",
        [],
        |r| r.get::<_, i64>(0),
    );
    assert_eq!(cy_drafts.unwrap(), 0);
}

#[test]
fn stop_opts_the_contact_out_without_a_draft_and_start_opts_back_in() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![message("m1", "u1", "Hi", 10, Direction::Inbound)]])
        .unwrap();
    vault
        .ingest(&[vec![message("m2", "u1", "STOP", 20, Direction::Inbound)]])
        .unwrap();
    let conversation = &vault.conversations().unwrap()[0];
    assert!(conversation.opted_out);
    assert_eq!(
        vault.drafts(&[DraftStatus::Queued]).unwrap().len(),
        0,
        "the STOP got no draft and the old one went stale"
    );
    vault
        .ingest(&[vec![message("m3", "u1", "start", 30, Direction::Inbound)]])
        .unwrap();
    assert!(!vault.conversations().unwrap()[0].opted_out);
    assert_eq!(vault.drafts(&[DraftStatus::Queued]).unwrap().len(), 1);
}

#[test]
fn a_preference_event_opts_out_even_a_contact_never_seen() {
    let (_dir, mut vault) = vault();
    let event = Event::MessagingPreference {
        route: Platform::Whatsapp,
        account_id: "P1".into(),
        contact_id: "346".into(),
        opted_out: true,
    };
    vault.ingest(&[vec![event]]).unwrap();
    let opted: i64 = vault
        .conn
        .query_row(
            "SELECT count(*) FROM contacts WHERE opted_out_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(opted, 1);
}

#[test]
fn receipts_move_outbound_messages_forward_only() {
    let (_dir, mut vault) = vault();
    vault
        .ingest(&[vec![
            message("in1", "u1", "Hi", 10, Direction::Inbound),
            message("out1", "u1", "Hello", 20, Direction::Outbound),
            message("out2", "u1", "Book?", 30, Direction::Outbound),
        ]])
        .unwrap();
    let receipt = |state, ids: &[&str], watermark| {
        Event::Receipt(Receipt {
            route: Platform::Instagram,
            account_id: "178".into(),
            contact_id: "u1".into(),
            state,
            message_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            watermark_ms: watermark,
            error: None,
        })
    };
    vault
        .ingest(&[vec![
            receipt(Delivery::Read, &["out1"], None),
            receipt(Delivery::Delivered, &["out1"], None),
        ]])
        .unwrap();
    vault
        .ingest(&[vec![receipt(Delivery::Delivered, &[], Some(25))]])
        .unwrap();
    let conversation = vault.conversations().unwrap()[0].id;
    let states: Vec<_> = vault
        .messages(conversation)
        .unwrap()
        .into_iter()
        .map(|m| m.delivery)
        .collect();
    assert_eq!(
        states,
        vec![None, Some(leadbox_channels::events::Delivery::Read), None],
        "read is not undone; the watermark stops at 25"
    );
}

#[test]
fn names_fall_back_to_a_neutral_label() {
    assert_eq!(
        display_name(Platform::Instagram, None, "5550001234"),
        "Instagram user …1234"
    );
    assert_eq!(display_name(Platform::Whatsapp, Some("  Ana "), "1"), "Ana");
}

#[test]
fn first_words_are_bounded() {
    let long = "word ".repeat(100);
    let words = first_words(&long);
    assert!(words.chars().count() <= 81 && words.ends_with('…'));
    assert_eq!(first_words("short  text"), "short text");
}

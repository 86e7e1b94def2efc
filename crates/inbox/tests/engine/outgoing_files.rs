//! Photos and PDFs the owner sends: checked against the platform before
//! anything is stored or sent, uploaded the way each platform documents,
//! and kept in the conversation like the ones leads send.

use leadbox_inbox::{
    Connection, DraftAuthor, DraftStatus, FileKind, FileRefused, FileToSend, InboxError,
    MediaState, Platform,
};
use serde_json::json;

use crate::world::{World, messenger_dm, now_ms, whatsapp_text};

/// A real (tiny) PNG: the engine tells the type from the bytes.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const MB: usize = 1024 * 1024;

fn file(name: &str, bytes: &[u8]) -> FileToSend {
    FileToSend {
        name: name.to_owned(),
        bytes: bytes.to_vec(),
    }
}

/// A JPEG of `size` bytes (a JPEG's start, then filler).
fn jpeg_of(size: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(size, 0);
    bytes
}

fn only_conversation(world: &World) -> i64 {
    world.engine.conversations().unwrap().remove(0).id
}

async fn whatsapp_world() -> (World, i64) {
    let world = World::new(Platform::Whatsapp, "P1").await;
    world
        .webhook(whatsapp_text(
            "wamid.IN1",
            "Ana García",
            "¿Tenéis carta?",
            60_000,
        ))
        .await;
    world.connect_whatsapp().await;
    let conversation = only_conversation(&world);
    (world, conversation)
}

#[tokio::test]
async fn a_whatsapp_photo_is_uploaded_then_sent_by_id_with_its_caption_and_kept() {
    let (world, conversation) = whatsapp_world().await;
    let sent = world
        .engine
        .send_owner_file(
            conversation,
            " Nuestra carta ",
            &file("carta.png", PNG),
            false,
        )
        .await
        .unwrap();

    let log = world.graph.lock().await;
    assert_eq!(log.uploads.len(), 1);
    let upload = &log.uploads[0];
    assert_eq!(
        (
            upload.platform,
            upload.mime_type.as_str(),
            upload.file_name.as_str()
        ),
        ("whatsapp", "image/png", "carta.png")
    );
    assert_eq!(upload.bytes, PNG);
    assert_eq!(log.sends.len(), 1);
    let (number, auth, body) = &log.sends[0];
    assert_eq!(
        (number.as_str(), auth.as_str()),
        ("P1", "Bearer wa:P1@WABA")
    );
    assert_eq!(
        body,
        &json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222",
                "type": "image", "image": {"id": upload.id, "caption": "Nuestra carta"}})
    );
    drop(log);

    let message = world.engine.messages(conversation).unwrap().pop().unwrap();
    assert_eq!(message.platform_message_id, sent);
    assert_eq!(message.text.as_deref(), Some("Nuestra carta"));
    assert_eq!(message.attachments, json!([{"kind": "image", "url": null}]));
    assert_eq!(message.media[0].state, MediaState::Stored);
    // The window shows it like a photo a lead sent.
    assert_eq!(
        world.engine.media_image(message.id, 0).unwrap(),
        Some(("image/png", PNG.to_vec()))
    );
    // Sent: nothing is left to review.
    assert!(
        world
            .engine
            .draft_to_review(conversation)
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_whatsapp_pdf_goes_as_a_document_with_its_name_and_no_caption() {
    let (world, conversation) = whatsapp_world().await;
    world
        .engine
        .send_owner_file(conversation, "", &file("../Precios 2026.pdf", PDF), false)
        .await
        .unwrap();
    let log = world.graph.lock().await;
    let body = &log.sends[0].2;
    assert_eq!(body["type"], "document");
    assert_eq!(
        body["document"],
        json!({"id": log.uploads[0].id, "filename": "Precios 2026.pdf"})
    );
    drop(log);
    let message = world.engine.messages(conversation).unwrap().pop().unwrap();
    assert_eq!(message.text, None);
    assert_eq!(message.attachments[0]["kind"], "document");
    // Not an image: never decoded as one, offered as a file to save.
    assert_eq!(world.engine.media_image(message.id, 0).unwrap(), None);
}

#[tokio::test]
async fn a_refused_type_or_size_stops_before_anything_is_stored_or_sent() {
    let (world, conversation) = whatsapp_world().await;
    let before = world.engine.messages(conversation).unwrap().len();
    let refusals = [
        (file("notes.txt", b"just words"), "neither"),
        (
            file("wave.gif", b"GIF89a\x01\0\x01\0"),
            "does not take a GIF",
        ),
        (
            FileToSend {
                name: "big.jpg".into(),
                bytes: jpeg_of(5 * MB + 1),
            },
            "at most 5.0 MB",
        ),
        (file("empty.png", b""), "empty"),
    ];
    for (refused, says) in refusals {
        let error = world
            .engine
            .send_owner_file(conversation, "", &refused, false)
            .await
            .unwrap_err();
        assert!(matches!(error, InboxError::FileRefused(_)), "{error}");
        assert!(error.to_string().contains(says), "{error}");
    }
    let long = "a".repeat(1025);
    let error = world
        .engine
        .send_owner_file(conversation, &long, &file("carta.png", PNG), false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            InboxError::FileRefused(FileRefused::CaptionTooLong { .. })
        ),
        "{error}"
    );
    let log = world.graph.lock().await;
    assert!(log.uploads.is_empty() && log.sends.is_empty());
    drop(log);
    assert_eq!(world.engine.messages(conversation).unwrap().len(), before);
    assert!(
        world
            .engine
            .draft_to_review(conversation)
            .unwrap()
            .is_none_or(|d| d.written_by != DraftAuthor::Owner)
    );
    // Asked when the owner picks the file, from its first bytes and its size.
    let picked = world
        .engine
        .check_file_for(conversation, PNG, 3 * MB as u64, "")
        .unwrap();
    assert_eq!(picked.kind, FileKind::Image);
}

#[tokio::test]
async fn metas_own_refusal_of_a_file_is_said_in_words_and_the_reply_is_kept() {
    let (world, _conversation) = whatsapp_world().await;
    // Past Leadbox's checks (a client that skipped them): Meta's limit answers.
    let graph = world.engine.graph();
    let too_large = jpeg_of(6 * MB);
    let error = graph
        .send_file(
            &leadbox_channels::graph::Outgoing {
                platform: Platform::Whatsapp,
                connection: Connection::WhatsappCloud,
                account_id: "P1",
                token: leadbox_testkit::graph::WHATSAPP_TOKEN,
                recipient: &leadbox_channels::graph::Recipient::Whatsapp("34600111222".into()),
                text: "",
                human_agent: false,
            },
            &leadbox_channels::graph::OutgoingFile {
                file_type: leadbox_channels::outgoing_files::sniff_file(&too_large).unwrap(),
                name: "big.jpg",
                bytes: &too_large,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, leadbox_channels::graph::SendError::FileRefused(why) if why.contains("larger than")),
        "{error}"
    );
    assert!(world.graph.lock().await.sends.is_empty());
}

#[tokio::test]
async fn an_expired_token_refuses_the_file_and_keeps_the_words_to_try_again() {
    let (world, conversation) = whatsapp_world().await;
    world.graph.lock().await.expired = true;
    let error = world
        .engine
        .send_owner_file(conversation, "La carta", &file("carta.png", PNG), false)
        .await
        .unwrap_err();
    assert!(matches!(error, InboxError::NotSent(_)), "{error}");
    assert!(error.to_string().contains("reconnect"), "{error}");
    let kept = world.engine.draft_to_review(conversation).unwrap().unwrap();
    assert_eq!(
        (kept.status, kept.text.as_str()),
        (DraftStatus::SendFailed, "La carta")
    );
    assert!(
        world
            .engine
            .messages(conversation)
            .unwrap()
            .iter()
            .all(|m| m.media.is_empty())
    );
}

#[tokio::test]
async fn messenger_takes_the_file_in_the_send_and_the_words_after_it() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "Menu please?", 60_000, false))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let conversation = only_conversation(&world);
    let sent = world
        .engine
        .send_owner_file(conversation, "Here it is!", &file("menu.png", PNG), false)
        .await
        .unwrap();
    let log = world.graph.lock().await;
    assert_eq!(log.sends.len(), 2);
    assert_eq!(
        log.sends[0].2,
        json!({"recipient": {"id": "PSID7"}, "messaging_type": "RESPONSE",
               "message": {"attachment": {"type": "image", "payload": {"is_reusable": false}}},
               "filedata": {"mime_type": "image/png", "file_name": "menu.png", "size": PNG.len()}})
    );
    assert_eq!(log.uploads[0].bytes, PNG);
    assert_eq!(log.sends[1].2["message"], json!({"text": "Here it is!"}));
    drop(log);
    let last_two: Vec<_> = world
        .engine
        .messages(conversation)
        .unwrap()
        .into_iter()
        .rev()
        .take(2)
        .map(|m| (m.platform_message_id, m.text, m.media.len()))
        .collect();
    assert_eq!(
        last_two,
        [
            ("m_SENT2".to_owned(), Some("Here it is!".to_owned()), 0),
            (sent, None, 1),
        ]
    );
}

#[tokio::test]
async fn when_the_words_after_a_file_fail_the_file_is_kept_as_sent_and_the_words_are_not() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_1", "Menu please?", 60_000, false))
        .await;
    world.connect_page(Platform::Messenger, "PAGE1").await;
    let conversation = only_conversation(&world);
    world.graph.lock().await.refuse_words = true;
    let error = world
        .engine
        .send_owner_file(conversation, "Here it is!", &file("menu.png", PNG), false)
        .await
        .unwrap_err();
    assert!(matches!(error, InboxError::PartlySent { .. }), "{error}");
    assert!(error.to_string().contains("PNG photo was sent"), "{error}");
    assert!(error.to_string().contains("rate-limiting"), "{error}");
    let last = world.engine.messages(conversation).unwrap().pop().unwrap();
    assert_eq!((last.text, last.media.len()), (None, 1));
    assert_eq!(world.sends().await.len(), 1, "only the file went");
    // Nothing is left half-sent to review: the owner sends the words again.
    assert!(
        world
            .engine
            .draft_to_review(conversation)
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn after_24_hours_a_messenger_file_carries_the_human_agent_tag() {
    let world = World::new(Platform::Messenger, "PAGE1").await;
    world
        .webhook(messenger_dm("m_in_old", "Menu?", 2 * 24 * 3_600_000, false))
        .await;
    let token = leadbox_testkit::graph::token_for("messenger", "PAGE1", None);
    world
        .engine
        .add_account(Platform::Messenger, "PAGE1", Connection::Page, &token, true)
        .await
        .unwrap();
    let conversation = only_conversation(&world);
    world
        .engine
        .send_owner_file(conversation, "", &file("menu.pdf", PDF), false)
        .await
        .unwrap();
    let body = world.sends().await.remove(0).2;
    assert_eq!(
        (body["messaging_type"].as_str(), body["tag"].as_str()),
        (Some("MESSAGE_TAG"), Some("HUMAN_AGENT"))
    );
    assert_eq!(body["message"]["attachment"]["type"], "file");
}

#[tokio::test]
async fn instagram_uploads_the_photo_for_instagram_then_sends_it_by_attachment_id() {
    let world = World::new(Platform::Instagram, "IGB").await;
    world
        .webhook(leadbox_testkit::webhooks::instagram_dm(
            "IGB",
            "IGSID9",
            "mid.IN1",
            "Do you have photos of the room?",
            now_ms() - 60_000,
        ))
        .await;
    world.connect_page(Platform::Instagram, "IGB").await;
    let conversation = only_conversation(&world);
    world
        .engine
        .send_owner_file(conversation, "", &file("room.png", PNG), false)
        .await
        .unwrap();
    let log = world.graph.lock().await;
    assert_eq!(log.uploads[0].platform, "instagram");
    assert_eq!(
        log.sends[0].2,
        json!({"recipient": {"id": "IGSID9"}, "messaging_type": "RESPONSE",
               "message": {"attachment": {"type": "image", "payload": {"attachment_id": log.uploads[0].id}}}})
    );
}

#[tokio::test]
async fn instagram_login_accounts_and_comments_take_no_file_and_say_why() {
    let world = World::new(Platform::Instagram, "IGB").await;
    world
        .webhook(json!({"object": "instagram", "entry": [{"id": "IGB", "time": now_ms() / 1000, "changes": [{"field": "comments", "value": {
            "from": {"id": "IGSID9", "username": "carla.g"}, "comment_id": "C123", "text": "Photos?", "media": {"id": "M1"}
        }}]}]}))
        .await;
    world.connect_page(Platform::Instagram, "IGB").await;
    let conversation = only_conversation(&world);
    let error = world
        .engine
        .send_owner_file(conversation, "", &file("room.png", PNG), false)
        .await
        .unwrap_err();
    assert!(
        matches!(error, InboxError::FileRefused(FileRefused::CommentReply)),
        "{error}"
    );

    let world = World::new(Platform::Instagram, "17841").await;
    world
        .webhook(leadbox_testkit::webhooks::instagram_dm(
            "17841",
            "IGSID9",
            "mid.IN2",
            "Photos?",
            now_ms() - 60_000,
        ))
        .await;
    world
        .engine
        .add_account(
            Platform::Instagram,
            "17841",
            Connection::InstagramLogin,
            "ig:17841",
            false,
        )
        .await
        .unwrap();
    let conversation = only_conversation(&world);
    let error = world
        .engine
        .send_owner_file(conversation, "", &file("room.png", PNG), false)
        .await
        .unwrap_err();
    assert!(
        matches!(error, InboxError::FileRefused(FileRefused::InstagramLogin)),
        "{error}"
    );
    assert!(error.to_string().contains("Facebook Page"), "{error}");
    assert!(world.graph.lock().await.uploads.is_empty());
}

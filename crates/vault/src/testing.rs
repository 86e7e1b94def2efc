//! Helpers shared by the vault's unit tests.

use leadbox_channels::Platform;
use leadbox_channels::events::{Direction, Event, MessageEvent};

use crate::{InMemorySecretStore, Vault};

pub(crate) fn vault() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open_or_create(dir.path(), &InMemorySecretStore::default())
        .unwrap()
        .into_vault();
    (dir, vault)
}

pub(crate) fn message_on(
    route: Platform,
    mid: &str,
    contact: &str,
    name: Option<&str>,
    text: &str,
    at: i64,
    direction: Direction,
) -> Event {
    Event::Message(MessageEvent {
        route,
        account_id: match route {
            Platform::Instagram => "178".into(),
            Platform::Messenger => "PAGE1".into(),
            Platform::Whatsapp => "PN1".into(),
            Platform::Website => "SITE1".into(),
        },
        contact_id: contact.into(),
        contact_name: name.map(str::to_owned),
        direction,
        platform_message_id: mid.into(),
        text: Some(text.into()),
        attachments: vec![],
        timestamp_ms: at,
        timestamp_source: leadbox_channels::events::TimestampSource::Platform,
        comment: None,
    })
}

pub(crate) fn inbound(mid: &str, contact: &str, name: Option<&str>, text: &str, at: i64) -> Event {
    message_on(
        Platform::Instagram,
        mid,
        contact,
        name,
        text,
        at,
        Direction::Inbound,
    )
}

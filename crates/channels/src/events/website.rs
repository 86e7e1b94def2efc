//! Website chat: a visitor's message, sealed by the relay, as a normal message event.

use leadbox_envelope::payload::Payload;

use super::{Direction, Event, MessageEvent};
use crate::Platform;

/// The message event for a `WidgetMessage` payload; `None` for any other payload.
/// The visitor is the contact, known by the widget session id; a name they
/// typed becomes the contact's name (an email is appended to the text so the
/// owner sees it, since the visitor chose to give it).
pub fn widget_message(payload: &Payload) -> Option<Event> {
    let Payload::WidgetMessage {
        site_id,
        session_id,
        message_id,
        text,
        visitor_name,
        visitor_email,
        received_at_ms,
    } = payload
    else {
        return None;
    };
    let clean = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let text = match clean(visitor_email) {
        Some(email) => format!("{text}\n\n(email: {email})"),
        None => text.clone(),
    };
    Some(Event::Message(MessageEvent {
        route: Platform::Website,
        account_id: site_id.clone(),
        contact_id: session_id.clone(),
        contact_name: clean(visitor_name),
        direction: Direction::Inbound,
        platform_message_id: message_id.clone(),
        text: Some(text),
        attachments: Vec::new(),
        timestamp_ms: *received_at_ms,
        timestamp_source: super::TimestampSource::Received,
        comment: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(name: Option<&str>, email: Option<&str>) -> Payload {
        Payload::WidgetMessage {
            site_id: "site-1".into(),
            session_id: "sess-1".into(),
            message_id: "wm-1".into(),
            text: "Do you do gel nails?".into(),
            visitor_name: name.map(Into::into),
            visitor_email: email.map(Into::into),
            received_at_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn a_visitor_message_becomes_an_inbound_website_message() {
        let Some(Event::Message(message)) = widget_message(&payload(Some(" Ana "), None)) else {
            panic!("not a message");
        };
        assert_eq!(message.route, Platform::Website);
        assert_eq!(message.account_id, "site-1");
        assert_eq!(message.contact_id, "sess-1");
        assert_eq!(message.contact_name.as_deref(), Some("Ana"));
        assert_eq!(message.direction, Direction::Inbound);
        assert_eq!(message.text.as_deref(), Some("Do you do gel nails?"));
    }

    #[test]
    fn an_email_the_visitor_gave_is_kept_with_the_text_and_a_blank_name_is_none() {
        let Some(Event::Message(message)) = widget_message(&payload(Some("  "), Some("a@b.co")))
        else {
            panic!("not a message");
        };
        assert_eq!(message.contact_name, None);
        assert!(message.text.unwrap().ends_with("(email: a@b.co)"));
    }

    #[test]
    fn other_payloads_are_not_widget_messages() {
        let other = Payload::MetaDeletionNotice {
            confirmation_code: "c".into(),
            user_id: "u".into(),
            requested_at_ms: 1,
        };
        assert_eq!(widget_message(&other), None);
    }
}

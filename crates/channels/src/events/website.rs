//! Website chat: a visitor's message, sealed by the relay, as a normal message event.

use leadbox_envelope::payload::Payload;

use super::{Direction, Event, MessageEvent};
use crate::Platform;

/// The message event for a `WidgetMessage` payload; `None` for any other payload.
/// The visitor is the contact, known by the widget session id; a name they
/// typed becomes the contact's name; an email or phone number they gave is
/// appended to the text, where the owner sees it and the lead's details are
/// read from (so drafts stop asking for them).
pub fn widget_message(payload: &Payload) -> Option<Event> {
    let Payload::WidgetMessage {
        site_id,
        session_id,
        message_id,
        text,
        visitor_name,
        visitor_email,
        visitor_phone,
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
    let details: Vec<String> = [
        ("email", clean(visitor_email)),
        ("phone", clean(visitor_phone)),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|value| format!("{label}: {value}")))
    .collect();
    let text = if details.is_empty() {
        text.clone()
    } else {
        format!("{text}\n\n({})", details.join(" · "))
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
        with_phone(name, email, None)
    }

    fn with_phone(name: Option<&str>, email: Option<&str>, phone: Option<&str>) -> Payload {
        Payload::WidgetMessage {
            site_id: "site-1".into(),
            session_id: "sess-1".into(),
            message_id: "wm-1".into(),
            text: "Do you do gel nails?".into(),
            visitor_name: name.map(Into::into),
            visitor_email: email.map(Into::into),
            visitor_phone: phone.map(Into::into),
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
    fn an_email_and_a_phone_number_the_visitor_gave_are_both_kept_with_the_text() {
        let Some(Event::Message(message)) =
            widget_message(&with_phone(None, Some("a@b.co"), Some("+34 612 345 678")))
        else {
            panic!("not a message");
        };
        let text = message.text.unwrap();
        assert!(
            text.ends_with("(email: a@b.co · phone: +34 612 345 678)"),
            "{text}"
        );
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

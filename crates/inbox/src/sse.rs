//! A Server-Sent Events reader for the relay's push stream: bytes in, events
//! out, whatever way the network splits them.

/// One dispatched event (`event:`, `id:` and the joined `data:` lines).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

/// Events never need to be this large; a stream that sends one is cut off
/// rather than allowed to fill memory.
const MAX_PENDING: usize = 64 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct SseParser {
    pending: Vec<u8>,
    current: SseEvent,
    has_data: bool,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("the relay's push stream sent an event larger than 64 MiB")]
pub struct SseTooLarge;

impl SseParser {
    /// Feeds bytes; returns the events completed by them.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, SseTooLarge> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(newline) = self.pending.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.pending.drain(..=newline).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line);
            if let Some(event) = self.line(&line) {
                events.push(event);
            }
        }
        if self.pending.len() + self.current.data.len() > MAX_PENDING {
            return Err(SseTooLarge);
        }
        Ok(events)
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.current);
            let dispatch = std::mem::take(&mut self.has_data);
            return dispatch.then(|| SseEvent {
                event: if event.event.is_empty() {
                    "message".into()
                } else {
                    event.event
                },
                ..event
            });
        }
        if line.starts_with(':') {
            return None; // a comment: keep-alive
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.current.event = value.to_owned(),
            "id" => self.current.id = Some(value.to_owned()),
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn events_keep_alives_and_multi_line_data() {
        let mut parser = SseParser::default();
        let events = parser
            .push(b": keep-alive\n\nevent: envelopes\nid: 7\ndata: {\"a\":\ndata: 1}\n\n")
            .unwrap();
        assert_eq!(
            events,
            [SseEvent {
                event: "envelopes".into(),
                id: Some("7".into()),
                data: "{\"a\":\n1}".into()
            }]
        );
    }

    #[test]
    fn crlf_and_missing_event_names() {
        let mut parser = SseParser::default();
        let events = parser.push(b"data: x\r\n\r\n").unwrap();
        assert_eq!(events[0].event, "message");
        assert_eq!(events[0].data, "x");
    }

    fn encode(events: &[SseEvent]) -> Vec<u8> {
        let mut out = String::new();
        for event in events {
            out.push_str(&format!("event: {}\n", event.event));
            if let Some(id) = &event.id {
                out.push_str(&format!("id: {id}\n"));
            }
            for line in event.data.split('\n') {
                out.push_str(&format!("data: {line}\n"));
            }
            out.push_str(": ping\n\n");
        }
        out.into_bytes()
    }

    fn event() -> impl Strategy<Value = SseEvent> {
        (
            "[a-z]{1,10}",
            proptest::option::of("[0-9]{1,6}"),
            "[^\r\n]{0,20}(\n[^\r\n]{0,20}){0,3}",
        )
            .prop_map(|(event, id, data)| SseEvent { event, id, data })
    }

    proptest! {
        #[test]
        fn any_split_of_the_stream_gives_the_same_events(
            events in proptest::collection::vec(event(), 0..5),
            cuts in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let bytes = encode(&events);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut parser = SseParser::default();
            let mut seen = Vec::new();
            let mut start = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                seen.extend(parser.push(&bytes[start..cut]).unwrap());
                start = cut;
            }
            prop_assert_eq!(seen, events);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = SseParser::default().push(&bytes);
        }
    }
}

//! A synthetic inbox: salon and studio leads in English and Spanish, ten
//! messages per conversation, half the conversations 200 days old (due for
//! the default 90-day retention policy) and half 10 days old. The same
//! seed gives the same inbox, so benchmark runs compare.

use leadbox_channels::Platform;
use leadbox_channels::events::{Direction, Event, MessageEvent, TimestampSource};

pub const MESSAGES_PER_CONVERSATION: usize = 10;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

const OPENINGS: &[&str] = &[
    "Hi! How much is a",
    "Hola, cuánto cuesta un",
    "Do you have time on Friday for a",
    "Can I book a",
    "Is there parking near the studio for my",
    "What are your opening hours? I need a",
    "My sister recommended you for a",
    "Precio de",
];
const THINGS: &[&str] = &[
    "haircut",
    "balayage",
    "manicure",
    "bridal makeup",
    "beard trim",
    "colour correction",
    "keratin treatment",
    "massage",
    "facial",
    "consultation",
    "wedding trial",
    "kids cut",
];
const ENDINGS: &[&str] = &[
    "next week?",
    "this Saturday morning?",
    "for two people?",
    "thanks 😊",
    "please call me back",
    "¿mañana por la tarde?",
    "around 5pm?",
    "and do you take cards?",
];

/// Searches an owner would type into this inbox.
pub const OWNER_QUERIES: &[&str] = &[
    "balayage",
    "bridal makeup",
    "friday",
    "cuánto",
    "parking",
    "person 4217",
    "kerat",
    "wedding trial saturday",
];

/// A small, fast, seeded generator (xorshift): benchmarks need the same
/// data every run, not good randomness.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[usize::try_from(self.below(from.len() as u64)).unwrap_or(0)]
    }
}

/// The inbox as of `now_ms`.
#[derive(Debug, Clone)]
pub struct SyntheticInbox {
    pub now_ms: i64,
    rng: Rng,
}

impl SyntheticInbox {
    pub fn new(now_ms: i64) -> SyntheticInbox {
        SyntheticInbox {
            now_ms,
            rng: Rng::seeded(0x9E37_79B9_7F4A_7C15),
        }
    }

    /// Message `n` (conversation `n / 10`): two inbound, one outbound in turn.
    pub fn message(&mut self, n: usize) -> Event {
        let conversation = n / MESSAGES_PER_CONVERSATION;
        let inbound = n % 3 != 2;
        Event::Message(MessageEvent {
            route: Platform::ALL[conversation % 3],
            account_id: "ACC1".into(),
            contact_id: format!("person-{conversation}"),
            contact_name: Some(format!("Person {conversation}")),
            direction: if inbound {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
            platform_message_id: format!("mid.{n}"),
            text: Some(format!(
                "{} {} {} (ref {n})",
                self.rng.pick(OPENINGS),
                self.rng.pick(THINGS),
                self.rng.pick(ENDINGS)
            )),
            attachments: vec![],
            timestamp_ms: self.sent_at(n),
            timestamp_source: TimestampSource::Platform,
            comment: None,
        })
    }

    /// Messages `from..to` as one ingest batch.
    pub fn batch(&mut self, from: usize, to: usize) -> Vec<Event> {
        (from..to).map(|n| self.message(n)).collect()
    }

    /// Even conversations are 200 days old, odd ones 10 days.
    fn sent_at(&self, n: usize) -> i64 {
        let conversation = n / MESSAGES_PER_CONVERSATION;
        let age_days = if conversation.is_multiple_of(2) {
            200
        } else {
            10
        };
        let minute = i64::try_from(n % MESSAGES_PER_CONVERSATION).unwrap_or(0) * 60_000;
        self.now_ms - age_days * DAY_MS + minute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_inbox_and_half_of_it_is_old() {
        let now = 1_800_000_000_000;
        let (mut a, mut b) = (SyntheticInbox::new(now), SyntheticInbox::new(now));
        assert_eq!(a.batch(0, 50), b.batch(0, 50));
        let times: Vec<i64> = a
            .batch(0, 20)
            .iter()
            .map(|event| match event {
                Event::Message(message) => message.timestamp_ms,
                _ => unreachable!(),
            })
            .collect();
        assert!(times[..10].iter().all(|t| now - t > 190 * DAY_MS));
        assert!(times[10..].iter().all(|t| now - t < 11 * DAY_MS));
    }
}

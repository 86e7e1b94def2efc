//! Lead details pulled out of what a lead wrote: contact details, name, what
//! they want and how urgently. Rules only; nothing leaves the machine.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::enquiry::{Enquiry, classify, main_enquiry};

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
/// Runs of digits with the separators people type in phone numbers.
static PHONE_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+?\(?\d[\d\s().-]{5,18}\d").unwrap_or_else(|e| unreachable!("{e}"))
});
static SELF_INTRODUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?i:my name is|my name's|i am|i'm|this is|me llamo|mi nombre es|soy)\s+([\p{Lu}][\p{L}'-]+(?:\s+[\p{Lu}][\p{L}'-]+){0,2})",
    )
    .unwrap_or_else(|e| unreachable!("{e}"))
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Low,
    Normal,
    High,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDetails {
    pub name: Option<String>,
    pub emails: Vec<String>,
    /// E.164 (`+34600111222`).
    pub phones: Vec<String>,
    pub intent: Enquiry,
    pub urgency: Urgency,
    /// One line: the enquiry and the lead's first words.
    pub summary: String,
}

pub fn emails(text: &str) -> Vec<String> {
    let mut found: Vec<String> = EMAIL
        .find_iter(text)
        .map(|m| m.as_str().to_lowercase())
        .collect();
    found.dedup();
    found
}

/// Valid phone numbers in E.164; numbers without a country code are read in `region` ("ES").
pub fn phones(text: &str, region: Option<&str>) -> Vec<String> {
    let region = region.and_then(|r| {
        r.to_ascii_uppercase()
            .parse::<phonenumber::country::Id>()
            .ok()
    });
    let mut found = Vec::new();
    for candidate in PHONE_CANDIDATE.find_iter(text) {
        let digits = candidate
            .as_str()
            .chars()
            .filter(char::is_ascii_digit)
            .count();
        if !(7..=15).contains(&digits) {
            continue;
        }
        let Ok(number) = phonenumber::parse(region, candidate.as_str()) else {
            continue;
        };
        if phonenumber::is_valid(&number) {
            let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
            if !found.contains(&e164) {
                found.push(e164);
            }
        }
    }
    found
}

/// A name the lead gave for themselves ("I'm Ana", "me llamo Ana García").
pub fn introduced_name(text: &str) -> Option<String> {
    SELF_INTRODUCTION
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_owned())
}

const HIGH_URGENCY: &[&str] = &[
    "urgent",
    "asap",
    "right now",
    "today",
    "emergency",
    "urgente",
    "hoy",
    "ahora mismo",
    "cuanto antes",
    "emergencia",
    "hoje",
    "agora mesmo",
    "o mais rápido",
];
const NORMAL_URGENCY: &[&str] = &[
    "tomorrow",
    "this week",
    "soon",
    "mañana",
    "esta semana",
    "pronto",
    "amanhã",
    "em breve",
];

pub fn urgency(text: &str, intent: Enquiry) -> Urgency {
    let lower = text.to_lowercase();
    // "Thank you so much for today!" is not urgent.
    if matches!(
        intent,
        Enquiry::Thanks | Enquiry::Compliment | Enquiry::Greeting
    ) {
        return Urgency::Low;
    }
    if intent == Enquiry::Complaint || HIGH_URGENCY.iter().any(|w| lower.contains(w)) {
        Urgency::High
    } else if NORMAL_URGENCY.iter().any(|w| lower.contains(w))
        || matches!(
            intent,
            Enquiry::Booking
                | Enquiry::Price
                | Enquiry::Reschedule
                | Enquiry::Budget
                | Enquiry::Duration
        )
    {
        Urgency::Normal
    } else {
        Urgency::Low
    }
}

/// Extracts details from everything the lead wrote (oldest first); the platform
/// name is used when the lead did not introduce themselves.
pub fn extract(
    lead_messages: &[&str],
    platform_name: Option<&str>,
    region: Option<&str>,
) -> LeadDetails {
    let all = lead_messages.join("\n");
    let latest = lead_messages.last().copied().unwrap_or_default();
    let intent = lead_messages
        .iter()
        .rev()
        .map(|m| main_enquiry(&classify(m)))
        .find(|e| !matches!(e, Enquiry::Greeting | Enquiry::Other))
        .unwrap_or_else(|| main_enquiry(&classify(latest)));
    let first_words: String = lead_messages
        .iter()
        .find(|m| !m.trim().is_empty())
        .map(|m| m.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let quoted: String = first_words.chars().take(100).collect();
    let ellipsis = if first_words.chars().count() > 100 {
        "…"
    } else {
        ""
    };
    LeadDetails {
        name: lead_messages
            .iter()
            .rev()
            .find_map(|m| introduced_name(m))
            .or_else(|| platform_name.map(str::to_owned)),
        emails: emails(&all),
        phones: phones(&all, region),
        urgency: urgency(&all, intent),
        // A lead who only sent a photo or a sticker has no words to quote.
        summary: if quoted.is_empty() {
            format!("{} enquiry (no text yet)", capitalized(intent.as_str()))
        } else {
            format!(
                "{} enquiry: \"{quoted}{ellipsis}\"",
                capitalized(intent.as_str())
            )
        },
        intent,
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_emails_and_phone_numbers() {
        let text = "Write to Ana.Garcia@Example.com or call 600 111 222, or +1 (415) 555-2671. Order #12345.";
        assert_eq!(emails(text), vec!["ana.garcia@example.com"]);
        assert_eq!(
            phones(text, Some("ES")),
            vec!["+34600111222", "+14155552671"]
        );
        assert!(
            phones("call 600 111 222", None).is_empty(),
            "no region, no country code: not guessed"
        );
    }

    #[test]
    fn finds_self_introductions_in_both_languages() {
        assert_eq!(
            introduced_name("Hi, I'm Ana and I'd like a cut").as_deref(),
            Some("Ana")
        );
        assert_eq!(
            introduced_name("Hola, me llamo María José García.").as_deref(),
            Some("María José García")
        );
        assert_eq!(
            introduced_name("i am interested"),
            None,
            "lowercase words are not names"
        );
    }

    #[test]
    fn summarizes_intent_and_urgency() {
        let details = extract(
            &["Hola!", "¿Cuánto cuesta el tinte? Lo necesito hoy"],
            Some("maria_g"),
            Some("ES"),
        );
        assert_eq!(details.intent, Enquiry::Price);
        assert_eq!(details.urgency, Urgency::High);
        assert_eq!(details.name.as_deref(), Some("maria_g"));
        assert_eq!(details.summary, "Price enquiry: \"Hola!\"");
        assert_eq!(extract(&["nice pics"], None, None).urgency, Urgency::Low);
        assert_eq!(
            extract(&["Thank you so much for today!"], None, None).urgency,
            Urgency::Low
        );
        assert_eq!(
            extract(&["Preciso de uma aula hoje"], None, None).urgency,
            Urgency::High
        );
    }

    #[test]
    fn a_lead_without_words_gets_no_empty_quote() {
        let details = extract(&["", "  "], None, None);
        assert_eq!(details.summary, "Other enquiry (no text yet)");
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in ".{0,400}") {
            let _ = extract(&[&text], None, Some("ES"));
        }
    }
}

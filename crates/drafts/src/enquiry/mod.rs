//! What a lead's message is: a question about prices, booking, hours; a
//! budget to bargain over; a thank-you, a compliment; a question nothing
//! in the profile answers. Keyword stems in English, Spanish and Portuguese.

use serde::{Deserialize, Serialize};

mod rules;

use rules::RULES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enquiry {
    Complaint,
    /// Moving or cancelling a booking already made.
    Reschedule,
    /// The lead names their own price, or asks for a discount.
    Budget,
    Price,
    /// How long a service takes.
    Duration,
    Booking,
    Hours,
    Location,
    Services,
    Compliment,
    Thanks,
    Greeting,
    Other,
}

impl Enquiry {
    pub fn as_str(self) -> &'static str {
        match self {
            Enquiry::Complaint => "complaint",
            Enquiry::Reschedule => "reschedule",
            Enquiry::Budget => "budget",
            Enquiry::Price => "price",
            Enquiry::Duration => "duration",
            Enquiry::Booking => "booking",
            Enquiry::Hours => "hours",
            Enquiry::Location => "location",
            Enquiry::Services => "services",
            Enquiry::Compliment => "compliment",
            Enquiry::Thanks => "thanks",
            Enquiry::Greeting => "greeting",
            Enquiry::Other => "other",
        }
    }

    /// A social message: it asks nothing.
    pub fn is_social(self) -> bool {
        matches!(
            self,
            Enquiry::Compliment | Enquiry::Thanks | Enquiry::Greeting | Enquiry::Other
        )
    }
}

/// Every enquiry the text matches, most important first; `[Other]` when none.
pub fn classify(text: &str) -> Vec<Enquiry> {
    let lower = format!(" {} ", text.to_lowercase());
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let matches = |stem: &str| {
        if stem.contains(' ') || !stem.chars().any(char::is_alphanumeric) {
            lower.contains(stem)
        } else if stem.chars().count() <= 3 {
            // Short stems ("hi", "abr") must start a word, or "this" would be a greeting.
            words.iter().any(|w| {
                if stem.chars().count() <= 2 {
                    *w == stem
                } else {
                    w.starts_with(stem)
                }
            })
        } else {
            words.iter().any(|w| w.starts_with(stem))
        }
    };
    let mut found: Vec<Enquiry> = RULES
        .iter()
        .filter(|(_, stems)| stems.iter().any(|s| matches(s)))
        .map(|(enquiry, _)| *enquiry)
        .collect();
    if names_an_amount(&lower) && !found.contains(&Enquiry::Budget) {
        // "Is 800 euros ok for the wedding?": the lead's own price.
        found.retain(|e| *e != Enquiry::Thanks);
        found.insert(
            found
                .iter()
                .position(|e| *e != Enquiry::Complaint && *e != Enquiry::Reschedule)
                .unwrap_or(found.len()),
            Enquiry::Budget,
        );
    }
    if [
        "still available",
        "sigue disponible",
        "todavía disponible",
        "ainda está disponível",
        "ainda disponível",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase))
    {
        // Whether a listing or product is still there: nothing to book.
        found.retain(|e| *e != Enquiry::Booking);
    }
    if found.contains(&Enquiry::Duration)
        && ![
            "price", "cost", "how much", "precio", "cuesta", "preço", "preco", "custa",
        ]
        .iter()
        .any(|word| lower.contains(word))
    {
        // "¿Cuánto dura?", "Quanto tempo?": "cuánto" asks how long, not how much.
        found.retain(|e| *e != Enquiry::Price);
    }
    if asks_for_every_service(text) && !found.contains(&Enquiry::Services) {
        found.push(Enquiry::Services);
    }
    if found.contains(&Enquiry::Reschedule) {
        // A session being moved asks for a day, not for a new booking.
        found.retain(|e| *e != Enquiry::Booking);
    }
    if found.is_empty() {
        vec![Enquiry::Other]
    } else {
        found
    }
}

/// Whether the lead writes an amount of money themselves ("800 euros", "€50").
fn names_an_amount(lower: &str) -> bool {
    let currency = [
        "€", "$", "£", "r$", "euro", "eur", "dollar", "usd", "reais", "pound",
    ];
    let chars: Vec<char> = lower.chars().collect();
    chars.iter().enumerate().any(|(at, c)| {
        if !c.is_ascii_digit() {
            return false;
        }
        let before: String = chars[at.saturating_sub(3)..at].iter().collect();
        let after: String = chars[at + 1..]
            .iter()
            .skip_while(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
            .take(8)
            .collect();
        let after = after.trim_start();
        currency
            .iter()
            .any(|sign| before.ends_with(sign) || after.starts_with(sign))
    })
}

/// Whether a services question asks for the whole list ("What services do
/// you offer?") rather than about one thing ("Do you do extensions?").
pub fn asks_for_every_service(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "services",
        "what do you",
        "what kind",
        "what type",
        "which",
        "servicios",
        "qué hacéis",
        "que haceis",
        "qué ofrec",
        "que ofrec",
        "tipo",
        "serviços",
        "servicos",
        "o que fazem",
        "que aulas",
        "what lessons",
        "what classes",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// Whether the message asks something: a question mark, or a question word first.
pub fn asks_something(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let first = lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    lower.contains('?')
        || matches!(
            first,
            "do" | "does"
                | "can"
                | "could"
                | "is"
                | "are"
                | "would"
                | "what"
                | "when"
                | "how"
                | "which"
                | "who"
                | "will"
                | "puedo"
                | "podéis"
                | "podeis"
                | "hacéis"
                | "tenéis"
                | "teneis"
                | "tienen"
                | "cuándo"
                | "cómo"
                | "qué"
                | "quería"
                | "queria"
                | "vocês"
                | "voces"
                | "posso"
                | "podem"
                | "fazem"
                | "têm"
                | "quando"
                | "como"
                | "gostaria"
        )
}

/// The main enquiry: the first that is not a greeting, else a greeting.
pub fn main_enquiry(found: &[Enquiry]) -> Enquiry {
    found
        .iter()
        .copied()
        .find(|e| *e != Enquiry::Greeting)
        .or(found.first().copied())
        .unwrap_or(Enquiry::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_enquiries_in_three_languages() {
        let cases = [
            ("How much is a haircut?", Enquiry::Price),
            ("Hola, ¿cuánto cuesta el tinte?", Enquiry::Price),
            ("Olá, quanto custa uma aula?", Enquiry::Price),
            ("Can I book an appointment for Saturday?", Enquiry::Booking),
            ("¿Tienen cita libre el sábado?", Enquiry::Booking),
            ("Queria marcar uma aula para sábado", Enquiry::Booking),
            ("What time do you open on Sunday?", Enquiry::Hours),
            ("¿Cuál es vuestro horario?", Enquiry::Hours),
            ("Where are you located?", Enquiry::Location),
            ("¿Dónde estáis?", Enquiry::Location),
            ("Onde ficam?", Enquiry::Location),
            ("And how long does the cleaning take?", Enquiry::Duration),
            ("E quanto tempo dura?", Enquiry::Duration),
            ("Que tipo de aulas têm?", Enquiry::Services),
            ("Do you offer keratin treatment?", Enquiry::Services),
            (
                "I want a refund, the colour was terrible",
                Enquiry::Complaint,
            ),
            ("Quiero poner una queja", Enquiry::Complaint),
            (
                "Could we move my session to next week?",
                Enquiry::Reschedule,
            ),
            ("¿Podemos cambiar la cita al jueves?", Enquiry::Reschedule),
            ("Is 800 euros ok for the wedding?", Enquiry::Budget),
            ("Can you give me a discount?", Enquiry::Budget),
            ("Would you do 2% commission instead of 3%?", Enquiry::Budget),
            (
                "I'd love to arrange a viewing of the flat",
                Enquiry::Booking,
            ),
            ("Is the apartment still available?", Enquiry::Other),
            ("Your photos are amazing 😍😍", Enquiry::Compliment),
            ("ok thanks!", Enquiry::Thanks),
            ("muito obrigada!", Enquiry::Thanks),
            ("Hello!", Enquiry::Greeting),
            ("Buenas", Enquiry::Greeting),
            ("asdf qwerty", Enquiry::Other),
        ];
        for (text, expected) in cases {
            assert_eq!(main_enquiry(&classify(text)), expected, "{text}");
        }
    }

    #[test]
    fn short_stems_do_not_match_inside_words() {
        assert_eq!(classify("this thing"), vec![Enquiry::Other]);
    }

    #[test]
    fn questions_are_told_from_statements() {
        assert!(asks_something("Do you sell gift vouchers"));
        assert!(asks_something("¿Vendéis tarjetas regalo?"));
        assert!(!asks_something("Thanks, see you Friday."));
    }
}

//! What a lead is asking about, by keyword rules in English and Spanish.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enquiry {
    Price,
    Booking,
    Hours,
    Location,
    Services,
    Complaint,
    Greeting,
    Other,
}

impl Enquiry {
    pub fn as_str(self) -> &'static str {
        match self {
            Enquiry::Price => "price",
            Enquiry::Booking => "booking",
            Enquiry::Hours => "hours",
            Enquiry::Location => "location",
            Enquiry::Services => "services",
            Enquiry::Complaint => "complaint",
            Enquiry::Greeting => "greeting",
            Enquiry::Other => "other",
        }
    }
}

/// Keyword stems per enquiry, English and Spanish together. Complaint comes
/// first: an unhappy customer asking for a refund is not a price enquiry.
const RULES: &[(Enquiry, &[&str])] = &[
    (
        Enquiry::Complaint,
        &[
            "complain",
            "refund",
            "terrible",
            "awful",
            "disappoint",
            "unhappy",
            "rude",
            "ruined",
            "worst",
            "not happy",
            "queja",
            "reclam",
            "devoluci",
            "fatal",
            "horrible",
            "decepcion",
            "mal servicio",
            "molest",
            "peor",
        ],
    ),
    (
        Enquiry::Price,
        &[
            "price", "cost", "how much", "rate", "fee", "charge", "precio", "cuesta", "cuánto",
            "cuanto", "vale", "tarifa", "cobr",
        ],
    ),
    (
        Enquiry::Booking,
        &[
            "book",
            "appointment",
            "available",
            "availability",
            "reserve",
            "schedule",
            "slot",
            "free on",
            "cita",
            "reserv",
            "disponib",
            "hueco",
            "agendar",
            "turno",
        ],
    ),
    (
        Enquiry::Hours,
        &[
            "open", "close", "hours", "opening", "horario", "abr", "cierr", "hora",
        ],
    ),
    (
        Enquiry::Location,
        &[
            "where",
            "address",
            "located",
            "location",
            "directions",
            "parking",
            "dónde",
            "donde",
            "dirección",
            "direccion",
            "ubica",
            "aparca",
        ],
    ),
    (
        Enquiry::Services,
        &[
            "service",
            "do you do",
            "do you offer",
            "offer",
            "treatment",
            "servicio",
            "ofrec",
            "hacéis",
            "haceis",
            "tratamiento",
        ],
    ),
    (
        Enquiry::Greeting,
        &[
            "hello",
            "hi",
            "hey",
            "good morning",
            "good afternoon",
            "hola",
            "buenos días",
            "buenos dias",
            "buenas",
        ],
    ),
];

/// Every enquiry the text matches, most important first; `[Other]` when none.
pub fn classify(text: &str) -> Vec<Enquiry> {
    let lower = format!(" {} ", text.to_lowercase());
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && !"áéíóúñ".contains(c))
        .collect();
    let matches = |stem: &str| {
        if stem.contains(' ') {
            lower.contains(stem)
        } else if stem.chars().count() <= 3 {
            // Short stems ("hi", "abr") must start a word, or "this" would be a greeting.
            words.iter().any(|w| {
                if stem.len() <= 2 {
                    *w == stem
                } else {
                    w.starts_with(stem)
                }
            })
        } else {
            words.iter().any(|w| w.starts_with(stem))
        }
    };
    let found: Vec<Enquiry> = RULES
        .iter()
        .filter(|(_, stems)| stems.iter().any(|s| matches(s)))
        .map(|(enquiry, _)| *enquiry)
        .collect();
    if found.is_empty() {
        vec![Enquiry::Other]
    } else {
        found
    }
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
    fn recognizes_enquiries_in_english_and_spanish() {
        let cases = [
            ("How much is a haircut?", Enquiry::Price),
            ("Hola, ¿cuánto cuesta el tinte?", Enquiry::Price),
            ("Can I book an appointment for Saturday?", Enquiry::Booking),
            ("¿Tienen cita libre el sábado?", Enquiry::Booking),
            ("What time do you open on Sunday?", Enquiry::Hours),
            ("¿Cuál es vuestro horario?", Enquiry::Hours),
            ("Where are you located?", Enquiry::Location),
            ("¿Dónde estáis?", Enquiry::Location),
            ("Do you offer keratin treatment?", Enquiry::Services),
            (
                "I want a refund, the colour was terrible",
                Enquiry::Complaint,
            ),
            ("Quiero poner una queja", Enquiry::Complaint),
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
}

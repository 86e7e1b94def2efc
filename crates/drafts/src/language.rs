//! Telling English from Spanish: enough to answer a lead in their language.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }
}

const SPANISH_WORDS: &[&str] = &[
    "hola", "que", "qué", "cuánto", "cuanto", "cuesta", "precio", "quiero", "para", "tienen",
    "tiene", "cita", "gracias", "buenos", "buenas", "días", "dias", "tardes", "por", "favor", "el",
    "la", "los", "las", "es", "un", "una", "mañana", "hoy", "dónde", "donde", "horario", "abren",
    "cuándo", "cuando", "me", "llamo", "soy", "sí", "con", "del", "hay",
];
const ENGLISH_WORDS: &[&str] = &[
    "hi",
    "hello",
    "the",
    "how",
    "much",
    "price",
    "want",
    "for",
    "have",
    "you",
    "appointment",
    "thanks",
    "thank",
    "good",
    "morning",
    "please",
    "is",
    "a",
    "an",
    "tomorrow",
    "today",
    "where",
    "when",
    "open",
    "my",
    "name",
    "i'm",
    "yes",
    "with",
    "do",
    "can",
    "book",
    "cost",
    "what",
];

/// The more likely of English and Spanish, or `None` when the text gives no sign.
pub fn detect(text: &str) -> Option<Lang> {
    let lower = text.to_lowercase();
    let mut spanish = lower
        .chars()
        .filter(|c| matches!(c, '¿' | '¡' | 'ñ'))
        .count()
        * 2;
    let mut english = 0;
    for word in lower.split(|c: char| !c.is_alphanumeric() && c != '\'' && !"áéíóúñ".contains(c))
    {
        if SPANISH_WORDS.contains(&word) {
            spanish += 1;
        }
        if ENGLISH_WORDS.contains(&word) {
            english += 1;
        }
    }
    match spanish.cmp(&english) {
        std::cmp::Ordering::Greater => Some(Lang::Es),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}

/// The language to reply in: the lead's when the business speaks it, else the business's default.
pub fn reply_language(lead_text: &str, business_languages: &[String]) -> Lang {
    let supported: Vec<Lang> = business_languages
        .iter()
        .filter_map(|c| Lang::from_code(c))
        .collect();
    let default = supported.first().copied().unwrap_or(Lang::En);
    match detect(lead_text) {
        Some(lang) if supported.contains(&lang) => lang,
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_spanish_and_english() {
        assert_eq!(detect("Hola, ¿cuánto cuesta un corte?"), Some(Lang::Es));
        assert_eq!(detect("Hi, how much is a haircut?"), Some(Lang::En));
        assert_eq!(detect("👍"), None);
    }

    #[test]
    fn replies_in_a_language_the_business_speaks() {
        let both = vec!["es".to_owned(), "en".to_owned()];
        assert_eq!(reply_language("Hi, how much?", &both), Lang::En);
        assert_eq!(reply_language("👍", &both), Lang::Es);
        assert_eq!(
            reply_language("Hola, ¿precio?", &["en".to_owned()]),
            Lang::En
        );
    }
}

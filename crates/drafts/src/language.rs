//! The language of a lead's message, and the one to reply in.
//!
//! `whatlang` reads longer messages reliably; leads often write three words
//! ("hey", "ok thanks!", an emoji), so a short message is read with a small
//! word list, then with the conversation's earlier messages, and the
//! profile's first language decides what is left.

use serde::{Deserialize, Serialize};

/// The languages Leadbox speaks: the drafter writes replies in them, and the
/// window, tray and notifications show in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Es,
    Pt,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Es, Lang::Pt];

    /// The ISO 639-1 code, as the profile writes it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Pt => "pt",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            "pt" => Some(Lang::Pt),
            _ => None,
        }
    }

    /// Its name in English, for a language model's instructions.
    pub fn english_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Spanish",
            Lang::Pt => "Portuguese",
        }
    }

    fn whatlang(self) -> whatlang::Lang {
        match self {
            Lang::En => whatlang::Lang::Eng,
            Lang::Es => whatlang::Lang::Spa,
            Lang::Pt => whatlang::Lang::Por,
        }
    }
}

/// Words that are common in one of the three languages and rare in the
/// others: what a three-word message is read by.
#[rustfmt::skip]
const MARKERS: &[(Lang, &[&str])] = &[
    (Lang::En, &[
        "hi", "hey", "hello", "thanks", "thank", "you", "your", "the", "ok", "okay", "great", "how",
        "much", "what", "when", "where", "do", "does", "is", "are", "can", "could", "please",
        "cheers", "awesome", "amazing", "love", "nice", "cool", "perfect", "bye", "morning",
        "evening", "yes", "yeah", "sure", "i", "i'm", "my", "we", "our", "would", "want", "need",
        "price", "book", "cost", "have", "any", "it", "this", "that", "and", "wow", "beautiful",
        "lovely", "sounds", "good", "see", "got", "will", "if", "for", "me", "works", "at",
        "welcome", "happy", "help", "there", "problem", "here", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "next", "week", "guys", "best", "ever", "so", "takes", "about",
    ]),
    (Lang::Es, &[
        "hola", "gracias", "vale", "buenas", "buenos", "días", "tardes", "noches", "qué", "cuánto",
        "cuanto", "cuesta", "precio", "quiero", "quería", "queria", "para", "tienen", "tenéis",
        "teneis", "cita", "por", "favor", "el", "los", "las", "es", "una", "mañana", "hoy", "dónde",
        "donde", "horario", "cuándo", "cuando", "me", "llamo", "soy", "sí", "con", "del", "hay",
        "genial", "perfecto", "muchas", "fotos", "precioso", "preciosas", "increíble", "increíbles",
        "encanta", "vuestro", "vuestras", "vuestros", "pero", "y", "estoy", "puedo", "hacéis",
        "haceis", "necesito", "sería", "vale", "también", "muy", "bueno", "buena", "ya", "ahora",
        "después", "semana", "sábado", "domingo", "sin", "problema", "puedes", "puede", "otra",
        "otro", "fecha", "aquí", "elegir", "ti", "usted", "cualquier", "cosa", "lunes", "martes",
        "miércoles", "jueves", "viernes", "tenemos", "podemos", "mi", "mis", "tu", "cómo", "nos",
        "os", "lo", "le", "anotado", "reviso",
    ]),
    (Lang::Pt, &[
        "olá", "ola", "obrigado", "obrigada", "bom", "boa", "dia", "tarde", "noite", "quanto",
        "custa", "preço", "preco", "quero", "queria", "vocês", "voces", "você", "voce", "têm",
        "tem", "marcar", "marcação", "marcacao", "aula", "aulas", "não", "nao", "sim", "com", "uma",
        "um", "para", "amanhã", "amanha", "hoje", "onde", "horário", "horario", "quando", "meu",
        "minha", "sou", "fotos", "lindo", "linda", "lindas", "adoro", "adorei", "muito", "muita",
        "também", "tambem", "está", "estão", "fica", "ficam", "vou", "pode", "posso", "gostaria",
        "seria", "tudo", "então", "entao", "semana", "sábado", "domingo", "é", "e", "os", "as",
        "do", "da", "dos", "das", "no", "na", "pelo", "pela", "isso", "qualquer", "coisa", "aqui",
        "nada", "sem", "problema", "outra", "outro", "data", "segunda", "terça", "quarta", "quinta",
        "sexta", "feira", "nós", "lhe", "consigo", "ajudar", "ajudam", "combinado", "perfeito",
        "número", "obrigadão", "anotado",
    ]),
];

/// Letters that only one of the three languages uses.
fn letter_votes(text: &str) -> [usize; 3] {
    let mut votes = [0; 3];
    for c in text.chars() {
        match c {
            'ñ' | '¿' | '¡' => votes[1] += 2,
            'ã' | 'õ' | 'ç' | 'â' | 'ê' | 'ô' | 'à' => votes[2] += 2,
            _ => {}
        }
    }
    votes
}

fn word_votes(text: &str) -> [usize; 3] {
    let mut votes = letter_votes(text);
    for word in text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
    {
        for (index, (_, words)) in MARKERS.iter().enumerate() {
            if words.contains(&word) {
                votes[index] += 1;
            }
        }
    }
    votes
}

/// The language of `text` by `whatlang`, when it is sure; by the word list
/// when one language clearly leads; `None` when the text gives no sign.
pub fn detect(text: &str) -> Option<Lang> {
    let lower = text.to_lowercase();
    static DETECTOR: std::sync::LazyLock<whatlang::Detector> = std::sync::LazyLock::new(|| {
        whatlang::Detector::with_allowlist(Lang::ALL.map(Lang::whatlang).to_vec())
    });
    let detector = &*DETECTOR;
    if let Some(info) = detector.detect(&lower)
        && info.is_reliable()
        && lower.split_whitespace().count() >= 4
    {
        return Lang::ALL.into_iter().find(|l| l.whatlang() == info.lang());
    }
    let votes = word_votes(&lower);
    let best = (0..3).max_by_key(|i| votes[*i])?;
    let runner_up = (0..3)
        .filter(|i| *i != best)
        .map(|i| votes[i])
        .max()
        .unwrap_or(0);
    if votes[best] > runner_up {
        return Some(Lang::ALL[best]);
    }
    // An even vote between words: whatlang's guess, sure or not, settles it.
    let guess = detector.detect(&lower)?;
    let guessed = Lang::ALL
        .into_iter()
        .find(|l| l.whatlang() == guess.lang())?;
    (votes[best] > 0 && votes[guessed as usize] == votes[best]).then_some(guessed)
}

/// The language to reply in: the lead's when the business speaks it, else
/// the business's first language. A message too short to tell is read with
/// the lead's earlier messages (newest first).
pub fn reply_language<'a>(
    new_message: &str,
    earlier_lead_messages: impl DoubleEndedIterator<Item = &'a str>,
    business_languages: &[String],
) -> Lang {
    let supported: Vec<Lang> = business_languages
        .iter()
        .filter_map(|c| Lang::from_code(c))
        .collect();
    let default = supported.first().copied().unwrap_or(Lang::En);
    let lead = detect(new_message).or_else(|| earlier_lead_messages.rev().find_map(detect));
    match lead {
        Some(lang) if supported.contains(&lang) => lang,
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_three_languages_long_and_short() {
        let cases = [
            ("Hola, ¿cuánto cuesta un corte?", Lang::Es),
            ("Hi, how much is a haircut?", Lang::En),
            ("Olá, quanto custa uma aula de surf?", Lang::Pt),
            ("hey", Lang::En),
            ("ok thanks!", Lang::En),
            ("Your photos are amazing 😍😍", Lang::En),
            ("muchas gracias!", Lang::Es),
            ("obrigada!", Lang::Pt),
            (
                "Boa tarde, gostaria de saber se vocês têm aulas para crianças",
                Lang::Pt,
            ),
            (
                "Buenas tardes, quería saber si tenéis clases para niños",
                Lang::Es,
            ),
        ];
        for (text, lang) in cases {
            assert_eq!(detect(text), Some(lang), "{text}");
        }
        assert_eq!(detect("👍"), None);
        assert_eq!(detect("12:30"), None);
    }

    #[test]
    fn replies_in_a_language_the_business_speaks() {
        let both = vec!["es".to_owned(), "en".to_owned()];
        let none = std::iter::empty::<&str>;
        assert_eq!(reply_language("Hi, how much?", none(), &both), Lang::En);
        assert_eq!(reply_language("👍", none(), &both), Lang::Es);
        assert_eq!(
            reply_language("Hola, ¿precio?", none(), &["en".to_owned()]),
            Lang::En
        );
        assert_eq!(
            reply_language("Olá, quanto custa?", none(), &both),
            Lang::Es,
            "Portuguese falls back to the business's first language"
        );
    }

    #[test]
    fn a_short_message_is_read_with_the_conversation() {
        let both = vec!["es".to_owned(), "en".to_owned()];
        let earlier = ["Hi, do you do wedding photography in June?"];
        assert_eq!(
            reply_language("👍👍", earlier.iter().copied(), &both),
            Lang::En
        );
    }
}

//! Recognizing "stop messaging me" (and "start again") in a lead's message.
//! Only a message that is nothing but such a request counts, so "don't stop
//! sending me offers" or "stop by tomorrow?" never opt anyone out.

const STOP: &[&str] = &[
    "stop",
    "stop all",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "opt out",
    "optout",
    "remove me",
    "no more messages",
    "baja",
    "dar de baja",
    "darme de baja",
    "parar",
    "para",
    "detener",
    "cancelar",
    "no más mensajes",
    "no mas mensajes",
    "no me escribas más",
    "no me escribas mas",
    "desuscribir",
    "arrêt",
    "arret",
    "désabonner",
    "desabonner",
    "stopp",
    "abmelden",
    "sair",
    "parar mensagens",
    "basta",
];
const START: &[&str] = &[
    "start",
    "unstop",
    "resume",
    "subscribe",
    "alta",
    "volver a suscribir",
    "reanudar",
];

fn normalized(text: &str) -> String {
    text.trim()
        .trim_matches(|c: char| {
            c.is_ascii_punctuation() || "¡¿!?.".contains(c) || c.is_whitespace()
        })
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The whole message asks to stop receiving messages.
pub fn is_stop_request(text: &str) -> bool {
    let text = normalized(text);
    STOP.contains(&text.as_str())
}

/// The whole message asks to receive messages again.
pub fn is_start_request(text: &str) -> bool {
    let text = normalized(text);
    START.contains(&text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stop_requests_in_several_languages() {
        for text in [
            "STOP",
            " stop. ",
            "Unsubscribe",
            "BAJA",
            "¡Darme de baja!",
            "No más mensajes",
            "Arrêt",
            "Stopp",
            "sair",
        ] {
            assert!(is_stop_request(text), "{text}");
        }
        assert!(is_start_request("START") && is_start_request("unstop!"));
    }

    #[test]
    fn ordinary_sentences_with_those_words_do_not_count() {
        for text in [
            "don't stop sending me offers",
            "Can I stop by tomorrow?",
            "I want to cancel my appointment on Friday",
            "para mañana?",
        ] {
            assert!(!is_stop_request(text), "{text}");
        }
    }

    proptest! {
        #[test]
        fn a_stop_word_inside_a_longer_sentence_never_counts(prefix in "[a-z]{3,10}( [a-z]{2,8}){1,4}", word in proptest::sample::select(STOP.to_vec())) {
            let sentence = format!("{prefix} {word}");
            prop_assume!(!STOP.contains(&sentence.as_str()));
            prop_assert!(!is_stop_request(&sentence));
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,200}") {
            let _ = is_stop_request(&text);
            let _ = is_start_request(&text);
        }
    }
}

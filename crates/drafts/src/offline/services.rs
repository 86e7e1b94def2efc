//! Which of the profile's services a lead's message names: by its name or
//! an alias in any language, or by a word that only that service has
//! ("wedding" for "Wedding photography" when "photography" is in several).

use crate::profile::{BusinessProfile, Localized, Service};

/// Words that say nothing about which service is meant.
const VAGUE: &[&str] = &[
    "session", "sesión", "sessão", "sessions", "service", "servicio", "serviço", "class",
    "classes", "clase", "clases", "aula", "aulas", "lesson", "lessons", "piso", "flat", "house",
    "casa", "pelo", "hair", "cabelo", "package", "pack", "with", "para", "com", "con", "the",
    "and", "for", "from",
];

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_owned)
        .collect()
}

/// Two words are the same when one is the other with a plural ending.
fn same_word(a: &str, b: &str) -> bool {
    let stem = |w: &str| -> String {
        let w = w
            .strip_suffix("es")
            .filter(|s| s.chars().count() >= 4)
            .unwrap_or(w);
        w.strip_suffix('s').unwrap_or(w).to_owned()
    };
    a == b || stem(a) == stem(b)
}

fn contains_phrase(text: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty()
        && text
            .windows(phrase.len())
            .any(|window| window.iter().zip(phrase).all(|(a, b)| same_word(a, b)))
}

/// The services the message names, in the profile's order.
pub(super) fn mentioned<'a>(text: &str, profile: &'a BusinessProfile) -> Vec<&'a Service> {
    let message = words(text);
    // A name made only of vague words ("5 aulas") names no service.
    let names = |service: &'a Service| -> Vec<Vec<String>> {
        Localized::service_words_all(service)
            .map(words)
            .filter(|name| name.iter().any(|w| !VAGUE.contains(&w.as_str())))
            .collect()
    };
    let by_name: Vec<&Service> = profile
        .services
        .iter()
        .filter(|service| names(service).iter().any(|n| contains_phrase(&message, n)))
        .collect();
    if !by_name.is_empty() {
        return by_name;
    }
    // A word of one service's names that no other service shares.
    profile
        .services
        .iter()
        .filter(|service| {
            let own: Vec<String> = names(service).into_iter().flatten().collect();
            own.iter().any(|word| {
                !VAGUE.contains(&word.as_str())
                    && word.chars().count() >= 4
                    && message.iter().any(|m| same_word(m, word))
                    && profile
                        .services
                        .iter()
                        .filter(|other| !std::ptr::eq(*other, *service))
                        .all(|other| {
                            !names(other)
                                .into_iter()
                                .flatten()
                                .any(|w| same_word(&w, word))
                        })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn studio() -> BusinessProfile {
        BusinessProfile::from_toml(
            r#"
name = "Luz Studio"
[[services]]
name = "Wedding photography"
[services.translations.es]
name = "Fotografía de boda"
[[services]]
name = "Family photography"
[[services]]
name = "Corporate headshots"
aliases = ["headshot", "team photos"]
"#,
        )
        .unwrap()
    }

    fn names(text: &str) -> Vec<String> {
        mentioned(text, &studio())
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    #[test]
    fn a_service_is_found_by_its_names_in_any_language_and_plural() {
        assert_eq!(
            names("Do you do corporate headshots? 12 people"),
            ["Corporate headshots"]
        );
        assert_eq!(
            names("Is 800 euros ok for the wedding?"),
            ["Wedding photography"]
        );
        assert_eq!(
            names("¿Precio de la fotografía de boda?"),
            ["Wedding photography"]
        );
        assert_eq!(names("¿Hacéis bodas?"), ["Wedding photography"]);
        assert!(names("Do you do photography?").is_empty(), "shared word");
    }
}

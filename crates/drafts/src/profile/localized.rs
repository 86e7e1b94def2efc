//! The profile as a reply in one language sees it: each value in that
//! language when the owner wrote it so, and otherwise in the profile's own
//! language, marked, so that the sentence around it can still read right.

use super::{BusinessProfile, FaqEntry, Service};
use crate::language::{Lang, detect};

/// A value of the profile and whether it is in the reply's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    pub value: &'a str,
    pub in_reply_language: bool,
}

/// The profile seen from a reply in `lang`.
#[derive(Debug, Clone, Copy)]
pub struct Localized<'a> {
    pub profile: &'a BusinessProfile,
    pub lang: Lang,
    written_in: Lang,
}

impl BusinessProfile {
    /// The language the profile's values are written in: as the owner says,
    /// or as its services, FAQ and description read.
    pub fn written_in(&self) -> Lang {
        if let Some(lang) = self.written_in.as_deref().and_then(Lang::from_code) {
            return lang;
        }
        let mut words: Vec<&str> = vec![self.description.as_str()];
        words.extend(
            self.faq
                .iter()
                .flat_map(|f| [f.question.as_str(), f.answer.as_str()]),
        );
        words.extend(self.services.iter().map(|s| s.name.as_str()));
        detect(&words.join(". "))
            .or_else(|| self.languages.first().and_then(|c| Lang::from_code(c)))
            .unwrap_or(Lang::En)
    }

    pub fn localized(&self, lang: Lang) -> Localized<'_> {
        Localized {
            profile: self,
            lang,
            written_in: self.written_in(),
        }
    }
}

/// Whether a value reads the same in every language: "€25", "45 min", "2 h".
fn is_neutral(value: &str) -> bool {
    value
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .all(|w| matches!(w.to_lowercase().as_str(), "min" | "h" | "hr" | "hrs" | "x"))
}

impl<'a> Localized<'a> {
    fn own(&self, value: &'a str) -> Text<'a> {
        Text {
            value,
            in_reply_language: self.lang == self.written_in || is_neutral(value),
        }
    }

    fn translated(value: &'a str) -> Text<'a> {
        Text {
            value,
            in_reply_language: true,
        }
    }

    fn pick(&self, translation: Option<&'a String>, own: &'a str) -> Text<'a> {
        match translation {
            Some(value) if self.lang != self.written_in => Self::translated(value),
            _ => self.own(own),
        }
    }

    fn service_words(&self, service: &'a Service) -> Option<&'a super::ServiceWords> {
        service.translations.get(self.lang.code())
    }

    fn profile_words(&self) -> Option<&'a super::ProfileWords> {
        self.profile.translations.get(self.lang.code())
    }

    pub fn service_name(&self, service: &'a Service) -> Text<'a> {
        self.pick(
            self.service_words(service).and_then(|w| w.name.as_ref()),
            &service.name,
        )
    }

    pub fn price(&self, service: &'a Service) -> Option<Text<'a>> {
        let own = service.price.as_deref()?;
        Some(self.pick(
            self.service_words(service).and_then(|w| w.price.as_ref()),
            own,
        ))
    }

    pub fn duration(&self, service: &'a Service) -> Option<Text<'a>> {
        let own = service.duration.as_deref()?;
        Some(
            self.pick(
                self.service_words(service)
                    .and_then(|w| w.duration.as_ref()),
                own,
            ),
        )
    }

    /// Every name a lead may use for a service, in any language.
    pub fn service_words_all(service: &'a Service) -> impl Iterator<Item = &'a str> {
        std::iter::once(service.name.as_str())
            .chain(service.aliases.iter().map(String::as_str))
            .chain(
                service
                    .translations
                    .values()
                    .filter_map(|w| w.name.as_deref()),
            )
    }

    pub fn hours(&self) -> Vec<Text<'a>> {
        match self.profile_words() {
            Some(words) if !words.hours.is_empty() && self.lang != self.written_in => {
                words.hours.iter().map(|h| Self::translated(h)).collect()
            }
            _ => self.profile.hours.iter().map(|h| self.own(h)).collect(),
        }
    }

    pub fn location(&self) -> Option<Text<'a>> {
        let own = self.profile.location.as_deref()?;
        // An address is a name: it reads in any language.
        Some(
            self.profile_words()
                .and_then(|w| w.location.as_ref())
                .filter(|_| self.lang != self.written_in)
                .map_or(Self::translated(own), |v| Self::translated(v)),
        )
    }

    pub fn sign_off(&self) -> &'a str {
        self.profile_words()
            .and_then(|w| w.sign_off.as_deref())
            .filter(|_| self.lang != self.written_in)
            .or(self.profile.sign_off.as_deref())
            .unwrap_or(&self.profile.name)
    }

    /// An FAQ entry's question and answer in the reply's language, when the
    /// owner wrote them in it.
    pub fn faq(&self, entry: &'a FaqEntry) -> Option<(&'a str, &'a str)> {
        if self.lang == self.written_in {
            return Some((&entry.question, &entry.answer));
        }
        entry
            .translations
            .get(self.lang.code())
            .map(|w| (w.question.as_str(), w.answer.as_str()))
    }

    /// Every FAQ entry in every language it was written in: what a lead's
    /// question is matched against, whatever language it is in.
    pub fn faq_texts(entry: &'a FaqEntry) -> impl Iterator<Item = String> + 'a {
        std::iter::once(format!("{} {}", entry.question, entry.answer)).chain(
            entry
                .translations
                .values()
                .map(|w| format!("{} {}", w.question, w.answer)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn studio() -> BusinessProfile {
        BusinessProfile::from_toml(
            r#"
name = "Luz Studio"
languages = ["es", "en"]
hours = ["Mon-Fri 10:00-19:00"]
[[services]]
name = "Wedding photography"
price = "from €1,200"
duration = "full day"
[services.translations.es]
name = "Fotografía de boda"
price = "desde 1.200 €"
[[services]]
name = "Portrait session"
price = "€150"
duration = "1 h"
[[faq]]
question = "When do we get the photos?"
answer = "Within three weeks, in an online gallery."
[faq.translations.es]
question = "¿Cuándo recibimos las fotos?"
answer = "En tres semanas, en una galería online."
[translations.es]
hours = ["Lun-Vie 10:00-19:00"]
"#,
        )
        .unwrap()
    }

    #[test]
    fn values_come_in_the_reply_language_where_the_owner_wrote_them() {
        let profile = studio();
        assert_eq!(profile.written_in(), Lang::En);
        let es = profile.localized(Lang::Es);
        let wedding = &profile.services[0];
        assert_eq!(es.service_name(wedding).value, "Fotografía de boda");
        assert_eq!(es.price(wedding).unwrap().value, "desde 1.200 €");
        let duration = es.duration(wedding).unwrap();
        assert_eq!(
            (duration.value, duration.in_reply_language),
            ("full day", false)
        );
        let portrait = &profile.services[1];
        assert!(es.price(portrait).unwrap().in_reply_language, "€150");
        assert!(es.duration(portrait).unwrap().in_reply_language, "1 h");
        assert_eq!(es.hours()[0].value, "Lun-Vie 10:00-19:00");
        assert_eq!(
            es.faq(&profile.faq[0]).unwrap().1,
            "En tres semanas, en una galería online."
        );
        assert!(profile.localized(Lang::Pt).faq(&profile.faq[0]).is_none());
        let en = profile.localized(Lang::En);
        assert_eq!(en.service_name(wedding).value, "Wedding photography");
    }

    #[test]
    fn an_unknown_language_code_is_a_clear_error() {
        let error = BusinessProfile::from_toml(
            "name = \"x\"\n[[services]]\nname = \"a\"\n[services.translations.xx]\nname = \"b\"",
        )
        .unwrap_err();
        assert!(error.to_string().contains("`xx`"), "{error}");
    }
}

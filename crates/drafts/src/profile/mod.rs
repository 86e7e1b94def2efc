//! The business profile: the only source of facts a draft may state, in
//! the language the owner wrote it and in any translations they added.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod localized;

pub use localized::Localized;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct BusinessProfile {
    pub name: String,
    /// One or two sentences: what the business does.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub services: Vec<Service>,
    /// Opening hours, one line per day or range, e.g. "Mon-Fri 9:00-19:00".
    #[serde(default)]
    pub hours: Vec<String>,
    /// IANA time zone of the hours, e.g. "Europe/Madrid".
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub booking_link: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub tone: Tone,
    /// Languages the business answers in, as ISO 639-1 codes; the first is the default.
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    /// Region for reading phone numbers written without a country code, e.g. "ES".
    #[serde(default)]
    pub phone_region: Option<String>,
    #[serde(default)]
    pub faq: Vec<FaqEntry>,
    /// Closing line, e.g. "Ana, Ana's Salon".
    #[serde(default)]
    pub sign_off: Option<String>,
    /// The language the values above are written in (ISO 639-1); when
    /// empty, it is read from the values themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_in: Option<String>,
    /// The profile's words in other languages, by ISO 639-1 code: what a
    /// reply in that language says instead.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, ProfileWords>,
}

/// A profile's own words in another language; what is left out is said in
/// the language the profile is written in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ProfileWords {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_off: Option<String>,
}

fn default_languages() -> Vec<String> {
    vec!["en".into()]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Service {
    pub name: String,
    /// As the owner writes it, e.g. "€25" or "from $120".
    #[serde(default)]
    pub price: Option<String>,
    #[serde(default)]
    pub duration: Option<String>,
    /// Other words leads use for it ("trim", "corte").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Its name, price and duration in other languages, by ISO 639-1 code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, ServiceWords>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ServiceWords {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct FaqEntry {
    pub question: String,
    pub answer: String,
    /// The question and answer in other languages, by ISO 639-1 code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, FaqWords>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct FaqWords {
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Tone {
    #[default]
    Friendly,
    Formal,
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("the profile file is not valid TOML: {0}")]
    Syntax(String),
    #[error("the profile needs a business name")]
    MissingName,
    #[error("the booking link must start with https:// or http://")]
    BadBookingLink,
    #[error("`{0}` is not a language code Leadbox knows; use en, es or pt")]
    UnknownLanguage(String),
}

impl BusinessProfile {
    pub fn from_toml(text: &str) -> Result<Self, ProfileError> {
        let profile: BusinessProfile =
            toml::from_str(text).map_err(|e| ProfileError::Syntax(e.message().to_owned()))?;
        profile.validate()?;
        Ok(profile)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    pub fn validate(&self) -> Result<(), ProfileError> {
        if self.name.trim().is_empty() {
            return Err(ProfileError::MissingName);
        }
        if let Some(link) = &self.booking_link
            && !(link.starts_with("https://") || link.starts_with("http://"))
        {
            return Err(ProfileError::BadBookingLink);
        }
        // `languages` may hold codes the drafter does not write in ("fr"):
        // they are skipped, as they always were, so a stored profile still
        // opens. The newer fields name only languages it writes in.
        let codes = self
            .written_in
            .iter()
            .chain(self.translations.keys())
            .chain(self.services.iter().flat_map(|s| s.translations.keys()))
            .chain(self.faq.iter().flat_map(|f| f.translations.keys()));
        for code in codes {
            if crate::language::Lang::from_code(code).is_none() {
                return Err(ProfileError::UnknownLanguage(code.clone()));
            }
        }
        Ok(())
    }

    pub fn default_language(&self) -> &str {
        self.languages.first().map_or("en", String::as_str)
    }

    /// Every fact of the profile as plain text: what output checks compare a draft against.
    pub fn fact_text(&self) -> String {
        let mut text = vec![self.name.clone(), self.description.clone()];
        for service in &self.services {
            text.push(format!(
                "{} {} {} {}",
                service.name,
                service.price.as_deref().unwrap_or_default(),
                service.duration.as_deref().unwrap_or_default(),
                service.aliases.join(" ")
            ));
        }
        text.extend(self.hours.iter().cloned());
        text.extend(
            [
                &self.location,
                &self.booking_link,
                &self.phone,
                &self.email,
                &self.sign_off,
                &self.time_zone,
            ]
            .into_iter()
            .flatten()
            .cloned(),
        );
        for entry in &self.faq {
            text.push(format!("{} {}", entry.question, entry.answer));
            for words in entry.translations.values() {
                text.push(format!("{} {}", words.question, words.answer));
            }
        }
        for words in self.services.iter().flat_map(|s| s.translations.values()) {
            text.extend(
                [&words.name, &words.price, &words.duration]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        for words in self.translations.values() {
            text.extend(words.hours.iter().cloned());
            text.extend(
                [&words.description, &words.location, &words.sign_off]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        text.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_profile_parses() {
        let text = include_str!("../../../../docs/profile.example.toml");
        let profile = BusinessProfile::from_toml(text).unwrap();
        assert_eq!(profile.name, "Ana's Salon");
        assert!(profile.services.iter().any(|s| s.price.is_some()));
        assert_eq!(
            BusinessProfile::from_toml(&profile.to_toml()).unwrap(),
            profile
        );
    }

    #[test]
    fn a_stored_profile_with_a_language_leadbox_does_not_write_still_opens() {
        let profile =
            BusinessProfile::from_toml("name = \"x\"\nlanguages = [\"fr\", \"es\"]").unwrap();
        assert_eq!(profile.languages, ["fr", "es"]);
        assert!(matches!(
            BusinessProfile::from_toml("name = \"x\"\nwritten_in = \"fr\""),
            Err(ProfileError::UnknownLanguage(code)) if code == "fr"
        ));
    }

    #[test]
    fn bad_profiles_get_clear_errors() {
        assert!(matches!(
            BusinessProfile::from_toml("name = \"\""),
            Err(ProfileError::MissingName)
        ));
        assert!(matches!(
            BusinessProfile::from_toml("name = \"x\"\nbooking_link = \"javascript:alert(1)\""),
            Err(ProfileError::BadBookingLink)
        ));
        assert!(matches!(
            BusinessProfile::from_toml("name = \"x\"\nprices = 3"),
            Err(ProfileError::Syntax(_))
        ));
    }
}

//! Placeholders in saved replies: `{first_name}`, `{booking_link}`, … are
//! filled from the conversation and the business profile when a saved reply
//! is inserted. One whose value is not known (a lead without a name, a
//! profile without a booking link) stays as written, so the owner sees it
//! before sending; text in braces that is no placeholder is left alone.

use serde::Serialize;

use crate::BusinessProfile;

/// Every placeholder, with what it is filled with (for the window's help).
pub const PLACEHOLDERS: [(&str, &str); 9] = [
    ("first_name", "the person's first name"),
    ("name", "the person's full name"),
    ("business_name", "your business's name"),
    ("booking_link", "your booking link"),
    ("phone", "your phone number"),
    ("email", "your email address"),
    ("location", "your address"),
    ("hours", "your opening hours"),
    ("sign_off", "your sign-off"),
];

/// A saved reply with its placeholders filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Filled {
    pub text: String,
    /// Placeholders left in the text because their value is not known.
    pub unfilled: Vec<String>,
}

/// What the placeholders of one conversation are filled with.
#[derive(Debug, Clone, Default)]
pub struct PlaceholderValues {
    values: Vec<(&'static str, String)>,
}

impl PlaceholderValues {
    /// The values for a conversation with `contact_name` (as the person is
    /// named, if at all), from `profile`.
    pub fn new(contact_name: Option<&str>, profile: Option<&BusinessProfile>) -> PlaceholderValues {
        let mut values = Vec::new();
        let mut add = |name: &'static str, value: Option<&str>| {
            if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
                values.push((name, value.to_owned()));
            }
        };
        add("name", contact_name);
        add(
            "first_name",
            contact_name.and_then(|name| name.split_whitespace().next()),
        );
        if let Some(profile) = profile {
            add("business_name", Some(&profile.name));
            add("booking_link", profile.booking_link.as_deref());
            add("phone", profile.phone.as_deref());
            add("email", profile.email.as_deref());
            add("location", profile.location.as_deref());
            add("hours", Some(&profile.hours.join("; ")));
            add("sign_off", profile.sign_off.as_deref());
        }
        PlaceholderValues { values }
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, value)| value.as_str())
    }

    /// `text` with every placeholder whose value is known filled in.
    /// Filling is one pass: a value that itself looks like a placeholder
    /// (a lead named "{phone}") is inserted as written, never filled again.
    pub fn fill(&self, text: &str) -> Filled {
        let mut out = String::with_capacity(text.len());
        let mut unfilled = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let name = after
                .find('}')
                .map(|close| &after[..close])
                .filter(|name| PLACEHOLDERS.iter().any(|(known, _)| known == name));
            match name {
                Some(name) => {
                    match self.value(name) {
                        Some(value) => out.push_str(value),
                        None => {
                            out.push_str(&rest[open..open + name.len() + 2]);
                            if !unfilled.iter().any(|n| n == name) {
                                unfilled.push(name.to_owned());
                            }
                        }
                    }
                    rest = &after[name.len() + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Filled {
            text: out,
            unfilled,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn salon() -> BusinessProfile {
        BusinessProfile {
            name: "Ana's Salon".into(),
            booking_link: Some("https://book.example/ana".into()),
            hours: vec!["Tue-Sat 9:00-19:00".into(), "Sun 10:00-14:00".into()],
            ..BusinessProfile::default()
        }
    }

    #[test]
    fn known_values_are_filled_and_unknown_ones_stay_visible() {
        let values = PlaceholderValues::new(Some("María José Lima"), Some(&salon()));
        let filled = values.fill(
            "Hi {first_name}! Book at {booking_link} ({hours}). Call {phone}, {phone}. {name}",
        );
        assert_eq!(
            filled.text,
            "Hi María! Book at https://book.example/ana (Tue-Sat 9:00-19:00; Sun 10:00-14:00). Call {phone}, {phone}. María José Lima"
        );
        assert_eq!(filled.unfilled, ["phone"]);

        let nameless = PlaceholderValues::new(None, None).fill("Hi {first_name}, {business_name}");
        assert_eq!(nameless.text, "Hi {first_name}, {business_name}");
        assert_eq!(nameless.unfilled, ["first_name", "business_name"]);
    }

    #[test]
    fn braces_that_are_no_placeholder_are_left_alone() {
        let values = PlaceholderValues::new(Some("Bo"), Some(&salon()));
        for text in [
            "{",
            "}",
            "{}",
            "{{first_name}}",
            "{unknown} {first_name",
            "😀{name}😀",
        ] {
            let filled = values.fill(text);
            assert!(filled.unfilled.is_empty(), "{text}");
            assert_eq!(
                filled.text,
                text.replace("{first_name}", "Bo").replace("{name}", "Bo"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_value_that_looks_like_a_placeholder_is_not_filled_again() {
        let values = PlaceholderValues::new(Some("{phone}"), Some(&salon()));
        assert_eq!(values.fill("{name}").text, "{phone}");
    }

    proptest! {
        /// Text without a placeholder comes back unchanged, and filling
        /// never loses the text around the placeholders.
        #[test]
        fn text_around_placeholders_is_kept(
            before in "[^{}]{0,40}",
            middle in "\\PC{0,40}",
            after in "[^{}]{0,40}",
        ) {
            let values = PlaceholderValues::new(Some("Ana Lima"), Some(&salon()));
            let plain = format!("{before}{middle}{after}").replace('{', "(");
            prop_assert_eq!(values.fill(&plain).text, plain.clone());
            let filled = values.fill(&format!("{before}{{first_name}}{after}"));
            prop_assert_eq!(filled.text, format!("{before}Ana{after}"));
            let none = PlaceholderValues::new(None, None);
            let text = format!("{before}{middle}{after}");
            let kept = none.fill(&text);
            prop_assert_eq!(kept.text, text);
        }
    }
}

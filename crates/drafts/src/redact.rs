//! Emails and phone numbers become placeholders before text goes to a cloud
//! provider, and come back in the draft afterwards.

use std::sync::LazyLock;

use regex::Regex;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+?\(?\d[\d\s().-]{5,18}\d").unwrap_or_else(|e| unreachable!("{e}"))
});

/// Keeps the placeholder ↔ value map of one draft request.
#[derive(Debug, Default)]
pub struct Redactor {
    values: Vec<(String, String)>,
}

impl Redactor {
    fn placeholder(&mut self, kind: &str, value: &str) -> String {
        if let Some((placeholder, _)) = self.values.iter().find(|(_, v)| v == value) {
            return placeholder.clone();
        }
        let count = self
            .values
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("[{kind}_")))
            .count()
            + 1;
        let placeholder = format!("[{kind}_{count}]");
        self.values.push((placeholder.clone(), value.to_owned()));
        placeholder
    }

    pub fn redact(&mut self, text: &str) -> String {
        let emails_done = EMAIL
            .replace_all(text, |c: &regex::Captures<'_>| {
                self.placeholder("EMAIL", &c[0])
            })
            .into_owned();
        PHONE
            .replace_all(&emails_done, |c: &regex::Captures<'_>| {
                let digits = c[0].chars().filter(char::is_ascii_digit).count();
                if (7..=15).contains(&digits) {
                    self.placeholder("PHONE", &c[0])
                } else {
                    c[0].to_owned()
                }
            })
            .into_owned()
    }

    pub fn restore(&self, text: &str) -> String {
        let mut restored = text.to_owned();
        for (placeholder, value) in &self.values {
            restored = restored.replace(placeholder, value);
        }
        restored
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_and_phones_are_replaced_and_restored() {
        let mut redactor = Redactor::default();
        let text = "I'm ana@example.com, call +34 600 111 222 or ana@example.com. Room 12.";
        let redacted = redactor.redact(text);
        assert_eq!(
            redacted,
            "I'm [EMAIL_1], call [PHONE_1] or [EMAIL_1]. Room 12."
        );
        assert_eq!(
            redactor.restore("We'll write to [EMAIL_1] and call [PHONE_1]."),
            "We'll write to ana@example.com and call +34 600 111 222."
        );
    }

    proptest! {
        #[test]
        fn restore_undoes_redact(local in "[a-z]{1,10}", digits in "[1-9][0-9]{8}", filler in "[a-zA-Z ,.!?]{0,40}") {
            let text = format!("{filler} {local}@example.org {filler} {digits} {filler}");
            let mut redactor = Redactor::default();
            let redacted = redactor.redact(&text);
            let local_email = format!("{local}@example.org");
            prop_assert!(!redacted.contains(&local_email));
            prop_assert!(!redacted.contains(&digits));
            prop_assert_eq!(redactor.restore(&redacted), text);
        }
    }
}

//! Fetching lead-ad answers with the page's token, retrying with backoff. The
//! lead is listed from the moment the webhook arrives, answers or not.

use leadbox_channels::Platform;
use leadbox_vault::LeadFormAnswers;
use serde_json::Value;

use crate::{Engine, InboxError};

/// After this many failed fetches a form is marked failed (its id stays listed).
const MAX_ATTEMPTS: i64 = 8;
const FIRST_RETRY_MS: i64 = 60_000;
const MAX_RETRY_MS: i64 = 6 * 3_600_000;

/// Reads the standard questions out of `field_data`; the rest stays in the raw answers.
pub fn read_answers(body: &Value) -> LeadFormAnswers {
    let fields: Vec<(String, String)> = body
        .get("field_data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|field| {
            let name = field.get("name")?.as_str()?.to_owned();
            let values: Vec<&str> = field
                .get("values")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            Some((name, values.join(", ")))
        })
        .collect();
    let get = |key: &str| {
        fields
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let name = get("full_name").or_else(|| {
        let parts: Vec<String> = [get("first_name"), get("last_name")]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    LeadFormAnswers {
        raw_json: serde_json::to_string(body.get("field_data").unwrap_or(&Value::Null))
            .unwrap_or_default(),
        name,
        email: get("email"),
        phone: get("phone_number").or_else(|| get("phone")),
    }
}

fn retry_delay(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    FIRST_RETRY_MS
        .saturating_mul(2_i64.saturating_pow(exponent))
        .min(MAX_RETRY_MS)
}

impl Engine {
    /// Fetches the answers of every lead form that is due. Returns how many were fetched.
    pub async fn fetch_lead_forms(&self) -> Result<usize, InboxError> {
        let now = self.now_ms();
        let due = self.vault().due_lead_forms(now)?;
        let mut fetched = 0;
        for form in due {
            let token = self
                .secrets()
                .get(&self.token_name(Platform::Messenger, &form.page_id))?;
            let outcome = match token {
                None => Err(format!(
                    "connect the page {} (leadbox-cli accounts add --platform messenger) so Leadbox can read lead forms",
                    form.page_id
                )),
                Some(token) => {
                    let token = String::from_utf8_lossy(&token).into_owned();
                    match self.graph().fetch_lead(&form.leadgen_id, &token).await {
                        Ok(body) => Ok(read_answers(&body)),
                        Err(error) => {
                            if error.needs_reconnect()
                                && let Some(account) = self
                                    .vault()
                                    .find_account(Platform::Messenger, &form.page_id)?
                            {
                                self.vault().mark_needs_reconnect(account.id)?;
                            }
                            Err(error.to_string())
                        }
                    }
                }
            };
            match outcome {
                Ok(answers) => {
                    self.vault().complete_lead_form(form.id, &answers)?;
                    fetched += 1;
                }
                Err(error) => {
                    let give_up = form.attempts + 1 >= MAX_ATTEMPTS;
                    tracing::warn!(
                        lead_form = form.id,
                        attempts = form.attempts + 1,
                        give_up,
                        "lead form fetch failed"
                    );
                    self.vault().retry_lead_form(
                        form.id,
                        &error,
                        now + retry_delay(form.attempts),
                        give_up,
                    )?;
                }
            }
        }
        Ok(fetched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn standard_questions_are_read_and_custom_ones_kept() {
        let body = json!({"id": "L1", "field_data": [
            {"name": "first_name", "values": ["Ana"]}, {"name": "last_name", "values": ["García"]},
            {"name": "email", "values": ["ana@example.com"]}, {"name": "phone_number", "values": ["+34600111222"]},
            {"name": "which_service?", "values": ["colour"]}
        ]});
        let answers = read_answers(&body);
        assert_eq!(answers.name.as_deref(), Some("Ana García"));
        assert_eq!(answers.email.as_deref(), Some("ana@example.com"));
        assert_eq!(answers.phone.as_deref(), Some("+34600111222"));
        assert!(answers.raw_json.contains("which_service?"));
        assert_eq!(read_answers(&json!({})).name, None);
    }

    #[test]
    fn retries_back_off_to_six_hours() {
        assert_eq!(retry_delay(0), 60_000);
        assert_eq!(retry_delay(3), 480_000);
        assert_eq!(retry_delay(30), MAX_RETRY_MS);
    }
}

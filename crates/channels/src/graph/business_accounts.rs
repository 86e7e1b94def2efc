//! A WhatsApp number's WhatsApp Business Account, asked of the Graph API with
//! the number's own token: its account-level webhooks (templates, quality,
//! restrictions) name the account, not the number.

use serde_json::Value;

use super::{GraphClient, SendError};

impl GraphClient {
    /// The WhatsApp Business Account that holds a phone number, found with
    /// the number's own token: `debug_token` names the accounts the token was
    /// granted (`granular_scopes[].target_ids` of the WhatsApp scopes), and
    /// each account's `phone_numbers` tells which one holds the number.
    /// `None` when none of them does.
    pub async fn whatsapp_business_account(
        &self,
        phone_number_id: &str,
        token: &str,
    ) -> Result<Option<String>, SendError> {
        let url = format!("{}/{}/debug_token", self.graph_url, self.version);
        let debug = self
            .call(self.http.get(url).query(&[("input_token", token)]), token)
            .await?;
        let mut candidates: Vec<String> = debug
            .pointer("/data/granular_scopes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|scope| {
                matches!(
                    scope.get("scope").and_then(Value::as_str),
                    Some("whatsapp_business_management" | "whatsapp_business_messaging")
                )
            })
            .flat_map(|scope| {
                scope
                    .get("target_ids")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect();
        candidates.sort();
        candidates.dedup();
        for account in candidates {
            let url = format!(
                "{}/{}/{account}/phone_numbers",
                self.graph_url, self.version
            );
            let numbers = self
                .call(self.http.get(url).query(&[("fields", "id")]), token)
                .await?;
            let holds = numbers
                .get("data")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|number| number.get("id").and_then(Value::as_str) == Some(phone_number_id));
            if holds {
                return Ok(Some(account));
            }
        }
        Ok(None)
    }
}

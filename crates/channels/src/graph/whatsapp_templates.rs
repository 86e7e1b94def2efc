//! A WhatsApp Business Account's message templates, listed with the
//! number's token, and a template sent to a person: the one kind of message
//! WhatsApp allows more than 24 hours after their last one.

use serde_json::{Value, json};

use super::{GraphClient, SendError};

/// At most this many pages of 100 are read: a business with more than 1,000
/// templates picks among the first thousand.
const MAX_PAGES: usize = 10;

/// One template as the Graph API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedTemplate {
    pub id: String,
    pub name: String,
    pub language: String,
    pub category: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, …
    pub status: String,
    pub components: Value,
}

fn listed(entry: &Value) -> Option<ListedTemplate> {
    let text = |field: &str| entry.get(field).and_then(Value::as_str).map(str::to_owned);
    Some(ListedTemplate {
        id: text("id")?,
        name: text("name")?,
        language: text("language")?,
        category: text("category").unwrap_or_default(),
        status: text("status").unwrap_or_default(),
        components: entry.get("components").cloned().unwrap_or(json!([])),
    })
}

/// A template to send: its name and language, and the `components` with the
/// owner's values (see `templates::TemplateShape::send_components`).
#[derive(Debug, Clone, Copy)]
pub struct TemplateSend<'a> {
    pub phone_number_id: &'a str,
    pub token: &'a str,
    /// The person: their phone number (wa_id) or business-scoped user id.
    pub to: &'a str,
    pub name: &'a str,
    pub language: &'a str,
    pub components: &'a Value,
}

impl GraphClient {
    /// Every template of a WhatsApp Business Account, page after page.
    pub async fn whatsapp_templates(
        &self,
        business_account_id: &str,
        token: &str,
    ) -> Result<Vec<ListedTemplate>, SendError> {
        let url = format!(
            "{}/{}/{business_account_id}/message_templates",
            self.graph_url, self.version
        );
        let mut templates = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![
                (
                    "fields",
                    "id,name,language,status,category,components".to_owned(),
                ),
                ("limit", "100".to_owned()),
            ];
            if let Some(cursor) = &after {
                query.push(("after", cursor.clone()));
            }
            let page = self.call(self.http.get(&url).query(&query), token).await?;
            templates.extend(
                page.get("data")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(listed),
            );
            // Meta gives `paging.next` only when another page follows.
            after = page
                .pointer("/paging/next")
                .and(page.pointer("/paging/cursors/after"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            if after.is_none() {
                break;
            }
        }
        Ok(templates)
    }

    /// Sends an approved template; returns the message's id (a wamid).
    pub async fn send_whatsapp_template(
        &self,
        send: &TemplateSend<'_>,
    ) -> Result<String, SendError> {
        let url = format!(
            "{}/{}/{}/messages",
            self.graph_url, self.version, send.phone_number_id
        );
        let body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": send.to,
            "type": "template",
            "template": {
                "name": send.name,
                "language": {"code": send.language},
                "components": send.components,
            },
        });
        let answer = self
            .call(self.http.post(url).json(&body), send.token)
            .await?;
        answer
            .pointer("/messages/0/id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| SendError::Other {
                code: 0,
                message: "Meta's answer had no message id".into(),
            })
    }
}

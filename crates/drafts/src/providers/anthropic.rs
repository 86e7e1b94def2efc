//! Anthropic's Messages API: `POST {base}/v1/messages`.

use serde::Deserialize;
use serde_json::json;

use super::{Completion, ProviderSettings, call, draft_with};
use crate::drafter::{Draft, DraftError, DraftRequest, Drafter};
use crate::prompt::Prompt;

const API_VERSION: &str = "2023-06-01";

#[derive(Debug, Clone)]
pub struct Anthropic {
    settings: ProviderSettings,
}

impl Anthropic {
    pub fn new(settings: ProviderSettings) -> Self {
        Anthropic { settings }
    }

    pub(crate) fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    pub(crate) async fn complete(&self, prompt: Prompt) -> Result<Completion, DraftError> {
        #[derive(Deserialize)]
        struct Response {
            content: Vec<Block>,
            stop_reason: Option<String>,
            usage: Option<Usage>,
        }
        #[derive(Deserialize)]
        struct Block {
            #[serde(rename = "type")]
            kind: String,
            text: Option<String>,
        }
        #[derive(Deserialize)]
        struct Usage {
            input_tokens: Option<u32>,
            output_tokens: Option<u32>,
        }

        let settings = &self.settings;
        let mut request = settings
            .client()?
            .post(format!("{}/v1/messages", settings.base_url))
            .header("anthropic-version", API_VERSION)
            .json(&json!({
                "model": settings.model,
                "max_tokens": settings.max_output_tokens,
                "system": prompt.system,
                "messages": [{"role": "user", "content": prompt.user}],
            }));
        if let Some(key) = &settings.api_key {
            request = request.header("x-api-key", key.as_str());
        }
        let body: Response = call(request, settings).await?;
        let text: String = body
            .content
            .into_iter()
            .filter(|b| b.kind == "text")
            .filter_map(|b| b.text)
            .collect::<Vec<_>>()
            .join("");
        Ok(Completion {
            text,
            input_tokens: body.usage.as_ref().and_then(|u| u.input_tokens),
            output_tokens: body.usage.as_ref().and_then(|u| u.output_tokens),
            cut_off: body.stop_reason.as_deref() == Some("max_tokens"),
        })
    }
}

impl Drafter for Anthropic {
    async fn draft(&self, request: &DraftRequest) -> Result<Draft, DraftError> {
        draft_with("anthropic", &self.settings, request, |prompt| {
            self.complete(prompt)
        })
        .await
    }
}

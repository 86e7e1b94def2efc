//! `POST {base}/chat/completions`, as OpenAI, Ollama, llama.cpp and LM Studio serve it.

use serde::Deserialize;
use serde_json::json;

use super::{Completion, ProviderSettings, call, draft_with};
use crate::drafter::{Draft, DraftError, DraftRequest, Drafter};
use crate::prompt::Prompt;

#[derive(Debug, Clone)]
pub struct OpenAiCompatible {
    settings: ProviderSettings,
}

impl OpenAiCompatible {
    pub fn new(settings: ProviderSettings) -> Self {
        OpenAiCompatible { settings }
    }

    pub(crate) fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    pub(crate) async fn complete(&self, prompt: Prompt) -> Result<Completion, DraftError> {
        #[derive(Deserialize)]
        struct Response {
            choices: Vec<Choice>,
            usage: Option<Usage>,
        }
        #[derive(Deserialize)]
        struct Choice {
            message: Message,
            finish_reason: Option<String>,
        }
        #[derive(Deserialize)]
        struct Message {
            content: Option<String>,
        }
        #[derive(Deserialize)]
        struct Usage {
            prompt_tokens: Option<u32>,
            completion_tokens: Option<u32>,
        }

        let settings = &self.settings;
        let mut request = settings
            .client()?
            .post(format!("{}/chat/completions", settings.base_url))
            .json(&json!({
                "model": settings.model,
                "messages": [
                    {"role": "system", "content": prompt.system},
                    {"role": "user", "content": prompt.user},
                ],
                "temperature": 0.4,
                "max_tokens": settings.max_output_tokens,
            }));
        if let Some(key) = &settings.api_key {
            request = request.bearer_auth(key.as_str());
        }
        let body: Response = call(request, settings).await?;
        let choice = body
            .choices
            .into_iter()
            .next()
            .ok_or(DraftError::BadResponse)?;
        Ok(Completion {
            text: choice.message.content.unwrap_or_default(),
            input_tokens: body.usage.as_ref().and_then(|u| u.prompt_tokens),
            output_tokens: body.usage.as_ref().and_then(|u| u.completion_tokens),
            cut_off: choice.finish_reason.as_deref() == Some("length"),
        })
    }
}

impl Drafter for OpenAiCompatible {
    async fn draft(&self, request: &DraftRequest) -> Result<Draft, DraftError> {
        draft_with("openai_compatible", &self.settings, request, |prompt| {
            self.complete(prompt)
        })
        .await
    }
}

//! Language-model providers: any OpenAI-compatible endpoint (OpenAI, Ollama,
//! llama.cpp server, LM Studio) and Anthropic's Messages API. Both go through
//! the same prompt, redaction and output checks; neither can send anything.

mod anthropic;
mod assess;
mod openai;

use std::future::Future;
use std::time::{Duration, Instant};

pub use anthropic::Anthropic;
pub use assess::{Assessment, parse_answer};
pub use openai::OpenAiCompatible;
use zeroize::Zeroizing;

use crate::checks::{Flag, review};
use crate::drafter::{Draft, DraftError, DraftRequest};
use crate::prompt::{self, Prompt};
use crate::redact::Redactor;

/// How to reach a provider. The API key comes from the keychain.
#[derive(Clone)]
pub struct ProviderSettings {
    /// e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1`, `https://api.anthropic.com`.
    pub base_url: String,
    pub model: String,
    pub api_key: Option<Zeroizing<String>>,
    pub timeout: Duration,
    pub max_attempts: u32,
    /// Replace emails and phone numbers with placeholders before sending (on by default for cloud providers).
    pub redact: bool,
    pub max_output_tokens: u32,
}

impl std::fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field("redact", &self.redact)
            .finish_non_exhaustive()
    }
}

impl ProviderSettings {
    pub fn new(
        base_url: impl Into<String>,
        model: impl Into<String>,
        api_key: Option<String>,
    ) -> Self {
        let base_url: String = base_url.into();
        // Loopback servers (Ollama, llama.cpp, LM Studio) keep text on this
        // computer: no need to redact. Decided on the parsed host, so that
        // `http://localhost.example.com` is not taken for this computer.
        let local = reqwest::Url::parse(base_url.trim())
            .ok()
            .and_then(|url| url.host_str().map(leadbox_envelope::is_loopback_host))
            .unwrap_or(false);
        ProviderSettings {
            base_url: base_url.trim_end_matches('/').to_owned(),
            model: model.into(),
            api_key: api_key.map(Zeroizing::new),
            timeout: Duration::from_secs(60),
            max_attempts: 3,
            redact: !local,
            max_output_tokens: 600,
        }
    }

    pub(crate) fn client(&self) -> Result<reqwest::Client, DraftError> {
        reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| DraftError::Provider(e.to_string()))
    }
}

/// What a provider returned, before checks.
#[derive(Debug)]
pub(crate) struct Completion {
    pub text: String,
    pub input_tokens: Option<u32>,
    pub output_tokens: Option<u32>,
    /// The provider stopped at its token limit.
    pub cut_off: bool,
}

pub(crate) fn map_send_error(error: &reqwest::Error, settings: &ProviderSettings) -> DraftError {
    if error.is_timeout() {
        DraftError::TimedOut(settings.timeout.as_secs())
    } else if error.is_connect() || error.is_request() {
        DraftError::Unreachable(settings.base_url.clone())
    } else {
        DraftError::BadResponse
    }
}

/// Turns an HTTP error status and body into a sentence the owner can act on.
pub(crate) fn map_status(status: u16, message: String, settings: &ProviderSettings) -> DraftError {
    match status {
        401 | 403 => DraftError::BadKey,
        404 => DraftError::UnknownModel(settings.model.clone()),
        429 | 529 => DraftError::RateLimited,
        500..=599 => DraftError::Provider(format!("HTTP {status}: {message}")),
        _ => DraftError::Provider(message),
    }
}

/// Sends a request and reads its JSON answer; error bodies of either API
/// (`{"error": {"message"}}`, or Ollama's `{"error": "..."}`) become a [`DraftError`].
pub(crate) async fn call<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
    settings: &ProviderSettings,
) -> Result<T, DraftError> {
    let response = request
        .send()
        .await
        .map_err(|e| map_send_error(&e, settings))?;
    let status = response.status().as_u16();
    if !response.status().is_success() {
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let message = body
            .pointer("/error/message")
            .or_else(|| body.get("error"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or("no details")
            .to_owned();
        return Err(map_status(status, message, settings));
    }
    response
        .json()
        .await
        .map_err(|e| map_send_error(&e, settings))
}

async fn with_retries<F, Fut>(
    settings: &ProviderSettings,
    mut call: F,
) -> Result<Completion, DraftError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Completion, DraftError>>,
{
    let mut delay = Duration::from_millis(500);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(error) if error.is_retryable() && attempt < settings.max_attempts => {
                tracing::warn!(%error, attempt, "AI provider call failed; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// The part every model provider shares: prompt, redaction, retries, checks.
pub(crate) async fn draft_with<F, Fut>(
    provider: &str,
    settings: &ProviderSettings,
    request: &DraftRequest,
    call: F,
) -> Result<Draft, DraftError>
where
    F: Fn(Prompt) -> Fut,
    Fut: Future<Output = Result<Completion, DraftError>>,
{
    let started = Instant::now();
    let mut redactor = Redactor::default();
    let prompt = prompt::build(request, settings.redact.then_some(&mut redactor));
    let completion = with_retries(settings, || call(prompt.clone())).await?;
    let restored = redactor.restore(&completion.text);
    if restored.trim().is_empty() {
        return Err(DraftError::Empty);
    }
    let (text, mut flags) = review(&restored, request);
    if completion.cut_off && !flags.contains(&Flag::Truncated) {
        flags.push(Flag::Truncated);
    }
    Ok(Draft {
        text,
        flags,
        provider: provider.to_owned(),
        model: Some(settings.model.clone()),
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        input_tokens: completion.input_tokens,
        output_tokens: completion.output_tokens,
    })
}

/// Which drafter the owner chose. The offline drafter is the default.
#[derive(Debug, Clone)]
pub enum AnyDrafter {
    Offline(crate::offline::OfflineDrafter),
    OpenAiCompatible(OpenAiCompatible),
    Anthropic(Anthropic),
}

impl Default for AnyDrafter {
    fn default() -> Self {
        AnyDrafter::Offline(crate::offline::OfflineDrafter)
    }
}

impl crate::Drafter for AnyDrafter {
    async fn draft(&self, request: &DraftRequest) -> Result<Draft, DraftError> {
        match self {
            AnyDrafter::Offline(drafter) => drafter.draft(request).await,
            AnyDrafter::OpenAiCompatible(drafter) => drafter.draft(request).await,
            AnyDrafter::Anthropic(drafter) => drafter.draft(request).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ProviderSettings;

    #[test]
    fn only_a_server_on_this_computer_skips_redaction() {
        for local in [
            "http://localhost:11434/v1",
            "http://127.0.0.1:8080",
            "http://[::1]:1234/v1",
        ] {
            assert!(!ProviderSettings::new(local, "m", None).redact, "{local}");
        }
        for remote in [
            "https://api.openai.com/v1",
            "http://localhost.evil.example/v1",
            "https://127.0.0.1.nip.io/v1",
            "https://example.com/?next=://localhost",
            "not a url",
        ] {
            assert!(ProviderSettings::new(remote, "m", None).redact, "{remote}");
        }
    }
}

//! Drafting replies for queued drafts, off the ingest path, with the provider
//! the owner chose. Drafts wait for the owner; nothing here sends.

use std::str::FromStr;

use leadbox_drafts::extract::extract;
use leadbox_drafts::offline::OfflineDrafter;
use leadbox_drafts::providers::{Anthropic, AnyDrafter, OpenAiCompatible, ProviderSettings};
use leadbox_drafts::{
    BusinessProfile, ConversationTurn, DraftRequest, Drafter, OwnerReply, Speaker,
};
use leadbox_vault::DraftOutcome;
use serde::Serialize;

use crate::{Engine, InboxError};

const AI_PROVIDER: &str = "ai_provider";
const AI_BASE_URL: &str = "ai_base_url";
const AI_MODEL: &str = "ai_model";
const AI_REDACT: &str = "ai_redact";
/// How much of a conversation a drafter sees.
const CONTEXT_MESSAGES: usize = 30;
/// Drafts claimed at a time, and for how long: longer than a few provider
/// calls at their timeout, so a claim outlives slow work but not a crash.
const DRAFTS_PER_CLAIM: usize = 4;
const DRAFTING_LEASE_MS: i64 = 10 * 60 * 1000;

/// Who writes the drafts. One spelling everywhere: the setting, the drafts'
/// `provider` column, the JSON and the CLI (`offline`, `openai_compatible`,
/// `anthropic`; typing a hyphen for the underscore is accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum ProviderKind {
    /// Built in; nothing leaves this computer.
    #[serde(rename = "offline")]
    Offline,
    /// OpenAI, or a local Ollama / llama.cpp / LM Studio server.
    #[serde(rename = "openai_compatible")]
    OpenAiCompatible,
    #[serde(rename = "anthropic")]
    Anthropic,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Offline => "offline",
            ProviderKind::OpenAiCompatible => "openai_compatible",
            ProviderKind::Anthropic => "anthropic",
        }
    }
}

impl FromStr for ProviderKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let typed = s.trim().replace('-', "_");
        [
            ProviderKind::Offline,
            ProviderKind::OpenAiCompatible,
            ProviderKind::Anthropic,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == typed)
        .ok_or_else(|| {
            format!("unknown AI provider `{s}`: use offline, openai_compatible or anthropic")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct AiSettings {
    pub provider: ProviderKind,
    pub base_url: Option<String>,
    pub model: Option<String>,
    /// Replace emails and phone numbers before text leaves this computer (default: on for
    /// cloud addresses, off for servers on this computer).
    pub redact: Option<bool>,
    pub has_api_key: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct DraftingReport {
    pub drafted: usize,
    pub failed: usize,
}

impl Engine {
    pub fn business_profile(&self) -> Result<BusinessProfile, InboxError> {
        // Bound first: a guard living through the match would deadlock `pairing()`.
        let stored = self.vault().profile_toml()?;
        match stored {
            Some(text) => {
                BusinessProfile::from_toml(&text).map_err(|e| InboxError::Profile(e.to_string()))
            }
            None => {
                // Until the owner fills in a profile, drafts know only the business name.
                let name = self
                    .pairing()?
                    .map(|p| p.business_name)
                    .unwrap_or_else(|| "our business".into());
                Ok(BusinessProfile {
                    name,
                    languages: vec!["en".into()],
                    ..BusinessProfile::default()
                })
            }
        }
    }

    pub fn set_business_profile(&self, profile: &BusinessProfile) -> Result<(), InboxError> {
        profile
            .validate()
            .map_err(|e| InboxError::Profile(e.to_string()))?;
        self.vault().set_profile_toml(&profile.to_toml())?;
        Ok(())
    }

    pub fn ai_settings(&self) -> Result<AiSettings, InboxError> {
        let vault = self.vault();
        let provider = vault
            .setting(AI_PROVIDER)?
            .and_then(|p| p.parse().ok())
            .unwrap_or(ProviderKind::Offline);
        let redact = vault.setting(AI_REDACT)?.map(|v| v == "true");
        let settings = AiSettings {
            provider,
            base_url: vault.setting(AI_BASE_URL)?,
            model: vault.setting(AI_MODEL)?,
            redact,
            has_api_key: false,
        };
        drop(vault);
        let has_api_key = self
            .secrets()
            .get(&self.secret_name(&leadbox_vault::SecretKind::AiApiKey))?
            .is_some();
        Ok(AiSettings {
            has_api_key,
            ..settings
        })
    }

    /// Chooses the drafting provider. The API key (if any) goes to the keychain.
    pub fn set_ai_settings(
        &self,
        settings: &AiSettings,
        api_key: Option<&str>,
    ) -> Result<(), InboxError> {
        if settings.provider != ProviderKind::Offline {
            let url = settings.base_url.as_deref().unwrap_or_default();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(InboxError::Settings(
                    "the AI provider needs a base URL starting with https:// or http://".into(),
                ));
            }
            if settings
                .model
                .as_deref()
                .unwrap_or_default()
                .trim()
                .is_empty()
            {
                return Err(InboxError::Settings(
                    "the AI provider needs a model name".into(),
                ));
            }
        }
        let vault = self.vault();
        let kind = settings.provider.as_str();
        vault.set_setting(AI_PROVIDER, kind)?;
        vault.set_setting(
            AI_BASE_URL,
            settings.base_url.as_deref().unwrap_or_default(),
        )?;
        vault.set_setting(AI_MODEL, settings.model.as_deref().unwrap_or_default())?;
        match settings.redact {
            Some(redact) => vault.set_setting(AI_REDACT, if redact { "true" } else { "false" })?,
            None => vault.set_setting(AI_REDACT, "")?,
        }
        vault.audit("ai_provider_changed", kind)?;
        drop(vault);
        if let Some(key) = api_key.map(str::trim).filter(|k| !k.is_empty()) {
            self.secrets().set(
                &self.secret_name(&leadbox_vault::SecretKind::AiApiKey),
                key.as_bytes(),
            )?;
        }
        Ok(())
    }

    fn drafter(&self) -> Result<AnyDrafter, InboxError> {
        let settings = self.ai_settings()?;
        if settings.provider == ProviderKind::Offline {
            return Ok(AnyDrafter::Offline(OfflineDrafter));
        }
        let key = self
            .secrets()
            .get(&self.secret_name(&leadbox_vault::SecretKind::AiApiKey))?
            .map(|k| String::from_utf8_lossy(&k).into_owned());
        let mut provider = ProviderSettings::new(
            settings.base_url.unwrap_or_default(),
            settings.model.unwrap_or_default(),
            key,
        );
        if let Some(redact) = settings.redact {
            provider.redact = redact;
        }
        Ok(match settings.provider {
            ProviderKind::Anthropic => AnyDrafter::Anthropic(Anthropic::new(provider)),
            _ => AnyDrafter::OpenAiCompatible(OpenAiCompatible::new(provider)),
        })
    }

    /// Drafts every queued draft, and refreshes what is known about each lead.
    pub async fn draft_pending(&self) -> Result<DraftingReport, InboxError> {
        let drafter = self.drafter()?;
        let profile = self.business_profile()?;
        let mut report = DraftingReport::default();
        loop {
            let jobs = self.vault().claim_queued_drafts(
                DRAFTS_PER_CLAIM,
                self.now_ms(),
                DRAFTING_LEASE_MS,
            )?;
            if jobs.is_empty() {
                return Ok(report);
            }
            // The owner's earlier answers stay on this computer: only the
            // built-in drafter reads them.
            let owner_replies: Vec<OwnerReply> = match drafter {
                AnyDrafter::Offline(_) => self
                    .vault()
                    .owner_replies(leadbox_drafts::OWNER_REPLIES_CONSIDERED)?
                    .into_iter()
                    .map(|(question, reply)| OwnerReply { question, reply })
                    .collect(),
                _ => Vec::new(),
            };
            for job in jobs {
                let context = self.vault().draft_context(&job, CONTEXT_MESSAGES)?;
                let lead_texts: Vec<&str> = context
                    .messages
                    .iter()
                    .filter(|(inbound, _)| *inbound)
                    .map(|(_, text)| text.as_str())
                    .collect();
                let details = extract(
                    &lead_texts,
                    context.contact_name.as_deref(),
                    profile.phone_region.as_deref(),
                );
                self.vault().upsert_lead(
                    context.contact_id,
                    details.name.as_deref(),
                    &serde_json::to_string(&details.emails).unwrap_or_default(),
                    &serde_json::to_string(&details.phones).unwrap_or_default(),
                    details.intent.as_str(),
                    &serde_json::to_value(details.urgency)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    &details.summary,
                )?;

                let mut turns: Vec<ConversationTurn> = context
                    .messages
                    .iter()
                    .map(|(inbound, text)| ConversationTurn {
                        speaker: if *inbound {
                            Speaker::Lead
                        } else {
                            Speaker::Business
                        },
                        text: text.clone(),
                    })
                    .collect();
                let new_message = turns.pop().map(|t| t.text).unwrap_or_default();
                let request = DraftRequest {
                    profile: profile.clone(),
                    channel: context.platform,
                    lead_name: details.name.clone(),
                    history: turns,
                    new_message,
                    owner_replies: owner_replies.clone(),
                };
                match drafter.draft(&request).await {
                    Ok(draft) => {
                        let outcome = DraftOutcome {
                            text: draft.text,
                            flags_json: serde_json::to_string(&draft.flags)
                                .unwrap_or_else(|_| "[]".into()),
                            provider: draft.provider,
                            model: draft.model,
                            latency_ms: draft.latency_ms,
                            input_tokens: draft.input_tokens,
                            output_tokens: draft.output_tokens,
                        };
                        self.vault().complete_draft(job.id, &outcome)?;
                        report.drafted += 1;
                    }
                    Err(error) => {
                        tracing::warn!(draft = job.id, %error, "drafting failed");
                        self.vault().fail_draft(job.id, &error.to_string())?;
                        report.failed += 1;
                    }
                }
            }
        }
    }
}

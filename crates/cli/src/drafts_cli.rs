//! The `profile`, `ai` and `drafts` commands.

use std::io::{Read as _, Write};

use anyhow::Context as _;
use leadbox_inbox::{
    AiSettings, BusinessProfile, DraftStatus, Engine, InboxError, ProviderKind, explain_warnings,
};

use crate::{AccountsAction, AiAction, ProfileAction};

/// Fields `profile set` accepts: the single-value ones; lists come from a file.
const SETTABLE: &[&str] = &[
    "name",
    "description",
    "location",
    "booking_link",
    "phone",
    "email",
    "tone",
    "sign_off",
    "time_zone",
    "phone_region",
];

pub fn profile(engine: &Engine, action: ProfileAction, out: &mut impl Write) -> anyhow::Result<()> {
    match action {
        ProfileAction::Show => write!(out, "{}", engine.business_profile()?.to_toml())?,
        ProfileAction::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let profile = BusinessProfile::from_toml(&text)
                .map_err(|e| InboxError::Profile(e.to_string()))?;
            engine.set_business_profile(&profile)?;
            writeln!(
                out,
                "Profile of {} saved: {} service(s), {} FAQ entr(ies).",
                profile.name,
                profile.services.len(),
                profile.faq.len()
            )?;
        }
        ProfileAction::Set { field, value } => {
            anyhow::ensure!(
                SETTABLE.contains(&field.as_str()),
                "`{field}` cannot be set here; use one of {} or `profile import`",
                SETTABLE.join(", ")
            );
            let mut table: toml::Table = toml::from_str(&engine.business_profile()?.to_toml())?;
            table.insert(field.clone(), toml::Value::String(value));
            let profile = BusinessProfile::from_toml(&toml::to_string(&table)?)
                .map_err(|e| InboxError::Profile(e.to_string()))?;
            engine.set_business_profile(&profile)?;
            writeln!(out, "Saved {field}.")?;
        }
    }
    Ok(())
}

pub fn ai(engine: &Engine, action: AiAction, out: &mut impl Write) -> anyhow::Result<()> {
    match action {
        AiAction::Show => {
            let settings = engine.ai_settings()?;
            writeln!(out, "{}", serde_json::to_string_pretty(&settings)?)?;
            let leaves = match settings.provider {
                ProviderKind::Offline => "Nothing leaves this computer.",
                _ if settings.redact == Some(false) => {
                    "Drafting sends the business profile and recent messages to this provider, unredacted."
                }
                _ => {
                    "Drafting sends the business profile and recent messages to this provider (emails and phone numbers replaced for cloud addresses)."
                }
            };
            writeln!(out, "{leaves}")?;
        }
        AiAction::Set {
            provider,
            base_url,
            model,
            api_key_stdin,
            redact,
        } => {
            let key = if api_key_stdin {
                let mut key = String::new();
                std::io::stdin().read_to_string(&mut key)?;
                Some(key)
            } else {
                None
            };
            let settings = AiSettings {
                provider,
                base_url,
                model,
                redact,
                has_api_key: key.is_some(),
            };
            engine.set_ai_settings(&settings, key.as_deref())?;
            let name = match provider {
                ProviderKind::Offline => "built-in offline",
                ProviderKind::OpenAiCompatible => "OpenAI-compatible",
                ProviderKind::Anthropic => "Anthropic",
            };
            writeln!(out, "Drafts will be written by the {name} provider.")?;
        }
    }
    Ok(())
}

pub fn list(engine: &Engine, json: bool, all: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let statuses: &[DraftStatus] = if all {
        DraftStatus::ALL
    } else {
        &DraftStatus::TO_REVIEW
    };
    let drafts = engine.drafts(statuses)?;
    for draft in drafts {
        if json {
            writeln!(out, "{}", serde_json::to_string(&draft)?)?;
            continue;
        }
        writeln!(
            out,
            "#{} conversation {} [{}]",
            draft.id, draft.conversation_id, draft.status
        )?;
        if let Some(text) = draft.text.as_deref().or(draft.error.as_deref()) {
            for line in text.lines() {
                writeln!(out, "    {line}")?;
            }
        }
        for warning in explain_warnings(&draft.flags) {
            writeln!(out, "    ! {warning}")?;
        }
    }
    Ok(())
}

pub fn accounts(
    engine: &Engine,
    runtime: &tokio::runtime::Runtime,
    action: AccountsAction,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match action {
        AccountsAction::Add {
            platform,
            account_id,
            connection,
            human_agent,
        } => {
            let mut token = String::new();
            std::io::stdin().read_to_string(&mut token)?;
            anyhow::ensure!(
                !token.trim().is_empty(),
                "paste the access token on standard input"
            );
            let account = runtime.block_on(engine.add_account(
                platform,
                &account_id,
                connection,
                &token,
                human_agent,
            ))?;
            writeln!(
                out,
                "Connected {} account {} ({}). Replies you approve are sent through it.",
                account.platform,
                account.platform_account_id,
                account.name.unwrap_or_default()
            )?;
        }
        AccountsAction::List { json } => {
            for account in engine.accounts()? {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&account)?)?;
                } else {
                    writeln!(
                        out,
                        "{:<9} {:<20} {:<16} {}",
                        account.platform,
                        account.platform_account_id,
                        account.status,
                        account.name.unwrap_or_default()
                    )?;
                    if let Some(notice) = &account.notice {
                        writeln!(out, "          note: {}", notice.message)?;
                    }
                    if account.unreadable_events > 0 {
                        writeln!(
                            out,
                            "          {} event(s) could not be read (kept without content; exported as unreadable_events)",
                            account.unreadable_events
                        )?;
                    }
                }
            }
        }
        AccountsAction::Check => {
            let report = runtime.block_on(engine.check_subscriptions())?;
            for account in &report.checked {
                let fixed = report.resubscribed.contains(account);
                writeln!(
                    out,
                    "{account}: {}",
                    if fixed {
                        "Facebook had stopped sending its messages; subscribed again"
                    } else {
                        "receiving messages"
                    }
                )?;
            }
            for (account, reason) in &report.failed {
                writeln!(out, "{account}: could not check: {reason}")?;
            }
            let refreshed = runtime.block_on(engine.refresh_instagram_tokens())?;
            if refreshed > 0 {
                writeln!(
                    out,
                    "Extended {refreshed} Instagram Login token(s) by 60 days."
                )?;
            }
            if report.checked.is_empty() && report.failed.is_empty() && refreshed == 0 {
                writeln!(
                    out,
                    "No page-connected or Instagram Login accounts to check."
                )?;
            }
        }
        AccountsAction::Instagram => {
            let link = runtime.block_on(engine.instagram_login())?;
            writeln!(
                out,
                "Open this address in your browser within 10 minutes, type the code {} when the page asks for it, and log in to the Instagram account to connect:\n{}\nThen run `leadbox-cli sync --once`.",
                link.confirmation_code, link.url
            )?;
        }
        AccountsAction::Facebook => {
            let link = runtime.block_on(engine.facebook_login())?;
            writeln!(
                out,
                "Open this address in your browser within 10 minutes, type the code {} when the page asks for it, and choose the pages to connect:\n{}\nThen run `leadbox-cli sync --once`: the accounts arrive sealed from the relay.",
                link.confirmation_code, link.url
            )?;
        }
        AccountsAction::OnMetaDeletion { choice } => {
            if let Some(choice) = choice {
                engine.set_meta_deletion_erases_conversations(choice == "erase")?;
            }
            let erase = engine.meta_deletion_erases_conversations()?;
            writeln!(
                out,
                "When Meta asks to delete the data of a person who connected accounts here, Leadbox removes their tokens and {}.",
                if erase {
                    "erases those accounts' conversations"
                } else {
                    "keeps those accounts' conversations"
                }
            )?;
        }
        AccountsAction::Remove {
            platform,
            account_id,
            erase_conversations,
        } => match engine.remove_account(platform, &account_id, erase_conversations)? {
            Some(receipt) => writeln!(
                out,
                "Removed the token of {platform} account {account_id} and erased its data ({receipt})."
            )?,
            None => writeln!(
                out,
                "Removed the token of {platform} account {account_id}; its conversations are kept."
            )?,
        },
    }
    Ok(())
}

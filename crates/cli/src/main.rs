//! `leadbox-cli`: the desktop engine without a window.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser as _;
use leadbox_inbox::{
    Engine, EngineEvent, EventSink, InboxError, OnFailure, OsKeychain, RecoveryCode, SecretStore,
    SyncReport, SyncStatus, VaultError,
};

mod args;
mod data_cli;
mod drafts_cli;

pub(crate) use args::{AccountsAction, AiAction, ProfileAction};
use args::{Cli, Command, WebsiteAction};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LEADBOX_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("leadbox-cli: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = cli
        .data_dir
        .or_else(leadbox_inbox::default_data_dir)
        .context("no data folder: pass --data-dir or set LEADBOX_DATA_DIR")?;
    let secrets: Arc<dyn SecretStore> = Arc::new(OsKeychain::default());
    if let Command::Unlock { recovery_code } = &cli.command {
        return unlock(&data_dir, secrets, recovery_code.clone());
    }
    if let Command::Restore { from } = &cli.command {
        return data_cli::restore(&data_dir, from, secrets, &mut std::io::stdout());
    }
    let engine = match &cli.command {
        Command::Init => {
            let (_, code) = Engine::create(&data_dir, secrets)?;
            announce_new_vault(&data_dir, &code);
            return Ok(());
        }
        Command::Pair { .. } | Command::Signup { .. } => {
            let (engine, code) = Engine::open_or_create(&data_dir, secrets)?;
            if let Some(code) = code {
                announce_new_vault(&data_dir, &code);
            }
            engine
        }
        _ => Engine::open(&data_dir, secrets).map_err(|error| match error {
            InboxError::Vault(VaultError::NoVault(_)) => anyhow::anyhow!(
                "there is no Leadbox inbox in {}: check --data-dir, or start one with `leadbox-cli init`, `pair`, `signup` or `restore`",
                data_dir.display()
            ),
            other => other.into(),
        })?,
    };
    let engine = Arc::new(engine);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Invite => {
            let code = runtime.block_on(engine.invite_computer())?;
            let relay = engine
                .pairing()?
                .map(|pairing| pairing.relay_url)
                .unwrap_or_default();
            writeln!(
                out,
                "{code}\nOn the other computer, within 7 days: leadbox-cli pair --relay {relay} --invite {code}\n(or in the app's first-start dialog: \"A relay I was invited to\")"
            )?;
        }
        Command::Signup {
            relay,
            business,
            code,
            name,
        } => {
            let pairing =
                runtime.block_on(engine.sign_up(&relay, &business, code.as_deref(), &name))?;
            writeln!(
                out,
                "Signed up at {}: {} is yours, and this computer (device {}) is its owner.",
                pairing.relay_url, pairing.business_name, pairing.device_id
            )?;
        }
        Command::Pair {
            relay,
            invite,
            name,
        } => {
            let pairing = runtime.block_on(engine.pair(&relay, &invite, &name))?;
            writeln!(
                out,
                "Paired with {} as device {} of {}.",
                pairing.relay_url, pairing.device_id, pairing.business_name
            )?;
        }
        Command::Claim {
            platform,
            account_id,
            business_account,
            access_token,
        } => {
            runtime.block_on(engine.claim_with_business_account(
                platform,
                &account_id,
                business_account.as_deref(),
                access_token.as_deref(),
            ))?;
            writeln!(
                out,
                "Webhooks for {platform} account {account_id} now come to this business."
            )?;
        }
        Command::Sync { once: true, wait } => {
            let report = runtime.block_on(engine.sync_once(Duration::from_secs(wait)))?;
            writeln!(out, "{}", describe(&report))?;
            out.flush()?;
            runtime.block_on(async {
                if let Some(naming) = engine.follow_up(report, &printer()).await {
                    let _ = naming.await;
                }
            });
        }
        Command::Sync { once: false, wait } => {
            let long_poll = Duration::from_secs(wait.max(25));
            runtime.block_on(Arc::clone(&engine).run(long_poll, OnFailure::Stop, printer()))?;
        }
        Command::Conversations { json } => {
            for conversation in engine.conversations()? {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&conversation)?)?;
                } else {
                    writeln!(
                        out,
                        "{:>5}  {:<9}  {:<28}  {:>3} unread  {}",
                        conversation.id,
                        conversation.platform,
                        conversation.display_name,
                        conversation.unread_count,
                        conversation.last_message_text.unwrap_or_default()
                    )?;
                }
            }
        }
        Command::Profile { action } => drafts_cli::profile(&engine, action, &mut out)?,
        Command::Ai { action } => drafts_cli::ai(&engine, action, &mut out)?,
        Command::Drafts { json, all } => drafts_cli::list(&engine, json, all, &mut out)?,
        Command::Approve {
            id,
            text,
            override_opt_out,
        } => {
            let message_id =
                runtime.block_on(engine.approve_and_send(id, text.as_deref(), override_opt_out))?;
            writeln!(out, "Sent draft {id} (platform message id {message_id}).")?;
        }
        Command::Reply {
            conversation,
            text,
            file,
            override_opt_out,
        } => {
            let message_id = match file {
                Some(path) => {
                    let bytes = read_file_to_send(&path)?;
                    let name = path
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let file = leadbox_inbox::FileToSend { name, bytes };
                    runtime.block_on(engine.send_owner_file(
                        conversation,
                        &text,
                        &file,
                        override_opt_out,
                    ))?
                }
                None => runtime.block_on(engine.send_owner_reply(
                    conversation,
                    &text,
                    override_opt_out,
                ))?,
            };
            writeln!(out, "Sent your reply (platform message id {message_id}).")?;
        }
        Command::Website { action } => {
            let chats = match action {
                WebsiteAction::Add { name, origins } => {
                    vec![runtime.block_on(engine.add_website(&name, &origins))?]
                }
                WebsiteAction::List => runtime.block_on(engine.websites())?,
                WebsiteAction::Allow { site, origin } => {
                    vec![runtime.block_on(engine.allow_website_origin(&site, &origin))?]
                }
            };
            if chats.is_empty() {
                writeln!(
                    out,
                    "No website chat yet: add one with `leadbox-cli website add`."
                )?;
            }
            for chat in chats {
                writeln!(
                    out,
                    "{} ({}) on {}\n  Paste into your site's pages, before </body>:\n  {}",
                    chat.name,
                    chat.site_id,
                    chat.origins.join(", "),
                    chat.snippet
                )?;
                for refused in &chat.refused_origins {
                    writeln!(
                        out,
                        "  Refused on {} ({}): add it with `leadbox-cli website allow --site {} --origin {}`",
                        refused.origin,
                        match refused.refusals {
                            1 => "once".to_owned(),
                            n => format!("{n} times"),
                        },
                        chat.site_id,
                        refused.origin
                    )?;
                }
            }
        }
        Command::Mentions { json } => {
            for mention in engine.mentions()? {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&mention)?)?;
                    continue;
                }
                let when = chrono::DateTime::from_timestamp_millis(mention.at)
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default();
                let place = match (&mention.comment_id, &mention.media_id) {
                    (Some(comment), Some(media)) => format!("in comment {comment} on post {media}"),
                    (Some(comment), None) => format!("in comment {comment}"),
                    (None, Some(media)) => format!("in the caption of post {media}"),
                    (None, None) => "somewhere".to_owned(),
                };
                writeln!(
                    out,
                    "{when}  instagram {}  mentioned {place} (open Instagram's activity to read it)",
                    mention.account_id
                )?;
            }
        }
        Command::Leads { json } => {
            for form in engine.lead_forms()? {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&form)?)?;
                } else {
                    writeln!(
                        out,
                        "{:<10} {:<24} {:<28} {:<16} {}",
                        form.status,
                        form.name.as_deref().unwrap_or("(answers pending)"),
                        form.email.as_deref().unwrap_or(""),
                        form.phone.as_deref().unwrap_or(""),
                        form.error.as_deref().unwrap_or("")
                    )?;
                }
            }
        }
        Command::Accounts { action } => drafts_cli::accounts(&engine, &runtime, action, &mut out)?,
        Command::Reject { id } => {
            engine.reject_draft(id)?;
            writeln!(out, "Rejected draft {id}.")?;
        }
        Command::Regenerate { id } => {
            let draft = runtime.block_on(engine.regenerate_draft(id))?;
            let text = match draft.problem {
                Some(problem) if draft.text.is_empty() => problem,
                _ => draft.text,
            };
            writeln!(out, "Draft {} ({}):\n{text}", draft.id, draft.status)?;
        }
        Command::Retention { action } => data_cli::retention(&engine, action, &mut out)?,
        Command::Erase { contact, yes } => data_cli::erase(&engine, &contact, yes, &mut out)?,
        Command::Export {
            format,
            out: dir,
            contact,
            since,
        } => data_cli::export(&engine, &format, &dir, contact, since, &mut out)?,
        Command::Backup { out: file } => data_cli::backup(&engine, &file, &mut out)?,
        Command::Rekey => {
            let code = engine.rotate_key()?;
            writeln!(
                out,
                "The vault has a new key. Your old recovery code no longer works; write down the new one:\n\n    {}",
                code.expose()
            )?;
        }
        Command::Search { query, limit, json } => {
            for hit in engine.search(&query, limit)? {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&hit)?)?;
                } else {
                    // Matches are shown between [brackets]: a terminal has no highlighting of its own.
                    let snippet: String = hit
                        .snippet
                        .iter()
                        .map(|part| {
                            if part.hit {
                                format!("[{}]", part.text)
                            } else {
                                part.text.clone()
                            }
                        })
                        .collect();
                    writeln!(
                        out,
                        "{:>5}  {:<9}  {:<28}  {}",
                        hit.conversation_id,
                        hit.platform,
                        hit.display_name,
                        snippet.replace('\n', " ")
                    )?;
                }
            }
        }
        Command::Check => {
            engine.integrity_check()?;
            writeln!(out, "The vault at {} is intact.", data_dir.display())?;
        }
        Command::Init | Command::Unlock { .. } | Command::Restore { .. } => {
            unreachable!("handled before the vault is opened")
        }
    }
    Ok(())
}

/// Prints what the engine's run loop reports: syncs and what followed them
/// on standard output, problems on standard error.
fn printer() -> EventSink {
    Arc::new(|event| {
        let mut out = std::io::stdout().lock();
        let printed = match event {
            EngineEvent::Synced(report) => writeln!(out, "{}", describe(&report)),
            EngineEvent::LeadFormsFetched(forms) if forms > 0 => {
                writeln!(out, "{forms} lead form(s) fetched.")
            }
            EngineEvent::MediaFetched(fetched) if fetched > 0 => {
                writeln!(out, "{fetched} photo(s) or file(s) fetched.")
            }
            EngineEvent::Drafted(drafted) if drafted.drafted + drafted.failed > 0 => writeln!(
                out,
                "{} draft(s) ready for review, {} failed.",
                drafted.drafted, drafted.failed
            ),
            EngineEvent::FollowUpFailed { step, error } => {
                eprintln!("leadbox-cli: {}: {error}", step.consequence());
                Ok(())
            }
            EngineEvent::Status(
                SyncStatus::Offline { message } | SyncStatus::Failed { message },
            ) => {
                eprintln!("leadbox-cli: {message}");
                Ok(())
            }
            EngineEvent::Status(_)
            | EngineEvent::PeopleNamed(_)
            | EngineEvent::LeadFormsFetched(_)
            | EngineEvent::MediaFetched(_)
            | EngineEvent::Drafted(_) => Ok(()),
        };
        // A closed pipe (`leadbox-cli sync | head`) is no reason to stop syncing.
        let _ = printed.and_then(|()| out.flush());
    })
}

fn describe(report: &SyncReport) -> String {
    let lost = if report.lost > 0 {
        format!(
            " The relay dropped {} envelope(s) before they were fetched (expired or queue full).",
            report.lost
        )
    } else {
        String::new()
    };
    let mut extra = lost;
    if report.new_lead_forms > 0 {
        extra.push_str(&format!(
            " {} new lead-ad submission(s) (see `leads`).",
            report.new_lead_forms
        ));
    }
    if report.accounts_connected > 0 {
        extra.push_str(&format!(
            " Connected {} account(s) through Facebook Login.",
            report.accounts_connected
        ));
    }
    if report.notices > 0 {
        extra.push_str(&format!(
            " {} account notice(s) from Meta (see `accounts list`).",
            report.notices
        ));
    }
    for restriction in &report.restrictions {
        extra.push_str(&format!(
            " {} account {}: {}",
            restriction.platform, restriction.platform_account_id, restriction.message
        ));
    }
    if report.deletion_requests > 0 {
        extra.push_str(&format!(
            " Handled {} data-deletion request(s) from Meta.",
            report.deletion_requests
        ));
    }
    format!(
        "Synced {} envelope(s): {} new message(s), {} duplicate(s), {} new lead(s), {} unreadable.{extra}",
        report.envelopes,
        report.new_messages,
        report.duplicates,
        report.new_contacts.len(),
        report.unreadable
    )
}

fn announce_new_vault(data_dir: &std::path::Path, code: &RecoveryCode) {
    eprintln!(
        "Created a new encrypted vault in {}.\nWrite down this recovery code and keep it safe; it is the only way to open the vault on another computer:\n\n    {}\n",
        data_dir.display(),
        code.expose()
    );
}

fn unlock(
    data_dir: &std::path::Path,
    secrets: Arc<dyn SecretStore>,
    code: Option<String>,
) -> anyhow::Result<()> {
    let code = match code {
        Some(code) => code,
        None => {
            eprint!("Recovery code: ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line
        }
    };
    Engine::unlock(data_dir, &code, secrets)?;
    writeln!(
        std::io::stdout(),
        "The vault is unlocked and its key is back in this computer's keychain."
    )?;
    Ok(())
}

/// A file to send, read only when it is no larger than Leadbox sends.
fn read_file_to_send(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > leadbox_inbox::MAX_MEDIA_BYTES {
        anyhow::bail!("{} is larger than the 16 MB Leadbox sends", path.display());
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn an_invite_code_starting_with_a_dash_is_still_a_code() {
        let cli = Cli::try_parse_from([
            "leadbox-cli",
            "pair",
            "--relay",
            "http://relay",
            "--invite",
            "-H5wKOPGqeMZr0X8VZrQ",
        ])
        .unwrap();
        assert!(
            matches!(cli.command, Command::Pair { invite, .. } if invite == "-H5wKOPGqeMZr0X8VZrQ")
        );
    }

    #[test]
    fn platforms_are_parsed_and_unknown_ones_refused() {
        let cli = Cli::try_parse_from([
            "leadbox-cli",
            "claim",
            "--platform",
            "whatsapp",
            "--account-id",
            "P1",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::Claim {
                platform: leadbox_inbox::Platform::Whatsapp,
                ..
            }
        ));
        let error = Cli::try_parse_from([
            "leadbox-cli",
            "claim",
            "--platform",
            "tiktok",
            "--account-id",
            "1",
        ])
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("use instagram, messenger, whatsapp or website")
        );
    }

    #[test]
    fn a_sync_report_reads_as_a_sentence() {
        let report = SyncReport {
            envelopes: 3,
            new_messages: 2,
            duplicates: 1,
            ..SyncReport::default()
        };
        assert_eq!(
            describe(&report),
            "Synced 3 envelope(s): 2 new message(s), 1 duplicate(s), 0 new lead(s), 0 unreadable."
        );
    }
}

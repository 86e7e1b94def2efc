//! The command line: every command, option and help text `leadbox-cli` takes.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::data_cli;

#[derive(Debug, Parser)]
#[command(
    name = "leadbox-cli",
    version,
    about = "Leadbox from the command line: pair, sync and read your inbox"
)]
pub(crate) struct Cli {
    /// The data folder (default: the same folder the app uses).
    #[arg(long, global = true, env = "LEADBOX_DATA_DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum WebsiteAction {
    /// Add a chat for your website; visitors' messages arrive as the Website channel.
    Add {
        /// A name for it, e.g. "Salon website".
        #[arg(long)]
        name: String,
        /// The site's address, e.g. https://example.com (repeat for each address it is served from).
        #[arg(long = "origin", required = true)]
        origins: Vec<String>,
    },
    /// List your website chats with their snippet and any address they refused.
    List,
    /// Let a website chat be used on one more address (one it refused, say).
    Allow {
        /// The chat's id, e.g. site_abc123 (shown by `website list`).
        #[arg(long)]
        site: String,
        /// The address, e.g. https://www.example.com.
        #[arg(long)]
        origin: String,
    },
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Start a new, empty inbox in the data folder and print its recovery code
    /// (`pair`, `signup` and `restore` start one too; no other command creates anything).
    Init,
    /// Pair this computer with your relay using an invite code from `leadbox-relay invite`.
    Pair {
        #[arg(long)]
        relay: String,
        /// The invite code from `leadbox-relay invite` (older codes may start with "-").
        #[arg(long, allow_hyphen_values = true)]
        invite: String,
        /// How this computer is named at the relay.
        #[arg(long, default_value = "Leadbox CLI")]
        name: String,
    },
    /// Sign up at a relay service: it creates your business and pairs this
    /// computer as its owner (no invite needed; starts an inbox if there is none).
    Signup {
        #[arg(long)]
        relay: String,
        /// Your business's name, as the relay and your computers will show it.
        #[arg(long)]
        business: String,
        /// The sign-up code, if the service gave you one.
        #[arg(long)]
        code: Option<String>,
        /// How this computer is named at the relay.
        #[arg(long, default_value = "Leadbox CLI")]
        name: String,
    },
    /// Invite another computer into this business (from the owner computer):
    /// prints a single-use code for `pair` on the other computer.
    Invite,
    /// Route a platform account's webhooks to this business.
    Claim {
        /// instagram, messenger or whatsapp
        #[arg(long)]
        platform: leadbox_inbox::Platform,
        /// Instagram account id, Facebook Page id or WhatsApp phone-number id.
        #[arg(long)]
        account_id: String,
        /// For a WhatsApp number: its WhatsApp Business Account id (Meta's
        /// API Setup page shows it), so that template, quality and account
        /// notices come too. `accounts add` finds it by itself.
        #[arg(long)]
        business_account: Option<String>,
        /// The account's access token, for a relay that asks for proof of
        /// control (it checks it with Meta once and does not keep it). Best
        /// given in the environment; without it, the token of an account
        /// connected with `accounts add` is used.
        #[arg(long, env = "LEADBOX_ACCOUNT_TOKEN", hide_env_values = true)]
        access_token: Option<String>,
    },
    /// Fetch new messages from the relay.
    Sync {
        /// One round, then exit (otherwise keep syncing, retrying with backoff).
        #[arg(long)]
        once: bool,
        /// How long one round waits for new envelopes, in seconds.
        #[arg(long, default_value_t = 0)]
        wait: u64,
    },
    /// List conversations, most recent first.
    Conversations {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Show or change the business profile that drafts are written from.
    Profile {
        #[command(subcommand)]
        action: ProfileAction,
    },
    /// Show or choose the AI provider that writes drafts (offline by default).
    Ai {
        #[command(subcommand)]
        action: AiAction,
    },
    /// List reply drafts waiting for your review.
    Drafts {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// Include sent, approved, rejected and queued drafts.
        #[arg(long)]
        all: bool,
    },
    /// List lead-ad submissions (shown at once; answers appear when fetched).
    Leads {
        #[arg(long)]
        json: bool,
    },
    /// List Instagram @mentions of your account (the text is on Instagram).
    Mentions {
        #[arg(long)]
        json: bool,
    },
    /// Website chat: add one (prints the line to paste into your site) or list them.
    Website {
        #[command(subcommand)]
        action: WebsiteAction,
    },
    /// Connect accounts for sending replies (tokens go to the OS keychain).
    Accounts {
        #[command(subcommand)]
        action: AccountsAction,
    },
    /// Approve a draft, optionally with your own wording, and send it.
    Approve {
        id: i64,
        /// Replace the drafted text with this.
        #[arg(long)]
        text: Option<String>,
        /// Send even though this person asked not to be messaged (only if they asked you to reply).
        #[arg(long)]
        override_opt_out: bool,
    },
    /// Send a reply you wrote yourself to a conversation (ids from `conversations`),
    /// under the same rules as an approved draft.
    Reply {
        conversation: i64,
        #[arg(long, default_value = "")]
        text: String,
        /// A photo (JPEG, PNG) or PDF to send with the words (checked against the platform first).
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// Send even though this person asked not to be messaged (only if they asked you to reply).
        #[arg(long)]
        override_opt_out: bool,
    },
    /// Reject a draft.
    Reject { id: i64 },
    /// Write a new draft for the same conversation.
    Regenerate { id: i64 },
    /// How long conversations, message text and leads are kept; preview and run the purge.
    Retention {
        #[command(subcommand)]
        action: data_cli::RetentionAction,
    },
    /// Erase everything held about one person (cannot be undone).
    Erase {
        /// instagram:ID, messenger:ID, whatsapp:NUMBER, @handle, +phone or an email address.
        #[arg(long)]
        contact: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Export conversations, contacts and leads as JSON Lines or CSV.
    Export {
        /// json (JSON Lines, see docs/export-schema.md) or csv (leads.csv, messages.csv)
        #[arg(long, default_value = "json")]
        format: String,
        /// A new or empty folder to write into.
        #[arg(long)]
        out: PathBuf,
        /// Only what is held about this person (an access request).
        #[arg(long)]
        contact: Option<String>,
        /// Only activity on or after this date (YYYY-MM-DD, UTC).
        #[arg(long)]
        since: Option<String>,
    },
    /// Write an encrypted backup; the passphrase is read from standard input.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty data folder; the passphrase is read from standard input.
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
    /// Re-encrypt the vault with a new key and print the new recovery code.
    Rekey,
    /// Check that the vault file is intact.
    Check,
    /// Search message text and contact names (newest first).
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Put the vault key back in this computer's keychain using your recovery code.
    Unlock {
        /// The recovery code (read from standard input when omitted).
        #[arg(long)]
        recovery_code: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ProfileAction {
    /// Print the profile as TOML.
    Show,
    /// Replace the profile with a TOML file (see docs/profile.example.toml).
    Import {
        #[arg(long)]
        file: PathBuf,
    },
    /// Set one field, e.g. `profile set booking_link https://…`.
    Set { field: String, value: String },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AccountsAction {
    /// Connect an account with a token pasted on standard input; Meta checks it first.
    Add {
        /// instagram, messenger or whatsapp
        #[arg(long)]
        platform: leadbox_inbox::Platform,
        /// Page id, Instagram account id, or WhatsApp phone-number id.
        #[arg(long)]
        account_id: String,
        /// page (a Facebook Page token), instagram-login, or whatsapp-cloud (a system-user token)
        #[arg(long, value_parser = parse_connection)]
        connection: leadbox_inbox::Connection,
        /// The app has Meta's Human Agent feature: allow approved replies up to 7 days.
        #[arg(long)]
        human_agent: bool,
    },
    /// List accounts and whether they can send.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Connect Facebook Pages (and their Instagram accounts) through the relay's
    /// Facebook Login: prints an address to open in a browser; run `sync` after.
    Facebook,
    /// Connect an Instagram professional account through the relay's Instagram
    /// Login: prints an address to open in a browser; run `sync` after.
    Instagram,
    /// Check that Facebook still sends each page's messages (subscribe again where it
    /// stopped) and extend Instagram Login tokens.
    Check,
    /// What Meta's data-deletion request does here: `keep` the conversations of
    /// the accounts that person connected (tokens always go) or `erase` them.
    OnMetaDeletion {
        #[arg(value_parser = ["keep", "erase"])]
        choice: Option<String>,
    },
    /// Remove an account's token (its conversations stay unless --erase-conversations).
    Remove {
        #[arg(long)]
        platform: leadbox_inbox::Platform,
        #[arg(long)]
        account_id: String,
        /// Also erase every conversation, contact and lead of this account.
        #[arg(long)]
        erase_conversations: bool,
    },
}

pub(crate) fn parse_connection(text: &str) -> Result<leadbox_inbox::Connection, String> {
    match text {
        "page" => Ok(leadbox_inbox::Connection::Page),
        "instagram-login" => Ok(leadbox_inbox::Connection::InstagramLogin),
        "whatsapp-cloud" => Ok(leadbox_inbox::Connection::WhatsappCloud),
        other => Err(format!(
            "unknown connection `{other}`: use page, instagram-login or whatsapp-cloud"
        )),
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum AiAction {
    /// Print the current provider (never the key).
    Show,
    /// Choose a provider. The API key is read from standard input with --api-key-stdin.
    Set {
        /// offline, openai-compatible (OpenAI, Ollama, llama.cpp, LM Studio) or anthropic
        #[arg(long)]
        provider: leadbox_inbox::ProviderKind,
        /// e.g. https://api.openai.com/v1, http://localhost:11434/v1, https://api.anthropic.com
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        model: Option<String>,
        #[arg(long)]
        api_key_stdin: bool,
        /// Replace emails and phone numbers before text leaves this computer.
        #[arg(long)]
        redact: Option<bool>,
    },
}

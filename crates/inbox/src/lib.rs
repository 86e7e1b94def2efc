//! The desktop's engine, shared by the app and `leadbox-cli`: pairing with a
//! relay, syncing sealed envelopes, opening and ingesting them into the vault,
//! and acknowledging them only after the vault transaction has committed.

mod clock;
mod composer;
mod computers;
mod conversations;
mod data_care;
mod drafting;
mod engine;
mod error;
mod lead_forms;
mod media;
mod meta_login;
mod notification_prefs;
mod outgoing_files;
mod profiles;
mod relay_client;
mod reply_window;
mod review;
mod run_loop;
mod sending;
mod sse;
mod subscriptions;
mod sync;
mod website;
mod whatsapp_templates;

pub use clock::{Clock, SystemClock};
pub use computers::Computer;
pub use data_care::ExportScope;
pub use drafting::{AiSettings, DraftingReport, ProviderKind};
pub use engine::{Engine, Pairing};
pub use error::InboxError;
pub use leadbox_channels::Connection;
pub use leadbox_channels::events::NoticeSeverity;
pub use leadbox_drafts::BusinessProfile;
pub use leadbox_drafts::checks::Flag;
pub use leadbox_drafts::language::Lang;
pub use leadbox_drafts::placeholders::{Filled, PLACEHOLDERS};
pub use leadbox_envelope::Platform;
pub use review::{DraftReview, DraftWarning, explain_warnings};
pub use run_loop::{EngineEvent, EventSink, FollowUp, OnFailure, SyncStatus};
// The vault's types that the shells show or pass back: the shells reach the
// vault only through the engine, so they never depend on `leadbox-vault`.
pub use leadbox_channels::outgoing_files::{FileKind, FileRefused, FileType};
pub use leadbox_vault::{
    AccountRestriction, AccountRow, AccountStatus, ApprovedDraft, ContactSelector,
    ConversationPage, ConversationSummary, DailyLeads, Dashboard, DraftAuthor, DraftRow,
    DraftStateError, DraftStatus, ErasureReceipt, ExportFormat, ExportProgress, ExportSummary,
    InMemorySecretStore, LeadCard, LeadForm, LeadFormStatus, ListFilter, ListedConversation,
    MAX_MEDIA_BYTES, MediaInfo, MediaState, MentionRow, NewContact, OsKeychain, PageCursor,
    PlannedDeletion, RecoveryCode, RetentionPolicy, RetentionPreview, RetentionReport, SavedReply,
    SearchHit, SecretError, SecretStore, SnippetPart, Stage, StoredMessage, VaultError,
};
pub use media::sniff_image;
pub use meta_login::{DeletionOutcome, LoginLink, META_DELETION_ERASES};
pub use notification_prefs::{Happening, NotificationPrefs, Notify, QuietHours};
pub use outgoing_files::FileToSend;
pub use reply_window::{ReplyVerdict, ReplyWindow};
pub use subscriptions::SubscriptionReport;
pub use sync::{Backoff, PushSession, ROUTE_MOVED_NOTICE, SyncReport};
pub use website::{RefusedOrigin, WebsiteChat};
pub use whatsapp_templates::{TemplateChoice, TemplateList};

/// Where Leadbox keeps its data when no folder is given: the platform's data
/// folder joined with the app identifier, the same folder the desktop app uses.
pub fn default_data_dir() -> Option<std::path::PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.data_dir().join("app.leadbox.desktop"))
}

pub use leadbox_envelope::now_ms;

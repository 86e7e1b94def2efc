//! The encrypted local store of the Leadbox desktop.
//!
//! One SQLCipher database per data directory, keyed with 32 random bytes that
//! live in the OS keychain (through [`SecretStore`]) and nowhere on disk. The
//! owner gets a recovery code when the vault is created; without the keychain
//! entry or that code, the vault stays closed: there is no plaintext fallback.

mod accounts;
mod backup;
pub use backup::BackupSecret;
mod dashboard;
mod draft_status;
mod drafts;
mod erasure;
mod error;
mod export;
mod export_csv;
mod export_media;
mod ingest;
mod key;
mod lead_forms;
mod media;
mod owner_replies;
mod pipeline;
mod pool;
mod queries;
mod replies;
mod retention;
mod saved_replies;
mod schema;
mod search;
mod secret_kind;
pub mod secrets;
mod sent_files;
#[cfg(test)]
mod testing;
mod text_enum;
mod vault;
mod whatsapp_templates;

pub use accounts::{AccountRow, AccountStatus, UnnamedContact};
pub use dashboard::{DailyLeads, Dashboard};
pub use draft_status::{DraftAuthor, DraftStatus};
pub use drafts::{ApprovedDraft, DraftContext, DraftOutcome, DraftRow};
pub use erasure::{ContactSelector, ErasureReceipt};
pub use error::{DraftStateError, VaultError};
pub use export::{
    EXPORT_SCHEMA_VERSION, ExportFilter, ExportFormat, ExportProgress, ExportSummary,
};
pub use ingest::AccountRestriction;
pub use ingest::{IngestReport, NewContact};
pub use key::{RecoveryCode, VaultKey};
pub use lead_forms::{LeadForm, LeadFormAnswers, LeadFormStatus};
pub use media::{MAX_MEDIA_BYTES, MediaInfo, MediaState, MediaToFetch, file_extension};
pub use pipeline::{
    ConversationPage, LeadCard, ListFilter, ListedConversation, PageCursor, Stage, clean_labels,
};
pub use pool::{DEFAULT_READERS, Reader, VaultPool, WriterGuard};
pub use queries::{ConversationSummary, MentionRow, MessageKind, StoredMessage};
pub use replies::{CommentTarget, ReplyTarget};
pub use retention::{DAY_MS, PlannedDeletion, RetentionPolicy, RetentionPreview, RetentionReport};
pub use saved_replies::{
    MAX_SAVED_REPLIES, SAVED_REPLY_TEXT_MAX, SAVED_REPLY_TITLE_MAX, SavedReply,
};
pub use search::{SearchHit, SnippetPart};
pub use secret_kind::SecretKind;
pub use secrets::{InMemorySecretStore, OsKeychain, SecretError, SecretStore};
pub use sent_files::{SentFile, SentWords};
pub use vault::{DATABASE_FILE, Opened, Vault};
pub use whatsapp_templates::{TemplateStatus, WhatsappTemplate};

//! The owner's data controls: retention, erasure, export, backup, the
//! vault's key and its health. Long jobs run on a reader connection (a purge
//! takes the write turn chunk by chunk), so the window and sync go on.

use std::path::Path;

use leadbox_vault::{
    BackupSecret, ContactSelector, DAY_MS, ErasureReceipt, ExportFilter, ExportFormat,
    ExportProgress, ExportSummary, RecoveryCode, RetentionPolicy, RetentionPreview,
    RetentionReport, SecretKind,
};

use crate::{Engine, InboxError};

/// How far ahead a retention preview looks.
const PREVIEW_DAYS: i64 = 7;

/// Whose data an export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    Everything,
    /// The person a conversation is with.
    PersonOfConversation(i64),
    /// A person named by platform and id, phone or email.
    Person(ContactSelector),
}

impl Engine {
    pub fn retention_policy(&self) -> Result<RetentionPolicy, InboxError> {
        Ok(self.reader()?.retention_policy()?)
    }

    /// Saves the policy (refused with the reason if a period is out of range).
    pub fn set_retention_policy(&self, policy: &RetentionPolicy) -> Result<(), InboxError> {
        Ok(self.vault().set_retention_policy(policy)?)
    }

    /// What the saved policy deletes in the next 7 days.
    pub fn retention_preview(&self) -> Result<RetentionPreview, InboxError> {
        Ok(self
            .reader()?
            .retention_preview(self.now_ms(), PREVIEW_DAYS * DAY_MS)?)
    }

    /// What `policy` would delete in the next 7 days, before it is saved.
    pub fn retention_preview_of(
        &self,
        policy: &RetentionPolicy,
    ) -> Result<RetentionPreview, InboxError> {
        Ok(self
            .reader()?
            .retention_preview_of(policy, self.now_ms(), PREVIEW_DAYS * DAY_MS)?)
    }

    /// Applies the retention policy now. Blocking and possibly long: call it
    /// off the async runtime (`spawn_blocking`).
    pub fn run_retention(&self) -> Result<RetentionReport, InboxError> {
        Ok(self.pool().run_retention(self.now_ms())?)
    }

    /// Erases everything held about the person a conversation is with.
    pub fn erase_person_of_conversation(
        &self,
        conversation_id: i64,
    ) -> Result<ErasureReceipt, InboxError> {
        let person = self.person_of(conversation_id)?;
        self.erase_person(&person)
    }

    /// Erases everything held about one person: contact, conversations,
    /// messages, drafts, lead records and search entries.
    pub fn erase_person(&self, person: &ContactSelector) -> Result<ErasureReceipt, InboxError> {
        Ok(self.vault().erase_person(person)?)
    }

    /// Exports into `dir` (empty or not there yet), reporting progress.
    /// Blocking and possibly long: call it off the async runtime.
    pub fn export(
        &self,
        dir: &Path,
        format: ExportFormat,
        scope: ExportScope,
        since_ms: Option<i64>,
        progress: &mut dyn FnMut(&ExportProgress),
    ) -> Result<ExportSummary, InboxError> {
        let person = match scope {
            ExportScope::Everything => None,
            ExportScope::PersonOfConversation(id) => Some(self.person_of(id)?),
            ExportScope::Person(person) => Some(person),
        };
        let filter = ExportFilter { person, since_ms };
        Ok(self.reader()?.export(dir, format, &filter, progress)?)
    }

    /// Writes an encrypted backup of the vault and of this computer's logins
    /// (relay, accounts, AI key), so a restore elsewhere is connected as this
    /// computer was. Returns the file's size. Blocking: call it off the runtime.
    pub fn backup(&self, out: &Path, passphrase: &str) -> Result<u64, InboxError> {
        let mut kinds: Vec<SecretKind> = SecretKind::CARRIED.into();
        for account in self.accounts()? {
            kinds.push(SecretKind::account_token(
                account.platform,
                &account.platform_account_id,
            ));
        }
        let mut carried = Vec::new();
        for kind in kinds {
            if let Some(value) = self.secrets().get(&self.secret_name(&kind))? {
                carried.push(BackupSecret {
                    what: kind.label(),
                    value,
                });
            }
        }
        Ok(self.reader()?.backup(out, passphrase, &carried)?)
    }

    /// Re-encrypts the vault with a new key; the old recovery code stops working.
    pub fn rotate_key(&self) -> Result<RecoveryCode, InboxError> {
        Ok(self.pool().rotate_key(self.secrets())?)
    }

    /// Checks every page of the vault; an error names what is damaged.
    pub fn integrity_check(&self) -> Result<(), InboxError> {
        Ok(self.reader()?.integrity_check()?)
    }

    fn person_of(&self, conversation_id: i64) -> Result<ContactSelector, InboxError> {
        self.reader()?
            .conversation_person(conversation_id)?
            .ok_or(InboxError::NoSuchConversation(conversation_id))
    }
}

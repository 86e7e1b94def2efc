use std::path::PathBuf;

use crate::DraftStatus;
use crate::secrets::SecretError;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("there is no Leadbox vault in {0}; nothing was created there")]
    NoVault(PathBuf),
    #[error(
        "the key for the vault at {0} is not in this computer's keychain; unlock it with your recovery code (leadbox-cli unlock)"
    )]
    KeyMissing(PathBuf),
    #[error(
        "the key does not open the vault at {0}: wrong key or recovery code, or the file is damaged; nothing was changed"
    )]
    WrongKey(PathBuf),
    #[error(
        "the vault at {0} is incomplete (its vault-id file is missing); restore it from a backup"
    )]
    MissingId(PathBuf),
    #[error(
        "that recovery code is not valid: it is 64 letters and digits (0-9, a-f), dashes optional"
    )]
    BadRecoveryCode,
    #[error("the keychain failed: {0}")]
    Keychain(#[from] SecretError),
    #[error("the vault database failed: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the vault could not be upgraded: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error(transparent)]
    DraftState(#[from] DraftStateError),
    #[error("the passphrase does not open this backup; nothing was restored")]
    BackupPassphrase,
    #[error("{0} is not a Leadbox backup")]
    NotABackup(PathBuf),
    #[error("the backup failed: {0}")]
    Backup(String),
    #[error(
        "the vault at {0} is damaged ({1}); nothing was written over it: restore from a backup"
    )]
    Damaged(PathBuf, String),
    #[error("that setting is not valid: {0}")]
    InvalidSetting(String),
    #[error("{0}")]
    Invalid(String),
    #[error("that {0} is not in the vault (it may have been erased)")]
    NotFound(&'static str),
    #[error("cannot tell who that is: {0}")]
    InvalidSelector(String),
    #[error("nobody in the vault matches {0}; nothing was erased")]
    NoSuchPerson(String),
    #[error("cannot use the data folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl VaultError {
    /// A database error that means the file is damaged (a page failed
    /// SQLCipher's authentication, or SQLite found it malformed) becomes
    /// [`VaultError::Damaged`]; anything else is returned as it was.
    pub(crate) fn damage_at(self, path: &std::path::Path) -> VaultError {
        let code = match &self {
            VaultError::Database(error) => error.sqlite_error_code(),
            VaultError::Migration(rusqlite_migration::Error::RusqliteError { err, .. }) => {
                err.sqlite_error_code()
            }
            _ => None,
        };
        match code {
            Some(rusqlite::ErrorCode::NotADatabase) => VaultError::Damaged(
                path.to_owned(),
                "a page failed its authentication check".into(),
            ),
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                VaultError::Damaged(path.to_owned(), "the database file is malformed".into())
            }
            _ => self,
        }
    }
}

/// Why a draft cannot take the step the owner asked for.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DraftStateError {
    #[error("there is no draft {0}")]
    NotFound(i64),
    #[error("draft {id} is {status}; only a draft waiting for review can be {action}")]
    WrongState {
        id: i64,
        status: DraftStatus,
        action: &'static str,
    },
    #[error("an approved reply cannot be empty")]
    EmptyText,
}

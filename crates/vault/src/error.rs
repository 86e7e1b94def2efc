use std::path::PathBuf;

use crate::secrets::SecretError;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
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
    DraftState(#[from] crate::drafts::DraftStateError),
    #[error("cannot use the data folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

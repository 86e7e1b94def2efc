//! What the window receives when a command fails: a code to branch on (one
//! enum, exported to TypeScript) and a sentence a business owner can act
//! on. The full error goes to the log; internals never reach the window.

use leadbox_inbox::{InboxError, VaultError};
use serde::Serialize;

/// Every reason a command can fail, as the window sees it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotPaired,
    RelayUnreachable,
    RelayRefused,
    BadRelayUrl,
    UnsafeAddress,
    DeviceKeyDamaged,
    ProfileInvalid,
    SettingsInvalid,
    NotSent,
    /// A photo or file this conversation's platform does not take.
    FileRefused,
    /// A file went but the words sent after it did not.
    PartlySent,
    VaultExists,
    /// The conversation, draft or person is gone (erased, or purged).
    NotFound,
    /// The draft is not in a state that allows this (sent already, say).
    DraftState,
    /// The vault does not open: no key in the keychain, a wrong key or code.
    VaultLocked,
    VaultDamaged,
    /// The OS keychain refused or is unavailable.
    KeychainFailed,
    BackupFailed,
    BackupNotFound,
    /// A folder or file could not be read or written.
    DiskFailed,
    /// Something the owner typed is not valid (a period, a selector).
    InvalidInput,
    /// The vault's database failed; the details are in the log.
    VaultFailed,
    NotSetUp,
    AlreadyOpen,
    BadFormat,
    BadProvider,
    NoLink,
    NoBrowser,
    /// Checking for, downloading or installing a new version failed.
    UpdateFailed,
    NotificationFailed,
    /// The job stopped unexpectedly (a panic on its thread).
    Stopped,
}

/// What the window receives when a command fails: a stable code to branch
/// on and a sentence a business owner can act on.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
        }
    }

    pub fn locked(message: impl Into<String>) -> Self {
        CommandError::new(ErrorCode::VaultLocked, message)
    }

    pub fn stopped() -> Self {
        CommandError::new(
            ErrorCode::Stopped,
            "the job stopped unexpectedly; nothing else was changed, try again",
        )
    }
}

fn vault_code(error: &VaultError) -> ErrorCode {
    match error {
        VaultError::NoVault(_)
        | VaultError::KeyMissing(_)
        | VaultError::WrongKey(_)
        | VaultError::MissingId(_)
        | VaultError::BadRecoveryCode => ErrorCode::VaultLocked,
        VaultError::Keychain(_) => ErrorCode::KeychainFailed,
        VaultError::Database(_) => ErrorCode::VaultFailed,
        VaultError::Migration(_) | VaultError::Damaged(..) => ErrorCode::VaultDamaged,
        VaultError::DraftState(leadbox_inbox::DraftStateError::NotFound(_)) => ErrorCode::NotFound,
        VaultError::DraftState(_) => ErrorCode::DraftState,
        VaultError::BackupPassphrase | VaultError::NotABackup(_) | VaultError::Backup(_) => {
            ErrorCode::BackupFailed
        }
        VaultError::InvalidSetting(_) | VaultError::Invalid(_) | VaultError::InvalidSelector(_) => {
            ErrorCode::InvalidInput
        }
        VaultError::NotFound(_) | VaultError::NoSuchPerson(_) => ErrorCode::NotFound,
        VaultError::Io { .. } => ErrorCode::DiskFailed,
    }
}

fn code_of(error: &InboxError) -> ErrorCode {
    match error {
        InboxError::NotPaired => ErrorCode::NotPaired,
        InboxError::RelayUnreachable { .. } => ErrorCode::RelayUnreachable,
        InboxError::Relay { .. } => ErrorCode::RelayRefused,
        InboxError::BadRelayUrl(_) => ErrorCode::BadRelayUrl,
        InboxError::UnsafeAddress(_) => ErrorCode::UnsafeAddress,
        InboxError::Vault(error) => vault_code(error),
        InboxError::Keychain(_) => ErrorCode::KeychainFailed,
        InboxError::DamagedDeviceKey => ErrorCode::DeviceKeyDamaged,
        InboxError::Profile(_) => ErrorCode::ProfileInvalid,
        InboxError::Settings(_) => ErrorCode::SettingsInvalid,
        InboxError::NotSent(_) => ErrorCode::NotSent,
        InboxError::FileRefused(_) => ErrorCode::FileRefused,
        InboxError::PartlySent { .. } => ErrorCode::PartlySent,
        InboxError::VaultExists(_) => ErrorCode::VaultExists,
        InboxError::NoSuchConversation(_) | InboxError::NoSuchDraft(_) => ErrorCode::NotFound,
    }
}

impl From<InboxError> for CommandError {
    fn from(error: InboxError) -> Self {
        let code = code_of(&error);
        // The log has the whole error; the window gets words, and for a
        // database failure no SQLite internals.
        tracing::warn!(?code, %error, "command failed");
        let message = match code {
            ErrorCode::VaultFailed => "Leadbox could not read or write its data just now; try again, and if it keeps happening run a check of the vault (leadbox-cli check)".to_owned(),
            _ => error.to_string(),
        };
        CommandError { code, message }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// An error that the window receives with `code`: one per code, so a new
    /// code cannot be added without showing where it comes from.
    fn example(code: ErrorCode) -> CommandError {
        let vault = |error: VaultError| CommandError::from(InboxError::Vault(error));
        let path = || PathBuf::from("/data");
        match code {
            ErrorCode::NotPaired => InboxError::NotPaired.into(),
            ErrorCode::RelayUnreachable => InboxError::RelayUnreachable {
                url: "http://r".into(),
            }
            .into(),
            ErrorCode::RelayRefused => InboxError::Relay {
                status: 403,
                code: "revoked".into(),
                message: "this computer was removed".into(),
            }
            .into(),
            ErrorCode::BadRelayUrl => InboxError::BadRelayUrl("ftp://r".into()).into(),
            ErrorCode::UnsafeAddress => InboxError::UnsafeAddress("javascript:x".into()).into(),
            ErrorCode::DeviceKeyDamaged => InboxError::DamagedDeviceKey.into(),
            ErrorCode::ProfileInvalid => InboxError::Profile("no name".into()).into(),
            ErrorCode::SettingsInvalid => InboxError::Settings("no model".into()).into(),
            ErrorCode::NotSent => InboxError::NotSent("the window closed".into()).into(),
            ErrorCode::FileRefused => {
                InboxError::FileRefused(leadbox_inbox::FileRefused::UnknownType).into()
            }
            ErrorCode::PartlySent => InboxError::PartlySent {
                file: "photo",
                reason: "Meta is rate-limiting this account".into(),
            }
            .into(),
            ErrorCode::VaultExists => InboxError::VaultExists(path()).into(),
            ErrorCode::NotFound => InboxError::NoSuchConversation(7).into(),
            ErrorCode::DraftState => vault(VaultError::DraftState(
                leadbox_inbox::DraftStateError::EmptyText,
            )),
            ErrorCode::VaultLocked => vault(VaultError::KeyMissing(path())),
            ErrorCode::VaultDamaged => vault(VaultError::Damaged(path(), "malformed".into())),
            ErrorCode::KeychainFailed => vault(VaultError::Keychain(
                leadbox_inbox::SecretError::Unavailable("no secret service".into()),
            )),
            ErrorCode::BackupFailed => vault(VaultError::BackupPassphrase),
            ErrorCode::DiskFailed => vault(VaultError::Io {
                path: path(),
                source: std::io::Error::other("read-only"),
            }),
            ErrorCode::InvalidInput => vault(VaultError::InvalidSetting("0 days".into())),
            ErrorCode::VaultFailed => vault(VaultError::Database(rusqlite_error_for_test())),
            ErrorCode::BackupNotFound
            | ErrorCode::NotSetUp
            | ErrorCode::AlreadyOpen
            | ErrorCode::BadFormat
            | ErrorCode::BadProvider
            | ErrorCode::NoLink
            | ErrorCode::NoBrowser
            | ErrorCode::UpdateFailed
            | ErrorCode::NotificationFailed
            | ErrorCode::Stopped => CommandError::new(code, "made by the shell itself"),
        }
    }

    fn rusqlite_error_for_test() -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(1),
            Some("no such table: secret_internal_name".into()),
        )
    }

    #[test]
    fn each_code_comes_from_its_error_with_a_sentence_for_the_owner() {
        let codes = [
            ErrorCode::NotPaired,
            ErrorCode::RelayUnreachable,
            ErrorCode::RelayRefused,
            ErrorCode::BadRelayUrl,
            ErrorCode::UnsafeAddress,
            ErrorCode::DeviceKeyDamaged,
            ErrorCode::ProfileInvalid,
            ErrorCode::SettingsInvalid,
            ErrorCode::NotSent,
            ErrorCode::FileRefused,
            ErrorCode::PartlySent,
            ErrorCode::VaultExists,
            ErrorCode::NotFound,
            ErrorCode::DraftState,
            ErrorCode::VaultLocked,
            ErrorCode::VaultDamaged,
            ErrorCode::KeychainFailed,
            ErrorCode::BackupFailed,
            ErrorCode::BackupNotFound,
            ErrorCode::DiskFailed,
            ErrorCode::InvalidInput,
            ErrorCode::VaultFailed,
            ErrorCode::NotSetUp,
            ErrorCode::AlreadyOpen,
            ErrorCode::BadFormat,
            ErrorCode::BadProvider,
            ErrorCode::NoLink,
            ErrorCode::NoBrowser,
            ErrorCode::UpdateFailed,
            ErrorCode::NotificationFailed,
            ErrorCode::Stopped,
        ];
        for code in codes {
            let error = example(code);
            assert_eq!(error.code, code);
            assert!(!error.message.trim().is_empty(), "{code:?}");
        }
    }

    #[test]
    fn errors_reach_the_window_as_a_snake_case_code_and_a_plain_sentence() {
        let json = serde_json::to_value(CommandError::from(InboxError::RelayUnreachable {
            url: "http://r".into(),
        }))
        .unwrap();
        assert_eq!(json["code"], "relay_unreachable");
        assert!(json["message"].as_str().unwrap().contains("http://r"));
        let error = CommandError::from(InboxError::NotPaired);
        assert!(error.message.starts_with("this computer is not paired"));
    }

    #[test]
    fn a_database_failure_shows_no_sqlite_internals() {
        let error = example(ErrorCode::VaultFailed);
        assert!(!error.message.contains("secret_internal_name"));
        assert!(error.message.contains("try again"));
    }
}

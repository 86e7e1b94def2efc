//! Where secrets live: the OS keychain in the app, an in-memory map in tests.

use std::collections::HashMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "the OS keychain is not available ({0}); on Linux, Leadbox needs a Secret Service such as GNOME Keyring or KWallet running and unlocked"
    )]
    Unavailable(String),
    #[error("the OS keychain refused access: {0}")]
    Denied(String),
}

/// A named-secret store. Names are short ASCII strings such as `vault-key:<id>`.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretError>;
    fn delete(&self, name: &str) -> Result<(), SecretError>;
}

/// The operating system's keychain: Keychain on macOS, Credential Manager on
/// Windows, the Secret Service (GNOME Keyring, KWallet) on Linux.
#[derive(Debug, Clone)]
pub struct OsKeychain {
    service: String,
}

impl OsKeychain {
    pub fn new(service: impl Into<String>) -> Self {
        OsKeychain {
            service: service.into(),
        }
    }

    fn entry(&self, name: &str) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(&self.service, name)
    }
}

impl Default for OsKeychain {
    fn default() -> Self {
        OsKeychain::new("app.leadbox.desktop")
    }
}

fn map_keyring_error(error: keyring::Error) -> SecretError {
    match error {
        keyring::Error::NoStorageAccess(e) | keyring::Error::PlatformFailure(e) => {
            SecretError::Unavailable(e.to_string())
        }
        other => SecretError::Denied(other.to_string()),
    }
}

impl SecretStore for OsKeychain {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError> {
        match with_one_retry(|| self.entry(name)?.get_secret()) {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(map_keyring_error(error)),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        with_one_retry(|| self.entry(name)?.set_secret(secret)).map_err(map_keyring_error)
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match with_one_retry(|| self.entry(name)?.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(map_keyring_error(error)),
        }
    }
}

const RETRY_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// Calls the keychain, and once more if it was unreachable. GNOME Keyring
/// aborts now and then when another client vanishes mid-request (an upstream
/// race); the session's systemd or D-Bus starts it again within moments, so
/// one failure of that kind is not yet worth a locked vault. Every call is
/// idempotent: reading, writing the same value, deleting.
fn with_one_retry<T>(mut call: impl FnMut() -> keyring::Result<T>) -> keyring::Result<T> {
    match call() {
        Err(keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_)) => {
            tracing::warn!("the OS keychain did not answer; trying once more");
            std::thread::sleep(RETRY_AFTER);
            call()
        }
        other => other,
    }
}

/// Keeps secrets in memory for the life of the value: for tests, never for real data.
#[derive(Debug, Default)]
pub struct InMemorySecretStore {
    secrets: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

impl InMemorySecretStore {
    #[cfg(test)]
    pub(crate) fn names(&self) -> Vec<String> {
        let secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        secrets.keys().cloned().collect()
    }
}

impl SecretStore for InMemorySecretStore {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError> {
        let secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        Ok(secrets.get(name).cloned())
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        let mut secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        secrets.insert(name.to_owned(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        let mut secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        secrets.remove(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable_keychain() -> keyring::Error {
        keyring::Error::PlatformFailure("Message recipient disconnected from message bus".into())
    }

    #[test]
    fn a_keychain_that_failed_once_is_asked_again() {
        let mut calls = 0;
        let answer = with_one_retry(|| {
            calls += 1;
            if calls == 1 {
                Err(unreachable_keychain())
            } else {
                Ok(b"key".to_vec())
            }
        });
        assert_eq!(answer.unwrap(), b"key");
        assert_eq!(calls, 2);
    }

    #[test]
    fn a_second_failure_is_reported_and_not_retried_again() {
        let mut calls = 0;
        let answer: keyring::Result<()> = with_one_retry(|| {
            calls += 1;
            Err(unreachable_keychain())
        });
        assert!(matches!(
            map_keyring_error(answer.unwrap_err()),
            SecretError::Unavailable(_)
        ));
        assert_eq!(calls, 2);
    }

    #[test]
    fn answers_from_a_working_keychain_are_not_retried() {
        let mut calls = 0;
        let answer: keyring::Result<Vec<u8>> = with_one_retry(|| {
            calls += 1;
            Err(keyring::Error::NoEntry)
        });
        assert!(matches!(answer, Err(keyring::Error::NoEntry)));
        assert_eq!(calls, 1);
    }
}

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::VaultError;
use crate::key::{RecoveryCode, VaultKey};
use crate::schema::migrations;
use crate::secrets::SecretStore;

/// The vault's file name inside the data folder.
pub const DATABASE_FILE: &str = "leadbox.vault";
pub(crate) const ID_FILE: &str = "vault-id";

/// An open, unlocked vault.
#[derive(Debug)]
pub struct Vault {
    pub(crate) conn: Connection,
    path: PathBuf,
    id: String,
    /// Kept so that the pool (`pool.rs`) can open more connections
    /// to the same file; `None` only for the benchmark's plaintext vault.
    pub(crate) key: Option<VaultKey>,
}

/// What opening a data folder produced.
#[derive(Debug)]
pub enum Opened {
    /// A vault that already existed.
    Existing(Vault),
    /// A new vault; show the recovery code to the owner once.
    Created(Vault, RecoveryCode),
}

impl Opened {
    pub fn into_vault(self) -> Vault {
        match self {
            Opened::Existing(vault) | Opened::Created(vault, _) => vault,
        }
    }
}

/// The keychain name of a secret a backup carried, by its label (which a
/// newer Leadbox may have written): the label followed by the vault's id.
pub(crate) fn secret_name(vault_id: &str, label: &str) -> String {
    format!("{label}:{vault_id}")
}

pub(crate) fn key_name(vault_id: &str) -> String {
    crate::SecretKind::VaultKey.entry(vault_id)
}

/// Where a new key waits while the vault is being re-encrypted with it.
pub(crate) fn pending_key_name(vault_id: &str) -> String {
    crate::SecretKind::PendingVaultKey.entry(vault_id)
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> VaultError + '_ {
    move |source| VaultError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The vault file in `data_dir`, which must exist: SQLite would otherwise
/// create an empty database on the way to failing.
fn existing_database(data_dir: &Path) -> Result<PathBuf, VaultError> {
    let path = data_dir.join(DATABASE_FILE);
    if path.exists() {
        Ok(path)
    } else {
        Err(VaultError::NoVault(data_dir.to_owned()))
    }
}

impl Vault {
    /// Opens the vault in `data_dir`, creating it (and its key) only when no
    /// vault file exists there. An existing vault is never replaced.
    pub fn open_or_create(
        data_dir: &Path,
        secrets: &dyn SecretStore,
    ) -> Result<Opened, VaultError> {
        let path = data_dir.join(DATABASE_FILE);
        if path.exists() {
            return Ok(Opened::Existing(Vault::open(data_dir, secrets)?));
        }
        std::fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
        let vault_id = uuid::Uuid::new_v4().to_string();
        let key = VaultKey::generate();
        // The key goes to the keychain first: a vault whose key was never saved
        // would be unreadable the moment this process exits.
        secrets.set(&key_name(&vault_id), key.expose_bytes())?;
        let id_path = data_dir.join(ID_FILE);
        std::fs::write(&id_path, &vault_id).map_err(io_error(&id_path))?;
        let vault = Vault::connect(&path, &key, vault_id.clone())?;
        tracing::info!(vault = %vault_id, "created a new vault");
        Ok(Opened::Created(vault, key.recovery_code()))
    }

    /// Opens an existing vault with the key from the keychain. A folder
    /// without a vault is an error, and nothing is written to it.
    pub fn open(data_dir: &Path, secrets: &dyn SecretStore) -> Result<Vault, VaultError> {
        let path = existing_database(data_dir)?;
        let vault_id = read_vault_id(data_dir)?;
        let stored = secrets
            .get(&key_name(&vault_id))?
            .ok_or_else(|| VaultError::KeyMissing(path.clone()))?;
        let key =
            VaultKey::from_bytes(&stored).ok_or_else(|| VaultError::WrongKey(path.clone()))?;
        match Vault::connect(&path, &key, vault_id.clone()) {
            Err(VaultError::WrongKey(_)) => Vault::finish_key_rotation(&path, vault_id, secrets),
            other => other,
        }
    }

    /// A key rotation that stopped after the database was re-encrypted left the
    /// new key in the keychain as pending: use it and make it the key.
    fn finish_key_rotation(
        path: &Path,
        vault_id: String,
        secrets: &dyn SecretStore,
    ) -> Result<Vault, VaultError> {
        let pending_name = pending_key_name(&vault_id);
        let pending = secrets
            .get(&pending_name)?
            .and_then(|bytes| VaultKey::from_bytes(&bytes))
            .ok_or_else(|| VaultError::WrongKey(path.to_owned()))?;
        let vault = Vault::connect(path, &pending, vault_id.clone())?;
        secrets.set(&key_name(&vault_id), pending.expose_bytes())?;
        secrets.delete(&pending_name)?;
        tracing::info!(vault = %vault_id, "finished an interrupted key rotation");
        Ok(vault)
    }

    /// Checks a recovery code against the vault and, when it opens it, puts the
    /// key back in the keychain.
    pub fn unlock_with_recovery_code(
        data_dir: &Path,
        secrets: &dyn SecretStore,
        code: &str,
    ) -> Result<Vault, VaultError> {
        let key = VaultKey::from_recovery_code(code)?;
        let path = existing_database(data_dir)?;
        let vault_id = read_vault_id(data_dir)?;
        let vault = Vault::connect(&path, &key, vault_id.clone())?;
        secrets.set(&key_name(&vault_id), key.expose_bytes())?;
        Ok(vault)
    }

    /// The same vault without encryption, so benchmarks can measure what
    /// SQLCipher costs. Never built into the app or the CLI.
    #[cfg(feature = "bench-plaintext")]
    #[doc(hidden)]
    pub fn open_plaintext_for_benchmark(data_dir: &Path) -> Result<Vault, VaultError> {
        std::fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
        Vault::connect_with(&data_dir.join(DATABASE_FILE), None, "plaintext".into())
    }

    pub(crate) fn connect(path: &Path, key: &VaultKey, id: String) -> Result<Vault, VaultError> {
        Vault::connect_with(path, Some(key), id)
    }

    /// Opens the file and brings its schema up to date. A damaged file is
    /// reported as [`VaultError::Damaged`], whichever step finds it.
    fn connect_with(path: &Path, key: Option<&VaultKey>, id: String) -> Result<Vault, VaultError> {
        Vault::connect_and_upgrade(path, key, id).map_err(|error| error.damage_at(path))
    }

    fn connect_and_upgrade(
        path: &Path,
        key: Option<&VaultKey>,
        id: String,
    ) -> Result<Vault, VaultError> {
        let existed = path.exists();
        let mut conn = open_connection(path)?;
        if let Some(key) = key {
            conn.pragma_update(None, "key", key.pragma_value().as_str())?;
        }
        // The first read is where SQLCipher finds out whether the key fits.
        if let Err(error) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            return Err(match error.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) if existed => {
                    VaultError::WrongKey(path.to_owned())
                }
                _ => VaultError::Database(error),
            });
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted rows are overwritten with zeros, so an erased person's text does
        // not linger in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // Ingest alone cycles through about twenty statements.
        conn.set_prepared_statement_cache_capacity(64);
        // Up to 64 MiB of decrypted pages: SQLCipher decrypts and checks every
        // page it reads, so re-reading evicted pages is what makes large
        // ingests and purges slow.
        conn.pragma_update(None, "cache_size", -65_536)?;
        migrations().to_latest(&mut conn)?;
        let mut vault = Vault {
            conn,
            path: path.to_owned(),
            id,
            key: key.map(VaultKey::duplicate),
        };
        vault.ensure_index_secure_delete()?;
        vault.ensure_index_delete_trigger()?;
        Ok(vault)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What another connection to this vault's file needs.
    pub(crate) fn sibling_recipe(&self) -> SiblingRecipe {
        SiblingRecipe {
            path: self.path.clone(),
            id: self.id.clone(),
            key: self.key.as_ref().map(VaultKey::duplicate),
        }
    }

    /// A write transaction that takes SQLite's write lock at once: with more
    /// than one connection, a deferred transaction that read first could fail
    /// with "database is locked" instead of waiting its turn.
    pub(crate) fn write_transaction(&mut self) -> rusqlite::Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
    }

    /// A random id naming this vault's secrets in the keychain; not secret itself.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, VaultError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), VaultError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Sets several settings in one transaction: all of them or none.
    pub fn set_settings(&mut self, pairs: &[(&str, &str)]) -> Result<(), VaultError> {
        let tx = self.write_transaction()?;
        for (key, value) in pairs {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn delete_setting(&self, key: &str) -> Result<(), VaultError> {
        self.conn
            .execute("DELETE FROM settings WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Keeps an envelope this device could not open, still sealed, so that
    /// acknowledging it at the relay never loses it.
    pub fn keep_unreadable_envelope(
        &self,
        envelope_id: &str,
        sealed: &str,
        reason: &str,
    ) -> Result<(), VaultError> {
        self.conn.execute(
            "INSERT INTO unreadable_envelopes (envelope_id, sealed, reason, stored_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(envelope_id) DO NOTHING",
            rusqlite::params![envelope_id, sealed, reason, leadbox_channels::now_ms()],
        )?;
        Ok(())
    }

    /// Records what happened, with ids and counts only, never personal data.
    pub fn audit(&self, action: &str, detail: &str) -> Result<(), VaultError> {
        self.conn.execute(
            "INSERT INTO audit_log (at, action, detail) VALUES (?1, ?2, ?3)",
            rusqlite::params![leadbox_channels::now_ms(), action, detail],
        )?;
        Ok(())
    }
}

/// How to open another connection to an open vault's file, for reading
/// beside the writer (WAL lets readers and one writer work at once).
#[derive(Debug)]
pub(crate) struct SiblingRecipe {
    path: PathBuf,
    id: String,
    pub(crate) key: Option<VaultKey>,
}

impl SiblingRecipe {
    /// A copy to open a connection with outside the pool's lock.
    pub(crate) fn clone_for_opening(&self) -> SiblingRecipe {
        SiblingRecipe {
            path: self.path.clone(),
            id: self.id.clone(),
            key: self.key.as_ref().map(VaultKey::duplicate),
        }
    }

    /// The schema is already migrated by the first connection, so this one
    /// only keys and tunes.
    pub(crate) fn open(&self) -> Result<Vault, VaultError> {
        let conn = open_connection(&self.path)?;
        if let Some(key) = &self.key {
            conn.pragma_update(None, "key", key.pragma_value().as_str())?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.set_prepared_statement_cache_capacity(64);
        // Readers page through the list and search: 16 MiB of decrypted pages each.
        conn.pragma_update(None, "cache_size", -16_384)?;
        Ok(Vault {
            conn,
            path: self.path.clone(),
            id: self.id.clone(),
            key: self.key.as_ref().map(VaultKey::duplicate),
        })
    }
}

fn read_vault_id(data_dir: &Path) -> Result<String, VaultError> {
    let id_path = data_dir.join(ID_FILE);
    match std::fs::read_to_string(&id_path) {
        Ok(id) if !id.trim().is_empty() => Ok(id.trim().to_owned()),
        Ok(_) => Err(VaultError::MissingId(data_dir.to_owned())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Err(VaultError::MissingId(data_dir.to_owned()))
        }
        Err(source) => Err(VaultError::Io {
            path: id_path,
            source,
        }),
    }
}

/// Opens a connection once SQLite has finished initializing in this process.
///
/// SQLCipher registers `sqlcipher_export` (backups, the erasure check) just
/// after SQLite marks itself initialized, so a connection opened on another
/// thread during the process's first open could lack it. The first open here
/// runs alone; every other waits for it.
fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    static SQLITE_READY: std::sync::Once = std::sync::Once::new();
    SQLITE_READY.call_once(|| {
        // Initialization happens inside the open; a failure here shows again,
        // with its path, in the open below.
        let _ = Connection::open_in_memory();
    });
    Connection::open(path)
}

#[cfg(test)]
mod tests;

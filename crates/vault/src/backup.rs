//! Encrypted backups, restore on a new machine, and vault key rotation.
//!
//! A backup is an age file sealed with the owner's passphrase (age's scrypt
//! recipient). Inside: a one-line header with the key of a fresh SQLCipher
//! copy of the vault (made by `sqlcipher_export`) and the vault's secrets from
//! the keychain (relay, accounts, AI key), then that copy's bytes. No
//! plaintext database ever touches the disk.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::key::{RecoveryCode, VaultKey};
use crate::secrets::SecretStore;
use crate::vault::{DATABASE_FILE, ID_FILE, key_name, pending_key_name, secret_name};
use crate::{Vault, VaultError};

const MAGIC: &str = "LEADBOX-BACKUP 1";

#[derive(Serialize, Deserialize)]
struct Header {
    /// The key of the database copy that follows, hex-encoded.
    key: Zeroizing<String>,
    schema_version: i64,
    created_at_ms: i64,
    /// The vault's keychain secrets, so the restored computer is connected as
    /// this one was. Older backups have none.
    #[serde(default)]
    secrets: Vec<CarriedSecret>,
}

#[derive(Serialize, Deserialize)]
struct CarriedSecret {
    /// What the secret is (`relay-token`, `account-token:…`), without the vault id.
    what: String,
    /// The secret's bytes, hex-encoded.
    value: Zeroizing<String>,
}

/// One keychain secret a backup carries: `what` as in [`secret_name`].
#[derive(Debug)]
pub struct BackupSecret {
    pub what: String,
    pub value: Zeroizing<Vec<u8>>,
}

fn valid_secret_label(what: &str) -> bool {
    !what.is_empty()
        && what.len() <= 200
        && what
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> VaultError + '_ {
    move |source| VaultError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Removes a file when dropped, so an interrupted backup or restore leaves no
/// half-written copy behind.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_path_beside(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{tag}-{}", uuid::Uuid::new_v4()))
}

impl Vault {
    /// Writes an encrypted backup to `out` (which must not exist yet), with
    /// the keychain secrets in `carried`.
    pub fn backup(
        &self,
        out: &Path,
        passphrase: &str,
        carried: &[BackupSecret],
    ) -> Result<u64, VaultError> {
        if passphrase.chars().count() < 8 {
            return Err(VaultError::InvalidSetting(
                "a backup passphrase needs at least 8 characters".into(),
            ));
        }
        if out.exists() {
            return Err(VaultError::InvalidSetting(format!(
                "{} already exists; choose a new file name so no backup is overwritten",
                out.display()
            )));
        }
        let copy = TempFile(temp_path_beside(self.path(), "backup"));
        let copy_key = VaultKey::generate();
        self.export_encrypted_copy(&copy.0, &copy_key)?;
        let schema_version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;

        let partial = TempFile(temp_path_beside(out, "partial"));
        let file = File::create(&partial.0).map_err(io_at(&partial.0))?;
        let recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| VaultError::Backup(e.to_string()))?;
        let mut writer = encryptor
            .wrap_output(BufWriter::new(file))
            .map_err(io_at(out))?;
        let header = Header {
            key: Zeroizing::new(hex::encode(copy_key.expose_bytes())),
            schema_version,
            created_at_ms: leadbox_channels::now_ms(),
            secrets: carried
                .iter()
                .map(|secret| CarriedSecret {
                    what: secret.what.clone(),
                    value: Zeroizing::new(hex::encode(secret.value.as_slice())),
                })
                .collect(),
        };
        let header_json = Zeroizing::new(
            serde_json::to_string(&header).map_err(|e| VaultError::Backup(e.to_string()))?,
        );
        writeln!(writer, "{MAGIC}").map_err(io_at(out))?;
        writeln!(writer, "{}", header_json.as_str()).map_err(io_at(out))?;
        let mut database = File::open(&copy.0).map_err(io_at(&copy.0))?;
        std::io::copy(&mut database, &mut writer).map_err(io_at(out))?;
        let file = writer
            .finish()
            .map_err(io_at(out))?
            .into_inner()
            .map_err(|e| io_at(out)(e.into_error()))?;
        file.sync_all().map_err(io_at(out))?;
        std::fs::rename(&partial.0, out).map_err(io_at(out))?;
        let size = std::fs::metadata(out).map_err(io_at(out))?.len();
        self.audit("backup", &format!("{size} byte(s)"))?;
        Ok(size)
    }

    /// A full copy of the vault, encrypted with `key`, at `path`.
    fn export_encrypted_copy(&self, path: &Path, key: &VaultKey) -> Result<(), VaultError> {
        let location = path.to_str().ok_or_else(|| {
            VaultError::InvalidSetting(format!("the path {} is not valid text", path.display()))
        })?;
        self.conn.execute(
            "ATTACH DATABASE ?1 AS backup_copy KEY ?2",
            rusqlite::params![location, key.pragma_value().as_str()],
        )?;
        let exported = self
            .conn
            .query_row("SELECT sqlcipher_export('backup_copy')", [], |_| Ok(()))
            .and_then(|()| {
                let version: i64 = self
                    .conn
                    .query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
                self.conn
                    .pragma_update(Some("backup_copy"), "user_version", version)
            });
        self.conn.execute("DETACH DATABASE backup_copy", [])?;
        Ok(exported?)
    }

    /// Restores a backup into `data_dir`, which must not hold a vault yet. The
    /// restored vault gets its own id and its key goes to the keychain; the
    /// returned recovery code replaces the old one.
    pub fn restore(
        data_dir: &Path,
        from: &Path,
        passphrase: &str,
        secrets: &dyn SecretStore,
    ) -> Result<(Vault, RecoveryCode), VaultError> {
        let database = data_dir.join(DATABASE_FILE);
        if database.exists() {
            return Err(VaultError::InvalidSetting(format!(
                "{} already holds a vault; restore into a new folder (--data-dir) so nothing is overwritten",
                data_dir.display()
            )));
        }
        std::fs::create_dir_all(data_dir).map_err(io_at(data_dir))?;
        let file = File::open(from).map_err(io_at(from))?;
        let decryptor = age::Decryptor::new_buffered(BufReader::new(file))
            .map_err(|_| VaultError::NotABackup(from.to_owned()))?;
        if !decryptor.is_scrypt() {
            return Err(VaultError::NotABackup(from.to_owned()));
        }
        let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
        let mut reader = BufReader::new(
            decryptor
                .decrypt(std::iter::once(&identity as &dyn age::Identity))
                .map_err(|error| match error {
                    age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                        VaultError::BackupPassphrase
                    }
                    other => VaultError::Backup(other.to_string()),
                })?,
        );
        let mut magic = String::new();
        reader.read_line(&mut magic).map_err(io_at(from))?;
        if magic.trim_end() != MAGIC {
            return Err(VaultError::NotABackup(from.to_owned()));
        }
        let mut header_line = Zeroizing::new(String::new());
        reader.read_line(&mut header_line).map_err(io_at(from))?;
        let header: Header = serde_json::from_str(&header_line)
            .map_err(|_| VaultError::NotABackup(from.to_owned()))?;
        let key_bytes = Zeroizing::new(
            hex::decode(header.key.as_str())
                .map_err(|_| VaultError::NotABackup(from.to_owned()))?,
        );
        let key = VaultKey::from_bytes(&key_bytes)
            .ok_or_else(|| VaultError::NotABackup(from.to_owned()))?;
        let mut carried = Vec::with_capacity(header.secrets.len());
        for secret in &header.secrets {
            let value = Zeroizing::new(
                hex::decode(secret.value.as_str())
                    .map_err(|_| VaultError::NotABackup(from.to_owned()))?,
            );
            if !valid_secret_label(&secret.what) {
                return Err(VaultError::NotABackup(from.to_owned()));
            }
            carried.push((secret.what.as_str(), value));
        }

        let restoring = TempFile(temp_path_beside(&database, "restoring"));
        {
            let mut out = BufWriter::new(File::create(&restoring.0).map_err(io_at(&restoring.0))?);
            copy_checked(&mut reader, &mut out, from)?;
            let file = out
                .into_inner()
                .map_err(|e| io_at(&restoring.0)(e.into_error()))?;
            file.sync_all().map_err(io_at(&restoring.0))?;
        }
        // Check the copy before it takes the vault's place.
        let vault_id = uuid::Uuid::new_v4().to_string();
        drop(Vault::connect(&restoring.0, &key, vault_id.clone())?.checked()?);
        secrets.set(&key_name(&vault_id), key.expose_bytes())?;
        for (what, value) in &carried {
            secrets.set(&secret_name(&vault_id, what), value)?;
        }
        let id_path = data_dir.join(ID_FILE);
        std::fs::write(&id_path, &vault_id).map_err(io_at(&id_path))?;
        std::fs::rename(&restoring.0, &database).map_err(io_at(&database))?;
        let vault = Vault::open(data_dir, secrets)?;
        vault.audit(
            "restore",
            &format!(
                "backup made at {} (schema {})",
                header.created_at_ms, header.schema_version
            ),
        )?;
        Ok((vault, key.recovery_code()))
    }

    /// Runs SQLite's integrity check; a damaged vault is reported, not used.
    pub fn checked(self) -> Result<Vault, VaultError> {
        self.integrity_check()?;
        Ok(self)
    }

    /// SQLite's full integrity check (every page is also authenticated by
    /// SQLCipher's HMAC as it is read).
    pub fn integrity_check(&self) -> Result<(), VaultError> {
        // A page whose HMAC does not match reads as "not a database" or "malformed".
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|error| VaultError::from(error).damage_at(self.path()))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(VaultError::Damaged(self.path().to_owned(), result))
        }
    }

    /// Re-encrypts the vault with a new key and returns its recovery code. The
    /// new key is in the keychain (as "pending") before the database changes,
    /// so a crash at any point leaves a key that opens the vault.
    pub fn rotate_key(&mut self, secrets: &dyn SecretStore) -> Result<RecoveryCode, VaultError> {
        let key = VaultKey::generate();
        let pending = pending_key_name(self.id());
        secrets.set(&pending, key.expose_bytes())?;
        // SQLCipher re-encrypts in rollback-journal mode; WAL comes back after.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        self.conn
            .query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        let rekeyed = self
            .conn
            .pragma_update(None, "rekey", key.pragma_value().as_str());
        self.conn
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        rekeyed?;
        secrets.set(&key_name(self.id()), key.expose_bytes())?;
        secrets.delete(&pending)?;
        self.audit("vault_key_rotated", "")?;
        let code = key.recovery_code();
        self.key = Some(key);
        Ok(code)
    }
}

/// Copies the database bytes, turning a truncated or tampered backup into a
/// clear error (age authenticates every chunk).
fn copy_checked(
    reader: &mut impl Read,
    out: &mut impl Write,
    from: &Path,
) -> Result<(), VaultError> {
    std::io::copy(reader, out).map(|_| ()).map_err(|error| {
        if error.kind() == std::io::ErrorKind::InvalidData
            || error.kind() == std::io::ErrorKind::UnexpectedEof
        {
            VaultError::Backup(format!(
                "{} is damaged or incomplete: {error}",
                from.display()
            ))
        } else {
            io_at(from)(error)
        }
    })
}

#[cfg(test)]
mod tests;

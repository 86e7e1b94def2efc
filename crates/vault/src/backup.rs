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
            created_at_ms: crate::ingest::now_ms(),
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
mod tests {
    use super::*;
    use crate::InMemorySecretStore;
    use crate::testing::inbound;
    use proptest::prelude::*;

    fn conversations_json(vault: &Vault) -> String {
        serde_json::to_string(&vault.conversations().unwrap()).unwrap()
    }

    #[test]
    fn a_backup_restores_into_a_fresh_folder_identically() {
        let home = tempfile::tempdir().unwrap();
        let secrets = InMemorySecretStore::default();
        let mut vault = Vault::open_or_create(&home.path().join("a"), &secrets)
            .unwrap()
            .into_vault();
        vault
            .ingest(&[vec![
                inbound("m1", "u1", Some("Ana"), "¿Hay cita mañana? 💇", 10),
                inbound("m2", "u2", Some("Bo"), "price?", 20),
            ]])
            .unwrap();
        let file = home.path().join("leadbox.backup");
        let carried = [
            BackupSecret {
                what: "relay-token".into(),
                value: Zeroizing::new(b"relay-secret-token".to_vec()),
            },
            BackupSecret {
                what: "account-token:instagram:17841400000000001".into(),
                value: Zeroizing::new(vec![0, 255, 7]),
            },
        ];
        vault
            .backup(&file, "correct horse battery", &carried)
            .unwrap();
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(b"age-encryption.org/v1"));
        assert!(!bytes.windows(5).any(|w| w == b"price"));
        assert!(!bytes.windows(12).any(|w| w == b"relay-secret"));

        let new_machine = InMemorySecretStore::default();
        let restored_dir = home.path().join("b");
        let (restored, code) =
            Vault::restore(&restored_dir, &file, "correct horse battery", &new_machine).unwrap();
        assert_eq!(conversations_json(&restored), conversations_json(&vault));
        assert_eq!(
            restored.search("cita", 5).unwrap().len(),
            1,
            "the search index came along"
        );
        // The secrets are on the new machine, under the restored vault's id.
        for secret in &carried {
            let name = secret_name(restored.id(), &secret.what);
            assert_eq!(new_machine.get(&name).unwrap().unwrap(), secret.value);
        }
        assert_ne!(restored.id(), vault.id());
        drop(restored);
        assert!(Vault::open(&restored_dir, &new_machine).is_ok());
        let other = InMemorySecretStore::default();
        assert!(Vault::unlock_with_recovery_code(&restored_dir, &other, code.expose()).is_ok());
    }

    /// An age file sealed with `passphrase` at a tiny work factor, holding `plaintext`.
    fn sealed(passphrase: &str, plaintext: &[u8]) -> Vec<u8> {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
        recipient.set_work_factor(2);
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .unwrap();
        let mut out = Vec::new();
        let mut writer = encryptor.wrap_output(&mut out).unwrap();
        writer.write_all(plaintext).unwrap();
        writer.finish().unwrap();
        out
    }

    fn header_line() -> impl Strategy<Value = String> {
        let secret = ("[ -~]{0,12}", "[0-9a-fA-Fxz]{0,16}")
            .prop_map(|(what, value)| serde_json::json!({ "what": what, "value": value }));
        prop_oneof![
            (
                "[0-9a-f]{64}|[0-9a-z]{0,70}",
                any::<i64>(),
                proptest::collection::vec(secret, 0..4)
            )
                .prop_map(|(key, schema_version, secrets)| serde_json::json!({
                    "key": key,
                    "schema_version": schema_version,
                    "created_at_ms": 0,
                    "secrets": secrets,
                })
                .to_string()),
            "[ -~]{0,120}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

        /// Whatever a backup file holds inside its encryption, restoring it is
        /// a clear error that leaves no vault and no keychain entry behind.
        #[test]
        fn any_sealed_content_is_refused_and_leaves_nothing(
            magic in prop_oneof![Just(MAGIC.to_owned()), "[ -~]{0,20}"],
            header in header_line(),
            body in proptest::collection::vec(any::<u8>(), 0..3000),
        ) {
            let home = tempfile::tempdir().unwrap();
            let mut plaintext = format!("{magic}\n{header}\n").into_bytes();
            plaintext.extend_from_slice(&body);
            let file = home.path().join("odd.backup");
            std::fs::write(&file, sealed("correct horse battery", &plaintext)).unwrap();
            let target = home.path().join("target");
            let secrets = InMemorySecretStore::default();
            let outcome = Vault::restore(&target, &file, "correct horse battery", &secrets);
            prop_assert!(outcome.is_err());
            prop_assert!(!target.join(DATABASE_FILE).exists());
            prop_assert!(secrets.names().is_empty(), "{:?}", secrets.names());
        }
    }

    #[test]
    fn a_wrong_passphrase_or_a_damaged_file_is_a_clear_error() {
        let home = tempfile::tempdir().unwrap();
        let secrets = InMemorySecretStore::default();
        let vault = Vault::open_or_create(&home.path().join("a"), &secrets)
            .unwrap()
            .into_vault();
        let file = home.path().join("leadbox.backup");
        vault.backup(&file, "correct horse battery", &[]).unwrap();
        let target = home.path().join("b");
        let error = Vault::restore(&target, &file, "wrong horse", &secrets).unwrap_err();
        assert!(matches!(error, VaultError::BackupPassphrase), "{error}");
        assert!(!target.join(DATABASE_FILE).exists(), "nothing was written");

        let mut bytes = std::fs::read(&file).unwrap();
        let middle = bytes.len() - 100;
        bytes[middle] ^= 0x55;
        let damaged = home.path().join("damaged.backup");
        std::fs::write(&damaged, bytes).unwrap();
        let error =
            Vault::restore(&target, &damaged, "correct horse battery", &secrets).unwrap_err();
        assert!(error.to_string().contains("damaged"), "{error}");
        assert!(!target.join(DATABASE_FILE).exists());

        let error = Vault::restore(&target, vault.path(), "x", &secrets).unwrap_err();
        assert!(matches!(error, VaultError::NotABackup(_)), "{error}");
    }

    #[test]
    fn backups_never_overwrite_and_need_a_real_passphrase() {
        let home = tempfile::tempdir().unwrap();
        let vault = Vault::open_or_create(home.path(), &InMemorySecretStore::default())
            .unwrap()
            .into_vault();
        let file = home.path().join("existing");
        std::fs::write(&file, "keep me").unwrap();
        assert!(vault.backup(&file, "long enough pass", &[]).is_err());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
        assert!(
            vault
                .backup(&home.path().join("new"), "short", &[])
                .is_err()
        );
    }

    #[test]
    fn rotating_the_key_changes_the_recovery_code_and_keeps_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = InMemorySecretStore::default();
        let Opened::Created(mut vault, old_code) =
            Vault::open_or_create(dir.path(), &secrets).unwrap()
        else {
            panic!("expected a new vault")
        };
        vault
            .ingest(&[vec![inbound("m1", "u1", None, "hello", 10)]])
            .unwrap();
        let new_code = vault.rotate_key(&secrets).unwrap();
        assert_ne!(new_code.expose(), old_code.expose());
        drop(vault);
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        assert_eq!(vault.conversations().unwrap().len(), 1);
        drop(vault);
        let elsewhere = InMemorySecretStore::default();
        assert!(matches!(
            Vault::unlock_with_recovery_code(dir.path(), &elsewhere, old_code.expose()),
            Err(VaultError::WrongKey(_))
        ));
        assert!(
            Vault::unlock_with_recovery_code(dir.path(), &elsewhere, new_code.expose()).is_ok()
        );
    }

    #[test]
    fn a_rotation_interrupted_after_the_rekey_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = InMemorySecretStore::default();
        let vault = Vault::open_or_create(dir.path(), &secrets)
            .unwrap()
            .into_vault();
        vault.set_setting("k", "v").unwrap();
        // What a crash between the rekey and the keychain update leaves behind.
        let key = VaultKey::generate();
        secrets
            .set(&pending_key_name(vault.id()), key.expose_bytes())
            .unwrap();
        vault
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
            .unwrap();
        vault
            .conn
            .pragma_update(None, "rekey", key.pragma_value().as_str())
            .unwrap();
        let id = vault.id().to_owned();
        drop(vault);
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        assert_eq!(vault.setting("k").unwrap().as_deref(), Some("v"));
        assert_eq!(
            secrets.get(&key_name(&id)).unwrap().unwrap().as_slice(),
            key.expose_bytes(),
            "the pending key was promoted"
        );
        assert!(secrets.get(&pending_key_name(&id)).unwrap().is_none());
    }

    #[test]
    fn flipped_bytes_are_detected_and_the_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = InMemorySecretStore::default();
        let mut vault = Vault::open_or_create(dir.path(), &secrets)
            .unwrap()
            .into_vault();
        let events: Vec<_> = (0..300)
            .map(|n| {
                inbound(
                    &format!("m{n}"),
                    &format!("u{n}"),
                    None,
                    "a message long enough to fill pages",
                    n,
                )
            })
            .collect();
        vault.ingest(&[events]).unwrap();
        let path = vault.path().to_owned();
        drop(vault);
        let mut bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 40_000, "several pages to damage");
        // Damage the middle of the file (not page 1, which open() reads anyway).
        let middle = bytes.len() / 2;
        for b in &mut bytes[middle..middle + 16] {
            *b ^= 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap();

        let outcome = Vault::open(dir.path(), &secrets).and_then(|vault| vault.integrity_check());
        let error = outcome.unwrap_err();
        assert!(
            matches!(error, VaultError::Damaged(..)),
            "a clear damage report, got: {error}"
        );
        assert!(error.to_string().contains("restore from a backup"));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "nothing was written over it"
        );
    }

    use crate::Opened;
}

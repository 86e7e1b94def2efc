//! Tests of `backup`.

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
    vault
        .save_saved_reply(None, "Hours", "Hi {first_name}, we open at 9.")
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
        restored.saved_replies("").unwrap(),
        vault.saved_replies("").unwrap()
    );
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
    let error = Vault::restore(&target, &damaged, "correct horse battery", &secrets).unwrap_err();
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
    let Opened::Created(mut vault, old_code) = Vault::open_or_create(dir.path(), &secrets).unwrap()
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
    assert!(Vault::unlock_with_recovery_code(dir.path(), &elsewhere, new_code.expose()).is_ok());
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

//! Tests of `vault`.

use super::*;
use crate::InMemorySecretStore;

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_new_vault_is_created_once_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecretStore::default();
    let created = Vault::open_or_create(dir.path(), &secrets).unwrap();
    assert!(matches!(created, Opened::Created(..)));
    created
        .into_vault()
        .set_setting("relay_url", "http://x")
        .unwrap();
    let again = Vault::open_or_create(dir.path(), &secrets).unwrap();
    let Opened::Existing(vault) = again else {
        panic!("expected the existing vault")
    };
    assert_eq!(
        vault.setting("relay_url").unwrap().as_deref(),
        Some("http://x")
    );
}

#[test]
fn the_file_is_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecretStore::default();
    let vault = Vault::open_or_create(dir.path(), &secrets)
        .unwrap()
        .into_vault();
    vault
        .set_setting("marker", "plain-text-marker-value")
        .unwrap();
    vault
        .conn
        .pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    let bytes = file_bytes(vault.path());
    assert!(!bytes.starts_with(b"SQLite format 3"));
    assert!(!bytes.windows(23).any(|w| w == b"plain-text-marker-value"));
}

#[test]
fn a_missing_key_is_an_error_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = Vault::open_or_create(dir.path(), &InMemorySecretStore::default())
        .unwrap()
        .into_vault()
        .path()
        .to_owned();
    let before = file_bytes(&path);
    let empty_keychain = InMemorySecretStore::default();
    assert!(matches!(
        Vault::open_or_create(dir.path(), &empty_keychain),
        Err(VaultError::KeyMissing(_))
    ));
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn a_wrong_key_is_an_error_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecretStore::default();
    let path = Vault::open_or_create(dir.path(), &secrets)
        .unwrap()
        .into_vault()
        .path()
        .to_owned();
    let before = file_bytes(&path);
    let vault_id = std::fs::read_to_string(dir.path().join(ID_FILE)).unwrap();
    secrets
        .set(&key_name(&vault_id), VaultKey::generate().expose_bytes())
        .unwrap();
    assert!(matches!(
        Vault::open(dir.path(), &secrets),
        Err(VaultError::WrongKey(_))
    ));
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn the_recovery_code_restores_a_lost_keychain_entry() {
    let dir = tempfile::tempdir().unwrap();
    let Opened::Created(vault, code) =
        Vault::open_or_create(dir.path(), &InMemorySecretStore::default()).unwrap()
    else {
        panic!("expected a new vault")
    };
    vault.set_setting("k", "v").unwrap();
    drop(vault);
    let new_machine = InMemorySecretStore::default();
    let wrong = VaultKey::generate().recovery_code();
    assert!(matches!(
        Vault::unlock_with_recovery_code(dir.path(), &new_machine, wrong.expose()),
        Err(VaultError::WrongKey(_))
    ));
    let vault = Vault::unlock_with_recovery_code(dir.path(), &new_machine, code.expose()).unwrap();
    assert_eq!(vault.setting("k").unwrap().as_deref(), Some("v"));
    assert!(
        Vault::open(dir.path(), &new_machine).is_ok(),
        "the key is back in the keychain"
    );
}

const FIRST_OPEN_CHILD: &str = "LEADBOX_FIRST_OPEN_CHILD";

/// The race exists once per process, so the test runs fresh copies of
/// itself that each open 16 connections at the same instant. Without the
/// `Once`, about one process in ten had a connection lacking the function.
#[test]
fn connections_opened_at_once_in_a_fresh_process_can_all_export() {
    const NAME: &str = "vault::tests::connections_opened_at_once_in_a_fresh_process_can_all_export";
    if std::env::var_os(FIRST_OPEN_CHILD).is_some() {
        let start = std::sync::Arc::new(std::sync::Barrier::new(16));
        let openers: Vec<_> = (0..16)
            .map(|_| {
                let start = std::sync::Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    let conn = open_connection(Path::new(":memory:")).unwrap();
                    conn.query_row(
                        "SELECT count(*) FROM pragma_function_list \
                         WHERE name = 'sqlcipher_export'",
                        [],
                        |r| r.get::<_, i64>(0),
                    )
                    .unwrap()
                })
            })
            .collect();
        for opener in openers {
            assert_eq!(opener.join().unwrap(), 1, "sqlcipher_export is missing");
        }
        return;
    }
    let me = std::env::current_exe().unwrap();
    for round in 0..100 {
        let out = std::process::Command::new(&me)
            .args(["--exact", NAME, "--test-threads", "1"])
            .env(FIRST_OPEN_CHILD, "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "process {round}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn a_missing_id_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    drop(Vault::open_or_create(dir.path(), &InMemorySecretStore::default()).unwrap());
    std::fs::remove_file(dir.path().join(ID_FILE)).unwrap();
    assert!(matches!(
        Vault::open_or_create(dir.path(), &InMemorySecretStore::default()),
        Err(VaultError::MissingId(_))
    ));
}

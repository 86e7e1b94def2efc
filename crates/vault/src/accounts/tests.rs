//! Tests of `accounts`.

use crate::testing::inbound;
use crate::{InMemorySecretStore, Vault};

#[test]
fn a_profile_name_fills_only_a_missing_name_and_is_searchable() {
    let home = tempfile::tempdir().unwrap();
    let secrets = InMemorySecretStore::default();
    let mut vault = Vault::open_or_create(home.path(), &secrets)
        .unwrap()
        .into_vault();
    vault
        .ingest(&[vec![
            inbound("m1", "IGSID1", None, "hola", 10),
            inbound("m2", "IGSID2", Some("Bo"), "price?", 20),
        ]])
        .unwrap();
    let conversations = vault.conversations().unwrap();
    let id_of = |contact: &str| {
        conversations
            .iter()
            .find(|c| c.contact_id == contact)
            .unwrap()
            .id
    };

    let unnamed = vault.unnamed_contact(id_of("IGSID1")).unwrap().unwrap();
    assert_eq!(unnamed.platform_contact_id, "IGSID1");
    assert_eq!(
        unnamed.account.platform,
        leadbox_channels::Platform::Instagram
    );
    assert!(vault.unnamed_contact(id_of("IGSID2")).unwrap().is_none());

    for bad in ["", "   ", "two\nlines", &"x".repeat(81)] {
        assert!(
            vault.name_contact(unnamed.contact_id, bad).is_err(),
            "{bad:?}"
        );
    }
    assert!(vault.unnamed_contact(id_of("IGSID1")).unwrap().is_some());

    assert!(
        vault
            .name_contact(unnamed.contact_id, " Marta Puig ")
            .unwrap()
    );
    assert!(
        !vault
            .name_contact(unnamed.contact_id, "Someone Else")
            .unwrap(),
        "a name is never overwritten"
    );
    let named = vault.conversations().unwrap();
    let marta = named.iter().find(|c| c.contact_id == "IGSID1").unwrap();
    assert_eq!(marta.display_name, "Marta Puig");
    assert_eq!(vault.search("marta", 5).unwrap().len(), 1);
}

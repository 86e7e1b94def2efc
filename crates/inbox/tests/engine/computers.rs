//! The business's computers: listed, and a lost one removed.

use std::sync::Arc;

use leadbox_inbox::{Engine, InMemorySecretStore, Platform};

use crate::world::World;

#[tokio::test]
async fn a_computer_lists_the_business_computers_and_removes_a_lost_one() {
    let world = World::new(Platform::Instagram, "1784").await;
    let invite = world
        .relay
        .state
        .store
        .create_invite("Ana's Salon", leadbox_relay::store::unix_now())
        .await
        .unwrap();
    let laptop_dir = tempfile::tempdir().unwrap();
    let (laptop, _) =
        Engine::open_or_create(laptop_dir.path(), Arc::new(InMemorySecretStore::default()))
            .unwrap();
    laptop
        .pair(&world.relay.url, &invite, "Laptop")
        .await
        .unwrap();

    let listed = world.engine.computers().await.unwrap();
    let names: Vec<(&str, bool)> = listed
        .iter()
        .map(|c| (c.name.as_str(), c.this_computer))
        .collect();
    assert_eq!(names, [("test", true), ("Laptop", false)]);
    assert!(
        listed
            .iter()
            .all(|c| c.removed_at.is_none() && c.paired_at > 0)
    );

    let this = &listed[0].device_id;
    assert!(matches!(
        world.engine.remove_computer(this).await,
        Err(leadbox_inbox::InboxError::Settings(_))
    ));
    world
        .engine
        .remove_computer(&listed[1].device_id)
        .await
        .unwrap();
    assert!(
        world.engine.computers().await.unwrap()[1]
            .removed_at
            .is_some()
    );
    // The removed laptop is locked out of the relay.
    assert!(laptop.computers().await.is_err());
}

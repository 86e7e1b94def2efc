//! One suite for both databases: every behaviour the relay relies on, run
//! against the SQLite store and against PostgreSQL (the throw-away server of
//! `scripts/with-postgres`), including two instances over one database.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod support;

use std::sync::Arc;

use leadbox_envelope::{DeviceSecretKey, Platform, SealedEnvelope};
use leadbox_relay::meta_links::{Confirmation, LoginProvider};
use leadbox_relay::store::{
    ClaimOutcome, PostgresStore, Registration, SqliteStore, Store, StoreError,
};
use leadbox_relay::widget_store::{MAX_REFUSED_ORIGINS, OriginRefused, ReplyRefused};

/// A store and what keeps it alive; `second` opens another instance on the
/// same database.
struct Backend {
    store: Store,
    dir: Option<tempfile::TempDir>,
    url: Option<String>,
}

impl Backend {
    async fn second(&self) -> Store {
        match (&self.dir, &self.url) {
            (Some(dir), _) => Arc::new(SqliteStore::open(dir.path()).unwrap()),
            (_, Some(url)) => Arc::new(PostgresStore::open(url).await.unwrap()),
            _ => unreachable!(),
        }
    }
}

async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let store: Store = Arc::new(SqliteStore::open(dir.path()).unwrap());
    Backend {
        store,
        dir: Some(dir),
        url: None,
    }
}

async fn postgres() -> Backend {
    let url = support::postgres::fresh_database().await;
    let store: Store = Arc::new(PostgresStore::open(&url).await.unwrap());
    Backend {
        store,
        dir: None,
        url: Some(url),
    }
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::$name(super::sqlite().await).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { super::$name(super::postgres().await).await } )*
        }
    };
}

on_both!(
    envelopes_queue_per_device_page_in_order_and_go_when_acknowledged,
    expiry_and_the_queue_bound_count_what_each_device_lost,
    housekeeping_removes_large_backlogs_whole,
    an_invite_pairs_once_and_the_first_computer_owns_the_business,
    only_an_owner_removes_others_and_the_last_owner_stays,
    a_route_belongs_to_one_business_and_moves_only_with_proof,
    a_whatsapp_business_account_can_reach_several_businesses,
    a_login_state_needs_its_code_and_works_once,
    a_deletion_request_completes_when_every_business_confirmed,
    website_sessions_and_replies,
    refused_page_addresses_are_counted_bounded_and_added_by_their_owner,
    the_migration_runs_once_when_two_instances_start,
    two_instances_pair_with_one_invite_once,
    two_instances_claiming_one_free_account_route_it_once,
    two_instances_expiring_together_count_each_lost_envelope_once,
    a_desktop_reading_while_two_instances_store_misses_nothing,
    an_operator_sees_counts_suspends_and_deletes_a_business,
    a_sign_up_creates_a_business_with_its_owner_and_never_joins_one,
);

const NOW: i64 = 1_800_000_000;

async fn pair(store: &Store, business: &str) -> Registration {
    let code = store.create_invite(business, NOW).await.unwrap();
    let key = DeviceSecretKey::generate().public_key();
    store
        .register_device(&code, &key, "laptop", NOW)
        .await
        .unwrap()
}

fn envelope(device: &str, id: &str) -> (String, SealedEnvelope) {
    (
        device.to_owned(),
        SealedEnvelope {
            cursor: 0,
            envelope_id: id.into(),
            business_id: "b".into(),
            encapsulated_key: "key".into(),
            ciphertext: format!("sealed {id}"),
        },
    )
}

async fn envelopes_queue_per_device_page_in_order_and_go_when_acknowledged(backend: Backend) {
    let store = &backend.store;
    let a = pair(store, "A").await;
    let b = pair(store, "B").await;
    let newest = store
        .insert_batches(
            vec![
                vec![envelope(&a.device_id, "1"), envelope(&b.device_id, "1")],
                vec![envelope(&a.device_id, "2")],
                vec![envelope(&a.device_id, "3")],
            ],
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(newest.len(), 3);
    assert!(newest[0] < newest[1] && newest[1] < newest[2], "{newest:?}");
    let page = store.envelopes_after(&a.device_id, 0, 2).await.unwrap();
    let ids: Vec<&str> = page.iter().map(|e| e.envelope_id.as_str()).collect();
    assert_eq!(ids, ["1", "2"]);
    assert_eq!(page[1].ciphertext, "sealed 2");
    let rest = store
        .envelopes_after(&a.device_id, page[1].cursor, 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].cursor, newest[2]);
    assert_eq!(store.queue_depth().await.unwrap(), 4);

    // B cannot acknowledge A's envelopes.
    let cursors: Vec<u64> = page.iter().map(|e| e.cursor).collect();
    assert_eq!(store.ack(&b.device_id, &cursors).await.unwrap(), 0);
    assert_eq!(store.ack(&a.device_id, &cursors).await.unwrap(), 2);
    assert_eq!(store.ack(&a.device_id, &cursors).await.unwrap(), 0);
    assert_eq!(store.queue_depth().await.unwrap(), 2);
    assert_eq!(
        store
            .envelopes_after(&b.device_id, 0, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn expiry_and_the_queue_bound_count_what_each_device_lost(backend: Backend) {
    let store = &backend.store;
    let a = pair(store, "A").await;
    let b = pair(store, "B").await;
    store
        .insert_batches(vec![vec![envelope(&a.device_id, "old")]], NOW - 100)
        .await
        .unwrap();
    let batch: Vec<_> = (0..5)
        .map(|n| envelope(&b.device_id, &n.to_string()))
        .collect();
    store.insert_batches(vec![batch], NOW).await.unwrap();
    assert_eq!(store.expire(NOW - 50).await.unwrap().envelopes, 1);
    assert_eq!(store.lost_unreported(&a.device_id).await.unwrap(), 1);
    assert_eq!(store.enforce_bound(3).await.unwrap(), 2);
    assert_eq!(store.lost_unreported(&b.device_id).await.unwrap(), 2);
    let kept: Vec<String> = store
        .envelopes_after(&b.device_id, 0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.envelope_id)
        .collect();
    assert_eq!(kept, ["2", "3", "4"], "the oldest go first");
    store.confirm_lost(&b.device_id, 5).await.unwrap();
    assert_eq!(store.lost_unreported(&b.device_id).await.unwrap(), 0);
    assert_eq!(store.enforce_bound(3).await.unwrap(), 0);
}

async fn housekeeping_removes_large_backlogs_whole(backend: Backend) {
    // More than one of SQLite's short housekeeping transactions' worth.
    let store = &backend.store;
    let a = pair(store, "A").await;
    let b = pair(store, "B").await;
    let old: Vec<_> = (0..4_500)
        .map(|n| envelope(&a.device_id, &format!("old{n}")))
        .collect();
    store.insert_batches(vec![old], NOW - 100).await.unwrap();
    let many: Vec<_> = (0..5_000)
        .map(|n| envelope(&b.device_id, &format!("{n:05}")))
        .collect();
    store.insert_batches(vec![many], NOW).await.unwrap();
    assert_eq!(store.expire(NOW - 50).await.unwrap().envelopes, 4_500);
    assert_eq!(store.lost_unreported(&a.device_id).await.unwrap(), 4_500);
    assert_eq!(store.enforce_bound(100).await.unwrap(), 4_900);
    assert_eq!(store.lost_unreported(&b.device_id).await.unwrap(), 4_900);
    let kept = store.envelopes_after(&b.device_id, 0, 1_000).await.unwrap();
    assert_eq!(kept.len(), 100);
    assert_eq!(kept[0].envelope_id, "04900", "the newest stay");
    assert_eq!(store.queue_depth().await.unwrap(), 100);
}

async fn an_invite_pairs_once_and_the_first_computer_owns_the_business(backend: Backend) {
    let store = &backend.store;
    let code = store.create_invite("Salon", NOW).await.unwrap();
    let key = DeviceSecretKey::generate().public_key();
    let first = store
        .register_device(&code, &key, "desk", NOW)
        .await
        .unwrap();
    assert_eq!(first.business_name, "Salon");
    assert!(matches!(
        store.register_device(&code, &key, "again", NOW).await,
        Err(StoreError::InviteInvalid)
    ));
    let late = store.create_invite("Salon", NOW).await.unwrap();
    assert!(matches!(
        store
            .register_device(&late, &key, "late", NOW + 8 * 24 * 3600)
            .await,
        Err(StoreError::InviteInvalid)
    ));
    let second = pair(store, "Salon").await;
    assert_eq!(second.business_id, first.business_id, "same business");
    let devices = store.business_devices(&first.business_id).await.unwrap();
    let owners: Vec<bool> = devices.iter().map(|d| d.owner).collect();
    assert_eq!(owners, [true, false]);
    let found = store.device_for_token(&first.token).await.unwrap().unwrap();
    assert_eq!(found.device_id, first.device_id);
    assert!(store.device_for_token("made-up").await.unwrap().is_none());
    let new_key = DeviceSecretKey::generate().public_key();
    store
        .rotate_device_key(&first.device_id, &new_key, NOW)
        .await
        .unwrap();
    assert_eq!(
        store.device_key(&first.device_id).await.unwrap(),
        Some(new_key)
    );
    assert_eq!(store.devices().await.unwrap().len(), 2);
}

async fn only_an_owner_removes_others_and_the_last_owner_stays(backend: Backend) {
    let store = &backend.store;
    let owner = pair(store, "Salon").await;
    let member = pair(store, "Salon").await;
    let business = owner.business_id.clone();
    assert!(matches!(
        store
            .revoke_business_device(&business, &member.device_id, &owner.device_id, NOW)
            .await,
        Err(StoreError::NotOwner)
    ));
    assert!(matches!(
        store
            .revoke_business_device(&business, &owner.device_id, &owner.device_id, NOW)
            .await,
        Err(StoreError::LastOwner)
    ));
    store
        .insert_batches(vec![vec![envelope(&member.device_id, "1")]], NOW)
        .await
        .unwrap();
    assert!(
        store
            .revoke_business_device(&business, &owner.device_id, &member.device_id, NOW)
            .await
            .unwrap()
    );
    assert!(!store.device_active(&member.device_id).await.unwrap());
    assert!(
        store
            .device_for_token(&member.token)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.queue_depth().await.unwrap(), 0, "its queue went too");
    assert!(
        !store
            .revoke_business_device(&business, &owner.device_id, &member.device_id, NOW)
            .await
            .unwrap()
    );
    assert!(!store.revoke_device("made-up", NOW).await.unwrap());
}

async fn a_route_belongs_to_one_business_and_moves_only_with_proof(backend: Backend) {
    let store = &backend.store;
    let a = pair(store, "A").await;
    let b = pair(store, "B").await;
    let claim = |business: String, proven: bool| {
        let store = store.clone();
        async move {
            store
                .claim_route(&business, Platform::Instagram, "178", proven, NOW)
                .await
        }
    };
    assert_eq!(
        claim(a.business_id.clone(), false).await.unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        claim(a.business_id.clone(), false).await.unwrap(),
        ClaimOutcome::AlreadyHeld
    );
    assert!(matches!(
        claim(b.business_id.clone(), false).await,
        Err(StoreError::RouteTaken(Platform::Instagram, _))
    ));
    let recipients = store
        .recipients(Platform::Instagram, "178")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(recipients.business_id, a.business_id);
    assert_eq!(recipients.devices[0].0, a.device_id);
    assert!(
        store
            .recipients(Platform::Messenger, "178")
            .await
            .unwrap()
            .is_none()
    );
    let ClaimOutcome::Moved { from } = claim(b.business_id.clone(), true).await.unwrap() else {
        panic!("no move");
    };
    assert_eq!(from.business_id, a.business_id);
    assert_eq!(from.devices.len(), 1);
    assert_eq!(
        store
            .route_holder(Platform::Instagram, "178")
            .await
            .unwrap(),
        Some(b.business_id.clone())
    );
}

async fn a_whatsapp_business_account_can_reach_several_businesses(backend: Backend) {
    let store = &backend.store;
    let a = pair(store, "A").await;
    let b = pair(store, "B").await;
    for registration in [&a, &b] {
        store
            .link_business_account(&registration.business_id, "WABA", NOW)
            .await
            .unwrap();
    }
    store
        .link_business_account(&a.business_id, "WABA", NOW)
        .await
        .unwrap();
    assert!(
        store
            .business_account_linked(&a.business_id, "WABA")
            .await
            .unwrap()
    );
    assert!(
        !store
            .business_account_linked(&a.business_id, "OTHER")
            .await
            .unwrap()
    );
    let recipients = store.business_account_recipients("WABA").await.unwrap();
    assert_eq!(recipients.len(), 2);
    assert!(recipients.iter().all(|r| r.devices.len() == 1));
}

async fn a_login_state_needs_its_code_and_works_once(backend: Backend) {
    let store = &backend.store;
    let device = pair(store, "Salon").await;
    let link = store
        .create_login_state(&device.device_id, LoginProvider::Facebook, NOW)
        .await
        .unwrap();
    let prompt = store
        .login_prompt(&link.state, LoginProvider::Facebook, NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(prompt.business_name, "Salon");
    assert!(!prompt.confirmed);
    assert!(
        store
            .login_prompt(&link.state, LoginProvider::Instagram, NOW)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .confirm_login_state(&link.state, LoginProvider::Facebook, "nope", NOW)
            .await
            .unwrap(),
        Confirmation::WrongCode { attempts_left: 4 }
    );
    assert_eq!(
        store
            .confirm_login_state(
                &link.state,
                LoginProvider::Facebook,
                &link.confirmation_code.to_uppercase(),
                NOW
            )
            .await
            .unwrap(),
        Confirmation::Confirmed
    );
    let taken = store
        .take_login_state(&link.state, LoginProvider::Facebook, NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.device_id, device.device_id);
    assert!(
        store
            .take_login_state(&link.state, LoginProvider::Facebook, NOW)
            .await
            .unwrap()
            .is_none()
    );
    // An unconfirmed state is used up by the callback without giving a device.
    let unconfirmed = store
        .create_login_state(&device.device_id, LoginProvider::Instagram, NOW)
        .await
        .unwrap();
    assert!(
        store
            .take_login_state(&unconfirmed.state, LoginProvider::Instagram, NOW)
            .await
            .unwrap()
            .is_none()
    );
    let stale = store
        .create_login_state(&device.device_id, LoginProvider::Facebook, NOW - 3600)
        .await
        .unwrap();
    assert_eq!(store.expire_login_states(NOW).await.unwrap(), 1);
    assert!(
        store
            .login_prompt(&stale.state, LoginProvider::Facebook, NOW - 3600)
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_deletion_request_completes_when_every_business_confirmed(backend: Backend) {
    let store = &backend.store;
    let salon = pair(store, "Salon").await;
    let gym = pair(store, "Gym").await;
    for business in [&salon.business_id, &gym.business_id] {
        store.link_meta_user("U1", business, NOW).await.unwrap();
    }
    assert!(store.meta_user_linked("U1").await.unwrap());
    let request = store.record_deletion("U1", NOW).await.unwrap();
    assert_eq!(request.notify.len(), 2);
    assert!(!store.meta_user_linked("U1").await.unwrap());
    let status = |code: String| {
        let store = store.clone();
        async move { store.deletion_status(&code).await.unwrap().unwrap() }
    };
    assert_eq!(status(request.code.clone()).await.completed_at, None);
    assert!(
        store
            .complete_deletion(&request.code, &salon.business_id, NOW + 1)
            .await
            .unwrap()
    );
    assert!(
        !store
            .complete_deletion(&request.code, &salon.business_id, NOW + 1)
            .await
            .unwrap()
    );
    assert_eq!(status(request.code.clone()).await.completed_at, None);
    assert!(
        store
            .complete_deletion(&request.code, &gym.business_id, NOW + 2)
            .await
            .unwrap()
    );
    assert_eq!(
        status(request.code.clone()).await.completed_at,
        Some(NOW + 2)
    );
    let nobody = store.record_deletion("U-unknown", NOW).await.unwrap();
    assert_eq!(status(nobody.code).await.completed_at, Some(NOW));
    assert!(store.deletion_status("DEL-nope").await.unwrap().is_none());
}

/// The salon with a website chat on https://salon.example, and another business.
async fn salon_site_and_another_business(
    store: &Store,
) -> (
    Registration,
    Registration,
    leadbox_relay::widget_store::Site,
) {
    let salon = pair(store, "Salon").await;
    let other = pair(store, "Other").await;
    let site = store
        .create_site(
            &salon.business_id,
            "Site",
            &["https://salon.example".into()],
            NOW,
        )
        .await
        .unwrap();
    (salon, other, site)
}

async fn website_sessions_and_replies(backend: Backend) {
    let store = &backend.store;
    let (salon, other, site) = salon_site_and_another_business(store).await;
    assert_eq!(store.sites().await.unwrap(), std::slice::from_ref(&site));
    assert_eq!(
        store
            .route_holder(Platform::Website, &site.site_id)
            .await
            .unwrap(),
        Some(salon.business_id.clone())
    );
    let (session, secret) = store
        .visitor_session(&site.site_id, None, NOW)
        .await
        .unwrap();
    let (again, same) = store
        .visitor_session(&site.site_id, Some(&secret), NOW + 1)
        .await
        .unwrap();
    assert_eq!(
        (again.reference.as_str(), same.as_str()),
        (session.reference.as_str(), secret.as_str())
    );
    assert!(
        store
            .existing_session(&site.site_id, "made-up", NOW)
            .await
            .unwrap()
            .is_none()
    );
    let queue = |business: String, reply: &'static str| {
        let (store, site_id, reference) = (
            store.clone(),
            site.site_id.clone(),
            session.reference.clone(),
        );
        async move {
            store
                .queue_reply(&business, &site_id, &reference, reply, "Hello", NOW + 2)
                .await
                .unwrap()
        }
    };
    let first = queue(salon.business_id.clone(), "r1").await.unwrap();
    assert_eq!(
        queue(salon.business_id.clone(), "r1").await,
        Ok(first),
        "queued once"
    );
    let second = queue(salon.business_id.clone(), "r2").await.unwrap();
    assert_eq!(
        queue(other.business_id.clone(), "r3").await,
        Err(ReplyRefused::UnknownSite)
    );
    let replies = store.replies_after(&session.reference, 0).await.unwrap();
    assert_eq!(replies.len(), 2);
    let rest = store
        .replies_after(&session.reference, first)
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|r| r.seq).collect::<Vec<_>>(), [second]);
    assert_eq!(store.widget_session_count().await.unwrap(), 1);
    assert_eq!(
        store
            .expire_widget_sessions(NOW + 8 * 24 * 3600)
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.widget_session_count().await.unwrap(), 0);
    assert_eq!(
        queue(salon.business_id.clone(), "r4").await,
        Err(ReplyRefused::SessionGone)
    );
}

async fn refused_page_addresses_are_counted_bounded_and_added_by_their_owner(backend: Backend) {
    let store = &backend.store;
    let (salon, other, site) = salon_site_and_another_business(store).await;
    for at in [NOW, NOW + 7] {
        store
            .record_refused_origin(&site.site_id, "https://www.salon.example", at)
            .await
            .unwrap();
    }
    // Forged origins fill at most the bound; the address already counted
    // is still counted after that.
    for n in 0..MAX_REFUSED_ORIGINS + 5 {
        store
            .record_refused_origin(&site.site_id, &format!("https://x{n}.example"), NOW)
            .await
            .unwrap();
    }
    store
        .record_refused_origin(&site.site_id, "https://www.salon.example", NOW + 9)
        .await
        .unwrap();
    store
        .record_refused_origin("site_unknown", "https://a.example", NOW)
        .await
        .unwrap();
    let refused = store.refused_origins(&salon.business_id).await.unwrap();
    assert_eq!(refused.len() as i64, MAX_REFUSED_ORIGINS);
    assert_eq!(
        (
            refused[0].origin.as_str(),
            refused[0].refusals,
            refused[0].last_refused_at
        ),
        ("https://www.salon.example", 3, NOW + 9),
        "most recent first"
    );
    assert!(
        store
            .refused_origins(&other.business_id)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        store
            .add_site_origin(&other.business_id, &site.site_id, "https://evil.example")
            .await
            .unwrap(),
        Err(OriginRefused::UnknownSite),
        "only the site's business adds to it"
    );
    let added = store
        .add_site_origin(
            &salon.business_id,
            &site.site_id,
            "https://www.salon.example",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        added.origins,
        ["https://salon.example", "https://www.salon.example"]
    );
    assert_eq!(store.sites().await.unwrap(), std::slice::from_ref(&added));
    let again = store
        .add_site_origin(
            &salon.business_id,
            &site.site_id,
            "https://www.salon.example",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.origins.len(), 2, "an address is listed once");
    let refused = store.refused_origins(&salon.business_id).await.unwrap();
    assert!(
        refused
            .iter()
            .all(|r| r.origin != "https://www.salon.example")
    );
    for n in 0..18 {
        store
            .add_site_origin(
                &salon.business_id,
                &site.site_id,
                &format!("https://x{n}.example"),
            )
            .await
            .unwrap()
            .unwrap();
    }
    assert_eq!(
        store
            .add_site_origin(
                &salon.business_id,
                &site.site_id,
                "https://one-more.example"
            )
            .await
            .unwrap(),
        Err(OriginRefused::TooMany)
    );
}

async fn the_migration_runs_once_when_two_instances_start(backend: Backend) {
    // A second instance on the same database opens it as it is.
    let a = pair(&backend.store, "A").await;
    let (second, third) = tokio::join!(backend.second(), backend.second());
    assert_eq!(
        second
            .device_for_token(&a.token)
            .await
            .unwrap()
            .unwrap()
            .device_id,
        a.device_id
    );
    assert_eq!(third.devices().await.unwrap().len(), 1);
}

async fn two_instances_pair_with_one_invite_once(backend: Backend) {
    let other = backend.second().await;
    for round in 0..10 {
        let code = backend
            .store
            .create_invite(&format!("Business {round}"), NOW)
            .await
            .unwrap();
        let key = DeviceSecretKey::generate().public_key();
        let (one, two) = tokio::join!(
            backend.store.register_device(&code, &key, "one", NOW),
            other.register_device(&code, &key, "two", NOW)
        );
        let paired = [one.is_ok(), two.is_ok()];
        assert_eq!(paired.iter().filter(|ok| **ok).count(), 1, "{paired:?}");
    }
}

async fn two_instances_claiming_one_free_account_route_it_once(backend: Backend) {
    let other = backend.second().await;
    let a = pair(&backend.store, "A").await;
    let b = pair(&backend.store, "B").await;
    for round in 0..10 {
        let account = format!("ACCOUNT-{round}");
        let (one, two) = tokio::join!(
            backend
                .store
                .claim_route(&a.business_id, Platform::Messenger, &account, false, NOW),
            other.claim_route(&b.business_id, Platform::Messenger, &account, false, NOW)
        );
        let claimed = [&one, &two]
            .iter()
            .filter(|r| matches!(r, Ok(ClaimOutcome::Claimed)))
            .count();
        let taken = [&one, &two]
            .iter()
            .filter(|r| matches!(r, Err(StoreError::RouteTaken(..))))
            .count();
        assert_eq!((claimed, taken), (1, 1), "{one:?} {two:?}");
    }
}

async fn two_instances_expiring_together_count_each_lost_envelope_once(backend: Backend) {
    let other = backend.second().await;
    let a = pair(&backend.store, "A").await;
    let batch: Vec<_> = (0..200)
        .map(|n| envelope(&a.device_id, &n.to_string()))
        .collect();
    backend
        .store
        .insert_batches(vec![batch], NOW - 100)
        .await
        .unwrap();
    let (one, two) = tokio::join!(backend.store.expire(NOW), other.expire(NOW));
    assert_eq!(one.unwrap().envelopes + two.unwrap().envelopes, 200);
    assert_eq!(
        backend.store.lost_unreported(&a.device_id).await.unwrap(),
        200
    );
    assert_eq!(backend.store.queue_depth().await.unwrap(), 0);
}

async fn a_desktop_reading_while_two_instances_store_misses_nothing(backend: Backend) {
    // A reader only asks for cursors after the last it saw: an envelope
    // committed later with a smaller cursor would never reach it.
    let other = backend.second().await;
    let a = pair(&backend.store, "A").await;
    const EACH: usize = 300;
    let writer = |store: Store, tag: &'static str| {
        let device = a.device_id.clone();
        tokio::spawn(async move {
            for n in 0..EACH {
                store
                    .insert_batches(vec![vec![envelope(&device, &format!("{tag}{n}"))]], NOW)
                    .await
                    .unwrap();
            }
        })
    };
    let writers = [writer(backend.store.clone(), "a"), writer(other, "b")];
    let mut seen = std::collections::HashSet::new();
    let mut after = 0;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while seen.len() < 2 * EACH && tokio::time::Instant::now() < deadline {
        // Read after checking: an empty page read once both writers were
        // done means there is nothing more to come.
        let writers_done = writers.iter().all(tokio::task::JoinHandle::is_finished);
        let page = backend
            .store
            .envelopes_after(&a.device_id, after, 50)
            .await
            .unwrap();
        if let Some(last) = page.last() {
            after = last.cursor;
        } else if writers_done {
            break;
        } else {
            tokio::task::yield_now().await;
        }
        seen.extend(page.into_iter().map(|e| e.envelope_id));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(seen.len(), 2 * EACH, "the reader skipped envelopes");
}

async fn an_operator_sees_counts_suspends_and_deletes_a_business(backend: Backend) {
    let store = &backend.store;
    let salon = pair(store, "Salon").await;
    let laptop = pair(store, "Salon").await;
    let gym = pair(store, "Gym").await;
    for (business, account) in [(&salon, "S1"), (&salon, "S2"), (&gym, "G1")] {
        store
            .claim_route(
                &business.business_id,
                Platform::Messenger,
                account,
                false,
                NOW,
            )
            .await
            .unwrap();
    }
    store
        .create_site(
            &salon.business_id,
            "Site",
            &["https://s.example".into()],
            NOW,
        )
        .await
        .unwrap();
    store
        .insert_batches(
            vec![vec![
                envelope(&salon.device_id, "1"),
                envelope(&laptop.device_id, "1"),
                envelope(&gym.device_id, "1"),
            ]],
            NOW,
        )
        .await
        .unwrap();
    store
        .link_meta_user("U1", &salon.business_id, NOW)
        .await
        .unwrap();
    let deletion = store.record_deletion("U1", NOW).await.unwrap();
    let site = store.sites().await.unwrap().remove(0);
    store
        .record_refused_origin(&site.site_id, "https://www.s.example", NOW)
        .await
        .unwrap();

    let businesses = store.businesses().await.unwrap();
    let counts: Vec<(&str, u64, u64, u64)> = businesses
        .iter()
        .map(|b| (b.name.as_str(), b.devices, b.accounts, b.envelopes))
        .collect();
    assert_eq!(counts, [("Gym", 1, 1, 1), ("Salon", 2, 3, 2)]);
    assert!(businesses.iter().all(|b| b.envelope_bytes > 0));

    assert!(
        store
            .set_suspended(&salon.business_id, Some(NOW))
            .await
            .unwrap()
    );
    let device = store
        .device_for_token(&laptop.token)
        .await
        .unwrap()
        .unwrap();
    assert!(device.suspended);
    assert!(
        !store
            .device_for_token(&gym.token)
            .await
            .unwrap()
            .unwrap()
            .suspended
    );
    assert!(store.set_suspended(&salon.business_id, None).await.unwrap());
    assert!(
        !store
            .device_for_token(&laptop.token)
            .await
            .unwrap()
            .unwrap()
            .suspended
    );

    assert!(
        store
            .delete_business(&salon.business_id, NOW + 5)
            .await
            .unwrap()
    );
    assert!(
        !store
            .delete_business(&salon.business_id, NOW + 5)
            .await
            .unwrap()
    );
    let left: Vec<String> = store
        .businesses()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(left, ["Gym"]);
    assert!(
        store
            .device_for_token(&salon.token)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.route_holder(Platform::Messenger, "S1").await.unwrap(),
        None
    );
    assert!(store.sites().await.unwrap().is_empty());
    assert_eq!(
        store.queue_depth().await.unwrap(),
        1,
        "the gym's envelope stays"
    );
    assert_eq!(
        store
            .deletion_status(&deletion.code)
            .await
            .unwrap()
            .unwrap()
            .completed_at,
        Some(NOW + 5),
        "nothing of the deleted business is left to delete"
    );
    // The name is free again.
    let again = pair(store, "Salon").await;
    assert_ne!(again.business_id, salon.business_id);
}

async fn a_sign_up_creates_a_business_with_its_owner_and_never_joins_one(backend: Backend) {
    let store = &backend.store;
    let key = DeviceSecretKey::generate().public_key();
    let signed = store.sign_up("Salon", &key, "desk", NOW).await.unwrap();
    assert_eq!(signed.business_name, "Salon");
    let devices = store.business_devices(&signed.business_id).await.unwrap();
    assert_eq!(devices.len(), 1);
    assert!(devices[0].owner);
    assert!(matches!(
        store.sign_up("Salon", &key, "intruder", NOW).await,
        Err(StoreError::BusinessNameTaken)
    ));
    // An invite for a business made by `invite` is taken too.
    store.create_invite("Gym", NOW).await.unwrap();
    assert!(matches!(
        store.sign_up("Gym", &key, "intruder", NOW).await,
        Err(StoreError::BusinessNameTaken)
    ));
    assert_eq!(
        store
            .business_devices(&signed.business_id)
            .await
            .unwrap()
            .len(),
        1
    );
}

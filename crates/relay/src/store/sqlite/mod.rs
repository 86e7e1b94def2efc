//! The relay's state in one SQLite file (the self-hoster's default): WAL,
//! `synchronous=FULL`, one writer connection and one reader. The methods here
//! are blocking; `storage.rs` runs them on tokio's blocking pool for
//! [`Storage`](super::Storage).

use std::path::Path;
use std::sync::{Arc, Mutex};

use leadbox_envelope::api::BusinessDevice;
use leadbox_envelope::{DevicePublicKey, Platform, SealedEnvelope};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Device, DeviceInfo, Expired, Recipients, Registration, StoreError, hash_secret};
use crate::secrets::{human_code, random_token};

const INVITE_LIFETIME_SECONDS: i64 = 7 * 24 * 3600;
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Device id and public key of each active device of a business.
pub(crate) fn active_devices(
    conn: &Connection,
    business_id: &str,
) -> Result<Vec<(String, DevicePublicKey)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, public_key FROM devices WHERE business_id = ?1 AND revoked_at IS NULL",
    )?;
    let devices = statement
        .query_map([business_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .filter_map(Result::ok)
        .filter_map(|(id, key)| DevicePublicKey::from_base64(&key).ok().map(|key| (id, key)))
        .collect();
    Ok(devices)
}

/// SQLite in WAL mode with `synchronous=FULL`: a webhook is answered 200 only
/// after its envelopes survive a power cut.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    /// A second connection for the hot lookups (routes, device tokens,
    /// queues): in WAL mode it reads committed data while the writer is in
    /// the middle of a group commit, instead of waiting for it.
    reader: Arc<Mutex<Connection>>,
}

mod devices;
mod envelopes;
mod housekeeping;
mod logins;
mod operator;
mod routes;
mod schema;
mod storage;
mod widget;

impl SqliteStore {
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let mut conn = Connection::open(data_dir.join("relay.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrations().to_latest(&mut conn)?;
        // Most checkpoint work runs on its own thread (below). SQLite's own
        // checkpoint after a commit (every 1000 pages) then finds the log
        // already copied and only restarts it, instead of stalling every
        // webhook waiting behind that commit.
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        let reader = Connection::open(data_dir.join("relay.sqlite3"))?;
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        let checkpointer = Connection::open(data_dir.join("relay.sqlite3"))?;
        checkpointer.busy_timeout(std::time::Duration::from_secs(5))?;
        let store = SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            reader: Arc::new(Mutex::new(reader)),
        };
        store.checkpoint_in_background(checkpointer);
        Ok(store)
    }

    /// Copies the write-ahead log into the database several times a second
    /// without blocking writers (`PASSIVE`); ends when the store is dropped.
    fn checkpoint_in_background(&self, checkpointer: Connection) {
        let alive = Arc::downgrade(&self.conn);
        let spawned = std::thread::Builder::new()
            .name("relay-checkpoint".into())
            .spawn(move || {
                while alive.strong_count() > 0 {
                    std::thread::sleep(CHECKPOINT_EVERY);
                    if let Err(error) =
                        checkpointer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(%error, "checkpoint failed");
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "the checkpoint thread could not start; the log grows until restart");
        }
    }

    /// Runs read-only statements on the reader connection.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self
            .reader
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&conn)
    }

    /// Runs statements on the writer connection. Its transactions start
    /// `IMMEDIATE`: one that reads and then writes cannot fail half-way with
    /// "database is locked" when another process (`leadbox-relay invite`
    /// while the relay runs) writes too; it waits its turn instead.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A poisoned lock only means another request panicked mid-call; SQLite's
        // own transactions keep the data consistent, so carry on.
        let mut conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ClaimOutcome;
    use leadbox_envelope::DeviceSecretKey;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        (dir, store)
    }

    fn register(store: &SqliteStore, business: &str) -> Registration {
        let code = store.create_invite(business, 100).unwrap();
        store
            .register_device(
                &code,
                &DeviceSecretKey::generate().public_key(),
                "laptop",
                100,
            )
            .unwrap()
    }

    fn envelope(business_id: &str, id: &str) -> SealedEnvelope {
        SealedEnvelope {
            cursor: 0,
            envelope_id: id.into(),
            business_id: business_id.into(),
            encapsulated_key: "k".into(),
            ciphertext: "c".into(),
        }
    }

    #[test]
    fn an_invite_works_once() {
        let (_dir, store) = store();
        let code = store.create_invite("Salon", 100).unwrap();
        let key = DeviceSecretKey::generate().public_key();
        let first = store.register_device(&code, &key, "a", 100).unwrap();
        assert_eq!(first.business_name, "Salon");
        assert!(matches!(
            store.register_device(&code, &key, "b", 100),
            Err(StoreError::InviteInvalid)
        ));
        assert_eq!(
            store
                .device_for_token(&first.token)
                .unwrap()
                .map(|d| d.device_id),
            Some(first.device_id)
        );
        assert_eq!(store.device_for_token("not-a-token").unwrap(), None);
    }

    #[test]
    fn an_expired_invite_is_refused() {
        let (_dir, store) = store();
        let code = store.create_invite("Salon", 100).unwrap();
        let key = DeviceSecretKey::generate().public_key();
        let later = 100 + INVITE_LIFETIME_SECONDS + 1;
        assert!(matches!(
            store.register_device(&code, &key, "a", later),
            Err(StoreError::InviteInvalid)
        ));
    }

    #[test]
    fn tokens_are_stored_only_as_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let registration = register(&store, "Salon");
        drop(store);
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        assert!(
            !bytes
                .windows(registration.token.len())
                .any(|w| w == registration.token.as_bytes())
        );
    }

    #[test]
    fn a_route_belongs_to_one_business_and_moves_only_with_proof() {
        let (_dir, store) = store();
        let a = register(&store, "A");
        let b = register(&store, "B");
        assert_eq!(
            store
                .claim_route(&a.business_id, Platform::Instagram, "178", false, 1)
                .unwrap(),
            ClaimOutcome::Claimed
        );
        assert_eq!(
            store
                .claim_route(&a.business_id, Platform::Instagram, "178", false, 2)
                .unwrap(),
            ClaimOutcome::AlreadyHeld
        );
        assert!(matches!(
            store.claim_route(&b.business_id, Platform::Instagram, "178", false, 3),
            Err(StoreError::RouteTaken(Platform::Instagram, _))
        ));
        // The same id on another platform is another account.
        store
            .claim_route(&b.business_id, Platform::Messenger, "178", false, 4)
            .unwrap();
        let recipients = store
            .recipients(Platform::Instagram, "178")
            .unwrap()
            .unwrap();
        assert_eq!(recipients.business_id, a.business_id);
        assert_eq!(recipients.devices.len(), 1);
        assert!(
            store
                .recipients(Platform::Whatsapp, "178")
                .unwrap()
                .is_none()
        );

        // With proof, B takes it, and A's devices are named to be told.
        let ClaimOutcome::Moved { from } = store
            .claim_route(&b.business_id, Platform::Instagram, "178", true, 5)
            .unwrap()
        else {
            panic!("the route did not move");
        };
        assert_eq!(from.business_id, a.business_id);
        assert_eq!(from.devices.len(), 1);
        assert_eq!(
            store.route_holder(Platform::Instagram, "178").unwrap(),
            Some(b.business_id.clone())
        );
    }

    #[test]
    fn a_device_sees_and_acks_only_its_own_envelopes() {
        let (_dir, store) = store();
        let a = register(&store, "A");
        let b = register(&store, "B");
        store
            .insert_envelopes(
                &[
                    (a.device_id.clone(), envelope(&a.business_id, "1")),
                    (b.device_id.clone(), envelope(&b.business_id, "2")),
                ],
                1,
            )
            .unwrap();
        let mine = store.envelopes_after(&a.device_id, 0, 10).unwrap();
        assert_eq!(
            mine.iter()
                .map(|e| e.envelope_id.as_str())
                .collect::<Vec<_>>(),
            ["1"]
        );
        let theirs = store.envelopes_after(&b.device_id, 0, 10).unwrap();
        assert_eq!(
            store.ack(&a.device_id, &[theirs[0].cursor]).unwrap(),
            0,
            "cannot ack another device's envelope"
        );
        assert_eq!(store.queue_depth().unwrap(), 2);
        assert_eq!(store.ack(&a.device_id, &[mine[0].cursor]).unwrap(), 1);
        assert!(
            store
                .envelopes_after(&a.device_id, 0, 10)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn envelopes_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let device = {
            let store = SqliteStore::open(dir.path()).unwrap();
            let a = register(&store, "A");
            store
                .insert_envelopes(&[(a.device_id.clone(), envelope(&a.business_id, "1"))], 1)
                .unwrap();
            a.device_id
        };
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.envelopes_after(&device, 0, 10).unwrap().len(), 1);
    }
}

//! The relay's state in one SQLite file (the self-hoster's default): WAL,
//! `synchronous=FULL`, one writer connection and one reader. The methods here
//! are blocking; `storage.rs` runs them on tokio's blocking pool for
//! [`Storage`](super::Storage).

use std::path::Path;
use std::sync::{Arc, Mutex};

use leadbox_envelope::api::BusinessDevice;
use leadbox_envelope::{DevicePublicKey, RouteKind, SealedEnvelope};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use rusqlite_migration::{M, Migrations};

use super::{Device, DeviceInfo, Expired, Recipients, Registration, StoreError, hash_secret};
use crate::secrets::{human_code, random_token};

const INVITE_LIFETIME_SECONDS: i64 = 7 * 24 * 3600;
/// Envelopes one housekeeping transaction removes at most.
const HOUSEKEEPING_CHUNK: i64 = 2_000;
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE businesses (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE invites (
            code_hash TEXT PRIMARY KEY,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            expires_at INTEGER NOT NULL,
            used_at INTEGER
        );
        CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            public_key TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        CREATE TABLE routes (
            kind TEXT NOT NULL,
            account_id TEXT NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (kind, account_id)
        );
        CREATE TABLE envelopes (
            cursor INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id TEXT NOT NULL REFERENCES devices(id),
            envelope_id TEXT NOT NULL,
            business_id TEXT NOT NULL,
            encapsulated_key TEXT NOT NULL,
            ciphertext TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX envelopes_by_device ON envelopes(device_id, cursor);",
        ),
        // Expiry and bounds: how many envelopes a device lost without being told yet.
        M::up(
            "ALTER TABLE devices ADD COLUMN lost_unreported INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE devices ADD COLUMN key_rotated_at INTEGER;
        CREATE INDEX envelopes_by_age ON envelopes(created_at);",
        ),
        // Facebook Login and Meta's data-deletion callback (see `meta_links`).
        M::up(
            "CREATE TABLE oauth_states (
            state_hash TEXT PRIMARY KEY,
            device_id TEXT NOT NULL REFERENCES devices(id),
            expires_at INTEGER NOT NULL
        );
        CREATE TABLE meta_users (
            user_id TEXT NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            linked_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, business_id)
        );
        CREATE TABLE deletion_requests (
            code TEXT PRIMARY KEY,
            requested_at INTEGER NOT NULL,
            completed_at INTEGER
        );
        CREATE TABLE deletion_pending (
            code TEXT NOT NULL REFERENCES deletion_requests(code),
            business_id TEXT NOT NULL REFERENCES businesses(id),
            PRIMARY KEY (code, business_id)
        );",
        ),
        // Which login a state belongs to (Facebook or Instagram), so one
        // cannot be completed through the other.
        M::up("ALTER TABLE oauth_states ADD COLUMN provider TEXT NOT NULL DEFAULT 'facebook';"),
        // Website chats (see `widget_store`).
        M::up(
            "CREATE TABLE widget_sites (
            id TEXT PRIMARY KEY,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            name TEXT NOT NULL,
            origins TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE widget_sessions (
            id_hash TEXT PRIMARY KEY,
            site_id TEXT NOT NULL REFERENCES widget_sites(id),
            created_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL
        );
        CREATE INDEX widget_sessions_by_age ON widget_sessions(last_seen_at);
        CREATE TABLE widget_replies (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            session_hash TEXT NOT NULL,
            reply_id TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (session_hash, reply_id)
        );",
        ),
        // Roles: the first computer paired is the business's owner; only an
        // owner removes other computers, so a stolen laptop cannot lock the
        // owner out. Existing businesses: their oldest active computer.
        M::up(
            "ALTER TABLE devices ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
                CHECK (role IN ('owner', 'member'));
            UPDATE devices SET role = 'owner' WHERE rowid IN (
                SELECT (SELECT d.rowid FROM devices d
                        WHERE d.business_id = b.id AND d.revoked_at IS NULL
                        ORDER BY d.created_at, d.rowid LIMIT 1)
                FROM businesses b);",
        ),
        // WhatsApp Business Accounts whose account-level changes (templates,
        // quality, restrictions) go to a business: one account can hold
        // numbers of several businesses, so it can go to several.
        M::up(
            "CREATE TABLE business_account_routes (
            account_id TEXT NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (account_id, business_id)
        );",
        ),
        // A login link is confirmed on the relay's page with a code shown on
        // the owner's computer before it goes on to Facebook or Instagram.
        M::up(
            "ALTER TABLE oauth_states ADD COLUMN code_hash TEXT;
            ALTER TABLE oauth_states ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE oauth_states ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;",
        ),
        // The operator may suspend a business (its computers are refused).
        M::up("ALTER TABLE businesses ADD COLUMN suspended_at INTEGER;"),
    ])
}

/// Deletes these envelopes (cursor, device) and counts them as lost for their devices.
fn remove_as_lost(
    tx: &rusqlite::Transaction<'_>,
    doomed: &[(i64, String)],
) -> Result<(), StoreError> {
    let mut per_device: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    let mut delete = tx.prepare_cached("DELETE FROM envelopes WHERE cursor = ?1")?;
    for (cursor, device_id) in doomed {
        delete.execute([cursor])?;
        *per_device.entry(device_id).or_default() += 1;
    }
    let mut tell = tx.prepare_cached(
        "UPDATE devices SET lost_unreported = lost_unreported + ?2 WHERE id = ?1",
    )?;
    for (device_id, count) in per_device {
        tell.execute(params![device_id, count])?;
    }
    Ok(())
}

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
mod logins;
mod operator;
mod routes;
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
        migrations().to_latest(&mut conn)?;
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

    /// Stores several webhooks' envelopes in one transaction (one disk flush
    /// for all); returns the highest cursor of each batch.
    pub fn insert_batches(
        &self,
        batches: &[&[(String, SealedEnvelope)]],
        now: i64,
    ) -> Result<Vec<u64>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut newest = Vec::with_capacity(batches.len());
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO envelopes (device_id, envelope_id, business_id, encapsulated_key, ciphertext, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for batch in batches {
                    let mut last = 0;
                    for (device_id, envelope) in *batch {
                        insert.execute(params![
                            device_id,
                            envelope.envelope_id,
                            envelope.business_id,
                            envelope.encapsulated_key,
                            envelope.ciphertext,
                            now
                        ])?;
                        last = u64::try_from(tx.last_insert_rowid()).unwrap_or(0);
                    }
                    newest.push(last);
                }
            }
            tx.commit()?;
            Ok(newest)
        })
    }

    /// Stores all envelopes of one webhook in one transaction; returns the highest cursor.
    pub fn insert_envelopes(
        &self,
        envelopes: &[(String, SealedEnvelope)],
        now: i64,
    ) -> Result<u64, StoreError> {
        let newest = self.insert_batches(&[envelopes], now)?;
        Ok(newest.first().copied().unwrap_or(0))
    }

    pub fn envelopes_after(
        &self,
        device_id: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<SealedEnvelope>, StoreError> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT cursor, envelope_id, business_id, encapsulated_key, ciphertext FROM envelopes
                 WHERE device_id = ?1 AND cursor > ?2 ORDER BY cursor LIMIT ?3",
            )?;
            let rows = statement.query_map(params![device_id, after as i64, limit as i64], |r| {
                Ok(SealedEnvelope {
                    cursor: r.get::<_, i64>(0)? as u64,
                    envelope_id: r.get(1)?,
                    business_id: r.get(2)?,
                    encapsulated_key: r.get(3)?,
                    ciphertext: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Deletes acknowledged envelopes. Only the device's own envelopes can be deleted.
    pub fn ack(&self, device_id: &str, cursors: &[u64]) -> Result<u64, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut deleted = 0;
            {
                let mut delete = tx
                    .prepare_cached("DELETE FROM envelopes WHERE device_id = ?1 AND cursor = ?2")?;
                for cursor in cursors {
                    deleted += delete.execute(params![device_id, *cursor as i64])? as u64;
                }
            }
            tx.commit()?;
            Ok(deleted)
        })
    }

    /// Deletes envelopes older than `before` (seconds) and counts them as lost
    /// for their devices, who hear about it on their next fetch. In short
    /// transactions of at most [`HOUSEKEEPING_CHUNK`] envelopes, so webhooks
    /// arriving meanwhile commit between them instead of waiting for all.
    pub fn expire(&self, before: i64) -> Result<Expired, StoreError> {
        let mut expired = 0;
        loop {
            let removed = self.with(|conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let doomed: Vec<(i64, String)> = tx
                    .prepare_cached(
                        "SELECT cursor, device_id FROM envelopes WHERE created_at < ?1 LIMIT ?2",
                    )?
                    .query_map(params![before, HOUSEKEEPING_CHUNK], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?
                    .collect::<Result<_, _>>()?;
                remove_as_lost(&tx, &doomed)?;
                tx.commit()?;
                Ok(doomed.len() as u64)
            })?;
            expired += removed;
            if removed < HOUSEKEEPING_CHUNK as u64 {
                return Ok(Expired { envelopes: expired });
            }
        }
    }

    /// Keeps at most `max` envelopes per device, dropping the oldest (counted
    /// as lost). Which devices are over is read on the reader connection from
    /// the (device, cursor) index, without a table scan and without the
    /// writer; the excess goes in short transactions, as in [`Self::expire`].
    pub fn enforce_bound(&self, max: u64) -> Result<u64, StoreError> {
        let over: Vec<(String, i64)> = self.read(|conn| {
            let devices: Vec<String> = conn
                .prepare_cached("SELECT id FROM devices WHERE revoked_at IS NULL")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut boundary = conn.prepare_cached(
                "SELECT cursor FROM envelopes WHERE device_id = ?1 ORDER BY cursor DESC LIMIT 1 OFFSET ?2",
            )?;
            let mut over = Vec::new();
            for device_id in devices {
                // The newest envelope beyond the `max` newest: it and older ones go.
                let oldest_kept_minus_one: Option<i64> = boundary
                    .query_row(params![device_id, max as i64], |r| r.get(0))
                    .optional()?;
                if let Some(cursor) = oldest_kept_minus_one {
                    over.push((device_id, cursor));
                }
            }
            Ok(over)
        })?;
        let mut evicted = 0;
        for (device_id, boundary) in over {
            loop {
                let removed = self.with(|conn| {
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let doomed: Vec<(i64, String)> = tx
                        .prepare_cached(
                            "SELECT cursor, device_id FROM envelopes WHERE device_id = ?1 AND cursor <= ?2
                             ORDER BY cursor LIMIT ?3",
                        )?
                        .query_map(params![device_id, boundary, HOUSEKEEPING_CHUNK], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })?
                        .collect::<Result<_, _>>()?;
                    remove_as_lost(&tx, &doomed)?;
                    tx.commit()?;
                    Ok(doomed.len() as u64)
                })?;
                evicted += removed;
                if removed < HOUSEKEEPING_CHUNK as u64 {
                    break;
                }
            }
        }
        Ok(evicted)
    }

    /// How many envelopes this device lost (expired or evicted) since it last confirmed.
    pub fn lost_unreported(&self, device_id: &str) -> Result<u64, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT lost_unreported FROM devices WHERE id = ?1",
                    [device_id],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?
                .unwrap_or(0) as u64)
        })
    }

    /// The device saw `count` lost envelopes reported; stop reporting them.
    pub fn confirm_lost(&self, device_id: &str, count: u64) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE devices SET lost_unreported = max(0, lost_unreported - ?2) WHERE id = ?1",
                params![device_id, count as i64],
            )?;
            Ok(())
        })
    }

    pub fn count_lost(&self, lost: &[(String, u64)]) -> Result<(), StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut tell = tx.prepare_cached(
                    "UPDATE devices SET lost_unreported = lost_unreported + ?2 WHERE id = ?1",
                )?;
                for (device_id, count) in lost {
                    tell.execute(params![device_id, *count as i64])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    pub fn queue_depth(&self) -> Result<u64, StoreError> {
        self.read(|conn| {
            Ok(
                conn.query_row("SELECT COUNT(*) FROM envelopes", [], |r| r.get::<_, i64>(0))?
                    as u64,
            )
        })
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
                .claim_route(&a.business_id, RouteKind::Instagram, "178", false, 1)
                .unwrap(),
            ClaimOutcome::Claimed
        );
        assert_eq!(
            store
                .claim_route(&a.business_id, RouteKind::Instagram, "178", false, 2)
                .unwrap(),
            ClaimOutcome::AlreadyHeld
        );
        assert!(matches!(
            store.claim_route(&b.business_id, RouteKind::Instagram, "178", false, 3),
            Err(StoreError::RouteTaken(RouteKind::Instagram, _))
        ));
        // The same id on another platform is another account.
        store
            .claim_route(&b.business_id, RouteKind::Messenger, "178", false, 4)
            .unwrap();
        let recipients = store
            .recipients(RouteKind::Instagram, "178")
            .unwrap()
            .unwrap();
        assert_eq!(recipients.business_id, a.business_id);
        assert_eq!(recipients.devices.len(), 1);
        assert!(
            store
                .recipients(RouteKind::Whatsapp, "178")
                .unwrap()
                .is_none()
        );

        // With proof, B takes it, and A's devices are named to be told.
        let ClaimOutcome::Moved { from } = store
            .claim_route(&b.business_id, RouteKind::Instagram, "178", true, 5)
            .unwrap()
        else {
            panic!("the route did not move");
        };
        assert_eq!(from.business_id, a.business_id);
        assert_eq!(from.devices.len(), 1);
        assert_eq!(
            store.route_holder(RouteKind::Instagram, "178").unwrap(),
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

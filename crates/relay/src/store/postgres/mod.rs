//! The relay's state in PostgreSQL, for a relay service: several stateless
//! instances share one database. Every method is one transaction; rows that
//! two instances could both act on are locked (`FOR UPDATE`) or skipped when
//! another instance holds them (`FOR UPDATE SKIP LOCKED`, in housekeeping).

use std::str::FromStr;

use deadpool_postgres::{Client, GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use leadbox_envelope::{DevicePublicKey, SealedEnvelope};
use tokio_postgres::NoTls;
use tokio_postgres::types::ToSql;

use super::{Expired, StoreError};

mod devices;
mod logins;
pub mod notify;
mod operator;
mod routes;
mod schema;
mod storage;
mod widget;

/// The advisory lock under which every instance takes envelope cursors.
const ENVELOPE_ORDER_LOCK: i64 = 0x1ead_b0c6;

/// Connections one instance keeps open.
const POOL_SIZE: usize = 16;

#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: never printed.
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

fn cursor(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl PostgresStore {
    /// Connects to `database_url` (`postgres://user:password@host/db`) and
    /// brings its schema up to date.
    pub async fn open(database_url: &str) -> Result<Self, StoreError> {
        let config = tokio_postgres::Config::from_str(database_url).map_err(|_| {
            StoreError::Pool("database_url is not a valid postgres:// address".into())
        })?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|error| StoreError::Pool(error.to_string()))?;
        let store = PostgresStore { pool };
        schema::migrate(&mut store.client().await?).await?;
        Ok(store)
    }

    async fn client(&self) -> Result<Client, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|error| StoreError::Pool(error.to_string()))
    }

    /// A whole group of webhooks in one transaction (one commit makes them
    /// all durable) of two statements: cursors are taken under a lock that
    /// every instance's inserts share, then all rows go in at once. The lock
    /// makes commit order cursor order across instances: a desktop that has
    /// read up to cursor N never later finds a smaller cursor committed by a
    /// slower instance (it would never fetch it).
    pub async fn insert_batches(
        &self,
        batches: Vec<Vec<(String, SealedEnvelope)>>,
        now: i64,
    ) -> Result<Vec<u64>, StoreError> {
        let rows: usize = batches.iter().map(Vec::len).sum();
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let taken = tx
            .query(
                "WITH ordered AS (SELECT pg_advisory_xact_lock($1))
                 SELECT nextval('envelopes_cursor_seq') FROM ordered, generate_series(1, $2::bigint)",
                &[&ENVELOPE_ORDER_LOCK, &(rows as i64)],
            )
            .await?;
        let mut cursors: Vec<i64> = taken.iter().map(|r| r.get(0)).collect();
        cursors.sort_unstable();
        let mut columns: [Vec<String>; 5] = Default::default();
        let mut newest = Vec::with_capacity(batches.len());
        let mut next = cursors.iter();
        for batch in batches {
            let mut last = 0;
            for (device_id, envelope) in batch {
                last = next.next().copied().unwrap_or_default();
                columns[0].push(device_id);
                columns[1].push(envelope.envelope_id);
                columns[2].push(envelope.business_id);
                columns[3].push(envelope.encapsulated_key);
                columns[4].push(envelope.ciphertext);
            }
            newest.push(cursor(last));
        }
        let [d, e, b, k, c] = &columns;
        let params: [&(dyn ToSql + Sync); 8] = [&cursors, d, e, b, k, c, &now, &notify::ENVELOPES];
        // The notification is delivered at commit: every instance wakes its streams.
        tx.execute(
            "WITH stored AS (
                 INSERT INTO envelopes (cursor, device_id, envelope_id, business_id, encapsulated_key, ciphertext, created_at)
                 SELECT n, d, e, b, k, c, $7
                 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(n, d, e, b, k, c)
                 RETURNING 1)
             SELECT pg_notify($8, '') FROM (SELECT 1) AS once WHERE EXISTS (SELECT 1 FROM stored)",
            &params,
        )
        .await?;
        tx.commit().await?;
        Ok(newest)
    }

    pub async fn envelopes_after(
        &self,
        device_id: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<SealedEnvelope>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT cursor, envelope_id, business_id, encapsulated_key, ciphertext FROM envelopes
                 WHERE device_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3",
                &[&device_id, &signed(after), &(limit as i64)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| SealedEnvelope {
                cursor: cursor(r.get(0)),
                envelope_id: r.get(1),
                business_id: r.get(2),
                encapsulated_key: r.get(3),
                ciphertext: r.get(4),
            })
            .collect())
    }

    pub async fn ack(&self, device_id: &str, cursors: &[u64]) -> Result<u64, StoreError> {
        let cursors: Vec<i64> = cursors.iter().map(|c| signed(*c)).collect();
        let client = self.client().await?;
        Ok(client
            .execute(
                "DELETE FROM envelopes WHERE device_id = $1 AND cursor = ANY($2)",
                &[&device_id, &cursors],
            )
            .await?)
    }

    /// Rows another instance is deleting right now are skipped (it counts them).
    pub async fn expire(&self, before: i64) -> Result<Expired, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "WITH gone AS (
                     DELETE FROM envelopes WHERE cursor IN (
                         SELECT cursor FROM envelopes WHERE created_at < $1 FOR UPDATE SKIP LOCKED)
                     RETURNING device_id),
                 counted AS (SELECT device_id, count(*) AS n FROM gone GROUP BY device_id),
                 told AS (UPDATE devices SET lost_unreported = lost_unreported + counted.n
                          FROM counted WHERE devices.id = counted.device_id)
                 SELECT coalesce(sum(n), 0)::BIGINT FROM counted",
                &[&before],
            )
            .await?;
        Ok(Expired {
            envelopes: cursor(row.get(0)),
        })
    }

    pub async fn enforce_bound(&self, max: u64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "WITH over AS (
                     SELECT device_id, count(*) - $1 AS excess FROM envelopes
                     GROUP BY device_id HAVING count(*) > $1),
                 oldest AS (
                     SELECT e.cursor FROM over, LATERAL (
                         SELECT cursor FROM envelopes WHERE device_id = over.device_id
                         ORDER BY cursor LIMIT over.excess) e),
                 gone AS (
                     DELETE FROM envelopes WHERE cursor IN (
                         SELECT cursor FROM envelopes WHERE cursor IN (SELECT cursor FROM oldest)
                         FOR UPDATE SKIP LOCKED)
                     RETURNING device_id),
                 counted AS (SELECT device_id, count(*) AS n FROM gone GROUP BY device_id),
                 told AS (UPDATE devices SET lost_unreported = lost_unreported + counted.n
                          FROM counted WHERE devices.id = counted.device_id)
                 SELECT coalesce(sum(n), 0)::BIGINT FROM counted",
                &[&signed(max)],
            )
            .await?;
        Ok(cursor(row.get(0)))
    }

    pub async fn lost_unreported(&self, device_id: &str) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT lost_unreported FROM devices WHERE id = $1",
                &[&device_id],
            )
            .await?;
        Ok(row.map_or(0, |r| cursor(r.get(0))))
    }

    pub async fn confirm_lost(&self, device_id: &str, count: u64) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE devices SET lost_unreported = GREATEST(0, lost_unreported - $2) WHERE id = $1",
                &[&device_id, &signed(count)],
            )
            .await?;
        Ok(())
    }

    pub async fn count_lost(&self, lost: &[(String, u64)]) -> Result<(), StoreError> {
        let ids: Vec<&str> = lost.iter().map(|(id, _)| id.as_str()).collect();
        let counts: Vec<i64> = lost.iter().map(|(_, n)| signed(*n)).collect();
        let client = self.client().await?;
        client
            .execute(
                "UPDATE devices SET lost_unreported = lost_unreported + t.n
                 FROM unnest($1::text[], $2::bigint[]) AS t(id, n) WHERE devices.id = t.id",
                &[&ids, &counts],
            )
            .await?;
        Ok(())
    }

    pub async fn queue_depth(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT count(*) FROM envelopes", &[])
            .await?;
        Ok(cursor(row.get(0)))
    }
}

/// Device id and public key of each active device of a business.
async fn active_devices(
    client: &impl GenericClient,
    business_id: &str,
) -> Result<Vec<(String, DevicePublicKey)>, StoreError> {
    let rows = client
        .query(
            "SELECT id, public_key FROM devices WHERE business_id = $1 AND revoked_at IS NULL ORDER BY paired",
            &[&business_id],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let key: String = r.get(1);
            DevicePublicKey::from_base64(&key)
                .ok()
                .map(|key| (r.get(0), key))
        })
        .collect())
}

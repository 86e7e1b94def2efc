//! The operator's commands: businesses with their counts, suspension, deletion.

use super::*;
use crate::store::BusinessInfo;

impl SqliteStore {
    pub fn businesses(&self) -> Result<Vec<BusinessInfo>, StoreError> {
        self.read(|conn| {
            // One pass over the envelopes for every business's queue.
            let mut queued: std::collections::HashMap<String, (u64, u64)> = conn
                .prepare(
                    "SELECT d.business_id, count(*), coalesce(sum(length(e.ciphertext) + length(e.encapsulated_key)), 0)
                     FROM envelopes e JOIN devices d ON d.id = e.device_id GROUP BY d.business_id",
                )?
                .query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, (r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64)))
                })?
                .collect::<Result<_, _>>()?;
            let mut statement = conn.prepare(
                "SELECT b.id, b.name, b.created_at, b.suspended_at,
                        (SELECT count(*) FROM devices d WHERE d.business_id = b.id AND d.revoked_at IS NULL),
                        (SELECT count(*) FROM routes r WHERE r.business_id = b.id)
                 FROM businesses b ORDER BY b.name",
            )?;
            let rows = statement.query_map([], |r| {
                Ok(BusinessInfo {
                    business_id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                    suspended_at: r.get(3)?,
                    devices: r.get::<_, i64>(4)? as u64,
                    accounts: r.get::<_, i64>(5)? as u64,
                    envelopes: 0,
                    envelope_bytes: 0,
                })
            })?;
            let mut businesses: Vec<BusinessInfo> = rows.collect::<Result<_, _>>()?;
            for business in &mut businesses {
                if let Some((count, bytes)) = queued.remove(&business.business_id) {
                    business.envelopes = count;
                    business.envelope_bytes = bytes;
                }
            }
            Ok(businesses)
        })
    }

    pub fn set_suspended(
        &self,
        business_id: &str,
        suspended_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        self.with(|conn| {
            Ok(conn.execute(
                "UPDATE businesses SET suspended_at = ?2 WHERE id = ?1",
                params![business_id, suspended_at],
            )? == 1)
        })
    }

    pub fn delete_business(&self, business_id: &str, now: i64) -> Result<bool, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            for statement in DELETE_BUSINESS {
                tx.execute(statement, [business_id])?;
            }
            tx.execute(
                "UPDATE deletion_requests SET completed_at = ?1 WHERE completed_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM deletion_pending p WHERE p.code = deletion_requests.code)",
                [now],
            )?;
            let deleted = tx.execute("DELETE FROM businesses WHERE id = ?1", [business_id])?;
            tx.commit()?;
            Ok(deleted == 1)
        })
    }
}

/// Everything of one business (`?1`), children first.
const DELETE_BUSINESS: [&str; 12] = [
    "DELETE FROM envelopes WHERE device_id IN (SELECT id FROM devices WHERE business_id = ?1)",
    "DELETE FROM oauth_states WHERE device_id IN (SELECT id FROM devices WHERE business_id = ?1)",
    "DELETE FROM widget_replies WHERE session_hash IN (SELECT s.id_hash FROM widget_sessions s
         JOIN widget_sites w ON w.id = s.site_id WHERE w.business_id = ?1)",
    "DELETE FROM widget_sessions WHERE site_id IN (SELECT id FROM widget_sites WHERE business_id = ?1)",
    "DELETE FROM widget_refused_origins WHERE site_id IN (SELECT id FROM widget_sites WHERE business_id = ?1)",
    "DELETE FROM widget_sites WHERE business_id = ?1",
    "DELETE FROM routes WHERE business_id = ?1",
    "DELETE FROM business_account_routes WHERE business_id = ?1",
    "DELETE FROM meta_users WHERE business_id = ?1",
    "DELETE FROM deletion_pending WHERE business_id = ?1",
    "DELETE FROM invites WHERE business_id = ?1",
    "DELETE FROM devices WHERE business_id = ?1",
];

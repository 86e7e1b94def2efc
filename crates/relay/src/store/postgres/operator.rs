//! The operator's commands: businesses with their counts, suspension, deletion.

use super::{PostgresStore, cursor};
use crate::store::{BusinessInfo, StoreError};

impl PostgresStore {
    pub async fn businesses(&self) -> Result<Vec<BusinessInfo>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "WITH queued AS (
                     SELECT d.business_id, count(*) AS envelopes,
                            coalesce(sum(length(e.ciphertext) + length(e.encapsulated_key)), 0)::BIGINT AS bytes
                     FROM envelopes e JOIN devices d ON d.id = e.device_id GROUP BY d.business_id)
                 SELECT b.id, b.name, b.created_at, b.suspended_at,
                        (SELECT count(*) FROM devices d WHERE d.business_id = b.id AND d.revoked_at IS NULL),
                        (SELECT count(*) FROM routes r WHERE r.business_id = b.id),
                        coalesce(q.envelopes, 0), coalesce(q.bytes, 0)
                 FROM businesses b LEFT JOIN queued q ON q.business_id = b.id
                 ORDER BY b.name",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| BusinessInfo {
                business_id: r.get(0),
                name: r.get(1),
                created_at: r.get(2),
                suspended_at: r.get(3),
                devices: cursor(r.get(4)),
                accounts: cursor(r.get(5)),
                envelopes: cursor(r.get(6)),
                envelope_bytes: cursor(r.get(7)),
            })
            .collect())
    }

    pub async fn set_suspended(
        &self,
        business_id: &str,
        suspended_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "UPDATE businesses SET suspended_at = $2 WHERE id = $1",
                &[&business_id, &suspended_at],
            )
            .await?
            == 1)
    }

    pub async fn delete_business(&self, business_id: &str, now: i64) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // Locked first: nothing pairs into it or claims for it meanwhile.
        let exists = tx
            .query_opt(
                "SELECT 1 FROM businesses WHERE id = $1 FOR UPDATE",
                &[&business_id],
            )
            .await?
            .is_some();
        if !exists {
            return Ok(false);
        }
        for statement in DELETE_BUSINESS {
            tx.execute(statement, &[&business_id]).await?;
        }
        tx.execute(
            "UPDATE deletion_requests SET completed_at = $1 WHERE completed_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM deletion_pending p WHERE p.code = deletion_requests.code)",
            &[&now],
        )
        .await?;
        tx.execute("DELETE FROM businesses WHERE id = $1", &[&business_id])
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Everything of one business (`$1`), children first.
const DELETE_BUSINESS: [&str; 12] = [
    "DELETE FROM envelopes WHERE device_id IN (SELECT id FROM devices WHERE business_id = $1)",
    "DELETE FROM oauth_states WHERE device_id IN (SELECT id FROM devices WHERE business_id = $1)",
    "DELETE FROM widget_replies WHERE session_hash IN (SELECT s.id_hash FROM widget_sessions s
         JOIN widget_sites w ON w.id = s.site_id WHERE w.business_id = $1)",
    "DELETE FROM widget_sessions WHERE site_id IN (SELECT id FROM widget_sites WHERE business_id = $1)",
    "DELETE FROM widget_refused_origins WHERE site_id IN (SELECT id FROM widget_sites WHERE business_id = $1)",
    "DELETE FROM widget_sites WHERE business_id = $1",
    "DELETE FROM routes WHERE business_id = $1",
    "DELETE FROM business_account_routes WHERE business_id = $1",
    "DELETE FROM meta_users WHERE business_id = $1",
    "DELETE FROM deletion_pending WHERE business_id = $1",
    "DELETE FROM invites WHERE business_id = $1",
    "DELETE FROM devices WHERE business_id = $1",
];

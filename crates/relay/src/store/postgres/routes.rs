//! Which business receives which platform account's webhooks.

use leadbox_envelope::Platform;

use super::{PostgresStore, active_devices};
use crate::store::{ClaimOutcome, Recipients, StoreError};

impl PostgresStore {
    pub async fn route_holder(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT business_id FROM routes WHERE kind = $1 AND account_id = $2",
                &[&kind.as_str(), &account_id],
            )
            .await?
            .map(|r| r.get(0)))
    }

    /// Two instances claiming the same free account: the insert of one wins,
    /// the other then finds the route held and treats it as any taken route.
    pub async fn claim_route(
        &self,
        business_id: &str,
        kind: Platform,
        account_id: &str,
        proven: bool,
        now: i64,
    ) -> Result<ClaimOutcome, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let inserted = tx
            .execute(
                "INSERT INTO routes (kind, account_id, business_id, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (kind, account_id) DO NOTHING",
                &[&kind.as_str(), &account_id, &business_id, &now],
            )
            .await?;
        let outcome = if inserted == 1 {
            ClaimOutcome::Claimed
        } else {
            let holder: String = tx
                .query_one(
                    "SELECT business_id FROM routes WHERE kind = $1 AND account_id = $2 FOR UPDATE",
                    &[&kind.as_str(), &account_id],
                )
                .await?
                .get(0);
            if holder == business_id {
                ClaimOutcome::AlreadyHeld
            } else if !proven {
                return Err(StoreError::RouteTaken(kind, account_id.to_owned()));
            } else {
                tx.execute(
                    "UPDATE routes SET business_id = $3, created_at = $4 WHERE kind = $1 AND account_id = $2",
                    &[&kind.as_str(), &account_id, &business_id, &now],
                )
                .await?;
                let devices = active_devices(&tx, &holder).await?;
                ClaimOutcome::Moved {
                    from: Recipients {
                        business_id: holder,
                        devices,
                    },
                }
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    pub async fn business_account_linked(
        &self,
        business_id: &str,
        business_account_id: &str,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT 1 FROM business_account_routes WHERE account_id = $1 AND business_id = $2",
                &[&business_account_id, &business_id],
            )
            .await?
            .is_some())
    }

    pub async fn link_business_account(
        &self,
        business_id: &str,
        business_account_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO business_account_routes (account_id, business_id, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&business_account_id, &business_id, &now],
            )
            .await?;
        Ok(())
    }

    pub async fn business_account_recipients(
        &self,
        business_account_id: &str,
    ) -> Result<Vec<Recipients>, StoreError> {
        let client = self.client().await?;
        let businesses = client
            .query(
                "SELECT business_id FROM business_account_routes WHERE account_id = $1 ORDER BY business_id",
                &[&business_account_id],
            )
            .await?;
        let mut recipients = Vec::with_capacity(businesses.len());
        for row in businesses {
            let business_id: String = row.get(0);
            let devices = active_devices(&client, &business_id).await?;
            recipients.push(Recipients {
                business_id,
                devices,
            });
        }
        Ok(recipients)
    }

    /// One query: the route and its business's active devices.
    pub async fn recipients(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<Recipients>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT r.business_id, d.id, d.public_key FROM routes r
                 LEFT JOIN devices d ON d.business_id = r.business_id AND d.revoked_at IS NULL
                 WHERE r.kind = $1 AND r.account_id = $2 ORDER BY d.paired",
                &[&kind.as_str(), &account_id],
            )
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let business_id: String = first.get(0);
        let devices = rows
            .iter()
            .filter_map(|r| {
                let id: Option<String> = r.get(1);
                let key: Option<String> = r.get(2);
                let key = leadbox_envelope::DevicePublicKey::from_base64(&key?).ok()?;
                Some((id?, key))
            })
            .collect();
        Ok(Some(Recipients {
            business_id,
            devices,
        }))
    }
}

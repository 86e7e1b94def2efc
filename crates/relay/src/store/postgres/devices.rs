//! Businesses' computers: invites, pairing, tokens, keys, roles and removal.

use leadbox_envelope::DevicePublicKey;
use leadbox_envelope::api::BusinessDevice;

use super::{PostgresStore, cursor};
use crate::secrets::{human_code, random_token};
use crate::store::{Device, DeviceInfo, Registration, StoreError, hash_secret};

const INVITE_LIFETIME_SECONDS: i64 = 7 * 24 * 3600;

impl PostgresStore {
    pub async fn create_invite(&self, business_name: &str, now: i64) -> Result<String, StoreError> {
        // 20 characters of 5 bits: 100 bits, single use, valid 7 days.
        let code = human_code(4);
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO businesses (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            &[&uuid::Uuid::new_v4().to_string(), &business_name, &now],
        )
        .await?;
        let business_id: String = tx
            .query_one(
                "SELECT id FROM businesses WHERE name = $1",
                &[&business_name],
            )
            .await?
            .get(0);
        tx.execute(
            "INSERT INTO invites (code_hash, business_id, expires_at) VALUES ($1, $2, $3)",
            &[
                &hash_secret(&code),
                &business_id,
                &(now + INVITE_LIFETIME_SECONDS),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(code)
    }

    pub async fn invite_to_business(
        &self,
        business_id: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let code = human_code(4);
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO invites (code_hash, business_id, expires_at) VALUES ($1, $2, $3)",
                &[
                    &hash_secret(&code),
                    &business_id,
                    &(now + INVITE_LIFETIME_SECONDS),
                ],
            )
            .await?;
        Ok(code)
    }

    /// The invite row and the business row are locked: an invite is used
    /// once, and a business gets one first owner, whichever instance pairs.
    pub async fn register_device(
        &self,
        invite_code: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        let code_hash = hash_secret(invite_code.trim());
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let invite = tx
            .query_opt(
                "SELECT i.business_id, b.name FROM invites i JOIN businesses b ON b.id = i.business_id
                 WHERE i.code_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2
                 FOR UPDATE",
                &[&code_hash, &now],
            )
            .await?
            .ok_or(StoreError::InviteInvalid)?;
        let (business_id, business_name): (String, String) = (invite.get(0), invite.get(1));
        tx.execute(
            "UPDATE invites SET used_at = $1 WHERE code_hash = $2",
            &[&now, &code_hash],
        )
        .await?;
        let has_owner = tx
            .query_opt(
                "SELECT 1 FROM devices WHERE business_id = $1 AND role = 'owner' AND revoked_at IS NULL",
                &[&business_id],
            )
            .await?
            .is_some();
        let role = if has_owner { "member" } else { "owner" };
        let device_id = uuid::Uuid::new_v4().to_string();
        let token = random_token(32);
        tx.execute(
            "INSERT INTO devices (id, business_id, name, token_hash, public_key, created_at, role)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &device_id,
                &business_id,
                &device_name,
                &hash_secret(&token),
                &public_key.to_base64(),
                &now,
                &role,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Registration {
            device_id,
            business_id,
            business_name,
            token,
        })
    }

    /// A new business with this computer as its owner (sign-up on a relay
    /// service). A name already taken is refused, never joined.
    pub async fn sign_up(
        &self,
        business_name: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let business_id = uuid::Uuid::new_v4().to_string();
        let created = tx
            .execute(
                "INSERT INTO businesses (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                &[&business_id, &business_name, &now],
            )
            .await?;
        if created == 0 {
            return Err(StoreError::BusinessNameTaken);
        }
        let device_id = uuid::Uuid::new_v4().to_string();
        let token = random_token(32);
        tx.execute(
            "INSERT INTO devices (id, business_id, name, token_hash, public_key, created_at, role)
             VALUES ($1, $2, $3, $4, $5, $6, 'owner')",
            &[
                &device_id,
                &business_id,
                &device_name,
                &hash_secret(&token),
                &public_key.to_base64(),
                &now,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Registration {
            device_id,
            business_id,
            business_name: business_name.to_owned(),
            token,
        })
    }

    pub async fn device_for_token(&self, token: &str) -> Result<Option<Device>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT d.id, d.business_id, b.suspended_at IS NOT NULL FROM devices d
                 JOIN businesses b ON b.id = d.business_id
                 WHERE d.token_hash = $1 AND d.revoked_at IS NULL",
                &[&hash_secret(token)],
            )
            .await?;
        Ok(row.map(|r| Device {
            device_id: r.get(0),
            business_id: r.get(1),
            suspended: r.get(2),
        }))
    }

    pub async fn device_active(&self, device_id: &str) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT 1 FROM devices WHERE id = $1 AND revoked_at IS NULL",
                &[&device_id],
            )
            .await?
            .is_some())
    }

    pub async fn device_key(&self, device_id: &str) -> Result<Option<DevicePublicKey>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT public_key FROM devices WHERE id = $1 AND revoked_at IS NULL",
                &[&device_id],
            )
            .await?;
        Ok(row.and_then(|r| DevicePublicKey::from_base64(&r.get::<_, String>(0)).ok()))
    }

    pub async fn rotate_device_key(
        &self,
        device_id: &str,
        public_key: &DevicePublicKey,
        now: i64,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE devices SET public_key = $2, key_rotated_at = $3 WHERE id = $1 AND revoked_at IS NULL",
                &[&device_id, &public_key.to_base64(), &now],
            )
            .await?;
        Ok(())
    }

    pub async fn devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT d.id, b.name, d.name, d.created_at, d.revoked_at,
                        (SELECT count(*) FROM envelopes e WHERE e.device_id = d.id), d.lost_unreported
                 FROM devices d JOIN businesses b ON b.id = d.business_id
                 ORDER BY b.name, d.paired",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| DeviceInfo {
                device_id: r.get(0),
                business: r.get(1),
                name: r.get(2),
                created_at: r.get(3),
                revoked_at: r.get(4),
                queued: cursor(r.get(5)),
                lost_unreported: cursor(r.get(6)),
            })
            .collect())
    }

    pub async fn business_devices(
        &self,
        business_id: &str,
    ) -> Result<Vec<BusinessDevice>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT d.id, d.name, d.created_at, d.revoked_at,
                        (SELECT count(*) FROM envelopes e WHERE e.device_id = d.id), d.role
                 FROM devices d WHERE d.business_id = $1 ORDER BY d.paired",
                &[&business_id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| BusinessDevice {
                device_id: r.get(0),
                name: r.get(1),
                created_at: r.get(2),
                revoked_at: r.get(3),
                queued: cursor(r.get(4)),
                owner: r.get::<_, String>(5) == "owner",
            })
            .collect())
    }

    /// The business row is locked, so two owners removing each other at once
    /// on two instances cannot leave the business without one.
    pub async fn revoke_business_device(
        &self,
        business_id: &str,
        by: &str,
        device_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "SELECT 1 FROM businesses WHERE id = $1 FOR UPDATE",
            &[&business_id],
        )
        .await?;
        let role_of = async |id: &str| -> Result<Option<String>, StoreError> {
            Ok(tx
                .query_opt(
                    "SELECT role FROM devices WHERE id = $1 AND business_id = $2 AND revoked_at IS NULL",
                    &[&id, &business_id],
                )
                .await?
                .map(|r| r.get(0)))
        };
        let Some(target_role) = role_of(device_id).await? else {
            return Ok(false);
        };
        if device_id != by && role_of(by).await?.as_deref() != Some("owner") {
            return Err(StoreError::NotOwner);
        }
        let owners: i64 = tx
            .query_one(
                "SELECT count(*) FROM devices WHERE business_id = $1 AND role = 'owner' AND revoked_at IS NULL",
                &[&business_id],
            )
            .await?
            .get(0);
        if target_role == "owner" && owners <= 1 {
            return Err(StoreError::LastOwner);
        }
        let changed = revoke(&tx, device_id, now).await?;
        tx.commit().await?;
        Ok(changed)
    }

    pub async fn revoke_device(&self, device_id: &str, now: i64) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let changed = revoke(&tx, device_id, now).await?;
        tx.commit().await?;
        Ok(changed)
    }
}

/// Its token stops working, nothing more is sealed to it, its queue goes.
async fn revoke(
    tx: &deadpool_postgres::Transaction<'_>,
    device_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = tx
        .execute(
            "UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&device_id, &now],
        )
        .await?;
    tx.execute("DELETE FROM envelopes WHERE device_id = $1", &[&device_id])
        .await?;
    Ok(changed == 1)
}

//! Businesses' computers: invites, pairing, tokens, keys, roles and removal.

use super::*;

impl SqliteStore {
    /// Creates the business if it does not exist yet and returns a new single-use invite code.
    pub fn create_invite(&self, business_name: &str, now: i64) -> Result<String, StoreError> {
        // 20 characters of 5 bits: 100 bits, single use, valid 7 days.
        let code = human_code(4);
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO businesses (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO NOTHING",
                params![uuid::Uuid::new_v4().to_string(), business_name, now],
            )?;
            let business_id: String =
                tx.query_row("SELECT id FROM businesses WHERE name = ?1", [business_name], |r| r.get(0))?;
            tx.execute(
                "INSERT INTO invites (code_hash, business_id, expires_at) VALUES (?1, ?2, ?3)",
                params![hash_secret(&code), business_id, now + INVITE_LIFETIME_SECONDS],
            )?;
            tx.commit()?;
            Ok(code)
        })
    }

    pub fn invite_to_business(&self, business_id: &str, now: i64) -> Result<String, StoreError> {
        let code = human_code(4);
        self.with(|conn| {
            conn.execute(
                "INSERT INTO invites (code_hash, business_id, expires_at) VALUES (?1, ?2, ?3)",
                params![
                    hash_secret(&code),
                    business_id,
                    now + INVITE_LIFETIME_SECONDS
                ],
            )?;
            Ok(code)
        })
    }

    pub fn register_device(
        &self,
        invite_code: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let invite: Option<(String, String)> = tx
                .query_row(
                    "SELECT i.business_id, b.name FROM invites i JOIN businesses b ON b.id = i.business_id
                     WHERE i.code_hash = ?1 AND i.used_at IS NULL AND i.expires_at > ?2",
                    params![hash_secret(invite_code.trim()), now],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (business_id, business_name) = invite.ok_or(StoreError::InviteInvalid)?;
            tx.execute("UPDATE invites SET used_at = ?1 WHERE code_hash = ?2", params![now, hash_secret(invite_code.trim())])?;
            let device_id = uuid::Uuid::new_v4().to_string();
            let token = random_token(32);
            let has_owner = tx
                .query_row(
                    "SELECT 1 FROM devices WHERE business_id = ?1 AND role = 'owner' AND revoked_at IS NULL",
                    [&business_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            let role = if has_owner { "member" } else { "owner" };
            tx.execute(
                "INSERT INTO devices (id, business_id, name, token_hash, public_key, created_at, role) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![device_id, business_id, device_name, hash_secret(&token), public_key.to_base64(), now, role],
            )?;
            tx.commit()?;
            Ok(Registration { device_id, business_id, business_name, token })
        })
    }

    /// A new business with this computer as its owner (sign-up on a relay
    /// service). A name already taken is refused, never joined.
    pub fn sign_up(
        &self,
        business_name: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let business_id = uuid::Uuid::new_v4().to_string();
            let created = tx.execute(
                "INSERT INTO businesses (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO NOTHING",
                params![business_id, business_name, now],
            )?;
            if created == 0 {
                return Err(StoreError::BusinessNameTaken);
            }
            let device_id = uuid::Uuid::new_v4().to_string();
            let token = random_token(32);
            tx.execute(
                "INSERT INTO devices (id, business_id, name, token_hash, public_key, created_at, role) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'owner')",
                params![device_id, business_id, device_name, hash_secret(&token), public_key.to_base64(), now],
            )?;
            tx.commit()?;
            Ok(Registration { device_id, business_id, business_name: business_name.to_owned(), token })
        })
    }

    pub fn device_for_token(&self, token: &str) -> Result<Option<Device>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT d.id, d.business_id, b.suspended_at IS NOT NULL FROM devices d
                     JOIN businesses b ON b.id = d.business_id
                     WHERE d.token_hash = ?1 AND d.revoked_at IS NULL",
                    [hash_secret(token)],
                    |r| {
                        Ok(Device {
                            device_id: r.get(0)?,
                            business_id: r.get(1)?,
                            suspended: r.get(2)?,
                        })
                    },
                )
                .optional()?)
        })
    }

    /// Whether a device may still fetch (not revoked).
    pub fn device_active(&self, device_id: &str) -> Result<bool, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT 1 FROM devices WHERE id = ?1 AND revoked_at IS NULL",
                    [device_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some())
        })
    }

    /// A device registers a new public key. Envelopes already sealed to the old
    /// key stay queued; the device keeps its old key until it has acked them.
    pub fn rotate_device_key(
        &self,
        device_id: &str,
        public_key: &DevicePublicKey,
        now: i64,
    ) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE devices SET public_key = ?2, key_rotated_at = ?3 WHERE id = ?1 AND revoked_at IS NULL",
                params![device_id, public_key.to_base64(), now],
            )?;
            Ok(())
        })
    }

    pub fn devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        self.with(|conn| {
            let mut statement = conn.prepare(
                "SELECT d.id, b.name, d.name, d.created_at, d.revoked_at,
                        (SELECT count(*) FROM envelopes e WHERE e.device_id = d.id), d.lost_unreported
                 FROM devices d JOIN businesses b ON b.id = d.business_id
                 ORDER BY b.name, d.created_at",
            )?;
            let rows = statement.query_map([], |r| {
                Ok(DeviceInfo {
                    device_id: r.get(0)?,
                    business: r.get(1)?,
                    name: r.get(2)?,
                    created_at: r.get(3)?,
                    revoked_at: r.get(4)?,
                    queued: r.get::<_, i64>(5)? as u64,
                    lost_unreported: r.get::<_, i64>(6)? as u64,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The desktops of one business, in the order they were paired.
    pub fn business_devices(&self, business_id: &str) -> Result<Vec<BusinessDevice>, StoreError> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT d.id, d.name, d.created_at, d.revoked_at,
                        (SELECT count(*) FROM envelopes e WHERE e.device_id = d.id), d.role
                 FROM devices d WHERE d.business_id = ?1
                 ORDER BY d.created_at, d.rowid",
            )?;
            let rows = statement.query_map([business_id], |r| {
                Ok(BusinessDevice {
                    device_id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                    revoked_at: r.get(3)?,
                    queued: r.get::<_, i64>(4)? as u64,
                    owner: r.get::<_, String>(5)? == "owner",
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Revokes `device_id` for `by` (a computer of the same business): any
    /// computer can remove itself, only an owner removes others, and the last
    /// owner stays. False when the business has no such active computer.
    pub fn revoke_business_device(
        &self,
        business_id: &str,
        by: &str,
        device_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let role_of = |conn: &Connection, id: &str| -> Result<Option<String>, StoreError> {
            Ok(conn
                .query_row(
                    "SELECT role FROM devices WHERE id = ?1 AND business_id = ?2 AND revoked_at IS NULL",
                    params![id, business_id],
                    |r| r.get(0),
                )
                .optional()?)
        };
        let (target_role, by_role, owners) = self.read(|conn| {
            let owners: i64 = conn.query_row(
                "SELECT count(*) FROM devices WHERE business_id = ?1 AND role = 'owner' AND revoked_at IS NULL",
                [business_id],
                |r| r.get(0),
            )?;
            Ok((role_of(conn, device_id)?, role_of(conn, by)?, owners))
        })?;
        let Some(target_role) = target_role else {
            return Ok(false);
        };
        if device_id != by && by_role.as_deref() != Some("owner") {
            return Err(StoreError::NotOwner);
        }
        if target_role == "owner" && owners <= 1 {
            return Err(StoreError::LastOwner);
        }
        self.revoke_device(device_id, now)
    }

    /// Revokes a device: its token stops working, nothing more is sealed to it,
    /// and what was queued for it is deleted. Returns false for an unknown id.
    pub fn revoke_device(&self, device_id: &str, now: i64) -> Result<bool, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = tx.execute(
                "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![device_id, now],
            )?;
            tx.execute("DELETE FROM envelopes WHERE device_id = ?1", [device_id])?;
            tx.commit()?;
            Ok(changed == 1)
        })
    }
}

//! Login states, Meta users and deletion requests (see `meta_links`).

use super::{PostgresStore, active_devices};
use crate::meta_links::{
    CONFIRMATION_ATTEMPTS, Confirmation, DeletionRequest, DeletionStatus, LOGIN_STATE_SECONDS,
    LoginPrompt, LoginProvider, NewLoginState, normalized_code,
};
use crate::secrets::{human_code, random_token};
use crate::store::{Device, StoreError, hash_secret};

impl PostgresStore {
    pub async fn create_login_state(
        &self,
        device_id: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<NewLoginState, StoreError> {
        let state = random_token(24);
        let confirmation_code = human_code(2);
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO oauth_states (state_hash, device_id, expires_at, provider, code_hash)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &hash_secret(&state),
                    &device_id,
                    &(now + LOGIN_STATE_SECONDS),
                    &provider.as_str(),
                    &hash_secret(&normalized_code(&confirmation_code)),
                ],
            )
            .await?;
        Ok(NewLoginState {
            state,
            confirmation_code,
        })
    }

    pub async fn login_prompt(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<LoginPrompt>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT b.name, d.name, s.confirmed FROM oauth_states s
                 JOIN devices d ON d.id = s.device_id JOIN businesses b ON b.id = d.business_id
                 WHERE s.state_hash = $1 AND s.expires_at > $2 AND d.revoked_at IS NULL AND s.provider = $3",
                &[&hash_secret(state), &now, &provider.as_str()],
            )
            .await?;
        Ok(row.map(|r| LoginPrompt {
            business_name: r.get(0),
            device_name: r.get(1),
            confirmed: r.get(2),
        }))
    }

    /// The state's row is locked, so guesses sent to two instances at once
    /// still count one by one.
    pub async fn confirm_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        code: &str,
        now: i64,
    ) -> Result<Confirmation, StoreError> {
        let state_hash = hash_secret(state);
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let row = tx
            .query_opt(
                "SELECT s.code_hash, s.failed_attempts FROM oauth_states s JOIN devices d ON d.id = s.device_id
                 WHERE s.state_hash = $1 AND s.expires_at > $2 AND d.revoked_at IS NULL AND s.provider = $3
                 FOR UPDATE OF s",
                &[&state_hash, &now, &provider.as_str()],
            )
            .await?;
        let Some(row) = row else {
            return Ok(Confirmation::Expired);
        };
        let (expected, failed): (Option<String>, i64) = (row.get(0), row.get(1));
        let Some(expected) = expected else {
            return Ok(Confirmation::Expired);
        };
        let given = hash_secret(&normalized_code(code));
        let outcome = if bool::from(subtle::ConstantTimeEq::ct_eq(
            given.as_bytes(),
            expected.as_bytes(),
        )) {
            tx.execute(
                "UPDATE oauth_states SET confirmed = TRUE WHERE state_hash = $1",
                &[&state_hash],
            )
            .await?;
            Confirmation::Confirmed
        } else if failed + 1 >= CONFIRMATION_ATTEMPTS {
            tx.execute(
                "DELETE FROM oauth_states WHERE state_hash = $1",
                &[&state_hash],
            )
            .await?;
            Confirmation::Expired
        } else {
            tx.execute(
                "UPDATE oauth_states SET failed_attempts = failed_attempts + 1 WHERE state_hash = $1",
                &[&state_hash],
            )
            .await?;
            Confirmation::WrongCode {
                attempts_left: CONFIRMATION_ATTEMPTS - failed - 1,
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Used up even when expired or unconfirmed; a state of the other login
    /// is left alone.
    pub async fn take_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<Device>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "WITH taken AS (
                     DELETE FROM oauth_states WHERE state_hash = $1 AND provider = $3
                     RETURNING device_id, expires_at, confirmed)
                 SELECT d.id, d.business_id, b.suspended_at IS NOT NULL FROM taken t
                 JOIN devices d ON d.id = t.device_id JOIN businesses b ON b.id = d.business_id
                 WHERE t.expires_at > $2 AND t.confirmed AND d.revoked_at IS NULL",
                &[&hash_secret(state), &now, &provider.as_str()],
            )
            .await?;
        Ok(row.map(|r| Device {
            device_id: r.get(0),
            business_id: r.get(1),
            suspended: r.get(2),
        }))
    }

    pub async fn expire_login_states(&self, now: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute("DELETE FROM oauth_states WHERE expires_at <= $1", &[&now])
            .await?)
    }

    pub async fn link_meta_user(
        &self,
        user_id: &str,
        business_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO meta_users (user_id, business_id, linked_at) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id, business_id) DO UPDATE SET linked_at = excluded.linked_at",
                &[&user_id, &business_id, &now],
            )
            .await?;
        Ok(())
    }

    pub async fn meta_user_linked(&self, user_id: &str) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT 1 FROM meta_users WHERE user_id = $1 LIMIT 1",
                &[&user_id],
            )
            .await?
            .is_some())
    }

    pub async fn record_deletion(
        &self,
        user_id: &str,
        now: i64,
    ) -> Result<DeletionRequest, StoreError> {
        let code = format!("DEL-{}", random_token(12));
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let businesses: Vec<String> = tx
            .query(
                "DELETE FROM meta_users WHERE user_id = $1 RETURNING business_id",
                &[&user_id],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let completed = businesses.is_empty().then_some(now);
        tx.execute(
            "INSERT INTO deletion_requests (code, requested_at, completed_at) VALUES ($1, $2, $3)",
            &[&code, &now, &completed],
        )
        .await?;
        let mut notify = Vec::new();
        for business_id in businesses {
            tx.execute(
                "INSERT INTO deletion_pending (code, business_id) VALUES ($1, $2)",
                &[&code, &business_id],
            )
            .await?;
            let devices = active_devices(&tx, &business_id).await?;
            notify.push((business_id, devices));
        }
        tx.commit().await?;
        Ok(DeletionRequest { code, notify })
    }

    pub async fn complete_deletion(
        &self,
        code: &str,
        business_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // Locked: the last two businesses confirming at once both see the other's row go.
        tx.execute(
            "SELECT 1 FROM deletion_requests WHERE code = $1 FOR UPDATE",
            &[&code],
        )
        .await?;
        let removed = tx
            .execute(
                "DELETE FROM deletion_pending WHERE code = $1 AND business_id = $2",
                &[&code, &business_id],
            )
            .await?;
        if removed > 0 {
            tx.execute(
                "UPDATE deletion_requests SET completed_at = $2
                 WHERE code = $1 AND NOT EXISTS (SELECT 1 FROM deletion_pending WHERE code = $1)",
                &[&code, &now],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(removed > 0)
    }

    pub async fn deletion_status(&self, code: &str) -> Result<Option<DeletionStatus>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT requested_at, completed_at FROM deletion_requests WHERE code = $1",
                &[&code],
            )
            .await?;
        Ok(row.map(|r| DeletionStatus {
            requested_at: r.get(0),
            completed_at: r.get(1),
        }))
    }
}

//! Login states, Meta users and deletion requests (see `meta_links`).

use super::*;
use crate::meta_links::{
    CONFIRMATION_ATTEMPTS, Confirmation, DeletionRequest, DeletionStatus, LOGIN_STATE_SECONDS,
    LoginPrompt, LoginProvider, NewLoginState, normalized_code,
};

impl SqliteStore {
    /// A new single-use login state for `device_id`, valid for
    /// [`LOGIN_STATE_SECONDS`], with its confirmation code.
    pub fn create_login_state(
        &self,
        device_id: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<NewLoginState, StoreError> {
        let state = random_token(24);
        let confirmation_code = human_code(2);
        self.with(|conn| {
            conn.execute(
                "INSERT INTO oauth_states (state_hash, device_id, expires_at, provider, code_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    hash_secret(&state),
                    device_id,
                    now + LOGIN_STATE_SECONDS,
                    provider.as_str(),
                    hash_secret(&normalized_code(&confirmation_code)),
                ],
            )?;
            Ok(NewLoginState {
                state,
                confirmation_code,
            })
        })
    }

    /// The business and computer an open, unexpired login link is for.
    pub fn login_prompt(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<LoginPrompt>, StoreError> {
        self.with(|conn| {
            Ok(conn
                .query_row(
                    "SELECT b.name, d.name, s.confirmed FROM oauth_states s
                     JOIN devices d ON d.id = s.device_id JOIN businesses b ON b.id = d.business_id
                     WHERE s.state_hash = ?1 AND s.expires_at > ?2 AND d.revoked_at IS NULL AND s.provider = ?3",
                    params![hash_secret(state), now, provider.as_str()],
                    |r| {
                        Ok(LoginPrompt {
                            business_name: r.get(0)?,
                            device_name: r.get(1)?,
                            confirmed: r.get(2)?,
                        })
                    },
                )
                .optional()?)
        })
    }

    /// Checks the code typed on the relay's page. After
    /// [`CONFIRMATION_ATTEMPTS`] wrong codes the link is gone.
    pub fn confirm_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        code: &str,
        now: i64,
    ) -> Result<Confirmation, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row: Option<(Option<String>, i64)> = tx
                .query_row(
                    "SELECT s.code_hash, s.failed_attempts FROM oauth_states s JOIN devices d ON d.id = s.device_id
                     WHERE s.state_hash = ?1 AND s.expires_at > ?2 AND d.revoked_at IS NULL AND s.provider = ?3",
                    params![hash_secret(state), now, provider.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((Some(expected), failed)) = row else {
                return Ok(Confirmation::Expired);
            };
            let given = hash_secret(&normalized_code(code));
            let outcome = if bool::from(subtle::ConstantTimeEq::ct_eq(
                given.as_bytes(),
                expected.as_bytes(),
            )) {
                tx.execute(
                    "UPDATE oauth_states SET confirmed = 1 WHERE state_hash = ?1",
                    [hash_secret(state)],
                )?;
                Confirmation::Confirmed
            } else if failed + 1 >= CONFIRMATION_ATTEMPTS {
                tx.execute(
                    "DELETE FROM oauth_states WHERE state_hash = ?1",
                    [hash_secret(state)],
                )?;
                Confirmation::Expired
            } else {
                tx.execute(
                    "UPDATE oauth_states SET failed_attempts = failed_attempts + 1 WHERE state_hash = ?1",
                    [hash_secret(state)],
                )?;
                Confirmation::WrongCode {
                    attempts_left: CONFIRMATION_ATTEMPTS - failed - 1,
                }
            };
            tx.commit()?;
            Ok(outcome)
        })
    }

    /// Uses up a login state: the device it was made for, if it is still
    /// valid and was confirmed with its code.
    pub fn take_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<Device>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let device = tx
                .query_row(
                    "SELECT d.id, d.business_id, b.suspended_at IS NOT NULL FROM oauth_states s
                     JOIN devices d ON d.id = s.device_id JOIN businesses b ON b.id = d.business_id
                     WHERE s.state_hash = ?1 AND s.expires_at > ?2 AND d.revoked_at IS NULL
                       AND s.provider = ?3 AND s.confirmed = 1",
                    params![hash_secret(state), now, provider.as_str()],
                    |r| {
                        Ok(Device {
                            device_id: r.get(0)?,
                            business_id: r.get(1)?,
                            suspended: r.get(2)?,
                        })
                    },
                )
                .optional()?;
            // Used up even when expired; a state of the other login is left alone.
            tx.execute(
                "DELETE FROM oauth_states WHERE state_hash = ?1 AND provider = ?2",
                params![hash_secret(state), provider.as_str()],
            )?;
            tx.commit()?;
            Ok(device)
        })
    }

    /// Forgets login states nobody finished.
    pub fn expire_login_states(&self, now: i64) -> Result<u64, StoreError> {
        self.with(|conn| {
            Ok(conn.execute("DELETE FROM oauth_states WHERE expires_at <= ?1", [now])? as u64)
        })
    }

    /// The public key a device has now.
    pub fn device_key(&self, device_id: &str) -> Result<Option<DevicePublicKey>, StoreError> {
        self.with(|conn| {
            let key: Option<String> = conn
                .query_row(
                    "SELECT public_key FROM devices WHERE id = ?1 AND revoked_at IS NULL",
                    [device_id],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(key.and_then(|key| DevicePublicKey::from_base64(&key).ok()))
        })
    }

    /// Remembers that this app-scoped user connected accounts for this business.
    pub fn link_meta_user(
        &self,
        user_id: &str,
        business_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.execute(
                "INSERT INTO meta_users (user_id, business_id, linked_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(user_id, business_id) DO UPDATE SET linked_at = excluded.linked_at",
                params![user_id, business_id, now],
            )?;
            Ok(())
        })
    }

    pub fn meta_user_linked(&self, user_id: &str) -> Result<bool, StoreError> {
        self.with(|conn| {
            Ok(conn
                .query_row(
                    "SELECT 1 FROM meta_users WHERE user_id = ?1 LIMIT 1",
                    [user_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some())
        })
    }

    /// Records Meta's deletion request for `user_id`: drops the user's links
    /// at once and leaves the request pending for every business that had one.
    /// With no business linked there is nothing to delete: it is complete now.
    pub fn record_deletion(&self, user_id: &str, now: i64) -> Result<DeletionRequest, StoreError> {
        let code = format!("DEL-{}", random_token(12));
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let businesses: Vec<String> = {
                let mut statement =
                    tx.prepare("SELECT business_id FROM meta_users WHERE user_id = ?1")?;
                statement
                    .query_map([user_id], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            };
            let completed = businesses.is_empty().then_some(now);
            tx.execute(
                "INSERT INTO deletion_requests (code, requested_at, completed_at) VALUES (?1, ?2, ?3)",
                params![code, now, completed],
            )?;
            let mut notify = Vec::new();
            for business_id in businesses {
                tx.execute(
                    "INSERT INTO deletion_pending (code, business_id) VALUES (?1, ?2)",
                    params![code, business_id],
                )?;
                let devices = active_devices(&tx, &business_id)?;
                notify.push((business_id, devices));
            }
            tx.execute("DELETE FROM meta_users WHERE user_id = ?1", [user_id])?;
            tx.commit()?;
            Ok(DeletionRequest { code, notify })
        })
    }

    /// A business's device reports it removed the data. The request is complete
    /// once every business has. False when the code is not pending for it.
    pub fn complete_deletion(
        &self,
        code: &str,
        business_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let removed = tx.execute(
                "DELETE FROM deletion_pending WHERE code = ?1 AND business_id = ?2",
                params![code, business_id],
            )?;
            if removed > 0 {
                tx.execute(
                    "UPDATE deletion_requests SET completed_at = ?2
                     WHERE code = ?1 AND NOT EXISTS (SELECT 1 FROM deletion_pending WHERE code = ?1)",
                    params![code, now],
                )?;
            }
            tx.commit()?;
            Ok(removed > 0)
        })
    }

    pub fn deletion_status(&self, code: &str) -> Result<Option<DeletionStatus>, StoreError> {
        self.with(|conn| {
            Ok(conn
                .query_row(
                    "SELECT requested_at, completed_at FROM deletion_requests WHERE code = ?1",
                    [code],
                    |r| {
                        Ok(DeletionStatus {
                            requested_at: r.get(0)?,
                            completed_at: r.get(1)?,
                        })
                    },
                )
                .optional()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta_links::*;
    use leadbox_envelope::DeviceSecretKey;

    fn paired(store: &SqliteStore, business: &str) -> crate::store::Registration {
        let invite = store.create_invite(business, 0).unwrap();
        let key = DeviceSecretKey::generate();
        store
            .register_device(&invite, &key.public_key(), "laptop", 0)
            .unwrap()
    }

    #[test]
    fn a_login_state_is_single_use_short_lived_and_needs_its_code() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let device = paired(&store, "Ana's Salon");
        let NewLoginState {
            state,
            confirmation_code,
        } = store
            .create_login_state(&device.device_id, LoginProvider::Facebook, 100)
            .unwrap();
        let prompt = store
            .login_prompt(&state, LoginProvider::Facebook, 100)
            .unwrap()
            .unwrap();
        assert_eq!(
            (prompt.business_name.as_str(), prompt.device_name.as_str()),
            ("Ana's Salon", "laptop")
        );
        assert!(!prompt.confirmed);
        assert_eq!(
            store
                .login_prompt(&state, LoginProvider::Facebook, 100 + LOGIN_STATE_SECONDS)
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .login_prompt(&state, LoginProvider::Instagram, 100)
                .unwrap(),
            None,
            "a Facebook state does not complete an Instagram login"
        );
        // Not confirmed yet: the callback gets nothing (and uses it up).
        let unconfirmed = store
            .create_login_state(&device.device_id, LoginProvider::Facebook, 100)
            .unwrap();
        assert_eq!(
            store
                .take_login_state(&unconfirmed.state, LoginProvider::Facebook, 101)
                .unwrap(),
            None
        );

        assert_eq!(
            store
                .confirm_login_state(&state, LoginProvider::Facebook, "aaaaa-aaaaa", 101)
                .unwrap(),
            Confirmation::WrongCode {
                attempts_left: CONFIRMATION_ATTEMPTS - 1
            }
        );
        // Typed in capitals and without the dash, it is the same code.
        let typed = confirmation_code.replace('-', " ").to_uppercase();
        assert_eq!(
            store
                .confirm_login_state(&state, LoginProvider::Facebook, &typed, 101)
                .unwrap(),
            Confirmation::Confirmed
        );
        let taken = store
            .take_login_state(&state, LoginProvider::Facebook, 101)
            .unwrap()
            .unwrap();
        assert_eq!(taken.device_id, device.device_id);
        assert_eq!(
            store
                .take_login_state(&state, LoginProvider::Facebook, 101)
                .unwrap(),
            None
        );
        let late = store
            .create_login_state(&device.device_id, LoginProvider::Facebook, 100)
            .unwrap();
        let code = late.confirmation_code.clone();
        assert_eq!(
            store
                .confirm_login_state(
                    &late.state,
                    LoginProvider::Facebook,
                    &code,
                    100 + LOGIN_STATE_SECONDS
                )
                .unwrap(),
            Confirmation::Expired
        );
        assert_eq!(
            store
                .take_login_state("made-up", LoginProvider::Facebook, 101)
                .unwrap(),
            None
        );
    }

    #[test]
    fn wrong_codes_end_a_login_link() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let device = paired(&store, "Ana's Salon");
        let link = store
            .create_login_state(&device.device_id, LoginProvider::Instagram, 100)
            .unwrap();
        for left in (1..CONFIRMATION_ATTEMPTS).rev() {
            assert_eq!(
                store
                    .confirm_login_state(&link.state, LoginProvider::Instagram, "guess", 101)
                    .unwrap(),
                Confirmation::WrongCode {
                    attempts_left: left
                }
            );
        }
        assert_eq!(
            store
                .confirm_login_state(&link.state, LoginProvider::Instagram, "guess", 101)
                .unwrap(),
            Confirmation::Expired
        );
        // The right code is too late now.
        assert_eq!(
            store
                .confirm_login_state(
                    &link.state,
                    LoginProvider::Instagram,
                    &link.confirmation_code,
                    101
                )
                .unwrap(),
            Confirmation::Expired
        );
    }

    #[test]
    fn a_deletion_is_pending_until_every_linked_business_confirms() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let salon = paired(&store, "Ana's Salon");
        let gym = paired(&store, "Bo's Gym");
        store.link_meta_user("u1", &salon.business_id, 1).unwrap();
        store.link_meta_user("u1", &gym.business_id, 1).unwrap();

        let request = store.record_deletion("u1", 10).unwrap();
        assert_eq!(request.notify.len(), 2);
        assert!(request.notify.iter().all(|(_, devices)| devices.len() == 1));
        assert!(
            !store.meta_user_linked("u1").unwrap(),
            "the link goes at once"
        );
        let pending = store.deletion_status(&request.code).unwrap().unwrap();
        assert_eq!(pending.completed_at, None);

        assert!(
            store
                .complete_deletion(&request.code, &salon.business_id, 20)
                .unwrap()
        );
        assert!(
            !store
                .complete_deletion(&request.code, &salon.business_id, 21)
                .unwrap()
        );
        assert_eq!(
            store
                .deletion_status(&request.code)
                .unwrap()
                .unwrap()
                .completed_at,
            None
        );
        assert!(
            store
                .complete_deletion(&request.code, &gym.business_id, 30)
                .unwrap()
        );
        assert_eq!(
            store
                .deletion_status(&request.code)
                .unwrap()
                .unwrap()
                .completed_at,
            Some(30)
        );
    }

    #[test]
    fn a_user_nobody_linked_is_deleted_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let request = store.record_deletion("stranger", 5).unwrap();
        assert!(request.notify.is_empty());
        assert_eq!(
            store.deletion_status(&request.code).unwrap(),
            Some(DeletionStatus {
                requested_at: 5,
                completed_at: Some(5)
            })
        );
        assert_eq!(store.deletion_status("DEL-unknown").unwrap(), None);
    }
}

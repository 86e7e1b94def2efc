//! [`Storage`] for [`SqliteStore`]: each call runs on tokio's blocking pool,
//! except the two routing reads a webhook makes, which run in place: an
//! indexed read on the reader connection is faster than the thread switch.
//! (Generated in shape from the trait: one forwarding method per call.)

use leadbox_envelope::api::BusinessDevice;
use leadbox_envelope::{DevicePublicKey, Platform, SealedEnvelope};

use super::SqliteStore;
use crate::meta_links::{
    Confirmation, DeletionRequest, DeletionStatus, LoginPrompt, LoginProvider, NewLoginState,
};
use crate::store::{
    BusinessInfo, ClaimOutcome, Device, DeviceInfo, Expired, Recipients, Registration, Storage,
    StoreError,
};
use crate::widget_store::{
    OriginRefused, PendingReply, RefusedOrigin, ReplyRefused, Session, Site,
};

/// Runs a blocking store call off the async threads.
async fn blocking<T: Send + 'static>(
    store: &SqliteStore,
    call: impl FnOnce(&SqliteStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || call(&store))
        .await
        .map_err(|error| StoreError::Worker(error.to_string()))?
}

#[async_trait::async_trait]
impl Storage for SqliteStore {
    async fn insert_batches(
        &self,
        batches: Vec<Vec<(String, SealedEnvelope)>>,
        now: i64,
    ) -> Result<Vec<u64>, StoreError> {
        blocking(self, move |s| {
            let slices: Vec<&[(String, SealedEnvelope)]> =
                batches.iter().map(Vec::as_slice).collect();
            s.insert_batches(&slices, now)
        })
        .await
    }

    async fn envelopes_after(
        &self,
        device_id: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<SealedEnvelope>, StoreError> {
        let device_id = device_id.to_owned();
        blocking(self, move |s| s.envelopes_after(&device_id, after, limit)).await
    }

    async fn ack(&self, device_id: &str, cursors: &[u64]) -> Result<u64, StoreError> {
        let device_id = device_id.to_owned();
        let cursors = cursors.to_vec();
        blocking(self, move |s| s.ack(&device_id, &cursors)).await
    }

    async fn expire(&self, before: i64) -> Result<Expired, StoreError> {
        blocking(self, move |s| s.expire(before)).await
    }

    async fn enforce_bound(&self, max: u64) -> Result<u64, StoreError> {
        blocking(self, move |s| s.enforce_bound(max)).await
    }

    async fn lost_unreported(&self, device_id: &str) -> Result<u64, StoreError> {
        let device_id = device_id.to_owned();
        blocking(self, move |s| s.lost_unreported(&device_id)).await
    }

    async fn confirm_lost(&self, device_id: &str, count: u64) -> Result<(), StoreError> {
        let device_id = device_id.to_owned();
        blocking(self, move |s| s.confirm_lost(&device_id, count)).await
    }

    async fn count_lost(&self, lost: &[(String, u64)]) -> Result<(), StoreError> {
        let lost = lost.to_vec();
        blocking(self, move |s| s.count_lost(&lost)).await
    }

    async fn queue_depth(&self) -> Result<u64, StoreError> {
        blocking(self, move |s| s.queue_depth()).await
    }

    async fn create_invite(&self, business_name: &str, now: i64) -> Result<String, StoreError> {
        let business_name = business_name.to_owned();
        blocking(self, move |s| s.create_invite(&business_name, now)).await
    }

    async fn invite_to_business(&self, business_id: &str, now: i64) -> Result<String, StoreError> {
        let business_id = business_id.to_owned();
        blocking(self, move |s| s.invite_to_business(&business_id, now)).await
    }

    async fn register_device(
        &self,
        invite_code: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        let invite_code = invite_code.to_owned();
        let public_key = *public_key;
        let device_name = device_name.to_owned();
        blocking(self, move |s| {
            s.register_device(&invite_code, &public_key, &device_name, now)
        })
        .await
    }

    async fn sign_up(
        &self,
        business_name: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        let business_name = business_name.to_owned();
        let public_key = *public_key;
        let device_name = device_name.to_owned();
        blocking(self, move |s| {
            s.sign_up(&business_name, &public_key, &device_name, now)
        })
        .await
    }

    async fn device_for_token(&self, token: &str) -> Result<Option<Device>, StoreError> {
        let token = token.to_owned();
        blocking(self, move |s| s.device_for_token(&token)).await
    }

    async fn device_active(&self, device_id: &str) -> Result<bool, StoreError> {
        let device_id = device_id.to_owned();
        blocking(self, move |s| s.device_active(&device_id)).await
    }

    async fn device_key(&self, device_id: &str) -> Result<Option<DevicePublicKey>, StoreError> {
        let device_id = device_id.to_owned();
        blocking(self, move |s| s.device_key(&device_id)).await
    }

    async fn rotate_device_key(
        &self,
        device_id: &str,
        public_key: &DevicePublicKey,
        now: i64,
    ) -> Result<(), StoreError> {
        let device_id = device_id.to_owned();
        let public_key = *public_key;
        blocking(self, move |s| {
            s.rotate_device_key(&device_id, &public_key, now)
        })
        .await
    }

    async fn devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        blocking(self, move |s| s.devices()).await
    }

    async fn business_devices(&self, business_id: &str) -> Result<Vec<BusinessDevice>, StoreError> {
        let business_id = business_id.to_owned();
        blocking(self, move |s| s.business_devices(&business_id)).await
    }

    async fn revoke_business_device(
        &self,
        business_id: &str,
        by: &str,
        device_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let business_id = business_id.to_owned();
        let by = by.to_owned();
        let device_id = device_id.to_owned();
        blocking(self, move |s| {
            s.revoke_business_device(&business_id, &by, &device_id, now)
        })
        .await
    }

    async fn revoke_device(&self, device_id: &str, now: i64) -> Result<bool, StoreError> {
        let device_id = device_id.to_owned();
        blocking(self, move |s| s.revoke_device(&device_id, now)).await
    }

    async fn route_holder(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let account_id = account_id.to_owned();
        blocking(self, move |s| s.route_holder(kind, &account_id)).await
    }

    async fn claim_route(
        &self,
        business_id: &str,
        kind: Platform,
        account_id: &str,
        proven: bool,
        now: i64,
    ) -> Result<ClaimOutcome, StoreError> {
        let business_id = business_id.to_owned();
        let account_id = account_id.to_owned();
        blocking(self, move |s| {
            s.claim_route(&business_id, kind, &account_id, proven, now)
        })
        .await
    }

    async fn business_account_linked(
        &self,
        business_id: &str,
        business_account_id: &str,
    ) -> Result<bool, StoreError> {
        let business_id = business_id.to_owned();
        let business_account_id = business_account_id.to_owned();
        blocking(self, move |s| {
            s.business_account_linked(&business_id, &business_account_id)
        })
        .await
    }

    async fn link_business_account(
        &self,
        business_id: &str,
        business_account_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let business_id = business_id.to_owned();
        let business_account_id = business_account_id.to_owned();
        blocking(self, move |s| {
            s.link_business_account(&business_id, &business_account_id, now)
        })
        .await
    }

    async fn business_account_recipients(
        &self,
        business_account_id: &str,
    ) -> Result<Vec<Recipients>, StoreError> {
        SqliteStore::business_account_recipients(self, business_account_id)
    }

    async fn recipients(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<Recipients>, StoreError> {
        SqliteStore::recipients(self, kind, account_id)
    }

    async fn create_login_state(
        &self,
        device_id: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<NewLoginState, StoreError> {
        let device_id = device_id.to_owned();
        blocking(self, move |s| {
            s.create_login_state(&device_id, provider, now)
        })
        .await
    }

    async fn login_prompt(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<LoginPrompt>, StoreError> {
        let state = state.to_owned();
        blocking(self, move |s| s.login_prompt(&state, provider, now)).await
    }

    async fn confirm_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        code: &str,
        now: i64,
    ) -> Result<Confirmation, StoreError> {
        let state = state.to_owned();
        let code = code.to_owned();
        blocking(self, move |s| {
            s.confirm_login_state(&state, provider, &code, now)
        })
        .await
    }

    async fn take_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<Device>, StoreError> {
        let state = state.to_owned();
        blocking(self, move |s| s.take_login_state(&state, provider, now)).await
    }

    async fn expire_login_states(&self, now: i64) -> Result<u64, StoreError> {
        blocking(self, move |s| s.expire_login_states(now)).await
    }

    async fn link_meta_user(
        &self,
        user_id: &str,
        business_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let user_id = user_id.to_owned();
        let business_id = business_id.to_owned();
        blocking(self, move |s| s.link_meta_user(&user_id, &business_id, now)).await
    }

    async fn meta_user_linked(&self, user_id: &str) -> Result<bool, StoreError> {
        let user_id = user_id.to_owned();
        blocking(self, move |s| s.meta_user_linked(&user_id)).await
    }

    async fn record_deletion(
        &self,
        user_id: &str,
        now: i64,
    ) -> Result<DeletionRequest, StoreError> {
        let user_id = user_id.to_owned();
        blocking(self, move |s| s.record_deletion(&user_id, now)).await
    }

    async fn complete_deletion(
        &self,
        code: &str,
        business_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let code = code.to_owned();
        let business_id = business_id.to_owned();
        blocking(self, move |s| s.complete_deletion(&code, &business_id, now)).await
    }

    async fn deletion_status(&self, code: &str) -> Result<Option<DeletionStatus>, StoreError> {
        let code = code.to_owned();
        blocking(self, move |s| s.deletion_status(&code)).await
    }

    async fn create_site(
        &self,
        business_id: &str,
        name: &str,
        origins: &[String],
        now: i64,
    ) -> Result<Site, StoreError> {
        let business_id = business_id.to_owned();
        let name = name.to_owned();
        let origins = origins.to_vec();
        blocking(self, move |s| {
            s.create_site(&business_id, &name, &origins, now)
        })
        .await
    }

    async fn sites(&self) -> Result<Vec<Site>, StoreError> {
        blocking(self, move |s| s.sites()).await
    }

    async fn record_refused_origin(
        &self,
        site_id: &str,
        origin: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let site_id = site_id.to_owned();
        let origin = origin.to_owned();
        blocking(self, move |s| {
            s.record_refused_origin(&site_id, &origin, now)
        })
        .await
    }

    async fn refused_origins(&self, business_id: &str) -> Result<Vec<RefusedOrigin>, StoreError> {
        let business_id = business_id.to_owned();
        blocking(self, move |s| s.refused_origins(&business_id)).await
    }

    async fn add_site_origin(
        &self,
        business_id: &str,
        site_id: &str,
        origin: &str,
    ) -> Result<Result<Site, OriginRefused>, StoreError> {
        let business_id = business_id.to_owned();
        let site_id = site_id.to_owned();
        let origin = origin.to_owned();
        blocking(self, move |s| {
            s.add_site_origin(&business_id, &site_id, &origin)
        })
        .await
    }

    async fn visitor_session(
        &self,
        site_id: &str,
        secret: Option<&str>,
        now: i64,
    ) -> Result<(Session, String), StoreError> {
        let site_id = site_id.to_owned();
        let secret = secret.map(str::to_owned);
        blocking(self, move |s| {
            s.visitor_session(&site_id, secret.as_deref(), now)
        })
        .await
    }

    async fn existing_session(
        &self,
        site_id: &str,
        secret: &str,
        now: i64,
    ) -> Result<Option<Session>, StoreError> {
        let site_id = site_id.to_owned();
        let secret = secret.to_owned();
        blocking(self, move |s| s.existing_session(&site_id, &secret, now)).await
    }

    async fn queue_reply(
        &self,
        business_id: &str,
        site_id: &str,
        session_reference: &str,
        reply_id: &str,
        text: &str,
        now: i64,
    ) -> Result<Result<u64, ReplyRefused>, StoreError> {
        let business_id = business_id.to_owned();
        let site_id = site_id.to_owned();
        let session_reference = session_reference.to_owned();
        let reply_id = reply_id.to_owned();
        let text = text.to_owned();
        blocking(self, move |s| {
            s.queue_reply(
                &business_id,
                &site_id,
                &session_reference,
                &reply_id,
                &text,
                now,
            )
        })
        .await
    }

    async fn replies_after(
        &self,
        session_reference: &str,
        after: u64,
    ) -> Result<Vec<PendingReply>, StoreError> {
        let session_reference = session_reference.to_owned();
        blocking(self, move |s| s.replies_after(&session_reference, after)).await
    }

    async fn widget_session_count(&self) -> Result<i64, StoreError> {
        blocking(self, move |s| s.widget_session_count()).await
    }

    async fn expire_widget_sessions(&self, now: i64) -> Result<u64, StoreError> {
        blocking(self, move |s| s.expire_widget_sessions(now)).await
    }

    async fn businesses(&self) -> Result<Vec<BusinessInfo>, StoreError> {
        blocking(self, move |s| s.businesses()).await
    }

    async fn set_suspended(
        &self,
        business_id: &str,
        suspended_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        let business_id = business_id.to_owned();
        blocking(self, move |s| s.set_suspended(&business_id, suspended_at)).await
    }

    async fn delete_business(&self, business_id: &str, now: i64) -> Result<bool, StoreError> {
        let business_id = business_id.to_owned();
        blocking(self, move |s| s.delete_business(&business_id, now)).await
    }
}

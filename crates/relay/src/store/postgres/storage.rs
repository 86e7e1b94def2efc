//! [`Storage`] for [`PostgresStore`]: each call is the store's own async method.

use leadbox_envelope::api::BusinessDevice;
use leadbox_envelope::{DevicePublicKey, Platform, SealedEnvelope};

use super::PostgresStore;
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

#[async_trait::async_trait]
impl Storage for PostgresStore {
    async fn insert_batches(
        &self,
        batches: Vec<Vec<(String, SealedEnvelope)>>,
        now: i64,
    ) -> Result<Vec<u64>, StoreError> {
        PostgresStore::insert_batches(self, batches, now).await
    }

    async fn envelopes_after(
        &self,
        device_id: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<SealedEnvelope>, StoreError> {
        PostgresStore::envelopes_after(self, device_id, after, limit).await
    }

    async fn ack(&self, device_id: &str, cursors: &[u64]) -> Result<u64, StoreError> {
        PostgresStore::ack(self, device_id, cursors).await
    }

    async fn expire(&self, before: i64) -> Result<Expired, StoreError> {
        PostgresStore::expire(self, before).await
    }

    async fn enforce_bound(&self, max: u64) -> Result<u64, StoreError> {
        PostgresStore::enforce_bound(self, max).await
    }

    async fn lost_unreported(&self, device_id: &str) -> Result<u64, StoreError> {
        PostgresStore::lost_unreported(self, device_id).await
    }

    async fn confirm_lost(&self, device_id: &str, count: u64) -> Result<(), StoreError> {
        PostgresStore::confirm_lost(self, device_id, count).await
    }

    async fn count_lost(&self, lost: &[(String, u64)]) -> Result<(), StoreError> {
        PostgresStore::count_lost(self, lost).await
    }

    async fn queue_depth(&self) -> Result<u64, StoreError> {
        PostgresStore::queue_depth(self).await
    }

    async fn create_invite(&self, business_name: &str, now: i64) -> Result<String, StoreError> {
        PostgresStore::create_invite(self, business_name, now).await
    }

    async fn invite_to_business(&self, business_id: &str, now: i64) -> Result<String, StoreError> {
        PostgresStore::invite_to_business(self, business_id, now).await
    }

    async fn register_device(
        &self,
        invite_code: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        PostgresStore::register_device(self, invite_code, public_key, device_name, now).await
    }

    async fn sign_up(
        &self,
        business_name: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        PostgresStore::sign_up(self, business_name, public_key, device_name, now).await
    }

    async fn device_for_token(&self, token: &str) -> Result<Option<Device>, StoreError> {
        PostgresStore::device_for_token(self, token).await
    }

    async fn device_active(&self, device_id: &str) -> Result<bool, StoreError> {
        PostgresStore::device_active(self, device_id).await
    }

    async fn device_key(&self, device_id: &str) -> Result<Option<DevicePublicKey>, StoreError> {
        PostgresStore::device_key(self, device_id).await
    }

    async fn rotate_device_key(
        &self,
        device_id: &str,
        public_key: &DevicePublicKey,
        now: i64,
    ) -> Result<(), StoreError> {
        PostgresStore::rotate_device_key(self, device_id, public_key, now).await
    }

    async fn devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        PostgresStore::devices(self).await
    }

    async fn business_devices(&self, business_id: &str) -> Result<Vec<BusinessDevice>, StoreError> {
        PostgresStore::business_devices(self, business_id).await
    }

    async fn revoke_business_device(
        &self,
        business_id: &str,
        by: &str,
        device_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        PostgresStore::revoke_business_device(self, business_id, by, device_id, now).await
    }

    async fn revoke_device(&self, device_id: &str, now: i64) -> Result<bool, StoreError> {
        PostgresStore::revoke_device(self, device_id, now).await
    }

    async fn route_holder(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<String>, StoreError> {
        PostgresStore::route_holder(self, kind, account_id).await
    }

    async fn claim_route(
        &self,
        business_id: &str,
        kind: Platform,
        account_id: &str,
        proven: bool,
        now: i64,
    ) -> Result<ClaimOutcome, StoreError> {
        PostgresStore::claim_route(self, business_id, kind, account_id, proven, now).await
    }

    async fn business_account_linked(
        &self,
        business_id: &str,
        business_account_id: &str,
    ) -> Result<bool, StoreError> {
        PostgresStore::business_account_linked(self, business_id, business_account_id).await
    }

    async fn link_business_account(
        &self,
        business_id: &str,
        business_account_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        PostgresStore::link_business_account(self, business_id, business_account_id, now).await
    }

    async fn business_account_recipients(
        &self,
        business_account_id: &str,
    ) -> Result<Vec<Recipients>, StoreError> {
        PostgresStore::business_account_recipients(self, business_account_id).await
    }

    async fn recipients(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<Recipients>, StoreError> {
        PostgresStore::recipients(self, kind, account_id).await
    }

    async fn create_login_state(
        &self,
        device_id: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<NewLoginState, StoreError> {
        PostgresStore::create_login_state(self, device_id, provider, now).await
    }

    async fn login_prompt(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<LoginPrompt>, StoreError> {
        PostgresStore::login_prompt(self, state, provider, now).await
    }

    async fn confirm_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        code: &str,
        now: i64,
    ) -> Result<Confirmation, StoreError> {
        PostgresStore::confirm_login_state(self, state, provider, code, now).await
    }

    async fn take_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<Device>, StoreError> {
        PostgresStore::take_login_state(self, state, provider, now).await
    }

    async fn expire_login_states(&self, now: i64) -> Result<u64, StoreError> {
        PostgresStore::expire_login_states(self, now).await
    }

    async fn link_meta_user(
        &self,
        user_id: &str,
        business_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        PostgresStore::link_meta_user(self, user_id, business_id, now).await
    }

    async fn meta_user_linked(&self, user_id: &str) -> Result<bool, StoreError> {
        PostgresStore::meta_user_linked(self, user_id).await
    }

    async fn record_deletion(
        &self,
        user_id: &str,
        now: i64,
    ) -> Result<DeletionRequest, StoreError> {
        PostgresStore::record_deletion(self, user_id, now).await
    }

    async fn complete_deletion(
        &self,
        code: &str,
        business_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        PostgresStore::complete_deletion(self, code, business_id, now).await
    }

    async fn deletion_status(&self, code: &str) -> Result<Option<DeletionStatus>, StoreError> {
        PostgresStore::deletion_status(self, code).await
    }

    async fn create_site(
        &self,
        business_id: &str,
        name: &str,
        origins: &[String],
        now: i64,
    ) -> Result<Site, StoreError> {
        PostgresStore::create_site(self, business_id, name, origins, now).await
    }

    async fn sites(&self) -> Result<Vec<Site>, StoreError> {
        PostgresStore::sites(self).await
    }

    async fn record_refused_origin(
        &self,
        site_id: &str,
        origin: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        PostgresStore::record_refused_origin(self, site_id, origin, now).await
    }

    async fn refused_origins(&self, business_id: &str) -> Result<Vec<RefusedOrigin>, StoreError> {
        PostgresStore::refused_origins(self, business_id).await
    }

    async fn add_site_origin(
        &self,
        business_id: &str,
        site_id: &str,
        origin: &str,
    ) -> Result<Result<Site, OriginRefused>, StoreError> {
        PostgresStore::add_site_origin(self, business_id, site_id, origin).await
    }

    async fn visitor_session(
        &self,
        site_id: &str,
        secret: Option<&str>,
        now: i64,
    ) -> Result<(Session, String), StoreError> {
        PostgresStore::visitor_session(self, site_id, secret, now).await
    }

    async fn existing_session(
        &self,
        site_id: &str,
        secret: &str,
        now: i64,
    ) -> Result<Option<Session>, StoreError> {
        PostgresStore::existing_session(self, site_id, secret, now).await
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
        PostgresStore::queue_reply(
            self,
            business_id,
            site_id,
            session_reference,
            reply_id,
            text,
            now,
        )
        .await
    }

    async fn replies_after(
        &self,
        session_reference: &str,
        after: u64,
    ) -> Result<Vec<PendingReply>, StoreError> {
        PostgresStore::replies_after(self, session_reference, after).await
    }

    async fn widget_session_count(&self) -> Result<i64, StoreError> {
        PostgresStore::widget_session_count(self).await
    }

    async fn expire_widget_sessions(&self, now: i64) -> Result<u64, StoreError> {
        PostgresStore::expire_widget_sessions(self, now).await
    }

    async fn businesses(&self) -> Result<Vec<BusinessInfo>, StoreError> {
        PostgresStore::businesses(self).await
    }

    async fn set_suspended(
        &self,
        business_id: &str,
        suspended_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        PostgresStore::set_suspended(self, business_id, suspended_at).await
    }

    async fn delete_business(&self, business_id: &str, now: i64) -> Result<bool, StoreError> {
        PostgresStore::delete_business(self, business_id, now).await
    }
}

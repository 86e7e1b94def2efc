//! The relay's durable state: businesses, invites, devices, routes, the
//! per-device envelope queues, login states, deletion requests and website
//! chats. Plaintext payloads never reach it.
//!
//! [`Storage`] is what the rest of the relay uses. [`SqliteStore`] (one file,
//! the self-hoster's default) and [`PostgresStore`] (a relay service, several
//! instances over one database) implement it and pass the same tests.

use std::sync::Arc;

use leadbox_envelope::api::BusinessDevice;
use leadbox_envelope::{DevicePublicKey, Platform, SealedEnvelope};
use sha2::{Digest, Sha256};

use crate::meta_links::{
    Confirmation, DeletionRequest, DeletionStatus, LoginPrompt, LoginProvider, NewLoginState,
};
use crate::widget_store::{
    OriginRefused, PendingReply, RefusedOrigin, ReplyRefused, Session, Site,
};

pub mod postgres;
mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the relay database failed: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the relay database could not be migrated: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("cannot create the relay's data folder {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("this invite code is unknown, already used or expired")]
    InviteInvalid,
    #[error(
        "a business of that name already exists on this relay; choose another name (add your town, say)"
    )]
    BusinessNameTaken,
    #[error(
        "{0} account {1} is already claimed by another business; to move it to yours, connect it with Facebook or Instagram Login, or claim it with its access token"
    )]
    RouteTaken(Platform, String),
    #[error("the relay is shutting down")]
    Closed,
    #[error(
        "only the business's owner computer (the first one paired) can remove other computers; any computer can remove itself"
    )]
    NotOwner,
    #[error("this is the business's last owner computer; it cannot be removed")]
    LastOwner,
    #[error("the relay database failed while storing a batch: {0}")]
    Batch(String),
    #[error("the relay's storage worker stopped: {0}")]
    Worker(String),
    #[error("the PostgreSQL database failed: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("cannot get a PostgreSQL connection: {0}")]
    Pool(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub device_id: String,
    pub business_id: String,
    /// The operator suspended its business: its computers are refused.
    pub suspended: bool,
}

/// A business as the relay's operator sees it: counts and sizes, never content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BusinessInfo {
    pub business_id: String,
    pub name: String,
    pub created_at: i64,
    pub suspended_at: Option<i64>,
    /// Computers paired and not removed.
    pub devices: u64,
    /// Accounts (pages, numbers, website chats) routed to it.
    pub accounts: u64,
    /// Envelopes waiting for its computers, and their size in bytes.
    pub envelopes: u64,
    pub envelope_bytes: u64,
}

/// Who a webhook entry for one platform account is sealed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipients {
    pub business_id: String,
    /// Device id and public key of each active device.
    pub devices: Vec<(String, DevicePublicKey)>,
}

#[derive(Debug)]
pub struct Registration {
    pub device_id: String,
    pub business_id: String,
    pub business_name: String,
    pub token: String,
}

/// One paired desktop, as `leadbox-relay devices list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeviceInfo {
    pub device_id: String,
    pub business: String,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub queued: u64,
    pub lost_unreported: u64,
}

/// What an expiry pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expired {
    pub envelopes: u64,
}

/// What a claim did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The account was free and now routes to the business.
    Claimed,
    /// The business already had it.
    AlreadyHeld,
    /// Another business had it; with the proof given it moved. Its devices
    /// are to be told.
    Moved { from: Recipients },
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    crate::now_ms() / 1000
}

/// The relay's storage, shared by every request.
pub type Store = Arc<dyn Storage>;

/// Opens the database the config names (creating and migrating it):
/// PostgreSQL with `database_url`, else the SQLite file in `data_dir`.
pub async fn open(config: &crate::RelayConfig) -> Result<Store, StoreError> {
    if let Some(url) = &config.database_url {
        return Ok(Arc::new(PostgresStore::open(url).await?));
    }
    let data_dir = config.data_dir.clone();
    let store = tokio::task::spawn_blocking(move || SqliteStore::open(&data_dir))
        .await
        .map_err(|error| StoreError::Worker(error.to_string()))??;
    Ok(Arc::new(store))
}

/// Everything the relay keeps, as one interface over either database. Every
/// write that a 200 promises is durable when the call returns.
#[async_trait::async_trait]
pub trait Storage: Send + Sync + std::fmt::Debug {
    // Envelopes and queues.

    /// Stores several webhooks' envelopes in one transaction; returns the
    /// highest cursor of each batch.
    async fn insert_batches(
        &self,
        batches: Vec<Vec<(String, SealedEnvelope)>>,
        now: i64,
    ) -> Result<Vec<u64>, StoreError>;
    async fn envelopes_after(
        &self,
        device_id: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<SealedEnvelope>, StoreError>;
    /// Deletes acknowledged envelopes; only the device's own.
    async fn ack(&self, device_id: &str, cursors: &[u64]) -> Result<u64, StoreError>;
    /// Deletes envelopes older than `before` (seconds), counted as lost.
    async fn expire(&self, before: i64) -> Result<Expired, StoreError>;
    /// Keeps at most `max` envelopes per device, dropping the oldest (counted as lost).
    async fn enforce_bound(&self, max: u64) -> Result<u64, StoreError>;
    async fn lost_unreported(&self, device_id: &str) -> Result<u64, StoreError>;
    async fn confirm_lost(&self, device_id: &str, count: u64) -> Result<(), StoreError>;
    /// Counts envelopes as lost for these devices (dropped before they were
    /// stored: device id and how many); they are told on their next fetch.
    async fn count_lost(&self, lost: &[(String, u64)]) -> Result<(), StoreError>;
    async fn queue_depth(&self) -> Result<u64, StoreError>;

    // Businesses and their computers.

    async fn create_invite(&self, business_name: &str, now: i64) -> Result<String, StoreError>;
    /// A single-use invite into an existing business (its owner asked).
    async fn invite_to_business(&self, business_id: &str, now: i64) -> Result<String, StoreError>;
    async fn register_device(
        &self,
        invite_code: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError>;
    /// A new business with this computer as its owner; a taken name is refused.
    async fn sign_up(
        &self,
        business_name: &str,
        public_key: &DevicePublicKey,
        device_name: &str,
        now: i64,
    ) -> Result<Registration, StoreError>;
    async fn device_for_token(&self, token: &str) -> Result<Option<Device>, StoreError>;
    async fn device_active(&self, device_id: &str) -> Result<bool, StoreError>;
    async fn device_key(&self, device_id: &str) -> Result<Option<DevicePublicKey>, StoreError>;
    async fn rotate_device_key(
        &self,
        device_id: &str,
        public_key: &DevicePublicKey,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn devices(&self) -> Result<Vec<DeviceInfo>, StoreError>;
    async fn business_devices(&self, business_id: &str) -> Result<Vec<BusinessDevice>, StoreError>;
    /// `by` removes `device_id` of its business (roles apply).
    async fn revoke_business_device(
        &self,
        business_id: &str,
        by: &str,
        device_id: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
    async fn revoke_device(&self, device_id: &str, now: i64) -> Result<bool, StoreError>;

    // Which business receives which account.

    async fn route_holder(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<String>, StoreError>;
    async fn claim_route(
        &self,
        business_id: &str,
        kind: Platform,
        account_id: &str,
        proven: bool,
        now: i64,
    ) -> Result<ClaimOutcome, StoreError>;
    async fn business_account_linked(
        &self,
        business_id: &str,
        business_account_id: &str,
    ) -> Result<bool, StoreError>;
    async fn link_business_account(
        &self,
        business_id: &str,
        business_account_id: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn business_account_recipients(
        &self,
        business_account_id: &str,
    ) -> Result<Vec<Recipients>, StoreError>;
    async fn recipients(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<Recipients>, StoreError>;

    // Facebook and Instagram Login, Meta's deletion requests.

    async fn create_login_state(
        &self,
        device_id: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<NewLoginState, StoreError>;
    async fn login_prompt(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<LoginPrompt>, StoreError>;
    async fn confirm_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        code: &str,
        now: i64,
    ) -> Result<Confirmation, StoreError>;
    async fn take_login_state(
        &self,
        state: &str,
        provider: LoginProvider,
        now: i64,
    ) -> Result<Option<Device>, StoreError>;
    async fn expire_login_states(&self, now: i64) -> Result<u64, StoreError>;
    async fn link_meta_user(
        &self,
        user_id: &str,
        business_id: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn meta_user_linked(&self, user_id: &str) -> Result<bool, StoreError>;
    async fn record_deletion(&self, user_id: &str, now: i64)
    -> Result<DeletionRequest, StoreError>;
    async fn complete_deletion(
        &self,
        code: &str,
        business_id: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
    async fn deletion_status(&self, code: &str) -> Result<Option<DeletionStatus>, StoreError>;

    // Website chats.

    async fn create_site(
        &self,
        business_id: &str,
        name: &str,
        origins: &[String],
        now: i64,
    ) -> Result<Site, StoreError>;
    async fn sites(&self) -> Result<Vec<Site>, StoreError>;
    async fn record_refused_origin(
        &self,
        site_id: &str,
        origin: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn refused_origins(&self, business_id: &str) -> Result<Vec<RefusedOrigin>, StoreError>;
    async fn add_site_origin(
        &self,
        business_id: &str,
        site_id: &str,
        origin: &str,
    ) -> Result<Result<Site, OriginRefused>, StoreError>;
    async fn visitor_session(
        &self,
        site_id: &str,
        secret: Option<&str>,
        now: i64,
    ) -> Result<(Session, String), StoreError>;
    async fn existing_session(
        &self,
        site_id: &str,
        secret: &str,
        now: i64,
    ) -> Result<Option<Session>, StoreError>;
    #[allow(clippy::too_many_arguments)]
    async fn queue_reply(
        &self,
        business_id: &str,
        site_id: &str,
        session_reference: &str,
        reply_id: &str,
        text: &str,
        now: i64,
    ) -> Result<Result<u64, ReplyRefused>, StoreError>;
    async fn replies_after(
        &self,
        session_reference: &str,
        after: u64,
    ) -> Result<Vec<PendingReply>, StoreError>;
    async fn widget_session_count(&self) -> Result<i64, StoreError>;
    async fn expire_widget_sessions(&self, now: i64) -> Result<u64, StoreError>;

    // The operator's commands.

    async fn businesses(&self) -> Result<Vec<BusinessInfo>, StoreError>;
    /// `Some(time)` suspends, `None` resumes; false for an unknown business.
    async fn set_suspended(
        &self,
        business_id: &str,
        suspended_at: Option<i64>,
    ) -> Result<bool, StoreError>;
    /// Removes the business and everything of it; a deletion request that
    /// waited only for it is complete. False for an unknown business.
    async fn delete_business(&self, business_id: &str, now: i64) -> Result<bool, StoreError>;
}

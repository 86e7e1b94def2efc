use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use leadbox_envelope::api::{ClaimRouteRequest, RegisterDeviceRequest, SignUpRequest};
use leadbox_envelope::payload::SecretText;
use leadbox_envelope::{DeviceSecretKey, Platform};
use leadbox_vault::{
    Opened, Reader, RecoveryCode, SecretKind, SecretStore, Vault, VaultPool, WriterGuard,
};
use zeroize::Zeroizing;

use crate::relay_client::RelayClient;
use crate::{Clock, InboxError, SystemClock};

const RELAY_URL: &str = "relay_url";
const DEVICE_ID: &str = "device_id";
const BUSINESS_NAME: &str = "business_name";
pub(crate) const CURSOR: &str = "relay_cursor";

/// What pairing produced, for showing to the owner.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Pairing {
    pub relay_url: String,
    pub device_id: String,
    pub business_name: String,
}

/// How a computer is called at the relay when the owner gave it no name.
const DEFAULT_DEVICE_NAME: &str = "Leadbox desktop";

fn named_or_default(device_name: &str) -> String {
    match device_name.trim() {
        "" => DEFAULT_DEVICE_NAME.to_owned(),
        name => name.to_owned(),
    }
}

/// The desktop engine over one data folder. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Engine {
    data_dir: PathBuf,
    /// One writer and a few readers: the window reads while sync writes, and
    /// long jobs run on a reader connection.
    pool: VaultPool,
    vault_id: String,
    secrets: Arc<dyn SecretStore>,
    /// Set by tests (and later by settings) to reach a Graph API other than Meta's.
    pub(crate) graph_override: Mutex<Option<leadbox_channels::graph::GraphClient>>,
    relay_client: Mutex<Option<RelayClient>>,
    clock: Mutex<Arc<dyn Clock>>,
}

impl Engine {
    /// Opens the vault in `data_dir`; a folder without one is
    /// [`VaultError::NoVault`](leadbox_vault::VaultError::NoVault) and stays untouched.
    pub fn open(data_dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Engine, InboxError> {
        let vault = Vault::open(data_dir, secrets.as_ref())?;
        Ok(Engine::over(data_dir, vault, secrets))
    }

    /// Creates a new vault in `data_dir`, which must hold none yet, and returns
    /// its recovery code (shown to the owner once).
    pub fn create(
        data_dir: &Path,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<(Engine, RecoveryCode), InboxError> {
        match Engine::open_or_create(data_dir, secrets)? {
            (engine, Some(code)) => Ok((engine, code)),
            (_, None) => Err(InboxError::VaultExists(data_dir.to_owned())),
        }
    }

    /// Opens (or, the first time, creates) the vault in `data_dir`. The recovery
    /// code is returned only when the vault was just created.
    pub fn open_or_create(
        data_dir: &Path,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<(Engine, Option<RecoveryCode>), InboxError> {
        let (vault, code) = match Vault::open_or_create(data_dir, secrets.as_ref())? {
            Opened::Existing(vault) => (vault, None),
            Opened::Created(vault, code) => (vault, Some(code)),
        };
        Ok((Engine::over(data_dir, vault, secrets), code))
    }

    /// Whether `data_dir` holds a vault (opened or not): the app asks before
    /// offering to create one or restore a backup into the folder.
    pub fn vault_exists(data_dir: &Path) -> bool {
        Engine::vault_file(data_dir).exists()
    }

    /// The vault's database file in `data_dir`.
    pub fn vault_file(data_dir: &Path) -> PathBuf {
        data_dir.join(leadbox_vault::DATABASE_FILE)
    }

    /// Restores a backup into `data_dir`, which must hold no vault yet. The
    /// restored vault has a new key (in this computer's keychain), so a new
    /// recovery code comes back with it.
    pub fn restore(
        data_dir: &Path,
        backup: &Path,
        passphrase: &str,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<(Engine, RecoveryCode), InboxError> {
        let (vault, code) = Vault::restore(data_dir, backup, passphrase, secrets.as_ref())?;
        Ok((Engine::over(data_dir, vault, secrets), code))
    }

    /// Opens a vault whose key is no longer in the keychain with its recovery
    /// code, and puts the key back there.
    pub fn unlock(
        data_dir: &Path,
        recovery_code: &str,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Engine, InboxError> {
        let vault = Vault::unlock_with_recovery_code(data_dir, secrets.as_ref(), recovery_code)?;
        Ok(Engine::over(data_dir, vault, secrets))
    }

    fn over(data_dir: &Path, vault: Vault, secrets: Arc<dyn SecretStore>) -> Engine {
        Engine {
            data_dir: data_dir.to_owned(),
            vault_id: vault.id().to_owned(),
            pool: VaultPool::new(vault, leadbox_vault::DEFAULT_READERS),
            secrets,
            graph_override: Mutex::new(None),
            relay_client: Mutex::new(None),
            clock: Mutex::new(Arc::new(SystemClock)),
        }
    }

    /// Now, by the engine's clock (the system's, unless a test set another).
    pub fn now_ms(&self) -> i64 {
        self.clock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .now_ms()
    }

    /// Reads the time from `clock` from now on (tests move it).
    pub fn use_clock(&self, clock: Arc<dyn Clock>) {
        *self
            .clock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = clock;
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The vault's writing connection. Held briefly, and never while
    /// holding a reader (see [`VaultPool`]).
    pub(crate) fn vault(&self) -> WriterGuard<'_> {
        self.pool.writer()
    }

    /// The vault's writing connection, for the engine's own integration
    /// tests, which look at stored state that no shell sees.
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub fn vault_for_tests(&self) -> WriterGuard<'_> {
        self.pool.writer()
    }

    /// A reading connection: what the window shows never waits for a write.
    pub(crate) fn reader(&self) -> Result<Reader<'_>, InboxError> {
        Ok(self.pool.reader()?)
    }

    pub(crate) fn pool(&self) -> &VaultPool {
        &self.pool
    }

    pub(crate) fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// The keychain this engine keeps its secrets in (for key rotation).
    pub fn secret_store(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// This vault's keychain entry of `kind`.
    pub(crate) fn secret_name(&self, kind: &SecretKind) -> String {
        kind.entry(&self.vault_id)
    }

    /// Redeems an invite at the relay: creates this computer's sealing key,
    /// registers its public half, and keeps the secret half and the token in the keychain.
    pub async fn pair(
        &self,
        relay_url: &str,
        invite_code: &str,
        device_name: &str,
    ) -> Result<Pairing, InboxError> {
        let client = RelayClient::new(relay_url)?;
        let secret = DeviceSecretKey::generate();
        let request = RegisterDeviceRequest {
            invite_code: invite_code.trim().to_owned(),
            public_key: secret.public_key(),
            device_name: named_or_default(device_name),
        };
        let response = client.register(&request).await?;
        self.remember_pairing(&client, &secret, response)
    }

    /// Signs up at a relay service: the relay creates the business and pairs
    /// this computer as its owner in one step (no invite, no server to run).
    /// `signup_code` when the service asks for one.
    pub async fn sign_up(
        &self,
        relay_url: &str,
        business_name: &str,
        signup_code: Option<&str>,
        device_name: &str,
    ) -> Result<Pairing, InboxError> {
        let client = RelayClient::new(relay_url)?;
        let secret = DeviceSecretKey::generate();
        let request = SignUpRequest {
            business_name: business_name.trim().to_owned(),
            device_name: named_or_default(device_name),
            public_key: secret.public_key(),
            signup_code: signup_code
                .map(str::trim)
                .filter(|code| !code.is_empty())
                .map(str::to_owned),
        };
        let response = client.sign_up(&request).await?;
        self.remember_pairing(&client, &secret, response)
    }

    /// A single-use invite code (valid 7 days) with which another computer
    /// joins this business; only the business's owner computer may make one.
    pub async fn invite_computer(&self) -> Result<String, InboxError> {
        let (client, token) = self.relay()?;
        Ok(client.invite_computer(&token).await?.invite_code)
    }

    /// Keeps what pairing gave: the device secret and relay token in the
    /// keychain, the relay's address and this computer's id in the vault.
    fn remember_pairing(
        &self,
        client: &RelayClient,
        secret: &DeviceSecretKey,
        response: leadbox_envelope::api::RegisterDeviceResponse,
    ) -> Result<Pairing, InboxError> {
        self.secrets.set(
            &self.secret_name(&SecretKind::DeviceSecret),
            secret.expose_bytes(),
        )?;
        self.secrets.set(
            &self.secret_name(&SecretKind::RelayToken),
            response.token.as_bytes(),
        )?;
        let vault = self.vault();
        vault.set_setting(RELAY_URL, client.base())?;
        vault.set_setting(DEVICE_ID, &response.device_id)?;
        vault.set_setting(BUSINESS_NAME, &response.business_name)?;
        vault.set_setting(CURSOR, "0")?;
        vault.audit("paired", &format!("device {}", response.device_id))?;
        tracing::info!(device = %response.device_id, "paired with relay");
        Ok(Pairing {
            relay_url: client.base().to_owned(),
            device_id: response.device_id,
            business_name: response.business_name,
        })
    }

    pub fn pairing(&self) -> Result<Option<Pairing>, InboxError> {
        let vault = self.vault();
        let (Some(relay_url), Some(device_id)) =
            (vault.setting(RELAY_URL)?, vault.setting(DEVICE_ID)?)
        else {
            return Ok(None);
        };
        let business_name = vault.setting(BUSINESS_NAME)?.unwrap_or_default();
        Ok(Some(Pairing {
            relay_url,
            device_id,
            business_name,
        }))
    }

    /// Asks the relay to route a platform account's webhooks to this business.
    pub async fn claim(&self, platform: Platform, account_id: &str) -> Result<(), InboxError> {
        self.claim_with_business_account(platform, account_id, None, None)
            .await
    }

    /// Claims an account, and for a WhatsApp number the WhatsApp Business
    /// Account that holds it (whose template, quality and account notices
    /// then reach this business too). `access_token` proves to the relay that
    /// this business controls the account; without it, the account's token
    /// in the keychain (if it was connected) is sent. The relay checks it with
    /// Meta only when it needs proof, and does not keep it.
    pub async fn claim_with_business_account(
        &self,
        platform: Platform,
        account_id: &str,
        business_account: Option<&str>,
        access_token: Option<&str>,
    ) -> Result<(), InboxError> {
        let (client, token) = self.relay()?;
        let account_id = account_id.trim();
        let access_token = match access_token {
            Some(given) => Some(SecretText::new(given.trim())),
            None => self
                .secrets()
                .get(&self.token_name(platform, account_id))?
                .and_then(|stored| String::from_utf8(stored.to_vec()).ok())
                .map(SecretText::new),
        };
        let request = ClaimRouteRequest {
            platform,
            account_id: account_id.to_owned(),
            whatsapp_business_account_id: business_account.map(str::to_owned),
            access_token,
        };
        client.claim(&token, &request).await?;
        let vault = self.vault();
        vault.ensure_account(platform, &request.account_id)?;
        if let Some(business_account) = business_account {
            vault.set_business_account(platform, &request.account_id, business_account)?;
        }
        Ok(())
    }

    pub(crate) fn relay(&self) -> Result<(RelayClient, Zeroizing<String>), InboxError> {
        let url = self
            .vault()
            .setting(RELAY_URL)?
            .ok_or(InboxError::NotPaired)?;
        let token = self
            .secrets
            .get(&self.secret_name(&SecretKind::RelayToken))?
            .ok_or(InboxError::NotPaired)?;
        let token =
            Zeroizing::new(String::from_utf8(token.to_vec()).map_err(|_| InboxError::NotPaired)?);
        Ok((self.relay_client(&url)?, token))
    }

    /// One HTTP client per relay address, kept: building one loads the TLS
    /// roots (tens of milliseconds), which a long-poll loop must not pay per round.
    fn relay_client(&self, url: &str) -> Result<RelayClient, InboxError> {
        let mut cached = self
            .relay_client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let wanted = url.trim().trim_end_matches('/');
        if let Some(client) = cached.as_ref().filter(|c| c.base() == wanted) {
            return Ok(client.clone());
        }
        let client = RelayClient::new(url)?;
        *cached = Some(client.clone());
        Ok(client)
    }

    pub(crate) fn device_secret(&self) -> Result<DeviceSecretKey, InboxError> {
        let bytes = self
            .secrets
            .get(&self.secret_name(&SecretKind::DeviceSecret))?
            .ok_or(InboxError::NotPaired)?;
        DeviceSecretKey::from_bytes(&bytes).map_err(|_| InboxError::DamagedDeviceKey)
    }
}

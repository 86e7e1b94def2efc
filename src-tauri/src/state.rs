use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

pub use leadbox_inbox::SyncStatus;
use leadbox_inbox::{Engine, InboxError, OsKeychain, SecretStore, VaultError};
use tauri::Manager as _;

use crate::error::{CommandError, ErrorCode};

/// Why the window has no inbox to show.
#[derive(Debug, Clone)]
pub enum Closed {
    /// No vault on this computer yet: the owner starts one or restores a backup.
    NotSetUp,
    /// A vault that did not open; `key_missing` when its recovery code can open it.
    Locked { message: String, key_missing: bool },
}

#[derive(Debug)]
pub struct AppState {
    /// Set once: at start when the vault opens, or later when the owner creates,
    /// restores or unlocks it from the window.
    engine: OnceLock<Arc<Engine>>,
    closed: Mutex<Closed>,
    /// Creating, restoring and unlocking run one at a time.
    opening: tokio::sync::Mutex<()>,
    pub data_dir: PathBuf,
    secrets: Arc<dyn SecretStore>,
    pub sync: Mutex<SyncStatus>,
    /// Shown once after the vault is created or restored, until the owner dismisses it.
    pub recovery_code: Mutex<Option<String>>,
    /// The window's language, which the tray and notifications speak too.
    pub language: crate::language::WindowLanguage,
}

impl AppState {
    pub fn open(app: &tauri::AppHandle) -> AppState {
        let data_dir = std::env::var_os("LEADBOX_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| app.path().app_data_dir().ok())
            .or_else(leadbox_inbox::default_data_dir)
            .unwrap_or_else(|| PathBuf::from("leadbox-data"));
        let secrets: Arc<dyn SecretStore> = Arc::new(OsKeychain::default());
        let language = crate::language::WindowLanguage::load(&data_dir);
        let state = AppState {
            engine: OnceLock::new(),
            closed: Mutex::new(Closed::NotSetUp),
            opening: tokio::sync::Mutex::new(()),
            data_dir,
            secrets,
            sync: Mutex::new(SyncStatus::NotPaired),
            recovery_code: Mutex::new(None),
            language,
        };
        if !Engine::vault_exists(&state.data_dir) {
            tracing::info!("no vault yet: the window offers to start one or restore a backup");
            return state;
        }
        match Engine::open(&state.data_dir, state.secrets.clone()) {
            Ok(engine) => {
                state.set_sync(SyncStatus::Connecting);
                let _ = state.engine.set(Arc::new(engine));
            }
            Err(error) => {
                tracing::error!(%error, "the vault could not be opened");
                let key_missing = matches!(error, InboxError::Vault(VaultError::KeyMissing(_)));
                state.set_closed(Closed::Locked {
                    message: error.to_string(),
                    key_missing,
                });
            }
        }
        state
    }

    pub fn engine(&self) -> Option<Arc<Engine>> {
        self.engine.get().cloned()
    }

    pub fn require_engine(&self) -> Result<Arc<Engine>, CommandError> {
        if let Some(engine) = self.engine.get() {
            return Ok(engine.clone());
        }
        Err(match self.closed() {
            Closed::NotSetUp => CommandError::new(
                ErrorCode::NotSetUp,
                "Leadbox is not set up on this computer yet: start a new inbox or restore a backup first",
            ),
            Closed::Locked { message, .. } => CommandError::locked(message),
        })
    }

    /// Runs engine work on a blocking thread: the vault is SQLite, and no
    /// command holds the window's thread or an async worker while it reads
    /// or writes.
    pub async fn with_engine<T, F>(&self, job: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, InboxError> + Send + 'static,
    {
        let engine = self.require_engine()?;
        tauri::async_runtime::spawn_blocking(move || job(&engine))
            .await
            .map_err(|_| CommandError::stopped())?
            .map_err(CommandError::from)
    }

    pub fn closed(&self) -> Closed {
        self.closed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_closed(&self, closed: Closed) {
        *self.closed.lock().unwrap_or_else(|p| p.into_inner()) = closed;
    }

    pub fn set_sync(&self, status: SyncStatus) {
        *self.sync.lock().unwrap_or_else(|p| p.into_inner()) = status;
    }

    /// Runs `open` (create, restore or unlock) unless an inbox is open
    /// already, and keeps the engine it opened; the caller starts what runs
    /// in the background for it.
    pub async fn open_with<F>(&self, open: F) -> Result<Arc<Engine>, CommandError>
    where
        F: FnOnce(PathBuf, Arc<dyn SecretStore>) -> Result<(Engine, Option<String>), CommandError>
            + Send
            + 'static,
    {
        let _one_at_a_time = self.opening.lock().await;
        if self.engine.get().is_some() {
            return Err(CommandError::new(
                ErrorCode::AlreadyOpen,
                "Leadbox already has an inbox open on this computer; nothing was changed",
            ));
        }
        let (data_dir, secrets) = (self.data_dir.clone(), self.secrets.clone());
        // Restoring decrypts the whole backup (and derives its key with scrypt).
        let (engine, recovery_code) =
            tauri::async_runtime::spawn_blocking(move || open(data_dir, secrets))
                .await
                .map_err(|_| {
                    CommandError::locked("opening the inbox stopped unexpectedly; try again")
                })??;
        let engine = Arc::new(engine);
        if self.engine.set(engine.clone()).is_err() {
            return Err(CommandError::locked(
                "another inbox was opened at the same time",
            ));
        }
        *self.recovery_code.lock().unwrap_or_else(|p| p.into_inner()) = recovery_code;
        self.set_sync(SyncStatus::Connecting);
        Ok(engine)
    }
}

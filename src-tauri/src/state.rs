use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use leadbox_inbox::Engine;
use leadbox_vault::OsKeychain;
use serde::Serialize;
use tauri::Manager as _;

use crate::error::CommandError;

/// How syncing with the relay is going, as the window shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "state")]
#[derive(ts_rs::TS)]
pub enum SyncStatus {
    NotPaired,
    Connecting,
    Online,
    Offline { message: String },
    Failed { message: String },
}

#[derive(Debug)]
pub struct AppState {
    engine: Result<Arc<Engine>, CommandError>,
    pub data_dir: PathBuf,
    pub sync: Mutex<SyncStatus>,
    /// Shown once after the vault is created, until the owner dismisses it.
    pub recovery_code: Mutex<Option<String>>,
}

impl AppState {
    pub fn open(app: &tauri::AppHandle) -> AppState {
        let data_dir = std::env::var_os("LEADBOX_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| app.path().app_data_dir().ok())
            .or_else(leadbox_inbox::default_data_dir)
            .unwrap_or_else(|| PathBuf::from("leadbox-data"));
        let opened = Engine::open(&data_dir, Arc::new(OsKeychain::default()));
        let (engine, recovery_code) = match opened {
            Ok((engine, code)) => (Ok(Arc::new(engine)), code.map(|c| c.expose().to_owned())),
            Err(error) => {
                tracing::error!(%error, "the vault could not be opened");
                (Err(CommandError::locked(error.to_string())), None)
            }
        };
        AppState {
            engine,
            data_dir,
            sync: Mutex::new(SyncStatus::Connecting),
            recovery_code: Mutex::new(recovery_code),
        }
    }

    pub fn engine(&self) -> Option<Arc<Engine>> {
        self.engine.as_ref().ok().cloned()
    }

    pub fn require_engine(&self) -> Result<Arc<Engine>, CommandError> {
        self.engine.clone()
    }

    pub fn set_sync(&self, status: SyncStatus) {
        *self.sync.lock().unwrap_or_else(|p| p.into_inner()) = status;
    }
}

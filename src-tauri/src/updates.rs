//! New versions of Leadbox: a signed manifest asked at start and once a
//! day (tauri-plugin-updater), offered to the owner, who chooses when to
//! install. Nothing is installed whose minisign signature does not match
//! the release key built into the app.
//!
//! Where the manifest is and the release key come from the build's
//! configuration (`plugins.updater` in `tauri.conf.json`, which the release
//! workflow fills in); a build without them says it has no update source.
//! Debug builds also take `LEADBOX_UPDATE_URL` and `LEADBOX_UPDATE_PUBKEY`,
//! so the tests can serve their own signed versions.
//!
//! What installs itself: on Linux the AppImage (the file is replaced) and the
//! .deb (through `pkexec dpkg -i`, which asks for the password); on Windows
//! the .msi and NSIS installers; on macOS the .app bundle.

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tauri::{Emitter as _, Manager as _};
use tauri_plugin_updater::{Update, UpdaterExt as _};

use crate::error::{CommandError, ErrorCode};

/// How often a running Leadbox asks whether there is a new version.
const CHECK_EVERY: Duration = Duration::from_secs(24 * 3600);

/// The update found by the last check, until it is installed.
#[derive(Default)]
pub struct PendingUpdate(Mutex<Option<Update>>);

/// What the window shows about updates.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct UpdateView {
    pub current_version: String,
    /// Whether this build knows where to look for new versions.
    pub has_source: bool,
    /// A newer version, when there is one.
    pub available: Option<AvailableUpdate>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct AvailableUpdate {
    pub version: String,
    /// What is new, as the release wrote it (shown as text).
    pub notes: Option<String>,
    pub published: Option<String>,
}

impl AvailableUpdate {
    fn of(update: &Update) -> AvailableUpdate {
        AvailableUpdate {
            version: update.version.clone(),
            notes: update.body.clone(),
            published: update.date.map(|date| date.to_string()),
        }
    }
}

fn failed(message: impl Into<String>) -> CommandError {
    CommandError::new(ErrorCode::UpdateFailed, message)
}

/// The owner-facing words for what went wrong.
fn explain(error: &tauri_plugin_updater::Error) -> CommandError {
    use tauri_plugin_updater::Error;
    match error {
        Error::Minisign(_)
        | Error::SignatureUtf8(_)
        | Error::Base64(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion => failed(
            "this update's signature does not match Leadbox's release key, so it was not installed; nothing was changed",
        ),
        Error::Reqwest(_) | Error::Network(_) => {
            failed("the update server cannot be reached; Leadbox will ask again later")
        }
        Error::ReleaseNotFound | Error::TargetNotFound(_) | Error::TargetsNotFound(_) => {
            failed("the update server has no version of Leadbox for this computer")
        }
        Error::InvalidUpdaterFormat | Error::BinaryNotFoundInArchive => failed(
            "the downloaded update is not a Leadbox package for this computer; nothing was changed",
        ),
        other => failed(format!("the update did not install ({other})")),
    }
}

/// Where to look, from the build's configuration or, in a debug build, the
/// test's environment; `None` when this build has no update source.
fn updater(app: &tauri::AppHandle) -> Result<Option<tauri_plugin_updater::Updater>, CommandError> {
    let mut builder = app.updater_builder();
    let mut has_source = app
        .config()
        .plugins
        .0
        .get("updater")
        .and_then(|updater| updater.get("endpoints"))
        .and_then(|endpoints| endpoints.as_array())
        .is_some_and(|endpoints| !endpoints.is_empty());
    if cfg!(debug_assertions) {
        if let Ok(url) = std::env::var("LEADBOX_UPDATE_URL") {
            let url = url
                .parse()
                .map_err(|_| failed(format!("`{url}` is not an address")))?;
            builder = builder.endpoints(vec![url]).map_err(|e| explain(&e))?;
            has_source = true;
        }
        if let Ok(pubkey) = std::env::var("LEADBOX_UPDATE_PUBKEY") {
            builder = builder.pubkey(pubkey);
        }
    }
    // An AppImage is replaced where it lies, not where it is mounted (the
    // AppImage runtime names it in APPIMAGE; said here rather than assumed).
    #[cfg(target_os = "linux")]
    if let Some(appimage) = std::env::var_os("APPIMAGE") {
        builder = builder.executable_path(appimage);
    }
    if !has_source {
        return Ok(None);
    }
    builder
        .timeout(Duration::from_secs(60))
        .build()
        .map(Some)
        .map_err(|e| explain(&e))
}

async fn check(app: &tauri::AppHandle) -> Result<UpdateView, CommandError> {
    let current_version = app.package_info().version.to_string();
    let Some(updater) = updater(app)? else {
        return Ok(UpdateView {
            current_version,
            has_source: false,
            available: None,
        });
    };
    let found = updater.check().await.map_err(|e| explain(&e))?;
    let available = found.as_ref().map(AvailableUpdate::of);
    *app.state::<PendingUpdate>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = found;
    Ok(UpdateView {
        current_version,
        has_source: true,
        available,
    })
}

/// Asks the update server whether there is a newer Leadbox.
#[tauri::command]
pub async fn check_for_update(app: tauri::AppHandle) -> Result<UpdateView, CommandError> {
    check(&app).await
}

/// The newer version the last check found, if any: the window asks when it
/// opens, since the check at start may finish before it listens.
#[tauri::command]
pub async fn found_update(app: tauri::AppHandle) -> Result<Option<AvailableUpdate>, CommandError> {
    Ok(app
        .state::<PendingUpdate>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(AvailableUpdate::of))
}

/// Downloads the version the last check found, checks its signature and
/// installs it; Leadbox uses it from its next start. Returns the version.
#[tauri::command]
pub async fn install_update(app: tauri::AppHandle) -> Result<String, CommandError> {
    let update = app
        .state::<PendingUpdate>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .ok_or_else(|| failed("there is no update to install; check for updates first"))?;
    let version = update.version.clone();
    match update.download_and_install(|_, _| {}, || {}).await {
        Ok(()) => {
            tracing::info!(%version, "update installed");
            Ok(version)
        }
        Err(error) => {
            tracing::warn!(%error, %version, "update not installed");
            Err(explain(&error))
        }
    }
}

/// Starts Leadbox again, on the version just installed.
#[tauri::command]
pub async fn restart_app(app: tauri::AppHandle) -> Result<(), CommandError> {
    app.restart()
}

/// Asks at start and then daily; a newer version is announced to the window
/// (`update-available`), which offers it. Failures are only logged: the
/// owner asks again from Settings.
pub fn start_checking(app: &tauri::AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match check(&app).await {
                Ok(UpdateView {
                    available: Some(update),
                    ..
                }) => {
                    let _ = app.emit("update-available", update);
                }
                Ok(_) => {}
                Err(error) => tracing::info!(message = %error.message, "update check failed"),
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

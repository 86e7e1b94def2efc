//! WebKitGTK settings for the inbox window. Compositing on the GPU (or, with
//! no GPU, in software) costs the web process about 80 MiB and slows the
//! first paint; an inbox of text and a few charts does not need it
//! (measured in `bench/app-cold-start`, see docs/benchmarks.md).

#[cfg(target_os = "linux")]
pub fn tune(app: &tauri::AppHandle) {
    use tauri::Manager as _;
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt as _, WebContextExt as _,
        WebViewExt as _,
    };
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let applied = window.with_webview(|webview| {
        let view = webview.inner();
        if let Some(settings) = view.settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
        // One local page, never browsed away from: no page or resource cache.
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    if let Err(error) = applied {
        tracing::debug!(%error, "webview settings not applied");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn tune(_app: &tauri::AppHandle) {}

//! Measuring cold start for the benchmark (`bench/app-cold-start`): the window
//! reports its first painted inbox; with `LEADBOX_STARTUP_REPORT` set, the
//! time since the process started and the memory of the app and its web
//! processes are written there (and with `LEADBOX_EXIT_AFTER_PAINT=1` the
//! app then quits). Without the variables this only logs the time.

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

pub fn mark_process_start() {
    let _ = STARTED.set(Instant::now());
}

/// Moments of the native start (ms since the process began), for the report.
static NATIVE_MARKS: std::sync::Mutex<Vec<(&'static str, f64)>> = std::sync::Mutex::new(Vec::new());

pub fn mark(name: &'static str) {
    if let (Some(started), Ok(mut marks)) = (STARTED.get(), NATIVE_MARKS.lock()) {
        marks.push((name, started.elapsed().as_secs_f64() * 1000.0));
    }
}

/// Memory of this process and each of its descendants (the WebKit web and
/// network processes): name, resident KiB and proportional KiB (PSS: shared
/// library pages divided among the processes sharing them, so the sum does
/// not count WebKit's libraries twice), from `/proc`.
#[cfg(target_os = "linux")]
fn family_rss_kib() -> Vec<(String, u64, u64)> {
    let me = std::process::id();
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // The parent pid is the second field after the command's closing parenthesis.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            parents.push((pid, ppid));
        }
    }
    let mut family = vec![me];
    let mut grew = true;
    while grew {
        grew = false;
        for (pid, ppid) in &parents {
            if family.contains(ppid) && !family.contains(pid) {
                family.push(*pid);
                grew = true;
            }
        }
    }
    family
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|status| {
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(|v| v.trim().to_owned())
            };
            let kib = |text: &str| text.trim_end_matches("kB").trim().parse::<u64>().ok();
            let rss = kib(&field("VmRSS:")?)?;
            let pid = field("Pid:")?;
            let pss = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
                .ok()
                .and_then(|rollup| {
                    rollup
                        .lines()
                        .find_map(|l| l.strip_prefix("Pss:"))
                        .and_then(|v| kib(v.trim()))
                })
                .unwrap_or(rss);
            Some((field("Name:").unwrap_or_default(), rss, pss))
        })
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn family_rss_kib() -> Vec<(String, u64, u64)> {
    Vec::new()
}

#[tauri::command]
pub async fn startup_painted(
    app: tauri::AppHandle,
    page_ms: f64,
    marks: Vec<(String, f64)>,
) -> Result<(), crate::error::CommandError> {
    let Some(started) = STARTED.get() else {
        return Ok(());
    };
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    // The page counts from its own start (`performance.now()`): what came
    // before it is the native side's and WebKit's.
    let page_started_ms = elapsed_ms - page_ms;
    tracing::info!(elapsed_ms, page_started_ms, "first inbox painted");
    let Some(path) = std::env::var_os("LEADBOX_STARTUP_REPORT") else {
        return Ok(());
    };
    // Let the web process settle what it allocated for the first paint.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let processes = family_rss_kib();
    let report = serde_json::json!({
        "first_paint_ms": elapsed_ms,
        "page_started_ms": page_started_ms,
        "page_marks_ms": marks,
        "native_marks_ms": NATIVE_MARKS.lock().map(|marks| marks.clone()).unwrap_or_default(),
        "rss_kib": processes.iter().map(|(_, rss, _)| rss).sum::<u64>(),
        "pss_kib": processes.iter().map(|(_, _, pss)| pss).sum::<u64>(),
        "processes": processes,
    });
    if let Err(error) = std::fs::write(&path, report.to_string()) {
        tracing::warn!(%error, "the startup report could not be written");
    }
    if std::env::var("LEADBOX_EXIT_AFTER_PAINT").as_deref() == Ok("1") {
        app.exit(0);
    }
    Ok(())
}

//! A clock a test moves by hand, for the engine (`Engine::use_clock`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Starts at the system's time and moves only when told.
#[derive(Debug)]
pub struct ManualClock {
    now_ms: AtomicI64,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock {
            now_ms: AtomicI64::new(leadbox_inbox::now_ms()),
        }
    }
}

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.now_ms.fetch_add(by, Ordering::SeqCst);
    }
}

impl leadbox_inbox::Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now_ms.load(Ordering::SeqCst)
    }
}

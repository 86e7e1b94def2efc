//! Where the engine reads the time: the system clock, or in tests a clock
//! they move (reply windows, lead-form retries, retention, quiet hours).

/// Now, in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now_ms(&self) -> i64;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        leadbox_envelope::now_ms()
    }
}

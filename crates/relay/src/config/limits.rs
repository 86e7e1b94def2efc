//! Request budgets and per-business quotas, and how they are read.

use super::{ConfigError, RawConfig, number};

/// Per-client request budgets. Meta's webhooks are never limited: refusing
/// them would only make Meta retry and, in the end, drop them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Take the client address from `X-Forwarded-For`/`Forwarded` (set it
    /// only behind a reverse proxy that writes them; otherwise clients could
    /// pick their own address).
    pub trust_forwarded_for: bool,
    /// Device API calls per second per address (with a burst of five seconds' worth).
    pub device_requests_per_second: u32,
    /// Website chat calls per minute per visitor address.
    pub widget_requests_per_minute: u32,
    /// Messages per minute per website chat session.
    pub widget_messages_per_minute: u32,
    /// Connections open at once; a new one beyond it is closed at once.
    pub max_connections: u32,
    /// Webhook entries one business may receive per minute (bursts of one
    /// minute's worth). Beyond it its entries are dropped, counted, and its
    /// computers told, so that one business's flood never slows the others.
    /// Unset: no quota (a self-hoster's one business gets everything).
    pub business_entries_per_minute: Option<u32>,
    /// Bytes of envelopes one business may have waiting; beyond it its new
    /// entries are dropped and its computers told. Unset: no quota.
    pub business_max_stored_bytes: Option<u64>,
}

pub const DEFAULT_DEVICE_REQUESTS_PER_SECOND: u32 = 20;
pub const DEFAULT_WIDGET_REQUESTS_PER_MINUTE: u32 = 60;
pub const DEFAULT_WIDGET_MESSAGES_PER_MINUTE: u32 = 10;
pub const DEFAULT_MAX_CONNECTIONS: u32 = 4096;

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            trust_forwarded_for: false,
            device_requests_per_second: DEFAULT_DEVICE_REQUESTS_PER_SECOND,
            widget_requests_per_minute: DEFAULT_WIDGET_REQUESTS_PER_MINUTE,
            widget_messages_per_minute: DEFAULT_WIDGET_MESSAGES_PER_MINUTE,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            business_entries_per_minute: None,
            business_max_stored_bytes: None,
        }
    }
}

/// The budgets as the config file and the environment give them.
pub(crate) fn from(
    raw: &RawConfig,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<RateLimits, ConfigError> {
    let trust_forwarded_for = match env("LEADBOX_RELAY_TRUST_FORWARDED_FOR") {
        Some(text) => match text.trim() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            other => {
                return Err(ConfigError::Invalid {
                    field: "trust_forwarded_for",
                    reason: format!("`{other}` is not true or false"),
                });
            }
        },
        None => raw.trust_forwarded_for.unwrap_or(false),
    };
    let positive = |field: &'static str, value: u32| {
        if value == 0 {
            Err(ConfigError::Invalid {
                field,
                reason: "must be at least 1".into(),
            })
        } else {
            Ok(value)
        }
    };
    let limits = RateLimits {
        trust_forwarded_for,
        device_requests_per_second: positive(
            "device_requests_per_second",
            number(
                env,
                "LEADBOX_RELAY_DEVICE_REQUESTS_PER_SECOND",
                "device_requests_per_second",
                raw.device_requests_per_second,
                DEFAULT_DEVICE_REQUESTS_PER_SECOND,
            )?,
        )?,
        widget_requests_per_minute: positive(
            "widget_requests_per_minute",
            number(
                env,
                "LEADBOX_RELAY_WIDGET_REQUESTS_PER_MINUTE",
                "widget_requests_per_minute",
                raw.widget_requests_per_minute,
                DEFAULT_WIDGET_REQUESTS_PER_MINUTE,
            )?,
        )?,
        widget_messages_per_minute: positive(
            "widget_messages_per_minute",
            number(
                env,
                "LEADBOX_RELAY_WIDGET_MESSAGES_PER_MINUTE",
                "widget_messages_per_minute",
                raw.widget_messages_per_minute,
                DEFAULT_WIDGET_MESSAGES_PER_MINUTE,
            )?,
        )?,
        max_connections: positive(
            "max_connections",
            number(
                env,
                "LEADBOX_RELAY_MAX_CONNECTIONS",
                "max_connections",
                raw.max_connections,
                DEFAULT_MAX_CONNECTIONS,
            )?,
        )?,
        business_entries_per_minute: match env("LEADBOX_RELAY_BUSINESS_ENTRIES_PER_MINUTE") {
            Some(text) => Some(text.trim().parse().map_err(|_| ConfigError::Invalid {
                field: "business_entries_per_minute",
                reason: format!("`{text}` is not a number"),
            })?),
            None => raw.business_entries_per_minute,
        }
        .map(|n| positive("business_entries_per_minute", n))
        .transpose()?,
        business_max_stored_bytes: match env("LEADBOX_RELAY_BUSINESS_MAX_STORED_BYTES") {
            Some(text) => Some(text.trim().parse().map_err(|_| ConfigError::Invalid {
                field: "business_max_stored_bytes",
                reason: format!("`{text}` is not a number of bytes"),
            })?),
            None => raw.business_max_stored_bytes,
        },
    };
    Ok(limits)
}

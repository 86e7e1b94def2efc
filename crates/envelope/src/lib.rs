//! The wire between the Leadbox relay and the owner's desktops.
//!
//! The relay seals every payload it receives to each device key of the business
//! it belongs to ([`seal`]); only a desktop holding the matching
//! [`DeviceSecretKey`] can [`open`] it. The API request and response types both
//! sides speak live in [`api`], and what a sealed payload contains in [`payload`].

pub mod api;
mod keys;
pub mod payload;
mod sealing;

pub use keys::{DevicePublicKey, DeviceSecretKey, KeyError};
pub use sealing::{SealError, SealedEnvelope, open, seal};

/// Now, in milliseconds since the Unix epoch (UTC): the unit of every time
/// Leadbox stores or sends, relay and desktop alike.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Where a conversation happens: the one name for this concept, from SQL
/// (`accounts.platform`) to TypeScript (`Platform`). The relay routes each
/// webhook entry by (platform, account id); the desktop keeps it per account.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Platform {
    /// An Instagram professional account id (`object: "instagram"`).
    Instagram,
    /// A Facebook Page id (`object: "page"`: Messenger and lead ads).
    Messenger,
    /// A WhatsApp Cloud API phone-number id.
    Whatsapp,
    /// A website chat (the relay's widget): the account id is the site id.
    Website,
}

impl Platform {
    pub const ALL: [Platform; 4] = [
        Platform::Instagram,
        Platform::Messenger,
        Platform::Whatsapp,
        Platform::Website,
    ];

    /// The name an owner reads (notifications, CSV exports, new contacts).
    pub fn label(self) -> &'static str {
        match self {
            Platform::Instagram => "Instagram",
            Platform::Messenger => "Messenger",
            Platform::Whatsapp => "WhatsApp",
            Platform::Website => "Website chat",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Instagram => "instagram",
            Platform::Messenger => "messenger",
            Platform::Whatsapp => "whatsapp",
            Platform::Website => "website",
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Platform {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| {
                format!("unknown platform `{s}`: use instagram, messenger, whatsapp or website")
            })
    }
}

/// Whether a URL's host (as `url::Url::host_str` gives it, IPv6 in brackets)
/// is this computer: `localhost` or a loopback address. Plain `http://` is
/// accepted only there, and only there does text stay on the computer.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod loopback_tests {
    use super::is_loopback_host;

    #[test]
    fn only_this_computer_is_loopback() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.8.9.10",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "example.com",
            "10.0.0.1",
            "[::2]",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}

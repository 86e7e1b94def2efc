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

/// Which kind of platform account a routing id names. The relay routes each
/// webhook entry by it; the desktop uses it to know which channel a message is on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[cfg_attr(feature = "typescript", ts(rename = "Platform"))]
pub enum RouteKind {
    /// An Instagram professional account id (`object: "instagram"`).
    Instagram,
    /// A Facebook Page id (`object: "page"`: Messenger and lead ads).
    Messenger,
    /// A WhatsApp Cloud API phone-number id.
    Whatsapp,
    /// A website chat (the relay's widget): the account id is the site id.
    Website,
}

impl RouteKind {
    pub const ALL: [RouteKind; 4] = [
        RouteKind::Instagram,
        RouteKind::Messenger,
        RouteKind::Whatsapp,
        RouteKind::Website,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RouteKind::Instagram => "instagram",
            RouteKind::Messenger => "messenger",
            RouteKind::Whatsapp => "whatsapp",
            RouteKind::Website => "website",
        }
    }
}

impl std::fmt::Display for RouteKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RouteKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RouteKind::ALL
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

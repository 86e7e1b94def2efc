//! The relay's one config file, with every field overridable by environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod limits;
mod service;

pub use limits::{
    DEFAULT_DEVICE_REQUESTS_PER_SECOND, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_WIDGET_MESSAGES_PER_MINUTE, DEFAULT_WIDGET_REQUESTS_PER_MINUTE, RateLimits,
};
pub use service::{RouteClaims, SignUp};

pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
pub const DEFAULT_ENVELOPE_TTL_DAYS: u32 = 14;
pub const DEFAULT_MAX_QUEUE_PER_DEVICE: u64 = 100_000;
pub const DEFAULT_GRAPH_URL: &str = "https://graph.facebook.com/v21.0";
pub const DEFAULT_LOGIN_DIALOG_URL: &str = "https://www.facebook.com/v21.0/dialog/oauth";
pub const DEFAULT_INSTAGRAM_DIALOG_URL: &str = "https://www.instagram.com/oauth/authorize";
pub const DEFAULT_INSTAGRAM_API_URL: &str = "https://api.instagram.com";
pub const DEFAULT_INSTAGRAM_GRAPH_URL: &str = "https://graph.instagram.com";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid TOML: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{field} is not set: put it in the config file or set {env}")]
    MissingField {
        field: &'static str,
        env: &'static str,
    },
    #[error("{field} is invalid: {reason}")]
    Invalid { field: &'static str, reason: String },
}

/// The fields as written in `relay.toml`; everything optional so the environment can fill gaps.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    pub(crate) listen: Option<String>,
    pub(crate) data_dir: Option<PathBuf>,
    pub(crate) meta_app_secret: Option<String>,
    pub(crate) meta_verify_token: Option<String>,
    pub(crate) max_body_bytes: Option<usize>,
    pub(crate) envelope_ttl_days: Option<u32>,
    pub(crate) max_queue_per_device: Option<u64>,
    pub(crate) public_url: Option<String>,
    pub(crate) meta_app_id: Option<String>,
    pub(crate) graph_url: Option<String>,
    pub(crate) login_dialog_url: Option<String>,
    pub(crate) instagram_app_id: Option<String>,
    pub(crate) instagram_app_secret: Option<String>,
    pub(crate) instagram_dialog_url: Option<String>,
    pub(crate) instagram_api_url: Option<String>,
    pub(crate) instagram_graph_url: Option<String>,
    pub(crate) tls_cert_path: Option<PathBuf>,
    pub(crate) tls_key_path: Option<PathBuf>,
    pub(crate) trust_forwarded_for: Option<bool>,
    pub(crate) device_requests_per_second: Option<u32>,
    pub(crate) widget_requests_per_minute: Option<u32>,
    pub(crate) widget_messages_per_minute: Option<u32>,
    pub(crate) max_connections: Option<u32>,
    pub(crate) business_entries_per_minute: Option<u32>,
    pub(crate) business_max_stored_bytes: Option<u64>,
    pub(crate) metrics_token: Option<String>,
    pub(crate) route_claims: Option<RouteClaims>,
    pub(crate) database_url: Option<String>,
    pub(crate) signup: Option<String>,
    pub(crate) signup_codes: Option<Vec<String>>,
}

#[derive(Clone)]
pub struct RelayConfig {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// Signs Meta's webhooks; only ever used to verify them.
    pub meta_app_secret: String,
    /// What Meta must echo back in the subscription handshake.
    pub meta_verify_token: String,
    pub max_body_bytes: usize,
    /// Envelopes nobody acknowledged are deleted after this many days (and counted as lost).
    pub envelope_ttl_days: u32,
    /// The most envelopes kept waiting for one desktop; the oldest go first (counted as lost).
    pub max_queue_per_device: u64,
    /// How the internet reaches this relay (`https://relay.example.com`): the
    /// base of the OAuth redirect and of the deletion status pages.
    pub public_url: Option<String>,
    /// The Meta app's id; "Connect with Facebook" is offered only when it is set.
    pub meta_app_id: Option<String>,
    /// Graph API base including the version; a local server in tests.
    pub graph_url: String,
    /// Instagram's Graph API base (`https://graph.instagram.com`), where an
    /// Instagram Login token is checked.
    pub instagram_graph_url: String,
    pub route_claims: RouteClaims,
    /// `postgres://…`: keep everything in PostgreSQL (a relay service, one or
    /// several instances); unset: the SQLite file in `data_dir`.
    pub database_url: Option<String>,
    pub signup: SignUp,
    /// Facebook Login's dialog.
    pub login_dialog_url: String,
    /// "Connect with Instagram" (Instagram Login), offered when set.
    pub instagram: Option<InstagramLoginConfig>,
    /// HTTPS served by the relay itself; `None`: plain HTTP behind a proxy.
    pub tls: Option<TlsFiles>,
    pub limits: RateLimits,
    /// With it, `/metrics` answers only requests with `Authorization: Bearer
    /// <token>`; without it, only requests from this computer that did not
    /// come through a proxy (no `X-Forwarded-For`).
    pub metrics_token: Option<String>,
}

/// A PEM certificate chain and its private key (e.g. Let's Encrypt's
/// `fullchain.pem` and `privkey.pem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
}

/// The Instagram app (Instagram product → API setup with Instagram login):
/// its own id and secret, and where Instagram's endpoints are.
#[derive(Clone)]
pub struct InstagramLoginConfig {
    pub app_id: String,
    pub app_secret: String,
    pub dialog_url: String,
    /// `https://api.instagram.com`: the code exchange.
    pub api_url: String,
    /// `https://graph.instagram.com`: long-lived tokens, `/me`, subscriptions.
    pub graph_url: String,
}

impl std::fmt::Debug for InstagramLoginConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstagramLoginConfig")
            .field("app_id", &self.app_id)
            .field("app_secret", &"***")
            .field("graph_url", &self.graph_url)
            .finish_non_exhaustive()
    }
}

/// An http(s) URL without its trailing slash.
fn base_url(field: &'static str, text: String) -> Result<String, ConfigError> {
    let trimmed = text.trim().trim_end_matches('/').to_owned();
    if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
        Ok(trimmed)
    } else {
        Err(ConfigError::Invalid {
            field,
            reason: format!("`{text}` is not an http:// or https:// address"),
        })
    }
}

impl std::fmt::Debug for RelayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayConfig")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("meta_app_secret", &"***")
            .field("meta_verify_token", &"***")
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("max_body_bytes", &self.max_body_bytes)
            .field("envelope_ttl_days", &self.envelope_ttl_days)
            .field("max_queue_per_device", &self.max_queue_per_device)
            .field("public_url", &self.public_url)
            .field("meta_app_id", &self.meta_app_id)
            .field("graph_url", &self.graph_url)
            .field("instagram_graph_url", &self.instagram_graph_url)
            .field("route_claims", &self.route_claims)
            .field("database_url", &self.database_url.as_ref().map(|_| "***"))
            .field("signup", &std::mem::discriminant(&self.signup))
            .field("instagram", &self.instagram)
            .field("tls", &self.tls)
            .field("limits", &self.limits)
            .finish()
    }
}

/// A number from the environment (first) or the file, else the default.
pub(crate) fn number<T: std::str::FromStr + Copy>(
    env: &impl Fn(&str) -> Option<String>,
    var: &str,
    field: &'static str,
    from_file: Option<T>,
    default: T,
) -> Result<T, ConfigError> {
    match env(var) {
        Some(text) => text.trim().parse().map_err(|_| ConfigError::Invalid {
            field,
            reason: format!("`{text}` is not a whole number"),
        }),
        None => Ok(from_file.unwrap_or(default)),
    }
}

impl RelayConfig {
    /// Reads `path` (if given), then lets `LEADBOX_RELAY_*` variables from `env` override it.
    pub fn load(
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut raw = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                toml::from_str::<RawConfig>(&text).map_err(|e| ConfigError::Syntax {
                    path: path.to_owned(),
                    message: e.message().to_owned(),
                })?
            }
            None => RawConfig::default(),
        };
        let pick =
            |file: Option<String>, var: &str| env(var).or(file).filter(|v| !v.trim().is_empty());
        // Before any field is taken out of `raw`.
        let limits = limits::from(&raw, &env)?;

        let listen_text =
            pick(raw.listen, "LEADBOX_RELAY_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen = listen_text.parse().map_err(|_| ConfigError::Invalid {
            field: "listen",
            reason: format!("`{listen_text}` is not an address like 127.0.0.1:8080"),
        })?;
        let database_url = pick(raw.database_url, "LEADBOX_RELAY_DATABASE_URL")
            .map(|url| url.trim().to_owned())
            .filter(|url| !url.is_empty());
        if let Some(url) = &database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid {
                field: "database_url",
                reason: "only PostgreSQL is supported: postgres://user:password@host:5432/database"
                    .into(),
            });
        }
        // With PostgreSQL the relay keeps nothing on its own disk.
        let data_dir = match env("LEADBOX_RELAY_DATA_DIR")
            .map(PathBuf::from)
            .or(raw.data_dir)
        {
            Some(dir) => dir,
            None if database_url.is_some() => PathBuf::new(),
            None => {
                return Err(ConfigError::MissingField {
                    field: "data_dir",
                    env: "LEADBOX_RELAY_DATA_DIR",
                });
            }
        };
        let meta_app_secret = pick(raw.meta_app_secret, "LEADBOX_RELAY_META_APP_SECRET").ok_or(
            ConfigError::MissingField {
                field: "meta_app_secret",
                env: "LEADBOX_RELAY_META_APP_SECRET",
            },
        )?;
        let meta_verify_token = pick(raw.meta_verify_token, "LEADBOX_RELAY_META_VERIFY_TOKEN")
            .ok_or(ConfigError::MissingField {
                field: "meta_verify_token",
                env: "LEADBOX_RELAY_META_VERIFY_TOKEN",
            })?;
        let max_body_bytes = match env("LEADBOX_RELAY_MAX_BODY_BYTES") {
            Some(text) => text.parse().map_err(|_| ConfigError::Invalid {
                field: "max_body_bytes",
                reason: format!("`{text}` is not a number of bytes"),
            })?,
            None => raw.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
        };
        if max_body_bytes < 1024 {
            return Err(ConfigError::Invalid {
                field: "max_body_bytes",
                reason: "must be at least 1024".into(),
            });
        }
        let envelope_ttl_days = number(
            &env,
            "LEADBOX_RELAY_ENVELOPE_TTL_DAYS",
            "envelope_ttl_days",
            raw.envelope_ttl_days,
            DEFAULT_ENVELOPE_TTL_DAYS,
        )?;
        if !(1..=365).contains(&envelope_ttl_days) {
            return Err(ConfigError::Invalid {
                field: "envelope_ttl_days",
                reason: "must be between 1 and 365 days".into(),
            });
        }
        let max_queue_per_device = number(
            &env,
            "LEADBOX_RELAY_MAX_QUEUE_PER_DEVICE",
            "max_queue_per_device",
            raw.max_queue_per_device,
            DEFAULT_MAX_QUEUE_PER_DEVICE,
        )?;
        if max_queue_per_device < 100 {
            return Err(ConfigError::Invalid {
                field: "max_queue_per_device",
                reason: "must be at least 100".into(),
            });
        }
        let public_url = pick(raw.public_url, "LEADBOX_RELAY_PUBLIC_URL")
            .map(|url| base_url("public_url", url))
            .transpose()?;
        let meta_app_id = pick(raw.meta_app_id, "LEADBOX_RELAY_META_APP_ID");
        let metrics_token = pick(raw.metrics_token, "LEADBOX_RELAY_METRICS_TOKEN")
            .map(|token| token.trim().to_owned())
            .filter(|token| !token.is_empty());
        if metrics_token.as_ref().is_some_and(|token| token.len() < 16) {
            return Err(ConfigError::Invalid {
                field: "metrics_token",
                reason: "use at least 16 random characters".into(),
            });
        }
        let graph_url = base_url(
            "graph_url",
            pick(raw.graph_url, "LEADBOX_RELAY_GRAPH_URL")
                .unwrap_or_else(|| DEFAULT_GRAPH_URL.into()),
        )?;
        let login_dialog_url = base_url(
            "login_dialog_url",
            pick(raw.login_dialog_url, "LEADBOX_RELAY_LOGIN_DIALOG_URL")
                .unwrap_or_else(|| DEFAULT_LOGIN_DIALOG_URL.into()),
        )?;
        let instagram_graph_url = base_url(
            "instagram_graph_url",
            pick(raw.instagram_graph_url, "LEADBOX_RELAY_INSTAGRAM_GRAPH_URL")
                .unwrap_or_else(|| DEFAULT_INSTAGRAM_GRAPH_URL.into()),
        )?;
        let route_claims = match env("LEADBOX_RELAY_ROUTE_CLAIMS") {
            Some(text) => text.parse().map_err(|reason| ConfigError::Invalid {
                field: "route_claims",
                reason,
            })?,
            None => raw.route_claims.unwrap_or_default(),
        };
        let signup = service::sign_up(raw.signup.take(), raw.signup_codes.take(), &env)?;
        let instagram = match (
            pick(raw.instagram_app_id, "LEADBOX_RELAY_INSTAGRAM_APP_ID"),
            pick(
                raw.instagram_app_secret,
                "LEADBOX_RELAY_INSTAGRAM_APP_SECRET",
            ),
        ) {
            (Some(app_id), Some(app_secret)) => Some(InstagramLoginConfig {
                app_id,
                app_secret,
                dialog_url: base_url(
                    "instagram_dialog_url",
                    pick(
                        raw.instagram_dialog_url,
                        "LEADBOX_RELAY_INSTAGRAM_DIALOG_URL",
                    )
                    .unwrap_or_else(|| DEFAULT_INSTAGRAM_DIALOG_URL.into()),
                )?,
                api_url: base_url(
                    "instagram_api_url",
                    pick(raw.instagram_api_url, "LEADBOX_RELAY_INSTAGRAM_API_URL")
                        .unwrap_or_else(|| DEFAULT_INSTAGRAM_API_URL.into()),
                )?,
                graph_url: instagram_graph_url.clone(),
            }),
            (None, None) => None,
            _ => {
                return Err(ConfigError::Invalid {
                    field: "instagram_app_id",
                    reason: "set both instagram_app_id and instagram_app_secret, or neither".into(),
                });
            }
        };
        let tls = match (
            env("LEADBOX_RELAY_TLS_CERT_PATH")
                .map(PathBuf::from)
                .or(raw.tls_cert_path),
            env("LEADBOX_RELAY_TLS_KEY_PATH")
                .map(PathBuf::from)
                .or(raw.tls_key_path),
        ) {
            (Some(cert_path), Some(key_path)) => Some(TlsFiles {
                cert_path,
                key_path,
            }),
            (None, None) => None,
            _ => {
                return Err(ConfigError::Invalid {
                    field: "tls_cert_path",
                    reason: "set both tls_cert_path and tls_key_path, or neither".into(),
                });
            }
        };
        Ok(RelayConfig {
            tls,
            limits,
            metrics_token,
            instagram,
            public_url,
            meta_app_id,
            graph_url,
            instagram_graph_url,
            route_claims,
            database_url,
            signup,
            login_dialog_url,
            listen,
            data_dir,
            meta_app_secret,
            meta_verify_token,
            max_body_bytes,
            envelope_ttl_days,
            max_queue_per_device,
        })
    }
}

#[cfg(test)]
mod tests;

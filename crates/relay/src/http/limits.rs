//! Request budgets: per client address for the device API and the website
//! chat (tower_governor), and per visitor session for chat messages (governor).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::response::IntoResponse as _;
use governor::middleware::NoOpMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower_governor::GovernorError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::{KeyExtractor, PeerIpKeyExtractor, SmartIpKeyExtractor};

use super::ApiFailure;
use crate::config::RateLimits;

/// The client's address: the peer, or what a trusted reverse proxy says it is.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress {
    trust_forwarded_for: bool,
}

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;

    fn name(&self) -> &'static str {
        "client address"
    }

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        // A proxy on this computer (the documented nginx and Caddy setups) is
        // trusted for the visitor's address even when the operator did not
        // set trust_forwarded_for: otherwise every visitor would share the
        // proxy's one budget, and one of them could exhaust it for all.
        let peer = PeerIpKeyExtractor.extract(request)?;
        if self.trust_forwarded_for || peer.is_loopback() {
            SmartIpKeyExtractor.extract(request)
        } else {
            Ok(peer)
        }
    }
}

pub type AddressBudget = Arc<GovernorConfig<ClientAddress, NoOpMiddleware>>;

/// Every budget the relay enforces, kept so housekeeping can forget idle clients.
#[derive(Debug)]
pub struct Budgets {
    pub device: AddressBudget,
    pub widget: AddressBudget,
    /// Keyed by the session reference.
    pub widget_session: DefaultKeyedRateLimiter<String>,
    /// How budgets tell clients apart (for handlers that count by address).
    pub client_address: ClientAddress,
    /// Chat messages per site, whoever writes: a flood through many
    /// addresses still stops at the site's budget.
    pub widget_site: DefaultKeyedRateLimiter<String>,
    /// New chat sessions per client address: leaving out (or inventing) a
    /// session id does not escape the per-visitor budget.
    pub widget_new_session: DefaultKeyedRateLimiter<IpAddr>,
    /// Businesses created from one address (sign-up on a relay service).
    pub sign_up: DefaultKeyedRateLimiter<IpAddr>,
    /// Webhook entries per business (fair intake; per instance), when the
    /// operator set `business_entries_per_minute`.
    pub business_entries: Option<DefaultKeyedRateLimiter<String>>,
    /// Envelopes dropped over quota per device, not yet added to its lost
    /// count (written once a second by `flush_over_quota`).
    over_quota: std::sync::Mutex<std::collections::HashMap<String, u64>>,
    /// `business_max_stored_bytes`, and this instance's running estimate of
    /// each business's waiting bytes: what it stored since the last recount,
    /// which housekeeping takes from the database every minute.
    max_stored_bytes: Option<u64>,
    stored_bytes: std::sync::Mutex<std::collections::HashMap<String, u64>>,
}

/// Sign-ups one address may make per hour.
pub const SIGN_UPS_PER_HOUR: u32 = 5;

/// Messages a site accepts per minute, from all its visitors together.
pub const SITE_MESSAGES_PER_MINUTE: u32 = 300;

fn one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

fn address_budget(extractor: ClientAddress, every: Duration, burst: u32) -> AddressBudget {
    let mut builder = GovernorConfigBuilder::default().key_extractor(extractor);
    builder
        .period(every.max(Duration::from_nanos(1)))
        .burst_size(burst.max(1));
    // `finish` refuses only a zero period or burst, which the lines above rule out.
    Arc::new(builder.finish().unwrap_or_else(|| {
        unreachable!("a rate limit with a non-zero period and burst is always valid")
    }))
}

impl Budgets {
    pub fn new(limits: &RateLimits) -> Self {
        let extractor = ClientAddress {
            trust_forwarded_for: limits.trust_forwarded_for,
        };
        let device_rate = limits.device_requests_per_second.max(1);
        let widget_rate = limits.widget_requests_per_minute.max(1);
        Budgets {
            client_address: extractor,
            // Bursts of five seconds' worth: a desktop catching up acks page after page.
            device: address_budget(
                extractor,
                Duration::from_secs(1) / device_rate,
                device_rate.saturating_mul(5),
            ),
            widget: address_budget(
                extractor,
                Duration::from_secs(60) / widget_rate,
                widget_rate,
            ),
            widget_session: RateLimiter::keyed(Quota::per_minute(one(
                limits.widget_messages_per_minute
            ))),
            widget_site: RateLimiter::keyed(Quota::per_minute(one(SITE_MESSAGES_PER_MINUTE))),
            widget_new_session: RateLimiter::keyed(Quota::per_minute(one(
                limits.widget_messages_per_minute
            ))),
            sign_up: RateLimiter::keyed(Quota::per_hour(one(SIGN_UPS_PER_HOUR))),
            business_entries: limits
                .business_entries_per_minute
                .map(|n| RateLimiter::keyed(Quota::per_minute(one(n)))),
            over_quota: std::sync::Mutex::default(),
            max_stored_bytes: limits.business_max_stored_bytes,
            stored_bytes: std::sync::Mutex::default(),
        }
    }

    /// Drops the state of clients that have a full budget again.
    pub fn forget_idle(&self) {
        self.device.limiter().retain_recent();
        self.widget.limiter().retain_recent();
        self.widget_session.retain_recent();
        self.widget_site.retain_recent();
        self.widget_new_session.retain_recent();
        self.sign_up.retain_recent();
        if let Some(business_entries) = &self.business_entries {
            business_entries.retain_recent();
        }
    }

    /// Whether a business may receive one more webhook entry now.
    pub fn business_entry(&self, business_id: &str) -> bool {
        self.business_entries
            .as_ref()
            .is_none_or(|budget| budget.check_key(&business_id.to_owned()).is_ok())
    }

    /// Whether a business has room for `bytes` more under its stored-bytes quota.
    pub fn business_has_room(&self, business_id: &str, bytes: u64) -> bool {
        let Some(max) = self.max_stored_bytes else {
            return true;
        };
        let stored = self.stored_bytes.lock().unwrap_or_else(|p| p.into_inner());
        stored
            .get(business_id)
            .copied()
            .unwrap_or(0)
            .saturating_add(bytes)
            <= max
    }

    pub fn stored(&self, business_id: &str, bytes: u64) {
        if self.max_stored_bytes.is_some() {
            let mut stored = self.stored_bytes.lock().unwrap_or_else(|p| p.into_inner());
            *stored.entry(business_id.to_owned()).or_default() += bytes;
        }
    }

    /// Whether the stored-bytes quota is on (housekeeping then recounts).
    pub fn counts_stored_bytes(&self) -> bool {
        self.max_stored_bytes.is_some()
    }

    /// The recount from the database (acknowledged envelopes are gone).
    pub fn replace_stored(&self, counts: impl Iterator<Item = (String, u64)>) {
        let mut stored = self.stored_bytes.lock().unwrap_or_else(|p| p.into_inner());
        *stored = counts.collect();
    }

    /// One envelope each of these devices did not get (over quota).
    pub fn over_quota_lost(&self, devices: impl Iterator<Item = String>) {
        let mut lost = self.over_quota.lock().unwrap_or_else(|p| p.into_inner());
        for device in devices {
            *lost.entry(device).or_default() += 1;
        }
    }

    /// What was dropped over quota since the last call, per device.
    pub fn take_over_quota_lost(&self) -> Vec<(String, u64)> {
        let mut lost = self.over_quota.lock().unwrap_or_else(|p| p.into_inner());
        lost.drain().collect()
    }

    pub fn sign_up(&self, client: IpAddr) -> Result<(), ApiFailure> {
        self.sign_up.check_key(&client).map_err(|_| {
            ApiFailure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many sign-ups from this address; try again in an hour",
            )
        })
    }

    /// Whether a session may send another message now.
    pub fn session_message(&self, session_reference: &str) -> Result<(), ApiFailure> {
        self.widget_session
            .check_key(&session_reference.to_owned())
            .map_err(|_| too_fast())
    }

    pub fn site_message(&self, site_id: &str) -> Result<(), ApiFailure> {
        self.widget_site
            .check_key(&site_id.to_owned())
            .map_err(|_| too_fast())
    }

    pub fn new_session(&self, client: IpAddr) -> Result<(), ApiFailure> {
        self.widget_new_session
            .check_key(&client)
            .map_err(|_| too_fast())
    }
}

fn too_fast() -> ApiFailure {
    ApiFailure::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "you are sending messages very fast; wait a minute and try again",
    )
}

impl ClientAddress {
    /// The same address the per-address budgets count, for a handler that
    /// has the peer and the headers.
    pub fn of(&self, peer: std::net::SocketAddr, headers: &axum::http::HeaderMap) -> IpAddr {
        let mut request = Request::new(());
        *request.headers_mut() = headers.clone();
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.extract(&request).unwrap_or(peer.ip())
    }
}

/// A refused request as the API's usual JSON error, with `Retry-After`.
pub fn refused(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let mut response = ApiFailure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests from this address; try again in {wait_time} s"),
            )
            .into_response();
            if let Ok(value) = wait_time.to_string().parse() {
                response.headers_mut().insert("retry-after", value);
            }
            response
        }
        GovernorError::UnableToExtractKey | GovernorError::Other { .. } => {
            tracing::error!("rate limiter could not tell the client's address");
            ApiFailure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the relay could not complete the request; try again",
            )
            .into_response()
        }
    }
}

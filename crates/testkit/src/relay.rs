//! A real relay on loopback, with the settings tests and benchmarks start
//! from: SQLite in a temporary folder, accounts claimed without proof (a
//! test about proof says so), Meta's addresses unless told otherwise.

use leadbox_relay::config::{RateLimits, RouteClaims, SignUp};
use leadbox_relay::{RelayConfig, SharedState};

use crate::signing::meta_signature;

/// The Meta app secret a test relay checks webhook signatures with.
pub const APP_SECRET: &str = "testkit-app-secret";

/// The relay settings a test starts from, storing in `data_dir`.
pub fn relay_config(data_dir: &std::path::Path) -> RelayConfig {
    RelayConfig {
        listen: "127.0.0.1:0".parse().unwrap_or_else(|_| unreachable!()),
        data_dir: data_dir.to_owned(),
        meta_app_secret: APP_SECRET.into(),
        meta_verify_token: "verify-me".into(),
        max_body_bytes: 1 << 20,
        envelope_ttl_days: 14,
        max_queue_per_device: 10_000,
        tls: None,
        limits: RateLimits::default(),
        public_url: None,
        meta_app_id: None,
        graph_url: leadbox_relay::config::DEFAULT_GRAPH_URL.into(),
        instagram_graph_url: leadbox_relay::config::DEFAULT_INSTAGRAM_GRAPH_URL.into(),
        route_claims: RouteClaims::FirstClaim,
        database_url: None,
        signup: SignUp::Closed,
        login_dialog_url: leadbox_relay::config::DEFAULT_LOGIN_DIALOG_URL.into(),
        instagram: None,
        metrics_token: None,
    }
}

/// A relay serving on loopback until dropped.
#[derive(Debug)]
pub struct TestRelay {
    pub url: String,
    pub state: SharedState,
    app_secret: String,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestRelay {
    /// Starts a relay with [`relay_config`] as changed by `configure`.
    pub async fn start(configure: impl FnOnce(&mut RelayConfig)) -> TestRelay {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut config = relay_config(dir.path());
        configure(&mut config);
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let app_secret = config.meta_app_secret.clone();
        let state = leadbox_relay::prepare(config)
            .await
            .expect("the relay starts");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(leadbox_relay::serve(listener, state.clone(), async move {
            let _ = stopped.await;
        }));
        TestRelay {
            url,
            state,
            app_secret,
            http: reqwest::Client::new(),
            _dir: dir,
            _stop: stop,
        }
    }

    /// A single-use invite for a new business called `business`.
    pub async fn invite(&self, business: &str) -> String {
        self.state
            .store
            .create_invite(business, leadbox_relay::store::unix_now())
            .await
            .expect("an invite")
    }

    /// Posts `body` to the webhook endpoint signed as Meta signs it; returns
    /// the status the relay answered.
    pub async fn post_webhook(&self, body: &[u8]) -> u16 {
        self.http
            .post(format!("{}/webhooks/meta", self.url))
            .header(
                "X-Hub-Signature-256",
                meta_signature(&self.app_secret, body),
            )
            .body(body.to_vec())
            .send()
            .await
            .expect("the relay answers")
            .status()
            .as_u16()
    }
}

//! The relay's built-in HTTPS, served on loopback with a self-signed certificate.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod support;

use leadbox_relay::config::TlsFiles;
use support::start_configured;

#[tokio::test]
async fn the_relay_speaks_https_with_the_configured_certificate_and_refuses_plain_http() {
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let files = TlsFiles {
        cert_path: dir.path().join("fullchain.pem"),
        key_path: dir.path().join("privkey.pem"),
    };
    std::fs::write(&files.cert_path, generated.cert.pem()).unwrap();
    std::fs::write(&files.key_path, generated.signing_key.serialize_pem()).unwrap();
    let relay = start_configured(|config| config.tls = Some(files)).await;
    let port = relay.url.rsplit(':').next().unwrap().to_owned();

    let trusting = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(generated.cert.pem().as_bytes()).unwrap(),
        )
        .build()
        .unwrap();
    let health = trusting
        .get(format!("https://localhost:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");

    // A client that does not trust the certificate gets no answer.
    assert!(
        reqwest::Client::new()
            .get(format!("https://localhost:{port}/healthz"))
            .send()
            .await
            .is_err()
    );
    // Nor does plain HTTP on the HTTPS port.
    assert!(
        reqwest::Client::new()
            .get(format!("http://localhost:{port}/healthz"))
            .timeout(std::time::Duration::from_secs(15))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_relay_with_an_unreadable_certificate_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = {
        let mut config = leadbox_relay::RelayConfig::load(None, |var| match var {
            "LEADBOX_RELAY_DATA_DIR" => Some(dir.path().display().to_string()),
            "LEADBOX_RELAY_META_APP_SECRET" | "LEADBOX_RELAY_META_VERIFY_TOKEN" => Some("x".into()),
            _ => None,
        })
        .unwrap();
        config.tls = Some(TlsFiles {
            cert_path: dir.path().join("missing.pem"),
            key_path: dir.path().join("missing-key.pem"),
        });
        config
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let state = leadbox_relay::prepare(config).await.unwrap();
    let error = leadbox_relay::serve(listener, state, std::future::pending())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("missing.pem"), "{error}");
}

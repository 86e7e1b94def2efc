//! Tests of `config`.

use super::*;
use std::collections::HashMap;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    move |k| map.get(k).cloned()
}

fn write(text: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file
}

#[test]
fn file_values_are_read_and_env_overrides_them() {
    let file = write(
        "listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/relay\"\nmeta_app_secret = \"s\"\nmeta_verify_token = \"t\"\n",
    );
    let config = RelayConfig::load(
        Some(file.path()),
        env_of(&[("LEADBOX_RELAY_META_VERIFY_TOKEN", "from-env")]),
    )
    .unwrap();
    assert_eq!(config.listen.port(), 9000);
    assert_eq!(config.data_dir, PathBuf::from("/srv/relay"));
    assert_eq!(config.meta_verify_token, "from-env");
    assert_eq!(config.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
}

#[test]
fn missing_secret_names_the_field_and_the_variable() {
    let file = write("data_dir = \"/srv\"\nmeta_verify_token = \"t\"\n");
    let error = RelayConfig::load(Some(file.path()), env_of(&[])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "meta_app_secret is not set: put it in the config file or set LEADBOX_RELAY_META_APP_SECRET"
    );
}

#[test]
fn unknown_keys_and_bad_addresses_are_refused() {
    let file = write("listne = \"x\"\n");
    assert!(matches!(
        RelayConfig::load(Some(file.path()), env_of(&[])),
        Err(ConfigError::Syntax { .. })
    ));
    let env = env_of(&[
        ("LEADBOX_RELAY_LISTEN", "localhost"),
        ("LEADBOX_RELAY_DATA_DIR", "/d"),
        ("LEADBOX_RELAY_META_APP_SECRET", "s"),
        ("LEADBOX_RELAY_META_VERIFY_TOKEN", "t"),
    ]);
    assert!(matches!(
        RelayConfig::load(None, env),
        Err(ConfigError::Invalid {
            field: "listen",
            ..
        })
    ));
}

#[test]
fn login_settings_default_to_meta_and_urls_are_checked() {
    let base = [
        ("LEADBOX_RELAY_DATA_DIR", "/d"),
        ("LEADBOX_RELAY_META_APP_SECRET", "s"),
        ("LEADBOX_RELAY_META_VERIFY_TOKEN", "t"),
    ];
    let config = RelayConfig::load(None, env_of(&base)).unwrap();
    assert_eq!(config.graph_url, DEFAULT_GRAPH_URL);
    assert_eq!(config.meta_app_id, None);
    let mut with_urls = base.to_vec();
    with_urls.push(("LEADBOX_RELAY_PUBLIC_URL", "https://relay.example.com/"));
    with_urls.push(("LEADBOX_RELAY_META_APP_ID", "1234"));
    let config = RelayConfig::load(None, env_of(&with_urls)).unwrap();
    assert_eq!(
        config.public_url.as_deref(),
        Some("https://relay.example.com")
    );
    assert_eq!(config.meta_app_id.as_deref(), Some("1234"));
    let mut bad = base.to_vec();
    bad.push(("LEADBOX_RELAY_PUBLIC_URL", "relay.example.com"));
    assert!(matches!(
        RelayConfig::load(None, env_of(&bad)),
        Err(ConfigError::Invalid {
            field: "public_url",
            ..
        })
    ));
}

#[test]
fn debug_output_hides_the_secrets() {
    let env = env_of(&[
        ("LEADBOX_RELAY_DATA_DIR", "/d"),
        ("LEADBOX_RELAY_META_APP_SECRET", "app-secret-value"),
        ("LEADBOX_RELAY_META_VERIFY_TOKEN", "verify-token-value"),
    ]);
    let shown = format!("{:?}", RelayConfig::load(None, env).unwrap());
    assert!(!shown.contains("app-secret-value") && !shown.contains("verify-token-value"));
}

#[test]
fn tls_needs_both_files_and_limits_must_be_positive() {
    let base = [
        ("LEADBOX_RELAY_DATA_DIR", "/d"),
        ("LEADBOX_RELAY_META_APP_SECRET", "s"),
        ("LEADBOX_RELAY_META_VERIFY_TOKEN", "t"),
    ];
    let file = write(
        "tls_cert_path = \"/etc/relay/fullchain.pem\"\ntls_key_path = \"/etc/relay/privkey.pem\"\nwidget_messages_per_minute = 4\ntrust_forwarded_for = true\n",
    );
    let config = RelayConfig::load(Some(file.path()), env_of(&base)).unwrap();
    assert_eq!(
        config.tls,
        Some(TlsFiles {
            cert_path: "/etc/relay/fullchain.pem".into(),
            key_path: "/etc/relay/privkey.pem".into(),
        })
    );
    assert_eq!(config.limits.widget_messages_per_minute, 4);
    assert!(config.limits.trust_forwarded_for);
    assert_eq!(
        config.limits.device_requests_per_second,
        DEFAULT_DEVICE_REQUESTS_PER_SECOND
    );

    let half = write("tls_cert_path = \"/etc/relay/fullchain.pem\"\n");
    assert!(matches!(
        RelayConfig::load(Some(half.path()), env_of(&base)),
        Err(ConfigError::Invalid {
            field: "tls_cert_path",
            ..
        })
    ));
    let mut zero = base.to_vec();
    zero.push(("LEADBOX_RELAY_WIDGET_REQUESTS_PER_MINUTE", "0"));
    assert!(matches!(
        RelayConfig::load(None, env_of(&zero)),
        Err(ConfigError::Invalid {
            field: "widget_requests_per_minute",
            ..
        })
    ));
}

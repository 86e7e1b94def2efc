//! Whole-system tests: the real relay binary, the real CLI, the real OS keychain
//! (a private GNOME Keyring) and a real SQLCipher vault.

#![allow(clippy::unwrap_used)] // Test support code: a failed unwrap is a failed test.

mod data_controls;
mod drafting;
mod faults;
mod service;
mod support;

use support::{Desk, Relay, VERIFY_TOKEN, fake_http, instagram_dm, require_keychain, sign};

#[test]
fn an_instagram_dm_travels_from_a_signed_webhook_to_the_vault() {
    require_keychain();
    let relay = Relay::start();
    let desk = Desk::new();
    desk.pair_and_claim(&relay, "Ana's Salon", "17841400000000001");

    let body = instagram_dm(
        "17841400000000001",
        "5550001",
        "mid.1",
        r"Hola! \u00bfCu\u00e1nto cuesta un corte? http:\/\/ana.example",
    );
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    let synced = desk.ok(&["sync", "--once"]);
    assert!(synced.contains("1 new message(s)"), "{synced}");

    let conversations = desk.conversations();
    assert_eq!(conversations.len(), 1);
    let conversation = &conversations[0];
    assert_eq!(conversation["platform"], "instagram");
    assert_eq!(conversation["contact_id"], "5550001");
    assert_eq!(
        conversation["last_message_text"],
        "Hola! ¿Cuánto cuesta un corte? http://ana.example"
    );
    assert_eq!(conversation["unread_count"], 1);
    assert_eq!(
        relay.metric("leadbox_queue_depth"),
        0,
        "acknowledged envelopes are deleted at the relay"
    );
}

#[test]
fn a_wrongly_signed_webhook_is_refused_and_stores_nothing() {
    require_keychain();
    let relay = Relay::start();
    let desk = Desk::new();
    desk.pair_and_claim(&relay, "Salon", "1784");
    let body = instagram_dm("1784", "u1", "mid.1", "hi");
    let forged = sign(b"something else");
    assert_eq!(relay.post_webhook(&body, Some(&forged)), 403);
    assert_eq!(relay.post_webhook(&body, None), 401);
    assert_eq!(relay.metric("leadbox_queue_depth"), 0);
    desk.ok(&["sync", "--once"]);
    assert!(desk.conversations().is_empty());
}

#[test]
fn the_same_webhook_delivered_twice_gives_one_message() {
    require_keychain();
    let relay = Relay::start();
    let desk = Desk::new();
    desk.pair_and_claim(&relay, "Salon", "1784");
    let body = instagram_dm("1784", "u1", "mid.dup", "Is Saturday free?");
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    let synced = desk.ok(&["sync", "--once"]);
    assert!(
        synced.contains("1 new message(s), 1 duplicate(s)"),
        "{synced}"
    );
    // And once more after a later sync: still one.
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    desk.ok(&["sync", "--once"]);
    let conversations = desk.conversations();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0]["unread_count"], 1);
}

#[test]
fn an_entry_for_an_unclaimed_account_is_counted_and_dropped() {
    require_keychain();
    let relay = Relay::start();
    let desk = Desk::new();
    desk.pair_and_claim(&relay, "Salon", "1784");
    let body = instagram_dm("424242", "u1", "mid.1", "not for us");
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    assert_eq!(relay.metric("leadbox_entries_unrouted_total"), 1);
    assert_eq!(relay.metric("leadbox_queue_depth"), 0);
    desk.ok(&["sync", "--once"]);
    assert!(desk.conversations().is_empty());
}

#[test]
fn signed_unreadable_webhooks_are_answered_200_and_oversized_ones_refused() {
    require_keychain();
    let relay = Relay::start();
    // Meta disables a subscription that keeps failing: a signed body Leadbox
    // cannot read is counted and dropped, never refused.
    let malformed = b"{\"object\": \"instagram\", \"entry\": [{]".to_vec();
    assert_eq!(relay.post_webhook(&malformed, Some(&sign(&malformed))), 200);
    assert_eq!(
        relay.metric("leadbox_webhook_parts_ignored_total{object=\"unreadable\",field=\"json\"}"),
        1
    );
    assert_eq!(relay.post_webhook(&malformed, Some("sha256=00")), 403);
    let oversized = instagram_dm("1784", "u1", "mid.1", &"a".repeat(70_000));
    assert_eq!(relay.post_webhook(&oversized, Some(&sign(&oversized))), 413);
    assert_eq!(
        relay.metric("leadbox_webhooks_rejected_total{reason=\"too_large\"}"),
        1
    );
}

#[test]
fn with_the_relay_down_the_cli_keeps_its_local_data() {
    require_keychain();
    let mut relay = Relay::start();
    let desk = Desk::new();
    desk.pair_and_claim(&relay, "Salon", "1784");
    let body = instagram_dm("1784", "u1", "mid.1", "hello");
    relay.post_webhook(&body, Some(&sign(&body)));
    desk.ok(&["sync", "--once"]);
    relay.stop();

    let failed = desk.run(&["sync", "--once"]);
    assert!(!failed.status.success());
    let message = String::from_utf8_lossy(&failed.stderr);
    assert!(message.contains("cannot reach the relay"), "{message}");
    assert_eq!(desk.conversations().len(), 1, "local data is still there");
}

#[test]
fn another_business_cannot_claim_a_claimed_account() {
    require_keychain();
    let relay = Relay::start();
    let salon = Desk::new();
    salon.pair_and_claim(&relay, "Salon", "1784");
    let rival = Desk::new();
    let invite = relay.invite("Rival");
    rival.ok(&["pair", "--relay", &relay.url, "--invite", &invite]);
    let claim = rival.run(&["claim", "--platform", "instagram", "--account-id", "1784"]);
    assert!(!claim.status.success());
    assert!(String::from_utf8_lossy(&claim.stderr).contains("already claimed"));
    // An invite works once.
    let reuse = Desk::new().run(&["pair", "--relay", &relay.url, "--invite", &invite]);
    assert!(
        String::from_utf8_lossy(&reuse.stderr)
            .contains("invite code is unknown, already used or expired")
    );
}

/// The relay binary as shipped asks for proof of control: the CLI gives the
/// account's token (from the environment), the relay checks it once with
/// the Graph API, and an account moves to another business only with proof.
#[test]
fn the_cli_proves_control_of_an_account_and_a_move_reaches_the_first_business() {
    require_keychain();
    // Meta's `/me` for a page token: page PAGE1 for the right token, another page otherwise.
    let (graph, asked) = fake_http(|request_line, _| {
        if request_line.contains("access_token=PAGE1-TOKEN") {
            r#"{"id": "PAGE1"}"#.into()
        } else {
            r#"{"id": "PAGE-ELSE"}"#.into()
        }
    });
    let relay = Relay::start_with(&format!("graph_url = \"{graph}/v21.0\"\n"), None);
    let salon = Desk::new();
    let invite = relay.invite("Salon");
    salon.ok(&["pair", "--relay", &relay.url, "--invite", &invite]);
    let claim = ["claim", "--platform", "messenger", "--account-id", "PAGE1"];

    let unproven = salon.run(&claim);
    assert!(!unproven.status.success());
    assert!(
        String::from_utf8_lossy(&unproven.stderr).contains("proves it controls"),
        "{}",
        String::from_utf8_lossy(&unproven.stderr)
    );
    let wrong = salon.run_with_env(&claim, &[("LEADBOX_ACCOUNT_TOKEN", "SOMEONE-ELSES")]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("PAGE-ELSE"));
    let proven = salon.run_with_env(&claim, &[("LEADBOX_ACCOUNT_TOKEN", "PAGE1-TOKEN")]);
    assert!(
        proven.status.success(),
        "{}",
        String::from_utf8_lossy(&proven.stderr)
    );
    // The relay asked Meta with the app's appsecret_proof.
    assert!(
        asked.lock().unwrap().iter().any(
            |(line, _)| line.starts_with("GET /v21.0/me?") && line.contains("appsecret_proof=")
        )
    );

    let rival = Desk::new();
    let invite = relay.invite("Rival");
    rival.ok(&["pair", "--relay", &relay.url, "--invite", &invite]);
    let taken = rival.run(&claim);
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already claimed"));
    let moved = rival.run_with_env(&claim, &[("LEADBOX_ACCOUNT_TOKEN", "PAGE1-TOKEN")]);
    assert!(
        moved.status.success(),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );

    salon.ok(&["sync", "--once"]);
    let accounts = salon.ok(&["accounts", "list"]);
    assert!(
        accounts.contains("Another business on your relay proved that it controls this account"),
        "{accounts}"
    );
}

/// Sign-up on a relay service from the CLI: no invite, the business is new
/// and this computer owns it; a taken name is refused.
#[test]
fn the_cli_signs_up_at_a_relay_service() {
    require_keychain();
    let relay = Relay::start_with(
        "route_claims = \"first_claim\"\nsignup = \"code\"\nsignup_codes = [\"spring-2026-code\"]\n",
        None,
    );
    let salon = Desk::new();
    let refused = salon.run(&[
        "signup",
        "--relay",
        &relay.url,
        "--business",
        "Ana's Salon",
        "--code",
        "guess",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("sign-up code"));
    let said = salon.ok(&[
        "signup",
        "--relay",
        &relay.url,
        "--business",
        "Ana's Salon",
        "--code",
        "spring-2026-code",
    ]);
    assert!(said.contains("Ana's Salon is yours"), "{said}");
    salon.ok(&["claim", "--platform", "instagram", "--account-id", "1784"]);
    let body = instagram_dm("1784", "lead-1", "m1", "hello");
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    salon.ok(&["sync", "--once"]);
    assert_eq!(salon.conversations().len(), 1);
    let rival = Desk::new();
    let taken = rival.run(&[
        "signup",
        "--relay",
        &relay.url,
        "--business",
        "Ana's Salon",
        "--code",
        "spring-2026-code",
    ]);
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already exists"));

    // The owner invites a second computer itself: no operator needed.
    let invited = salon.ok(&["invite"]);
    let code = invited.lines().next().unwrap().trim().to_owned();
    let laptop = Desk::new();
    let paired = laptop.ok(&["pair", "--relay", &relay.url, "--invite", &code]);
    assert!(paired.contains("Ana's Salon"), "{paired}");
    let body = instagram_dm("1784", "lead-1", "m2", "for both computers");
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    laptop.ok(&["sync", "--once"]);
    assert_eq!(laptop.conversations().len(), 1);
    // Only the owner invites.
    let refused = laptop.run(&["invite"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("owner"));
}

/// The operator's commands on the shipped binary: counts, suspension, deletion.
#[test]
fn the_operator_lists_suspends_and_deletes_businesses() {
    require_keychain();
    let relay = Relay::start();
    let salon = Desk::new();
    salon.pair_and_claim(&relay, "Ana's Salon", "1784");
    let body = instagram_dm("1784", "lead-1", "m1", "hello");
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    let operator = |args: &[&str]| {
        let output = std::process::Command::new(support::binary("leadbox-relay"))
            .arg("--config")
            .arg(relay.dir().join("relay.toml"))
            .args(args)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (ok, listed) = operator(&["businesses", "list", "--json"]);
    assert!(ok);
    let business: serde_json::Value = serde_json::from_str(listed.trim()).unwrap();
    assert_eq!(business["name"], "Ana's Salon");
    assert_eq!(
        (business["devices"].as_u64(), business["accounts"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(business["envelopes"].as_u64(), Some(1));
    assert!(!listed.contains("hello"), "counts, never content");

    assert!(operator(&["businesses", "suspend", "Ana's Salon"]).0);
    let refused = salon.run(&["sync", "--once"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("suspended"));
    assert!(operator(&["businesses", "resume", "Ana's Salon"]).0);
    salon.ok(&["sync", "--once"]);

    let id = business["business_id"].as_str().unwrap();
    let (ok, said) = operator(&["businesses", "delete", id, "--yes"]);
    assert!(ok, "{said}");
    let (_, listed) = operator(&["businesses", "list"]);
    assert!(listed.trim().is_empty(), "{listed}");
    assert!(
        !salon.run(&["sync", "--once"]).status.success(),
        "its computers are gone"
    );
}

#[test]
fn the_verification_handshake_is_answered_by_the_binary() {
    let relay = Relay::start();
    let url = |token: &str| {
        format!(
            "{}/webhooks/meta?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=CHALLENGE_42",
            relay.url
        )
    };
    let ok = reqwest::blocking::get(url(VERIFY_TOKEN)).unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().unwrap(), "CHALLENGE_42");
    assert_eq!(reqwest::blocking::get(url("wrong")).unwrap().status(), 403);
}

#[test]
fn a_bad_relay_config_is_one_clear_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("relay.toml");
    std::fs::write(
        &config,
        "data_dir = \"/tmp/x\"\nmeta_verify_token = \"t\"\n",
    )
    .unwrap();
    let output = std::process::Command::new(support::binary("leadbox-relay"))
        .args(["--config", config.to_str().unwrap(), "serve"])
        .env_remove("LEADBOX_RELAY_META_APP_SECRET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("meta_app_secret is not set"));
}

#[test]
fn a_vault_whose_keychain_entry_is_gone_stays_closed_and_untouched() {
    require_keychain();
    let desk = Desk::new();
    desk.ok(&["init"]);
    let vault = desk.dir.path().join("leadbox.vault");
    let before = std::fs::read(&vault).unwrap();
    let id = std::fs::read_to_string(desk.dir.path().join("vault-id")).unwrap();
    let cleared = std::process::Command::new("secret-tool")
        .args([
            "clear",
            "service",
            "app.leadbox.desktop",
            "username",
            &format!("vault-key:{}", id.trim()),
        ])
        .status()
        .unwrap();
    assert!(cleared.success());
    let output = desk.run(&["conversations", "--json"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("recovery code"));
    assert_eq!(
        std::fs::read(&vault).unwrap(),
        before,
        "no new vault was written over it"
    );
}

#[test]
fn only_init_pair_and_restore_create_a_vault() {
    require_keychain();
    let parent = tempfile::tempdir().unwrap();
    let typo = parent.path().join("typo");
    let typo_arg = typo.to_str().unwrap();
    let backup = parent.path().join("backup.age");
    let export = parent.path().join("export");
    let commands: [&[&str]; 10] = [
        &["check"],
        &["conversations", "--json"],
        &["search", "ana"],
        &["export", "--out", export.to_str().unwrap()],
        &["drafts"],
        &["profile", "show"],
        &["retention", "show"],
        &["rekey"],
        &["sync", "--once"],
        &["unlock", "--recovery-code", &"ab".repeat(32)],
    ];
    for args in commands {
        let output = std::process::Command::new(support::binary("leadbox-cli"))
            .args(["--data-dir", typo_arg])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("no Leadbox"), "{args:?}: {stderr}");
        assert!(!stderr.contains("recovery code"), "{args:?}: {stderr}");
        // A vault is made folder first, key second: no folder, no key.
        assert!(!typo.exists(), "{args:?} created {typo_arg}");
    }
    let backup_run = Desk {
        dir: tempfile::tempdir_in(parent.path()).unwrap(),
    };
    let output = backup_run.run_with_input(
        &["backup", "--out", backup.to_str().unwrap()],
        "a long passphrase\na long passphrase\n",
    );
    assert!(!output.status.success());
    assert!(!backup.exists(), "no backup of nothing was written");
    assert!(
        !backup_run.dir.path().join("leadbox.vault").exists(),
        "backup created no vault"
    );

    let desk = Desk::new();
    let created = desk.run(&["init"]);
    assert!(created.status.success());
    assert!(String::from_utf8_lossy(&created.stderr).contains("recovery code"));
    assert!(desk.dir.path().join("leadbox.vault").exists());
    let vault = std::fs::read(desk.dir.path().join("leadbox.vault")).unwrap();
    let again = desk.run(&["init"]);
    assert!(!again.status.success(), "a second init is refused");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a Leadbox vault"));
    assert_eq!(
        std::fs::read(desk.dir.path().join("leadbox.vault")).unwrap(),
        vault
    );
    desk.ok(&["check"]);
}

//! The owner's data controls through the real CLI and keychain: backup and
//! restore, erasure, export, and a purge killed part-way.

use std::time::Duration;

use crate::support::{Desk, Relay, binary, require_keychain, sign};

const ACCOUNT: &str = "17841400000000077";

/// One webhook carrying `count` DMs from different people, sent at `at_ms`.
fn many_dms(first_sender: usize, count: usize, at_ms: i64) -> Vec<u8> {
    let messaging: Vec<String> = (first_sender..first_sender + count)
        .map(|n| {
            format!(
                r#"{{"sender":{{"id":"sender-{n}"}},"recipient":{{"id":"{ACCOUNT}"}},"timestamp":{at_ms},"message":{{"mid":"mid.{n}","text":"Hello from person {n}, do you have time on Friday?"}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"object":"instagram","entry":[{{"id":"{ACCOUNT}","time":{at_ms},"messaging":[{}]}}]}}"#,
        messaging.join(",")
    )
    .into_bytes()
}

fn desk_with_messages(relay: &Relay, batches: usize, per_batch: usize, at_ms: i64) -> Desk {
    let desk = Desk::new();
    desk.pair_and_claim(relay, "Data Co", ACCOUNT);
    for batch in 0..batches {
        let body = many_dms(batch * per_batch, per_batch, at_ms);
        assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    }
    desk.ok(&["sync", "--once"]);
    desk
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

#[test]
fn a_backup_restores_into_a_new_data_folder_with_identical_conversations() {
    require_keychain();
    let relay = Relay::start();
    let desk = desk_with_messages(&relay, 1, 3, now_ms());
    let file = desk.dir.path().join("leadbox.backup");
    let file_arg = file.to_str().unwrap();
    let backup = desk.run_with_input(&["backup", "--out", file_arg], "a long passphrase\n");
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );

    let fresh = Desk::new();
    let wrong = fresh.run_with_input(&["restore", "--from", file_arg], "not the passphrase\n");
    assert!(!wrong.status.success());
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("passphrase does not open this backup"),
        "{stderr}"
    );

    let restored = fresh.run_with_input(&["restore", "--from", file_arg], "a long passphrase\n");
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(String::from_utf8_lossy(&restored.stdout).contains("recovery code"));
    assert_eq!(fresh.conversations(), desk.conversations());
    assert_eq!(fresh.conversations().len(), 3);
}

#[test]
fn erasing_a_person_removes_them_and_the_export_no_longer_holds_them() {
    require_keychain();
    let relay = Relay::start();
    let desk = desk_with_messages(&relay, 1, 3, now_ms());
    let refused = desk.run_with_input(&["erase", "--contact", "instagram:sender-1"], "no\n");
    assert!(!refused.status.success(), "erasure needs confirmation");
    assert_eq!(desk.conversations().len(), 3);

    let erased = desk.run_with_input(&["erase", "--contact", "instagram:sender-1"], "erase\n");
    assert!(
        erased.status.success(),
        "{}",
        String::from_utf8_lossy(&erased.stderr)
    );
    let said = String::from_utf8_lossy(&erased.stdout);
    assert!(
        said.contains("Confirmation code ER-") && said.contains("1 contact(s)"),
        "{said}"
    );
    assert_eq!(desk.conversations().len(), 2);
    let found = desk.ok(&["search", "person 1"]);
    assert!(found.trim().is_empty(), "erased text is not found: {found}");
    let found = desk.ok(&["search", "person 2"]);
    assert!(found.contains("[person] [2]"), "{found}");

    let out = desk.dir.path().join("export");
    desk.ok(&["export", "--format", "json", "--out", out.to_str().unwrap()]);
    let messages = std::fs::read_to_string(out.join("messages.jsonl")).unwrap();
    assert_eq!(messages.lines().count(), 2);
    assert!(!messages.contains("person 1,"));
    assert!(messages.contains("person 2,"));

    let again = desk.run(&["erase", "--contact", "instagram:sender-1", "--yes"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("nobody in the vault matches"));
}

#[test]
fn a_purge_killed_at_random_moments_leaves_a_sound_vault() {
    require_keychain();
    let relay = Relay::start();
    // Old enough for the default 90-day policy to delete every conversation.
    let desk = desk_with_messages(&relay, 20, 200, now_ms() - 200 * 86_400_000);
    assert_eq!(desk.conversations().len(), 4000);
    let mut last = 4000;
    let delays = [30u64, 230, 300, 380, 500, 700];
    for delay in delays {
        let mut purge = std::process::Command::new(binary("leadbox-cli"))
            .arg("--data-dir")
            .arg(desk.dir.path())
            .args(["retention", "run"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        purge.kill().unwrap(); // SIGKILL on Unix
        purge.wait().unwrap();
        let checked = desk.ok(&["check"]);
        assert!(checked.contains("intact"), "{checked}");
        let left = desk.conversations().len();
        eprintln!("after a kill at {delay} ms: {left} conversation(s) left");
        assert!(
            left <= last,
            "conversations never come back ({left} > {last})"
        );
        last = left;
    }
    desk.ok(&["retention", "run"]);
    assert!(desk.conversations().is_empty());
    assert!(desk.ok(&["check"]).contains("intact"));
}

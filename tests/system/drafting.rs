//! Drafting through the real CLI: a lead's message becomes a draft from the
//! business profile; only the owner's approval turns it into a reply.

use std::io::Write as _;

use crate::support::{Desk, Relay, fake_http, instagram_dm, require_keychain, sign};

pub(crate) fn profile_file(desk: &Desk) -> String {
    let path = desk.dir.path().join("profile.toml");
    std::fs::write(&path, include_str!("../../docs/profile.example.toml")).unwrap();
    path.to_str().unwrap().to_owned()
}

fn drafts(desk: &Desk, all: bool) -> Vec<serde_json::Value> {
    let args: &[&str] = if all {
        &["drafts", "--json", "--all"]
    } else {
        &["drafts", "--json"]
    };
    desk.ok(args)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_lead_message_gets_an_offline_draft_that_waits_for_approval() {
    require_keychain();
    let relay = Relay::start();
    let desk = Desk::new();
    desk.pair_and_claim(&relay, "Ana's Salon", "1784");
    desk.ok(&["profile", "import", "--file", &profile_file(&desk)]);

    let body = instagram_dm(
        "1784",
        "u1",
        "mid.1",
        r"Hola, \u00bfcu\u00e1nto cuesta un corte?",
    );
    assert_eq!(relay.post_webhook(&body, Some(&sign(&body))), 200);
    let synced = desk.ok(&["sync", "--once"]);
    assert!(synced.contains("1 draft(s) ready for review"), "{synced}");

    let pending = drafts(&desk, false);
    assert_eq!(pending.len(), 1);
    let draft = &pending[0];
    assert_eq!(draft["status"], "pending");
    assert_eq!(draft["provider"], "offline");
    let text = draft["text"].as_str().unwrap();
    assert!(
        text.contains("€25") && text.contains("Ana, Ana's Salon"),
        "{text}"
    );
    assert_eq!(draft["flags"], serde_json::json!([]));

    // No account is connected for sending yet: approving does not pretend it was sent.
    let id = draft["id"].to_string();
    let approved = desk.run(&[
        "approve",
        &id,
        "--text",
        "¡Hola! Un corte son 25 €. ¿Te viene bien el sábado?",
    ]);
    assert!(!approved.status.success());
    let message = String::from_utf8_lossy(&approved.stderr);
    assert!(
        message.contains("not sent") && message.contains("accounts add"),
        "{message}"
    );
    let all = drafts(&desk, true);
    assert_eq!(all[0]["status"], "send_failed");
    assert_eq!(
        all[0]["text"],
        "¡Hola! Un corte son 25 €. ¿Te viene bien el sábado?"
    );
    assert_eq!(
        all[0]["original_text"].as_str(),
        Some(text),
        "the drafted wording is kept"
    );
    let conversation = &desk.conversations()[0];
    assert_eq!(
        conversation["last_message_text"], "Hola, ¿cuánto cuesta un corte?",
        "nothing shown as sent"
    );
}

#[test]
fn a_newer_message_makes_the_pending_draft_stale_and_regenerate_rewrites_it() {
    require_keychain();
    let relay = Relay::start();
    let desk = Desk::new();
    desk.pair_and_claim(&relay, "Salon", "1784");
    let first = instagram_dm("1784", "u1", "mid.1", "Hi!");
    relay.post_webhook(&first, Some(&sign(&first)));
    desk.ok(&["sync", "--once"]);
    let second = instagram_dm("1784", "u1", "mid.2", "Where are you located?");
    relay.post_webhook(&second, Some(&sign(&second)));
    desk.ok(&["sync", "--once"]);

    let listed = drafts(&desk, false);
    let statuses: Vec<&str> = listed
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pending", "stale"]);
    let stale_id = listed[1]["id"].to_string();
    let regenerated = desk.ok(&["regenerate", &stale_id]);
    assert!(regenerated.contains("(pending)"), "{regenerated}");
    let rejected = desk.ok(&["reject", &listed[0]["id"].to_string()]);
    assert!(rejected.starts_with("Rejected"));
}

/// An OpenAI-compatible server: answers every request with the same
/// completion and keeps the requests it received.
fn fake_openai(reply: &'static str) -> (String, crate::support::Requests) {
    let (url, seen) = fake_http(move |_, _| {
        serde_json::json!({
            "choices": [{"message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20}
        })
        .to_string()
    });
    (format!("{url}/v1"), seen)
}

#[test]
fn an_openai_compatible_provider_drafts_with_redaction_and_flags() {
    require_keychain();
    let relay = Relay::start();
    let desk = Desk::new();
    desk.pair_and_claim(&relay, "Salon", "1784");
    desk.ok(&["profile", "import", "--file", &profile_file(&desk)]);
    let (url, seen) =
        fake_openai("We'll call you at [PHONE_1]. Special offer: http://promo.example");
    let output = std::process::Command::new(crate::support::binary("leadbox-cli"))
        .arg("--data-dir")
        .arg(desk.dir.path())
        .args([
            "ai",
            "set",
            "--provider",
            "openai_compatible",
            "--base-url",
            &url,
            "--model",
            "gpt-test",
            "--api-key-stdin",
            "--redact",
            "true",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"sk-secret-test-key")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown = desk.ok(&["ai", "show"]);
    assert!(
        shown.contains("\"has_api_key\": true") && !shown.contains("sk-secret-test-key"),
        "{shown}"
    );

    let body = instagram_dm(
        "1784",
        "u1",
        "mid.1",
        "Please call me on 611 222 333 to book",
    );
    relay.post_webhook(&body, Some(&sign(&body)));
    desk.ok(&["sync", "--once"]);

    let sent = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| body.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        sent.contains("gpt-test") && sent.contains("[PHONE_1]"),
        "{sent}"
    );
    assert!(
        !sent.contains("611 222 333"),
        "the phone number never left the computer"
    );
    let draft = &drafts(&desk, false)[0];
    assert_eq!(draft["provider"], "openai_compatible");
    assert!(
        draft["text"].as_str().unwrap().contains("611 222 333"),
        "restored in the draft"
    );
    assert_eq!(draft["flags"][0]["kind"], "unknown_link");
    assert_eq!(draft["input_tokens"], 100);
    let listing = desk.ok(&["drafts"]);
    assert!(
        listing.contains("Contains a link that is not in your profile: http://promo.example"),
        "{listing}"
    );
}

//! The built-in drafter on the evaluation set (`tests/evaluation`, the
//! tuned and the held-out cases together): at least 85 % of its drafts pass
//! overall, and 75 % in each language. The
//! bench `evaluation` prints the same figures per kind of message.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod evaluation;

use leadbox_drafts::Drafter;
use leadbox_drafts::offline::OfflineDrafter;

#[test]
fn the_offline_drafter_passes_the_evaluation_set() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (overall, by_language, by_kind, failures) =
        evaluation::grade(evaluation::Set::Both, |request| {
            runtime.block_on(OfflineDrafter.draft(request)).ok()
        });
    let report = format!(
        "{}\n{}\n{}\n\n{}",
        overall.lines().join("\n"),
        by_language.lines().join("\n"),
        by_kind.lines().join("\n"),
        failures.join("\n")
    );
    assert!(overall.share("all") >= 0.85, "{report}");
    for language in ["en", "es", "pt"] {
        assert!(by_language.share(language) >= 0.75, "{language}\n{report}");
    }
}

#[test]
fn a_wrong_reply_fails_its_case() {
    // The grader itself: a reply in the wrong language, without the fact
    // asked for, or greeting again in a follow-up, does not pass.
    let case = evaluation::cases(evaluation::Set::Tuned)
        .into_iter()
        .find(|c| c.kind == "follow_up" && c.reply_in == "en" && !c.must.is_empty())
        .unwrap();
    let draft = |text: &str| leadbox_drafts::Draft {
        text: text.into(),
        flags: Vec::new(),
        provider: "test".into(),
        model: None,
        latency_ms: 0,
        input_tokens: None,
        output_tokens: None,
    };
    let faults = case.faults(&draft(
        "Hi there!\n¡Gracias por tu mensaje, te lo confirmo!\nSign",
    ));
    assert!(
        faults.iter().any(|f| f.contains("written in")),
        "{faults:?}"
    );
    assert!(
        faults.iter().any(|f| f.contains("does not say")),
        "{faults:?}"
    );
    assert!(
        faults.iter().any(|f| f.contains("greets again")),
        "{faults:?}"
    );
}

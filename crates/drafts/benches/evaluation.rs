//! The evaluation set (`tests/evaluation`): the share of drafts that pass,
//! overall, per lead language and per kind of message, for the built-in
//! drafter and, with `LEADBOX_EVAL_BASE_URL` set (and `LEADBOX_EVAL_MODEL`,
//! `LEADBOX_EVAL_API_KEY`), an OpenAI-compatible provider on the same set.
//! Prints figures; asserts nothing.
//! Run: cargo bench -p leadbox-drafts --bench evaluation

#![allow(clippy::print_stdout, clippy::unwrap_used)]

#[path = "../tests/evaluation/mod.rs"]
mod evaluation;

use evaluation::Set;
use leadbox_drafts::offline::OfflineDrafter;
use leadbox_drafts::providers::{OpenAiCompatible, ProviderSettings};
use leadbox_drafts::{Draft, DraftRequest, Drafter};

fn report(name: &str, mut draft: impl FnMut(&DraftRequest) -> Option<Draft>) {
    let (held_out, held_out_languages, _, held_out_failures) =
        evaluation::grade(Set::HeldOut, &mut draft);
    let (overall, by_language, by_kind, failures) = evaluation::grade(Set::Both, &mut draft);
    println!("== {name}: held-out cases (never tuned on)");
    for line in held_out.lines().iter().chain(&held_out_languages.lines()) {
        println!("{line}");
    }
    println!("== {name}: every case");
    for line in overall
        .lines()
        .iter()
        .chain(&by_language.lines())
        .chain(&by_kind.lines())
    {
        println!("{line}");
    }
    if std::env::var_os("LEADBOX_EVAL_VERBOSE").is_some() {
        println!("\n{}", failures.join("\n"));
        println!("\nheld out:\n{}", held_out_failures.join("\n"));
    }
    println!();
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    report("built-in drafter", |request| {
        runtime.block_on(OfflineDrafter.draft(request)).ok()
    });
    if let Ok(base_url) = std::env::var("LEADBOX_EVAL_BASE_URL") {
        let settings = ProviderSettings::new(
            base_url.clone(),
            std::env::var("LEADBOX_EVAL_MODEL").unwrap_or_default(),
            std::env::var("LEADBOX_EVAL_API_KEY").ok(),
        );
        let provider = OpenAiCompatible::new(settings);
        report(
            &format!("OpenAI-compatible at {base_url}"),
            |request| match runtime.block_on(provider.draft(request)) {
                Ok(draft) => Some(draft),
                Err(error) => {
                    println!("  (no draft: {error})");
                    None
                }
            },
        );
    }
}

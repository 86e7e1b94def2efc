//! The drafter's evaluation set (`cases.toml`, described in `README.md`)
//! and how a draft is graded against a case. Shared by the test that holds
//! the built-in drafter to its target and the bench that prints the figures
//! for any drafter.

#![allow(dead_code, clippy::unwrap_used)] // Each of the test and the bench uses part of it.

use std::collections::BTreeMap;

use leadbox_drafts::checks::Flag;
use leadbox_drafts::enquiry::{Enquiry, classify};
use leadbox_drafts::language::{Lang, detect};
use leadbox_drafts::{BusinessProfile, ConversationTurn, Draft, DraftRequest, Platform, Speaker};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub business: String,
    pub kind: String,
    pub message: String,
    #[serde(default)]
    pub history: Vec<(String, String)>,
    pub reply_in: String,
    /// The language the lead writes in, when it is not `reply_in`.
    #[serde(default)]
    pub lead_in: Option<String>,
    #[serde(default)]
    pub must: Vec<Vec<String>>,
    #[serde(default)]
    pub must_not: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Cases {
    case: Vec<Case>,
}

/// Which cases: the set the drafter was tuned on, the set held out from
/// tuning, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    Tuned,
    HeldOut,
    Both,
}

pub fn cases(set: Set) -> Vec<Case> {
    let read = |text: &str| toml::from_str::<Cases>(text).unwrap().case;
    let tuned = || read(include_str!("cases.toml"));
    let held_out = || read(include_str!("holdout.toml"));
    match set {
        Set::Tuned => tuned(),
        Set::HeldOut => held_out(),
        Set::Both => tuned().into_iter().chain(held_out()).collect(),
    }
}

pub fn profile(name: &str) -> BusinessProfile {
    let path = format!("{}/tests/profiles/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    BusinessProfile::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

impl Case {
    pub fn request(&self) -> DraftRequest {
        DraftRequest {
            profile: profile(&self.business),
            channel: Platform::Instagram,
            lead_name: None,
            history: self
                .history
                .iter()
                .map(|(speaker, text)| ConversationTurn {
                    speaker: if speaker == "business" {
                        Speaker::Business
                    } else {
                        Speaker::Lead
                    },
                    text: text.clone(),
                })
                .collect(),
            new_message: self.message.clone(),
            owner_replies: Vec::new(),
        }
    }

    /// The language the lead writes in, as the set's figures are grouped.
    pub fn lead_language(&self) -> &str {
        self.lead_in.as_deref().unwrap_or(&self.reply_in)
    }

    /// What is wrong with `draft` for this case; empty when it passes.
    pub fn faults(&self, draft: &Draft) -> Vec<String> {
        let mut faults = Vec::new();
        let lines: Vec<&str> = draft.text.lines().collect();
        // The sign-off is the profile's, in whatever language it is.
        let body = lines[..lines.len().saturating_sub(1)].join("\n");
        let expected = Lang::from_code(&self.reply_in).unwrap();
        let written = detect(&body);
        if written != Some(expected) {
            faults.push(format!("written in {written:?}, not {expected:?}"));
        }
        let lower = draft.text.to_lowercase();
        for facts in &self.must {
            if !facts.iter().any(|f| lower.contains(&f.to_lowercase())) {
                faults.push(format!("does not say {facts:?}"));
            }
        }
        for text in &self.must_not {
            if lower.contains(&text.to_lowercase()) {
                faults.push(format!("says {text:?}"));
            }
        }
        for flag in &draft.flags {
            if matches!(
                flag,
                Flag::UnknownLink(_)
                    | Flag::UnknownPrice(_)
                    | Flag::UnknownPhone(_)
                    | Flag::UnknownEmail(_)
            ) {
                faults.push(format!("invents: {}", flag.explain()));
            }
        }
        let follow_up = self
            .history
            .iter()
            .any(|(speaker, _)| speaker == "business");
        let first = lines.first().copied().unwrap_or_default();
        if follow_up
            && first.split_whitespace().count() <= 4
            && classify(first).contains(&Enquiry::Greeting)
        {
            faults.push(format!("greets again in a follow-up: {first:?}"));
        }
        faults
    }
}

/// Passed and total, per group.
#[derive(Debug, Default)]
pub struct Tally {
    groups: BTreeMap<String, (usize, usize)>,
}

impl Tally {
    pub fn add(&mut self, group: &str, passed: bool) {
        let entry = self.groups.entry(group.to_owned()).or_default();
        entry.0 += usize::from(passed);
        entry.1 += 1;
    }

    pub fn share(&self, group: &str) -> f64 {
        let (passed, total) = self.groups.get(group).copied().unwrap_or_default();
        #[allow(clippy::cast_precision_loss)]
        let share = passed as f64 / total.max(1) as f64;
        share
    }

    pub fn lines(&self) -> Vec<String> {
        self.groups
            .iter()
            .map(|(group, (passed, total))| {
                #[allow(clippy::cast_precision_loss)]
                let share = *passed as f64 * 100.0 / (*total).max(1) as f64;
                format!("{group:<22} {passed:>4} / {total:<4} {share:>5.1} %")
            })
            .collect()
    }
}

/// Grades every case's draft: (overall, per language, per kind, failures).
pub fn grade(
    set: Set,
    mut draft: impl FnMut(&DraftRequest) -> Option<Draft>,
) -> (Tally, Tally, Tally, Vec<String>) {
    let mut overall = Tally::default();
    let mut by_language = Tally::default();
    let mut by_kind = Tally::default();
    let mut failures = Vec::new();
    for case in cases(set) {
        let faults = match draft(&case.request()) {
            Some(reply) => {
                let faults = case.faults(&reply);
                if !faults.is_empty() {
                    failures.push(format!(
                        "[{} / {}] {:?}\n  -> {:?}\n  {}",
                        case.business,
                        case.kind,
                        case.message,
                        reply.text,
                        faults.join("; ")
                    ));
                }
                faults
            }
            None => vec!["no draft".to_owned()],
        };
        let passed = faults.is_empty();
        overall.add("all", passed);
        by_language.add(case.lead_language(), passed);
        by_kind.add(&case.kind, passed);
    }
    (overall, by_language, by_kind, failures)
}

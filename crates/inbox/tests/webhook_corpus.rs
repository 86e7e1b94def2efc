//! Every body of the webhook corpus (tests/webhook-corpus: real bodies from
//! Meta's documentation and other projects' test suites, each with its
//! source and licence) is signed and posted to the real relay on loopback,
//! then synced by a new desktop engine that claimed the body's accounts. Each
//! must be answered 200 and give exactly what corpus.json says: messages,
//! receipts, account notices, unreadable parts, lead forms, the texts a lead
//! wrote (found in the export) and the parts the relay drops.
//!
//! `LEADBOX_CORPUS_SHOW=1` prints what each body gave instead of checking, for
//! writing the expectations of a new body (read them before you copy them).

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use leadbox_inbox::{Engine, Platform, SyncReport};
use leadbox_testkit::relay::{APP_SECRET, TestRelay};
use leadbox_testkit::signing::meta_signature;
use leadbox_vault::{ExportFilter, ExportFormat, InMemorySecretStore};
use serde_json::{Value, json};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/webhook-corpus")
}

fn id(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The accounts a business would have claimed to receive this body: every
/// entry's account, and for WhatsApp each number with its business account.
fn accounts_in(body: &Value) -> Vec<(Platform, String, Option<String>)> {
    let route = match body["object"].as_str() {
        Some("instagram") => Platform::Instagram,
        Some("page") => Platform::Messenger,
        Some("whatsapp_business_account") => Platform::Whatsapp,
        _ => return Vec::new(),
    };
    let mut accounts = Vec::new();
    for entry in body["entry"].as_array().into_iter().flatten() {
        let entry_id = id(&entry["id"]);
        if route != Platform::Whatsapp {
            accounts.extend(entry_id.map(|account| (route, account, None)));
            continue;
        }
        for change in entry["changes"].as_array().into_iter().flatten() {
            if let Some(number) = id(&change["value"]["metadata"]["phone_number_id"]) {
                accounts.push((route, number, entry_id.clone()));
            }
        }
        // A body of account-level changes only: the business has a number in it.
        if accounts.is_empty()
            && let Some(business_account) = entry_id
        {
            accounts.push((route, "PHONE-IN-CORPUS".into(), Some(business_account)));
        }
    }
    accounts.sort();
    accounts.dedup();
    accounts
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    messages: usize,
    receipts: usize,
    notices: usize,
    restrictions: usize,
    unreadable: usize,
    lead_forms: usize,
    texts: Vec<String>,
    ignored: Vec<String>,
}

impl Outcome {
    fn expected(case: &Value) -> Outcome {
        let expect = &case["expect"];
        let count = |key: &str| {
            expect[key]
                .as_u64()
                .map_or(0, |n| usize::try_from(n).unwrap())
        };
        let list = |key: &str| -> Vec<String> {
            expect[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| t.as_str().unwrap().to_owned())
                .collect()
        };
        Outcome {
            messages: count("messages"),
            receipts: count("receipts"),
            notices: count("notices"),
            restrictions: count("restrictions"),
            unreadable: count("unreadable"),
            lead_forms: count("lead_forms"),
            texts: list("texts"),
            ignored: list("ignored"),
        }
    }

    fn absorb(&mut self, report: &SyncReport) {
        self.messages += report.new_messages;
        self.receipts += report.receipts;
        self.notices += report.notices;
        self.restrictions += report.restrictions.len();
        self.unreadable += report.unreadable;
        self.lead_forms += report.new_lead_forms;
    }
}

/// What a person wrote in a body, read from it directly: every non-empty
/// `text`, `body` and `caption` string, except in the parts that are not the
/// person's words (an ad's own text, system notes, Meta's errors).
fn written_in(value: &Value, found: &mut Vec<String>) {
    const NOT_WRITTEN: [&str; 8] = [
        "referral",
        "system",
        "errors",
        "error_data",
        "rejection_info",
        "other_info",
        "nfm_reply",
        "ads_context_data",
    ];
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if NOT_WRITTEN.contains(&key.as_str()) {
                    continue;
                }
                match inner {
                    Value::String(text) if ["text", "body", "caption"].contains(&key.as_str()) => {
                        if !text.trim().is_empty() {
                            found.push(text.clone());
                        }
                    }
                    other => written_in(other, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| written_in(item, found)),
        _ => {}
    }
}

/// The relay's count of dropped parts, per `object/field`.
fn ignored_counts(relay: &TestRelay) -> std::collections::BTreeMap<String, u64> {
    let text = relay.state.metrics.render();
    text.lines()
        .filter_map(|line| line.strip_prefix("leadbox_webhook_parts_ignored_total{object=\""))
        .filter_map(|rest| {
            let (object, rest) = rest.split_once("\",field=\"")?;
            let (field, count) = rest.split_once("\"} ")?;
            Some((format!("{object}/{field}"), count.parse().ok()?))
        })
        .collect()
}

/// Posts one body to a new relay and syncs it into a new desktop (bodies
/// from one source reuse the same ids); what it gave.
async fn run_case(http: &reqwest::Client, case: &Value) -> Outcome {
    let relay = &TestRelay::start(|_| {}).await;
    let path = corpus_dir().join(case["body"].as_str().unwrap());
    let bytes = std::fs::read(&path).unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);

    let desk = tempfile::tempdir().unwrap();
    let (engine, _) =
        Engine::open_or_create(desk.path(), Arc::new(InMemorySecretStore::default())).unwrap();
    let invite = relay.invite("Ana's Salon").await;
    engine.pair(&relay.url, &invite, "corpus").await.unwrap();
    for (route, account, business_account) in accounts_in(&body) {
        engine
            .claim_with_business_account(route, &account, business_account.as_deref(), None)
            .await
            .unwrap();
    }

    let response = http
        .post(format!("{}/webhooks/meta", relay.url))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", meta_signature(APP_SECRET, &bytes))
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "{}: answered {}",
        path.display(),
        response.status()
    );

    let mut outcome = Outcome::default();
    loop {
        let report = engine.sync_once(Duration::ZERO).await.unwrap();
        if report.envelopes == 0 {
            break;
        }
        outcome.absorb(&report);
    }
    for (part, count) in ignored_counts(relay) {
        outcome
            .ignored
            .extend(std::iter::repeat_n(part, usize::try_from(count).unwrap()));
    }

    let export = desk.path().join("export");
    engine
        .vault_for_tests()
        .export(
            &export,
            ExportFormat::Json,
            &ExportFilter::default(),
            &mut |_| {},
        )
        .unwrap();
    let messages = std::fs::read_to_string(export.join("messages.jsonl")).unwrap();
    let exported: Vec<String> = messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|m| m["text"].as_str().map(str::to_owned))
        .collect();
    // Nothing a person wrote is lost: unless the relay dropped the body's
    // only part on purpose, each of their texts is in the export.
    if outcome.ignored.is_empty() {
        let mut written = Vec::new();
        written_in(&body, &mut written);
        for text in written {
            assert!(
                exported.iter().any(|stored| stored.contains(text.as_str())),
                "{}: {text:?} is not in the export",
                path.display()
            );
        }
    }
    // A text counts when an exported message holds it (labels such as
    // "[image]" may stand around it).
    outcome.texts = Outcome::expected(case)
        .texts
        .into_iter()
        .filter(|text| exported.iter().any(|stored| stored.contains(text.as_str())))
        .collect();
    if std::env::var_os("LEADBOX_CORPUS_SHOW").is_some() {
        outcome.texts = exported;
    }
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_body_is_answered_200_and_gives_what_it_must() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus_dir().join("corpus.json")).unwrap())
            .unwrap();
    let cases = manifest["bodies"].as_array().unwrap();
    assert!(cases.len() >= 100, "the corpus holds at least 100 bodies");
    let http = reqwest::Client::new();
    let show = std::env::var_os("LEADBOX_CORPUS_SHOW").is_some();
    let mut wrong = Vec::new();
    for case in cases {
        assert!(
            case["source"].as_str().is_some_and(|s| !s.is_empty())
                && case["licence"].as_str().is_some_and(|l| !l.is_empty()),
            "{case}: every body names its source and licence"
        );
        let got = run_case(&http, case).await;
        if show {
            println!(
                "{} {}",
                case["body"],
                json!({"messages": got.messages, "receipts": got.receipts, "notices": got.notices,
                       "restrictions": got.restrictions, "unreadable": got.unreadable,
                       "lead_forms": got.lead_forms, "texts": got.texts, "ignored": got.ignored})
            );
            continue;
        }
        let expected = Outcome::expected(case);
        if got != expected {
            wrong.push(format!(
                "{}:\n  expected {expected:?}\n  got      {got:?}",
                case["body"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} bodies differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

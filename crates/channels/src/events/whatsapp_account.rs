//! WhatsApp changes about the WhatsApp Business Account or its numbers, not
//! one conversation (they carry no `metadata.phone_number_id`): templates
//! approved, rejected or paused; a number's quality rating and messaging
//! limit; the account reviewed, restricted or disabled. Each becomes a notice
//! in plain words, shown with the account; a restriction also notifies.

use serde_json::Value;

use super::{EntryContext, Event, NoticeSeverity};
use crate::Platform;

/// `ACCOUNT_RESTRICTION` → "account restriction".
fn words(code: &str) -> String {
    code.replace('_', " ").to_lowercase()
}

fn text<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

fn template_name(value: &Value) -> String {
    let name = text(value, "/message_template_name").unwrap_or("(unnamed)");
    match text(value, "/message_template_language") {
        Some(language) => format!("Template “{name}” ({language})"),
        None => format!("Template “{name}”"),
    }
}

/// A date from Meta's seconds, for a sentence.
fn date(seconds: Option<i64>) -> Option<String> {
    chrono::DateTime::from_timestamp(seconds?, 0).map(|at| at.format("%Y-%m-%d").to_string())
}

pub(super) fn parse_change(context: EntryContext<'_>, field: &str, value: &Value) -> Vec<Event> {
    let Some((severity, message)) = describe(field, value) else {
        return vec![context.unreadable(field, "account_change")];
    };
    let mut events = vec![Event::AccountNotice {
        route: Platform::Whatsapp,
        account_id: context.account_id.to_owned(),
        business_account: true,
        severity,
        code: None,
        message,
    }];
    if field == "message_template_status_update"
        && let (Some(name), Some(language), Some(status)) = (
            text(value, "/message_template_name"),
            text(value, "/message_template_language"),
            text(value, "/event"),
        )
    {
        events.push(Event::TemplateStatus {
            business_account_id: context.account_id.to_owned(),
            name: name.to_owned(),
            language: language.to_owned(),
            status: status.to_owned(),
        });
    }
    events
}

fn describe(field: &str, value: &Value) -> Option<(NoticeSeverity, String)> {
    use NoticeSeverity::{Info, Problem};
    let event = text(value, "/event");
    Some(match field {
        "message_template_status_update" => {
            let event = event?;
            let reason = text(value, "/rejection_info/reason")
                .or_else(|| text(value, "/other_info/description"))
                .or_else(|| text(value, "/reason").filter(|r| *r != "NONE"));
            let severity = match event {
                "APPROVED" | "REINSTATED" | "IN_APPEAL" | "PENDING" => Info,
                _ => Problem,
            };
            let sentence = match reason {
                Some(reason) => format!("{} was {}: {reason}", template_name(value), words(event)),
                None => format!("{} was {}.", template_name(value), words(event)),
            };
            (severity, sentence)
        }
        "message_template_quality_update" => {
            let new = text(value, "/new_quality_score")?;
            let old = text(value, "/previous_quality_score").unwrap_or("unknown");
            let severity = if new == "RED" { Problem } else { Info };
            (
                severity,
                format!(
                    "{}: quality rating {} (was {}).",
                    template_name(value),
                    words(new),
                    words(old)
                ),
            )
        }
        "template_category_update" => {
            let new = text(value, "/new_category")?;
            (
                Info,
                format!("{}: category is now {}.", template_name(value), words(new)),
            )
        }
        "phone_number_quality_update" => {
            let event = event?;
            let number = text(value, "/display_phone_number").unwrap_or("your number");
            let limit = text(value, "/current_limit")
                .map(|limit| format!(" Messaging limit: {}.", words(limit).replace("tier ", "")))
                .unwrap_or_default();
            let severity = match event {
                "FLAGGED" | "DOWNGRADE" => Problem,
                _ => Info,
            };
            let what = match event {
                "FLAGGED" => "its quality rating is low (flagged)".to_owned(),
                "UNFLAGGED" => "its quality rating is no longer flagged".to_owned(),
                "UPGRADE" => "its messaging limit was raised".to_owned(),
                "DOWNGRADE" => "its messaging limit was lowered".to_owned(),
                other => words(other),
            };
            (
                severity,
                format!("WhatsApp number {number}: {what}.{limit}"),
            )
        }
        "phone_number_name_update" => {
            let decision = text(value, "/decision")?;
            let name = text(value, "/requested_verified_name").unwrap_or("the requested name");
            let severity = if decision == "APPROVED" {
                Info
            } else {
                Problem
            };
            let reason = text(value, "/rejection_reason")
                .filter(|r| *r != "NONE")
                .map(|r| format!(" ({})", words(r)))
                .unwrap_or_default();
            (
                severity,
                format!("Display name “{name}”: {}{reason}.", words(decision)),
            )
        }
        "account_update" => account_update(event?, value),
        "account_review_update" => {
            let decision = text(value, "/decision")?;
            let severity = if decision == "REJECTED" {
                Problem
            } else {
                Info
            };
            (
                severity,
                format!(
                    "WhatsApp's review of your business account: {}.",
                    words(decision)
                ),
            )
        }
        "account_alerts" => {
            let severity = match text(value, "/alert_severity") {
                Some("CRITICAL") => Problem,
                _ => Info,
            };
            let description = text(value, "/alert_description")
                .map(str::to_owned)
                .or_else(|| text(value, "/alert_type").map(words))?;
            (severity, format!("WhatsApp alert: {description}"))
        }
        "business_capability_update" => {
            let per_day = value
                .get("max_daily_conversation_per_phone")
                .and_then(Value::as_i64);
            let numbers = value
                .get("max_phone_numbers_per_business")
                .and_then(Value::as_i64);
            let parts: Vec<String> = [
                per_day.map(|n| format!("up to {n} conversations a day per number")),
                numbers.map(|n| format!("up to {n} phone numbers")),
            ]
            .into_iter()
            .flatten()
            .collect();
            if parts.is_empty() {
                return None;
            }
            (
                Info,
                format!("WhatsApp now allows {}.", parts.join(" and ")),
            )
        }
        _ => return None,
    })
}

fn account_update(event: &str, value: &Value) -> (NoticeSeverity, String) {
    use NoticeSeverity::{Info, Problem, Restriction};
    match event {
        "ACCOUNT_RESTRICTION" => {
            let restrictions: Vec<String> = value
                .get("restriction_info")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|r| {
                    let what = match text(r, "/restriction_type") {
                        Some("RESTRICTED_BIZ_INITIATED_MESSAGING") => {
                            "you cannot start conversations".to_owned()
                        }
                        Some("RESTRICTED_CUSTOMER_INITIATED_MESSAGING") => {
                            "you cannot answer customers".to_owned()
                        }
                        Some("RESTRICTED_ADD_PHONE_NUMBER_ACTION") => {
                            "you cannot add phone numbers".to_owned()
                        }
                        Some(other) => words(other.trim_start_matches("RESTRICTED_")),
                        None => "restricted".to_owned(),
                    };
                    match date(r.get("expiration").and_then(Value::as_i64)) {
                        Some(until) => format!("{what} until {until}"),
                        None => what,
                    }
                })
                .collect();
            let detail = if restrictions.is_empty() {
                String::new()
            } else {
                format!(" ({})", restrictions.join("; "))
            };
            (
                Restriction,
                format!("WhatsApp restricted your business account{detail}."),
            )
        }
        "DISABLED_UPDATE" => {
            let state = text(value, "/ban_info/waba_ban_state");
            let when = text(value, "/ban_info/waba_ban_date");
            match state {
                Some("REINSTATE") => (
                    Info,
                    "WhatsApp reinstated your business account.".to_owned(),
                ),
                _ => (
                    Restriction,
                    match when {
                        Some(when) => format!("WhatsApp disabled your business account ({when})."),
                        None => "WhatsApp disabled your business account.".to_owned(),
                    },
                ),
            }
        }
        "ACCOUNT_VIOLATION" => {
            let kind = text(value, "/violation_info/violation_type")
                .map_or_else(String::new, |t| format!(": {}", words(t)));
            (
                Problem,
                format!("WhatsApp found a policy violation on your business account{kind}."),
            )
        }
        "ACCOUNT_DELETED" => (
            Restriction,
            "Your WhatsApp Business Account was deleted.".to_owned(),
        ),
        "ACCOUNT_OFFBOARDED" => (
            Problem,
            "Your WhatsApp Business Account was offboarded from this app.".to_owned(),
        ),
        other => (Info, format!("WhatsApp account update: {}.", words(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn restrictions_and_template_rejections_read_as_sentences() {
        let (severity, text) = describe(
            "account_update",
            &json!({"event": "ACCOUNT_RESTRICTION", "restriction_info": [{"restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING", "expiration": 1641330498}]}),
        )
        .unwrap();
        assert_eq!(severity, NoticeSeverity::Restriction);
        assert_eq!(
            text,
            "WhatsApp restricted your business account (you cannot start conversations until 2022-01-04)."
        );
        let (severity, text) = describe(
            "message_template_status_update",
            &json!({"event": "REJECTED", "message_template_name": "abandoned_cart", "message_template_language": "en", "reason": "INVALID_FORMAT"}),
        )
        .unwrap();
        assert_eq!(severity, NoticeSeverity::Problem);
        assert_eq!(
            text,
            "Template “abandoned_cart” (en) was rejected: INVALID_FORMAT"
        );
        assert_eq!(describe("account_update", &json!({})), None);
        assert_eq!(describe("something_new", &json!({"event": "X"})), None);
    }
}

//! Splitting a verified webhook into entries routed by platform account id,
//! and naming what was left out.
//!
//! The relay answers every correctly signed body with 200: Meta retries a
//! failing webhook for hours and disables a subscription that keeps failing,
//! so one body Leadbox cannot use must never stop the deliveries of others.
//! What cannot be routed is therefore not an error but an [`Ignored`] part,
//! counted per object and field.

use serde_json::Value;

use crate::Platform;

/// Who an entry is addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteScope {
    /// One account: an Instagram account, a Page, a WhatsApp phone number.
    Account,
    /// A WhatsApp Business Account as a whole (template, quality and account
    /// changes carry no phone number): it goes to every business whose
    /// numbers belong to that account.
    WhatsappBusinessAccount,
}

/// One part of a webhook, addressed to one platform account.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedEntry {
    /// The webhook's `object` (`instagram`, `page`, `whatsapp_business_account`).
    pub object: String,
    pub route: Platform,
    pub scope: RouteScope,
    /// The account id (or, for [`RouteScope::WhatsappBusinessAccount`], the
    /// WhatsApp Business Account id).
    pub account_id: String,
    pub entry: Value,
}

/// A part of a webhook Leadbox does not use, by object and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub object: String,
    pub field: String,
}

/// A verified webhook, split.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SplitWebhook {
    pub entries: Vec<RoutedEntry>,
    pub ignored: Vec<Ignored>,
}

/// `object` of a body that is not a JSON object with a string `object`.
pub const UNREADABLE_OBJECT: &str = "unreadable";

/// Messaging webhook fields. Real deliveries put these events in
/// `entry[].messaging`; Meta's dashboard tests (and some deliveries) send the
/// same event as `changes[]` with the field's name and the event as `value`.
pub const MESSAGING_FIELDS: &[&str] = &[
    "messages",
    "message_echoes",
    "message_reactions",
    "message_deliveries",
    "message_reads",
    "messaging_postbacks",
    "messaging_referral",
    "messaging_referrals",
    "messaging_seen",
];

/// WhatsApp fields about the WhatsApp Business Account or its numbers, not
/// one conversation: the desktop shows them with the account.
pub const WHATSAPP_ACCOUNT_FIELDS: &[&str] = &[
    "account_alerts",
    "account_review_update",
    "account_update",
    "business_capability_update",
    "message_template_quality_update",
    "message_template_status_update",
    "phone_number_name_update",
    "phone_number_quality_update",
    "template_category_update",
];

/// Whether Leadbox reads `changes[]` of this field on this object.
pub fn is_used_field(object: &str, field: &str) -> bool {
    match object {
        "page" => field == "leadgen" || MESSAGING_FIELDS.contains(&field),
        "instagram" => {
            matches!(field, "comments" | "live_comments" | "mentions")
                || MESSAGING_FIELDS.contains(&field)
        }
        "whatsapp_business_account" => {
            matches!(field, "messages" | "user_preferences")
                || WHATSAPP_ACCOUNT_FIELDS.contains(&field)
        }
        _ => false,
    }
}

fn route_of(object: &str) -> Option<Platform> {
    match object {
        "instagram" => Some(Platform::Instagram),
        "page" => Some(Platform::Messenger),
        "whatsapp_business_account" => Some(Platform::Whatsapp),
        _ => None,
    }
}

fn field_of(change: &Value) -> &str {
    change
        .get("field")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
}

/// Splits a verified webhook body into routed entries and ignored parts.
///
/// Instagram and Page entries are routed by `entry[].id`. WhatsApp changes
/// are routed by `value.metadata.phone_number_id`, since one WhatsApp
/// Business Account can hold numbers of different businesses; changes without
/// a phone number go to the WhatsApp Business Account (`entry[].id`).
pub fn split_webhook(body: &[u8]) -> SplitWebhook {
    let mut split = SplitWebhook::default();
    let ignore = |split: &mut SplitWebhook, object: &str, field: &str| {
        split.ignored.push(Ignored {
            object: object.to_owned(),
            field: field.to_owned(),
        });
    };
    let webhook: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) => {
            ignore(&mut split, UNREADABLE_OBJECT, "json");
            return split;
        }
    };
    let Some(object) = webhook.get("object").and_then(Value::as_str) else {
        ignore(&mut split, UNREADABLE_OBJECT, "object");
        return split;
    };
    let entries = webhook
        .get("entry")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let Some(route) = route_of(object) else {
        // An object Leadbox does not handle (`permissions`, `user`, …).
        let fields: Vec<&str> = entries
            .iter()
            .flat_map(|entry| entry.get("changes").and_then(Value::as_array))
            .flatten()
            .map(field_of)
            .collect();
        if fields.is_empty() {
            ignore(&mut split, object, "entry");
        }
        for field in fields {
            ignore(&mut split, object, field);
        }
        return split;
    };
    if entries.is_empty() {
        ignore(&mut split, object, "entry");
    }
    for entry in entries {
        if route == Platform::Whatsapp {
            split_whatsapp_entry(object, entry, &mut split);
        } else {
            split_messaging_entry(object, route, entry, &mut split);
        }
    }
    split
}

/// An Instagram or Page entry, with the changes Leadbox does not read taken out.
fn split_messaging_entry(object: &str, route: Platform, entry: &Value, split: &mut SplitWebhook) {
    let Some(account_id) = id_string(entry.get("id")) else {
        split.ignored.push(Ignored {
            object: object.to_owned(),
            field: "entry_without_id".to_owned(),
        });
        return;
    };
    let mut kept = entry.clone();
    if let Some(changes) = entry.get("changes").and_then(Value::as_array) {
        let (used, unused): (Vec<&Value>, Vec<&Value>) = changes
            .iter()
            .partition(|change| is_used_field(object, field_of(change)));
        for change in unused {
            split.ignored.push(Ignored {
                object: object.to_owned(),
                field: field_of(change).to_owned(),
            });
        }
        if used.is_empty() {
            if let Some(map) = kept.as_object_mut() {
                map.remove("changes");
            }
        } else {
            kept["changes"] = Value::Array(used.into_iter().cloned().collect());
        }
    }
    let has_events = ["messaging", "standby", "changes"]
        .iter()
        .any(|key| kept.get(key).is_some());
    if !has_events {
        if entry.get("changes").is_none() {
            split.ignored.push(Ignored {
                object: object.to_owned(),
                field: "entry_without_events".to_owned(),
            });
        }
        return;
    }
    split.entries.push(RoutedEntry {
        object: object.to_owned(),
        route,
        scope: RouteScope::Account,
        account_id,
        entry: kept,
    });
}

fn split_whatsapp_entry(object: &str, entry: &Value, split: &mut SplitWebhook) {
    let Some(changes) = entry.get("changes").and_then(Value::as_array) else {
        split.ignored.push(Ignored {
            object: object.to_owned(),
            field: "entry_without_changes".to_owned(),
        });
        return;
    };
    let business_account = id_string(entry.get("id"));
    for change in changes {
        let field = field_of(change);
        if !is_used_field(object, field) {
            split.ignored.push(Ignored {
                object: object.to_owned(),
                field: field.to_owned(),
            });
            continue;
        }
        let phone_number_id = change
            .pointer("/value/metadata/phone_number_id")
            .and_then(|id| id_string(Some(id)));
        let (scope, account_id) = match (phone_number_id, &business_account) {
            (Some(number), _) => (RouteScope::Account, number),
            (None, Some(business_account)) => (
                RouteScope::WhatsappBusinessAccount,
                business_account.clone(),
            ),
            (None, None) => {
                split.ignored.push(Ignored {
                    object: object.to_owned(),
                    field: "change_without_account".to_owned(),
                });
                continue;
            }
        };
        if let Some(existing) = split
            .entries
            .iter_mut()
            .find(|r| r.scope == scope && r.account_id == account_id)
        {
            if let Some(list) = existing
                .entry
                .get_mut("changes")
                .and_then(Value::as_array_mut)
            {
                list.push(change.clone());
            }
            continue;
        }
        let mut single = entry.clone();
        single["changes"] = Value::Array(vec![change.clone()]);
        split.entries.push(RoutedEntry {
            object: object.to_owned(),
            route: Platform::Whatsapp,
            scope,
            account_id,
            entry: single,
        });
    }
}

/// Meta sends ids as strings, but numbers turn up in some payloads (lead ads).
pub(crate) fn id_string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

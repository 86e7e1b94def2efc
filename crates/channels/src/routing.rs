//! Splitting a webhook batch into entries routed by platform account id.

use serde_json::Value;

use crate::{ParseError, RouteKind};

/// One part of a webhook, addressed to one platform account.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedEntry {
    /// The webhook's `object` (`instagram`, `page`, `whatsapp_business_account`).
    pub object: String,
    pub route: RouteKind,
    pub account_id: String,
    pub entry: Value,
}

/// Splits a verified webhook body into routed entries.
///
/// Instagram and Page entries are routed by `entry[].id`. WhatsApp entries are
/// routed by each change's `value.metadata.phone_number_id`, since one WhatsApp
/// Business Account can hold several numbers owned by different businesses;
/// such an entry is split into one entry per phone number.
pub fn split_webhook(body: &[u8]) -> Result<Vec<RoutedEntry>, ParseError> {
    let webhook: Value =
        serde_json::from_slice(body).map_err(|e| ParseError::Json(e.to_string()))?;
    let object = webhook
        .get("object")
        .ok_or(ParseError::Missing("object"))?
        .as_str()
        .ok_or(ParseError::WrongType { field: "object" })?
        .to_owned();
    let route = match object.as_str() {
        "instagram" => RouteKind::Instagram,
        "page" => RouteKind::Messenger,
        "whatsapp_business_account" => RouteKind::Whatsapp,
        _ => return Err(ParseError::UnknownObject(object)),
    };
    let entries = webhook
        .get("entry")
        .ok_or(ParseError::Missing("entry"))?
        .as_array()
        .ok_or(ParseError::WrongType { field: "entry" })?;

    let mut routed = Vec::with_capacity(entries.len());
    for entry in entries {
        if route == RouteKind::Whatsapp {
            routed.extend(split_whatsapp_entry(&object, entry)?);
        } else {
            let account_id = id_string(entry.get("id")).ok_or(ParseError::Missing("entry[].id"))?;
            routed.push(RoutedEntry {
                object: object.clone(),
                route,
                account_id,
                entry: entry.clone(),
            });
        }
    }
    Ok(routed)
}

fn split_whatsapp_entry(object: &str, entry: &Value) -> Result<Vec<RoutedEntry>, ParseError> {
    let changes = entry
        .get("changes")
        .and_then(Value::as_array)
        .ok_or(ParseError::Missing("entry[].changes"))?;
    let mut routed: Vec<RoutedEntry> = Vec::new();
    for change in changes {
        let phone_number_id = change
            .pointer("/value/metadata/phone_number_id")
            .and_then(|id| id_string(Some(id)))
            .ok_or(ParseError::Missing(
                "changes[].value.metadata.phone_number_id",
            ))?;
        if let Some(existing) = routed.iter_mut().find(|r| r.account_id == phone_number_id) {
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
        routed.push(RoutedEntry {
            object: object.to_owned(),
            route: RouteKind::Whatsapp,
            account_id: phone_number_id,
            entry: single,
        });
    }
    Ok(routed)
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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn instagram_batch_is_split_per_entry() {
        let body = json!({"object": "instagram", "entry": [
            {"id": "1784", "time": 1, "messaging": []},
            {"id": "1785", "time": 2, "messaging": []}
        ]});
        let routed = split_webhook(body.to_string().as_bytes()).unwrap();
        let ids: Vec<_> = routed
            .iter()
            .map(|r| (r.route, r.account_id.as_str()))
            .collect();
        assert_eq!(
            ids,
            vec![
                (RouteKind::Instagram, "1784"),
                (RouteKind::Instagram, "1785")
            ]
        );
        assert_eq!(routed[1].entry["time"], 2);
    }

    #[test]
    fn numeric_page_ids_are_accepted() {
        let body = br#"{"object":"page","entry":[{"id":123456789012,"changes":[]}]}"#;
        let routed = split_webhook(body).unwrap();
        assert_eq!(routed[0].account_id, "123456789012");
        assert_eq!(routed[0].route, RouteKind::Messenger);
    }

    #[test]
    fn whatsapp_changes_are_routed_by_phone_number_id() {
        let change = |phone: &str, id: &str| {
            json!({"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "1555", "phone_number_id": phone},
                "messages": [{"id": id}]
            }})
        };
        let body = json!({"object": "whatsapp_business_account", "entry": [
            {"id": "WABA", "changes": [change("P1", "a"), change("P2", "b"), change("P1", "c")]}
        ]});
        let routed = split_webhook(body.to_string().as_bytes()).unwrap();
        assert_eq!(routed.len(), 2);
        assert_eq!(routed[0].account_id, "P1");
        assert_eq!(routed[0].entry["changes"].as_array().map(Vec::len), Some(2));
        assert_eq!(routed[1].account_id, "P2");
        assert_eq!(
            routed[1].entry["changes"][0]["value"]["messages"][0]["id"],
            "b"
        );
    }

    #[test]
    fn bad_bodies_get_clear_errors() {
        assert!(matches!(
            split_webhook(b"{not json"),
            Err(ParseError::Json(_))
        ));
        assert_eq!(split_webhook(b"{}"), Err(ParseError::Missing("object")));
        assert_eq!(
            split_webhook(br#"{"object":"user","entry":[]}"#),
            Err(ParseError::UnknownObject("user".into()))
        );
        assert_eq!(
            split_webhook(br#"{"object":"instagram","entry":{}}"#),
            Err(ParseError::WrongType { field: "entry" })
        );
        assert_eq!(
            split_webhook(br#"{"object":"instagram","entry":[{"time":1}]}"#),
            Err(ParseError::Missing("entry[].id"))
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = split_webhook(&body);
        }

        #[test]
        fn every_entry_with_an_id_is_routed(ids in proptest::collection::vec("[0-9]{1,17}", 0..50)) {
            let entries: Vec<_> = ids.iter().map(|id| json!({"id": id, "messaging": []})).collect();
            let body = json!({"object": "instagram", "entry": entries}).to_string();
            let routed = split_webhook(body.as_bytes()).unwrap();
            let got: Vec<_> = routed.into_iter().map(|r| r.account_id).collect();
            prop_assert_eq!(got, ids);
        }
    }
}

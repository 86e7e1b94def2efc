//! WhatsApp message templates on the local Graph API: a business account's
//! templates listed page by page as Meta pages them, and a template send
//! checked as Meta checks it (the template must exist in that language, be
//! approved, and get as many values as it has variables).

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::{
    Answer, Api, Grant, GraphLog, Params, caller_token, error, grant, invalid_token,
    missing_object, ok,
};

/// `GET /{waba}/message_templates`: the templates a test put in the log.
pub(super) async fn message_templates(
    State(api): State<Api>,
    Path(id): Path<String>,
    Query(query): Params,
    headers: HeaderMap,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    match grant(&token) {
        Some(Grant::Whatsapp {
            business_account: Some(business_account),
            ..
        }) if business_account == id => {}
        Some(_) => return missing_object(&id),
        None => return invalid_token(),
    }
    let mut log = api.log.lock().await;
    log.template_lists += 1;
    let asked = query
        .get("limit")
        .and_then(|limit| limit.parse::<usize>().ok())
        .unwrap_or(25);
    let size = match log.template_page_size {
        0 => asked,
        size => size.min(asked),
    }
    .max(1);
    let start = query
        .get("after")
        .and_then(|cursor| cursor.strip_prefix("cursor-"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let page: Vec<Value> = log
        .templates
        .iter()
        .skip(start)
        .take(size)
        .cloned()
        .collect();
    let end = start + page.len();
    let mut body = json!({"data": page, "paging": {"cursors": {
        "before": format!("cursor-{start}"), "after": format!("cursor-{end}")}}});
    if end < log.templates.len() {
        body["paging"]["next"] = json!(format!(
            "https://graph.facebook.com/v21.0/{id}/message_templates?limit={size}&after=cursor-{end}"
        ));
    }
    ok(body)
}

/// The distinct `{{variables}}` of a template text.
fn variables(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let name = after[..close].trim().to_owned();
        if !found.contains(&name) {
            found.push(name);
        }
        rest = &after[close + 2..];
    }
    found
}

fn component<'a>(list: &'a Value, kind: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|c| {
        c.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case(kind))
    })
}

/// Meta's refusal of a template send, if it would refuse it.
pub(super) fn refusal(log: &GraphLog, body: &Value) -> Option<Answer> {
    let name = body.pointer("/template/name").and_then(Value::as_str);
    let language = body
        .pointer("/template/language/code")
        .and_then(Value::as_str);
    let Some(template) = log.templates.iter().find(|t| {
        t.get("name").and_then(Value::as_str) == name
            && t.get("language").and_then(Value::as_str) == language
    }) else {
        return Some(error(
            132_001,
            0,
            "(#132001) Template name does not exist in the translation",
        ));
    };
    match template.get("status").and_then(Value::as_str) {
        Some("APPROVED") => {}
        Some("PAUSED") => return Some(error(132_015, 0, "(#132015) Template is Paused")),
        _ => return Some(error(132_016, 0, "(#132016) Template is Disabled")),
    }
    let sent = body.pointer("/template/components").unwrap_or(&Value::Null);
    for kind in ["HEADER", "BODY"] {
        let expected = component(&template["components"], kind)
            .and_then(|c| c.get("text"))
            .and_then(Value::as_str)
            .map_or(0, |text| variables(text).len());
        let given = component(sent, kind)
            .and_then(|c| c.get("parameters"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if expected != given {
            return Some(error(
                132_000,
                0,
                "(#132000) Number of parameters does not match the expected number of params",
            ));
        }
    }
    None
}

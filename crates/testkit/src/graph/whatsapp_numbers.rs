//! What a WhatsApp system-user token can see: the business accounts it was
//! granted (`debug_token`) and each account's numbers.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde_json::json;

use super::*;

/// `debug_token` for a WhatsApp system-user token: the WhatsApp Business
/// Accounts it was granted (Meta lists them per scope).
pub(super) async fn debug_token(
    State(api): State<Api>,
    Query(query): Params,
    headers: HeaderMap,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    match grant(&token) {
        Some(Grant::Whatsapp {
            business_account: Some(business_account),
            ..
        }) => ok(
            json!({"data": {"app_id": "111", "type": "SYSTEM_USER", "is_valid": true, "granular_scopes": [
                {"scope": "whatsapp_business_management", "target_ids": [OTHER_BUSINESS_ACCOUNT, business_account]},
                {"scope": "whatsapp_business_messaging", "target_ids": [business_account]},
                {"scope": "business_management"}
            ]}}),
        ),
        Some(_) => ok(json!({"data": {"app_id": "111", "is_valid": true, "granular_scopes": []}})),
        None => invalid_token(),
    }
}

/// A WhatsApp Business Account's numbers, for a token granted that account.
pub(super) async fn phone_numbers(
    State(api): State<Api>,
    Path(id): Path<String>,
    Query(query): Params,
    headers: HeaderMap,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    match grant(&token) {
        Some(Grant::Whatsapp {
            number,
            business_account: Some(business_account),
        }) if business_account == id => ok(json!({
            "data": [{"id": "OTHER-NUMBER", "display_phone_number": "15550009"},
                     {"id": number, "display_phone_number": "15550001"}],
            "paging": {"cursors": {"before": "a", "after": "b"}}})),
        Some(Grant::Whatsapp {
            business_account: Some(_),
            ..
        }) if id == OTHER_BUSINESS_ACCOUNT => {
            ok(json!({"data": [{"id": "OTHER-NUMBER", "display_phone_number": "15550009"}]}))
        }
        Some(_) => missing_object(&id),
        None => invalid_token(),
    }
}

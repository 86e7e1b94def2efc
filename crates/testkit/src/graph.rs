//! A local Graph API that answers like Meta's, errors included: sends,
//! profiles, lead forms, subscriptions, WhatsApp numbers and their business
//! accounts, Instagram tokens, and what the relay asks to prove that a token
//! controls an account.
//!
//! A token names what it controls, so a test reads plainly:
//! - `page:P` is a page token of page P; `page:P:ig:I` also has P's linked
//!   Instagram professional account I;
//! - `ig:I` is an Instagram Login token of account I (on graph.instagram.com);
//! - `wa:N` is a WhatsApp token that can read number N, and `wa:N@W` was also
//!   granted WhatsApp Business Account W (which lists N among its numbers).
//!
//! A token comes as `Authorization: Bearer` (the desktop) or as
//! `access_token` with its `appsecret_proof` (the relay). A proof that is
//! given must be right; [`GraphLog::requires_app_secret_proof`] refuses calls
//! without one, as Meta does when "Require App Secret" is on.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::Mutex;

use crate::relay::APP_SECRET;

/// The page token of `PAGE1`, the page most engine tests connect.
pub const PAGE_TOKEN: &str = "page:PAGE1";
/// A WhatsApp token for number `P1` of WhatsApp Business Account `WABA`.
pub const WHATSAPP_TOKEN: &str = "wa:P1@WABA";
/// Another business account every WhatsApp token with one was also granted:
/// it holds other numbers, so finding a number's account has to look.
pub const OTHER_BUSINESS_ACCOUNT: &str = "WABA-OTHER";

/// What the local Graph API was asked, and the state a test sets.
#[derive(Debug, Default)]
pub struct GraphLog {
    /// Each send: the account in the path, the `Authorization` header, the body.
    pub sends: Vec<(String, String, Value)>,
    /// Every token has expired (Meta's 190/463).
    pub expired: bool,
    pub requires_app_secret_proof: bool,
    pub lead_fetches: usize,
    /// Pages whose webhooks reach the app, and the fields of each subscription.
    pub subscribed: HashSet<String>,
    pub subscriptions: Vec<(String, String)>,
    /// A WhatsApp Business Account's message templates, as Meta lists them
    /// (`GET /{waba}/message_templates` of any account the token was granted).
    pub templates: Vec<Value>,
    /// How many templates one page holds (0: as many as asked).
    pub template_page_size: usize,
    pub template_lists: usize,
    /// WhatsApp media by media id (`GET /{media_id}`, then its download address).
    pub media: HashMap<String, whatsapp_media::FakeMedia>,
    pub media_downloads: usize,
    /// Instagram and Messenger attachments at `{url}/cdn/{name}`, as on Meta's content servers.
    pub content: HashMap<String, whatsapp_media::FakeMedia>,
    /// Every file sent: uploaded to WhatsApp or Instagram, or inside a Messenger send.
    pub uploads: Vec<outgoing_files::Upload>,
    /// Sends of words alone are refused as rate-limited (Meta's code 4).
    pub refuse_words: bool,
}

/// A local Graph API serving on loopback until the test ends.
#[derive(Debug, Clone)]
pub struct FakeGraph {
    /// The server's root: Facebook's Graph API is at `{url}/v21.0`.
    pub url: String,
    pub log: Arc<Mutex<GraphLog>>,
}

impl FakeGraph {
    pub async fn start() -> FakeGraph {
        let log = Arc::new(Mutex::new(GraphLog::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let facebook = axum::Router::new()
            .route("/me", get(me))
            .route("/debug_token", get(whatsapp_numbers::debug_token))
            .route("/{id}", get(node))
            .route("/{id}/phone_numbers", get(whatsapp_numbers::phone_numbers))
            .route("/{id}/messages", post(messages))
            .route("/{id}/media", post(outgoing_files::whatsapp_upload))
            .route(
                "/{id}/message_attachments",
                post(outgoing_files::attachment_upload),
            )
            .route(
                "/{id}/message_templates",
                get(whatsapp_templates::message_templates),
            )
            .route(
                "/{id}/subscribed_apps",
                get(logins::subscribed_apps).post(logins::subscribe_app),
            )
            // Meta takes files of up to 100 MB; axum's default stops at 2.
            .layer(axum::extract::DefaultBodyLimit::max(128 * 1024 * 1024))
            .with_state(Api {
                log: log.clone(),
                instagram: false,
                base: url.clone(),
            });
        let instagram = axum::Router::new()
            .route("/v21.0/me", get(logins::instagram_me))
            .route("/v21.0/{id}", get(node))
            .route("/v21.0/{id}/messages", post(messages))
            .route("/refresh_access_token", get(logins::refresh_token))
            .with_state(Api {
                log: log.clone(),
                instagram: true,
                base: url.clone(),
            });
        let app = axum::Router::new()
            .route(
                "/cdn/{name}",
                get(whatsapp_media::content).with_state(Api {
                    log: log.clone(),
                    instagram: false,
                    base: url.clone(),
                }),
            )
            .route(
                "/media-download/{id}",
                get(whatsapp_media::download).with_state(Api {
                    log: log.clone(),
                    instagram: false,
                    base: url.clone(),
                }),
            )
            .nest("/v21.0", facebook)
            .nest("/instagram", instagram);
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeGraph { url, log }
    }

    /// Facebook's Graph API with its version, as the relay's `graph_url`.
    pub fn graph_url(&self) -> String {
        format!("{}/v21.0", self.url)
    }

    /// graph.instagram.com, as the relay's `instagram_graph_url`.
    pub fn instagram_url(&self) -> String {
        format!("{}/instagram", self.url)
    }
}

/// The token that proves control of an account here.
pub fn token_for(platform: &str, account: &str, business_account: Option<&str>) -> String {
    match (platform, business_account) {
        ("messenger", _) => format!("page:{account}"),
        ("instagram", _) => format!("page:PAGE-OF-{account}:ig:{account}"),
        ("whatsapp", Some(business_account)) => format!("wa:{account}@{business_account}"),
        ("whatsapp", None) => format!("wa:{account}"),
        _ => String::new(),
    }
}

/// What a token controls.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Grant<'a> {
    Page {
        page: &'a str,
        instagram: Option<&'a str>,
    },
    Instagram {
        account: &'a str,
    },
    Whatsapp {
        number: &'a str,
        business_account: Option<&'a str>,
    },
}

fn grant(token: &str) -> Option<Grant<'_>> {
    let parts: Vec<&str> = token.split(':').collect();
    match parts.as_slice() {
        ["page", page] => Some(Grant::Page {
            page,
            instagram: None,
        }),
        ["page", page, "ig", instagram] => Some(Grant::Page {
            page,
            instagram: Some(instagram),
        }),
        ["ig", account] | ["ig", account, "refreshed"] => Some(Grant::Instagram { account }),
        ["wa", grant] => Some(match grant.split_once('@') {
            Some((number, business_account)) => Grant::Whatsapp {
                number,
                business_account: Some(business_account),
            },
            None => Grant::Whatsapp {
                number: grant,
                business_account: None,
            },
        }),
        _ => None,
    }
}

type Answer = (StatusCode, Json<Value>);
type Params = Query<HashMap<String, String>>;

fn error(code: i64, subcode: i64, message: &str) -> Answer {
    (
        StatusCode::BAD_REQUEST,
        Json(
            json!({"error": {"message": message, "type": "OAuthException", "code": code,
            "error_subcode": subcode, "fbtrace_id": "AbC1"}}),
        ),
    )
}

fn invalid_token() -> Answer {
    error(
        190,
        0,
        "Invalid OAuth access token - Cannot parse access token",
    )
}

fn expired_token() -> Answer {
    error(
        190,
        463,
        "Error validating access token: Session has expired",
    )
}

fn missing_object(id: &str) -> Answer {
    error(
        100,
        33,
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

fn ok(body: Value) -> Answer {
    (StatusCode::OK, Json(body))
}

/// One of the two hosts, graph.facebook.com or graph.instagram.com (which
/// knows no `appsecret_proof`).
#[derive(Clone)]
struct Api {
    log: Arc<Mutex<GraphLog>>,
    instagram: bool,
    /// The server's root address (for the media download addresses it gives).
    base: String,
}

/// The caller's token, or the handler answers with Graph's error.
macro_rules! token_or_answer {
    ($api:expr, $query:expr, $headers:expr) => {
        match caller_token(&$api, &$query, &$headers).await {
            Ok(token) => token,
            Err(answer) => return answer,
        }
    };
}

/// The caller's token, checked as Graph checks it: its proof, its expiry.
async fn caller_token(
    api: &Api,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<String, Answer> {
    let log = api.log.lock().await;
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let token = bearer
        .or(query.get("access_token").map(String::as_str))
        .ok_or_else(invalid_token)?;
    match query.get("appsecret_proof") {
        Some(proof) if *proof != app_secret_proof(token) => {
            return Err(error(
                100,
                0,
                "Invalid appsecret_proof provided in the API argument",
            ));
        }
        None if log.requires_app_secret_proof && !api.instagram => {
            return Err(error(
                100,
                0,
                "API calls from the server require an appsecret_proof argument",
            ));
        }
        _ => {}
    }
    if log.expired {
        return Err(expired_token());
    }
    Ok(token.to_owned())
}

fn app_secret_proof(token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn me(State(api): State<Api>, Query(query): Params, headers: HeaderMap) -> Answer {
    let token = token_or_answer!(api, query, headers);
    match grant(&token) {
        Some(Grant::Page {
            page,
            instagram: None,
        }) => ok(json!({"id": page, "name": "Ana's Salon"})),
        Some(Grant::Page {
            page,
            instagram: Some(instagram),
        }) => ok(json!({"id": page, "name": "Ana's Salon",
            "instagram_business_account": {"id": instagram}})),
        // A WhatsApp system-user token's /me is the system user.
        Some(Grant::Whatsapp { .. }) => ok(json!({"id": "SYSTEM-USER-1"})),
        Some(Grant::Instagram { .. }) | None => invalid_token(),
    }
}

/// A node read by id: a person's profile (the Messenger User Profile API,
/// refused until the person has written), a lead (the first fetch fails as
/// Meta's transient errors do), the token's page, Instagram account or
/// WhatsApp number.
async fn node(
    State(api): State<Api>,
    Path(id): Path<String>,
    Query(query): Params,
    headers: HeaderMap,
) -> Answer {
    let token = token_or_answer!(api, query, headers);
    if let Some(media) = whatsapp_media::metadata(&api, &id, &token, &api.base).await {
        return media;
    }
    let Some(grant) = grant(&token) else {
        return invalid_token();
    };
    let is_page = matches!(grant, Grant::Page { .. });
    if query.get("fields").map(String::as_str) == Some("first_name,last_name,name") {
        return match (is_page, id.as_str()) {
            (false, _) => expired_token(),
            (true, "PSID-SILENT") => error(
                2_018_218,
                0,
                "User consent is required to access user profile",
            ),
            (true, _) => ok(json!({"first_name": "Marta", "last_name": "Puig", "id": id})),
        };
    }
    if id.starts_with("LEAD") {
        let mut log = api.log.lock().await;
        log.lead_fetches += 1;
        if log.lead_fetches == 1 {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(
                    json!({"error": {"message": "An unknown error occurred", "code": 1, "is_transient": true}}),
                ),
            );
        }
        if !is_page {
            return expired_token();
        }
        return ok(
            json!({"id": id, "created_time": "2026-11-23T10:00:00+0000", "field_data": [
                {"name": "full_name", "values": ["Ana García"]},
                {"name": "email", "values": ["ana@example.com"]},
                {"name": "phone_number", "values": ["+34600111222"]},
                {"name": "preferred_day", "values": ["Saturday"]}
            ]}),
        );
    }
    match grant {
        Grant::Page { page, .. } if page == id => ok(json!({"id": id, "name": "Ana's Salon"})),
        Grant::Page {
            instagram: Some(instagram),
            ..
        } if instagram == id => ok(json!({"id": id, "username": "anas_salon"})),
        Grant::Whatsapp { number, .. } if number == id => ok(
            json!({"id": id, "display_phone_number": "15550001", "verified_name": "Ana's Salon"}),
        ),
        _ => missing_object(&id),
    }
}

/// The Send API (Messenger, Instagram) and WhatsApp's Cloud API: every send
/// is logged and answered with a new message id.
async fn messages(
    State(api): State<Api>,
    Path(id): Path<String>,
    Query(query): Params,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Answer {
    use axum::extract::FromRequest as _;
    let token = token_or_answer!(api, query, headers);
    if grant(&token).is_none() {
        return invalid_token();
    }
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (body, file) = if is_form {
        let form = match axum::extract::Multipart::from_request(request, &()).await {
            Ok(multipart) => match outgoing_files::Form::read(multipart).await {
                Ok(form) => form,
                Err(answer) => return answer,
            },
            Err(_) => return error(100, 0, "(#100) The request could not be read as a form"),
        };
        match outgoing_files::messenger_file_send(&token, form) {
            Ok((body, file)) => (body, Some(file)),
            Err(answer) => return answer,
        }
    } else {
        match Json::<Value>::from_request(request, &()).await {
            Ok(Json(body)) => (body, None),
            Err(_) => return error(100, 0, "(#100) The request body is not JSON"),
        }
    };
    let mut log = api.log.lock().await;
    if body["type"] == "template"
        && let Some(refused) = whatsapp_templates::refusal(&log, &body)
    {
        return refused;
    }
    let words_alone = body.pointer("/message/text").is_some() || body["type"] == "text";
    if log.refuse_words && words_alone {
        return error(4, 0, "(#4) Application request limit reached");
    }
    let refused = if body["messaging_product"] == "whatsapp" {
        outgoing_files::whatsapp_file_refusal(&log, &body)
    } else {
        outgoing_files::instagram_attachment_refusal(&log, &body)
    };
    if let Some(refused) = refused {
        return refused;
    }
    let auth = format!("Bearer {token}");
    log.sends.push((id, auth, body.clone()));
    let n = log.sends.len();
    if let Some((mime_type, file_name, bytes)) = file {
        log.uploads.push(outgoing_files::Upload {
            id: format!("m_SENT{n}"),
            platform: "messenger",
            mime_type,
            file_name,
            bytes,
        });
    }
    if body["messaging_product"] == "whatsapp" {
        return ok(json!({"messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": format!("wamid.SENT{n}")}]}));
    }
    ok(json!({"recipient_id": body["recipient"]["id"], "message_id": format!("m_SENT{n}")}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_what_they_control() {
        assert_eq!(
            grant(&token_for("instagram", "1784", None)),
            Some(Grant::Page {
                page: "PAGE-OF-1784",
                instagram: Some("1784")
            })
        );
        assert_eq!(
            grant(WHATSAPP_TOKEN),
            Some(Grant::Whatsapp {
                number: "P1",
                business_account: Some("WABA")
            })
        );
        assert_eq!(
            grant("ig:17841:refreshed"),
            Some(Grant::Instagram { account: "17841" })
        );
        assert_eq!(grant("page-token"), None);
    }
}

mod logins;
mod outgoing_files;
mod whatsapp_media;
mod whatsapp_numbers;
mod whatsapp_templates;
pub use outgoing_files::Upload;
pub use whatsapp_media::FakeMedia;

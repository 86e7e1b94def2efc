//! The website chat through the relay's HTTP API: visitor messages sealed to
//! the business, replies to the visitor's page, origins, isolation and limits.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod support;

use leadbox_envelope::api::WidgetSite;
use leadbox_envelope::open;
use leadbox_envelope::payload::Payload;
use leadbox_relay::config::RateLimits;
use leadbox_testkit::http::SendJson;
use serde_json::{Value, json};
use support::{Device, Relay, start_relay, start_relay_with};

const SITE_ORIGIN: &str = "https://salon.example";

impl Relay {
    async fn add_site(&self, device: &Device) -> WidgetSite {
        let response = self
            .http
            .post(format!("{}/v1/widget/sites", self.url))
            .bearer_auth(&device.token)
            .json(&json!({"name": "Salon website", "origins": ["https://Salon.example/"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    async fn visitor_post(&self, site: &str, origin: &str, body: Value) -> reqwest::Response {
        self.http
            .post(format!("{}/widget/v1/{site}/messages", self.url))
            .header("origin", origin)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A visitor's first message; returns the session secret their page keeps.
    async fn start_chat(&self, site: &str, text: &str) -> String {
        let response = self
            .visitor_post(site, SITE_ORIGIN, json!({"text": text}))
            .await;
        assert_eq!(response.status(), 201);
        let accepted: Value = response.json().await.unwrap();
        accepted["session"].as_str().unwrap().to_owned()
    }

    async fn visitor_replies(&self, site: &str, session: &str, after: u64) -> Vec<Value> {
        let response = self
            .http
            .get(format!(
                "{}/widget/v1/{site}/replies?after={after}&wait=0",
                self.url
            ))
            .header("origin", SITE_ORIGIN)
            .header("x-leadbox-session", session)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        page["replies"].as_array().unwrap().clone()
    }

    async fn reply(&self, device: &Device, site: &str, session_ref: &str, id: &str) -> u16 {
        self.http
            .post(format!("{}/v1/widget/replies", self.url))
            .bearer_auth(&device.token)
            .json(&json!({"site_id": site, "session_id": session_ref, "reply_id": id, "text": "Yes, Friday at 3 works."}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

#[tokio::test]
async fn a_visitor_message_is_sealed_to_the_business_and_the_reply_reaches_the_page_once() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Ana's Salon").await;
    let site = relay.add_site(&device).await;
    assert_eq!(site.origins, [SITE_ORIGIN], "origins are normalized");

    let response = relay
        .visitor_post(
            &site.site_id,
            SITE_ORIGIN,
            json!({"text": "Can I book nails on Friday?", "name": "Bea", "client_message_id": "page-msg-0001"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let accepted: Value = response.json().await.unwrap();
    let session = accepted["session"].as_str().unwrap().to_owned();

    let page = relay.fetch(&device, 0).await;
    assert_eq!(page.envelopes.len(), 1);
    let payload = Payload::from_bytes(&open(&device.secret, &page.envelopes[0]).unwrap()).unwrap();
    let Payload::WidgetMessage {
        site_id,
        session_id,
        message_id,
        text,
        visitor_name,
        ..
    } = payload
    else {
        panic!("not a website chat message: {payload:?}");
    };
    assert_eq!(site_id, site.site_id);
    assert_eq!(text, "Can I book nails on Friday?");
    assert_eq!(visitor_name.as_deref(), Some("Bea"));
    assert_eq!(message_id, accepted["message_id"].as_str().unwrap());
    assert_ne!(
        session_id, session,
        "the desktop never learns the page's secret"
    );

    assert!(
        relay
            .visitor_replies(&site.site_id, &session, 0)
            .await
            .is_empty()
    );
    assert_eq!(
        relay
            .reply(&device, &site.site_id, &session_id, "draft-7")
            .await,
        201
    );
    assert_eq!(
        relay
            .reply(&device, &site.site_id, &session_id, "draft-7")
            .await,
        201,
        "a retried send is accepted"
    );
    let replies = relay.visitor_replies(&site.site_id, &session, 0).await;
    assert_eq!(replies.len(), 1, "and delivered once: {replies:?}");
    assert_eq!(replies[0]["text"], "Yes, Friday at 3 works.");
    let seq = replies[0]["seq"].as_u64().unwrap();
    assert!(
        relay
            .visitor_replies(&site.site_id, &session, seq)
            .await
            .is_empty()
    );

    // The same page writing again stays in the same chat.
    let again = relay
        .visitor_post(
            &site.site_id,
            SITE_ORIGIN,
            json!({"text": "Great, thanks", "session": session}),
        )
        .await;
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["session"], session.as_str());
}

#[tokio::test]
async fn a_long_poll_for_replies_returns_when_the_reply_is_queued() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Ana's Salon").await;
    let site = relay.add_site(&device).await;
    let session = relay.start_chat(&site.site_id, "Hello?").await;
    let reference = leadbox_relay::store::hash_secret(&session);
    let poll = {
        let http = relay.http.clone();
        let url = format!(
            "{}/widget/v1/{}/replies?after=0&wait=20",
            relay.url, site.site_id
        );
        let session = session.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let page: Value = http
                .get(url)
                .header("x-leadbox-session", session)
                .send_json()
                .await;
            (page, started.elapsed())
        })
    };
    relay.until_polls_wait("visitor", 1).await;
    assert_eq!(
        relay.reply(&device, &site.site_id, &reference, "d1").await,
        201
    );
    let (page, waited) = poll.await.unwrap();
    assert_eq!(page["replies"].as_array().unwrap().len(), 1);
    assert!(
        waited < std::time::Duration::from_secs(20),
        "woken by the reply, not the timeout"
    );
}

#[tokio::test]
async fn only_the_sites_own_origins_may_use_its_chat_and_the_page_and_owner_learn_why() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Ana's Salon").await;
    let site = relay.add_site(&device).await;
    let unlisted = "https://www.salon.example";
    let preflight = relay
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/widget/v1/{}/messages", relay.url, site.site_id),
        )
        .header("origin", unlisted)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        unlisted,
        "the page may send, so that it can read the refusal"
    );
    let hello = |origin: &'static str| {
        relay
            .http
            .get(format!("{}/widget/v1/{}/hello", relay.url, site.site_id))
            .header("origin", origin)
            .send()
    };
    let listed = hello(SITE_ORIGIN).await.unwrap();
    assert_eq!(listed.status(), 200);
    assert_eq!(listed.json::<Value>().await.unwrap()["available"], true);
    let refused = hello(unlisted).await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(refused.headers()["access-control-allow-origin"], unlisted);
    let reason: Value = refused.json().await.unwrap();
    assert_eq!(reason["code"], "origin_not_allowed");

    let posted = relay
        .visitor_post(&site.site_id, unlisted, json!({"text": "hi"}))
        .await;
    assert_eq!(posted.status(), 403);
    assert_eq!(
        posted.json::<Value>().await.unwrap()["code"],
        "origin_not_allowed"
    );
    // `null` (a sandboxed frame or a file) is refused and not shown to the owner.
    let null = relay
        .visitor_post(&site.site_id, "null", json!({"text": "hi"}))
        .await;
    assert_eq!(null.status(), 403);
    let unknown = relay
        .visitor_post("site_nope", SITE_ORIGIN, json!({"text": "hi"}))
        .await;
    assert_eq!(unknown.status(), 404);
    assert!(relay.fetch(&device, 0).await.envelopes.is_empty());
    assert_eq!(
        relay
            .metric("leadbox_widget_rejected_total{reason=\"origin\"}")
            .await,
        3
    );

    // The owner sees the address with its count, and adds it in one call.
    let sites = |device: &Device| {
        relay
            .http
            .get(format!("{}/v1/widget/sites", relay.url))
            .bearer_auth(&device.token)
            .send_as::<Vec<WidgetSite>>()
    };
    let shown = sites(&device).await.remove(0);
    let counted: Vec<(&str, u64)> = shown
        .refused_origins
        .iter()
        .map(|r| (r.origin.as_str(), r.refusals))
        .collect();
    assert_eq!(counted, [(unlisted, 2)]);
    let stranger = relay.pair("Other Shop").await;
    let add = |device: &Device, origin: &str| {
        relay
            .http
            .post(format!(
                "{}/v1/widget/sites/{}/origins",
                relay.url, site.site_id
            ))
            .bearer_auth(&device.token)
            .json(&json!({ "origin": origin }))
            .send()
    };
    assert_eq!(add(&stranger, unlisted).await.unwrap().status(), 404);
    assert_eq!(
        add(&device, "www.salon.example").await.unwrap().status(),
        400
    );
    let added = add(&device, unlisted).await.unwrap();
    assert_eq!(added.status(), 200);
    let added: WidgetSite = added.json().await.unwrap();
    assert_eq!(added.origins, [SITE_ORIGIN, unlisted]);
    assert!(added.refused_origins.is_empty());
    let posted = relay
        .visitor_post(&site.site_id, unlisted, json!({"text": "hi"}))
        .await;
    assert_eq!(posted.status(), 201, "the added address works at once");
    assert_eq!(relay.fetch(&device, 0).await.envelopes.len(), 1);
}

#[tokio::test]
async fn another_business_cannot_see_or_answer_a_sites_visitors() {
    let relay = start_relay(1 << 20).await;
    let owner = relay.pair("Ana's Salon").await;
    let stranger = relay.pair("Other Shop").await;
    let site = relay.add_site(&owner).await;
    let session = relay.start_chat(&site.site_id, "Hello").await;
    let reference = leadbox_relay::store::hash_secret(&session);
    assert_eq!(
        relay.reply(&stranger, &site.site_id, &reference, "x").await,
        404
    );
    assert!(relay.fetch(&stranger, 0).await.envelopes.is_empty());
    let listed: Vec<WidgetSite> = relay
        .http
        .get(format!("{}/v1/widget/sites", relay.url))
        .bearer_auth(&stranger.token)
        .send_as()
        .await;
    assert!(listed.is_empty());
    let claim = relay.claim(&stranger, "website", &site.site_id).await;
    assert_eq!(
        claim, 400,
        "a site's route cannot be claimed through /v1/routes"
    );
}

#[tokio::test]
async fn bad_visitor_posts_get_a_clear_error() {
    let relay = start_relay(1 << 20).await;
    let device = relay.pair("Ana's Salon").await;
    let site = relay.add_site(&device).await;
    for (body, words) in [
        (json!({"text": "   "}), "empty"),
        (json!({"text": "a".repeat(2001)}), "too long"),
        (json!({"text": "hi", "email": "nope"}), "email"),
        (json!({"message": "hi"}), "could not be read"),
    ] {
        let response = relay.visitor_post(&site.site_id, SITE_ORIGIN, body).await;
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert!(
            error["message"].as_str().unwrap().contains(words),
            "{error}"
        );
    }
    assert!(relay.fetch(&device, 0).await.envelopes.is_empty());
}

#[tokio::test]
async fn visitors_are_limited_per_address_and_per_session() {
    let limits = RateLimits {
        widget_requests_per_minute: 100,
        widget_messages_per_minute: 2,
        ..RateLimits::default()
    };
    let relay = start_relay_with(1 << 20, limits).await;
    let device = relay.pair("Ana's Salon").await;
    let site = relay.add_site(&device).await;
    let session = relay.start_chat(&site.site_id, "one").await;
    let session = session.as_str();
    let second = relay
        .visitor_post(
            &site.site_id,
            SITE_ORIGIN,
            json!({"text": "two", "session": session}),
        )
        .await;
    assert_eq!(second.status(), 201);
    let third = relay
        .visitor_post(
            &site.site_id,
            SITE_ORIGIN,
            json!({"text": "three", "session": session}),
        )
        .await;
    assert_eq!(third.status(), 429);
    assert_eq!(relay.fetch(&device, 0).await.envelopes.len(), 2);

    let strict = start_relay_with(
        1 << 20,
        RateLimits {
            widget_requests_per_minute: 3,
            ..RateLimits::default()
        },
    )
    .await;
    let device = strict.pair("Ana's Salon").await;
    let site = strict.add_site(&device).await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        let response = strict
            .visitor_post(
                &site.site_id,
                SITE_ORIGIN,
                json!({"text": format!("hi {n}")}),
            )
            .await;
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            assert_eq!(
                response.headers()["access-control-allow-origin"],
                SITE_ORIGIN,
                "the page can read the refusal"
            );
        }
    }
    assert_eq!(statuses, [201, 201, 201, 429]);
}

#[tokio::test]
async fn the_device_api_is_limited_per_address() {
    let limits = RateLimits {
        device_requests_per_second: 1,
        ..RateLimits::default()
    };
    let relay = start_relay_with(1 << 20, limits).await;
    let device = relay.pair("Ana's Salon").await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let status = relay
            .http
            .get(format!("{}/v1/widget/sites", relay.url))
            .bearer_auth(&device.token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        statuses.push(status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().take(4).all(|s| *s == 200),
        "a burst is allowed: {statuses:?}"
    );
    // Meta's webhooks are never limited.
    for _ in 0..10 {
        assert_ne!(relay.post_webhook(b"{}".to_vec(), None).await, 429);
    }
}

#[tokio::test]
async fn the_script_is_served_as_javascript_and_loads_nothing_else() {
    let relay = start_relay(1 << 20).await;
    let response = relay
        .http
        .get(format!("{}/widget.js", relay.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let script = response.text().await.unwrap();
    let code = &script[script.find("*/").unwrap()..];
    for forbidden in [
        "http://",
        "https://",
        "innerHTML",
        "insertAdjacentHTML",
        "eval(",
        "document.write",
    ] {
        assert!(!code.contains(forbidden), "widget.js contains {forbidden}");
    }
}

#[tokio::test]
async fn behind_a_proxy_on_this_computer_each_visitor_has_its_own_budget() {
    // trust_forwarded_for is left false, as an operator might: the proxy
    // connects from 127.0.0.1 and says who the visitor is.
    let limits = RateLimits {
        device_requests_per_second: 1,
        ..RateLimits::default()
    };
    let relay = start_relay_with(1 << 20, limits).await;
    let device = relay.pair("Ana's Salon").await;
    let call = |visitor: &'static str| {
        relay
            .http
            .get(format!("{}/v1/widget/sites", relay.url))
            .bearer_auth(&device.token)
            .header("x-forwarded-for", visitor)
            .send()
    };
    let mut flood = Vec::new();
    for _ in 0..8 {
        flood.push(call("203.0.113.7").await.unwrap().status().as_u16());
    }
    assert!(
        flood.contains(&429),
        "the flooding visitor is limited: {flood:?}"
    );
    assert_eq!(
        call("198.51.100.2").await.unwrap().status(),
        200,
        "another visitor behind the same proxy is not"
    );
}

#[tokio::test]
async fn leaving_out_or_inventing_the_session_does_not_escape_the_visitor_limit() {
    let limits = RateLimits {
        widget_requests_per_minute: 1000,
        widget_messages_per_minute: 2,
        ..RateLimits::default()
    };
    let relay = start_relay_with(1 << 20, limits).await;
    let device = relay.pair("Ana's Salon").await;
    let site = relay.add_site(&device).await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        // No session, then made-up ones: each would start a new session.
        let body = if n % 2 == 0 {
            json!({"text": format!("spam {n}")})
        } else {
            json!({"text": format!("spam {n}"), "session": format!("invented-{n}-aaaaaaaaaaaaaaaaaaaa")})
        };
        statuses.push(
            relay
                .visitor_post(&site.site_id, SITE_ORIGIN, body)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        statuses,
        [201, 201, 429, 429],
        "new sessions from one address are limited"
    );
    assert_eq!(relay.fetch(&device, 0).await.envelopes.len(), 2);
    let sessions: i64 = relay.state.store.widget_session_count().await.unwrap();
    assert_eq!(sessions, 2, "a refused message writes no session");
}

#[tokio::test]
async fn a_site_takes_a_bounded_number_of_messages_from_all_visitors_together() {
    let limits = RateLimits {
        widget_requests_per_minute: 1000,
        ..RateLimits::default()
    };
    let relay = start_relay_with(1 << 20, limits).await;
    let device = relay.pair("Ana's Salon").await;
    let site = relay.add_site(&device).await;
    let budget = leadbox_relay::http::limits::SITE_MESSAGES_PER_MINUTE;
    let mut accepted = 0;
    let mut refused = 0;
    // Each message from another visitor address (through a proxy on this computer).
    // The budget refills by one every 200 ms; 50 over it in a second or two
    // cannot all pass.
    for n in 0..budget + 50 {
        let status = relay
            .http
            .post(format!("{}/widget/v1/{}/messages", relay.url, site.site_id))
            .header("origin", SITE_ORIGIN)
            .header("x-forwarded-for", format!("10.{}.{}.1", n / 250, n % 250))
            .json(&json!({"text": format!("hello {n}")}))
            .send()
            .await
            .unwrap()
            .status();
        match status.as_u16() {
            201 => accepted += 1,
            429 => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        accepted >= budget && refused > 0,
        "accepted {accepted}, refused {refused}"
    );
}

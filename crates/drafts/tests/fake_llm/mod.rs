//! A local stand-in for OpenAI-compatible and Anthropic endpoints: real HTTP on
//! loopback, answering from a script of documented success and error bodies.

#![allow(dead_code, clippy::unwrap_used)] // Shared by several test crates; each uses part of it.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Mutex;

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub delay: Duration,
}

impl Reply {
    pub fn openai_ok(text: &str) -> Reply {
        Reply::openai(text, "stop")
    }

    pub fn openai(text: &str, finish_reason: &str) -> Reply {
        Reply {
            status: 200,
            body: json!({
                "id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}],
                "usage": {"prompt_tokens": 321, "completion_tokens": 45, "total_tokens": 366}
            }),
            delay: Duration::ZERO,
        }
    }

    pub fn anthropic_ok(text: &str) -> Reply {
        Reply::anthropic(text, "end_turn")
    }

    pub fn anthropic(text: &str, stop_reason: &str) -> Reply {
        Reply {
            status: 200,
            body: json!({
                "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
                "content": [{"type": "text", "text": text}],
                "stop_reason": stop_reason,
                "usage": {"input_tokens": 280, "output_tokens": 30}
            }),
            delay: Duration::ZERO,
        }
    }

    /// OpenAI's error shape: `{"error": {"message", "type", "code"}}`.
    pub fn openai_error(status: u16, message: &str, code: &str) -> Reply {
        Reply {
            status,
            body: json!({"error": {"message": message, "type": "invalid_request_error", "code": code}}),
            delay: Duration::ZERO,
        }
    }

    /// Anthropic's error shape: `{"type": "error", "error": {"type", "message"}}`.
    pub fn anthropic_error(status: u16, kind: &str, message: &str) -> Reply {
        Reply {
            status,
            body: json!({"type": "error", "error": {"type": kind, "message": message}}),
            delay: Duration::ZERO,
        }
    }

    pub fn slow(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct Script {
    replies: Vec<Reply>,
    requests: Vec<Value>,
    headers: Vec<HeaderMap>,
}

pub struct FakeLlm {
    address: std::net::SocketAddr,
    script: Arc<Mutex<Script>>,
}

async fn answer(
    State(script): State<Arc<Mutex<Script>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let reply = {
        let mut script = script.lock().await;
        script.requests.push(body);
        script.headers.push(headers);
        if script.replies.len() > 1 {
            script.replies.remove(0)
        } else {
            script.replies[0].clone()
        }
    };
    tokio::time::sleep(reply.delay).await;
    (
        StatusCode::from_u16(reply.status).unwrap(),
        Json(reply.body),
    )
        .into_response()
}

impl FakeLlm {
    /// Serves the replies in order; the last one repeats.
    pub async fn start(replies: Vec<Reply>) -> FakeLlm {
        let script = Arc::new(Mutex::new(Script {
            replies,
            ..Script::default()
        }));
        let app = axum::Router::new()
            .route("/v1/chat/completions", post(answer))
            .route("/v1/messages", post(answer))
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeLlm { address, script }
    }

    /// The OpenAI-style base URL (`…/v1`).
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    /// The Anthropic-style base URL (the client appends `/v1/messages`).
    pub fn anthropic_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub async fn requests(&self) -> Vec<Value> {
        self.script.lock().await.requests.clone()
    }

    pub async fn headers(&self) -> Vec<HeaderMap> {
        self.script.lock().await.headers.clone()
    }
}

//! What Leadbox's tests and benchmarks share, written once: a real relay on
//! loopback with test settings, a local Graph API, a synthetic inbox of realistic lead
//! messages, Meta's webhook signature, and latency figures as the
//! benchmarks print them. Only test and bench targets depend
//! on this crate.

pub mod clock;
pub mod graph;
pub mod http;
pub mod latency;
pub mod relay;
pub mod signing;
pub mod synthetic;
pub mod webhooks;

//! Counters the operator can scrape (`GET /metrics`, Prometheus text format).
//! They carry counts only: never ids of people, never bodies.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    pub webhooks_received: AtomicU64,
    pub rejected_bad_signature: AtomicU64,
    pub rejected_missing_signature: AtomicU64,
    pub rejected_malformed: AtomicU64,
    pub rejected_too_large: AtomicU64,
    pub entries_unrouted: AtomicU64,
    pub envelopes_sealed: AtomicU64,
    pub envelopes_delivered: AtomicU64,
    pub envelopes_acked: AtomicU64,
    pub envelopes_expired: AtomicU64,
    pub envelopes_evicted: AtomicU64,
    pub deletion_requests: AtomicU64,
}

impl Metrics {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn render(&self, queue_depth: u64) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut line = |name: &str, help: &str, kind: &str, samples: &[(&str, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        line(
            "leadbox_webhooks_received_total",
            "Webhook POSTs accepted.",
            "counter",
            &[("", get(&self.webhooks_received))],
        );
        line(
            "leadbox_webhooks_rejected_total",
            "Webhook POSTs refused, by reason.",
            "counter",
            &[
                (
                    "{reason=\"bad_signature\"}",
                    get(&self.rejected_bad_signature),
                ),
                (
                    "{reason=\"missing_signature\"}",
                    get(&self.rejected_missing_signature),
                ),
                ("{reason=\"malformed\"}", get(&self.rejected_malformed)),
                ("{reason=\"too_large\"}", get(&self.rejected_too_large)),
            ],
        );
        line(
            "leadbox_entries_unrouted_total",
            "Webhook entries for accounts no business claimed (dropped).",
            "counter",
            &[("", get(&self.entries_unrouted))],
        );
        line(
            "leadbox_envelopes_sealed_total",
            "Envelopes sealed and stored.",
            "counter",
            &[("", get(&self.envelopes_sealed))],
        );
        line(
            "leadbox_envelopes_delivered_total",
            "Envelopes handed to devices (with redeliveries).",
            "counter",
            &[("", get(&self.envelopes_delivered))],
        );
        line(
            "leadbox_envelopes_acked_total",
            "Envelopes acknowledged and deleted.",
            "counter",
            &[("", get(&self.envelopes_acked))],
        );
        line(
            "leadbox_envelopes_dropped_total",
            "Envelopes deleted unacknowledged, by reason (the device is told how many).",
            "counter",
            &[
                ("{reason=\"expired\"}", get(&self.envelopes_expired)),
                ("{reason=\"queue_full\"}", get(&self.envelopes_evicted)),
            ],
        );
        line(
            "leadbox_data_deletion_requests_total",
            "Data-deletion requests received from Meta.",
            "counter",
            &[("", get(&self.deletion_requests))],
        );
        line(
            "leadbox_queue_depth",
            "Envelopes waiting for acknowledgement.",
            "gauge",
            &[("", queue_depth)],
        );
        out
    }
}

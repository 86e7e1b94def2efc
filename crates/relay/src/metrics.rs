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
    /// Envelopes not sealed because a device's key could not be sealed to.
    pub seal_failures: AtomicU64,
    /// Connections closed at once because `max_connections` were open.
    pub connections_refused: AtomicU64,
    pub envelopes_sealed: AtomicU64,
    pub envelopes_delivered: AtomicU64,
    pub envelopes_acked: AtomicU64,
    pub envelopes_expired: AtomicU64,
    pub envelopes_evicted: AtomicU64,
    pub deletion_requests: AtomicU64,
    pub widget_messages: AtomicU64,
    pub widget_rejected_origin: AtomicU64,
    pub widget_rejected_invalid: AtomicU64,
    pub widget_rejected_rate: AtomicU64,
    pub widget_replies: AtomicU64,
    pub widget_replies_delivered: AtomicU64,
    /// From a webhook's arrival to its answer (200 only once durable).
    pub webhook_duration: Histogram,
    /// Parts of signed webhooks Leadbox does not use, by object and field.
    pub webhook_parts_ignored: IgnoredParts,
    /// Envelopes sealed and stored per business (by id, never by name).
    pub business_envelopes: PerBusiness,
    /// Entries dropped because their business was over its quota.
    pub business_over_quota: PerBusiness,
    /// Envelopes waiting for acknowledgement: kept up to date as envelopes
    /// are stored and acknowledged, and recounted by the minutely
    /// housekeeping, so `/metrics` never scans the table.
    pub queue_depth: std::sync::atomic::AtomicI64,
    /// Long-polls open right now, waiting for something new: desktops
    /// (`GET /v1/envelopes`) and website visitors' pages (replies).
    pub device_polls_waiting: std::sync::atomic::AtomicI64,
    pub visitor_polls_waiting: std::sync::atomic::AtomicI64,
}

/// Counts one waiting long-poll in its gauge for as long as it lives.
#[derive(Debug)]
pub struct Waiting<'a>(&'a std::sync::atomic::AtomicI64);

impl Waiting<'_> {
    pub fn on(gauge: &std::sync::atomic::AtomicI64) -> Waiting<'_> {
        gauge.fetch_add(1, Ordering::Relaxed);
        Waiting(gauge)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How many label pairs `IgnoredParts` keeps apart; the rest count as `other`.
/// The names come from Meta's (signed) bodies, but a bound keeps `/metrics`
/// small whatever arrives.
const IGNORED_LABELS: usize = 64;

/// Counts per `(object, field)` of webhook parts that were dropped.
#[derive(Debug, Default)]
pub struct IgnoredParts {
    counts: std::sync::Mutex<std::collections::BTreeMap<(String, String), u64>>,
}

/// A label value as Prometheus text allows it without escapes: lower-case
/// letters, digits and `_`, at most 64 characters; anything else is `other`.
fn label_value(text: &str) -> String {
    let clean = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if clean {
        text.to_owned()
    } else {
        "other".to_owned()
    }
}

impl IgnoredParts {
    pub fn add(&self, object: &str, field: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = (label_value(object), label_value(field));
        if !counts.contains_key(&key) && counts.len() >= IGNORED_LABELS {
            key = ("other".to_owned(), "other".to_owned());
        }
        *counts.entry(key).or_default() += 1;
    }

    pub fn get(&self, object: &str, field: &str) -> u64 {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts
            .get(&(object.to_owned(), field.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    fn samples(&self) -> Vec<(String, u64)> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts
            .iter()
            .map(|((object, field), n)| (format!("{{object=\"{object}\",field=\"{field}\"}}"), *n))
            .collect()
    }
}

/// Businesses counted apart in `/metrics`; beyond it they count as `other`.
const BUSINESS_LABELS: usize = 10_000;

/// A counter per business id: what an operator needs to see which business
/// is busy, without its name (or anything of its people) in `/metrics`.
#[derive(Debug, Default)]
pub struct PerBusiness {
    counts: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
}

impl PerBusiness {
    pub fn add(&self, business_id: &str, n: u64) {
        // Business ids are UUIDs; anything else would need escaping.
        let clean = !business_id.is_empty()
            && business_id.len() <= 64
            && business_id
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'-');
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let key = if clean && (counts.contains_key(business_id) || counts.len() < BUSINESS_LABELS) {
            business_id.to_owned()
        } else {
            "other".to_owned()
        };
        *counts.entry(key).or_default() += n;
    }

    pub fn get(&self, business_id: &str) -> u64 {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.get(business_id).copied().unwrap_or(0)
    }

    fn samples(&self) -> Vec<(String, u64)> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts
            .iter()
            .map(|(business, n)| (format!("{{business=\"{business}\"}}"), *n))
            .collect()
    }
}

/// Upper bounds of the latency buckets, in seconds (Prometheus `le`).
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// A Prometheus histogram: cumulative counts per bucket, the sum and the count.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, elapsed: std::time::Duration) {
        let seconds = elapsed.as_secs_f64();
        // Prometheus buckets are cumulative: every bound at or above the value counts it.
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {count}");
    }
}

impl Metrics {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// Envelopes stored (+) or deleted (−) since the last recount.
    pub fn queue_changed(&self, by: i64) {
        self.queue_depth.fetch_add(by, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let queue_depth = u64::try_from(self.queue_depth.load(Ordering::Relaxed)).unwrap_or(0);
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
        let ignored = self.webhook_parts_ignored.samples();
        let ignored: Vec<(&str, u64)> = ignored.iter().map(|(l, n)| (l.as_str(), *n)).collect();
        line(
            "leadbox_webhook_parts_ignored_total",
            "Parts of signed webhooks Leadbox does not use (answered 200 and dropped), by object and field.",
            "counter",
            &ignored,
        );
        line(
            "leadbox_entries_unrouted_total",
            "Webhook entries for accounts no business claimed (dropped).",
            "counter",
            &[("", get(&self.entries_unrouted))],
        );
        line(
            "leadbox_connections_refused_total",
            "Connections closed at once because max_connections were open.",
            "counter",
            &[("", get(&self.connections_refused))],
        );
        line(
            "leadbox_seal_failures_total",
            "Envelopes not sealed because a device's key is unusable (the other devices got theirs).",
            "counter",
            &[("", get(&self.seal_failures))],
        );
        line(
            "leadbox_envelopes_sealed_total",
            "Envelopes sealed and stored.",
            "counter",
            &[("", get(&self.envelopes_sealed))],
        );
        let per_business = self.business_envelopes.samples();
        let per_business: Vec<(&str, u64)> =
            per_business.iter().map(|(l, n)| (l.as_str(), *n)).collect();
        line(
            "leadbox_business_envelopes_sealed_total",
            "Envelopes sealed and stored, per business id (no names).",
            "counter",
            &per_business,
        );
        let over_quota = self.business_over_quota.samples();
        let over_quota: Vec<(&str, u64)> =
            over_quota.iter().map(|(l, n)| (l.as_str(), *n)).collect();
        line(
            "leadbox_business_entries_over_quota_total",
            "Webhook entries dropped because their business was over business_entries_per_minute (its computers are told), per business id.",
            "counter",
            &over_quota,
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
            "leadbox_widget_messages_total",
            "Website chat messages sealed to desktops.",
            "counter",
            &[("", get(&self.widget_messages))],
        );
        line(
            "leadbox_widget_rejected_total",
            "Website chat messages refused, by reason (address limits answer 429 before counting).",
            "counter",
            &[
                ("{reason=\"origin\"}", get(&self.widget_rejected_origin)),
                ("{reason=\"invalid\"}", get(&self.widget_rejected_invalid)),
                ("{reason=\"session_rate\"}", get(&self.widget_rejected_rate)),
            ],
        );
        line(
            "leadbox_widget_replies_total",
            "Approved replies queued for website visitors, and handed to their pages.",
            "counter",
            &[
                ("{stage=\"queued\"}", get(&self.widget_replies)),
                ("{stage=\"delivered\"}", get(&self.widget_replies_delivered)),
            ],
        );
        line(
            "leadbox_queue_depth",
            "Envelopes waiting for acknowledgement.",
            "gauge",
            &[("", queue_depth)],
        );
        let waiting = |gauge: &std::sync::atomic::AtomicI64| {
            u64::try_from(gauge.load(Ordering::Relaxed)).unwrap_or(0)
        };
        line(
            "leadbox_long_polls_waiting",
            "Long-polls open and waiting for something new, by who asks.",
            "gauge",
            &[
                ("{from=\"device\"}", waiting(&self.device_polls_waiting)),
                ("{from=\"visitor\"}", waiting(&self.visitor_polls_waiting)),
            ],
        );
        self.webhook_duration.render(
            &mut out,
            "leadbox_webhook_duration_seconds",
            "Time from a webhook's arrival to its answer (200 only once its envelopes are durable).",
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ignored_parts_are_counted_by_object_and_field_within_a_bound() {
        let metrics = Metrics::default();
        metrics.webhook_parts_ignored.add("page", "feed");
        metrics.webhook_parts_ignored.add("page", "feed");
        metrics
            .webhook_parts_ignored
            .add("permissions", "Bad\"Label\n");
        for n in 0..100 {
            metrics.webhook_parts_ignored.add("user", &format!("f{n}"));
        }
        let text = metrics.render();
        assert!(
            text.contains("leadbox_webhook_parts_ignored_total{object=\"page\",field=\"feed\"} 2"),
            "{text}"
        );
        assert!(text.contains("{object=\"permissions\",field=\"other\"} 1"));
        let lines = text
            .lines()
            .filter(|l| l.starts_with("leadbox_webhook_parts_ignored_total{"))
            .count();
        assert!(lines <= IGNORED_LABELS + 1, "{lines} label pairs");
        assert!(text.contains("{object=\"other\",field=\"other\"}"));
    }

    #[test]
    fn the_histogram_is_cumulative_with_sum_and_count() {
        let metrics = Metrics::default();
        metrics.webhook_duration.observe(Duration::from_micros(800));
        metrics.webhook_duration.observe(Duration::from_millis(20));
        metrics.webhook_duration.observe(Duration::from_secs(3));
        let text = metrics.render();
        let value = |line: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(line))
                .map(str::trim)
                .unwrap_or_else(|| panic!("{line} missing in\n{text}"))
                .to_owned()
        };
        assert_eq!(
            value("leadbox_webhook_duration_seconds_bucket{le=\"0.001\"}"),
            "1"
        );
        assert_eq!(
            value("leadbox_webhook_duration_seconds_bucket{le=\"0.025\"}"),
            "2"
        );
        assert_eq!(
            value("leadbox_webhook_duration_seconds_bucket{le=\"1\"}"),
            "2"
        );
        assert_eq!(
            value("leadbox_webhook_duration_seconds_bucket{le=\"+Inf\"}"),
            "3"
        );
        assert_eq!(value("leadbox_webhook_duration_seconds_count"), "3");
        assert_eq!(value("leadbox_webhook_duration_seconds_sum"), "3.0208");
    }
}

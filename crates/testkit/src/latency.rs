//! Latency samples and the figures the benchmarks print from them.

use std::time::Duration;

/// Samples of one operation, summarised as p50, p99 and max.
#[derive(Debug, Clone, Default)]
pub struct Latencies {
    samples: Vec<Duration>,
}

impl Latencies {
    pub fn record(&mut self, sample: Duration) {
        self.samples.push(sample);
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The `p`-th quantile (0.0–1.0), nearest rank; zero without samples.
    pub fn quantile(&self, p: f64) -> Duration {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let Some(last) = sorted.len().checked_sub(1) else {
            return Duration::ZERO;
        };
        let rank = (last as f64 * p.clamp(0.0, 1.0)).round() as usize;
        sorted[rank.min(last)]
    }

    /// `label: N calls, p50 … ms, p99 … ms, max … ms`.
    pub fn summary(&self, label: &str) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!(
            "{label}: {} calls, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.len(),
            ms(self.quantile(0.50)),
            ms(self.quantile(0.99)),
            ms(self.quantile(1.0))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank_over_the_sorted_samples() {
        let mut latencies = Latencies::default();
        for ms in (1..=100).rev() {
            latencies.record(Duration::from_millis(ms));
        }
        assert_eq!(latencies.quantile(0.5), Duration::from_millis(51));
        assert_eq!(latencies.quantile(0.99), Duration::from_millis(99));
        assert_eq!(latencies.quantile(1.0), Duration::from_millis(100));
        assert_eq!(Latencies::default().quantile(0.99), Duration::ZERO);
        assert!(
            latencies
                .summary("open")
                .starts_with("open: 100 calls, p50 51.00 ms")
        );
    }
}

//! Meta's times: milliseconds in messaging events, seconds in changes and on
//! WhatsApp; usually numbers, sometimes strings (WhatsApp, dashboard tests)
//! or floats (older Messenger payloads). A time that is missing, unreadable
//! or implausible is replaced by when the relay received the webhook, and the
//! event says so.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where an event's time came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampSource {
    /// The platform's own time for the event.
    #[default]
    Platform,
    /// The platform's time was missing or unreadable: when the relay received it.
    Received,
}

/// 2004-01-01 and 2100-01-01 in milliseconds: Meta sends nothing outside.
const PLAUSIBLE_MS: std::ops::Range<i64> = 1_072_915_200_000..4_102_444_800_000;
/// Below this a time is in seconds (it would be 1973 in milliseconds).
const SECONDS_BELOW: i64 = 100_000_000_000;

/// The platform's time in milliseconds, if it is one.
pub(crate) fn platform_time_ms(value: Option<&Value>) -> Option<i64> {
    let whole = |float: f64| {
        // `as` saturates; the range check below rejects what saturated.
        #[allow(clippy::cast_possible_truncation)]
        let whole = float as i64;
        float.is_finite().then_some(whole)
    };
    let number = match value? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(whole)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(whole))
        }
        _ => None,
    }?;
    let ms = if number.unsigned_abs() < SECONDS_BELOW.unsigned_abs() {
        number.saturating_mul(1000)
    } else {
        number
    };
    PLAUSIBLE_MS.contains(&ms).then_some(ms)
}

/// The event's time and where it came from.
pub(crate) fn event_time(value: Option<&Value>, received_at_ms: i64) -> (i64, TimestampSource) {
    match platform_time_ms(value) {
        Some(ms) => (ms, TimestampSource::Platform),
        None => (received_at_ms, TimestampSource::Received),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn meta_time_shapes_are_read() {
        let ms = 1_732_350_000_123;
        assert_eq!(platform_time_ms(Some(&json!(ms))), Some(ms));
        assert_eq!(
            platform_time_ms(Some(&json!(1_732_350_000))),
            Some(1_732_350_000_000)
        );
        assert_eq!(
            platform_time_ms(Some(&json!("1697043223"))),
            Some(1_697_043_223_000)
        );
        assert_eq!(
            platform_time_ms(Some(&json!(1_492_414_608_982.0))),
            Some(1_492_414_608_982)
        );
        assert_eq!(platform_time_ms(Some(&json!(" 1732350000123 "))), Some(ms));
    }

    #[test]
    fn what_is_not_a_time_falls_back_to_arrival() {
        let received = 1_764_000_000_000;
        for value in [
            json!(null),
            json!("soon"),
            json!(true),
            json!(10),
            json!(-5),
            json!(f64::MAX),
            json!({}),
        ] {
            assert_eq!(
                event_time(Some(&value), received),
                (received, TimestampSource::Received),
                "{value}"
            );
        }
        assert_eq!(
            event_time(None, received),
            (received, TimestampSource::Received)
        );
    }

    proptest! {
        #[test]
        fn any_value_gives_a_plausible_time(value in any::<i64>(), as_text in any::<bool>(), received in PLAUSIBLE_MS) {
            let value = if as_text { json!(value.to_string()) } else { json!(value) };
            let (ms, source) = event_time(Some(&value), received);
            prop_assert!(PLAUSIBLE_MS.contains(&ms));
            if source == TimestampSource::Received { prop_assert_eq!(ms, received); }
        }
    }
}

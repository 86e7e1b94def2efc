//! Meta's messaging windows: when a business may reply, and how.
//!
//! Messenger and Instagram: a standard reply within 24 hours of the person's
//! last message; after that, a person-approved reply may carry the
//! `HUMAN_AGENT` tag up to 7 days (only if the app has the Human Agent
//! feature). WhatsApp: free-form text within 24 hours; after that only an
//! approved template.

use serde::Serialize;

use crate::Platform;

const HOUR_MS: i64 = 3_600_000;
pub const STANDARD_WINDOW_MS: i64 = 24 * HOUR_MS;
pub const HUMAN_AGENT_WINDOW_MS: i64 = 7 * 24 * HOUR_MS;
/// How long a website visitor's chat takes replies (the relay keeps a
/// visitor session and its replies this long).
pub const WEBSITE_REPLY_WINDOW_MS: i64 = 7 * 24 * HOUR_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Window {
    /// A normal reply (`messaging_type: RESPONSE`).
    Open { closes_at_ms: i64 },
    /// Only with the `HUMAN_AGENT` tag, which Leadbox puts only on replies a person approved.
    HumanAgent { closes_at_ms: i64 },
    /// Messenger/Instagram after 7 days (or 24 h without Human Agent).
    Closed,
    /// WhatsApp after 24 hours: a template message is needed.
    TemplateNeeded,
    /// The person never wrote: nothing to reply to.
    NoMessageYet,
    /// A website visitor's chat is older than the relay keeps replies for.
    VisitorGone,
}

impl Window {
    pub fn explain(&self) -> &'static str {
        match self {
            Window::Open { .. } => "You can reply now.",
            Window::HumanAgent { .. } => {
                "More than 24 hours have passed; your reply goes out as a personal reply from your team (allowed up to 7 days)."
            }
            Window::Closed => {
                "This person last wrote too long ago: Meta only allows replies within 24 hours (7 days for personal replies). Wait until they write again."
            }
            Window::TemplateNeeded => {
                "More than 24 hours have passed since this person's last WhatsApp message: only an approved WhatsApp template can be sent now."
            }
            Window::NoMessageYet => {
                "This person has not written to you, so there is nothing to reply to."
            }
            Window::VisitorGone => {
                "This website visitor last wrote more than 7 days ago: their chat has ended and they would not see a reply."
            }
        }
    }
}

/// The window for a reply now, given when the person last wrote.
pub fn window(
    platform: Platform,
    last_inbound_ms: Option<i64>,
    now_ms: i64,
    human_agent_enabled: bool,
) -> Window {
    let Some(last) = last_inbound_ms else {
        return Window::NoMessageYet;
    };
    let age = now_ms.saturating_sub(last);
    if platform == Platform::Website {
        // No platform rule: the relay holds replies for the visitor's page.
        return if age < WEBSITE_REPLY_WINDOW_MS {
            Window::Open {
                closes_at_ms: last + WEBSITE_REPLY_WINDOW_MS,
            }
        } else {
            Window::VisitorGone
        };
    }
    if age < STANDARD_WINDOW_MS {
        return Window::Open {
            closes_at_ms: last + STANDARD_WINDOW_MS,
        };
    }
    match platform {
        Platform::Whatsapp => Window::TemplateNeeded,
        _ if human_agent_enabled && age < HUMAN_AGENT_WINDOW_MS => Window::HumanAgent {
            closes_at_ms: last + HUMAN_AGENT_WINDOW_MS,
        },
        _ => Window::Closed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn the_windows_at_their_edges() {
        let ago = |hours: i64| Some(NOW - hours * HOUR_MS);
        assert_eq!(
            window(Platform::Messenger, ago(23), NOW, false),
            Window::Open {
                closes_at_ms: NOW + HOUR_MS
            }
        );
        assert_eq!(
            window(Platform::Messenger, ago(24), NOW, false),
            Window::Closed
        );
        assert!(matches!(
            window(Platform::Instagram, ago(24), NOW, true),
            Window::HumanAgent { .. }
        ));
        assert!(matches!(
            window(Platform::Instagram, ago(167), NOW, true),
            Window::HumanAgent { .. }
        ));
        assert_eq!(
            window(Platform::Instagram, ago(168), NOW, true),
            Window::Closed
        );
        assert_eq!(
            window(Platform::Whatsapp, ago(25), NOW, true),
            Window::TemplateNeeded,
            "no Human Agent on WhatsApp"
        );
        assert_eq!(
            window(Platform::Whatsapp, None, NOW, false),
            Window::NoMessageYet
        );
        assert!(
            matches!(
                window(Platform::Website, ago(167), NOW, false),
                Window::Open { .. }
            ),
            "a website visitor can be answered for 7 days, with no tag"
        );
        assert_eq!(
            window(Platform::Website, ago(168), NOW, true),
            Window::VisitorGone
        );
    }

    proptest! {
        #[test]
        fn human_agent_never_applies_inside_24_hours_or_without_the_feature(age in 0i64..30 * 24 * HOUR_MS, enabled in any::<bool>(), platform in prop_oneof![Just(Platform::Messenger), Just(Platform::Instagram), Just(Platform::Whatsapp)]) {
            let decided = window(platform, Some(NOW - age), NOW, enabled);
            if let Window::HumanAgent { .. } = decided {
                prop_assert!(enabled && (STANDARD_WINDOW_MS..HUMAN_AGENT_WINDOW_MS).contains(&age) && platform != Platform::Whatsapp);
            }
            if age < STANDARD_WINDOW_MS {
                let is_open = matches!(decided, Window::Open { .. });
                prop_assert!(is_open);
            }
        }
    }
}

//! Whether and how a reply can go out now: Meta's 24-hour window, the Human
//! Agent tag's 7 days, WhatsApp's templates, the one private reply to a
//! comment, a website visitor's session. The draft panel shows it; sending
//! obeys the same verdict.

use leadbox_channels::window::{HUMAN_AGENT_WINDOW_MS, Window, window};
use leadbox_vault::ReplyTarget;
use serde::Serialize;

use crate::{Engine, InboxError};

/// Whether a reply can go out now, and how; or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum ReplyVerdict {
    /// Within Meta's 24-hour window (or a website visitor's session).
    Open,
    /// Within 7 days, with Meta's `HUMAN_AGENT` tag.
    HumanAgent,
    /// A private reply to a public comment.
    Comment,
    Closed,
    /// WhatsApp after 24 hours: only an approved template may be sent.
    TemplateNeeded,
    NoMessageYet,
    VisitorGone,
    CommentAnswered,
    CommentClosed,
}

impl ReplyVerdict {
    pub fn can_send(self) -> bool {
        matches!(
            self,
            ReplyVerdict::Open | ReplyVerdict::HumanAgent | ReplyVerdict::Comment
        )
    }
}

/// The reply window of one draft, in words the owner can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ReplyWindow {
    pub state: ReplyVerdict,
    /// When the reply can no longer be sent this way.
    pub closes_at_ms: Option<i64>,
    pub explanation: String,
    /// The reply would carry Meta's `HUMAN_AGENT` tag.
    pub human_agent: bool,
    pub can_send: bool,
}

impl ReplyWindow {
    fn new(state: ReplyVerdict, closes_at_ms: Option<i64>, explanation: &str) -> ReplyWindow {
        ReplyWindow {
            state,
            closes_at_ms,
            explanation: explanation.to_owned(),
            human_agent: state == ReplyVerdict::HumanAgent,
            can_send: state.can_send(),
        }
    }
}

/// The verdict for a reply to `target` at `now_ms`.
pub(crate) fn reply_window(target: &ReplyTarget, now_ms: i64) -> ReplyWindow {
    if let Some(comment) = &target.comment {
        let closes = comment.commented_at_ms + HUMAN_AGENT_WINDOW_MS;
        return if comment.already_answered {
            ReplyWindow::new(
                ReplyVerdict::CommentAnswered,
                None,
                "You already replied privately to this comment; Meta allows one private reply.",
            )
        } else if now_ms > closes {
            ReplyWindow::new(
                ReplyVerdict::CommentClosed,
                None,
                "Meta allows a private reply to a comment only within 7 days of it.",
            )
        } else {
            ReplyWindow::new(
                ReplyVerdict::Comment,
                Some(closes),
                "A public comment: your reply goes to the person privately, once, within 7 days of the comment.",
            )
        };
    }
    let verdict = window(
        target.account.platform,
        target.last_inbound_ms,
        now_ms,
        target.account.human_agent,
    );
    let (state, closes) = match verdict {
        Window::Open { closes_at_ms } => (ReplyVerdict::Open, Some(closes_at_ms)),
        Window::HumanAgent { closes_at_ms } => (ReplyVerdict::HumanAgent, Some(closes_at_ms)),
        Window::Closed => (ReplyVerdict::Closed, None),
        Window::TemplateNeeded => (ReplyVerdict::TemplateNeeded, None),
        Window::NoMessageYet => (ReplyVerdict::NoMessageYet, None),
        Window::VisitorGone => (ReplyVerdict::VisitorGone, None),
    };
    ReplyWindow::new(state, closes, verdict.explain())
}

impl Engine {
    /// The reply window of a draft now (for the draft panel).
    pub fn reply_window(
        &self,
        conversation_id: i64,
        draft_id: i64,
    ) -> Result<ReplyWindow, InboxError> {
        let target = self.reader()?.reply_target(conversation_id, draft_id)?;
        Ok(reply_window(&target, self.now_ms()))
    }
}

#[cfg(test)]
mod tests {
    use leadbox_channels::{Connection, Platform};
    use leadbox_vault::{AccountRow, CommentTarget, ReplyTarget};

    use super::{ReplyVerdict, reply_window};

    const HOUR: i64 = 3_600_000;
    const NOW: i64 = 1_800_000_000_000;

    fn target(platform: Platform, human_agent: bool, wrote_hours_ago: i64) -> ReplyTarget {
        ReplyTarget {
            account: AccountRow {
                id: 1,
                platform,
                platform_account_id: "A".into(),
                name: None,
                connection: Some(Connection::Page),
                status: leadbox_vault::AccountStatus::Connected,
                human_agent,
                notice: None,
                unreadable_events: 0,
            },
            contact_platform_id: "P".into(),
            last_inbound_ms: Some(NOW - wrote_hours_ago * HOUR),
            opted_out: false,
            comment: None,
        }
    }

    #[test]
    fn within_a_day_a_normal_reply_goes_until_24_hours_after_their_message() {
        let verdict = reply_window(&target(Platform::Messenger, false, 3), NOW);
        assert_eq!(verdict.state, ReplyVerdict::Open);
        assert!(verdict.can_send && !verdict.human_agent);
        assert_eq!(verdict.closes_at_ms, Some(NOW + 21 * HOUR));
    }

    #[test]
    fn after_a_day_only_a_human_agent_reply_and_only_where_the_app_has_it() {
        let tagged = reply_window(&target(Platform::Instagram, true, 30), NOW);
        assert_eq!(tagged.state, ReplyVerdict::HumanAgent);
        assert!(tagged.can_send && tagged.human_agent);
        assert_eq!(tagged.closes_at_ms, Some(NOW - 30 * HOUR + 7 * 24 * HOUR));

        let without = reply_window(&target(Platform::Instagram, false, 30), NOW);
        assert_eq!(without.state, ReplyVerdict::Closed);
        assert!(!without.can_send);
        let whatsapp = reply_window(&target(Platform::Whatsapp, true, 30), NOW);
        assert_eq!(whatsapp.state, ReplyVerdict::TemplateNeeded);
        assert!(!whatsapp.can_send);
    }

    #[test]
    fn a_comment_gets_one_private_reply_within_7_days() {
        let mut comment = target(Platform::Instagram, false, 48);
        comment.comment = Some(CommentTarget {
            comment_id: "c".into(),
            commented_at_ms: NOW - 48 * HOUR,
            already_answered: false,
        });
        let open = reply_window(&comment, NOW);
        assert_eq!((open.state, open.can_send), (ReplyVerdict::Comment, true));
        assert_eq!(open.closes_at_ms, Some(NOW + 5 * 24 * HOUR));

        let late = reply_window(&comment, NOW + 6 * 24 * HOUR);
        assert_eq!(
            (late.state, late.can_send),
            (ReplyVerdict::CommentClosed, false)
        );

        if let Some(c) = comment.comment.as_mut() {
            c.already_answered = true;
        }
        let answered = reply_window(&comment, NOW);
        assert_eq!(
            (answered.state, answered.can_send),
            (ReplyVerdict::CommentAnswered, false)
        );
    }
}

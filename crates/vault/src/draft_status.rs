//! Where a reply draft is in its life, and the sets of states that the
//! vault, the engine and the window ask about. Written once here, so the
//! queries that mark drafts stale and the checks before approving cannot
//! disagree.

use crate::text_enum::text_enum;

text_enum! {
    /// queued → pending → approved → sent, with failed (drafting), send_failed
    /// (sending), rejected (by the owner) and stale (a newer message came).
    pub enum DraftStatus {
        /// Waiting for the drafter.
        Queued = "queued",
        /// Written, waiting for the owner's review.
        Pending = "pending",
        /// A newer message came in; a fresh draft answers it.
        Stale = "stale",
        /// Approved by the owner and being sent.
        Approved = "approved",
        Rejected = "rejected",
        /// The drafter failed; the owner can write the reply or draft again.
        Failed = "failed",
        Sent = "sent",
        /// Approved, but the platform refused it; the owner can try again.
        SendFailed = "send_failed",
    }
}

impl DraftStatus {
    /// The conversation's current draft: at most one at a time is in one of
    /// these, and a new message makes it stale.
    pub const OPEN: [DraftStatus; 4] = [
        DraftStatus::Queued,
        DraftStatus::Pending,
        DraftStatus::Failed,
        DraftStatus::SendFailed,
    ];

    /// What the owner can approve (and send).
    pub const APPROVABLE: [DraftStatus; 2] = [DraftStatus::Pending, DraftStatus::SendFailed];

    /// What the owner has yet to decide on (`leadbox-cli drafts`).
    pub const TO_REVIEW: [DraftStatus; 4] = [
        DraftStatus::Pending,
        DraftStatus::SendFailed,
        DraftStatus::Stale,
        DraftStatus::Failed,
    ];

    pub const REJECTABLE: [DraftStatus; 4] = [
        DraftStatus::Pending,
        DraftStatus::Stale,
        DraftStatus::Failed,
        DraftStatus::SendFailed,
    ];

    pub const REGENERABLE: [DraftStatus; 4] = [
        DraftStatus::Pending,
        DraftStatus::Stale,
        DraftStatus::Failed,
        DraftStatus::Rejected,
    ];

    /// Drafts whose text a retention policy may remove: no longer waiting
    /// for the drafter or the owner.
    pub const SETTLED: [DraftStatus; 6] = [
        DraftStatus::Stale,
        DraftStatus::Approved,
        DraftStatus::Rejected,
        DraftStatus::Failed,
        DraftStatus::Sent,
        DraftStatus::SendFailed,
    ];

    /// `('queued', 'pending')`: a set written into SQL. The names are this
    /// enum's own constants, never outside text.
    pub(crate) fn sql_set(set: &[DraftStatus]) -> String {
        let names: Vec<String> = set.iter().map(|s| format!("'{}'", s.as_str())).collect();
        format!("({})", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_as_itself() {
        for &status in DraftStatus::ALL {
            assert_eq!(status.as_str().parse::<DraftStatus>(), Ok(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status.as_str())
            );
        }
        assert!("sending".parse::<DraftStatus>().is_err());
    }

    #[test]
    fn the_sets_are_consistent_with_each_other() {
        // Whatever can be approved is open (so a new message makes it stale).
        assert!(
            DraftStatus::APPROVABLE
                .iter()
                .all(|s| DraftStatus::OPEN.contains(s))
        );
        assert!(
            DraftStatus::APPROVABLE
                .iter()
                .all(|s| DraftStatus::TO_REVIEW.contains(s))
        );
        // What waits for the drafter or the owner keeps its text.
        for status in [DraftStatus::Queued, DraftStatus::Pending] {
            assert!(!DraftStatus::SETTLED.contains(&status));
        }
        assert_eq!(
            DraftStatus::sql_set(&DraftStatus::APPROVABLE),
            "('pending', 'send_failed')"
        );
    }
}

text_enum! {
    /// Who wrote a draft's text: the drafter (the owner then approves it,
    /// maybe edited), or the owner in the composer.
    pub enum DraftAuthor {
        Drafter = "drafter",
        Owner = "owner",
    }
}

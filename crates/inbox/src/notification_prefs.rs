//! When the desktop may interrupt the owner: new leads (on by default), other
//! new messages (off), previews (shown unless hidden), quiet hours, and a
//! pause from the tray. Kept in the vault with the other settings.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::{Engine, InboxError};

const PREFS: &str = "notification_prefs";
const PAUSED_UNTIL: &str = "notifications_paused_until_ms";

/// A daily span in local time, e.g. 22:00–07:00 (it may cross midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct QuietHours {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct NotificationPrefs {
    pub new_leads: bool,
    pub new_messages: bool,
    /// Title only (who and which channel), never the message text.
    pub hide_previews: bool,
    pub quiet_hours: Option<QuietHours>,
    /// Closing the window keeps Leadbox running in the tray.
    pub close_to_tray: bool,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        NotificationPrefs {
            new_leads: true,
            new_messages: false,
            hide_previews: false,
            quiet_hours: None,
            close_to_tray: true,
        }
    }
}

/// What woke the desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happening {
    NewLead,
    NewMessage,
    /// A platform limited or stopped an account's sending: always wanted
    /// (pausing and quiet hours still hold; the account shows it either way).
    AccountRestricted,
}

/// Whether to show a notification, and with the message text or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notify {
    Show { preview: bool },
    Silent,
}

fn parse_time(field: &str, text: &str) -> Result<NaiveTime, InboxError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        InboxError::Settings(format!(
            "the quiet hours' {field} `{text}` is not a time like 22:00"
        ))
    })
}

impl QuietHours {
    fn span(&self) -> Result<(NaiveTime, NaiveTime), InboxError> {
        Ok((
            parse_time("start", &self.start)?,
            parse_time("end", &self.end)?,
        ))
    }

    pub fn contains(&self, local: NaiveTime) -> bool {
        let Ok((start, end)) = self.span() else {
            return false;
        };
        if start <= end {
            start <= local && local < end
        } else {
            local >= start || local < end
        }
    }
}

impl NotificationPrefs {
    /// The decision for one happening at `now_ms` (local time `local`).
    pub fn decide(
        &self,
        happening: Happening,
        paused_until_ms: Option<i64>,
        now_ms: i64,
        local: NaiveTime,
    ) -> Notify {
        let wanted = match happening {
            Happening::NewLead => self.new_leads,
            Happening::NewMessage => self.new_messages,
            Happening::AccountRestricted => true,
        };
        let paused = paused_until_ms.is_some_and(|until| now_ms < until);
        let quiet = self.quiet_hours.as_ref().is_some_and(|q| q.contains(local));
        if !wanted || paused || quiet {
            return Notify::Silent;
        }
        Notify::Show {
            preview: !self.hide_previews,
        }
    }
}

impl Engine {
    pub fn notification_prefs(&self) -> Result<NotificationPrefs, InboxError> {
        let stored = self.vault().setting(PREFS)?;
        Ok(stored
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    pub fn set_notification_prefs(&self, prefs: &NotificationPrefs) -> Result<(), InboxError> {
        if let Some(quiet) = &prefs.quiet_hours {
            let (start, end) = quiet.span()?;
            if start == end {
                return Err(InboxError::Settings(
                    "quiet hours must start and end at different times".into(),
                ));
            }
        }
        let json = serde_json::to_string(prefs)
            .map_err(|e| InboxError::Settings(format!("cannot save the settings: {e}")))?;
        self.vault().set_setting(PREFS, &json)?;
        Ok(())
    }

    /// Pauses notifications until `until_ms`; `None` resumes them.
    pub fn pause_notifications(&self, until_ms: Option<i64>) -> Result<(), InboxError> {
        let value = until_ms.map(|t| t.to_string()).unwrap_or_default();
        self.vault().set_setting(PAUSED_UNTIL, &value)?;
        Ok(())
    }

    pub fn notifications_paused_until(&self) -> Result<Option<i64>, InboxError> {
        Ok(self
            .vault()
            .setting(PAUSED_UNTIL)?
            .and_then(|t| t.parse().ok())
            .filter(|until| *until > self.now_ms()))
    }

    /// The decision for a happening now, in this computer's local time.
    pub fn should_notify(&self, happening: Happening) -> Result<Notify, InboxError> {
        let prefs = self.notification_prefs()?;
        let paused = self.notifications_paused_until()?;
        let now = self.now_ms();
        let local = chrono::DateTime::from_timestamp_millis(now).map_or_else(
            || chrono::Local::now().time(),
            |utc| utc.with_timezone(&chrono::Local).time(),
        );
        Ok(prefs.decide(happening, paused, now, local))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn night() -> QuietHours {
        QuietHours {
            start: "22:00".into(),
            end: "07:00".into(),
        }
    }

    #[test]
    fn quiet_hours_may_cross_midnight() {
        assert!(night().contains(at(23, 30)));
        assert!(night().contains(at(3, 0)));
        assert!(!night().contains(at(7, 0)));
        assert!(!night().contains(at(12, 0)));
        let lunch = QuietHours {
            start: "13:00".into(),
            end: "14:00".into(),
        };
        assert!(lunch.contains(at(13, 30)));
        assert!(!lunch.contains(at(14, 30)));
    }

    #[test]
    fn defaults_notify_leads_with_previews_but_not_every_message() {
        let prefs = NotificationPrefs::default();
        assert_eq!(
            prefs.decide(Happening::NewLead, None, 0, at(12, 0)),
            Notify::Show { preview: true }
        );
        assert_eq!(
            prefs.decide(Happening::NewMessage, None, 0, at(12, 0)),
            Notify::Silent
        );
        let hidden = NotificationPrefs {
            hide_previews: true,
            ..prefs
        };
        assert_eq!(
            hidden.decide(Happening::NewLead, None, 0, at(12, 0)),
            Notify::Show { preview: false }
        );
    }

    #[test]
    fn a_pause_and_quiet_hours_silence_everything_until_they_end() {
        let prefs = NotificationPrefs {
            quiet_hours: Some(night()),
            new_messages: true,
            ..NotificationPrefs::default()
        };
        assert_eq!(
            prefs.decide(Happening::NewLead, None, 0, at(23, 0)),
            Notify::Silent
        );
        assert_eq!(
            prefs.decide(Happening::NewLead, Some(1_000), 999, at(12, 0)),
            Notify::Silent
        );
        assert_eq!(
            prefs.decide(Happening::NewMessage, Some(1_000), 1_000, at(12, 0)),
            Notify::Show { preview: true }
        );
    }

    proptest! {
        #[test]
        fn inside_quiet_hours_nothing_is_shown(
            start in 0u32..24, end in 0u32..24, hour in 0u32..24, minute in 0u32..60,
        ) {
            prop_assume!(start != end);
            let quiet = QuietHours { start: format!("{start:02}:00"), end: format!("{end:02}:00") };
            let prefs = NotificationPrefs { quiet_hours: Some(quiet.clone()), new_messages: true, ..NotificationPrefs::default() };
            let local = at(hour, minute);
            let inside = if start < end { (start..end).contains(&hour) } else { hour >= start || hour < end };
            prop_assert_eq!(quiet.contains(local), inside);
            let decided = prefs.decide(Happening::NewLead, None, 0, local);
            prop_assert_eq!(decided == Notify::Silent, inside);
        }
    }
}

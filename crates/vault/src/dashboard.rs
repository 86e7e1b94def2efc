//! The dashboard's figures: new leads per channel per day, and how fast the
//! business answers (the time from a person's first message to the first
//! reply after it), over the last days.

use leadbox_channels::Platform;
use serde::Serialize;

use crate::{Vault, VaultError};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// New leads of one channel on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct DailyLeads {
    /// Days since the Unix epoch (UTC).
    pub day: i64,
    pub platform: Platform,
    pub leads: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Dashboard {
    pub first_day: i64,
    pub days: i64,
    pub leads: Vec<DailyLeads>,
    /// Median time to the first reply, in minutes, per day (`None`: no
    /// answered lead that day).
    pub median_first_reply_minutes: Vec<Option<f64>>,
    /// Over the whole period.
    pub overall_median_first_reply_minutes: Option<f64>,
    /// Leads in the period still without any reply.
    pub unanswered: i64,
}

fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    let ms = if values.len() % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    };
    Some(ms / 60_000.0)
}

impl Vault {
    /// The figures for the `days` days up to and including today (UTC).
    pub fn dashboard(&self, now_ms: i64, days: i64) -> Result<Dashboard, VaultError> {
        let days = days.clamp(1, 366);
        let today = now_ms.div_euclid(DAY_MS);
        let first_day = today - days + 1;
        let since = first_day * DAY_MS;
        let mut leads = Vec::new();
        {
            let mut statement = self.conn.prepare_cached(
                "SELECT ct.created_at / 86400000 AS day, a.platform, count(*)
                 FROM contacts ct JOIN accounts a ON a.id = ct.account_id
                 WHERE ct.created_at >= ?1
                 GROUP BY day, a.platform ORDER BY day, a.platform",
            )?;
            let rows = statement.query_map([since], |r| {
                Ok(DailyLeads {
                    day: r.get(0)?,
                    platform: crate::text_enum::parsed(r, 1)?,
                    leads: r.get(2)?,
                })
            })?;
            for row in rows {
                leads.push(row?);
            }
        }
        // Each conversation whose first inbound message is in the period, with
        // the first outbound message after it (if any).
        let mut statement = self.conn.prepare_cached(
            "SELECT first_in,
                    (SELECT min(o.sent_at) FROM messages o
                      WHERE o.conversation_id = f.conversation_id AND o.direction = 'outbound' AND o.sent_at >= f.first_in)
             FROM (SELECT conversation_id, min(sent_at) AS first_in FROM messages
                   WHERE direction = 'inbound' GROUP BY conversation_id) f
             WHERE first_in >= ?1",
        )?;
        let pairs = statement.query_map([since], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
        })?;
        let mut per_day: Vec<Vec<i64>> = vec![Vec::new(); usize::try_from(days).unwrap_or(1)];
        let mut all = Vec::new();
        let mut unanswered = 0;
        for pair in pairs {
            let (first_in, reply) = pair?;
            let Some(reply) = reply else {
                unanswered += 1;
                continue;
            };
            let waited = reply - first_in;
            all.push(waited);
            let index = first_in.div_euclid(DAY_MS) - first_day;
            if let Some(day) = usize::try_from(index).ok().and_then(|i| per_day.get_mut(i)) {
                day.push(waited);
            }
        }
        Ok(Dashboard {
            first_day,
            days,
            leads,
            median_first_reply_minutes: per_day.iter_mut().map(|d| median(d)).collect(),
            overall_median_first_reply_minutes: median(&mut all),
            unanswered,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{inbound, message_on, vault};
    use leadbox_channels::events::Direction;

    #[test]
    fn leads_are_counted_per_day_and_channel_and_first_replies_timed() {
        let (_dir, mut vault) = vault();
        let now = 40 * DAY_MS + 12 * 3600 * 1000;
        let today = now - 3600 * 1000;
        let yesterday = today - DAY_MS;
        vault
            .ingest(&[
                vec![
                    inbound("a1", "ana", None, "hi", yesterday),
                    message_on(
                        Platform::Instagram,
                        "a2",
                        "ana",
                        None,
                        "hello!",
                        yesterday + 10 * 60_000,
                        Direction::Outbound,
                    ),
                ],
                vec![
                    inbound("b1", "bea", None, "hi", today),
                    message_on(
                        Platform::Instagram,
                        "b2",
                        "bea",
                        None,
                        "hey",
                        today + 30 * 60_000,
                        Direction::Outbound,
                    ),
                ],
                vec![message_on(
                    Platform::Whatsapp,
                    "c1",
                    "cai",
                    None,
                    "hola",
                    today,
                    Direction::Inbound,
                )],
                vec![inbound("old", "old", None, "hi", now - 60 * DAY_MS)],
            ])
            .unwrap();
        // Contacts are created when ingested; date them like their first message.
        vault
            .conn
            .execute_batch(
                "UPDATE contacts SET created_at = (SELECT min(m.sent_at) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.contact_id = contacts.id);",
            )
            .unwrap();
        let board = vault.dashboard(now, 30).unwrap();
        assert_eq!(board.days, 30);
        let count = |day: i64, platform| {
            board
                .leads
                .iter()
                .find(|l| l.day == day && l.platform == platform)
                .map_or(0, |l| l.leads)
        };
        assert_eq!(count(today.div_euclid(DAY_MS), Platform::Instagram), 1);
        assert_eq!(count(today.div_euclid(DAY_MS), Platform::Whatsapp), 1);
        assert_eq!(count(yesterday.div_euclid(DAY_MS), Platform::Instagram), 1);
        assert_eq!(
            board.leads.iter().map(|l| l.leads).sum::<i64>(),
            3,
            "the 60-day-old lead is outside"
        );
        assert_eq!(board.median_first_reply_minutes[29], Some(30.0));
        assert_eq!(board.median_first_reply_minutes[28], Some(10.0));
        assert_eq!(board.overall_median_first_reply_minutes, Some(20.0));
        assert_eq!(board.unanswered, 1);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(
            median(&mut [4 * 60_000, 60_000, 2 * 60_000, 3 * 60_000]),
            Some(2.5)
        );
        assert_eq!(median(&mut []), None);
    }
}

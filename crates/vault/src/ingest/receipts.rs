//! Delivery, read and failure reports: what happened to what the business sent.

use super::*;

/// States only move forward (sent → delivered → read); a failure always shows.
const DELIVERY_RANK: &str = "CASE delivery WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END";

pub(super) fn apply_receipt(tx: &Transaction<'_>, receipt: &Receipt) -> rusqlite::Result<()> {
    let account_id = upsert_account(tx, receipt.route, &receipt.account_id)?;
    let rank = match receipt.state {
        Delivery::Sent => 1,
        Delivery::Delivered => 2,
        Delivery::Read => 3,
        Delivery::Failed => 4,
    };
    let error = receipt
        .error
        .as_ref()
        .map(|(code, message)| format!("Meta error {code}: {message}"));
    for id in &receipt.message_ids {
        exec(tx,
            &format!(
                "UPDATE messages SET delivery = ?1, delivery_error = ?2
                 WHERE account_id = ?3 AND platform_message_id = ?4 AND direction = 'outbound' AND {DELIVERY_RANK} < ?5"
            ),
            params![receipt.state.as_str(), error, account_id, id, rank],
        )?;
    }
    if let Some(watermark) = receipt.watermark_ms {
        exec(tx,
            &format!(
                "UPDATE messages SET delivery = ?1
                 WHERE direction = 'outbound' AND sent_at <= ?2 AND {DELIVERY_RANK} < ?3 AND conversation_id IN (
                     SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
                     WHERE c.account_id = ?4 AND ct.platform_contact_id = ?5)"
            ),
            params![receipt.state.as_str(), watermark, rank, account_id, receipt.contact_id],
        )?;
    }
    Ok(())
}

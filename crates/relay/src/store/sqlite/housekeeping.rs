//! Expiry and the per-device queue bound, in short transactions so that
//! webhooks arriving meanwhile commit between them.

use super::*;

/// Envelopes one housekeeping transaction removes at most.
const HOUSEKEEPING_CHUNK: i64 = 2_000;

impl SqliteStore {
    /// Deletes envelopes older than `before` (seconds) and counts them as lost
    /// for their devices, who hear about it on their next fetch. In short
    /// transactions of at most [`HOUSEKEEPING_CHUNK`] envelopes, so webhooks
    /// arriving meanwhile commit between them instead of waiting for all.
    pub fn expire(&self, before: i64) -> Result<Expired, StoreError> {
        let mut expired = 0;
        loop {
            let removed = self.with(|conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let doomed: Vec<(i64, String)> = tx
                    .prepare_cached(
                        "SELECT cursor, device_id FROM envelopes WHERE created_at < ?1 LIMIT ?2",
                    )?
                    .query_map(params![before, HOUSEKEEPING_CHUNK], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?
                    .collect::<Result<_, _>>()?;
                remove_as_lost(&tx, &doomed)?;
                tx.commit()?;
                Ok(doomed.len() as u64)
            })?;
            expired += removed;
            if removed < HOUSEKEEPING_CHUNK as u64 {
                return Ok(Expired { envelopes: expired });
            }
        }
    }

    /// Keeps at most `max` envelopes per device, dropping the oldest (counted
    /// as lost). Which devices are over is read on the reader connection from
    /// the (device, cursor) index, without a table scan and without the
    /// writer; the excess goes in short transactions, as in [`Self::expire`].
    pub fn enforce_bound(&self, max: u64) -> Result<u64, StoreError> {
        let over: Vec<(String, i64)> = self.read(|conn| {
            let devices: Vec<String> = conn
                .prepare_cached("SELECT id FROM devices WHERE revoked_at IS NULL")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut boundary = conn.prepare_cached(
                "SELECT cursor FROM envelopes WHERE device_id = ?1 ORDER BY cursor DESC LIMIT 1 OFFSET ?2",
            )?;
            let mut over = Vec::new();
            for device_id in devices {
                // The newest envelope beyond the `max` newest: it and older ones go.
                let oldest_kept_minus_one: Option<i64> = boundary
                    .query_row(params![device_id, max as i64], |r| r.get(0))
                    .optional()?;
                if let Some(cursor) = oldest_kept_minus_one {
                    over.push((device_id, cursor));
                }
            }
            Ok(over)
        })?;
        let mut evicted = 0;
        for (device_id, boundary) in over {
            loop {
                let removed = self.with(|conn| {
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let doomed: Vec<(i64, String)> = tx
                        .prepare_cached(
                            "SELECT cursor, device_id FROM envelopes WHERE device_id = ?1 AND cursor <= ?2
                             ORDER BY cursor LIMIT ?3",
                        )?
                        .query_map(params![device_id, boundary, HOUSEKEEPING_CHUNK], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })?
                        .collect::<Result<_, _>>()?;
                    remove_as_lost(&tx, &doomed)?;
                    tx.commit()?;
                    Ok(doomed.len() as u64)
                })?;
                evicted += removed;
                if removed < HOUSEKEEPING_CHUNK as u64 {
                    break;
                }
            }
        }
        Ok(evicted)
    }
}

/// Deletes these envelopes (cursor, device) and counts them as lost for their devices.
fn remove_as_lost(
    tx: &rusqlite::Transaction<'_>,
    doomed: &[(i64, String)],
) -> Result<(), StoreError> {
    let mut per_device: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    let mut delete = tx.prepare_cached("DELETE FROM envelopes WHERE cursor = ?1")?;
    for (cursor, device_id) in doomed {
        delete.execute([cursor])?;
        *per_device.entry(device_id).or_default() += 1;
    }
    let mut tell = tx.prepare_cached(
        "UPDATE devices SET lost_unreported = lost_unreported + ?2 WHERE id = ?1",
    )?;
    for (device_id, count) in per_device {
        tell.execute(params![device_id, count])?;
    }
    Ok(())
}

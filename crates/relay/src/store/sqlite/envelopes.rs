//! The per-device envelope queues: store, page, acknowledge, and what each
//! device lost without being told yet.

use super::*;

impl SqliteStore {
    /// Stores several webhooks' envelopes in one transaction (one disk flush
    /// for all); returns the highest cursor of each batch.
    pub fn insert_batches(
        &self,
        batches: &[&[(String, SealedEnvelope)]],
        now: i64,
    ) -> Result<Vec<u64>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut newest = Vec::with_capacity(batches.len());
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO envelopes (device_id, envelope_id, business_id, encapsulated_key, ciphertext, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for batch in batches {
                    let mut last = 0;
                    for (device_id, envelope) in *batch {
                        insert.execute(params![
                            device_id,
                            envelope.envelope_id,
                            envelope.business_id,
                            envelope.encapsulated_key,
                            envelope.ciphertext,
                            now
                        ])?;
                        last = u64::try_from(tx.last_insert_rowid()).unwrap_or(0);
                    }
                    newest.push(last);
                }
            }
            tx.commit()?;
            Ok(newest)
        })
    }

    /// Stores all envelopes of one webhook in one transaction; returns the highest cursor.
    pub fn insert_envelopes(
        &self,
        envelopes: &[(String, SealedEnvelope)],
        now: i64,
    ) -> Result<u64, StoreError> {
        let newest = self.insert_batches(&[envelopes], now)?;
        Ok(newest.first().copied().unwrap_or(0))
    }

    pub fn envelopes_after(
        &self,
        device_id: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<SealedEnvelope>, StoreError> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT cursor, envelope_id, business_id, encapsulated_key, ciphertext FROM envelopes
                 WHERE device_id = ?1 AND cursor > ?2 ORDER BY cursor LIMIT ?3",
            )?;
            let rows = statement.query_map(params![device_id, after as i64, limit as i64], |r| {
                Ok(SealedEnvelope {
                    cursor: r.get::<_, i64>(0)? as u64,
                    envelope_id: r.get(1)?,
                    business_id: r.get(2)?,
                    encapsulated_key: r.get(3)?,
                    ciphertext: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Deletes acknowledged envelopes. Only the device's own envelopes can be deleted.
    pub fn ack(&self, device_id: &str, cursors: &[u64]) -> Result<u64, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut deleted = 0;
            {
                let mut delete = tx
                    .prepare_cached("DELETE FROM envelopes WHERE device_id = ?1 AND cursor = ?2")?;
                for cursor in cursors {
                    deleted += delete.execute(params![device_id, *cursor as i64])? as u64;
                }
            }
            tx.commit()?;
            Ok(deleted)
        })
    }

    /// How many envelopes this device lost (expired or evicted) since it last confirmed.
    pub fn lost_unreported(&self, device_id: &str) -> Result<u64, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT lost_unreported FROM devices WHERE id = ?1",
                    [device_id],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?
                .unwrap_or(0) as u64)
        })
    }

    /// The device saw `count` lost envelopes reported; stop reporting them.
    pub fn confirm_lost(&self, device_id: &str, count: u64) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE devices SET lost_unreported = max(0, lost_unreported - ?2) WHERE id = ?1",
                params![device_id, count as i64],
            )?;
            Ok(())
        })
    }

    pub fn count_lost(&self, lost: &[(String, u64)]) -> Result<(), StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut tell = tx.prepare_cached(
                    "UPDATE devices SET lost_unreported = lost_unreported + ?2 WHERE id = ?1",
                )?;
                for (device_id, count) in lost {
                    tell.execute(params![device_id, *count as i64])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    pub fn queue_depth(&self) -> Result<u64, StoreError> {
        self.read(|conn| {
            Ok(
                conn.query_row("SELECT COUNT(*) FROM envelopes", [], |r| r.get::<_, i64>(0))?
                    as u64,
            )
        })
    }
}

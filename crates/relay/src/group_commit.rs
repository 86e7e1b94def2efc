//! Group commit: webhooks arriving together are stored in one database
//! transaction, so one disk flush makes many of them durable. Each caller
//! still gets its answer only after that commit, so a 200 keeps meaning
//! "on disk". A lone webhook is committed at once, without waiting for company.

use leadbox_envelope::SealedEnvelope;
use tokio::sync::oneshot;

use crate::store::{Store, StoreError};

/// At most this many webhooks share one transaction.
const MAX_GROUP: usize = 256;

struct Job {
    envelopes: Vec<(String, SealedEnvelope)>,
    now: i64,
    done: oneshot::Sender<Result<u64, StoreError>>,
}

/// The handle request handlers store envelopes through. The writer task
/// ends when the last handle is dropped.
#[derive(Debug, Clone)]
pub struct Committer {
    jobs: tokio::sync::mpsc::UnboundedSender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("envelopes", &self.envelopes.len())
            .finish_non_exhaustive()
    }
}

impl Committer {
    /// Starts the writer task (on the current tokio runtime).
    pub fn start(store: Store) -> Committer {
        let (jobs, waiting) = tokio::sync::mpsc::unbounded_channel::<Job>();
        tokio::spawn(write_groups(store, waiting));
        Committer { jobs }
    }

    /// Stores one webhook's envelopes; returns the highest cursor once committed.
    pub async fn store(
        &self,
        envelopes: Vec<(String, SealedEnvelope)>,
        now: i64,
    ) -> Result<u64, StoreError> {
        let (done, committed) = oneshot::channel();
        self.jobs
            .send(Job {
                envelopes,
                now,
                done,
            })
            .map_err(|_| StoreError::Closed)?;
        committed.await.map_err(|_| StoreError::Closed)?
    }
}

/// One transaction at a time: while it commits, the next webhooks queue up
/// and go together in the next one.
async fn write_groups(store: Store, mut waiting: tokio::sync::mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = waiting.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match waiting.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let now = group.iter().map(|job| job.now).max().unwrap_or_default();
        let batches: Vec<Vec<(String, SealedEnvelope)>> = group
            .iter_mut()
            .map(|job| std::mem::take(&mut job.envelopes))
            .collect();
        match store.insert_batches(batches, now).await {
            Ok(cursors) => {
                for (job, cursor) in group.into_iter().zip(cursors) {
                    let _ = job.done.send(Ok(cursor));
                }
            }
            Err(error) => {
                tracing::error!(%error, webhooks = group.len(), "storing a group failed");
                let message = error.to_string();
                for job in group {
                    let _ = job.done.send(Err(StoreError::Batch(message.clone())));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;
    use std::sync::Arc;

    fn envelope(id: &str) -> (String, SealedEnvelope) {
        (
            "device-1".into(),
            SealedEnvelope {
                cursor: 0,
                envelope_id: id.into(),
                business_id: "b".into(),
                encapsulated_key: "k".into(),
                ciphertext: "c".into(),
            },
        )
    }

    #[tokio::test]
    async fn concurrent_webhooks_are_all_stored_each_with_its_own_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let store: Store = Arc::new(SqliteStore::open(dir.path()).unwrap());
        // A device row for the foreign key.
        let code = store.create_invite("B", 1).await.unwrap();
        let key = leadbox_envelope::DeviceSecretKey::generate().public_key();
        let device = store
            .register_device(&code, &key, "d", 1)
            .await
            .unwrap()
            .device_id;
        let committer = Committer::start(store.clone());
        let mut handles = Vec::new();
        for n in 0..200 {
            let committer = committer.clone();
            let mut one = envelope(&format!("e{n}"));
            one.0.clone_from(&device);
            let mut two = envelope(&format!("f{n}"));
            two.0.clone_from(&device);
            handles.push(tokio::spawn(async move {
                committer.store(vec![one, two], 5).await.unwrap()
            }));
        }
        let mut cursors = Vec::new();
        for handle in handles {
            cursors.push(handle.await.unwrap());
        }
        cursors.sort_unstable();
        cursors.dedup();
        assert_eq!(cursors.len(), 200, "every webhook got its own last cursor");
        let stored = store.envelopes_after(&device, 0, 1000).await.unwrap();
        assert_eq!(stored.len(), 400);
    }

    #[tokio::test]
    async fn a_failed_group_fails_every_caller_in_it_and_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store: Store = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let committer = Committer::start(store.clone());
        // No such device: the foreign key refuses the insert.
        let refused = committer.store(vec![envelope("e1")], 5).await;
        assert!(matches!(refused, Err(StoreError::Batch(_))), "{refused:?}");
        assert_eq!(store.queue_depth().await.unwrap(), 0);
    }
}

//! One writer and a few readers over one vault file.
//!
//! The vault runs in WAL mode, where readers never wait for the writer and
//! the writer never waits for readers. The pool keeps one connection for
//! writes (behind a mutex: SQLite takes one writer at a time anyway) and up to
//! `max_readers` more for reads and for long jobs (an export, a backup, a
//! retention purge that commits in chunks), so the window's reads go on while
//! a job runs and sync's writes go in between the job's chunks.
//!
//! Hold at most one connection of a pool at a time: a thread holding a reader
//! that waits for the writer (or the reverse) can deadlock against a key
//! rotation, which needs them all.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};

use parking_lot::{Mutex as FairMutex, MutexGuard as FairGuard};

use crate::secrets::SecretStore;
use crate::vault::SiblingRecipe;
use crate::{RecoveryCode, Vault, VaultError};

/// The writing connection, held.
pub type WriterGuard<'pool> = FairGuard<'pool, Vault>;

/// How many reader connections a pool opens at most, unless told otherwise:
/// one for a long job, the rest for the window.
pub const DEFAULT_READERS: usize = 3;

#[derive(Debug)]
pub struct VaultPool {
    /// Also the write turn: a long job on a reader connection holds this
    /// lock (not using its connection) for each chunk it writes, and hands it
    /// fairly to whoever waits, so SQLite never sees two writers at once.
    writer: FairMutex<Vault>,
    readers: Mutex<Readers>,
    returned: Condvar,
    max_readers: usize,
}

#[derive(Debug)]
struct Readers {
    recipe: SiblingRecipe,
    idle: Vec<Vault>,
    /// Connections handed out and not yet returned.
    lent: usize,
    /// Set while the key changes: no reader is handed out.
    paused: bool,
}

/// A reader connection, returned to its pool when dropped.
#[derive(Debug)]
pub struct Reader<'pool> {
    pool: &'pool VaultPool,
    vault: Option<Vault>,
}

impl VaultPool {
    pub fn new(writer: Vault, max_readers: usize) -> VaultPool {
        let readers = Readers {
            recipe: writer.sibling_recipe(),
            idle: Vec::new(),
            lent: 0,
            paused: false,
        };
        VaultPool {
            writer: FairMutex::new(writer),
            readers: Mutex::new(readers),
            returned: Condvar::new(),
            max_readers: max_readers.max(1),
        }
    }

    /// The one connection that writes. (A panic while writing leaves no
    /// mark on the lock: SQLite rolls the open transaction back.)
    pub fn writer(&self) -> WriterGuard<'_> {
        self.writer.lock()
    }

    /// Applies the retention policy on a reader connection, taking the write
    /// turn chunk by chunk: the window reads throughout, and sync writes
    /// between chunks.
    pub fn run_retention(&self, now_ms: i64) -> Result<crate::RetentionReport, VaultError> {
        let mut reader = self.reader()?;
        reader.run_retention_in_turns(now_ms, &WriteTurns::Shared(&self.writer))
    }

    /// A reader: an idle one, a new one while fewer than `max_readers` are
    /// open, or the next one returned.
    pub fn reader(&self) -> Result<Reader<'_>, VaultError> {
        let mut readers = self.lock_readers();
        loop {
            if !readers.paused {
                if let Some(vault) = readers.idle.pop() {
                    readers.lent += 1;
                    return Ok(self.lend(vault));
                }
                if readers.lent + readers.idle.len() < self.max_readers {
                    readers.lent += 1;
                    let recipe = readers.recipe.clone_for_opening();
                    drop(readers);
                    // Opened outside the lock: keying a connection reads the file.
                    let opened = recipe.open();
                    return match opened {
                        Ok(vault) => Ok(self.lend(vault)),
                        Err(error) => {
                            self.give_back(None);
                            Err(error)
                        }
                    };
                }
            }
            readers = self
                .returned
                .wait(readers)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Re-encrypts the vault with a new key. Readers are closed first (they
    /// hold the old key) and reopen with the new one when next asked for.
    pub fn rotate_key(&self, secrets: &dyn SecretStore) -> Result<RecoveryCode, VaultError> {
        let mut writer = self.writer();
        let mut readers = self.lock_readers();
        readers.paused = true;
        readers.idle.clear();
        while readers.lent > 0 {
            readers = self
                .returned
                .wait(readers)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        let rotated = writer.rotate_key(secrets);
        readers.recipe = writer.sibling_recipe();
        readers.paused = false;
        drop(readers);
        self.returned.notify_all();
        rotated
    }

    fn lend(&self, vault: Vault) -> Reader<'_> {
        Reader {
            pool: self,
            vault: Some(vault),
        }
    }

    fn give_back(&self, vault: Option<Vault>) {
        let mut readers = self.lock_readers();
        readers.lent = readers.lent.saturating_sub(1);
        // A reader lent before a key rotation holds the old key: closed, not kept.
        if let Some(vault) = vault.filter(|_| !readers.paused) {
            readers.idle.push(vault);
        }
        drop(readers);
        self.returned.notify_all();
    }

    fn lock_readers(&self) -> MutexGuard<'_, Readers> {
        self.readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whose turn it is to write, for a job that writes in chunks.
#[derive(Debug)]
pub(crate) enum WriteTurns<'pool> {
    /// The connection is the only one (tests, tools): no turns to take.
    Unshared,
    /// A pool's write turn, taken for each chunk.
    Shared(&'pool FairMutex<Vault>),
}

impl WriteTurns<'_> {
    /// Runs one chunk of writes in a turn of its own, then hands the turn
    /// straight to a writer that waited (rather than taking it back at once).
    pub(crate) fn with<T>(
        &self,
        chunk: impl FnOnce() -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        match self {
            WriteTurns::Unshared => chunk(),
            WriteTurns::Shared(writer) => {
                let turn = writer.lock();
                let done = chunk();
                FairGuard::unlock_fair(turn);
                done
            }
        }
    }
}

impl Deref for Reader<'_> {
    type Target = Vault;

    fn deref(&self) -> &Vault {
        self.vault.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Vault {
        self.vault.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        // A connection left inside a transaction (a panic mid-job) is closed,
        // which rolls it back, rather than lent out again.
        let vault = self.vault.take().filter(|vault| vault.conn.is_autocommit());
        self.pool.give_back(vault);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InMemorySecretStore;
    use crate::testing::inbound;

    fn pool(max_readers: usize) -> (tempfile::TempDir, InMemorySecretStore, VaultPool) {
        let dir = tempfile::tempdir().unwrap();
        let secrets = InMemorySecretStore::default();
        let vault = Vault::open_or_create(dir.path(), &secrets)
            .unwrap()
            .into_vault();
        (dir, secrets, VaultPool::new(vault, max_readers))
    }

    #[test]
    fn a_reader_reads_while_the_writer_is_inside_a_transaction() {
        let (_dir, _secrets, pool) = pool(2);
        pool.writer()
            .ingest(&[vec![inbound(
                "m1",
                "c1",
                None,
                "Hello, I'd like a quote",
                1_000,
            )]])
            .unwrap();
        let mut writer = pool.writer();
        let tx = writer.write_transaction().unwrap();
        tx.execute("DELETE FROM messages", []).unwrap();
        // The writer has not committed: the reader sees the last commit, at once.
        let reader = pool.reader().unwrap();
        let conversations = reader.conversations().unwrap();
        assert_eq!(conversations.len(), 1);
        assert_eq!(reader.messages(conversations[0].id).unwrap().len(), 1);
        drop(reader);
        tx.commit().unwrap();
        assert!(
            pool.reader()
                .unwrap()
                .messages(conversations[0].id)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn readers_are_reused_and_never_more_than_the_limit() {
        let (_dir, _secrets, pool) = pool(2);
        let first = pool.reader().unwrap();
        let second = pool.reader().unwrap();
        assert_eq!(pool.lock_readers().lent, 2);
        let waiting = std::thread::scope(|scope| {
            let third = scope.spawn(|| pool.reader().map(|r| r.id().to_owned()));
            // The third waits for one of the two to come back.
            drop(first);
            third.join().unwrap()
        });
        assert!(waiting.is_ok());
        drop(second);
        let readers = pool.lock_readers();
        assert_eq!(readers.lent, 0);
        assert_eq!(readers.idle.len(), 2);
    }

    #[test]
    fn sync_writes_go_in_between_the_chunks_of_a_purge() {
        const DAY: i64 = crate::DAY_MS;
        let (_dir, _secrets, pool) = pool(2);
        // Three chunks of old conversations for the default 90-day policy.
        let old: Vec<Vec<leadbox_channels::events::Event>> = (0..1_200)
            .map(|i| {
                vec![inbound(
                    &format!("old{i}"),
                    &format!("c{i}"),
                    None,
                    "Old enquiry",
                    DAY,
                )]
            })
            .collect();
        pool.writer().ingest(&old).unwrap();
        let now = 1_000 * DAY;
        let (report, written) = std::thread::scope(|scope| {
            let purge = scope.spawn(|| pool.run_retention(now));
            let written: Vec<_> = (0..40)
                .map(|i| {
                    let new = inbound(&format!("new{i}"), "fresh", None, "New enquiry", now);
                    pool.writer().ingest(&[vec![new]])
                })
                .collect();
            (purge.join().unwrap(), written)
        });
        assert!(written.iter().all(Result::is_ok), "{written:?}");
        assert_eq!(report.unwrap().conversations, 1_200);
        let reader = pool.reader().unwrap();
        let left = reader.conversations().unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(reader.messages(left[0].id).unwrap().len(), 40);
    }

    #[test]
    fn after_a_key_rotation_new_readers_open_with_the_new_key() {
        let (dir, secrets, pool) = pool(2);
        pool.writer()
            .ingest(&[vec![inbound(
                "m1",
                "c1",
                None,
                "Before the rotation",
                1_000,
            )]])
            .unwrap();
        drop(pool.reader().unwrap());
        let code = pool.rotate_key(&secrets).unwrap();
        pool.writer()
            .ingest(&[vec![inbound("m2", "c1", None, "After the rotation", 2_000)]])
            .unwrap();
        let conversation = pool.reader().unwrap().conversations().unwrap()[0].id;
        assert_eq!(
            pool.reader().unwrap().messages(conversation).unwrap().len(),
            2
        );
        drop(pool);
        // The new code is the key now.
        let fresh = InMemorySecretStore::default();
        let reopened = Vault::unlock_with_recovery_code(dir.path(), &fresh, code.expose()).unwrap();
        assert_eq!(reopened.messages(conversation).unwrap().len(), 2);
    }
}

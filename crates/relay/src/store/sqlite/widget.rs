//! Website chats: sites, visitor sessions, replies waiting (see `widget_store`).

use super::*;
use crate::widget_store::{
    MAX_ORIGINS, MAX_REFUSED_ORIGINS, OriginRefused, PendingReply, RefusedOrigin, ReplyRefused,
    SESSION_LIFETIME_SECONDS, Session, Site,
};

fn site_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Site> {
    let origins: String = r.get(3)?;
    Ok(Site {
        site_id: r.get(0)?,
        business_id: r.get(1)?,
        name: r.get(2)?,
        origins: serde_json::from_str(&origins).unwrap_or_default(),
    })
}

impl SqliteStore {
    /// Adds a website chat for a business; its id is also the route id that
    /// visitor messages are sealed by.
    pub fn create_site(
        &self,
        business_id: &str,
        name: &str,
        origins: &[String],
        now: i64,
    ) -> Result<Site, StoreError> {
        let site_id = format!("site_{}", random_token(12));
        let origins_json = serde_json::to_string(origins).unwrap_or_else(|_| "[]".into());
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO widget_sites (id, business_id, name, origins, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![site_id, business_id, name, origins_json, now],
            )?;
            tx.execute(
                "INSERT INTO routes (kind, account_id, business_id, created_at) VALUES ('website', ?1, ?2, ?3)",
                params![site_id, business_id, now],
            )?;
            tx.commit()?;
            Ok(())
        })?;
        Ok(Site {
            site_id,
            business_id: business_id.to_owned(),
            name: name.to_owned(),
            origins: origins.to_vec(),
        })
    }

    /// Counts a refused page address of a site; a new address is remembered
    /// only while the site has fewer than [`MAX_REFUSED_ORIGINS`].
    pub fn record_refused_origin(
        &self,
        site_id: &str,
        origin: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let counted = tx.execute(
                "UPDATE widget_refused_origins SET refusals = refusals + 1, last_refused_at = ?3
                 WHERE site_id = ?1 AND origin = ?2",
                params![site_id, origin, now],
            )?;
            if counted == 0 {
                tx.execute(
                    "INSERT INTO widget_refused_origins (site_id, origin, refusals, last_refused_at)
                     SELECT ?1, ?2, 1, ?3 WHERE EXISTS (SELECT 1 FROM widget_sites WHERE id = ?1)
                       AND (SELECT COUNT(*) FROM widget_refused_origins WHERE site_id = ?1) < ?4",
                    params![site_id, origin, now, MAX_REFUSED_ORIGINS],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// The refused page addresses of a business's sites, most recent first.
    pub fn refused_origins(&self, business_id: &str) -> Result<Vec<RefusedOrigin>, StoreError> {
        self.with(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT r.site_id, r.origin, r.refusals, r.last_refused_at
                 FROM widget_refused_origins r JOIN widget_sites w ON w.id = r.site_id
                 WHERE w.business_id = ?1 ORDER BY r.last_refused_at DESC, r.origin",
            )?;
            let refused = statement.query_map(params![business_id], |r| {
                Ok(RefusedOrigin {
                    site_id: r.get(0)?,
                    origin: r.get(1)?,
                    refusals: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                    last_refused_at: r.get(3)?,
                })
            })?;
            Ok(refused.collect::<Result<_, _>>()?)
        })
    }

    /// Adds an address (already normalized) to a business's site; the
    /// address is no longer counted as refused.
    pub fn add_site_origin(
        &self,
        business_id: &str,
        site_id: &str,
        origin: &str,
    ) -> Result<Result<Site, OriginRefused>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let site = tx
                .query_row(
                    "SELECT id, business_id, name, origins FROM widget_sites WHERE id = ?1 AND business_id = ?2",
                    params![site_id, business_id],
                    site_row,
                )
                .optional()?;
            let Some(mut site) = site else {
                return Ok(Err(OriginRefused::UnknownSite));
            };
            if !site.origins.iter().any(|known| known == origin) {
                if site.origins.len() >= MAX_ORIGINS {
                    return Ok(Err(OriginRefused::TooMany));
                }
                site.origins.push(origin.to_owned());
                let origins_json =
                    serde_json::to_string(&site.origins).unwrap_or_else(|_| "[]".into());
                tx.execute(
                    "UPDATE widget_sites SET origins = ?2 WHERE id = ?1",
                    params![site_id, origins_json],
                )?;
            }
            tx.execute(
                "DELETE FROM widget_refused_origins WHERE site_id = ?1 AND origin = ?2",
                params![site_id, origin],
            )?;
            tx.commit()?;
            Ok(Ok(site))
        })
    }

    /// Every site, for the in-memory origin check.
    pub fn sites(&self) -> Result<Vec<Site>, StoreError> {
        self.with(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT id, business_id, name, origins FROM widget_sites ORDER BY created_at",
            )?;
            let sites = statement.query_map([], site_row)?;
            Ok(sites.collect::<Result<_, _>>()?)
        })
    }

    /// The visitor session for `secret` on `site_id`, touched; a new one when
    /// `secret` is absent, unknown, expired or belongs to another site.
    /// Returns the session and the secret the visitor's page should keep.
    pub fn visitor_session(
        &self,
        site_id: &str,
        secret: Option<&str>,
        now: i64,
    ) -> Result<(Session, String), StoreError> {
        self.with(|conn| {
            if let Some(secret) = secret {
                let reference = hash_secret(secret);
                let updated = conn.execute(
                    "UPDATE widget_sessions SET last_seen_at = ?3
                     WHERE id_hash = ?1 AND site_id = ?2 AND last_seen_at > ?4",
                    params![reference, site_id, now, now - SESSION_LIFETIME_SECONDS],
                )?;
                if updated == 1 {
                    return Ok((
                        Session {
                            reference,
                            site_id: site_id.to_owned(),
                        },
                        secret.to_owned(),
                    ));
                }
            }
            let secret = random_token(24);
            let reference = hash_secret(&secret);
            conn.execute(
                "INSERT INTO widget_sessions (id_hash, site_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)",
                params![reference, site_id, now],
            )?;
            Ok((
                Session {
                    reference,
                    site_id: site_id.to_owned(),
                },
                secret,
            ))
        })
    }

    /// The live session for `secret` on `site_id`, without creating one.
    pub fn existing_session(
        &self,
        site_id: &str,
        secret: &str,
        now: i64,
    ) -> Result<Option<Session>, StoreError> {
        let reference = hash_secret(secret);
        self.with(|conn| {
            let found = conn
                .query_row(
                    "SELECT 1 FROM widget_sessions WHERE id_hash = ?1 AND site_id = ?2 AND last_seen_at > ?3",
                    params![reference, site_id, now - SESSION_LIFETIME_SECONDS],
                    |_| Ok(()),
                )
                .optional()?;
            Ok(found.map(|()| Session {
                reference: reference.clone(),
                site_id: site_id.to_owned(),
            }))
        })
    }

    /// Queues an approved reply for a visitor. The same `reply_id` for the
    /// same session is queued once (a desktop retrying a send).
    pub fn queue_reply(
        &self,
        business_id: &str,
        site_id: &str,
        session_reference: &str,
        reply_id: &str,
        text: &str,
        now: i64,
    ) -> Result<Result<u64, ReplyRefused>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let owned = tx
                .query_row(
                    "SELECT 1 FROM widget_sites WHERE id = ?1 AND business_id = ?2",
                    params![site_id, business_id],
                    |_| Ok(()),
                )
                .optional()?;
            if owned.is_none() {
                return Ok(Err(ReplyRefused::UnknownSite));
            }
            let live = tx
                .query_row(
                    "SELECT 1 FROM widget_sessions WHERE id_hash = ?1 AND site_id = ?2 AND last_seen_at > ?3",
                    params![session_reference, site_id, now - SESSION_LIFETIME_SECONDS],
                    |_| Ok(()),
                )
                .optional()?;
            if live.is_none() {
                return Ok(Err(ReplyRefused::SessionGone));
            }
            tx.execute(
                "INSERT INTO widget_replies (session_hash, reply_id, text, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (session_hash, reply_id) DO NOTHING",
                params![session_reference, reply_id, text, now],
            )?;
            let seq: i64 = tx.query_row(
                "SELECT seq FROM widget_replies WHERE session_hash = ?1 AND reply_id = ?2",
                params![session_reference, reply_id],
                |r| r.get(0),
            )?;
            tx.commit()?;
            Ok(Ok(u64::try_from(seq).unwrap_or(0)))
        })
    }

    /// The replies for a session after `after`; those up to `after` are
    /// deleted, since the page says it has them.
    pub fn replies_after(
        &self,
        session_reference: &str,
        after: u64,
    ) -> Result<Vec<PendingReply>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.with(|conn| {
            conn.execute(
                "DELETE FROM widget_replies WHERE session_hash = ?1 AND seq <= ?2",
                params![session_reference, after],
            )?;
            let mut statement = conn.prepare_cached(
                "SELECT seq, reply_id, text, created_at FROM widget_replies
                 WHERE session_hash = ?1 AND seq > ?2 ORDER BY seq LIMIT 50",
            )?;
            let replies = statement.query_map(params![session_reference, after], |r| {
                Ok(PendingReply {
                    seq: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    reply_id: r.get(1)?,
                    text: r.get(2)?,
                    created_at: r.get(3)?,
                })
            })?;
            Ok(replies.collect::<Result<_, _>>()?)
        })
    }

    /// Forgets sessions unused for [`SESSION_LIFETIME_SECONDS`] and their replies.
    /// How many visitor sessions the relay holds (for the operator and tests).
    pub fn widget_session_count(&self) -> Result<i64, StoreError> {
        self.read(|conn| {
            Ok(conn.query_row("SELECT count(*) FROM widget_sessions", [], |r| r.get(0))?)
        })
    }

    pub fn expire_widget_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let before = now - SESSION_LIFETIME_SECONDS;
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "DELETE FROM widget_replies WHERE session_hash IN
                 (SELECT id_hash FROM widget_sessions WHERE last_seen_at <= ?1)",
                [before],
            )?;
            let gone = tx.execute(
                "DELETE FROM widget_sessions WHERE last_seen_at <= ?1",
                [before],
            )?;
            tx.commit()?;
            Ok(gone as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widget_store::*;

    fn store_with_business() -> (tempfile::TempDir, SqliteStore, String) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let code = store.create_invite("Ana's Salon", 100).unwrap();
        let key = leadbox_envelope::DeviceSecretKey::generate().public_key();
        let registration = store.register_device(&code, &key, "laptop", 100).unwrap();
        (dir, store, registration.business_id)
    }

    #[test]
    fn a_site_is_a_route_of_its_business() {
        let (_dir, store, business) = store_with_business();
        let site = store
            .create_site(
                &business,
                "Salon site",
                &["https://salon.example".into()],
                100,
            )
            .unwrap();
        let recipients = store
            .recipients(leadbox_envelope::Platform::Website, &site.site_id)
            .unwrap()
            .unwrap();
        assert_eq!(recipients.business_id, business);
        assert_eq!(recipients.devices.len(), 1);
        assert_eq!(store.sites().unwrap(), vec![site]);
    }

    #[test]
    fn a_session_is_kept_by_its_secret_and_only_on_its_site() {
        let (_dir, store, business) = store_with_business();
        let a = store.create_site(&business, "A", &[], 100).unwrap();
        let b = store.create_site(&business, "B", &[], 100).unwrap();
        let (session, secret) = store.visitor_session(&a.site_id, None, 200).unwrap();
        assert_ne!(
            session.reference, secret,
            "only a hash of the secret is kept"
        );
        let (again, same_secret) = store
            .visitor_session(&a.site_id, Some(&secret), 300)
            .unwrap();
        assert_eq!(
            (again.reference.as_str(), same_secret.as_str()),
            (session.reference.as_str(), secret.as_str())
        );
        let (elsewhere, _) = store
            .visitor_session(&b.site_id, Some(&secret), 300)
            .unwrap();
        assert_ne!(elsewhere.reference, session.reference);
        assert!(
            store
                .existing_session(&b.site_id, &secret, 300)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn replies_are_queued_once_and_dropped_when_the_page_has_them() {
        let (_dir, store, business) = store_with_business();
        let site = store.create_site(&business, "A", &[], 100).unwrap();
        let (session, _) = store.visitor_session(&site.site_id, None, 200).unwrap();
        let first = store
            .queue_reply(
                &business,
                &site.site_id,
                &session.reference,
                "d1",
                "Yes!",
                210,
            )
            .unwrap()
            .unwrap();
        let retried = store
            .queue_reply(
                &business,
                &site.site_id,
                &session.reference,
                "d1",
                "Yes!",
                211,
            )
            .unwrap()
            .unwrap();
        assert_eq!(first, retried);
        let second = store
            .queue_reply(
                &business,
                &site.site_id,
                &session.reference,
                "d2",
                "Friday?",
                212,
            )
            .unwrap()
            .unwrap();
        let texts = |after| {
            store
                .replies_after(&session.reference, after)
                .unwrap()
                .into_iter()
                .map(|r| r.text)
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(0), ["Yes!", "Friday?"]);
        assert_eq!(texts(first), ["Friday?"]);
        assert_eq!(texts(0), ["Friday?"], "what the page confirmed is gone");
        assert_eq!(texts(second), Vec::<String>::new());
    }

    #[test]
    fn another_business_cannot_reply_on_a_site_and_old_sessions_expire() {
        let (_dir, store, business) = store_with_business();
        let site = store.create_site(&business, "A", &[], 100).unwrap();
        let (session, secret) = store.visitor_session(&site.site_id, None, 200).unwrap();
        let other = store
            .queue_reply(
                "someone-else",
                &site.site_id,
                &session.reference,
                "d1",
                "hi",
                210,
            )
            .unwrap();
        assert_eq!(other, Err(ReplyRefused::UnknownSite));
        store
            .queue_reply(
                &business,
                &site.site_id,
                &session.reference,
                "d1",
                "hi",
                210,
            )
            .unwrap()
            .unwrap();
        let later = 210 + SESSION_LIFETIME_SECONDS + 1;
        assert_eq!(store.expire_widget_sessions(later).unwrap(), 1);
        assert!(
            store
                .existing_session(&site.site_id, &secret, later)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store
                .queue_reply(
                    &business,
                    &site.site_id,
                    &session.reference,
                    "d2",
                    "hi",
                    later
                )
                .unwrap(),
            Err(ReplyRefused::SessionGone)
        );
        assert!(
            store
                .replies_after(&session.reference, 0)
                .unwrap()
                .is_empty()
        );
    }
}

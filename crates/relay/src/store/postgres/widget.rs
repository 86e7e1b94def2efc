//! Website chats: sites, visitor sessions, replies waiting (see `widget_store`).

use super::{PostgresStore, cursor, signed};
use crate::secrets::random_token;
use crate::store::{StoreError, hash_secret};
use crate::widget_store::{
    MAX_ORIGINS, MAX_REFUSED_ORIGINS, OriginRefused, PendingReply, RefusedOrigin, ReplyRefused,
    SESSION_LIFETIME_SECONDS, Session, Site,
};

impl PostgresStore {
    pub async fn create_site(
        &self,
        business_id: &str,
        name: &str,
        origins: &[String],
        now: i64,
    ) -> Result<Site, StoreError> {
        let site_id = format!("site_{}", random_token(12));
        let origins_json = serde_json::to_string(origins).unwrap_or_else(|_| "[]".into());
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO widget_sites (id, business_id, name, origins, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[&site_id, &business_id, &name, &origins_json, &now],
        )
        .await?;
        tx.execute(
            "INSERT INTO routes (kind, account_id, business_id, created_at) VALUES ('website', $1, $2, $3)",
            &[&site_id, &business_id, &now],
        )
        .await?;
        tx.execute("SELECT pg_notify($1, '')", &[&super::notify::SITES])
            .await?;
        tx.commit().await?;
        Ok(Site {
            site_id,
            business_id: business_id.to_owned(),
            name: name.to_owned(),
            origins: origins.to_vec(),
        })
    }

    pub async fn record_refused_origin(
        &self,
        site_id: &str,
        origin: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        let counted = client
            .execute(
                "UPDATE widget_refused_origins SET refusals = refusals + 1, last_refused_at = $3
                 WHERE site_id = $1 AND origin = $2",
                &[&site_id, &origin, &now],
            )
            .await?;
        if counted == 0 {
            // Two instances may both see the address as new: the key keeps one row.
            client
                .execute(
                    "INSERT INTO widget_refused_origins (site_id, origin, refusals, last_refused_at)
                     SELECT $1, $2, 1, $3 WHERE EXISTS (SELECT 1 FROM widget_sites WHERE id = $1)
                       AND (SELECT COUNT(*) FROM widget_refused_origins WHERE site_id = $1) < $4
                     ON CONFLICT (site_id, origin) DO UPDATE
                       SET refusals = widget_refused_origins.refusals + 1, last_refused_at = $3",
                    &[&site_id, &origin, &now, &MAX_REFUSED_ORIGINS],
                )
                .await?;
        }
        Ok(())
    }

    pub async fn refused_origins(
        &self,
        business_id: &str,
    ) -> Result<Vec<RefusedOrigin>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT r.site_id, r.origin, r.refusals, r.last_refused_at
                 FROM widget_refused_origins r JOIN widget_sites w ON w.id = r.site_id
                 WHERE w.business_id = $1 ORDER BY r.last_refused_at DESC, r.origin",
                &[&business_id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| RefusedOrigin {
                site_id: r.get(0),
                origin: r.get(1),
                refusals: u64::try_from(r.get::<_, i64>(2)).unwrap_or(0),
                last_refused_at: r.get(3),
            })
            .collect())
    }

    pub async fn add_site_origin(
        &self,
        business_id: &str,
        site_id: &str,
        origin: &str,
    ) -> Result<Result<Site, OriginRefused>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let Some(row) = tx
            .query_opt(
                "SELECT id, business_id, name, origins FROM widget_sites
                 WHERE id = $1 AND business_id = $2 FOR UPDATE",
                &[&site_id, &business_id],
            )
            .await?
        else {
            return Ok(Err(OriginRefused::UnknownSite));
        };
        let mut site = Site {
            site_id: row.get(0),
            business_id: row.get(1),
            name: row.get(2),
            origins: serde_json::from_str(&row.get::<_, String>(3)).unwrap_or_default(),
        };
        if !site.origins.iter().any(|known| known == origin) {
            if site.origins.len() >= MAX_ORIGINS {
                return Ok(Err(OriginRefused::TooMany));
            }
            site.origins.push(origin.to_owned());
            let origins_json = serde_json::to_string(&site.origins).unwrap_or_else(|_| "[]".into());
            tx.execute(
                "UPDATE widget_sites SET origins = $2 WHERE id = $1",
                &[&site_id, &origins_json],
            )
            .await?;
        }
        tx.execute(
            "DELETE FROM widget_refused_origins WHERE site_id = $1 AND origin = $2",
            &[&site_id, &origin],
        )
        .await?;
        // Every instance's origin check reloads the sites.
        tx.execute("SELECT pg_notify($1, '')", &[&super::notify::SITES])
            .await?;
        tx.commit().await?;
        Ok(Ok(site))
    }

    pub async fn sites(&self) -> Result<Vec<Site>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id, business_id, name, origins FROM widget_sites ORDER BY created_at, id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Site {
                site_id: r.get(0),
                business_id: r.get(1),
                name: r.get(2),
                origins: serde_json::from_str(&r.get::<_, String>(3)).unwrap_or_default(),
            })
            .collect())
    }

    pub async fn visitor_session(
        &self,
        site_id: &str,
        secret: Option<&str>,
        now: i64,
    ) -> Result<(Session, String), StoreError> {
        let client = self.client().await?;
        if let Some(secret) = secret {
            let reference = hash_secret(secret);
            let updated = client
                .execute(
                    "UPDATE widget_sessions SET last_seen_at = $3
                     WHERE id_hash = $1 AND site_id = $2 AND last_seen_at > $4",
                    &[
                        &reference,
                        &site_id,
                        &now,
                        &(now - SESSION_LIFETIME_SECONDS),
                    ],
                )
                .await?;
            if updated == 1 {
                let session = Session {
                    reference,
                    site_id: site_id.to_owned(),
                };
                return Ok((session, secret.to_owned()));
            }
        }
        let secret = random_token(24);
        let reference = hash_secret(&secret);
        client
            .execute(
                "INSERT INTO widget_sessions (id_hash, site_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
                &[&reference, &site_id, &now],
            )
            .await?;
        let session = Session {
            reference,
            site_id: site_id.to_owned(),
        };
        Ok((session, secret))
    }

    pub async fn existing_session(
        &self,
        site_id: &str,
        secret: &str,
        now: i64,
    ) -> Result<Option<Session>, StoreError> {
        let reference = hash_secret(secret);
        let client = self.client().await?;
        let found = client
            .query_opt(
                "SELECT 1 FROM widget_sessions WHERE id_hash = $1 AND site_id = $2 AND last_seen_at > $3",
                &[&reference, &site_id, &(now - SESSION_LIFETIME_SECONDS)],
            )
            .await?;
        Ok(found.map(|_| Session {
            reference,
            site_id: site_id.to_owned(),
        }))
    }

    pub async fn queue_reply(
        &self,
        business_id: &str,
        site_id: &str,
        session_reference: &str,
        reply_id: &str,
        text: &str,
        now: i64,
    ) -> Result<Result<u64, ReplyRefused>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let owned = tx
            .query_opt(
                "SELECT 1 FROM widget_sites WHERE id = $1 AND business_id = $2",
                &[&site_id, &business_id],
            )
            .await?;
        if owned.is_none() {
            return Ok(Err(ReplyRefused::UnknownSite));
        }
        let live = tx
            .query_opt(
                "SELECT 1 FROM widget_sessions WHERE id_hash = $1 AND site_id = $2 AND last_seen_at > $3",
                &[&session_reference, &site_id, &(now - SESSION_LIFETIME_SECONDS)],
            )
            .await?;
        if live.is_none() {
            return Ok(Err(ReplyRefused::SessionGone));
        }
        tx.execute(
            "INSERT INTO widget_replies (session_hash, reply_id, text, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (session_hash, reply_id) DO NOTHING",
            &[&session_reference, &reply_id, &text, &now],
        )
        .await?;
        let seq: i64 = tx
            .query_one(
                "SELECT seq FROM widget_replies WHERE session_hash = $1 AND reply_id = $2",
                &[&session_reference, &reply_id],
            )
            .await?
            .get(0);
        tx.execute("SELECT pg_notify($1, '')", &[&super::notify::REPLIES])
            .await?;
        tx.commit().await?;
        Ok(Ok(cursor(seq)))
    }

    pub async fn replies_after(
        &self,
        session_reference: &str,
        after: u64,
    ) -> Result<Vec<PendingReply>, StoreError> {
        let after = signed(after);
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM widget_replies WHERE session_hash = $1 AND seq <= $2",
                &[&session_reference, &after],
            )
            .await?;
        let rows = client
            .query(
                "SELECT seq, reply_id, text, created_at FROM widget_replies
                 WHERE session_hash = $1 AND seq > $2 ORDER BY seq LIMIT 50",
                &[&session_reference, &after],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| PendingReply {
                seq: cursor(r.get(0)),
                reply_id: r.get(1),
                text: r.get(2),
                created_at: r.get(3),
            })
            .collect())
    }

    pub async fn widget_session_count(&self) -> Result<i64, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_one("SELECT count(*) FROM widget_sessions", &[])
            .await?
            .get(0))
    }

    pub async fn expire_widget_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let before = now - SESSION_LIFETIME_SECONDS;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "DELETE FROM widget_replies WHERE session_hash IN
             (SELECT id_hash FROM widget_sessions WHERE last_seen_at <= $1)",
            &[&before],
        )
        .await?;
        let gone = tx
            .execute(
                "DELETE FROM widget_sessions WHERE last_seen_at <= $1",
                &[&before],
            )
            .await?;
        tx.commit().await?;
        Ok(gone)
    }
}

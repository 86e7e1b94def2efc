//! The PostgreSQL schema, as numbered migrations. They run once, in one
//! transaction under an advisory lock: several instances starting together
//! migrate the database once.

use deadpool_postgres::Client;

use crate::store::StoreError;

/// Any number: the advisory lock every instance takes while migrating.
const MIGRATION_LOCK: i64 = 0x1ead_b0c5;

/// Append only: a migration that has run is never edited.
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        "CREATE TABLE businesses (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE invites (
        code_hash TEXT PRIMARY KEY,
        business_id TEXT NOT NULL REFERENCES businesses(id),
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        business_id TEXT NOT NULL REFERENCES businesses(id),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        public_key TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT,
        lost_unreported BIGINT NOT NULL DEFAULT 0,
        key_rotated_at BIGINT,
        role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member')),
        -- The order computers were paired in (the owner first).
        paired BIGSERIAL NOT NULL
    );
    CREATE INDEX devices_by_business ON devices(business_id);
    CREATE TABLE routes (
        kind TEXT NOT NULL,
        account_id TEXT NOT NULL,
        business_id TEXT NOT NULL REFERENCES businesses(id),
        created_at BIGINT NOT NULL,
        PRIMARY KEY (kind, account_id)
    );
    CREATE TABLE business_account_routes (
        account_id TEXT NOT NULL,
        business_id TEXT NOT NULL REFERENCES businesses(id),
        created_at BIGINT NOT NULL,
        PRIMARY KEY (account_id, business_id)
    );
    CREATE TABLE envelopes (
        cursor BIGSERIAL PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices(id),
        envelope_id TEXT NOT NULL,
        business_id TEXT NOT NULL,
        encapsulated_key TEXT NOT NULL,
        ciphertext TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE INDEX envelopes_by_device ON envelopes(device_id, cursor);
    CREATE INDEX envelopes_by_age ON envelopes(created_at);
    CREATE TABLE oauth_states (
        state_hash TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices(id),
        expires_at BIGINT NOT NULL,
        provider TEXT NOT NULL,
        code_hash TEXT,
        confirmed BOOLEAN NOT NULL DEFAULT FALSE,
        failed_attempts BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE meta_users (
        user_id TEXT NOT NULL,
        business_id TEXT NOT NULL REFERENCES businesses(id),
        linked_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, business_id)
    );
    CREATE TABLE deletion_requests (
        code TEXT PRIMARY KEY,
        requested_at BIGINT NOT NULL,
        completed_at BIGINT
    );
    CREATE TABLE deletion_pending (
        code TEXT NOT NULL REFERENCES deletion_requests(code),
        business_id TEXT NOT NULL REFERENCES businesses(id),
        PRIMARY KEY (code, business_id)
    );
    CREATE TABLE widget_sites (
        id TEXT PRIMARY KEY,
        business_id TEXT NOT NULL REFERENCES businesses(id),
        name TEXT NOT NULL,
        origins TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE widget_sessions (
        id_hash TEXT PRIMARY KEY,
        site_id TEXT NOT NULL REFERENCES widget_sites(id),
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL
    );
    CREATE INDEX widget_sessions_by_age ON widget_sessions(last_seen_at);
    CREATE TABLE widget_replies (
        seq BIGSERIAL PRIMARY KEY,
        session_hash TEXT NOT NULL,
        reply_id TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        UNIQUE (session_hash, reply_id)
    );",
    ),
    // The operator may suspend a business (its computers are refused).
    (2, "ALTER TABLE businesses ADD COLUMN suspended_at BIGINT;"),
    // Page addresses refused by a website chat, for the owner to add.
    (
        3,
        "CREATE TABLE widget_refused_origins (
        site_id TEXT NOT NULL REFERENCES widget_sites(id),
        origin TEXT NOT NULL,
        refusals BIGINT NOT NULL,
        last_refused_at BIGINT NOT NULL,
        PRIMARY KEY (site_id, origin)
    );",
    ),
];

/// Brings the database to the newest schema, in one transaction.
pub async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    // Checked first: IF NOT EXISTS would log a notice at every start.
    let fresh: bool = tx
        .query_one("SELECT to_regclass('leadbox_migrations') IS NULL", &[])
        .await?
        .get(0);
    if fresh {
        tx.batch_execute(
            "CREATE TABLE leadbox_migrations (
                version INTEGER PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )
        .await?;
    }
    for (version, sql) in MIGRATIONS {
        let applied = tx
            .query_opt(
                "SELECT 1 FROM leadbox_migrations WHERE version = $1",
                &[version],
            )
            .await?
            .is_some();
        if !applied {
            tx.batch_execute(sql).await?;
            tx.execute(
                "INSERT INTO leadbox_migrations (version) VALUES ($1)",
                &[version],
            )
            .await?;
            tracing::info!(version, "database migrated");
        }
    }
    tx.commit().await?;
    Ok(())
}

//! The SQLite schema, as `rusqlite_migration` steps (append only).

use rusqlite_migration::{M, Migrations};

pub(super) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE businesses (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE invites (
            code_hash TEXT PRIMARY KEY,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            expires_at INTEGER NOT NULL,
            used_at INTEGER
        );
        CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            public_key TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        CREATE TABLE routes (
            kind TEXT NOT NULL,
            account_id TEXT NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (kind, account_id)
        );
        CREATE TABLE envelopes (
            cursor INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id TEXT NOT NULL REFERENCES devices(id),
            envelope_id TEXT NOT NULL,
            business_id TEXT NOT NULL,
            encapsulated_key TEXT NOT NULL,
            ciphertext TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX envelopes_by_device ON envelopes(device_id, cursor);",
        ),
        // Expiry and bounds: how many envelopes a device lost without being told yet.
        M::up(
            "ALTER TABLE devices ADD COLUMN lost_unreported INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE devices ADD COLUMN key_rotated_at INTEGER;
        CREATE INDEX envelopes_by_age ON envelopes(created_at);",
        ),
        // Facebook Login and Meta's data-deletion callback (see `meta_links`).
        M::up(
            "CREATE TABLE oauth_states (
            state_hash TEXT PRIMARY KEY,
            device_id TEXT NOT NULL REFERENCES devices(id),
            expires_at INTEGER NOT NULL
        );
        CREATE TABLE meta_users (
            user_id TEXT NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            linked_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, business_id)
        );
        CREATE TABLE deletion_requests (
            code TEXT PRIMARY KEY,
            requested_at INTEGER NOT NULL,
            completed_at INTEGER
        );
        CREATE TABLE deletion_pending (
            code TEXT NOT NULL REFERENCES deletion_requests(code),
            business_id TEXT NOT NULL REFERENCES businesses(id),
            PRIMARY KEY (code, business_id)
        );",
        ),
        // Which login a state belongs to (Facebook or Instagram), so one
        // cannot be completed through the other.
        M::up("ALTER TABLE oauth_states ADD COLUMN provider TEXT NOT NULL DEFAULT 'facebook';"),
        // Website chats (see `widget_store`).
        M::up(
            "CREATE TABLE widget_sites (
            id TEXT PRIMARY KEY,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            name TEXT NOT NULL,
            origins TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE widget_sessions (
            id_hash TEXT PRIMARY KEY,
            site_id TEXT NOT NULL REFERENCES widget_sites(id),
            created_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL
        );
        CREATE INDEX widget_sessions_by_age ON widget_sessions(last_seen_at);
        CREATE TABLE widget_replies (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            session_hash TEXT NOT NULL,
            reply_id TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (session_hash, reply_id)
        );",
        ),
        // Roles: the first computer paired is the business's owner; only an
        // owner removes other computers, so a stolen laptop cannot lock the
        // owner out. Existing businesses: their oldest active computer.
        M::up(
            "ALTER TABLE devices ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
                CHECK (role IN ('owner', 'member'));
            UPDATE devices SET role = 'owner' WHERE rowid IN (
                SELECT (SELECT d.rowid FROM devices d
                        WHERE d.business_id = b.id AND d.revoked_at IS NULL
                        ORDER BY d.created_at, d.rowid LIMIT 1)
                FROM businesses b);",
        ),
        // WhatsApp Business Accounts whose account-level changes (templates,
        // quality, restrictions) go to a business: one account can hold
        // numbers of several businesses, so it can go to several.
        M::up(
            "CREATE TABLE business_account_routes (
            account_id TEXT NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (account_id, business_id)
        );",
        ),
        // A login link is confirmed on the relay's page with a code shown on
        // the owner's computer before it goes on to Facebook or Instagram.
        M::up(
            "ALTER TABLE oauth_states ADD COLUMN code_hash TEXT;
            ALTER TABLE oauth_states ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE oauth_states ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;",
        ),
        // The operator may suspend a business (its computers are refused).
        M::up("ALTER TABLE businesses ADD COLUMN suspended_at INTEGER;"),
        // Page addresses refused by a website chat, for the owner to add.
        M::up(
            "CREATE TABLE widget_refused_origins (
            site_id TEXT NOT NULL REFERENCES widget_sites(id),
            origin TEXT NOT NULL,
            refusals INTEGER NOT NULL,
            last_refused_at INTEGER NOT NULL,
            PRIMARY KEY (site_id, origin)
        );",
        ),
    ])
}

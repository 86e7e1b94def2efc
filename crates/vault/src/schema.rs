use rusqlite_migration::{M, Migrations};

/// The vault's schema, one migration per version. `rusqlite_migration` keeps the
/// version in SQLite's `user_version` and applies each step atomically.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(
        "CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            platform_account_id TEXT NOT NULL,
            name TEXT,
            created_at INTEGER NOT NULL,
            UNIQUE (platform, platform_account_id)
        );
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            platform_contact_id TEXT NOT NULL,
            name TEXT,
            created_at INTEGER NOT NULL,
            UNIQUE (account_id, platform_contact_id)
        );
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            last_message_at INTEGER NOT NULL,
            unread_count INTEGER NOT NULL DEFAULT 0,
            UNIQUE (account_id, contact_id)
        );
        CREATE INDEX conversations_by_recency ON conversations(last_message_at DESC);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            platform_message_id TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
            body TEXT,
            attachments TEXT NOT NULL DEFAULT '[]',
            sent_at INTEGER NOT NULL,
            stored_at INTEGER NOT NULL,
            UNIQUE (account_id, platform_message_id)
        );
        CREATE INDEX messages_by_conversation ON messages(conversation_id, sent_at);
        CREATE TABLE unsupported_events (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            platform_account_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            stored_at INTEGER NOT NULL
        );
        CREATE TABLE unreadable_envelopes (
            envelope_id TEXT PRIMARY KEY,
            sealed TEXT NOT NULL,
            reason TEXT NOT NULL,
            stored_at INTEGER NOT NULL
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL
        );",
    ),
    // Drafting: the business profile, reply drafts and what was learned about each lead.
    M::up(
        "CREATE TABLE business_profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            toml TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            reply_to_message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('queued', 'pending', 'stale', 'approved', 'rejected', 'failed')),
            text TEXT,
            original_text TEXT,
            flags TEXT NOT NULL DEFAULT '[]',
            provider TEXT,
            model TEXT,
            latency_ms INTEGER,
            input_tokens INTEGER,
            output_tokens INTEGER,
            error TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX drafts_by_status ON drafts(status, id);
        CREATE INDEX drafts_by_conversation ON drafts(conversation_id);
        CREATE TABLE leads (
            contact_id INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
            name TEXT,
            emails TEXT NOT NULL DEFAULT '[]',
            phones TEXT NOT NULL DEFAULT '[]',
            intent TEXT,
            urgency TEXT,
            summary TEXT,
            updated_at INTEGER NOT NULL
        );",
    ),
    // Sending: how each account is connected, and drafts that were sent or failed to send.
    M::up(
        "ALTER TABLE accounts ADD COLUMN connection TEXT;
        ALTER TABLE accounts ADD COLUMN status TEXT NOT NULL DEFAULT 'not_connected';
        ALTER TABLE accounts ADD COLUMN human_agent INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE drafts_v3 (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            reply_to_message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('queued', 'pending', 'stale', 'approved', 'rejected', 'failed', 'sent', 'send_failed')),
            text TEXT,
            original_text TEXT,
            flags TEXT NOT NULL DEFAULT '[]',
            provider TEXT,
            model TEXT,
            latency_ms INTEGER,
            input_tokens INTEGER,
            output_tokens INTEGER,
            error TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            sent_message_id TEXT
        );
        INSERT INTO drafts_v3 (id, conversation_id, reply_to_message_id, status, text, original_text, flags, provider, model,
            latency_ms, input_tokens, output_tokens, error, created_at, updated_at)
            SELECT id, conversation_id, reply_to_message_id, status, text, original_text, flags, provider, model,
            latency_ms, input_tokens, output_tokens, error, created_at, updated_at FROM drafts;
        DROP TABLE drafts;
        ALTER TABLE drafts_v3 RENAME TO drafts;
        CREATE INDEX drafts_by_status ON drafts(status, id);
        CREATE INDEX drafts_by_conversation ON drafts(conversation_id);",
    ),
    // Opt-out: when a person asked not to be messaged (NULL: they did not, or asked to resume).
    M::up("ALTER TABLE contacts ADD COLUMN opted_out_at INTEGER;"),
    // Public comments live beside direct messages; a reply to one is a private reply.
    M::up(
        "ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'direct' CHECK (kind IN ('direct', 'comment'));
        ALTER TABLE messages ADD COLUMN media_id TEXT;",
    ),
    // What happened to a reply after it was sent: sent, delivered, read or failed.
    M::up(
        "ALTER TABLE messages ADD COLUMN delivery TEXT CHECK (delivery IN ('sent', 'delivered', 'read', 'failed'));
        ALTER TABLE messages ADD COLUMN delivery_error TEXT;",
    ),
    // Lead-ad submissions: stored at once, answers fetched from the Graph API with retries.
    M::up(
        "CREATE TABLE lead_forms (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            leadgen_id TEXT NOT NULL,
            form_id TEXT,
            ad_id TEXT,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'fetched', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            answers TEXT,
            name TEXT,
            email TEXT,
            phone TEXT,
            error TEXT,
            UNIQUE (account_id, leadgen_id)
        );",
    ),
    // Search, erasure and retention: a full-text index over message bodies that
    // forgets deleted text at once ('secure-delete'), and when a body was removed
    // by the retention policy.
    M::up(
        "CREATE VIRTUAL TABLE messages_fts USING fts5(
            body, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1);
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN NEW.body IS NOT NULL BEGIN
            INSERT INTO messages_fts(rowid, body) VALUES (NEW.id, NEW.body);
        END;
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN OLD.body IS NOT NULL BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
        END;
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, body) SELECT 'delete', OLD.id, OLD.body WHERE OLD.body IS NOT NULL;
            INSERT INTO messages_fts(rowid, body) SELECT NEW.id, NEW.body WHERE NEW.body IS NOT NULL;
        END;
        INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
        CREATE VIRTUAL TABLE contacts_fts USING fts5(
            name, content='contacts', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO contacts_fts(contacts_fts, rank) VALUES ('secure-delete', 1);
        CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts WHEN NEW.name IS NOT NULL BEGIN
            INSERT INTO contacts_fts(rowid, name) VALUES (NEW.id, NEW.name);
        END;
        CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts WHEN OLD.name IS NOT NULL BEGIN
            INSERT INTO contacts_fts(contacts_fts, rowid, name) VALUES ('delete', OLD.id, OLD.name);
        END;
        CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name ON contacts BEGIN
            INSERT INTO contacts_fts(contacts_fts, rowid, name) SELECT 'delete', OLD.id, OLD.name WHERE OLD.name IS NOT NULL;
            INSERT INTO contacts_fts(rowid, name) SELECT NEW.id, NEW.name WHERE NEW.name IS NOT NULL;
        END;
        INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild');
        ALTER TABLE messages ADD COLUMN body_removed_at INTEGER;
        -- Deleting a message or contact checks these foreign keys; without the
        -- indexes every deleted row would scan the whole table.
        CREATE INDEX drafts_by_reply_to ON drafts(reply_to_message_id);
        CREATE INDEX conversations_by_contact ON conversations(contact_id);",
    ),
    // Accounts connected through Facebook Login remember the app-scoped id of
    // the person who granted them: Meta's deletion notice names that id.
    M::up("ALTER TABLE accounts ADD COLUMN meta_user_id TEXT;"),
    // Problems with an account: reported by Meta (WhatsApp's value-level
    // errors) or found by Leadbox (a dropped webhook subscription).
    M::up(
        "CREATE TABLE account_notices (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            at INTEGER NOT NULL,
            code INTEGER,
            message TEXT NOT NULL
        );
        CREATE INDEX account_notices_by_account ON account_notices(account_id, at);",
    ),
    // The person's reaction to a message, and how they first came to write
    // (an ad, an m.me/ig.me link): the lead's source.
    M::up(
        "ALTER TABLE messages ADD COLUMN reaction TEXT;
        ALTER TABLE contacts ADD COLUMN referral TEXT;",
    ),
    // Instagram @mentions of the business (ids only; the text is on Instagram).
    M::up(
        "CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            media_id TEXT,
            comment_id TEXT,
            at INTEGER NOT NULL,
            UNIQUE (account_id, media_id, comment_id)
        );",
    ),
    // The owner's pipeline: each person's stage, notes and labels.
    M::up(
        "ALTER TABLE contacts ADD COLUMN stage TEXT NOT NULL DEFAULT 'new'
            CHECK (stage IN ('new', 'qualified', 'booked', 'won', 'lost'));
        ALTER TABLE contacts ADD COLUMN notes TEXT NOT NULL DEFAULT '';
        ALTER TABLE contacts ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';",
    ),
    // The list pages by (last_message_at, id): one index serves order and cursor.
    M::up(
        "CREATE INDEX conversations_by_recency_and_id ON conversations(last_message_at DESC, id DESC);
        DROP INDEX conversations_by_recency;",
    ),
    // Nothing a webhook carried is dropped without a trace: what could not be
    // read is kept by field and kind; a message whose time Meta did not give
    // says so; account notices have a severity (a restriction notifies); a
    // WhatsApp number knows its WhatsApp Business Account, whose
    // account-level notices it then shows.
    M::up(
        "ALTER TABLE unsupported_events RENAME TO unreadable_events;
        ALTER TABLE unreadable_events ADD COLUMN field TEXT NOT NULL DEFAULT '';
        ALTER TABLE messages ADD COLUMN sent_at_source TEXT NOT NULL DEFAULT 'platform'
            CHECK (sent_at_source IN ('platform', 'received'));
        ALTER TABLE account_notices ADD COLUMN severity TEXT NOT NULL DEFAULT 'problem'
            CHECK (severity IN ('info', 'problem', 'restriction'));
        ALTER TABLE accounts ADD COLUMN business_account_id TEXT;
        CREATE INDEX accounts_by_business_account ON accounts(business_account_id);",
    ),
    // A drafter claims the queued drafts it works on until a lease runs out,
    // so two drafters (the app and the CLI, or a sync and a regenerate)
    // never draft the same message; a drafter that died leaves its claims to expire.
    M::up("ALTER TABLE drafts ADD COLUMN claimed_until INTEGER;"),
    // The owner's own replies (written in the composer) are drafts they wrote
    // and approved in one click, so a send has one path; saved replies are
    // the owner's answers kept for reuse.
    M::up(
        "ALTER TABLE drafts ADD COLUMN written_by TEXT NOT NULL DEFAULT 'drafter'
            CHECK (written_by IN ('drafter', 'owner'));
        CREATE TABLE saved_replies (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );",
    ),
    // Each WhatsApp Business Account's message templates, as the Graph API
    // last listed them; Meta's status webhooks update them in between.
    M::up(
        "CREATE TABLE whatsapp_templates (
            id INTEGER PRIMARY KEY,
            business_account_id TEXT NOT NULL,
            template_id TEXT NOT NULL,
            name TEXT NOT NULL,
            language TEXT NOT NULL,
            category TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected', 'paused', 'disabled', 'other')),
            components TEXT NOT NULL,
            listed_at INTEGER NOT NULL,
            UNIQUE (business_account_id, name, language)
        );",
    ),
    // Photos and files leads send, inside the encrypted vault. They go with
    // their message: deleted with it, and emptied with its attachments (an
    // unsent message, retention's text removal).
    M::up(
        "CREATE TABLE media (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            attachment_index INTEGER NOT NULL,
            source TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'stored', 'too_large', 'expired', 'failed')),
            mime_type TEXT,
            bytes BLOB,
            size INTEGER,
            problem TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL DEFAULT 0,
            updated_at INTEGER NOT NULL,
            UNIQUE (message_id, attachment_index)
        );
        CREATE INDEX media_to_fetch ON media(state, next_attempt_at);
        CREATE TRIGGER media_goes_with_its_attachments AFTER UPDATE OF attachments ON messages
        WHEN NEW.attachments = '[]'
        BEGIN
            DELETE FROM media WHERE message_id = NEW.id;
        END;",
    ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}

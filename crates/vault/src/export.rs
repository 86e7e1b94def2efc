//! Export: JSON Lines per entity (schema in docs/export-schema.md) or CSV files
//! that CRM importers accept. Rows are streamed from SQLite to buffered files,
//! so memory stays flat whatever the vault's size.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};
use serde::Serialize;
use serde_json::{Value, json};

use crate::erasure::ContactSelector;
use crate::{Vault, VaultError};

pub const EXPORT_SCHEMA_VERSION: u32 = 1;
const PROGRESS_EVERY: u64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Csv,
}

impl std::str::FromStr for ExportFormat {
    type Err = VaultError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "json" | "jsonl" => Ok(ExportFormat::Json),
            "csv" => Ok(ExportFormat::Csv),
            other => Err(VaultError::InvalidSetting(format!(
                "unknown export format `{other}`: use json or csv"
            ))),
        }
    }
}

/// Which part of the vault to export.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Only what is held about this person (an access request).
    pub person: Option<ContactSelector>,
    /// Only what happened at or after this time (milliseconds since the epoch).
    pub since_ms: Option<i64>,
}

/// Rows written so far to one file, reported as the export goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ExportProgress {
    pub file: String,
    pub rows: u64,
    pub done: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    pub files: Vec<(String, u64)>,
    pub bytes: u64,
}

pub(crate) fn iso(ms: i64) -> Value {
    DateTime::<Utc>::from_timestamp_millis(ms).map_or(Value::Null, |t| {
        Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    })
}

fn iso_opt(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, iso)
}

fn json_list(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Array(Vec::new()))
}

/// The channel as a CRM import shows it: the platform's own label.
pub(crate) fn source_label(platform: &str) -> &'static str {
    platform
        .parse::<leadbox_channels::Platform>()
        .map_or("Other", leadbox_channels::Platform::label)
}

/// Splits a display name for CRM importers that want first and last names.
pub(crate) fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    match name.split_once(char::is_whitespace) {
        Some((first, last)) => (first.to_owned(), last.trim().to_owned()),
        None => (name.to_owned(), String::new()),
    }
}

pub(crate) struct Output {
    pub(crate) dir: PathBuf,
    summary: ExportSummary,
}

impl Output {
    pub(crate) fn create(&self, name: &str) -> Result<BufWriter<File>, VaultError> {
        let path = self.dir.join(name);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| VaultError::Io { path, source })?;
        Ok(BufWriter::with_capacity(256 * 1024, file))
    }

    /// A CSV writer with its header row written.
    pub(crate) fn create_csv(
        &self,
        name: &str,
        header: &[&str],
    ) -> Result<csv::Writer<BufWriter<File>>, VaultError> {
        let mut csv = csv::Writer::from_writer(self.create(name)?);
        csv.write_record(header)
            .map_err(|e| self.csv_error(name, e))?;
        Ok(csv)
    }

    pub(crate) fn csv_error(&self, name: &str, error: csv::Error) -> VaultError {
        VaultError::Io {
            path: self.dir.join(name),
            source: error.into(),
        }
    }

    pub(crate) fn finish_csv(
        &mut self,
        name: &str,
        rows: u64,
        csv: csv::Writer<BufWriter<File>>,
    ) -> Result<(), VaultError> {
        let writer = csv.into_inner().map_err(|e| VaultError::Io {
            path: self.dir.join(name),
            source: e.into_error(),
        })?;
        self.finish(name, rows, writer)
    }

    pub(crate) fn finish(
        &mut self,
        name: &str,
        rows: u64,
        writer: BufWriter<File>,
    ) -> Result<(), VaultError> {
        let path = self.dir.join(name);
        let io = |source| VaultError::Io {
            path: path.clone(),
            source,
        };
        let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        self.summary.bytes += file.metadata().map_err(io)?.len();
        self.summary.files.push((name.to_owned(), rows));
        Ok(())
    }
}

/// The SQL that picks exported rows: `?1` says whether a person filter applies
/// (their ids are in `temp.export_contacts` / `temp.export_forms`), `?2` is the
/// `since` bound.
const CONTACTS_SQL: &str = "SELECT ct.id, a.platform, a.platform_account_id, ct.platform_contact_id, ct.name, ct.created_at, ct.opted_out_at, ct.referral, ct.stage, ct.notes, ct.labels
     FROM contacts ct JOIN accounts a ON a.id = ct.account_id
     WHERE (?1 = 0 OR ct.id IN (SELECT id FROM temp.export_contacts))
       AND (ct.created_at >= ?2 OR EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = ct.id AND c.last_message_at >= ?2))
     ORDER BY ct.id";
const CONVERSATIONS_SQL: &str = "SELECT c.id, c.contact_id, a.platform, a.platform_account_id, c.last_message_at, c.unread_count
     FROM conversations c JOIN accounts a ON a.id = c.account_id
     WHERE (?1 = 0 OR c.contact_id IN (SELECT id FROM temp.export_contacts)) AND c.last_message_at >= ?2
     ORDER BY c.id";
pub(crate) const MESSAGES_SQL: &str = "SELECT m.id, m.conversation_id, c.contact_id, a.platform, ct.name, ct.platform_contact_id, m.platform_message_id,
            m.direction, m.kind, m.body, m.attachments, m.sent_at, m.delivery, m.delivery_error, m.body_removed_at, m.reaction, m.sent_at_source
     FROM messages m JOIN conversations c ON c.id = m.conversation_id
     JOIN accounts a ON a.id = c.account_id JOIN contacts ct ON ct.id = c.contact_id
     WHERE (?1 = 0 OR c.contact_id IN (SELECT id FROM temp.export_contacts)) AND m.sent_at >= ?2
     ORDER BY m.conversation_id, m.sent_at, m.id";
const LEADS_SQL: &str =
    "SELECT l.contact_id, l.name, l.emails, l.phones, l.intent, l.urgency, l.summary, l.updated_at,
            a.platform, ct.name, ct.created_at
     FROM leads l JOIN contacts ct ON ct.id = l.contact_id JOIN accounts a ON a.id = ct.account_id
     WHERE (?1 = 0 OR l.contact_id IN (SELECT id FROM temp.export_contacts)) AND l.updated_at >= ?2
     ORDER BY l.contact_id";
pub(crate) const LEAD_FORMS_SQL: &str = "SELECT f.id, a.platform_account_id, f.leadgen_id, f.form_id, f.ad_id, f.created_at, f.status, f.name, f.email, f.phone, f.answers
     FROM lead_forms f JOIN accounts a ON a.id = f.account_id
     WHERE (?1 = 0 OR f.id IN (SELECT id FROM temp.export_forms)) AND f.created_at >= ?2
     ORDER BY f.id";
const DRAFTS_SQL: &str = "SELECT d.id, d.conversation_id, d.status, d.text, d.original_text, d.flags, d.provider, d.model, d.created_at, d.sent_message_id, d.written_by
     FROM drafts d JOIN conversations c ON c.id = d.conversation_id
     WHERE (?1 = 0 OR c.contact_id IN (SELECT id FROM temp.export_contacts)) AND d.created_at >= ?2
     ORDER BY d.id";
/// Saved replies are the business's own words: full exports only.
const SAVED_REPLIES_SQL: &str = "SELECT id, title, text, created_at, updated_at
     FROM saved_replies WHERE ?1 = 0 AND updated_at >= ?2 ORDER BY id";
/// What could not be read names no person: it belongs to a full export only.
const UNREADABLE_SQL: &str = "SELECT id, platform, platform_account_id, field, kind, stored_at
     FROM unreadable_events WHERE ?1 = 0 AND stored_at >= ?2 ORDER BY id";
/// Contacts with no lead record still belong in a CRM's lead list.
pub(crate) const CSV_CONTACT_LEADS_SQL: &str = "SELECT a.platform, COALESCE(l.name, ct.name), l.emails, l.phones, ct.created_at, ct.platform_contact_id
     FROM contacts ct JOIN accounts a ON a.id = ct.account_id LEFT JOIN leads l ON l.contact_id = ct.id
     WHERE (?1 = 0 OR ct.id IN (SELECT id FROM temp.export_contacts))
       AND (ct.created_at >= ?2 OR EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = ct.id AND c.last_message_at >= ?2))
       AND EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = ct.id)
     ORDER BY ct.id";

type RowToJson = fn(&Row<'_>) -> rusqlite::Result<Value>;

fn contact_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "channel": r.get::<_, String>(1)?,
        "account_id": r.get::<_, String>(2)?,
        "platform_contact_id": r.get::<_, String>(3)?,
        "name": r.get::<_, Option<String>>(4)?,
        "created_at": iso(r.get(5)?),
        "opted_out_at": iso_opt(r.get(6)?),
        "referral": r.get::<_, Option<String>>(7)?.map_or(Value::Null, |t| serde_json::from_str(&t).unwrap_or(Value::Null)),
        "stage": r.get::<_, String>(8)?,
        "notes": r.get::<_, String>(9)?,
        "labels": serde_json::from_str::<Value>(&r.get::<_, String>(10)?).unwrap_or_else(|_| json!([])),
    }))
}

fn conversation_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "contact_id": r.get::<_, i64>(1)?,
        "channel": r.get::<_, String>(2)?,
        "account_id": r.get::<_, String>(3)?,
        "last_message_at": iso(r.get(4)?),
        "unread_count": r.get::<_, i64>(5)?,
    }))
}

fn message_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "conversation_id": r.get::<_, i64>(1)?,
        "contact_id": r.get::<_, i64>(2)?,
        "channel": r.get::<_, String>(3)?,
        "platform_message_id": r.get::<_, String>(6)?,
        "direction": r.get::<_, String>(7)?,
        "kind": r.get::<_, String>(8)?,
        "text": r.get::<_, Option<String>>(9)?,
        "attachments": json_list(&r.get::<_, String>(10)?),
        "sent_at": iso(r.get(11)?),
        "delivery": r.get::<_, Option<String>>(12)?,
        "delivery_error": r.get::<_, Option<String>>(13)?,
        "text_removed_at": iso_opt(r.get(14)?),
        "reaction": r.get::<_, Option<String>>(15)?,
        "sent_at_source": r.get::<_, String>(16)?,
    }))
}

fn lead_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "contact_id": r.get::<_, i64>(0)?,
        "name": r.get::<_, Option<String>>(1)?,
        "emails": json_list(&r.get::<_, String>(2)?),
        "phones": json_list(&r.get::<_, String>(3)?),
        "intent": r.get::<_, Option<String>>(4)?,
        "urgency": r.get::<_, Option<String>>(5)?,
        "summary": r.get::<_, Option<String>>(6)?,
        "updated_at": iso(r.get(7)?),
    }))
}

fn lead_form_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "page_id": r.get::<_, String>(1)?,
        "leadgen_id": r.get::<_, String>(2)?,
        "form_id": r.get::<_, Option<String>>(3)?,
        "ad_id": r.get::<_, Option<String>>(4)?,
        "created_at": iso(r.get(5)?),
        "status": r.get::<_, String>(6)?,
        "name": r.get::<_, Option<String>>(7)?,
        "email": r.get::<_, Option<String>>(8)?,
        "phone": r.get::<_, Option<String>>(9)?,
        "answers": r.get::<_, Option<String>>(10)?.map_or(Value::Null, |a| serde_json::from_str(&a).unwrap_or(Value::Null)),
    }))
}

fn unreadable_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    let channel = r.get::<_, String>(1)?;
    let object = match channel.as_str() {
        "instagram" => "instagram",
        "messenger" => "page",
        "whatsapp" => "whatsapp_business_account",
        _ => "other",
    };
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "channel": channel,
        "account_id": r.get::<_, String>(2)?,
        "object": object,
        "field": r.get::<_, String>(3)?,
        "kind": r.get::<_, String>(4)?,
        "stored_at": iso(r.get(5)?),
    }))
}

fn draft_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "conversation_id": r.get::<_, i64>(1)?,
        "status": r.get::<_, String>(2)?,
        "text": r.get::<_, Option<String>>(3)?,
        "original_text": r.get::<_, Option<String>>(4)?,
        "flags": json_list(&r.get::<_, String>(5)?),
        "provider": r.get::<_, Option<String>>(6)?,
        "model": r.get::<_, Option<String>>(7)?,
        "created_at": iso(r.get(8)?),
        "sent_message_id": r.get::<_, Option<String>>(9)?,
        "written_by": r.get::<_, String>(10)?,
    }))
}

fn saved_reply_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "title": r.get::<_, String>(1)?,
        "text": r.get::<_, String>(2)?,
        "created_at": iso(r.get(3)?),
        "updated_at": iso(r.get(4)?),
    }))
}

const JSON_FILES: [(&str, &str, RowToJson); 8] = [
    ("contacts.jsonl", CONTACTS_SQL, contact_json),
    ("conversations.jsonl", CONVERSATIONS_SQL, conversation_json),
    ("messages.jsonl", MESSAGES_SQL, message_json),
    ("leads.jsonl", LEADS_SQL, lead_json),
    ("lead_forms.jsonl", LEAD_FORMS_SQL, lead_form_json),
    ("drafts.jsonl", DRAFTS_SQL, draft_json),
    ("unreadable_events.jsonl", UNREADABLE_SQL, unreadable_json),
    ("saved_replies.jsonl", SAVED_REPLIES_SQL, saved_reply_json),
];

impl Vault {
    /// Writes an export into `dir`, which must be empty or not exist yet.
    pub fn export(
        &self,
        dir: &Path,
        format: ExportFormat,
        filter: &ExportFilter,
        progress: &mut dyn FnMut(&ExportProgress),
    ) -> Result<ExportSummary, VaultError> {
        prepare_dir(dir)?;
        let filtered = self.select_person(filter.person.as_ref())?;
        let since = filter.since_ms.unwrap_or(i64::MIN);
        let mut out = Output {
            dir: dir.to_owned(),
            summary: ExportSummary::default(),
        };
        match format {
            ExportFormat::Json => {
                for (name, sql, to_json) in JSON_FILES {
                    self.export_jsonl(&mut out, name, sql, to_json, filtered, since, progress)?;
                }
                self.export_media(&mut out, filtered, since, progress)?;
            }
            ExportFormat::Csv => {
                self.export_leads_csv(&mut out, filtered, since, progress)?;
                self.export_messages_csv(&mut out, filtered, since, progress)?;
            }
        }
        let manifest = json!({
            "format": "leadbox-export",
            "schema_version": EXPORT_SCHEMA_VERSION,
            "exported_at": iso(leadbox_channels::now_ms()),
            "filter": {
                "person": filter.person.as_ref().map(ToString::to_string),
                "since": filter.since_ms.map(iso),
            },
            "files": out.summary.files.iter().map(|(name, rows)| json!({"name": name, "rows": rows})).collect::<Vec<_>>(),
        });
        let mut writer = out.create("manifest.json")?;
        let write_error = |source| VaultError::Io {
            path: dir.join("manifest.json"),
            source,
        };
        serde_json::to_writer_pretty(&mut writer, &manifest).map_err(|e| write_error(e.into()))?;
        writer.write_all(b"\n").map_err(write_error)?;
        out.finish("manifest.json", 1, writer)?;
        self.audit(
            "export",
            &format!(
                "{} file(s), {} byte(s){}",
                out.summary.files.len(),
                out.summary.bytes,
                if filter.person.is_some() {
                    ", one person"
                } else {
                    ""
                }
            ),
        )?;
        Ok(out.summary)
    }

    /// Fills the temp tables a person filter reads; returns whether one applies.
    fn select_person(&self, person: Option<&ContactSelector>) -> Result<bool, VaultError> {
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS export_contacts (id INTEGER PRIMARY KEY);
             CREATE TEMP TABLE IF NOT EXISTS export_forms (id INTEGER PRIMARY KEY);
             DELETE FROM temp.export_contacts; DELETE FROM temp.export_forms;",
        )?;
        let Some(person) = person else {
            return Ok(false);
        };
        let rows = self.find_person(person)?;
        if rows.contacts.is_empty() && rows.lead_forms.is_empty() {
            return Err(VaultError::NoSuchPerson(person.to_string()));
        }
        for id in &rows.contacts {
            self.conn
                .execute("INSERT INTO temp.export_contacts (id) VALUES (?1)", [id])?;
        }
        for id in &rows.lead_forms {
            self.conn
                .execute("INSERT INTO temp.export_forms (id) VALUES (?1)", [id])?;
        }
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    fn export_jsonl(
        &self,
        out: &mut Output,
        name: &str,
        sql: &str,
        to_json: RowToJson,
        filtered: bool,
        since: i64,
        progress: &mut dyn FnMut(&ExportProgress),
    ) -> Result<(), VaultError> {
        let mut writer = out.create(name)?;
        let path = out.dir.join(name);
        let io = |source| VaultError::Io {
            path: path.clone(),
            source,
        };
        let mut statement = self.conn.prepare(sql)?;
        let mut rows = statement.query(params![filtered, since])?;
        let mut written = 0u64;
        while let Some(row) = rows.next()? {
            serde_json::to_writer(&mut writer, &to_json(row)?).map_err(|e| io(e.into()))?;
            writer.write_all(b"\n").map_err(io)?;
            written += 1;
            report(progress, name, written, false);
        }
        report(progress, name, written, true);
        out.finish(name, written, writer)
    }
}

pub(crate) fn date(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub(crate) fn report(progress: &mut dyn FnMut(&ExportProgress), file: &str, rows: u64, done: bool) {
    if done || rows.is_multiple_of(PROGRESS_EVERY) {
        progress(&ExportProgress {
            file: file.to_owned(),
            rows,
            done,
        });
    }
}

fn prepare_dir(dir: &Path) -> Result<(), VaultError> {
    let io = |source| VaultError::Io {
        path: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    if std::fs::read_dir(dir).map_err(io)?.next().is_some() {
        return Err(VaultError::InvalidSetting(format!(
            "the folder {} is not empty; export into a new or empty folder so nothing is overwritten",
            dir.display()
        )));
    }
    Ok(())
}

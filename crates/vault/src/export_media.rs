//! The photos and files of an export: each stored attachment as a file in
//! `media/`, and `media.jsonl` naming every attachment Leadbox kept or
//! tried to keep, with its message and file. Rows are read one at a time,
//! so a vault full of photos exports in flat memory.

use std::io::Write;

use rusqlite::params;
use serde_json::json;

use crate::export::{Output, report};
use crate::{Vault, VaultError, file_extension};

/// `?1`: whether a person filter applies; `?2`: the `since` bound (as in export.rs).
const MEDIA_SQL: &str = "SELECT md.message_id, md.attachment_index, md.state, md.mime_type, md.size, md.bytes
     FROM media md JOIN messages m ON m.id = md.message_id JOIN conversations c ON c.id = m.conversation_id
     WHERE (?1 = 0 OR c.contact_id IN (SELECT id FROM temp.export_contacts)) AND m.sent_at >= ?2
     ORDER BY md.id";

const INDEX_FILE: &str = "media.jsonl";

impl Vault {
    pub(crate) fn export_media(
        &self,
        out: &mut Output,
        filtered: bool,
        since: i64,
        progress: &mut dyn FnMut(&crate::ExportProgress),
    ) -> Result<(), VaultError> {
        let folder = out.dir.join("media");
        let io = |path: &std::path::Path| {
            let path = path.to_owned();
            move |source: std::io::Error| VaultError::Io { path, source }
        };
        let mut index = out.create(INDEX_FILE)?;
        let mut statement = self.conn.prepare(MEDIA_SQL)?;
        let mut rows = statement.query(params![filtered, since])?;
        let mut written = 0u64;
        while let Some(row) = rows.next()? {
            let message_id: i64 = row.get(0)?;
            let attachment: i64 = row.get(1)?;
            let state: String = row.get(2)?;
            let mime_type: Option<String> = row.get(3)?;
            let bytes: Option<Vec<u8>> = row.get(5)?;
            let file = match &bytes {
                Some(bytes) => {
                    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
                    let name = format!(
                        "media/{message_id}-{attachment}.{}",
                        file_extension(mime_type.as_deref().unwrap_or_default())
                    );
                    let path = out.dir.join(&name);
                    let mut file = std::fs::File::options()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .map_err(io(&path))?;
                    file.write_all(bytes).map_err(io(&path))?;
                    file.sync_all().map_err(io(&path))?;
                    Some(name)
                }
                None => None,
            };
            let line = json!({
                "message_id": message_id,
                "index": attachment,
                "state": state,
                "mime_type": mime_type,
                "size": row.get::<_, Option<i64>>(4)?,
                "file": file,
            });
            let index_path = out.dir.join(INDEX_FILE);
            serde_json::to_writer(&mut index, &line).map_err(|e| io(&index_path)(e.into()))?;
            index.write_all(b"\n").map_err(io(&index_path))?;
            written += 1;
            report(progress, INDEX_FILE, written, false);
        }
        report(progress, INDEX_FILE, written, true);
        out.finish(INDEX_FILE, written, index)
    }
}

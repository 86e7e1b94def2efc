//! The photos and files WhatsApp leads send: fetched with the number's
//! token after each sync (Meta's addresses last minutes, its media 30
//! days), kept in the vault, and handed to the window only as what they
//! are: an image whose bytes really are an image is shown, anything else is
//! offered as a file to save.

use std::path::{Path, PathBuf};

use leadbox_channels::graph::MediaError;
use leadbox_vault::{MAX_MEDIA_BYTES, MediaState, file_extension};

use crate::{Engine, InboxError};

/// Attachments fetched after one sync; the rest wait for the next.
const FETCH_PER_SYNC: usize = 20;

/// The image types the window may decode, told by their first bytes (the
/// type a sender claims is not trusted).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

impl Engine {
    /// Fetches the WhatsApp attachments waiting to be fetched; returns how
    /// many were stored. Each failure is kept with its reason (and tried
    /// again later when trying can help).
    pub async fn fetch_media(&self) -> Result<usize, InboxError> {
        let waiting = self
            .reader()?
            .media_to_fetch(self.now_ms(), FETCH_PER_SYNC)?;
        let mut stored = 0;
        for item in waiting {
            let Some(token) = self.account_token(&item.account)? else {
                self.vault().media_not_kept(
                    item.message_id,
                    item.index,
                    MediaState::Waiting,
                    Some("the number's connection has expired; reconnect it in Accounts…"),
                    self.now_ms(),
                )?;
                continue;
            };
            let fetched = self
                .graph()
                .whatsapp_media(&item.media_id, &token, MAX_MEDIA_BYTES)
                .await;
            let vault = self.vault();
            match fetched {
                Ok(media) => {
                    vault.store_media(
                        item.message_id,
                        item.index,
                        &media.mime_type,
                        &media.bytes,
                    )?;
                    stored += 1;
                }
                Err(error @ MediaError::Expired) => {
                    let problem = error.to_string();
                    vault.media_not_kept(
                        item.message_id,
                        item.index,
                        MediaState::Expired,
                        Some(&problem),
                        self.now_ms(),
                    )?;
                }
                Err(error @ MediaError::TooLarge { .. }) => {
                    let problem = format!("{error}; open it in WhatsApp");
                    vault.media_not_kept(
                        item.message_id,
                        item.index,
                        MediaState::TooLarge,
                        Some(&problem),
                        self.now_ms(),
                    )?;
                }
                Err(MediaError::Graph(error)) => {
                    tracing::info!(%error, "an attachment was not fetched");
                    if error.needs_reconnect() {
                        vault.mark_needs_reconnect(item.account.id)?;
                    }
                    let problem = error.to_string();
                    vault.media_not_kept(
                        item.message_id,
                        item.index,
                        MediaState::Waiting,
                        Some(&problem),
                        self.now_ms(),
                    )?;
                }
            }
        }
        Ok(stored)
    }

    /// Fetches an Instagram or Messenger attachment the owner asked to see,
    /// from the address it came with (Meta's content servers only), and
    /// keeps it; an address that expired, or a file too large, is kept as
    /// such, with the reason.
    pub async fn fetch_attachment(&self, message_id: i64, index: usize) -> Result<(), InboxError> {
        let url = self
            .reader()?
            .attachment_address(message_id, index)?
            .filter(|url| !url.starts_with("whatsapp-media:"))
            .ok_or_else(|| {
                InboxError::Settings("this attachment has no web address to fetch".into())
            })?;
        let slot = i64::try_from(index).unwrap_or(i64::MAX);
        let fetched = self.graph().attachment(&url, MAX_MEDIA_BYTES).await;
        let vault = self.vault();
        match fetched {
            Ok(media) => {
                vault.store_fetched_media(message_id, slot, &url, &media.mime_type, &media.bytes)?
            }
            Err(MediaError::Expired) => vault.fetched_media_not_kept(
                message_id,
                slot,
                &url,
                MediaState::Expired,
                Some("its address has expired; open it in the app it came from"),
            )?,
            Err(error @ MediaError::TooLarge { .. }) => {
                let problem = error.to_string();
                vault.fetched_media_not_kept(
                    message_id,
                    slot,
                    &url,
                    MediaState::TooLarge,
                    Some(&problem),
                )?;
            }
            Err(MediaError::Graph(error)) => {
                let problem = error.to_string();
                vault.fetched_media_not_kept(
                    message_id,
                    slot,
                    &url,
                    MediaState::Failed,
                    Some(&problem),
                )?;
            }
        }
        Ok(())
    }

    /// A stored attachment that is an image, with its true type; `None` for
    /// anything else (which the window offers to save instead).
    pub fn media_image(
        &self,
        message_id: i64,
        index: i64,
    ) -> Result<Option<(&'static str, Vec<u8>)>, InboxError> {
        let stored = self.reader()?.media_bytes(message_id, index)?;
        Ok(stored.and_then(|(_, bytes)| sniff_image(&bytes).map(|kind| (kind, bytes))))
    }

    /// Writes a stored attachment into `dir`, under a new name; returns its path.
    pub fn save_media(
        &self,
        message_id: i64,
        index: i64,
        dir: &Path,
    ) -> Result<PathBuf, InboxError> {
        let (mime_type, bytes) =
            self.reader()?
                .media_bytes(message_id, index)?
                .ok_or(InboxError::Vault(leadbox_vault::VaultError::NotFound(
                    "attachment",
                )))?;
        let io = |path: &Path, source| {
            InboxError::Vault(leadbox_vault::VaultError::Io {
                path: path.to_owned(),
                source,
            })
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let ext = file_extension(&mime_type);
        for n in 0..1000 {
            let name = if n == 0 {
                format!("leadbox-{message_id}-{index}.{ext}")
            } else {
                format!("leadbox-{message_id}-{index} ({n}).{ext}")
            };
            let path = dir.join(name);
            // `create_new`: a file already there is never overwritten.
            match std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    use std::io::Write as _;
                    file.write_all(&bytes).map_err(|e| io(&path, e))?;
                    file.sync_all().map_err(|e| io(&path, e))?;
                    return Ok(path);
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(io(&path, error)),
            }
        }
        Err(io(
            dir,
            std::io::Error::other("too many files of that name already"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bytes_that_are_an_image_count_as_one() {
        assert_eq!(
            sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_image(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some("image/png")
        );
        assert_eq!(sniff_image(b"GIF89a\x01\0"), Some("image/gif"));
        assert_eq!(sniff_image(b"RIFF\x24\0\0\0WEBPVP8 "), Some("image/webp"));
        for not_image in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'>"[..],
            b"%PDF-1.7",
            b"<html><script>",
            b"",
            b"\xFF\xD8",
        ] {
            assert_eq!(sniff_image(not_image), None);
        }
    }
}

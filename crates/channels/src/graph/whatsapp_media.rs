//! A WhatsApp attachment fetched with the number's token: the media id
//! gives a short-lived address (about five minutes) and the file's type and
//! size; the address, asked with the same token, gives the bytes. Nothing
//! larger than the caller allows is read, whatever the server claims.

use serde_json::Value;

use super::{GraphClient, SendError};

/// Why an attachment could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("WhatsApp no longer has this attachment (it keeps media for 30 days)")]
    Expired,
    #[error("the attachment is {size} bytes, more than Leadbox keeps ({limit})")]
    TooLarge { size: u64, limit: u64 },
    #[error(transparent)]
    Graph(#[from] SendError),
}

/// An attachment's bytes and the type WhatsApp gave for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedMedia {
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

impl GraphClient {
    /// Fetches WhatsApp media `media_id` with `token`, refusing more than `limit` bytes.
    pub async fn whatsapp_media(
        &self,
        media_id: &str,
        token: &str,
        limit: u64,
    ) -> Result<FetchedMedia, MediaError> {
        let url = format!("{}/{}/{media_id}", self.graph_url, self.version);
        let meta = self
            .call(self.http.get(url), token)
            .await
            .map_err(|error| match error {
                // An unknown or expired media id is Meta's "object does not exist".
                SendError::Other { code: 100, .. } => MediaError::Expired,
                other => MediaError::Graph(other),
            })?;
        let size = meta.get("file_size").and_then(Value::as_u64).unwrap_or(0);
        if size > limit {
            return Err(MediaError::TooLarge { size, limit });
        }
        let mime_type = meta
            .get("mime_type")
            .and_then(Value::as_str)
            .unwrap_or("application/octet-stream")
            .to_owned();
        let address = meta
            .get("url")
            .and_then(Value::as_str)
            // Meta's addresses are https; a local Graph API serves its own.
            .filter(|url| url.starts_with("https://") || url.starts_with(&self.graph_url))
            .ok_or_else(|| {
                MediaError::Graph(SendError::Other {
                    code: 0,
                    message: "Meta's answer had no usable media address".into(),
                })
            })?;
        let bytes = self.download(address, Some(token), limit).await?.bytes;
        Ok(FetchedMedia { mime_type, bytes })
    }

    /// An Instagram or Messenger attachment, from the address its webhook
    /// gave: Meta's content servers only (or the configured Graph API), and
    /// never more than `limit` bytes.
    pub async fn attachment(&self, url: &str, limit: u64) -> Result<FetchedMedia, MediaError> {
        if !(is_meta_content(url) || url.starts_with(&self.graph_url)) {
            return Err(MediaError::Graph(SendError::Other {
                code: 0,
                message: "that address is not one of Meta's content servers".into(),
            }));
        }
        self.download(url, None, limit).await
    }

    /// The bytes at `url`, and the type the server gave them.
    async fn download(
        &self,
        url: &str,
        token: Option<&str>,
        limit: u64,
    ) -> Result<FetchedMedia, MediaError> {
        let mut request = self.http.get(url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let mut response = request
            .send()
            .await
            .map_err(|_| SendError::Network("connection failed".into()))?;
        match response.status().as_u16() {
            200..=299 => {}
            // Meta's content addresses are signed and expire (403 "URL signature expired").
            403 | 404 | 410 if token.is_none() => return Err(MediaError::Expired),
            404 | 410 => return Err(MediaError::Expired),
            401 | 403 => return Err(SendError::TokenExpired.into()),
            status => {
                return Err(SendError::Other {
                    code: i64::from(status),
                    message: "the media address answered with an error".into(),
                }
                .into());
            }
        }
        if let Some(size) = response.content_length()
            && size > limit
        {
            return Err(MediaError::TooLarge { size, limit });
        }
        let mime_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|_| SendError::Network("the download broke off".into()))?
        {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(MediaError::TooLarge {
                    size: (bytes.len() + chunk.len()) as u64,
                    limit,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(FetchedMedia { mime_type, bytes })
    }
}

/// Whether `url` is on one of Meta's content servers (where Instagram and
/// Messenger attachments live): https, and a host under fbcdn.net,
/// fbsbx.com or cdninstagram.com.
pub fn is_meta_content(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    // No user info or port tricks: `https://fbcdn.net@evil.example/`.
    if host.contains(['@', ':', '\\']) {
        return false;
    }
    ["fbcdn.net", "fbsbx.com", "cdninstagram.com"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_metas_content_servers_are_fetched_from() {
        for good in [
            "https://scontent.xx.fbcdn.net/v/t1.15752-9/1.jpg?oh=x",
            "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
            "https://instagram.fmad3-1.fna.cdninstagram.com/v/x.jpg",
        ] {
            assert!(super::is_meta_content(good), "{good}");
        }
        for bad in [
            "http://scontent.xx.fbcdn.net/1.jpg",
            "https://fbcdn.net.evil.example/1.jpg",
            "https://evilfbcdn.net/1.jpg",
            "https://fbcdn.net@evil.example/1.jpg",
            "https://scontent.fbcdn.net:8443/1.jpg",
            "https://127.0.0.1/1.jpg",
            "file:///etc/passwd",
            "",
        ] {
            assert!(!super::is_meta_content(bad), "{bad}");
        }
    }
}

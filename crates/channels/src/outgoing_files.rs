//! Photos and PDFs the owner sends: what each platform takes, checked
//! before anything leaves. A file's type is told from its first bytes; the
//! name it has and the type a file picker claims are not trusted.
//!
//! The limits are the platforms' documented ones (WhatsApp Cloud API media;
//! Messenger's Send API attachments; Instagram Messaging's attachment upload,
//! where the send guide lists only PNG and JPEG photos), and never more than
//! the vault keeps of one attachment.

use serde::{Deserialize, Serialize};

use crate::{Connection, Platform};

/// The most Leadbox keeps of one attachment, received or sent.
pub const MAX_KEPT_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// WhatsApp shows at most this many characters under a photo or document.
pub const WHATSAPP_CAPTION_LIMIT: usize = 1024;

const MB: u64 = 1024 * 1024;

/// What a file is, to the person who receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum FileKind {
    /// A photo, shown in the conversation.
    Image,
    /// A document (PDF), offered to open.
    Document,
}

impl FileKind {
    /// The kind an attachment of this file has in a stored message.
    pub fn attachment_kind(self) -> &'static str {
        match self {
            FileKind::Image => "image",
            FileKind::Document => "document",
        }
    }
}

/// A file Leadbox can send: its kind and its true type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct FileType {
    pub kind: FileKind,
    pub mime_type: &'static str,
}

impl FileType {
    /// The type's name for people: "JPEG photo", "PDF".
    pub fn name(self) -> &'static str {
        match self.mime_type {
            "image/jpeg" => "JPEG photo",
            "image/png" => "PNG photo",
            "image/gif" => "GIF",
            _ => "PDF",
        }
    }
}

/// The sendable type of a file, from its first bytes.
pub fn sniff_file(head: &[u8]) -> Option<FileType> {
    let (kind, mime_type) = match head {
        [0xFF, 0xD8, 0xFF, ..] => (FileKind::Image, "image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => (FileKind::Image, "image/png"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => (FileKind::Image, "image/gif"),
        [b'%', b'P', b'D', b'F', b'-', ..] => (FileKind::Document, "application/pdf"),
        _ => return None,
    };
    Some(FileType { kind, mime_type })
}

/// Why a file cannot go to this person, in words the owner can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefused {
    #[error("the file is empty")]
    Empty,
    #[error("Leadbox sends photos (JPEG or PNG) and PDF documents; this file is neither")]
    UnknownType,
    #[error("{platform} does not take a {what}; send a JPEG or PNG photo instead")]
    TypeNotTaken {
        platform: Platform,
        what: &'static str,
    },
    #[error("this {what} is {size}; {platform} takes at most {limit}")]
    TooLarge {
        platform: Platform,
        what: &'static str,
        size: Megabytes,
        limit: Megabytes,
    },
    #[error(
        "the words under a WhatsApp file are {length} characters; WhatsApp shows at most {limit}"
    )]
    CaptionTooLong { length: usize, limit: usize },
    #[error(
        "a private reply to a public comment can only be words; send the file once the person writes to you directly"
    )]
    CommentReply,
    #[error(
        "an Instagram account connected with Instagram Login can send only photos that are on a public web address, and Leadbox does not publish your files; connect the account through its Facebook Page to send photos and PDFs"
    )]
    InstagramLogin,
    #[error("the website chat takes words only")]
    Website,
}

/// A size in megabytes, one decimal, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Megabytes(pub u64);

impl std::fmt::Display for Megabytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = self.0.saturating_mul(10).div_ceil(MB);
        write!(f, "{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// The most a platform takes of a file type, `None` when it takes none.
fn platform_limit(platform: Platform, file: FileType) -> Option<u64> {
    match (platform, file.mime_type) {
        (Platform::Whatsapp, "image/jpeg" | "image/png") => Some(5 * MB),
        (Platform::Whatsapp, "application/pdf") => Some(100 * MB),
        (Platform::Messenger, _) => Some(25 * MB),
        (Platform::Instagram, "image/jpeg" | "image/png") => Some(8 * MB),
        (Platform::Instagram, "application/pdf") => Some(25 * MB),
        _ => None,
    }
}

/// Where a file would go: the platform, how the account is connected, and
/// whether the reply is a private reply to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileDestination {
    pub platform: Platform,
    pub connection: Connection,
    pub answers_comment: bool,
}

/// Whether `destination` takes a file that starts with `head` and weighs
/// `size` bytes, with `caption` under it (WhatsApp) or sent after it.
pub fn check_outgoing_file(
    destination: FileDestination,
    head: &[u8],
    size: u64,
    caption: &str,
) -> Result<FileType, FileRefused> {
    let FileDestination {
        platform,
        connection,
        answers_comment,
    } = destination;
    match (platform, connection) {
        (Platform::Website, _) | (_, Connection::Relay) => return Err(FileRefused::Website),
        (_, Connection::InstagramLogin) => return Err(FileRefused::InstagramLogin),
        _ if answers_comment => return Err(FileRefused::CommentReply),
        _ => {}
    }
    if size == 0 || head.is_empty() {
        return Err(FileRefused::Empty);
    }
    let file = sniff_file(head).ok_or(FileRefused::UnknownType)?;
    let limit = platform_limit(platform, file).ok_or(FileRefused::TypeNotTaken {
        platform,
        what: file.name(),
    })?;
    let limit = limit.min(MAX_KEPT_FILE_BYTES);
    if size > limit {
        return Err(FileRefused::TooLarge {
            platform,
            what: file.name(),
            size: Megabytes(size),
            limit: Megabytes(limit),
        });
    }
    let length = caption.trim().chars().count();
    if platform == Platform::Whatsapp && length > WHATSAPP_CAPTION_LIMIT {
        return Err(FileRefused::CaptionTooLong {
            length,
            limit: WHATSAPP_CAPTION_LIMIT,
        });
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const GIF: &[u8] = b"GIF89a\x01\0";
    const PDF: &[u8] = b"%PDF-1.7\n";

    fn to(platform: Platform, connection: Connection) -> FileDestination {
        FileDestination {
            platform,
            connection,
            answers_comment: false,
        }
    }

    #[test]
    fn a_type_is_told_from_the_bytes_only() {
        assert_eq!(sniff_file(JPEG).map(|f| f.mime_type), Some("image/jpeg"));
        assert_eq!(sniff_file(PNG).map(|f| f.mime_type), Some("image/png"));
        assert_eq!(sniff_file(GIF).map(|f| f.kind), Some(FileKind::Image));
        assert_eq!(sniff_file(PDF).map(|f| f.kind), Some(FileKind::Document));
        for other in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'>"[..],
            b"PK\x03\x04 a zip named photo.jpg",
            b"%PDF",
            b"\xFF\xD8",
            b"",
        ] {
            assert_eq!(sniff_file(other), None);
        }
    }

    #[test]
    fn each_platform_takes_its_own_types_and_sizes() {
        let whatsapp = to(Platform::Whatsapp, Connection::WhatsappCloud);
        let messenger = to(Platform::Messenger, Connection::Page);
        let instagram = to(Platform::Instagram, Connection::Page);
        assert!(check_outgoing_file(whatsapp, JPEG, 5 * MB, "").is_ok());
        assert_eq!(
            check_outgoing_file(whatsapp, JPEG, 5 * MB + 1, ""),
            Err(FileRefused::TooLarge {
                platform: Platform::Whatsapp,
                what: "JPEG photo",
                size: Megabytes(5 * MB + 1),
                limit: Megabytes(5 * MB),
            })
        );
        assert_eq!(
            check_outgoing_file(whatsapp, GIF, 10, ""),
            Err(FileRefused::TypeNotTaken {
                platform: Platform::Whatsapp,
                what: "GIF"
            })
        );
        // A PDF may be 100 MB on WhatsApp, but the vault keeps 16.
        assert!(check_outgoing_file(whatsapp, PDF, 16 * MB, "").is_ok());
        assert!(matches!(
            check_outgoing_file(whatsapp, PDF, 16 * MB + 1, ""),
            Err(FileRefused::TooLarge { limit, .. }) if limit == Megabytes(16 * MB)
        ));
        assert!(check_outgoing_file(messenger, GIF, 10, "").is_ok());
        assert!(check_outgoing_file(instagram, PNG, 8 * MB, "").is_ok());
        assert!(check_outgoing_file(instagram, PNG, 8 * MB + 1, "").is_err());
        assert!(check_outgoing_file(instagram, GIF, 10, "").is_err());
        assert_eq!(
            check_outgoing_file(messenger, b"MZ\x90\0", 10, ""),
            Err(FileRefused::UnknownType)
        );
        assert_eq!(
            check_outgoing_file(messenger, JPEG, 0, ""),
            Err(FileRefused::Empty)
        );
    }

    #[test]
    fn some_destinations_take_no_file() {
        assert_eq!(
            check_outgoing_file(
                to(Platform::Instagram, Connection::InstagramLogin),
                JPEG,
                10,
                ""
            ),
            Err(FileRefused::InstagramLogin)
        );
        assert_eq!(
            check_outgoing_file(to(Platform::Website, Connection::Relay), JPEG, 10, ""),
            Err(FileRefused::Website)
        );
        let comment = FileDestination {
            answers_comment: true,
            ..to(Platform::Messenger, Connection::Page)
        };
        assert_eq!(
            check_outgoing_file(comment, JPEG, 10, ""),
            Err(FileRefused::CommentReply)
        );
    }

    #[test]
    fn whatsapp_captions_have_their_own_limit() {
        let whatsapp = to(Platform::Whatsapp, Connection::WhatsappCloud);
        assert!(check_outgoing_file(whatsapp, PNG, 10, &"a".repeat(1024)).is_ok());
        assert_eq!(
            check_outgoing_file(whatsapp, PNG, 10, &"é".repeat(1025)),
            Err(FileRefused::CaptionTooLong {
                length: 1025,
                limit: 1024
            })
        );
        // Messenger sends the words as a message of their own, with its own limit.
        let messenger = to(Platform::Messenger, Connection::Page);
        assert!(check_outgoing_file(messenger, PNG, 10, &"a".repeat(1500)).is_ok());
    }

    #[test]
    fn sizes_read_in_megabytes() {
        assert_eq!(Megabytes(5 * MB).to_string(), "5.0 MB");
        assert_eq!(Megabytes(5 * MB + 1).to_string(), "5.1 MB");
        assert_eq!(Megabytes(1).to_string(), "0.1 MB");
    }

    proptest! {
        #[test]
        fn any_bytes_are_checked_without_panicking(
            head in proptest::collection::vec(any::<u8>(), 0..64),
            size in any::<u64>(),
            whatsapp in any::<bool>(),
        ) {
            let destination = if whatsapp {
                to(Platform::Whatsapp, Connection::WhatsappCloud)
            } else {
                to(Platform::Messenger, Connection::Page)
            };
            if let Ok(file) = check_outgoing_file(destination, &head, size, "") {
                prop_assert_eq!(sniff_file(&head), Some(file));
                prop_assert!(size <= MAX_KEPT_FILE_BYTES && size > 0);
            }
        }
    }
}

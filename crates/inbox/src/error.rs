use leadbox_vault::{SecretError, VaultError};

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error(
        "this computer is not paired with a relay yet: pair it with an invite code from your relay"
    )]
    NotPaired,
    #[error(
        "cannot reach the relay at {url}; Leadbox keeps working with what it has and will try again"
    )]
    RelayUnreachable { url: String },
    #[error("the relay refused the request: {message}")]
    Relay {
        status: u16,
        code: String,
        message: String,
    },
    #[error(
        "the relay address `{0}` is not usable: it must start with https:// (http:// only for a relay on this computer)"
    )]
    BadRelayUrl(String),
    #[error(
        "the relay answered with an address Leadbox will not open: `{0}` (only https:// addresses)"
    )]
    UnsafeAddress(String),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Keychain(#[from] SecretError),
    #[error("the business profile is not valid: {0}")]
    Profile(String),
    #[error("{0}")]
    Settings(String),
    #[error("not sent: {0}. The reply is kept; you can try again")]
    NotSent(String),
    /// Checked before anything was stored or sent.
    #[error("this file cannot be sent: {0}")]
    FileRefused(#[from] leadbox_channels::outgoing_files::FileRefused),
    /// The file went; the words after it did not, and are not kept as sent.
    #[error(
        "the {file} was sent, but your words after it were not: {reason}. Send the words again"
    )]
    PartlySent { file: &'static str, reason: String },
    #[error("the device key in the keychain is damaged; pair this computer again")]
    DamagedDeviceKey,
    #[error("{0} already holds a Leadbox vault; nothing was changed")]
    VaultExists(std::path::PathBuf),
    #[error(
        "this conversation no longer exists (it may have been erased or deleted by the retention policy)"
    )]
    NoSuchConversation(i64),
    #[error("there is no draft {0}")]
    NoSuchDraft(i64),
}

impl InboxError {
    /// Whether retrying later can help (the relay or network was down).
    pub fn is_transient(&self) -> bool {
        match self {
            InboxError::RelayUnreachable { .. } => true,
            InboxError::Relay { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

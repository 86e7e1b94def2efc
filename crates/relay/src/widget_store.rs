//! What the relay keeps for website chats: each site (its business and the
//! origins allowed to embed it), visitor sessions (a hash of the session
//! secret and two times: nothing else about the visitor) and approved replies
//! waiting for the visitor's page to fetch them. Visitor messages are never
//! stored: they are sealed to the business's desktops at once. The SQL is in
//! `store/sqlite/widget.rs` and `store/postgres/widget.rs`.

/// How long a visitor session (and replies waiting for it) lives without use.
pub const SESSION_LIFETIME_SECONDS: i64 = 7 * 24 * 3600;

/// A website chat and who may embed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub site_id: String,
    pub business_id: String,
    pub name: String,
    pub origins: Vec<String>,
}

/// A visitor session as the relay knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// What the desktop calls the visitor: a hash of the secret their browser holds.
    pub reference: String,
    pub site_id: String,
}

/// A reply on its way to a visitor's page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PendingReply {
    pub seq: u64,
    pub reply_id: String,
    pub text: String,
    pub created_at: i64,
}

/// Why a desktop's reply was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyRefused {
    /// No such site for this business.
    UnknownSite,
    /// The visitor's session ended (or never belonged to that site).
    SessionGone,
}

/// Most addresses one website chat may be used on.
pub const MAX_ORIGINS: usize = 20;

/// Most page addresses remembered as refused per site: enough for every
/// address an owner forgot to list, too few for forged `Origin` headers to
/// fill the store.
pub const MAX_REFUSED_ORIGINS: i64 = 20;

/// A page address that tried to use a site's chat and was refused: what the
/// owner is shown so they can add it. Nothing about the visitor is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedOrigin {
    pub site_id: String,
    pub origin: String,
    pub refusals: u64,
    pub last_refused_at: i64,
}

/// Why an address was not added to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginRefused {
    /// No such site for this business.
    UnknownSite,
    /// The site already has [`MAX_ORIGINS`] addresses.
    TooMany,
}

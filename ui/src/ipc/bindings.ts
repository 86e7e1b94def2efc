// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit:
// LEADBOX_WRITE_BINDINGS=1 cargo test --bin leadbox bindings

export type AccountNotice = { at: number, code: number | null, message: string, severity: NoticeSeverity, };

export type AccountRow = { id: number, platform: Platform, platform_account_id: string, name: string | null, connection: Connection | null, status: AccountStatus, human_agent: boolean, 
/**
 * The latest problem Meta reported with this account, or that Leadbox
 * found checking it (e.g. a lost webhook subscription), with its time.
 */
notice: AccountNotice | null, 
/**
 * Parts of this account's webhooks that could not be read (kept without
 * their content; exported as `unreadable_events`).
 */
unreadable_events: number, };

/**
 * Whether Leadbox can send through an account.
 */
export type AccountStatus = "connected" | "needs_reconnect" | "not_connected" | "disconnected";

export type AiSettings = { provider: ProviderKind, base_url: string | null, model: string | null, 
/**
 * Replace emails and phone numbers before text leaves this computer (default: on for
 * cloud addresses, off for servers on this computer).
 */
redact: boolean | null, has_api_key: boolean, };

/**
 * The drafting provider as the settings form sends it. The key goes to the
 * keychain and is never sent back to the window.
 */
export type AiSettingsInput = { provider: ProviderKind, base_url: string | null, model: string | null, redact: boolean | null, api_key: string | null, };

export type AppInfo = { version: string, tauri_version: string, data_dir: string, vault_file: string, relay_url: string | null, device_id: string | null, business_name: string | null, };

export type AvailableUpdate = { version: string, 
/**
 * What is new, as the release wrote it (shown as text).
 */
notes: string | null, published: string | null, };

export type BackupDone = { file: string, bytes: number, };

export type BusinessProfile = { name: string, 
/**
 * One or two sentences: what the business does.
 */
description: string, services: Array<Service>, 
/**
 * Opening hours, one line per day or range, e.g. "Mon-Fri 9:00-19:00".
 */
hours: Array<string>, 
/**
 * IANA time zone of the hours, e.g. "Europe/Madrid".
 */
time_zone: string | null, location: string | null, booking_link: string | null, phone: string | null, email: string | null, tone: Tone, 
/**
 * Languages the business answers in, as ISO 639-1 codes; the first is the default.
 */
languages: Array<string>, 
/**
 * Region for reading phone numbers written without a country code, e.g. "ES".
 */
phone_region: string | null, faq: Array<FaqEntry>, 
/**
 * Closing line, e.g. "Ana, Ana's Salon".
 */
sign_off: string | null, 
/**
 * The language the values above are written in (ISO 639-1); when
 * empty, it is read from the values themselves.
 */
written_in?: string | null, 
/**
 * The profile's words in other languages, by ISO 639-1 code: what a
 * reply in that language says instead.
 */
translations?: { [key in string]: ProfileWords }, };

/**
 * What the window receives when a command fails: a stable code to branch
 * on and a sentence a business owner can act on.
 */
export type CommandError = { code: ErrorCode, message: string, };

/**
 * One paired desktop, as Settings lists it.
 */
export type Computer = { device_id: string, name: string, 
/**
 * Milliseconds since the epoch.
 */
paired_at: number, 
/**
 * Set once removed; removed computers stay listed with the time.
 */
removed_at: number | null, 
/**
 * Messages waiting at the relay for that computer.
 */
waiting: number, this_computer: boolean, 
/**
 * The business's owner computer (the first paired): only it removes
 * other computers.
 */
owner: boolean, };

/**
 * How an account was connected, which decides the send endpoint.
 */
export type Connection = "page" | "instagram_login" | "whatsapp_cloud" | "relay";

/**
 * A page of the list and where the next one starts.
 */
export type ConversationPage = { conversations: Array<ListedConversation>, 
/**
 * Pass back as `after` for the next page; `None` at the end.
 */
next: PageCursor | null, };

/**
 * New leads of one channel on one day.
 */
export type DailyLeads = { 
/**
 * Days since the Unix epoch (UTC).
 */
day: number, platform: Platform, leads: number, };

export type Dashboard = { first_day: number, days: number, leads: Array<DailyLeads>, 
/**
 * Median time to the first reply, in minutes, per day (`None`: no
 * answered lead that day).
 */
median_first_reply_minutes: Array<number | null>, 
/**
 * Over the whole period.
 */
overall_median_first_reply_minutes: number | null, 
/**
 * Leads in the period still without any reply.
 */
unanswered: number, };

export type Delivery = "sent" | "delivered" | "read" | "failed";

export type Direction = "inbound" | "outbound";

/**
 * Who wrote a draft's text: the drafter (the owner then approves it,
 * maybe edited), or the owner in the composer.
 */
export type DraftAuthor = "drafter" | "owner";

/**
 * A draft as the owner reviews it.
 */
export type DraftReview = { id: number, conversation_id: number, status: DraftStatus, 
/**
 * A suggested reply, or one the owner wrote (whose send failed).
 */
written_by: DraftAuthor, text: string, 
/**
 * Each of the checks' warnings.
 */
warnings: Array<DraftWarning>, 
/**
 * Why the last attempt failed (drafting or sending), in plain words.
 */
problem: string | null, 
/**
 * Whether the reply can go out now, and until when (Meta's windows);
 * `None` when it cannot be worked out (the conversation is gone).
 */
window: ReplyWindow | null, };

/**
 * queued → pending → approved → sent, with failed (drafting), send_failed
 * (sending), rejected (by the owner) and stale (a newer message came).
 */
export type DraftStatus = "queued" | "pending" | "stale" | "approved" | "rejected" | "failed" | "sent" | "send_failed";

/**
 * One warning on a draft: what the check found (for the window to word in
 * the owner's language) and the English sentence the CLI prints.
 */
export type DraftWarning = { 
/**
 * `None` for a check this version does not know.
 */
flag: Flag | null, text: string, };

export type ErasureView = { confirmation_code: string, conversations: number, messages: number, leads: number, };

/**
 * Every reason a command can fail, as the window sees it.
 */
export type ErrorCode = "not_paired" | "relay_unreachable" | "relay_refused" | "bad_relay_url" | "unsafe_address" | "device_key_damaged" | "profile_invalid" | "settings_invalid" | "not_sent" | "file_refused" | "partly_sent" | "vault_exists" | "not_found" | "draft_state" | "vault_locked" | "vault_damaged" | "keychain_failed" | "backup_failed" | "backup_not_found" | "disk_failed" | "invalid_input" | "vault_failed" | "not_set_up" | "already_open" | "bad_format" | "bad_provider" | "no_link" | "no_browser" | "update_failed" | "notification_failed" | "stopped";

export type ExportDone = { folder: string, files: Array<[string, number]>, bytes: number, };

/**
 * Rows written so far to one file, reported as the export goes.
 */
export type ExportProgress = { file: string, rows: number, done: boolean, };

export type FaqEntry = { question: string, answer: string, 
/**
 * The question and answer in other languages, by ISO 639-1 code.
 */
translations?: { [key in string]: FaqWords }, };

export type FaqWords = { question: string, answer: string, };

/**
 * What a file is, to the person who receives it.
 */
export type FileKind = "image" | "document";

/**
 * A file Leadbox can send: its kind and its true type.
 */
export type FileType = { kind: FileKind, mime_type: string, };

/**
 * A saved reply with its placeholders filled.
 */
export type Filled = { text: string, 
/**
 * Placeholders left in the text because their value is not known.
 */
unfilled: Array<string>, };

/**
 * Something in a draft the owner should look at before sending.
 */
export type Flag = { "kind": "unknown_link", "value": string } | { "kind": "unknown_price", "value": string } | { "kind": "unknown_phone", "value": string } | { "kind": "unknown_email", "value": string } | { "kind": "markup_removed" } | { "kind": "image_removed", "value": string } | { "kind": "truncated" } | { "kind": "suspicious_message" } | { "kind": "unanswered" } | { "kind": "reused_answer" };

export type InboxStatus = { vault: VaultStatus, sync: SyncStatus, business_name: string | null, relay_url: string | null, data_dir: string, recovery_code: string | null, };

/**
 * The languages Leadbox speaks: the drafter writes replies in them, and the
 * window, tray and notifications show in them.
 */
export type Lang = "en" | "es" | "pt";

/**
 * What Settings shows: the owner's choice, if any, and the system's language.
 */
export type LanguageView = { chosen: Lang | null, system: Lang, };

/**
 * The lead panel of one conversation.
 */
export type LeadCard = { contact_id: number, stage: Stage, notes: string, labels: Array<string>, 
/**
 * Name, emails, phones, intent, urgency and summary read from their messages.
 */
details: { name: string | null, emails: Array<string>, phones: Array<string>, intent: string | null, urgency: string | null, summary: string | null } | null, 
/**
 * How they first came to write (an ad, a link), as Meta reported it.
 */
referral: { source: string | null, ad_id: string | null, ref_param: string | null, ad_title: string | null } | null, 
/**
 * Lead-ad forms the same person filled in (matched by email or phone).
 */
forms: Array<LeadForm>, };

export type LeadForm = { id: number, 
/**
 * The page's id.
 */
page_id: string, leadgen_id: string, form_id: string | null, ad_id: string | null, created_at: number, status: LeadFormStatus, attempts: number, 
/**
 * The form's answers as Meta returned them: `[{name, values}]`.
 */
answers: Array<{ name: string, values: Array<string> }> | null, name: string | null, email: string | null, phone: string | null, error: string | null, };

/**
 * Where a lead-ad submission's answers are.
 */
export type LeadFormStatus = "pending" | "fetched" | "failed";

/**
 * Which conversations the list shows.
 */
export type ListFilter = { "kind": "all" } | { "kind": "new_leads" } | { "kind": "needs_reply" } | { "kind": "drafts_to_review" } | { "kind": "channel", "value": Platform } | { "kind": "label", "value": string };

/**
 * One row of the conversation list.
 */
export type ListedConversation = { id: number, platform: Platform, display_name: string, last_message_text: string | null, last_message_at: number, last_direction: string | null, unread_count: number, opted_out: boolean, stage: Stage, labels: Array<string>, 
/**
 * From the lead details extracted from their messages.
 */
urgency: string | null, draft_waiting: boolean, };

/**
 * A "Connect with Facebook/Instagram" address, and the code the relay's
 * page asks for before it goes on to Meta (so a forwarded link is useless).
 */
export type LoginLink = { url: string, confirmation_code: string, };

/**
 * What the window knows about one attachment.
 */
export type MediaInfo = { 
/**
 * The attachment's place in the message's list.
 */
index: number, state: MediaState, mime_type: string | null, size: number | null, 
/**
 * Why it is not here, in words.
 */
problem: string | null, };

/**
 * Where an attachment's bytes are.
 */
export type MediaState = "waiting" | "stored" | "too_large" | "expired" | "failed";

/**
 * Where in a conversation a message was written.
 */
export type MessageKind = "direct" | "comment";

/**
 * How much an account notice matters to the owner.
 */
export type NoticeSeverity = "info" | "problem" | "restriction";

export type NotificationPrefs = { new_leads: boolean, new_messages: boolean, 
/**
 * Title only (who and which channel), never the message text.
 */
hide_previews: boolean, quiet_hours: QuietHours | null, 
/**
 * Closing the window keeps Leadbox running in the tray.
 */
close_to_tray: boolean, };

export type NotificationView = { prefs: NotificationPrefs, 
/**
 * Milliseconds since the epoch, while paused from the tray or the window.
 */
paused_until: number | null, };

/**
 * Keyset position in the list (newest first): stable while messages arrive.
 */
export type PageCursor = { last_message_at: number, id: number, };

/**
 * What pairing produced, for showing to the owner.
 */
export type Pairing = { relay_url: string, device_id: string, business_name: string, };

/**
 * A conversation the policy will delete within the preview's horizon.
 */
export type PlannedDeletion = { conversation_id: number, platform: Platform, display_name: string, last_message_at: number, 
/**
 * When it becomes due; at or before `now` means the next run deletes it.
 */
deletes_at: number, };

/**
 * Where a conversation happens: the one name for this concept, from SQL
 * (`accounts.platform`) to TypeScript (`Platform`). The relay routes each
 * webhook entry by (platform, account id); the desktop keeps it per account.
 */
export type Platform = "instagram" | "messenger" | "whatsapp" | "website";

/**
 * A profile's own words in another language; what is left out is said in
 * the language the profile is written in.
 */
export type ProfileWords = { description?: string | null, hours?: Array<string>, location?: string | null, sign_off?: string | null, };

/**
 * Who writes the drafts. One spelling everywhere: the setting, the drafts'
 * `provider` column, the JSON and the CLI (`offline`, `openai_compatible`,
 * `anthropic`; typing a hyphen for the underscore is accepted).
 */
export type ProviderKind = "offline" | "openai_compatible" | "anthropic";

/**
 * A daily span in local time, e.g. 22:00–07:00 (it may cross midnight).
 */
export type QuietHours = { start: string, end: string, };

/**
 * A page address a website chat refused (see [`Engine::allow_website_origin`]).
 */
export type RefusedOrigin = { origin: string, 
/**
 * How many times a page there asked (each page load, each message).
 */
refusals: number, 
/**
 * Milliseconds since the Unix epoch, like every time in the window.
 */
last_refused_at_ms: number, };

/**
 * Whether a reply can go out now, and how; or why not.
 */
export type ReplyVerdict = "open" | "human_agent" | "comment" | "closed" | "template_needed" | "no_message_yet" | "visitor_gone" | "comment_answered" | "comment_closed";

/**
 * The reply window of one draft, in words the owner can act on.
 */
export type ReplyWindow = { state: ReplyVerdict, 
/**
 * When the reply can no longer be sent this way.
 */
closes_at_ms: number | null, explanation: string, 
/**
 * The reply would carry Meta's `HUMAN_AGENT` tag.
 */
human_agent: boolean, can_send: boolean, };

/**
 * The owner's retention choices. `None` means "keep forever".
 */
export type RetentionPolicy = { 
/**
 * Delete conversations with no new message for this many days.
 */
delete_inactive_after_days: number | null, 
/**
 * A different period for some channels.
 */
per_channel: { [key in Platform]?: number | null }, 
/**
 * Remove the text and attachments of messages older than this many days,
 * keeping the conversation, its times and the lead.
 */
sanitize_bodies_after_days: number | null, 
/**
 * Lead records (details learned from messages, lead-ad answers) are kept
 * this many days after their last change, whatever happens to the chat.
 */
keep_leads_days: number | null, };

export type RetentionPreview = { conversations: Array<PlannedDeletion>, 
/**
 * Lead records and lead-ad submissions due within the horizon.
 */
leads: number, lead_forms: number, 
/**
 * Messages whose text will be removed within the horizon.
 */
bodies: number, };

export type RetentionReport = { conversations: number, messages: number, contacts: number, leads: number, lead_forms: number, bodies_sanitized: number, };

export type RetentionView = { policy: RetentionPolicy, 
/**
 * What the policy deletes in the next 7 days.
 */
preview: RetentionPreview, };

export type SavedReply = { id: number, title: string, text: string, updated_at: number, };

export type SearchHit = { conversation_id: number, 
/**
 * The matching message, or `None` when the contact's name matched.
 */
message_id: number | null, platform: Platform, display_name: string, sent_at: number, snippet: Array<SnippetPart>, };

/**
 * A piece of a template's text: as written, or a variable to fill.
 */
export type Segment = { "kind": "text", text: string, } | { "kind": "variable", name: string, };

export type Service = { name: string, 
/**
 * As the owner writes it, e.g. "€25" or "from $120".
 */
price: string | null, duration: string | null, 
/**
 * Other words leads use for it ("trim", "corte").
 */
aliases: Array<string>, 
/**
 * Its name, price and duration in other languages, by ISO 639-1 code.
 */
translations?: { [key in string]: ServiceWords }, };

export type ServiceWords = { name?: string | null, price?: string | null, duration?: string | null, };

/**
 * One run of snippet text; `hit` runs matched the query.
 */
export type SnippetPart = { text: string, hit: boolean, };

/**
 * Where a person is in the owner's pipeline.
 */
export type Stage = "new" | "qualified" | "booked" | "won" | "lost";

export type StoredMessage = { id: number, platform_message_id: string, direction: Direction, text: string | null, attachments: Array<{ kind: string, url: string | null }>, sent_at: number, kind: MessageKind, 
/**
 * For replies: as the platform reported it.
 */
delivery: Delivery | null, delivery_error: string | null, 
/**
 * The person's reaction to this message (an emoji).
 */
reaction: string | null, 
/**
 * The attachments Leadbox keeps (or tried to): their state, by index.
 */
media: Array<MediaInfo>, };

/**
 * How syncing with the relay is going.
 */
export type SyncStatus = { "state": "not_paired" } | { "state": "connecting" } | { "state": "online" } | { "state": "offline", message: string, } | { "state": "failed", message: string, };

/**
 * An approved template, as the owner chooses and fills it.
 */
export type TemplateChoice = { name: string, 
/**
 * Meta's language code (`en_US`, `es`, …).
 */
language: string, 
/**
 * `MARKETING`, `UTILITY` or `AUTHENTICATION`, as Meta names it.
 */
category: string, shape: TemplateShape, 
/**
 * What to fill in, in order, with Meta's example values.
 */
variables: Array<TemplateVariable>, };

/**
 * The templates a conversation can be answered with.
 */
export type TemplateList = { templates: Array<TemplateChoice>, 
/**
 * Why the list may be out of date (Meta could not be asked), in words.
 */
problem: string | null, };

/**
 * Where a variable is: Meta takes the header's and the body's apart.
 */
export type TemplatePart = "header" | "body";

/**
 * What a template says, read from its `components`.
 */
export type TemplateShape = { header: Array<Segment>, body: Array<Segment>, footer: string | null, 
/**
 * Why Leadbox cannot send it, when it cannot (a media header, say).
 */
unsupported: string | null, };

/**
 * One value the owner fills in before sending.
 */
export type TemplateVariable = { part: TemplatePart, name: string, 
/**
 * Meta's example value for it, when the template has one.
 */
example: string | null, };

export type Tone = "friendly" | "formal";

/**
 * What the window shows about updates.
 */
export type UpdateView = { current_version: string, 
/**
 * Whether this build knows where to look for new versions.
 */
has_source: boolean, 
/**
 * A newer version, when there is one.
 */
available: AvailableUpdate | null, };

export type VaultStatus = { "state": "open" } | { "state": "not_set_up" } | { "state": "locked", message: string, key_missing: boolean, };

/**
 * A website chat and the line of HTML that puts it on the owner's site.
 */
export type WebsiteChat = { site_id: string, name: string, origins: Array<string>, snippet: string, 
/**
 * Page addresses the chat was loaded on and refused, most recent
 * first: visitors there were told the chat is not available.
 */
refused_origins: Array<RefusedOrigin>, };

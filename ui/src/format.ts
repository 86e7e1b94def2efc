// Pure presentation helpers: no DOM, no Tauri, so they are unit-tested.
import type {
  CommandError,
  DraftWarning,
  ErrorCode,
  ErasureView,
  ExportDone,
  LoginLink,
  Platform,
  ReplyWindow,
  RetentionReport,
  RetentionView,
  SyncStatus,
} from "./ipc/commands";
import { m } from "./paraglide/messages";
import { formatLocale, language, oneDecimal } from "./i18n.svelte";

const PLATFORM_NAMES: Record<Platform, () => string> = {
  instagram: () => "Instagram",
  messenger: () => "Messenger",
  whatsapp: () => "WhatsApp",
  website: m.platform_website,
};

export function platformName(platform: Platform): string {
  return PLATFORM_NAMES[platform]?.() ?? m.platform_unknown();
}



/** "14:05" today, "Mon 14:05" within a week, "3 Nov" before that, "3 Nov 2025" another year. */
export function messageTime(epochMs: number, now: Date = new Date()): string {
  const when = new Date(epochMs);
  const locale = formatLocale();
  const time = when.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  const sameDay = when.toDateString() === now.toDateString();
  if (sameDay) return time;
  const ageMs = now.getTime() - when.getTime();
  if (ageMs >= 0 && ageMs < 6 * 24 * 3600 * 1000) {
    return `${when.toLocaleDateString(locale, { weekday: "short" })} ${time}`;
  }
  const options: Intl.DateTimeFormatOptions =
    when.getFullYear() === now.getFullYear()
      ? { day: "numeric", month: "short" }
      : { day: "numeric", month: "short", year: "numeric" };
  return when.toLocaleDateString(locale, options);
}

/** One line of preview: whitespace folded, cut at `limit` characters. */
/** Bidirectional embeddings, overrides and isolates: in someone else's text
 * they only serve to disguise it ("invoice\u202Egpj.exe" shows as
 * "invoiceexe.jpg"). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Untrusted text as shown: bidi controls replaced by a visible U+FFFD. */
export function inert(text: string): string {
  return text.replace(BIDI_CONTROLS, "\uFFFD");
}

export function preview(text: string | null, limit = 80): string {
  if (!text) return m.preview_attachment();
  const folded = inert(text).replace(/\s+/g, " ").trim();
  const chars = Array.from(folded);
  return chars.length <= limit ? folded : `${chars.slice(0, limit - 1).join("")}…`;
}

export function syncLabel(status: SyncStatus): string {
  switch (status.state) {
    case "online":
      return m.sync_online();
    case "connecting":
      return m.sync_connecting();
    case "not_paired":
      return m.sync_not_paired();
    case "offline":
      return m.sync_offline();
    case "failed":
      return language() === "en" ? status.message : m.sync_failed();
  }
}

const ERROR_SENTENCES: Record<ErrorCode, () => string> = {
  not_paired: m.error_not_paired,
  relay_unreachable: m.error_relay_unreachable,
  relay_refused: m.error_relay_refused,
  bad_relay_url: m.error_bad_relay_url,
  unsafe_address: m.error_unsafe_address,
  device_key_damaged: m.error_device_key_damaged,
  profile_invalid: m.error_profile_invalid,
  settings_invalid: m.error_settings_invalid,
  not_sent: m.error_not_sent,
  file_refused: m.error_file_refused,
  partly_sent: m.error_partly_sent,
  vault_exists: m.error_vault_exists,
  not_found: m.error_not_found,
  draft_state: m.error_draft_state,
  vault_locked: m.error_vault_locked,
  vault_damaged: m.error_vault_damaged,
  keychain_failed: m.error_keychain_failed,
  backup_failed: m.error_backup_failed,
  backup_not_found: m.error_backup_not_found,
  disk_failed: m.error_disk_failed,
  invalid_input: m.error_invalid_input,
  vault_failed: m.error_vault_failed,
  not_set_up: m.error_not_set_up,
  already_open: m.error_already_open,
  bad_format: m.error_bad_format,
  bad_provider: m.error_bad_provider,
  no_link: m.error_no_link,
  no_browser: m.error_no_browser,
  update_failed: m.error_update_failed,
  notification_failed: m.error_notification_failed,
  stopped: m.error_stopped,
};

/** Turns whatever a rejected command gave into a sentence for the owner.
 * The Rust side words its errors in English, with the particulars (which
 * file, which limit); in another language the window says what the code
 * means instead, in that language. */
export function errorMessage(error: unknown): string {
  const failure = typeof error === "object" && error !== null ? (error as Partial<CommandError>) : null;
  const translated = failure?.code ? ERROR_SENTENCES[failure.code] : undefined;
  if (language() !== "en" && translated) return translated();
  const text = failure && "message" in failure ? String(failure.message) : typeof error === "string" ? error : "";
  return text ? sentence(text) : m.error_unknown();
}

/** The Rust side words problems as clauses ("not sent: …"); shown alone, they start a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the draft panel says about a draft's state. */
export function draftStatusLabel(status: string): string {
  switch (status) {
    case "pending":
      return m.draft_pending();
    case "queued":
      return m.draft_queued();
    case "failed":
      return m.draft_failed();
    case "send_failed":
      return m.draft_send_failed();
    default:
      return "";
  }
}

/** The line under a reply: what the platform reported about it. */
export function deliveryLabel(delivery: string | null, error: string | null): string {
  switch (delivery) {
    case "sent":
      return m.delivery_sent();
    case "delivered":
      return m.delivery_delivered();
    case "read":
      return m.delivery_read();
    case "failed":
      return error ? m.delivery_failed_because({ reason: error }) : m.delivery_failed();
    default:
      return "";
  }
}

/** What the erase dialog says once the person is gone. */
export function erasureSummary(receipt: ErasureView): string {
  return m.erasure_summary({
    conversations: m.count_conversations({ count: receipt.conversations }),
    messages: m.count_messages({ count: receipt.messages }),
    leads: m.count_lead_records({ count: receipt.leads }),
    code: receipt.confirmation_code,
  });
}

/** A size in bytes, KB or MB, in the window's number format. */
export function size(bytes: number): string {
  if (bytes < 1024) return m.count_bytes({ count: bytes });
  if (bytes < 1024 * 1024) return `${oneDecimal(bytes / 1024)} KB`;
  return `${oneDecimal(bytes / 1024 / 1024)} MB`;
}

/** What the export dialog says when the files are written. */
export function exportSummary(done: ExportDone): string {
  const files = done.files.map(([name, rows]) => `${name} (${m.count_rows({ count: rows })})`).join(", ");
  return m.export_summary({ size: size(done.bytes), folder: done.folder, files });
}

/** How an attachment is described under a message: as text, remote content is never loaded. */
export function attachmentLabel(kind: string, url: string | null): string {
  switch (kind) {
    case "postback":
      return m.attachment_postback();
    case "unsupported":
      return m.attachment_unsupported();
    case "story_reply":
      return url ? m.attachment_story_reply_at({ url }) : m.attachment_story_reply();
    default:
      return `${kind}: ${url ?? m.attachment_no_link()}`;
  }
}

/** How an account's state reads in the accounts panel. */
/** What an account's count of unreadable webhook parts means to the owner. */
export function unreadableLabel(count: number): string {
  return m.unreadable_events({ count });
}

export function accountStatusLabel(status: string): string {
  switch (status) {
    case "connected":
      return m.account_connected();
    case "needs_reconnect":
      return m.account_needs_reconnect();
    case "disconnected":
      return m.account_disconnected();
    default:
      return m.account_receiving_only();
  }
}

/** What the next 7 days of the retention policy will remove. */
export function retentionPreviewText(preview: RetentionView["preview"]): string {
  const parts: string[] = [];
  if (preview.conversations.length > 0) {
    const names = preview.conversations
      .slice(0, 5)
      .map((c) => c.display_name)
      .join(", ");
    const others = preview.conversations.length - 5;
    const who = others > 0 ? m.names_and_more({ names, count: others }) : names;
    parts.push(`${m.count_conversations({ count: preview.conversations.length })} (${who})`);
  }
  if (preview.leads + preview.lead_forms > 0) parts.push(m.count_lead_records({ count: preview.leads + preview.lead_forms }));
  if (preview.bodies > 0) parts.push(m.retention_text_of({ messages: m.count_messages({ count: preview.bodies }) }));
  return parts.length > 0 ? m.retention_preview({ parts: parts.join(", ") }) : m.retention_nothing_due_soon();
}

/** What a retention run removed. */
export function retentionReportText(report: RetentionReport): string {
  if (
    report.conversations + report.leads + report.lead_forms + report.bodies_sanitized + report.contacts ===
    0
  ) {
    return m.retention_nothing_was_due();
  }
  return m.retention_report({
    conversations: m.count_conversations({ count: report.conversations }),
    messages: m.count_messages({ count: report.messages }),
    leads: m.count_lead_records({ count: report.leads + report.lead_forms }),
    bodies: m.count_messages({ count: report.bodies_sanitized }),
  });
}

/** The draft panel's line about the reply window (what it means for this
 * reply): Meta's 24 hours, or the website visitor's 7-day chat. */
export function replyWindowText(window: ReplyWindow, now: Date = new Date(), platform?: Platform): string {
  const until = window.closes_at_ms === null ? "" : deadline(window.closes_at_ms, now);
  switch (window.state) {
    case "open":
      return platform === "website" ? m.window_open_website({ until }) : m.window_open({ until });
    case "human_agent":
      return m.window_human_agent({ until });
    case "comment":
      return m.window_comment({ until });
    case "closed":
      return m.window_closed();
    case "template_needed":
      return m.window_template_needed();
    case "no_message_yet":
      return m.window_no_message_yet();
    case "visitor_gone":
      return m.window_visitor_gone();
    case "comment_answered":
      return m.window_comment_answered();
    case "comment_closed":
      return m.window_comment_closed();
  }
}

/** A time in the next days: "18:30 today", "Tue 09:15". */
export function deadline(epochMs: number, now: Date = new Date()): string {
  const when = new Date(epochMs);
  const locale = formatLocale();
  const time = when.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  if (when.toDateString() === now.toDateString()) return m.time_today({ time });
  return `${when.toLocaleDateString(locale, { weekday: "short" })} ${time}`;
}

/** What to do with a login link: the code the relay's page asks for comes
 * first, since without it the page goes no further. */
export function loginLinkText(link: LoginLink): string {
  return m.login_link({ code: link.confirmation_code, url: link.url });
}

/** After a saved reply is inserted: the placeholders still to fill by hand. */
export function unfilledNotice(unfilled: readonly string[]): string {
  if (unfilled.length === 0) return "";
  const names = unfilled.map((name) => `{${name}}`).join(", ");
  return m.unfilled_placeholders({ names, count: unfilled.length });
}

/** Problems worded by the Rust side are English: shown as they are in English only. */
const english = () => language() === "en";

/** What the conversation says about an attachment Leadbox could not keep, or is fetching. */
export function mediaStateText(state: string, problem: string | null): string {
  switch (state) {
    case "waiting":
      return problem && english() ? `Not fetched yet: ${problem}. Leadbox tries again.` : m.media_waiting();
    case "too_large":
      return problem && english() ? sentence(problem) : m.media_too_large();
    case "expired":
      return problem && english() ? `${sentence(problem)}.` : m.media_expired();
    case "failed":
      return problem && english() ? `Could not be fetched: ${problem}.` : m.media_failed();
    default:
      return "";
  }
}

/** A draft's warning in the window's language; the value (a link, a price)
 * comes from the draft and is shown as text. */
export function warningText(warning: DraftWarning): string {
  const flag = warning.flag;
  switch (flag?.kind) {
    case "unknown_link":
      return m.warning_unknown_link({ link: inert(flag.value) });
    case "unknown_price":
      return m.warning_unknown_price({ price: inert(flag.value) });
    case "unknown_phone":
      return m.warning_unknown_phone({ phone: inert(flag.value) });
    case "unknown_email":
      return m.warning_unknown_email({ email: inert(flag.value) });
    case "image_removed":
      return m.warning_image_removed({ url: inert(flag.value) });
    case "markup_removed":
      return m.warning_markup_removed();
    case "truncated":
      return m.warning_truncated();
    case "suspicious_message":
      return m.warning_suspicious_message();
    case "unanswered":
      return m.warning_unanswered();
    case "reused_answer":
      return m.warning_reused_answer();
    case undefined:
      return m.warning_unknown();
  }
}

const ENQUIRIES: Record<string, () => string> = {
  complaint: m.enquiry_complaint,
  reschedule: m.enquiry_reschedule,
  budget: m.enquiry_budget,
  price: m.enquiry_price,
  duration: m.enquiry_duration,
  booking: m.enquiry_booking,
  hours: m.enquiry_hours,
  location: m.enquiry_location,
  services: m.enquiry_services,
  compliment: m.enquiry_compliment,
  thanks: m.enquiry_thanks,
  greeting: m.enquiry_greeting,
  other: m.enquiry_other,
};

const URGENCIES: Record<string, () => string> = { low: m.urgency_low, normal: m.urgency_normal, high: m.urgency_high };

/** What a lead asked about, as the extractor named it; a name this version does not know as it came. */
export function enquiryName(enquiry: string): string {
  return ENQUIRIES[enquiry]?.() ?? enquiry;
}

export function urgencyName(urgency: string): string {
  return URGENCIES[urgency]?.() ?? urgency;
}

/** The lead panel's summary line. The extractor writes it in English
 * ("Price enquiry: "Hola!""); in another language the window keeps the
 * lead's quoted words, since "Asking about" already names the enquiry. */
export function leadSummaryText(summary: string): string {
  if (language() === "en") return summary;
  const quoted = /^\S+ enquiry: (".*")$/s.exec(summary)?.[1];
  if (quoted) return quoted;
  if (/ enquiry \(no text yet\)$/.test(summary)) return m.summary_no_text();
  return summary;
}

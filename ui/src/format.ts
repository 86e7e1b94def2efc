// Pure presentation helpers: no DOM, no Tauri, so they are unit-tested.
import type {
  CommandError,
  ErasureView,
  ExportDone,
  LoginLink,
  Platform,
  ReplyWindow,
  RetentionReport,
  RetentionView,
  SyncStatus,
} from "./ipc/commands";

const PLATFORM_NAMES: Record<Platform, string> = {
  instagram: "Instagram",
  messenger: "Messenger",
  whatsapp: "WhatsApp",
  website: "Website",
};

export function platformName(platform: Platform): string {
  return PLATFORM_NAMES[platform] ?? "Unknown channel";
}

/** "14:05" today, "Mon 14:05" within a week, "3 Nov" before that, "3 Nov 2025" another year. */
export function messageTime(epochMs: number, now: Date = new Date()): string {
  const when = new Date(epochMs);
  const time = when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  const sameDay = when.toDateString() === now.toDateString();
  if (sameDay) return time;
  const ageMs = now.getTime() - when.getTime();
  if (ageMs >= 0 && ageMs < 6 * 24 * 3600 * 1000) {
    return `${when.toLocaleDateString("en-GB", { weekday: "short" })} ${time}`;
  }
  const options: Intl.DateTimeFormatOptions =
    when.getFullYear() === now.getFullYear()
      ? { day: "numeric", month: "short" }
      : { day: "numeric", month: "short", year: "numeric" };
  return when.toLocaleDateString("en-GB", options);
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
  if (!text) return "(attachment)";
  const folded = inert(text).replace(/\s+/g, " ").trim();
  const chars = Array.from(folded);
  return chars.length <= limit ? folded : `${chars.slice(0, limit - 1).join("")}…`;
}

export function syncLabel(status: SyncStatus): string {
  switch (status.state) {
    case "online":
      return "Connected to your relay";
    case "connecting":
      return "Connecting…";
    case "not_paired":
      return "Not paired with a relay yet";
    case "offline":
      return "Offline: showing what is on this computer";
    case "failed":
      return status.message;
  }
}

/** Turns whatever a rejected command gave into a sentence for the owner. */
export function errorMessage(error: unknown): string {
  const text =
    typeof error === "object" && error !== null && "message" in error
      ? String((error as CommandError).message)
      : typeof error === "string"
        ? error
        : "";
  return text ? sentence(text) : "Something went wrong. Try again.";
}

/** The Rust side words problems as clauses ("not sent: …"); shown alone, they start a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the draft panel says about a draft's state. */
export function draftStatusLabel(status: string): string {
  switch (status) {
    case "pending":
      return "Waiting for your approval. Nothing is sent until you click.";
    case "queued":
      return "Writing a draft…";
    case "failed":
      return "The draft could not be written.";
    case "send_failed":
      return "Not sent. Fix the problem below and try again.";
    default:
      return "";
  }
}

/** The line under a reply: what the platform reported about it. */
export function deliveryLabel(delivery: string | null, error: string | null): string {
  switch (delivery) {
    case "sent":
      return "Sent";
    case "delivered":
      return "Delivered";
    case "read":
      return "Read";
    case "failed":
      return `Not delivered${error ? `: ${error}` : ""}`;
    default:
      return "";
  }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the erase dialog says once the person is gone. */
export function erasureSummary(receipt: ErasureView): string {
  return (
    `Erased ${plural(receipt.conversations, "conversation", "conversations")}, ` +
    `${plural(receipt.messages, "message", "messages")} and ${plural(receipt.leads, "lead record", "lead records")}. ` +
    `Confirmation code: ${receipt.confirmation_code}`
  );
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What the export dialog says when the files are written. */
export function exportSummary(done: ExportDone): string {
  const files = done.files.map(([name, rows]) => `${name} (${plural(rows, "row", "rows")})`).join(", ");
  return `Exported ${size(done.bytes)} to ${done.folder}: ${files}`;
}

/** How an attachment is described under a message: as text, remote content is never loaded. */
export function attachmentLabel(kind: string, url: string | null): string {
  switch (kind) {
    case "postback":
      return "Tapped a button";
    case "unsupported":
      return "Instagram does not show this message to apps: open Instagram to see it";
    case "story_reply":
      return `Replied to your story${url ? `: ${url}` : ""}`;
    default:
      return `${kind}: ${url ?? "(no link)"}`;
  }
}

/** How an account's state reads in the accounts panel. */
/** What an account's count of unreadable webhook parts means to the owner. */
export function unreadableLabel(count: number): string {
  const what = count === 1 ? "1 event" : `${count} events`;
  return `${what} from this account could not be read. Nothing else was lost: they are kept (without their content) and listed in exports as unreadable_events.`;
}

export function accountStatusLabel(status: string): string {
  switch (status) {
    case "connected":
      return "Connected: replies can be sent";
    case "needs_reconnect":
      return "Needs reconnecting: its token expired or was revoked";
    case "disconnected":
      return "Disconnected";
    default:
      return "Receiving only: connect it to send replies";
  }
}

/** What the next 7 days of the retention policy will remove. */
export function retentionPreviewText(preview: RetentionView["preview"]): string {
  const parts: string[] = [];
  if (preview.conversations.length > 0) {
    const names = preview.conversations.slice(0, 5).map((c) => c.display_name);
    const more = preview.conversations.length > 5 ? ` and ${preview.conversations.length - 5} more` : "";
    parts.push(`${plural(preview.conversations.length, "conversation", "conversations")} (${names.join(", ")}${more})`);
  }
  if (preview.leads + preview.lead_forms > 0) parts.push(plural(preview.leads + preview.lead_forms, "lead record", "lead records"));
  if (preview.bodies > 0) parts.push(`the text of ${plural(preview.bodies, "message", "messages")}`);
  return parts.length > 0 ? `In the next 7 days this removes ${parts.join(", ")}.` : "Nothing is due in the next 7 days.";
}

/** What a retention run removed. */
export function retentionReportText(report: RetentionReport): string {
  if (
    report.conversations + report.leads + report.lead_forms + report.bodies_sanitized + report.contacts ===
    0
  ) {
    return "Nothing was due.";
  }
  return (
    `Deleted ${plural(report.conversations, "conversation", "conversations")} ` +
    `(${plural(report.messages, "message", "messages")}), ` +
    `${plural(report.leads + report.lead_forms, "lead record", "lead records")}; ` +
    `removed the text of ${plural(report.bodies_sanitized, "message", "messages")}.`
  );
}

/** The draft panel's line about the reply window (what it means for this
 * reply): Meta's 24 hours, or the website visitor's 7-day chat. */
export function replyWindowText(window: ReplyWindow, now: Date = new Date(), platform?: Platform): string {
  const until = window.closes_at_ms === null ? "" : deadline(window.closes_at_ms, now);
  switch (window.state) {
    case "open":
      return platform === "website"
        ? `You can reply until ${until}: the visitor's chat on your website keeps replies for 7 days after their last message.`
        : `You can reply until ${until}: after 24 hours without a message from them, Meta limits replies.`;
    case "human_agent":
    case "comment":
      return `${window.explanation} Until ${until}.`;
    default:
      return window.explanation;
  }
}

/** A time in the next days: "18:30 today", "Tue 09:15". */
export function deadline(epochMs: number, now: Date = new Date()): string {
  const when = new Date(epochMs);
  const time = when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  if (when.toDateString() === now.toDateString()) return `${time} today`;
  return `${when.toLocaleDateString("en-GB", { weekday: "short" })} ${time}`;
}

/** What to do with a login link: the code the relay's page asks for comes
 * first, since without it the page goes no further. */
export function loginLinkText(link: LoginLink): string {
  return (
    `In the page that opens in your browser, type the code ${link.confirmation_code}, then finish there and come back. ` +
    `If no page opened, open this address (valid 10 minutes): ${link.url}`
  );
}

/** After a saved reply is inserted: the placeholders still to fill by hand. */
export function unfilledNotice(unfilled: readonly string[]): string {
  if (unfilled.length === 0) return "";
  const names = unfilled.map((name) => `{${name}}`).join(", ");
  return `Fill in ${names} yourself before sending: Leadbox does not know ${unfilled.length === 1 ? "it" : "them"} for this conversation.`;
}

/** What the conversation says about an attachment Leadbox could not keep, or is fetching. */
export function mediaStateText(state: string, problem: string | null): string {
  switch (state) {
    case "waiting":
      return problem ? `Not fetched yet: ${problem}. Leadbox tries again.` : "Fetching from WhatsApp…";
    case "too_large":
      return problem ? sentence(problem) : "Too large to keep in Leadbox; open it in WhatsApp.";
    case "expired":
      return problem ? `${sentence(problem)}.` : "WhatsApp no longer has this attachment (it keeps media for 30 days).";
    case "failed":
      return problem ? `Could not be fetched: ${problem}.` : "Could not be fetched.";
    default:
      return "";
  }
}

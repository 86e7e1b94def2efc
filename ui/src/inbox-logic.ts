// Pure helpers behind the inbox list and its keyboard (unit-tested).
import { m } from "./paraglide/messages";
import { oneDecimal } from "./i18n.svelte";
import type { ListFilter, ListedConversation, Platform, Segment, Stage, TemplatePart } from "./ipc/commands";

/** The filter menu's values: "all", "needs_reply", "channel:whatsapp", "label:VIP". */
export function filterFromValue(value: string): ListFilter {
  const [kind, ...rest] = value.split(":");
  const argument = rest.join(":");
  switch (kind) {
    case "new_leads":
    case "needs_reply":
    case "drafts_to_review":
      return { kind };
    case "channel":
      return { kind: "channel", value: argument as Platform };
    case "label":
      return { kind: "label", value: argument };
    default:
      return { kind: "all" };
  }
}

export function filterValue(filter: ListFilter): string {
  return "value" in filter ? `${filter.kind}:${filter.value}` : filter.kind;
}

/** What the list says when a filter matches nothing. */
export function emptyListText(filter: ListFilter): string {
  switch (filter.kind) {
    case "all":
      return m.list_empty_all();
    case "new_leads":
      return m.list_empty_new_leads();
    case "needs_reply":
      return m.list_empty_needs_reply();
    case "drafts_to_review":
      return m.list_empty_drafts();
    case "channel":
      return m.list_empty_channel();
    case "label":
      return m.list_empty_label({ label: filter.value });
  }
}

/** j/k: the next row to select, staying inside the list. */
export function step(conversations: ListedConversation[], selected: number | null, delta: 1 | -1): number | null {
  if (conversations.length === 0) return null;
  const at = conversations.findIndex((c) => c.id === selected);
  if (at === -1) return conversations[delta === 1 ? 0 : conversations.length - 1].id;
  const next = Math.min(conversations.length - 1, Math.max(0, at + delta));
  return conversations[next].id;
}

export type Shortcut =
  | "next"
  | "previous"
  | "open"
  | "approve"
  | "edit"
  | "regenerate"
  | "reject"
  | "reply"
  | "saved-replies"
  | "search"
  | "help";

const KEYS: Record<string, Shortcut> = {
  j: "next",
  k: "previous",
  Enter: "open",
  a: "approve",
  e: "edit",
  r: "regenerate",
  x: "reject",
  c: "reply",
  s: "saved-replies",
  "/": "search",
  "?": "help",
};

/** The shortcut for a key press, unless the owner is typing or holding a modifier. */
export function shortcutFor(key: string, typing: boolean, modified: boolean): Shortcut | null {
  if (typing || modified) return null;
  return KEYS[key] ?? null;
}

/**
 * What the approve key does with a draft: send one without warnings; for one
 * with warnings (a price or link not in the profile, an injection attempt…)
 * only bring the owner to the button, so nothing with a warning goes out on
 * a single key press without a look.
 */
export function keyboardApproval(warnings: readonly unknown[]): "send" | "review" {
  return warnings.length === 0 ? "send" : "review";
}

export const shortcutHelp = (): [string, string][] => [
  ["j / k", m.shortcut_next()],
  [m.shortcut_enter_key(), m.shortcut_open()],
  ["a", m.shortcut_approve()],
  ["e", m.shortcut_edit()],
  ["r", m.shortcut_regenerate()],
  ["x", m.shortcut_reject()],
  ["c", m.shortcut_reply()],
  ["s", m.shortcut_saved()],
  ["/", m.shortcut_search()],
  ["?", m.shortcut_help()],
];

export const STAGES: readonly Stage[] = ["new", "qualified", "booked", "won", "lost"];

const STAGE_NAMES: Record<Stage, () => string> = {
  new: m.stage_new,
  qualified: m.stage_qualified,
  booked: m.stage_booked,
  won: m.stage_won,
  lost: m.stage_lost,
};

/** "VIP, nails ,, VIP" → ["VIP", "nails"] (the vault has the final say). */
export function parseLabels(text: string): string[] {
  const labels: string[] = [];
  for (const raw of text.split(",")) {
    const label = raw.trim();
    if (label && !labels.some((l) => l.toLowerCase() === label.toLowerCase())) labels.push(label);
  }
  return labels;
}

/**
 * The rows a virtualized list renders: those in the viewport plus `overscan`
 * on each side. `last` is exclusive.
 */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): { first: number; last: number } {
  const top = Math.max(0, Math.floor(scrollTop / rowHeight));
  const bottom = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewportHeight)) / rowHeight);
  const first = Math.min(count, Math.max(0, top - overscan));
  const last = Math.min(count, Math.max(first, bottom + overscan));
  return { first, last };
}

/** The scroll position that brings row `index` fully into view, or `null` if it is. */
export function scrollToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}

export function stageName(stage: Stage): string {
  return STAGE_NAMES[stage]?.() ?? stage;
}

/** Ctrl+Enter (⌘+Enter on a Mac) sends what the owner wrote. */
export function isSendChord(event: { key: string; ctrlKey: boolean; metaKey: boolean }): boolean {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey);
}

/**
 * Whether "/" typed at `caret` opens the saved replies: at the start of the
 * reply or of a word, so "and/or" or an address stays typeable.
 */
export function slashOpensSavedReplies(text: string, caret: number): boolean {
  return caret === 0 || /\s/.test(text.charAt(caret - 1));
}

/** `text` with `inserted` put in place of the selection [start, end); the caret goes after it. */
export function insertAt(
  text: string,
  start: number,
  end: number,
  inserted: string,
): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + inserted + text.slice(to), caret: from + inserted.length };
}

/** The placeholders a saved reply can hold (filled by the engine; kept in step by a test there). */
export const placeholderHelp = (): [string, string][] => [
  ["{first_name}", m.ph_first_name()],
  ["{name}", m.ph_name()],
  ["{business_name}", m.ph_business_name()],
  ["{booking_link}", m.ph_booking_link()],
  ["{phone}", m.ph_phone()],
  ["{email}", m.ph_email()],
  ["{location}", m.ph_location()],
  ["{hours}", m.ph_hours()],
  ["{sign_off}", m.ph_sign_off()],
];

/**
 * What a template will say with `values` (in the order of `variables`); a
 * variable not filled in yet shows as {{name}}.
 */
export function templatePreview(
  shape: { header: Segment[]; body: Segment[]; footer: string | null },
  variables: readonly { part: TemplatePart; name: string }[],
  values: readonly string[],
): string {
  const fill = (segments: Segment[], part: TemplatePart) =>
    segments
      .map((segment) => {
        if (segment.kind === "text") return segment.text;
        const at = variables.findIndex((v) => v.part === part && v.name === segment.name);
        const value = at === -1 ? "" : (values[at] ?? "").trim();
        return value || `{{${segment.name}}}`;
      })
      .join("");
  return [fill(shape.header, "header"), fill(shape.body, "body"), shape.footer ?? ""]
    .filter((part) => part.trim() !== "")
    .join("\n\n");
}

/** Bytes as base64, the way the command bridge carries a file. */
export function bytesToBase64(bytes: Uint8Array): string {
  // In slices: `String.fromCharCode(...all)` overflows the stack for megabytes.
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += 0x8000) {
    parts.push(String.fromCharCode(...bytes.subarray(start, start + 0x8000)));
  }
  return btoa(parts.join(""));
}

/** A file's size for people, rounded up as the checks round it: "0.2 MB" ("0,2 MB"). */
export function fileSizeText(size: number): string {
  return `${oneDecimal(Math.ceil((size * 10) / (1024 * 1024)) / 10)} MB`;
}

/** The file a drop carries, when it carries exactly one. */
export function droppedFile(files: ArrayLike<File> | null | undefined): File | null {
  return files && files.length === 1 ? files[0] : null;
}

// The only module (with ./events.ts) that talks to the Rust side. Types mirror
// the serde shapes in src-tauri/src/commands.rs and crates/vault/src/queries.rs.
import { invoke } from "@tauri-apps/api/core";

export type Platform = "instagram" | "messenger" | "whatsapp" | "website";

export interface ConversationSummary {
  id: number;
  platform: Platform;
  contact_id: string;
  contact_name: string | null;
  display_name: string;
  last_message_text: string | null;
  last_message_at: number;
  unread_count: number;
  /** The person asked not to be messaged (STOP or a platform preference). */
  opted_out: boolean;
}

export interface StoredMessage {
  id: number;
  platform_message_id: string;
  direction: "inbound" | "outbound";
  text: string | null;
  attachments: { kind: string; url: string | null }[];
  sent_at: number;
  kind: "direct" | "comment";
  delivery: "sent" | "delivered" | "read" | "failed" | null;
  delivery_error: string | null;
  /** The person's reaction to this message (an emoji). */
  reaction: string | null;
}

export type SyncStatus =
  | { state: "not_paired" }
  | { state: "connecting" }
  | { state: "online" }
  | { state: "offline"; message: string }
  | { state: "failed"; message: string };

export interface InboxStatus {
  vault: { state: "open" } | { state: "locked"; message: string };
  sync: SyncStatus;
  business_name: string | null;
  relay_url: string | null;
  data_dir: string;
  recovery_code: string | null;
}

/** What every failed command rejects with. */
export interface CommandError {
  code: string;
  message: string;
}

export const inboxStatus = () => invoke<InboxStatus>("inbox_status");
export const listConversations = () => invoke<ConversationSummary[]>("list_conversations");
export const conversationMessages = (conversationId: number) =>
  invoke<StoredMessage[]>("conversation_messages", { conversationId });
export const markConversationRead = (conversationId: number) =>
  invoke<void>("mark_conversation_read", { conversationId });
export const dismissRecoveryCode = () => invoke<void>("dismiss_recovery_code");

export interface DraftView {
  id: number;
  status: "queued" | "pending" | "failed" | "send_failed" | string;
  text: string;
  warnings: string[];
  problem: string | null;
}

export const conversationDraft = (conversationId: number) =>
  invoke<DraftView | null>("conversation_draft", { conversationId });
export const approveAndSendDraft = (draftId: number, text: string) =>
  invoke<string>("approve_and_send_draft", { draftId, text });
export const rejectDraft = (draftId: number) => invoke<void>("reject_draft", { draftId });
export const regenerateDraft = (draftId: number) => invoke<DraftView | null>("regenerate_draft", { draftId });

export interface ErasureView {
  confirmation_code: string;
  conversations: number;
  messages: number;
  leads: number;
}

export interface ExportDone {
  folder: string;
  files: [string, number][];
  bytes: number;
}

export const eraseConversationPerson = (conversationId: number) =>
  invoke<ErasureView>("erase_conversation_person", { conversationId });
export const exportData = (format: "json" | "csv", conversationId: number | null) =>
  invoke<ExportDone>("export_data", { format, conversationId });

export interface SearchHit {
  conversation_id: number;
  message_id: number | null;
  platform: Platform;
  display_name: string;
  sent_at: number;
  /** The snippet in pieces; `hit` marks the words that matched. */
  snippet: { text: string; hit: boolean }[];
}

export const searchInbox = (query: string) => invoke<SearchHit[]>("search_inbox", { query });

export interface Account {
  id: number;
  platform: Platform;
  platform_account_id: string;
  name: string | null;
  connection: "page" | "instagram_login" | "whatsapp_cloud" | "relay" | null;
  /** `connected`, `needs_reconnect`, `not_connected` or `disconnected`. */
  status: string;
  human_agent: boolean;
  notice: { at: number; code: number | null; message: string } | null;
}

export const listAccounts = () => invoke<Account[]>("list_accounts");
export const connectAccount = (provider: "facebook" | "instagram") =>
  invoke<string>("connect_account", { provider });

/** `null` means keep forever. */
export interface RetentionPolicy {
  delete_inactive_after_days: number | null;
  per_channel: Partial<Record<Platform, number | null>>;
  sanitize_bodies_after_days: number | null;
  keep_leads_days: number | null;
}

export interface RetentionView {
  policy: RetentionPolicy;
  preview: {
    conversations: { conversation_id: number; platform: Platform; display_name: string; last_message_at: number; deletes_at: number }[];
    leads: number;
    lead_forms: number;
    bodies: number;
  };
}

export interface RetentionReport {
  conversations: number;
  messages: number;
  contacts: number;
  leads: number;
  lead_forms: number;
  bodies_sanitized: number;
}

export const retentionSettings = () => invoke<RetentionView>("retention_settings");
export const saveRetention = (policy: RetentionPolicy) => invoke<RetentionView>("save_retention", { policy });
export const runRetentionNow = () => invoke<RetentionReport>("run_retention_now");

/** A website chat and the line to paste into the site. */
export interface WebsiteChat {
  site_id: string;
  name: string;
  origins: string[];
  snippet: string;
}

export const listWebsites = () => invoke<WebsiteChat[]>("list_websites");
export const addWebsite = (name: string, origins: string[]) => invoke<WebsiteChat>("add_website", { name, origins });

export const pairWithRelay = (relayUrl: string, inviteCode: string, deviceName: string) =>
  invoke<{ business_name: string; relay_url: string }>("pair_with_relay", { relayUrl, inviteCode, deviceName });

/** Mirrors crates/drafts/src/profile.rs (unknown fields are refused there). */
export interface BusinessProfile {
  name: string;
  description: string;
  services: { name: string; price?: string | null; duration?: string | null; aliases?: string[] }[];
  hours: string[];
  time_zone: string | null;
  location: string | null;
  booking_link: string | null;
  phone: string | null;
  email: string | null;
  tone: "friendly" | "formal";
  languages: string[];
  phone_region: string | null;
  faq: { question: string; answer: string }[];
  [other: string]: unknown;
}

export const businessProfile = () => invoke<BusinessProfile>("business_profile");
export const saveBusinessProfile = (profile: BusinessProfile) => invoke<void>("save_business_profile", { profile });

export type ProviderKind = "offline" | "open_ai_compatible" | "anthropic";

export interface AiSettings {
  provider: ProviderKind;
  base_url: string | null;
  model: string | null;
  redact: boolean | null;
  has_api_key: boolean;
}

export interface AiSettingsInput {
  /** `offline`, `openai-compatible` or `anthropic`. */
  provider: string;
  base_url: string | null;
  model: string | null;
  redact: boolean | null;
  api_key: string | null;
}

export const aiSettings = () => invoke<AiSettings>("ai_settings");
export const saveAiSettings = (settings: AiSettingsInput) => invoke<AiSettings>("save_ai_settings", { settings });

export interface NotificationPrefs {
  new_leads: boolean;
  new_messages: boolean;
  hide_previews: boolean;
  quiet_hours: { start: string; end: string } | null;
  close_to_tray: boolean;
}

export const notificationSettings = () =>
  invoke<{ prefs: NotificationPrefs; paused_until: number | null }>("notification_settings");
export const saveNotificationSettings = (prefs: NotificationPrefs) => invoke<void>("save_notification_settings", { prefs });
export const pauseNotifications = (minutes: number | null) => invoke<number | null>("pause_notifications", { minutes });
export const sendTestNotification = () => invoke<void>("send_test_notification");

export interface AppInfo {
  version: string;
  tauri_version: string;
  data_dir: string;
  vault_file: string;
  relay_url: string | null;
  device_id: string | null;
  business_name: string | null;
}

export const appInfo = () => invoke<AppInfo>("app_info");

export type Stage = "new" | "qualified" | "booked" | "won" | "lost";

/** Mirrors crates/vault/src/pipeline.rs `ListFilter`. */
export type ListFilter =
  | { kind: "all" }
  | { kind: "new_leads" }
  | { kind: "needs_reply" }
  | { kind: "drafts_to_review" }
  | { kind: "channel"; value: Platform }
  | { kind: "label"; value: string };

export interface ListedConversation {
  id: number;
  platform: Platform;
  display_name: string;
  last_message_text: string | null;
  last_message_at: number;
  last_direction: "inbound" | "outbound" | null;
  unread_count: number;
  opted_out: boolean;
  stage: Stage;
  labels: string[];
  urgency: string | null;
  draft_waiting: boolean;
}

export interface PageCursor {
  last_message_at: number;
  id: number;
}

export interface ConversationPage {
  conversations: ListedConversation[];
  next: PageCursor | null;
}

export interface LeadCard {
  contact_id: number;
  stage: Stage;
  notes: string;
  labels: string[];
  details: {
    name: string | null;
    emails: string[];
    phones: string[];
    intent: string | null;
    urgency: string | null;
    summary: string | null;
  } | null;
  referral: { source: string | null; ad_id: string | null; ref_param: string | null; ad_title: string | null } | null;
}

export interface LeadForm {
  id: number;
  page_id: string;
  leadgen_id: string;
  form_id: string | null;
  ad_id: string | null;
  created_at: number;
  status: "pending" | "fetched" | "failed";
  attempts: number;
  answers: { name: string; values: string[] }[] | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  error: string | null;
}

export const conversationPage = (filter: ListFilter, after: PageCursor | null) =>
  invoke<ConversationPage>("conversation_page", { filter, after });
export const labelsInUse = () => invoke<string[]>("labels_in_use");
export const leadCard = (conversationId: number) => invoke<LeadCard>("lead_card", { conversationId });
export const updateLead = (conversationId: number, stage: Stage, notes: string, labels: string[]) =>
  invoke<LeadCard>("update_lead", { conversationId, stage, notes, labels });
export const listLeadForms = () => invoke<LeadForm[]>("list_lead_forms");

/** Tells the app the first inbox is on screen (startup timing; see src-tauri/src/startup.rs). */
export const startupPainted = () => invoke<void>("startup_painted");

export interface Dashboard {
  /** Days since the Unix epoch (UTC). */
  first_day: number;
  days: number;
  leads: { day: number; platform: Platform; leads: number }[];
  median_first_reply_minutes: (number | null)[];
  overall_median_first_reply_minutes: number | null;
  unanswered: number;
}

export const dashboard = () => invoke<Dashboard>("dashboard");

export const disconnectAccount = (platform: Platform, accountId: string, erase: boolean) =>
  invoke<string>("disconnect_account", { platform, accountId, erase });

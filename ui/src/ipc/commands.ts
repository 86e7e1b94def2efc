// Generated from src-tauri/src/command_list.rs by src-tauri/src/bindings.rs. Do not edit:
// LEADBOX_WRITE_BINDINGS=1 cargo test --bin leadbox bindings
// The only module (with ./events.ts) that talks to the Rust side.
import { invoke } from "@tauri-apps/api/core";
import type { AccountRow, AiSettings, AiSettingsInput, AppInfo, AvailableUpdate, BackupDone, BusinessProfile, Computer, Connection, ConversationPage, Dashboard, DraftReview, ErasureView, ExportDone, FileType, Filled, InboxStatus, Lang, LanguageView, LeadCard, LeadForm, ListFilter, LoginLink, NotificationPrefs, NotificationView, PageCursor, Pairing, Platform, ReplyWindow, RetentionPolicy, RetentionPreview, RetentionReport, RetentionView, SavedReply, SearchHit, Stage, StoredMessage, TemplateList, UpdateView, WebsiteChat } from "./bindings";

export type * from "./bindings";

export const inboxStatus = () =>
  invoke<InboxStatus>("inbox_status");
export const conversationMessages = (conversationId: number) =>
  invoke<Array<StoredMessage>>("conversation_messages", { conversationId });
export const markConversationRead = (conversationId: number) =>
  invoke<void>("mark_conversation_read", { conversationId });
export const openAttachment = (messageId: number, index: number) =>
  invoke<string>("open_attachment", { messageId, index });
export const saveAttachment = (messageId: number, index: number) =>
  invoke<string>("save_attachment", { messageId, index });
export const fetchAttachment = (messageId: number, index: number) =>
  invoke<void>("fetch_attachment", { messageId, index });
export const dismissRecoveryCode = () =>
  invoke<void>("dismiss_recovery_code");
export const createVault = () =>
  invoke<void>("create_vault");
export const restoreBackup = (file: string, passphrase: string) =>
  invoke<void>("restore_backup", { file, passphrase });
export const unlockVault = (recoveryCode: string) =>
  invoke<void>("unlock_vault", { recoveryCode });
export const conversationDraft = (conversationId: number) =>
  invoke<DraftReview | null>("conversation_draft", { conversationId });
export const approveAndSendDraft = (draftId: number, text: string) =>
  invoke<string>("approve_and_send_draft", { draftId, text });
export const rejectDraft = (draftId: number) =>
  invoke<void>("reject_draft", { draftId });
export const composerReplyWindow = (conversationId: number) =>
  invoke<ReplyWindow>("composer_reply_window", { conversationId });
export const sendOwnerReply = (conversationId: number, text: string) =>
  invoke<string>("send_owner_reply", { conversationId, text });
export const checkOutgoingFile = (conversationId: number, headBase64: string, size: number, text: string) =>
  invoke<FileType>("check_outgoing_file", { conversationId, headBase64, size, text });
export const sendOwnerFile = (conversationId: number, text: string, fileName: string, fileBase64: string) =>
  invoke<string>("send_owner_file", { conversationId, text, fileName, fileBase64 });
export const savedReplies = (query: string) =>
  invoke<Array<SavedReply>>("saved_replies", { query });
export const saveSavedReply = (id: number | null, title: string, text: string) =>
  invoke<SavedReply>("save_saved_reply", { id, title, text });
export const deleteSavedReply = (id: number) =>
  invoke<void>("delete_saved_reply", { id });
export const fillSavedReply = (id: number, conversationId: number) =>
  invoke<Filled>("fill_saved_reply", { id, conversationId });
export const whatsappTemplates = (conversationId: number) =>
  invoke<TemplateList>("whatsapp_templates", { conversationId });
export const sendWhatsappTemplate = (conversationId: number, name: string, language: string, values: Array<string>) =>
  invoke<string>("send_whatsapp_template", { conversationId, name, language, values });
export const regenerateDraft = (draftId: number) =>
  invoke<DraftReview>("regenerate_draft", { draftId });
export const eraseConversationPerson = (conversationId: number) =>
  invoke<ErasureView>("erase_conversation_person", { conversationId });
export const exportData = (format: string, conversationId: number | null) =>
  invoke<ExportDone>("export_data", { format, conversationId });
export const searchInbox = (query: string) =>
  invoke<Array<SearchHit>>("search_inbox", { query });
export const retentionSettings = () =>
  invoke<RetentionView>("retention_settings");
export const saveRetention = (policy: RetentionPolicy) =>
  invoke<RetentionView>("save_retention", { policy });
export const runRetentionNow = () =>
  invoke<RetentionReport>("run_retention_now");
export const previewRetention = (policy: RetentionPolicy) =>
  invoke<RetentionPreview>("preview_retention", { policy });
export const backupVault = (passphrase: string) =>
  invoke<BackupDone>("backup_vault", { passphrase });
export const listAccounts = () =>
  invoke<Array<AccountRow>>("list_accounts");
export const connectAccount = (provider: string) =>
  invoke<LoginLink>("connect_account", { provider });
export const connectWithToken = (platform: Platform, accountId: string, connection: Connection, token: string, humanAgent: boolean) =>
  invoke<AccountRow>("connect_with_token", { platform, accountId, connection, token, humanAgent });
export const listWebsites = () =>
  invoke<Array<WebsiteChat>>("list_websites");
export const addWebsite = (name: string, origins: Array<string>) =>
  invoke<WebsiteChat>("add_website", { name, origins });
export const allowWebsiteOrigin = (siteId: string, origin: string) =>
  invoke<WebsiteChat>("allow_website_origin", { siteId, origin });
export const disconnectAccount = (platform: Platform, accountId: string, erase: boolean) =>
  invoke<string>("disconnect_account", { platform, accountId, erase });
export const pairWithRelay = (relayUrl: string, inviteCode: string, deviceName: string) =>
  invoke<Pairing>("pair_with_relay", { relayUrl, inviteCode, deviceName });
export const signUpAtRelay = (relayUrl: string, businessName: string, signupCode: string, deviceName: string) =>
  invoke<Pairing>("sign_up_at_relay", { relayUrl, businessName, signupCode, deviceName });
export const businessProfile = () =>
  invoke<BusinessProfile>("business_profile");
export const saveBusinessProfile = (profile: BusinessProfile) =>
  invoke<void>("save_business_profile", { profile });
export const aiSettings = () =>
  invoke<AiSettings>("ai_settings");
export const saveAiSettings = (settings: AiSettingsInput) =>
  invoke<AiSettings>("save_ai_settings", { settings });
export const notificationSettings = () =>
  invoke<NotificationView>("notification_settings");
export const saveNotificationSettings = (prefs: NotificationPrefs) =>
  invoke<void>("save_notification_settings", { prefs });
export const pauseNotifications = (minutes: number | null) =>
  invoke<number | null>("pause_notifications", { minutes });
export const sendTestNotification = () =>
  invoke<void>("send_test_notification");
export const appInfo = () =>
  invoke<AppInfo>("app_info");
export const listComputers = () =>
  invoke<Array<Computer>>("list_computers");
export const removeComputer = (deviceId: string) =>
  invoke<void>("remove_computer", { deviceId });
export const inviteComputer = () =>
  invoke<string>("invite_computer");
export const conversationPage = (filter: ListFilter, after: PageCursor | null, limit: number) =>
  invoke<ConversationPage>("conversation_page", { filter, after, limit });
export const labelsInUse = () =>
  invoke<Array<string>>("labels_in_use");
export const leadCard = (conversationId: number) =>
  invoke<LeadCard>("lead_card", { conversationId });
export const updateLead = (conversationId: number, stage: Stage, notes: string, labels: Array<string>) =>
  invoke<LeadCard>("update_lead", { conversationId, stage, notes, labels });
export const listLeadForms = () =>
  invoke<Array<LeadForm>>("list_lead_forms");
export const dashboard = () =>
  invoke<Dashboard>("dashboard");
export const startupPainted = (pageMs: number, marks: Array<[string, number]>) =>
  invoke<void>("startup_painted", { pageMs, marks });
export const startAtLogin = () =>
  invoke<boolean>("start_at_login");
export const setStartAtLogin = (enabled: boolean) =>
  invoke<boolean>("set_start_at_login", { enabled });
export const windowLanguage = () =>
  invoke<LanguageView>("window_language");
export const chooseWindowLanguage = (chosen: Lang | null) =>
  invoke<LanguageView>("choose_window_language", { chosen });
export const checkForUpdate = () =>
  invoke<UpdateView>("check_for_update");
export const foundUpdate = () =>
  invoke<AvailableUpdate | null>("found_update");
export const installUpdate = () =>
  invoke<string>("install_update");
export const restartApp = () =>
  invoke<void>("restart_app");

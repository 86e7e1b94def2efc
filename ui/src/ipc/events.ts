import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AvailableUpdate, ExportProgress, SyncStatus } from "./bindings";

export const onInboxChanged = (handler: () => void): Promise<UnlistenFn> =>
  listen<number>("inbox-changed", () => handler());

export const onSyncStatus = (handler: (status: SyncStatus) => void): Promise<UnlistenFn> =>
  listen<SyncStatus>("sync-status", (event) => handler(event.payload));

export const onOpenConversation = (handler: (id: number) => void): Promise<UnlistenFn> =>
  listen<number>("open-conversation", (event) => handler(event.payload));

/** A click on a new lead-form notification. */
export const onOpenLeadForms = (handler: () => void): Promise<UnlistenFn> => listen<null>("open-lead-forms", () => handler());

/** A click on an account-restriction notification. */
export const onOpenAccounts = (handler: () => void): Promise<UnlistenFn> => listen<null>("open-accounts", () => handler());

export const onDraftsChanged = (handler: () => void): Promise<UnlistenFn> =>
  listen<number>("drafts-changed", () => handler());

export const onExportProgress = (handler: (progress: ExportProgress) => void): Promise<UnlistenFn> =>
  listen<ExportProgress>("export-progress", (event) => handler(event.payload));

/** Notifications paused until then (ms), or `null` when resumed (tray or settings). */
export const onNotificationsPaused = (handler: (until: number | null) => void): Promise<UnlistenFn> =>
  listen<number | null>("notifications-paused", (event) => handler(event.payload));

/** The daily check found a newer Leadbox (Settings › Updates installs it). */
export const onUpdateAvailable = (handler: (update: AvailableUpdate) => void): Promise<UnlistenFn> =>
  listen<AvailableUpdate>("update-available", (event) => handler(event.payload));

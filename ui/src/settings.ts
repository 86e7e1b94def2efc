// The settings dialog: business profile, who drafts replies, notifications
// (with quiet hours and a pause), and where things are.
import {
  aiSettings,
  appInfo,
  businessProfile,
  notificationSettings,
  pauseNotifications,
  saveAiSettings,
  saveBusinessProfile,
  saveNotificationSettings,
  sendTestNotification,
  type NotificationPrefs,
} from "./ipc/commands";
import { errorMessage } from "./format";
import { fillProfileForm, fillProviderForm, mountProfileForm, mountProviderForm, readProfileForm, readProviderForm } from "./forms";
import { applyProfileForm, pausedLabel } from "./settings-logic";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};
const checkbox = (id: string) => byId<HTMLInputElement>(id);

/** Shows "Notifications paused until …" in the top bar while paused. */
export function showPaused(pausedUntil: number | null) {
  const label = pausedLabel(pausedUntil);
  const status = byId("paused-status");
  status.hidden = label === null;
  status.textContent = label ?? "";
}

function fillNotifications(prefs: NotificationPrefs) {
  checkbox("notify-leads").checked = prefs.new_leads;
  checkbox("notify-messages").checked = prefs.new_messages;
  checkbox("notify-hide-previews").checked = prefs.hide_previews;
  checkbox("notify-quiet").checked = prefs.quiet_hours !== null;
  if (prefs.quiet_hours) {
    byId<HTMLInputElement>("notify-quiet-start").value = prefs.quiet_hours.start;
    byId<HTMLInputElement>("notify-quiet-end").value = prefs.quiet_hours.end;
  }
  checkbox("notify-close-to-tray").checked = prefs.close_to_tray;
}

function readNotifications(): NotificationPrefs {
  return {
    new_leads: checkbox("notify-leads").checked,
    new_messages: checkbox("notify-messages").checked,
    hide_previews: checkbox("notify-hide-previews").checked,
    quiet_hours: checkbox("notify-quiet").checked
      ? { start: byId<HTMLInputElement>("notify-quiet-start").value, end: byId<HTMLInputElement>("notify-quiet-end").value }
      : null,
    close_to_tray: checkbox("notify-close-to-tray").checked,
  };
}

async function renderAbout() {
  const info = await appInfo();
  const rows: [string, string][] = [
    ["Leadbox", info.version],
    ["Tauri", info.tauri_version],
    ["Business", info.business_name ?? "not paired"],
    ["Relay", info.relay_url ?? "not paired"],
    ["This computer's id", info.device_id ?? "–"],
    ["Data folder", info.data_dir],
    ["Encrypted inbox", info.vault_file],
  ];
  byId("settings-about").replaceChildren(
    ...rows.flatMap(([term, detail]) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = detail;
      return [dt, dd];
    }),
  );
}

async function load() {
  const result = byId("settings-result");
  result.textContent = "";
  try {
    fillProfileForm("settings-profile", await businessProfile());
    fillProviderForm("settings-provider", await aiSettings());
    const notifications = await notificationSettings();
    fillNotifications(notifications.prefs);
    showPaused(notifications.paused_until);
    await renderAbout();
  } catch (error) {
    result.textContent = errorMessage(error);
  }
}

async function act(action: () => Promise<string>) {
  const result = byId("settings-result");
  try {
    result.textContent = await action();
  } catch (error) {
    result.textContent = errorMessage(error);
  }
}

export function wireSettings() {
  mountProfileForm(byId("settings-profile"), "settings-profile");
  mountProviderForm(byId("settings-provider"), "settings-provider");
  const dialog = byId<HTMLDialogElement>("settings-dialog");
  byId("settings-open").addEventListener("click", () => {
    void load();
    dialog.showModal();
  });
  byId("settings-close").addEventListener("click", () => dialog.close());
  byId("settings-profile-save").addEventListener("click", () =>
    void act(async () => {
      await saveBusinessProfile(applyProfileForm(await businessProfile(), readProfileForm("settings-profile")));
      return "Profile saved. New drafts use it.";
    }),
  );
  byId("settings-provider-save").addEventListener("click", () =>
    void act(async () => {
      fillProviderForm("settings-provider", await saveAiSettings(readProviderForm("settings-provider")));
      return "Saved. New drafts are written this way.";
    }),
  );
  byId("notify-save").addEventListener("click", () =>
    void act(async () => {
      await saveNotificationSettings(readNotifications());
      return "Notification settings saved.";
    }),
  );
  byId("notify-test").addEventListener("click", () =>
    void act(async () => {
      await sendTestNotification();
      return "Test notification sent.";
    }),
  );
  byId("notify-pause").addEventListener("click", () =>
    void act(async () => {
      showPaused(await pauseNotifications(60));
      return "Notifications paused for 1 hour (resume from the tray).";
    }),
  );
}

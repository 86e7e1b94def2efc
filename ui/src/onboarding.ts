// First start: the recovery code (confirmed), pairing with the relay, the
// business profile, who drafts replies, how long data is kept, and a test
// notification. Shown while this computer is not paired (or the recovery
// code is unconfirmed); "Later" hides it until the next start.
import {
  businessProfile,
  dismissRecoveryCode,
  pairWithRelay,
  retentionSettings,
  saveAiSettings,
  saveBusinessProfile,
  saveRetention,
  sendTestNotification,
  type InboxStatus,
} from "./ipc/commands";
import { errorMessage } from "./format";
import { fillProfileForm, mountProfileForm, mountProviderForm, readProfileForm, readProviderForm } from "./forms";
import { applyProfileForm } from "./settings-logic";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

type Step = "recovery" | "relay" | "profile" | "replies" | "retention" | "notifications";

let steps: Step[] = [];
let at = 0;
let laterChosen = false;

function show() {
  const dialog = byId<HTMLDialogElement>("welcome-dialog");
  for (const section of dialog.querySelectorAll<HTMLElement>("section[data-step]")) {
    section.hidden = section.dataset.step !== steps[at];
  }
  byId<HTMLButtonElement>("welcome-back").hidden = at === 0 || steps[at] === "profile";
  byId<HTMLButtonElement>("welcome-later").hidden = steps[at] === "recovery";
  byId("welcome-next").textContent = at === steps.length - 1 ? "Start using Leadbox" : "Next";
  byId("welcome-result").textContent = "";
}

/** Saves what the current step asks for; false keeps the owner on it. */
async function finishStep(step: Step): Promise<boolean> {
  const result = byId("welcome-result");
  switch (step) {
    case "recovery":
      if (!byId<HTMLInputElement>("welcome-recovery-saved").checked) {
        result.textContent = "Tick the box once the code is written down: without it your inbox cannot be recovered.";
        return false;
      }
      await dismissRecoveryCode();
      return true;
    case "relay": {
      result.textContent = "Connecting to your relay…";
      const paired = await pairWithRelay(
        byId<HTMLInputElement>("welcome-relay-url").value,
        byId<HTMLInputElement>("welcome-invite").value,
        byId<HTMLInputElement>("welcome-device-name").value,
      );
      result.textContent = `Connected to ${paired.business_name}.`;
      fillProfileForm("welcome-profile", await businessProfile());
      return true;
    }
    case "profile":
      await saveBusinessProfile(applyProfileForm(await businessProfile(), readProfileForm("welcome-profile")));
      return true;
    case "replies":
      await saveAiSettings(readProviderForm("welcome-provider"));
      return true;
    case "retention": {
      const choice = byId<HTMLSelectElement>("welcome-retention").value;
      const { policy } = await retentionSettings();
      await saveRetention({ ...policy, delete_inactive_after_days: choice === "never" ? null : Number(choice) });
      return true;
    }
    case "notifications":
      return true;
  }
}

async function next() {
  const button = byId<HTMLButtonElement>("welcome-next");
  button.disabled = true;
  try {
    if (!(await finishStep(steps[at]))) return;
    if (at === steps.length - 1) {
      byId<HTMLDialogElement>("welcome-dialog").close();
      return;
    }
    at += 1;
    show();
  } catch (error) {
    byId("welcome-result").textContent = errorMessage(error);
  } finally {
    button.disabled = false;
  }
}

export function wireOnboarding(afterClose: () => void) {
  mountProfileForm(byId("welcome-profile"), "welcome-profile");
  mountProviderForm(byId("welcome-provider"), "welcome-provider");
  const dialog = byId<HTMLDialogElement>("welcome-dialog");
  byId("welcome-next").addEventListener("click", () => void next());
  byId("welcome-back").addEventListener("click", () => {
    at = Math.max(0, at - 1);
    show();
  });
  byId("welcome-later").addEventListener("click", () => {
    laterChosen = true;
    dialog.close();
  });
  byId("welcome-test-notification").addEventListener("click", async () => {
    try {
      await sendTestNotification();
      byId("welcome-result").textContent = "Sent. If nothing appeared, allow notifications for Leadbox in your system settings.";
    } catch (error) {
      byId("welcome-result").textContent = errorMessage(error);
    }
  });
  // Escape would skip the recovery code: only "Later" closes, and not on that step.
  dialog.addEventListener("cancel", (event) => {
    if (steps[at] === "recovery") event.preventDefault();
    else laterChosen = true;
  });
  dialog.addEventListener("close", afterClose);
}

/** Opens the onboarding when something is left to set up. */
export function offerOnboarding(status: InboxStatus, asked = false) {
  const dialog = byId<HTMLDialogElement>("welcome-dialog");
  if (dialog.open || (laterChosen && !asked) || status.vault.state !== "open") return;
  const wanted: Step[] = [];
  if (status.recovery_code) wanted.push("recovery");
  // The pairing itself, not the sync state, which trails it by a moment.
  if (status.relay_url === null) wanted.push("relay", "profile", "replies", "retention", "notifications");
  if (wanted.length === 0) return;
  steps = wanted;
  at = 0;
  byId("welcome-recovery-code").textContent = status.recovery_code ?? "";
  show();
  dialog.showModal();
}

// The retention panel: the owner's periods, what the next 7 days remove, and
// "Apply now". Per-channel overrides (set with the CLI) are kept as they are.
import { retentionSettings, runRetentionNow, saveRetention, type RetentionPolicy, type RetentionView } from "./ipc/commands";
import { errorMessage, retentionPreviewText, retentionReportText } from "./format";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

const days = (value: number | null) => (value === null ? "never" : String(value));
const parseDays = (value: string) => (value === "never" ? null : Number(value));

/** Shows a period even if it is not one of the offered choices (set with the CLI). */
function choose(select: HTMLSelectElement, value: number | null) {
  const wanted = days(value);
  if (![...select.options].some((o) => o.value === wanted)) {
    select.add(new Option(`${wanted} days`, wanted));
  }
  select.value = wanted;
}

let shown: RetentionPolicy | null = null;

function render(view: RetentionView) {
  shown = view.policy;
  choose(byId("retention-days"), view.policy.delete_inactive_after_days);
  choose(byId("retention-sanitize"), view.policy.sanitize_bodies_after_days);
  choose(byId("retention-leads"), view.policy.keep_leads_days);
  const channels = Object.entries(view.policy.per_channel);
  const note = byId("retention-channels");
  note.hidden = channels.length === 0;
  note.textContent = `Channel overrides (set with leadbox-cli retention set --channel): ${channels
    .map(([channel, value]) => `${channel} ${value === null ? "never" : `${value} days`}`)
    .join(", ")}`;
  byId("retention-preview").textContent = retentionPreviewText(view.preview);
}

export function wireRetention(afterRun: () => Promise<void>) {
  const dialog = byId<HTMLDialogElement>("retention-dialog");
  const result = byId("retention-result");
  byId("retention-open").addEventListener("click", async () => {
    result.textContent = "";
    try {
      render(await retentionSettings());
    } catch (error) {
      result.textContent = errorMessage(error);
    }
    dialog.showModal();
  });
  byId("retention-close").addEventListener("click", () => dialog.close());
  byId("retention-save").addEventListener("click", async () => {
    const policy: RetentionPolicy = {
      per_channel: shown?.per_channel ?? {},
      delete_inactive_after_days: parseDays(byId<HTMLSelectElement>("retention-days").value),
      sanitize_bodies_after_days: parseDays(byId<HTMLSelectElement>("retention-sanitize").value),
      keep_leads_days: parseDays(byId<HTMLSelectElement>("retention-leads").value),
    };
    try {
      render(await saveRetention(policy));
      result.textContent = "Saved. Leadbox applies it at start and every hour.";
    } catch (error) {
      result.textContent = errorMessage(error);
    }
  });
  byId("retention-run").addEventListener("click", async () => {
    const button = byId<HTMLButtonElement>("retention-run");
    button.disabled = true;
    result.textContent = "Applying…";
    try {
      result.textContent = retentionReportText(await runRetentionNow());
      render(await retentionSettings());
      await afterRun();
    } catch (error) {
      result.textContent = errorMessage(error);
    } finally {
      button.disabled = false;
    }
  });
}

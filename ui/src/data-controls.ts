// Erasing one person and exporting data from the window. Names shown in the
// dialogs are untrusted text and go through textContent only.
import { eraseConversationPerson, exportData } from "./ipc/commands";
import { onExportProgress } from "./ipc/events";
import { erasureSummary, errorMessage, exportSummary } from "./format";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

/** What the rest of the window tells these controls, and is told back. */
export interface DataControlsHost {
  selected: () => { id: number; name: string } | null;
  afterErasure: () => Promise<void>;
}

export function wireDataControls(host: DataControlsHost) {
  const eraseDialog = byId<HTMLDialogElement>("erase-dialog");
  const eraseResult = byId("erase-result");
  const eraseConfirm = byId<HTMLButtonElement>("erase-confirm");
  byId("erase-open").addEventListener("click", () => {
    const person = host.selected();
    if (!person) return;
    byId("erase-name").textContent = person.name;
    eraseResult.textContent = "";
    eraseConfirm.disabled = false;
    eraseConfirm.hidden = false;
    byId("erase-cancel").textContent = "Cancel";
    eraseDialog.showModal();
  });
  byId("erase-cancel").addEventListener("click", () => eraseDialog.close());
  eraseConfirm.addEventListener("click", async () => {
    const person = host.selected();
    if (!person) return;
    eraseConfirm.disabled = true;
    try {
      const receipt = await eraseConversationPerson(person.id);
      eraseResult.textContent = erasureSummary(receipt);
      eraseConfirm.hidden = true;
      byId("erase-cancel").textContent = "Close";
      await host.afterErasure();
    } catch (error) {
      eraseResult.textContent = errorMessage(error);
      eraseConfirm.disabled = false;
    }
  });

  const exportDialog = byId<HTMLDialogElement>("export-dialog");
  const progress = byId<HTMLProgressElement>("export-progress");
  const status = byId("export-status");
  const start = byId<HTMLButtonElement>("export-start");
  const onlyPerson = byId<HTMLInputElement>("export-person");
  byId("export-open").addEventListener("click", () => {
    const person = host.selected();
    onlyPerson.checked = false;
    onlyPerson.disabled = person === null;
    byId("export-person-name").textContent = person ? person.name : "the selected person";
    status.textContent = "";
    progress.hidden = true;
    start.disabled = false;
    exportDialog.showModal();
  });
  byId("export-close").addEventListener("click", () => exportDialog.close());
  void onExportProgress((step) => {
    status.textContent = step.done ? `Wrote ${step.file} (${step.rows} rows)` : `Writing ${step.file}: ${step.rows} rows`;
  });
  start.addEventListener("click", async () => {
    const format = document.querySelector<HTMLInputElement>('input[name="export-format"]:checked')?.value === "csv" ? "csv" : "json";
    const person = onlyPerson.checked ? host.selected() : null;
    start.disabled = true;
    progress.hidden = false;
    progress.removeAttribute("value"); // indeterminate until it finishes
    status.textContent = "Starting the export…";
    try {
      const done = await exportData(format, person ? person.id : null);
      progress.max = 1;
      progress.value = 1;
      status.textContent = exportSummary(done);
    } catch (error) {
      progress.hidden = true;
      status.textContent = errorMessage(error);
    } finally {
      start.disabled = false;
    }
  });
}

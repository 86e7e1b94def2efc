// Lead-ad form submissions: listed at once, answers shown once fetched.
import { listLeadForms, type LeadForm } from "./ipc/commands";
import { errorMessage, inert, messageTime } from "./format";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

function line(className: string, text: string) {
  const node = document.createElement("div");
  node.className = className;
  node.textContent = inert(text);
  return node;
}

function renderForm(form: LeadForm): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.leadgen = form.leadgen_id;
  const who = [form.name, form.email, form.phone].filter(Boolean).join(" · ") || "Answers not fetched yet";
  item.append(line("account-name", `${messageTime(form.created_at)} · ${who}`));
  if (form.status === "failed") item.append(line("account-notice", form.error ?? "Fetching the answers failed."));
  if (form.status === "pending") item.append(line("account-status", "Fetching the answers from Facebook…"));
  for (const answer of form.answers ?? []) {
    item.append(line("account-status", `${answer.name}: ${answer.values.join(", ")}`));
  }
  return item;
}

export function wireLeadForms() {
  const dialog = byId<HTMLDialogElement>("lead-forms-dialog");
  byId("lead-forms-open").addEventListener("click", async () => {
    const list = byId<HTMLUListElement>("lead-forms-list");
    dialog.showModal();
    try {
      const forms = await listLeadForms();
      list.replaceChildren(...(forms.length > 0 ? forms.map(renderForm) : [line("empty", "No lead-ad forms yet.")]));
    } catch (error) {
      list.replaceChildren(line("empty", errorMessage(error)));
    }
  });
  byId("lead-forms-close").addEventListener("click", () => dialog.close());
}

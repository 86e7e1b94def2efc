// The lead panel beside a conversation: the owner's stage, labels and notes,
// and what Leadbox read from the person's messages. All of it is text.
import { leadCard, updateLead, type LeadCard, type Stage } from "./ipc/commands";
import { errorMessage, inert } from "./format";
import { STAGES, parseLabels } from "./inbox-logic";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

let shownConversation: number | null = null;

export function stageName(stage: Stage): string {
  return STAGES.find(([value]) => value === stage)?.[1] ?? stage;
}

function renderDetails(card: LeadCard) {
  const rows: [string, string][] = [];
  const details = card.details;
  if (details?.name) rows.push(["Name", details.name]);
  if (details && details.emails.length > 0) rows.push(["Email", details.emails.join(", ")]);
  if (details && details.phones.length > 0) rows.push(["Phone", details.phones.join(", ")]);
  if (details?.intent) rows.push(["Asking about", details.intent]);
  if (details?.urgency) rows.push(["Urgency", details.urgency]);
  if (details?.summary) rows.push(["Summary", details.summary]);
  const referral = card.referral;
  if (referral) {
    const from = referral.ad_title ?? referral.ad_id ?? referral.ref_param ?? referral.source;
    if (from) rows.push(["Came from", from]);
  }
  byId("lead-details").replaceChildren(
    ...rows.flatMap(([term, detail]) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = inert(detail);
      return [dt, dd];
    }),
  );
}

function render(card: LeadCard) {
  byId<HTMLSelectElement>("lead-stage").value = card.stage;
  byId<HTMLInputElement>("lead-labels").value = card.labels.join(", ");
  byId<HTMLTextAreaElement>("lead-notes").value = card.notes;
  renderDetails(card);
}

export async function showLead(conversationId: number) {
  shownConversation = conversationId;
  byId("lead-result").textContent = "";
  render(await leadCard(conversationId));
  byId("lead-panel").hidden = false;
}

export function hideLead() {
  shownConversation = null;
  byId("lead-panel").hidden = true;
}

export function wireLeadPanel(afterSave: () => void) {
  const stage = byId<HTMLSelectElement>("lead-stage");
  for (const [value, label] of STAGES) stage.add(new Option(label, value));
  byId("lead-save").addEventListener("click", async () => {
    if (shownConversation === null) return;
    const result = byId("lead-result");
    try {
      render(
        await updateLead(
          shownConversation,
          stage.value as Stage,
          byId<HTMLTextAreaElement>("lead-notes").value,
          parseLabels(byId<HTMLInputElement>("lead-labels").value),
        ),
      );
      result.textContent = "Saved.";
      afterSave();
    } catch (error) {
      result.textContent = errorMessage(error);
    }
  });
}

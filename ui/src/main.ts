// The inbox window. Every piece of untrusted text (names, messages) goes
// through textContent, never through HTML parsing.
import {
  approveAndSendDraft,
  conversationDraft,
  conversationMessages,
  dismissRecoveryCode,
  inboxStatus,
  markConversationRead,
  regenerateDraft,
  rejectDraft,
  conversationPage,
  labelsInUse,
  startupPainted,
  type ListFilter,
  type ListedConversation,
  type PageCursor,
  type DraftView,
  type InboxStatus,
  type StoredMessage,
} from "./ipc/commands";
import { onDraftsChanged, onInboxChanged, onNotificationsPaused, onOpenConversation, onSyncStatus } from "./ipc/events";
import { wireDataControls } from "./data-controls";
import { wireSearch } from "./search";
import { refreshAccountsIfOpen, wireAccounts } from "./accounts";
import { wireRetention } from "./retention";
import { offerOnboarding, wireOnboarding } from "./onboarding";
import { showPaused, wireSettings } from "./settings";
import { emptyListText, filterFromValue, filterValue, step } from "./inbox-logic";
import { hideLead, showLead, wireLeadPanel } from "./lead-panel";
import { wireShortcuts } from "./shortcuts";
import { wireLeadForms } from "./lead-forms";
import { wireDashboard } from "./dashboard";
import { mount } from "svelte";
import ConversationList from "./ConversationList.svelte";
import {
  attachmentLabel,
  deliveryLabel,
  draftStatusLabel,
  errorMessage,
  inert,
  messageTime,
  syncLabel,
} from "./format";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

let selected: number | null = null;
let shownDraft: DraftView | null = null;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showNotice(parts: (string | HTMLElement)[], onDismiss?: () => void) {
  const notice = byId<HTMLElement>("notice");
  notice.replaceChildren(...parts.map((p) => (typeof p === "string" ? element("p", undefined, p) : p)));
  if (onDismiss) {
    const button = element("button", "dismiss", "I have written it down");
    button.addEventListener("click", () => {
      notice.hidden = true;
      onDismiss();
    });
    notice.append(button);
  }
  notice.hidden = false;
}

function renderStatus(status: InboxStatus) {
  byId("business").textContent = status.business_name ?? "";
  byId("sync-status").textContent = syncLabel(status.sync);
  byId("sync-status").dataset.state = status.sync.state;
  if (status.vault.state === "locked") {
    showNotice([status.vault.message]);
  } else if (status.recovery_code) {
    showNotice(
      [
        "Your inbox is encrypted on this computer. Write down this recovery code: it is the only way to open your inbox on another computer.",
        element("code", "recovery-code", status.recovery_code),
      ],
      () => void dismissRecoveryCode(),
    );
  } else if (status.relay_url === null) {
    const setup = element("button", "dismiss", "Set up Leadbox…");
    setup.addEventListener("click", () => offerOnboarding(status, true));
    showNotice(["Leadbox is not connected to your relay yet.", setup]);
  } else {
    byId("notice").hidden = true;
  }
  offerOnboarding(status);
}

let filter: ListFilter = { kind: "all" };
let rows: ListedConversation[] = [];
let nextPage: PageCursor | null = null;

let list: ReturnType<typeof mountList>;

function mountList() {
  return mount(ConversationList, {
    target: byId("conversation-list"),
    props: {
      onopen: (id: number, name: string) => void selectConversation(id, name),
      onmore: () => void loadMore(),
    },
  });
}

function renderConversations() {
  list.show({ rows, hasMore: nextPage !== null, selected, emptyText: emptyListText(filter) });
}

let loadingMore = false;

async function loadMore() {
  if (loadingMore || nextPage === null) return;
  loadingMore = true;
  try {
    await loadList(true);
  } finally {
    loadingMore = false;
  }
}

/** Reloads as many rows as are shown (at least one page) with the current filter. */
async function loadList(extra = false) {
  const wanted = extra ? rows.length + 1 : Math.max(rows.length, 1);
  const loaded: ListedConversation[] = extra ? [...rows] : [];
  let after: PageCursor | null = extra ? nextPage : null;
  do {
    const page = await conversationPage(filter, after);
    loaded.push(...page.conversations);
    after = page.next;
  } while (after !== null && loaded.length < wanted);
  rows = loaded;
  nextPage = after;
  renderConversations();
}

async function refreshLabels() {
  const group = byId<HTMLOptGroupElement>("label-filters");
  const labels = await labelsInUse();
  group.replaceChildren(...labels.map((label) => new Option(inert(label), `label:${label}`)));
  group.hidden = labels.length === 0;
  byId<HTMLSelectElement>("list-filter").value = filterValue(filter);
}

function renderMessages(messages: StoredMessage[]) {
  byId<HTMLOListElement>("messages").replaceChildren(
    ...messages.map((message) => {
      const item = element("li", `message ${message.direction}`);
      if (message.kind === "comment") item.append(element("p", "kind", "Public comment on a post · your reply goes privately"));
      item.append(element("p", "text", inert(message.text ?? "")));
      for (const attachment of message.attachments) {
        // Shown as text: remote content is never loaded by default.
        item.append(element("p", "attachment", attachmentLabel(attachment.kind, attachment.url)));
      }
      const delivery = deliveryLabel(message.delivery, message.delivery_error);
      const stamp = delivery ? `${messageTime(message.sent_at)} · ${delivery}` : messageTime(message.sent_at);
      item.append(element("time", message.delivery === "failed" ? "time failed" : "time", stamp));
      if (message.reaction) item.append(element("span", "reaction", message.reaction));
      return item;
    }),
  );
}

function renderDraft(draft: DraftView | null, keepText = false) {
  const panel = byId<HTMLElement>("draft");
  const sameDraft = shownDraft !== null && draft !== null && shownDraft.id === draft.id;
  shownDraft = draft;
  panel.hidden = draft === null;
  if (!draft) return;
  byId("draft-status").textContent = draftStatusLabel(draft.status);
  byId<HTMLUListElement>("draft-warnings").replaceChildren(
    ...draft.warnings.map((warning) => element("li", undefined, warning)),
  );
  const problem = byId<HTMLParagraphElement>("draft-problem");
  problem.hidden = !draft.problem;
  problem.textContent = draft.problem ?? "";
  const text = byId<HTMLTextAreaElement>("draft-text");
  // Keep what the owner is typing when the same draft is refreshed.
  if (!(keepText && sameDraft)) text.value = draft.text;
  const actionable = draft.status === "pending" || draft.status === "send_failed";
  byId<HTMLButtonElement>("draft-approve").disabled = !actionable;
}

async function refreshDraft(keepText = true) {
  if (selected === null) return renderDraft(null);
  renderDraft(await conversationDraft(selected), keepText);
}

async function draftAction(action: (draft: DraftView) => Promise<string>) {
  const draft = shownDraft;
  if (!draft) return;
  const result = byId("draft-result");
  const buttons = ["draft-approve", "draft-regenerate", "draft-reject"].map((id) => byId<HTMLButtonElement>(id));
  buttons.forEach((button) => (button.disabled = true));
  result.textContent = "";
  try {
    result.textContent = await action(draft);
  } catch (error) {
    result.textContent = errorMessage(error);
  } finally {
    buttons.forEach((button) => (button.disabled = false));
    await refresh();
    await refreshDraft(false);
  }
}

function wireDraftPanel() {
  byId("draft-approve").addEventListener("click", () =>
    void draftAction(async (draft) => {
      await approveAndSendDraft(draft.id, byId<HTMLTextAreaElement>("draft-text").value);
      return "Sent.";
    }),
  );
  byId("draft-reject").addEventListener("click", () =>
    void draftAction(async (draft) => {
      await rejectDraft(draft.id);
      return "Draft rejected.";
    }),
  );
  byId("draft-regenerate").addEventListener("click", () =>
    void draftAction(async (draft) => {
      await regenerateDraft(draft.id);
      return "New draft written.";
    }),
  );
}

async function selectConversation(id: number, name?: string) {
  selected = id;
  byId("erase-open").hidden = false;
  byId("draft-result").textContent = "";
  try {
    if (name) byId("conversation-title").textContent = inert(name);
    renderMessages(await conversationMessages(id));
    await refreshDraft(false);
    await showLead(id);
    await markConversationRead(id);
    await refreshList();
  } catch (error) {
    showNotice([errorMessage(error)]);
  }
}

async function refreshList() {
  await loadList();
  const open = rows.find((c) => c.id === selected);
  // A message arriving in the conversation the owner is looking at is read already.
  if (open && open.unread_count > 0 && document.hasFocus()) {
    await markConversationRead(open.id);
    await loadList();
  }
  const current = rows.find((c) => c.id === selected);
  if (current) byId("conversation-title").textContent = inert(current.display_name);
}

async function refresh() {
  try {
    renderStatus(await inboxStatus());
    await refreshList();
    if (selected !== null) renderMessages(await conversationMessages(selected));
  } catch (error) {
    showNotice([errorMessage(error)]);
  }
}

/** After an erasure the conversation is gone: back to the empty view. */
async function forgetSelection() {
  selected = null;
  byId("erase-open").hidden = true;
  byId("conversation-title").textContent = "Select a conversation";
  byId<HTMLOListElement>("messages").replaceChildren();
  renderDraft(null);
  hideLead();
  await refresh();
}

window.addEventListener("DOMContentLoaded", () => {
  list = mountList();
  wireDraftPanel();
  wireSearch((id, name) => void selectConversation(id, name));
  wireAccounts();
  wireRetention(forgetSelection);
  wireSettings();
  wireLeadForms();
  wireDashboard();
  wireLeadPanel(() => void refreshLabels().then(() => loadList()));
  byId<HTMLSelectElement>("list-filter").addEventListener("change", (event) => {
    filter = filterFromValue((event.target as HTMLSelectElement).value);
    rows = [];
    void loadList();
  });
  wireShortcuts({
    move: (delta) => {
      const focused = Number((document.activeElement as HTMLElement | null)?.dataset.conversationId ?? NaN);
      const next = step(rows, Number.isNaN(focused) ? selected : focused, delta);
      if (next !== null) void list.focusRow(next);
    },
    open: () => {
      const focused = document.activeElement as HTMLElement | null;
      const id = Number(focused?.dataset.conversationId ?? NaN);
      if (!Number.isNaN(id)) void selectConversation(id, rows.find((r) => r.id === id)?.display_name);
    },
    click: (id) => byId<HTMLButtonElement>(id).click(),
  });
  void refreshLabels();
  wireOnboarding(() => void refresh());
  wireDataControls({
    selected: () => (selected === null ? null : { id: selected, name: byId("conversation-title").textContent ?? "" }),
    afterErasure: forgetSelection,
  });
  void refresh().then(() =>
    // Two frames: the list is laid out and painted before the time is taken.
    requestAnimationFrame(() => requestAnimationFrame(() => void startupPainted())),
  );
  void onDraftsChanged(() => void refreshDraft());
  void onInboxChanged(() => {
    void refresh();
    refreshAccountsIfOpen();
  });
  void onSyncStatus(() => void refresh());
  void onOpenConversation((id) => void selectConversation(id));
  void onNotificationsPaused(showPaused);
});

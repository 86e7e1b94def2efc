// The accounts panel. Account names and Meta's notices are untrusted text:
// textContent only.
import {
  addWebsite,
  connectAccount,
  disconnectAccount,
  listAccounts,
  listWebsites,
  type AccountRow,
  type WebsiteChat,
} from "./ipc/commands";
import { accountStatusLabel, errorMessage, inert, platformName } from "./format";
import { parseOrigins } from "./settings-logic";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

function text<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, content: string) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = content;
  return node;
}

function button(label: string, className: string, onClick: () => void) {
  const node = document.createElement("button");
  node.className = className;
  node.textContent = label;
  node.addEventListener("click", onClick);
  return node;
}

/** "Disconnect…", then the two ways of doing it (or cancel): no accidental erasure. */
function disconnectControls(account: AccountRow): HTMLElement {
  const controls = document.createElement("div");
  controls.className = "account-actions";
  const run = async (erase: boolean) => {
    const status = byId("accounts-status");
    try {
      status.textContent = await disconnectAccount(account.platform, account.platform_account_id, erase);
    } catch (error) {
      status.textContent = errorMessage(error);
    }
    await refreshAccounts();
  };
  const ask = () =>
    controls.replaceChildren(
      button("Disconnect, keep conversations", "disconnect-keep", () => void run(false)),
      button("Disconnect and erase its conversations", "disconnect-erase danger", () => void run(true)),
      button("Cancel", "disconnect-cancel", () => controls.replaceChildren(first)),
    );
  const first = button("Disconnect…", "disconnect-open quiet", ask);
  controls.append(first);
  return controls;
}

function renderAccount(account: AccountRow): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.account = `${account.platform}:${account.platform_account_id}`;
  const title = account.name
    ? `${platformName(account.platform)} · ${account.name} (${account.platform_account_id})`
    : `${platformName(account.platform)} · ${account.platform_account_id}`;
  item.append(text("div", "account-name", inert(title)), text("div", "account-status", accountStatusLabel(account.status)));
  if (account.notice) item.append(text("p", "account-notice", inert(account.notice.message)));
  if (account.status === "connected" || account.status === "needs_reconnect") item.append(disconnectControls(account));
  return item;
}

function renderWebsite(chat: WebsiteChat): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.site = chat.site_id;
  item.append(
    text("div", "account-name", `${chat.name} · ${chat.origins.join(", ")}`),
    text("div", "account-status", "Paste this into your site's pages, before </body>:"),
    text("code", "snippet", chat.snippet),
  );
  return item;
}

async function refreshWebsites() {
  const list = byId<HTMLUListElement>("websites-list");
  try {
    const chats = await listWebsites();
    list.replaceChildren(...(chats.length > 0 ? chats.map(renderWebsite) : [text("li", "empty", "No website chat yet.")]));
  } catch (error) {
    list.replaceChildren(text("li", "empty", errorMessage(error)));
  }
}

async function refreshAccounts() {
  const list = byId<HTMLUListElement>("accounts-list");
  try {
    const accounts = await listAccounts();
    list.replaceChildren(
      ...(accounts.length > 0
        ? accounts.map(renderAccount)
        : [text("li", "empty", "No accounts yet.")]),
    );
  } catch (error) {
    list.replaceChildren(text("li", "empty", errorMessage(error)));
  }
}

export function wireAccounts() {
  const dialog = byId<HTMLDialogElement>("accounts-dialog");
  const status = byId("accounts-status");
  byId("accounts-open").addEventListener("click", () => {
    status.textContent = "";
    void refreshAccounts();
    void refreshWebsites();
    dialog.showModal();
  });
  byId("accounts-close").addEventListener("click", () => dialog.close());
  const create = byId<HTMLButtonElement>("website-create");
  create.addEventListener("click", async () => {
    create.disabled = true;
    status.textContent = "Adding the chat at your relay…";
    try {
      const chat = await addWebsite(byId<HTMLInputElement>("website-name").value, parseOrigins(byId<HTMLTextAreaElement>("website-origins").value));
      status.textContent = `Added "${chat.name}". Paste the line shown into your site.`;
      byId<HTMLDetailsElement>("website-add").open = false;
      await refreshWebsites();
      await refreshAccounts();
    } catch (error) {
      status.textContent = errorMessage(error);
    } finally {
      create.disabled = false;
    }
  });
  for (const provider of ["facebook", "instagram"] as const) {
    const button = byId<HTMLButtonElement>(`connect-${provider}`);
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.textContent = "Asking your relay for a login page…";
      try {
        const url = await connectAccount(provider);
        status.textContent = `Finish in your browser. If it did not open, open this address (valid 10 minutes): ${url}`;
      } catch (error) {
        status.textContent = errorMessage(error);
      } finally {
        button.disabled = false;
      }
    });
  }
}

/** Keeps the panel current while it is open (a login finishing, a notice arriving). */
export function refreshAccountsIfOpen() {
  if (byId<HTMLDialogElement>("accounts-dialog").open) void refreshAccounts();
}

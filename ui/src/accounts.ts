// The accounts panel. Account names and Meta's notices are untrusted text:
// textContent only.
import { connectAccount, listAccounts, type Account } from "./ipc/commands";
import { accountStatusLabel, errorMessage, platformName } from "./format";

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

function renderAccount(account: Account): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.account = `${account.platform}:${account.platform_account_id}`;
  const title = account.name
    ? `${platformName(account.platform)} · ${account.name} (${account.platform_account_id})`
    : `${platformName(account.platform)} · ${account.platform_account_id}`;
  item.append(text("div", "account-name", title), text("div", "account-status", accountStatusLabel(account.status)));
  if (account.notice) item.append(text("p", "account-notice", account.notice.message));
  return item;
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
    dialog.showModal();
  });
  byId("accounts-close").addEventListener("click", () => dialog.close());
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

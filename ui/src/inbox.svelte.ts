// The window's shared state: what the vault says about the inbox, the list
// as filtered, and the open conversation. Components read it; only the
// methods here change it, so every refresh follows one path.
import {
  conversationDraft,
  conversationMessages,
  conversationPage,
  inboxStatus,
  labelsInUse,
  listAccounts,
  listWebsites,
  markConversationRead,
  type AccountRow,
  type DraftReview,
  type InboxStatus,
  type ListFilter,
  type ListedConversation,
  type PageCursor,
  type StoredMessage,
  type WebsiteChat,
} from "./ipc/commands";
import { errorMessage } from "./format";
import { mark } from "./startup-marks";

/** Which dialog is open (one at a time; they are modal). */
export type DialogName =
  | "accounts"
  | "backup"
  | "dashboard"
  | "erase"
  | "export"
  | "lead-forms"
  | "retention"
  | "settings"
  | "shortcuts";

/** Rows fetched as the owner scrolls. */
const PAGE = 100;
/** The most rows the vault returns in one call. */
const RELOAD_PAGE_MAX = 500;

class Inbox {
  status: InboxStatus | null = $state(null);
  /** Set when the vault could not be read: shown instead of stale rows. */
  problem: string | null = $state(null);
  accounts: AccountRow[] = $state([]);
  labels: string[] = $state([]);

  filter: ListFilter = $state({ kind: "all" });
  rows: ListedConversation[] = $state([]);
  nextPage: PageCursor | null = $state(null);
  listLoaded = $state(false);

  selected: number | null = $state(null);
  selectedName = $state("");
  messages: StoredMessage[] = $state([]);
  draft: DraftReview | null = $state(null);
  /** Bumped when the selected conversation changes, so panels reload. */
  selection = $state(0);

  dialog: DialogName | null = $state(null);
  pausedUntil: number | null = $state(null);

  #loadingMore = false;

  /** Reloads as many rows as are shown (at least one page), or with `extra` one page more. */
  async loadList(extra = false) {
    const wanted = extra ? this.rows.length + PAGE : Math.max(this.rows.length, PAGE);
    const loaded: ListedConversation[] = extra ? [...this.rows] : [];
    let after: PageCursor | null = extra ? this.nextPage : null;
    do {
      // A reload of a long list takes big pages: few calls, however far the owner scrolled.
      const limit = Math.min(RELOAD_PAGE_MAX, Math.max(PAGE, wanted - loaded.length));
      const page = await conversationPage($state.snapshot(this.filter), after, limit);
      loaded.push(...page.conversations);
      after = page.next;
    } while (after !== null && loaded.length < wanted);
    this.rows = loaded;
    this.nextPage = after;
    this.listLoaded = true;
  }

  async loadMore() {
    if (this.#loadingMore || this.nextPage === null) return;
    this.#loadingMore = true;
    try {
      await this.loadList(true);
    } finally {
      this.#loadingMore = false;
    }
  }

  async setFilter(filter: ListFilter) {
    this.filter = filter;
    this.rows = [];
    await this.guard(() => this.loadList());
  }

  /** The business's website chats as the relay last listed them. */
  websites: WebsiteChat[] = $state([]);

  /** Asks the relay for the website chats (and the addresses they refused);
   * an unreachable relay or no relay yet keeps the last list. */
  async refreshWebsites() {
    if (!this.status?.relay_url) return;
    try {
      this.websites = await listWebsites();
    } catch {
      // The sync status already says when the relay cannot be reached.
    }
  }

  async refreshLabels() {
    this.labels = await labelsInUse();
  }

  async refreshList() {
    await this.loadList();
    const open = this.rows.find((c) => c.id === this.selected);
    // A message arriving in the conversation the owner is looking at is read already.
    if (open && open.unread_count > 0 && document.hasFocus()) {
      await markConversationRead(open.id);
      await this.loadList();
    }
    const current = this.rows.find((c) => c.id === this.selected);
    if (current) this.selectedName = current.display_name;
  }

  private started: Promise<void> | null = null;

  /** Reads the inbox status; false when the vault is not open. */
  private async readStatus(): Promise<boolean> {
    this.status = await inboxStatus();
    mark("status");
    if (this.status.vault.state === "open") return true;
    // Nothing can be read: say so instead of "loading" for ever.
    this.rows = [];
    this.listLoaded = true;
    return false;
  }

  /** The first refresh, started once: main.ts starts it before the window
   * mounts, so the vault is read while Svelte builds the page. */
  start(): Promise<void> {
    this.started ??= this.guard(async () => {
      // Nothing is on screen yet: the first page is asked with the status,
      // not after it (a locked vault refuses it, and the status says why).
      const firstPage = conversationPage($state.snapshot(this.filter), null, PAGE).catch(() => null);
      const accounts = listAccounts().catch(() => []);
      if (!(await this.readStatus())) return;
      const page = await firstPage;
      if (page) {
        this.rows = page.conversations;
        this.nextPage = page.next;
        this.listLoaded = true;
      } else {
        await this.loadList();
      }
      mark("list");
      // The inbox is shown; the accounts' state (a banner at most) follows.
      void accounts.then((listed) => (this.accounts = listed));
    });
    return this.started;
  }

  async refresh() {
    await this.guard(async () => {
      if (!(await this.readStatus())) return;
      // Asked together: the accounts do not wait for the list.
      const accounts = listAccounts();
      await this.refreshList();
      mark("list");
      const id = this.selected;
      if (id !== null) {
        const messages = await conversationMessages(id);
        if (this.selected === id) this.messages = messages;
      }
      this.accounts = await accounts;
    });
  }

  async refreshDraft() {
    const id = this.selected;
    if (id === null) {
      this.draft = null;
      return;
    }
    const draft = await conversationDraft(id);
    // Another conversation may have been opened meanwhile: never show its draft here.
    if (this.selected === id) this.draft = draft;
  }

  async select(id: number, name?: string) {
    this.selected = id;
    this.selection += 1;
    if (name) this.selectedName = name;
    // The last conversation's messages and draft go at once, so its draft can
    // never be approved while this conversation is on screen.
    this.messages = [];
    this.draft = null;
    await this.guard(async () => {
      const messages = await conversationMessages(id);
      if (this.selected !== id) return;
      this.messages = messages;
      await this.refreshDraft();
      await markConversationRead(id);
      await this.refreshList();
    });
  }

  /** After an erasure or retention run the conversation may be gone: back to the empty view. */
  async forgetSelection() {
    this.selected = null;
    this.selection += 1;
    this.selectedName = "";
    this.messages = [];
    this.draft = null;
    await this.refresh();
  }

  private async guard(work: () => Promise<void>) {
    try {
      await work();
      this.problem = null;
    } catch (error) {
      this.problem = errorMessage(error);
    }
  }
}

export const inbox = new Inbox();

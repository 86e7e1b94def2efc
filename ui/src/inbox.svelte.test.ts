// The shared state's ordering rules, with the Rust side replaced by promises
// the test resolves in the order it wants (the real commands run in the e2e suite).
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DraftReview, StoredMessage } from "./ipc/commands";

/** The first-start test answers list pages itself; the others get empty ones at once. */
let mockHoldPages = false;
const pending = new Map<string, ((value: unknown) => void)[]>();
function deferred(name: string) {
  return new Promise((resolve) => pending.set(name, [...(pending.get(name) ?? []), resolve]));
}
function answer(name: string, value: unknown) {
  const waiting = pending.get(name) ?? [];
  const next = waiting.shift();
  if (!next) throw new Error(`no call to ${name} is waiting`);
  next(value);
}

vi.mock("./ipc/commands", () => ({
  conversationMessages: (id: number) => deferred(`messages:${id}`),
  conversationDraft: (id: number) => deferred(`draft:${id}`),
  markConversationRead: () => Promise.resolve(),
  conversationPage: () => (mockHoldPages ? deferred("page") : Promise.resolve({ conversations: [], next: null })),
  inboxStatus: () => deferred("status"),
  labelsInUse: () => Promise.resolve([]),
  listAccounts: () => Promise.resolve([]),
}));

const { inbox } = await import("./inbox.svelte");

const draft = (id: number): DraftReview => ({ id, conversation_id: id, status: "pending", written_by: "drafter", text: `draft ${id}`, warnings: [], problem: null, window: null });
const message = (id: number): StoredMessage => ({
  id,
  platform_message_id: `m${id}`,
  direction: "inbound",
  text: `hello ${id}`,
  attachments: [],
  sent_at: 0,
  kind: "direct",
  delivery: null,
  delivery_error: null,
  reaction: null,
  media: [],
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("opening a conversation", () => {
  beforeEach(() => pending.clear());

  it("drops the previous conversation's draft at once", async () => {
    const first = inbox.select(1, "Ana");
    await settle();
    answer("messages:1", [message(1)]);
    await settle();
    answer("draft:1", draft(11));
    await first;
    expect(inbox.draft?.id).toBe(11);

    void inbox.select(2, "Bea");
    expect(inbox.draft).toBeNull();
    expect(inbox.messages).toEqual([]);
  });

  it("never shows a slower answer for a conversation no longer open", async () => {
    void inbox.select(3, "Cai");
    void inbox.select(4, "Dee");
    await settle();
    answer("messages:4", [message(4)]);
    await settle();
    answer("draft:4", draft(44));
    await settle();
    // The answers for conversation 3 arrive last.
    answer("messages:3", [message(3)]);
    await settle();
    expect(inbox.selected).toBe(4);
    expect(inbox.messages.map((m) => m.id)).toEqual([4]);
    expect(inbox.draft?.id).toBe(44);
  });
});

describe("the first start", () => {
  it("asks for the first page with the status, not after it, and shows it once the status is in", async () => {
    mockHoldPages = true;
    pending.clear();
    const started = inbox.start();
    await settle();
    // Both asked before either answered.
    expect(pending.get("page")?.length).toBe(1);
    expect(pending.get("status")?.length).toBe(1);
    answer("page", { conversations: [{ id: 7, display_name: "Ana" }], next: null });
    await settle();
    // Not shown before the status says the vault is open.
    expect(inbox.rows.map((row) => row.id)).not.toEqual([7]);
    answer("status", { vault: { state: "open" }, sync: { state: "connecting" }, business_name: null, relay_url: null, data_dir: "", recovery_code: null });
    await started;
    expect(inbox.rows.map((row) => row.id)).toEqual([7]);
    expect(inbox.listLoaded).toBe(true);
    // Started once: a second call is the same start.
    expect(inbox.start()).toBe(started);
  });
});

// The shared state's ordering rules, with the Rust side replaced by promises
// the test resolves in the order it wants (the real commands run in the e2e suite).
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DraftReview, StoredMessage } from "./ipc/commands";

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
  conversationPage: () => Promise.resolve({ conversations: [], next: null }),
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

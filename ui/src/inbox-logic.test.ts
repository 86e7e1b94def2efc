import { describe, expect, it } from "vitest";
import { emptyListText, filterFromValue, filterValue, parseLabels, shortcutFor, step } from "./inbox-logic";
import type { ListedConversation } from "./ipc/commands";

const row = (id: number): ListedConversation => ({
  id,
  platform: "instagram",
  display_name: `p${id}`,
  last_message_text: "hi",
  last_message_at: 1000 - id,
  last_direction: "inbound",
  unread_count: 0,
  opted_out: false,
  stage: "new",
  labels: [],
  urgency: null,
  draft_waiting: false,
});

describe("filters", () => {
  it("round-trip through the menu's values", () => {
    for (const value of ["all", "new_leads", "needs_reply", "drafts_to_review", "channel:whatsapp", "label:VIP: gold"]) {
      expect(filterValue(filterFromValue(value))).toBe(value);
    }
  });
  it("fall back to all for anything unknown", () => {
    expect(filterFromValue("bogus")).toEqual({ kind: "all" });
  });
  it("explain an empty result in words", () => {
    expect(emptyListText({ kind: "label", value: "VIP" })).toContain('"VIP"');
    expect(emptyListText({ kind: "needs_reply" })).toContain("waiting");
  });
});

describe("step", () => {
  const list = [row(1), row(2), row(3)];
  it("starts at the top going down and at the bottom going up", () => {
    expect(step(list, null, 1)).toBe(1);
    expect(step(list, null, -1)).toBe(3);
  });
  it("moves one row and stops at the ends", () => {
    expect(step(list, 1, 1)).toBe(2);
    expect(step(list, 3, 1)).toBe(3);
    expect(step(list, 1, -1)).toBe(1);
  });
  it("is null for an empty list", () => {
    expect(step([], 5, 1)).toBeNull();
  });
});

describe("shortcutFor", () => {
  it("maps the documented keys", () => {
    expect(shortcutFor("j", false, false)).toBe("next");
    expect(shortcutFor("a", false, false)).toBe("approve");
    expect(shortcutFor("?", false, false)).toBe("help");
  });
  it("never fires while typing or with a modifier", () => {
    expect(shortcutFor("a", true, false)).toBeNull();
    expect(shortcutFor("a", false, true)).toBeNull();
    expect(shortcutFor("q", false, false)).toBeNull();
  });
});

describe("parseLabels", () => {
  it("trims, drops blanks and case-insensitive repeats", () => {
    expect(parseLabels("VIP, nails ,, vip")).toEqual(["VIP", "nails"]);
    expect(parseLabels("  ")).toEqual([]);
  });
});

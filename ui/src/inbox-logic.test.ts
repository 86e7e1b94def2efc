import { describe, expect, it } from "vitest";
import {
  emptyListText,
  filterFromValue,
  filterValue,
  keyboardApproval,
  parseLabels,
  scrollToReveal,
  shortcutFor,
  step,
  visibleRange,
} from "./inbox-logic";
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

describe("visibleRange", () => {
  it("renders the rows in view plus the overscan, clamped to the list", () => {
    expect(visibleRange(0, 400, 80, 100_000, 5)).toEqual({ first: 0, last: 10 });
    expect(visibleRange(8_000, 400, 80, 100_000, 5)).toEqual({ first: 95, last: 110 });
    expect(visibleRange(8_000 * 1000, 400, 80, 3, 5)).toEqual({ first: 3, last: 3 });
  });

  it("renders nothing for an empty list or an unmeasured viewport beyond the overscan", () => {
    expect(visibleRange(0, 400, 80, 0, 5)).toEqual({ first: 0, last: 0 });
    expect(visibleRange(0, 0, 80, 50, 5)).toEqual({ first: 0, last: 5 });
  });

  it("never renders more than the viewport and the overscan, wherever it is scrolled", () => {
    for (let scrollTop = 0; scrollTop < 20_000; scrollTop += 137) {
      const { first, last } = visibleRange(scrollTop, 600, 84, 1_000, 8);
      expect(first).toBeLessThanOrEqual(Math.floor(scrollTop / 84));
      expect(last).toBeGreaterThanOrEqual(Math.min(1_000, Math.ceil((scrollTop + 600) / 84)));
      expect(last - first).toBeLessThanOrEqual(Math.ceil(600 / 84) + 1 + 16);
    }
  });
});

describe("scrollToReveal", () => {
  it("scrolls only when the row is outside the viewport", () => {
    expect(scrollToReveal(2, 0, 400, 80)).toBeNull();
    expect(scrollToReveal(10, 0, 400, 80)).toBe(10 * 80 + 80 - 400);
    expect(scrollToReveal(1, 500, 400, 80)).toBe(80);
  });
});

describe("keyboardApproval", () => {
  it("sends a draft without warnings and sends none with warnings", () => {
    expect(keyboardApproval([])).toBe("send");
    expect(keyboardApproval(["The draft names a price that is not in your profile"])).toBe("review");
  });
});

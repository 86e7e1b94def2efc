import { describe, expect, it } from "vitest";
import {
  bytesToBase64,
  droppedFile,
  fileSizeText,
  emptyListText,
  filterFromValue,
  filterValue,
  insertAt,
  isSendChord,
  keyboardApproval,
  parseLabels,
  scrollToReveal,
  shortcutFor,
  slashOpensSavedReplies,
  step,
  templatePreview,
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

describe("the composer", () => {
  it("sends on Ctrl+Enter or Cmd+Enter only", () => {
    expect(isSendChord({ key: "Enter", ctrlKey: true, metaKey: false })).toBe(true);
    expect(isSendChord({ key: "Enter", ctrlKey: false, metaKey: true })).toBe(true);
    expect(isSendChord({ key: "Enter", ctrlKey: false, metaKey: false })).toBe(false);
    expect(isSendChord({ key: "s", ctrlKey: true, metaKey: false })).toBe(false);
  });
  it("opens saved replies on / at the start of the reply or of a word only", () => {
    expect(slashOpensSavedReplies("", 0)).toBe(true);
    expect(slashOpensSavedReplies("Hi ", 3)).toBe(true);
    expect(slashOpensSavedReplies("Hi\n", 3)).toBe(true);
    expect(slashOpensSavedReplies("and", 3)).toBe(false);
    expect(slashOpensSavedReplies("https:", 6)).toBe(false);
  });
  it("inserts in place of the selection and puts the caret after it", () => {
    expect(insertAt("Hi !", 3, 3, "Ana")).toEqual({ text: "Hi Ana!", caret: 6 });
    expect(insertAt("Hi Bob!", 3, 6, "Ana")).toEqual({ text: "Hi Ana!", caret: 6 });
    // A caret past the end (the text changed meanwhile) appends.
    expect(insertAt("Hi", 10, 12, "!")).toEqual({ text: "Hi!", caret: 3 });
  });
  it("has keys to write a reply and to insert a saved one, not while typing", () => {
    expect(shortcutFor("c", false, false)).toBe("reply");
    expect(shortcutFor("s", false, false)).toBe("saved-replies");
    expect(shortcutFor("s", true, false)).toBeNull();
    expect(shortcutFor("c", false, true)).toBeNull();
  });
});

describe("templatePreview", () => {
  const shape = {
    header: [{ kind: "text" as const, text: "Order " }, { kind: "variable" as const, name: "1" }],
    body: [
      { kind: "text" as const, text: "Hi " },
      { kind: "variable" as const, name: "1" },
      { kind: "text" as const, text: ", order " },
      { kind: "variable" as const, name: "2" },
      { kind: "text" as const, text: " is ready." },
    ],
    footer: "Ana's Salon",
  };
  const variables = [
    { part: "header" as const, name: "1" },
    { part: "body" as const, name: "1" },
    { part: "body" as const, name: "2" },
  ];
  it("fills each part's variables with its own values", () => {
    expect(templatePreview(shape, variables, ["#8", "Ana", "#8"])).toBe(
      "Order #8\n\nHi Ana, order #8 is ready.\n\nAna's Salon",
    );
  });
  it("shows what is not filled in yet as the variable", () => {
    expect(templatePreview(shape, variables, ["", " ", "#8"])).toBe(
      "Order {{1}}\n\nHi {{1}}, order #8 is ready.\n\nAna's Salon",
    );
  });
});

describe("files the owner attaches", () => {
  it("carries bytes as base64, megabytes included", () => {
    expect(bytesToBase64(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe("iVBORw==");
    expect(bytesToBase64(new Uint8Array())).toBe("");
    const big = new Uint8Array(3 * 0x8000 + 5).map((_, i) => i % 251);
    expect(atob(bytesToBase64(big)).length).toBe(big.length);
    expect(atob(bytesToBase64(big)).charCodeAt(0x8000 + 7)).toBe((0x8000 + 7) % 251);
  });

  it("words sizes as the checks do", () => {
    expect(fileSizeText(5 * 1024 * 1024)).toBe("5.0 MB");
    expect(fileSizeText(5 * 1024 * 1024 + 1)).toBe("5.1 MB");
    expect(fileSizeText(1)).toBe("0.1 MB");
  });

  it("takes one dropped file, not several", () => {
    const one = new File(["x"], "a.png");
    expect(droppedFile([one])).toBe(one);
    expect(droppedFile([one, one])).toBeNull();
    expect(droppedFile([])).toBeNull();
    expect(droppedFile(null)).toBeNull();
  });
});

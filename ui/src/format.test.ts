import { describe, expect, it } from "vitest";
import { useLanguage } from "./i18n.svelte";
import { fileSizeText } from "./inbox-logic";
import { m } from "./paraglide/messages";
import type { ReplyVerdict } from "./ipc/commands";
import {
  inert,
  loginLinkText,
  retentionPreviewText,
  retentionReportText,
  accountStatusLabel,
  unreadableLabel,
  attachmentLabel,
  deliveryLabel,
  draftStatusLabel,
  erasureSummary,
  deadline,
  errorMessage,
  replyWindowText,
  exportSummary,
  messageTime,
  platformName,
  preview,
  syncLabel,
  unfilledNotice,
  mediaStateText,
  size,
  warningText,
  leadSummaryText,
} from "./format";

describe("preview", () => {
  it("folds whitespace and cuts long text on a character boundary", () => {
    expect(preview("  hello \n  there ")).toBe("hello there");
    const emoji = "💇".repeat(100);
    const cut = preview(emoji, 10);
    expect(Array.from(cut)).toHaveLength(10);
    expect(cut.endsWith("…")).toBe(true);
  });

  it("labels messages without text", () => {
    expect(preview(null)).toBe("(attachment)");
  });
});

describe("messageTime", () => {
  const now = new Date(2026, 10, 23, 15, 0);
  it("shows only the time today", () => {
    expect(messageTime(new Date(2026, 10, 23, 9, 5).getTime(), now)).toBe("09:05");
  });
  it("shows the weekday within a week", () => {
    expect(messageTime(new Date(2026, 10, 20, 9, 5).getTime(), now)).toBe("Fri 09:05");
  });
  it("shows the date before that, with the year when it differs", () => {
    expect(messageTime(new Date(2026, 9, 3, 9, 5).getTime(), now)).toBe("3 Oct");
    expect(messageTime(new Date(2025, 9, 3, 9, 5).getTime(), now)).toBe("3 Oct 2025");
  });
});

describe("labels", () => {
  it("names platforms and sync states in plain words", () => {
    expect(platformName("whatsapp")).toBe("WhatsApp");
    expect(syncLabel({ state: "offline", message: "x" })).toMatch(/Offline/);
    expect(syncLabel({ state: "failed", message: "Token expired" })).toBe("Token expired");
  });

  it("reads command errors, strings and anything else", () => {
    expect(errorMessage({ code: "not_paired", message: "Pair first" })).toBe("Pair first");
    expect(errorMessage("plain")).toBe("Plain");
    expect(errorMessage({ code: "not_sent", message: "not sent: the token expired" })).toBe("Not sent: the token expired");
    expect(errorMessage({ code: "x", message: "" })).toMatch(/Something went wrong/);
    expect(errorMessage(42)).toMatch(/Something went wrong/);
  });
});

describe("draftStatusLabel", () => {
  it("says that nothing is sent without a click", () => {
    expect(draftStatusLabel("pending")).toMatch(/Nothing is sent until you click/);
    expect(draftStatusLabel("send_failed")).toMatch(/Not sent/);
    expect(draftStatusLabel("approved")).toBe("");
  });
});

describe("deliveryLabel", () => {
  it("reports each state and the failure reason", () => {
    expect(deliveryLabel("read", null)).toBe("Read");
    expect(deliveryLabel("failed", "Meta error 131047: Re-engagement message")).toBe(
      "Not delivered: Meta error 131047: Re-engagement message",
    );
    expect(deliveryLabel(null, null)).toBe("");
  });
});

describe("data control summaries", () => {
  it("gives the erasure counts and the code to quote", () => {
    const text = erasureSummary({ confirmation_code: "ER-7Q2", conversations: 1, messages: 12, leads: 0 });
    expect(text).toBe("Erased 1 conversation, 12 messages and 0 lead records. Confirmation code: ER-7Q2");
  });

  it("names the folder, each file with its rows, and a readable size", () => {
    const text = exportSummary({
      folder: "/home/ana/Downloads/Leadbox export",
      files: [
        ["messages.jsonl", 1],
        ["contacts.jsonl", 3],
      ],
      bytes: 2048,
    });
    expect(text).toBe(
      "Exported 2.0 KB to /home/ana/Downloads/Leadbox export: messages.jsonl (1 row), contacts.jsonl (3 rows)",
    );
  });
});

describe("attachmentLabel", () => {
  it("describes button taps, story replies and content Instagram withholds", () => {
    expect(attachmentLabel("postback", null)).toBe("Tapped a button");
    expect(attachmentLabel("story_reply", "https://x.example/s.jpg")).toBe("Replied to your story: https://x.example/s.jpg");
    expect(attachmentLabel("unsupported", null)).toContain("open Instagram");
    expect(attachmentLabel("image", null)).toBe("image: (no link)");
  });
});

describe("unreadableLabel", () => {
  it("counts in words and says nothing else was lost", () => {
    expect(unreadableLabel(1)).toMatch(/^1 event from this account/);
    expect(unreadableLabel(3)).toMatch(/^3 events from this account/);
    expect(unreadableLabel(3)).toContain("unreadable_events");
  });
});

describe("accountStatusLabel", () => {
  it("says what each state means for sending", () => {
    expect(accountStatusLabel("connected")).toContain("replies can be sent");
    expect(accountStatusLabel("needs_reconnect")).toContain("reconnecting");
    expect(accountStatusLabel("not_connected")).toContain("Receiving only");
  });
});

describe("retention texts", () => {
  it("names what goes in the next 7 days, or says nothing is due", () => {
    const conversation = (name: string) => ({
      conversation_id: 1,
      platform: "instagram" as const,
      display_name: name,
      last_message_at: 0,
      deletes_at: 0,
    });
    expect(retentionPreviewText({ conversations: [], leads: 0, lead_forms: 0, bodies: 0 })).toBe(
      "Nothing is due in the next 7 days.",
    );
    const many = ["A", "B", "C", "D", "E", "F", "G"].map(conversation);
    expect(retentionPreviewText({ conversations: many, leads: 1, lead_forms: 1, bodies: 3 })).toBe(
      "In the next 7 days this removes 7 conversations (A, B, C, D, E and 2 more), 2 lead records, the text of 3 messages.",
    );
  });

  it("reports a run", () => {
    const none = { conversations: 0, messages: 0, contacts: 0, leads: 0, lead_forms: 0, bodies_sanitized: 0 };
    expect(retentionReportText(none)).toBe("Nothing was due.");
    expect(retentionReportText({ ...none, conversations: 1, messages: 4, contacts: 1 })).toBe(
      "Deleted 1 conversation (4 messages), 0 lead records; removed the text of 0 messages.",
    );
  });
});

describe("inert", () => {
  it("makes bidi overrides and isolates visible instead of letting them reorder text", () => {
    expect(inert("invoice\u202Egpj.exe")).toBe("invoice\uFFFDgpj.exe");
    expect(inert("a\u2066b\u2069c\u202Ad")).toBe("a\uFFFDb\uFFFDc\uFFFDd");
  });
  it("leaves ordinary right-to-left text alone", () => {
    expect(inert("مرحبا שלום")).toBe("مرحبا שלום");
  });
});

describe("replyWindowText", () => {
  const now = new Date(2026, 10, 23, 10, 0);
  const at = (hours: number) => now.getTime() + hours * 3600 * 1000;
  const window = (state: ReplyVerdict, closes: number | null, explanation = "") => ({
    state,
    closes_at_ms: closes,
    explanation,
    human_agent: state === "human_agent",
    can_send: ["open", "human_agent", "comment"].includes(state),
  });

  it("says until when a normal reply is allowed, and why", () => {
    expect(replyWindowText(window("open", at(5)), now)).toBe(
      "You can reply until 15:00 today: after 24 hours without a message from them, Meta limits replies.",
    );
  });

  it("does not speak of Meta's 24 hours to a website visitor", () => {
    expect(replyWindowText(window("open", at(24 * 6)), now, "website")).toBe(
      "You can reply until Sun 10:00: the visitor's chat on your website keeps replies for 7 days after their last message.",
    );
  });

  it("adds the deadline to the explanation of a personal reply or a comment", () => {
    expect(replyWindowText(window("human_agent", at(48)), now)).toMatch(/personal reply .* Until Wed 10:00\.$/);
    expect(replyWindowText(window("comment", at(48)), now)).toMatch(/^A public comment: .* Until Wed 10:00\.$/);
  });

  it("gives the reason alone when nothing can be sent", () => {
    expect(replyWindowText(window("template_needed", null), now)).toMatch(/only an approved WhatsApp template/);
    expect(replyWindowText(window("visitor_gone", null), now)).not.toMatch(/Until/);
  });

  it("speaks the window's language, with its own date format", () => {
    useLanguage("es");
    try {
      expect(replyWindowText(window("open", at(24)), now)).toBe(
        "Puedes responder hasta mar 10:00: tras 24 horas sin un mensaje suyo, Meta limita las respuestas.",
      );
      expect(deadline(at(1), now)).toBe("hoy a las 11:00");
    } finally {
      useLanguage("en");
    }
  });

  it("names the day of a deadline that is not today", () => {
    expect(deadline(at(24), now)).toBe("Tue 10:00");
    expect(deadline(at(1), now)).toBe("11:00 today");
  });
});

describe("loginLinkText", () => {
  it("gives the confirmation code before the address", () => {
    const text = loginLinkText({ url: "https://relay.example.com/oauth/meta/start?state=s", confirmation_code: "abcde-fghij" });
    expect(text).toContain("abcde-fghij");
    expect(text).toContain("https://relay.example.com/oauth/meta/start?state=s");
    expect(text.indexOf("abcde-fghij")).toBeLessThan(text.indexOf("https://"));
  });
});

describe("unfilledNotice", () => {
  it("names what is left to fill, and says nothing when all is filled", () => {
    expect(unfilledNotice([])).toBe("");
    expect(unfilledNotice(["phone"])).toContain("{phone} yourself");
    expect(unfilledNotice(["phone", "first_name"])).toContain("{phone}, {first_name}");
  });
});

describe("mediaStateText", () => {
  it("says why an attachment is not shown, in words", () => {
    expect(mediaStateText("waiting", null)).toContain("Fetching");
    expect(mediaStateText("waiting", "Meta cannot be reached")).toContain("tries again");
    expect(mediaStateText("expired", null)).toContain("30 days");
    expect(mediaStateText("expired", "its address has expired")).toBe("Its address has expired.");
    expect(mediaStateText("too_large", null)).toContain("open it in WhatsApp");
    expect(mediaStateText("stored", null)).toBe("");
  });
});

describe("in another language", () => {
  it("words errors by their code, and an unknown code in the Rust side's words", () => {
    useLanguage("pt");
    try {
      expect(errorMessage({ code: "relay_unreachable", message: "the relay at http://r cannot be reached" })).toMatch(/^Não foi possível contatar o relay/);
      expect(errorMessage({ code: "a_newer_code", message: "something new" })).toBe("Something new");
      expect(errorMessage(42)).toBe("Algo deu errado. Tente de novo.");
    } finally {
      useLanguage("en");
    }
    expect(errorMessage({ code: "relay_unreachable", message: "the relay at http://r cannot be reached" })).toBe(
      "The relay at http://r cannot be reached",
    );
  });

  it("words a draft's warnings with the value found in the draft", () => {
    const price = { flag: { kind: "unknown_price" as const, value: "€99" }, text: "States a price that is not in your profile: €99" };
    expect(warningText(price)).toBe(price.text);
    useLanguage("es");
    try {
      expect(warningText(price)).toBe("Indica un precio que no está en tu perfil: €99");
      expect(warningText({ flag: null, text: "x" })).toMatch(/^Una comprobación marcó/);
    } finally {
      useLanguage("en");
    }
  });

  it("keeps the lead's own words of the English summary line", () => {
    expect(leadSummaryText('Price enquiry: "Hola!"')).toBe('Price enquiry: "Hola!"');
    useLanguage("pt");
    try {
      expect(leadSummaryText('Price enquiry: "Olá, quanto custa?"')).toBe('"Olá, quanto custa?"');
      expect(leadSummaryText("Other enquiry (no text yet)")).toBe("(ainda sem texto)");
    } finally {
      useLanguage("en");
    }
  });

  it("writes counts and sizes in the locale's format", () => {
    useLanguage("es");
    try {
      expect(m.count_conversations({ count: 12345 })).toBe("12.345 conversaciones");
      expect(fileSizeText(5 * 1024 * 1024 + 1)).toBe("5,1 MB");
      expect(size(1536)).toBe("1,5 KB");
      expect(retentionReportText({ conversations: 1, messages: 2000, leads: 0, lead_forms: 0, bodies_sanitized: 0, contacts: 0 })).toBe(
        "Se eliminaron 1 conversación (2000 mensajes), 0 fichas de contacto; se quitó el texto de 0 mensajes.",
      );
    } finally {
      useLanguage("en");
    }
    expect(m.count_conversations({ count: 12345 })).toBe("12,345 conversations");
  });
});

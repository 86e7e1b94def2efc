// The three languages say the same things: every message in each, with the
// same placeholders, and none left in English by mistake.
import { describe, expect, it } from "vitest";
import en from "../messages/en.json";
import es from "../messages/es.json";
import pt from "../messages/pt.json";

type Catalogue = Record<string, unknown>;

const LANGUAGES: Record<string, Catalogue> = { en, es, pt };

/** Messages that are the same word in English and the other language. */
const SAME_AS_ENGLISH = new Set(["count_bytes", "shortcut_enter_key", "tone_formal", "urgency_normal"]);

function messages(catalogue: Catalogue): Map<string, unknown> {
  return new Map(Object.entries(catalogue).filter(([key]) => key !== "$schema"));
}

/** The texts of a message: itself, or each variant of a plural. */
function texts(message: unknown): string[] {
  if (typeof message === "string") return [message];
  const variants = (message as { match?: Record<string, string> }[])[0]?.match ?? {};
  return Object.values(variants);
}

/** What the caller fills in: `{name}` in a text, `input name` in a plural. */
function placeholders(message: unknown): string[] {
  if (typeof message === "string") return [...message.matchAll(/\{(\w+)\}/g)].map((found) => found[1] ?? "").sort();
  const declarations = (message as { declarations?: string[] }[])[0]?.declarations ?? [];
  const inputs = declarations.filter((d) => d.startsWith("input ")).map((d) => d.slice(6));
  const locals = new Set(declarations.filter((d) => d.startsWith("local ")).map((d) => d.split(" ")[1]));
  const used = texts(message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((found) => found[1] ?? ""));
  return [...new Set([...inputs, ...used.filter((name) => !locals.has(name))])].sort();
}

describe("message catalogues", () => {
  const english = messages(en);

  it("has messages", () => {
    expect(english.size).toBeGreaterThan(50);
  });

  for (const [name, catalogue] of Object.entries(LANGUAGES)) {
    const ours = messages(catalogue);

    it(`${name}: has every message and no other`, () => {
      const missing = [...english.keys()].filter((key) => !ours.has(key));
      const extra = [...ours.keys()].filter((key) => !english.has(key));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    it(`${name}: fills the same placeholders as English`, () => {
      const differing = [...english.entries()]
        .filter(([key, message]) => ours.has(key) && placeholders(ours.get(key)).join() !== placeholders(message).join())
        .map(([key]) => key);
      expect(differing).toEqual([]);
    });

    it(`${name}: has no empty message`, () => {
      const empty = [...ours.entries()].filter(([, message]) => texts(message).some((text) => text.trim() === ""));
      expect(empty.map(([key]) => key)).toEqual([]);
    });

    if (name !== "en") {
      it(`${name}: is not English left untranslated`, () => {
        const untranslated = [...english.entries()]
          .filter(([key, message]) => !SAME_AS_ENGLISH.has(key) && /[a-z]{3}/.test(texts(message).join(" ")))
          .filter(([key, message]) => JSON.stringify(ours.get(key)) === JSON.stringify(message))
          .map(([key]) => key);
        expect(untranslated).toEqual([]);
      });
    }
  }
});

describe("placeholders", () => {
  it("are found in texts and in plurals", () => {
    expect(placeholders("Hello {name}, {count}")).toEqual(["count", "name"]);
    const plural = [
      {
        declarations: ["input count", "local countPlural = count: plural", "local countShown = count: number"],
        selectors: ["countPlural"],
        match: { "countPlural=one": "{countShown} of {names}", "countPlural=*": "{countShown} of {names}" },
      },
    ];
    expect(placeholders(plural)).toEqual(["count", "names"]);
  });
});

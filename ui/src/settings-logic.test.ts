import { describe, expect, it } from "vitest";
import { applyProfileForm, parseOrigins, refusedAddresses, refusedAddressText, pausedLabel, profileForm, profileLanguages, providerDisclosure, translationLanguages } from "./settings-logic";
import type { BusinessProfile, WebsiteChat } from "./ipc/commands";

const profile: BusinessProfile = {
  name: "Ana's Salon",
  description: "",
  services: [{ name: "Haircut", price: "€25", duration: null, aliases: [] }],
  hours: [],
  time_zone: "Europe/Madrid",
  location: null,
  booking_link: null,
  phone: null,
  email: null,
  tone: "friendly",
  languages: ["es", "en"],
  phone_region: "ES",
  faq: [],
  sign_off: null,
};

describe("providerDisclosure", () => {
  it("says nothing leaves the computer with the built-in drafter", () => {
    expect(providerDisclosure("offline", "")).toContain("nothing is sent");
  });
  it("names the cloud host and says what is sent", () => {
    const text = providerDisclosure("openai_compatible", "https://api.openai.com/v1");
    expect(text).toContain("api.openai.com");
    expect(text).toContain("business profile");
  });
  it("recognizes a model server on this computer", () => {
    expect(providerDisclosure("openai_compatible", "http://localhost:11434/v1")).toContain("stay on this computer");
    expect(providerDisclosure("openai_compatible", "http://localhost.evil.example/v1")).not.toContain("stay on this computer");
  });
  it("names Anthropic", () => {
    expect(providerDisclosure("anthropic", "https://api.anthropic.com")).toContain("Anthropic");
  });
});

describe("parseOrigins", () => {
  it("splits on lines, spaces and commas and drops blanks", () => {
    expect(parseOrigins(" https://a.example\n\nhttps://b.example, https://c.example ")).toEqual([
      "https://a.example",
      "https://b.example",
      "https://c.example",
    ]);
    expect(parseOrigins("   ")).toEqual([]);
  });
});

describe("refusedAddresses", () => {
  const chat = (name: string, refused: Array<[string, number, number]>): WebsiteChat => ({
    site_id: `site_${name}`,
    name,
    origins: ["https://salon.example"],
    snippet: "",
    refused_origins: refused.map(([origin, refusals, last_refused_at_ms]) => ({ origin, refusals, last_refused_at_ms })),
  });

  it("lists every chat's refused addresses, the most recent first", () => {
    const listed = refusedAddresses([
      chat("Salon", [["https://www.salon.example", 3, 2000]]),
      chat("Shop", [["https://shop.example", 1, 5000], ["http://localhost:8080", 2, 1000]]),
    ]);
    expect(listed.map((r) => [r.siteId, r.origin])).toEqual([
      ["site_Shop", "https://shop.example"],
      ["site_Salon", "https://www.salon.example"],
      ["site_Shop", "http://localhost:8080"],
    ]);
    expect(refusedAddresses([chat("Salon", [])])).toEqual([]);
  });

  it("tells the owner where, how often and that visitors were told", () => {
    const now = new Date(2026, 11, 2, 15, 0);
    const [refused] = refusedAddresses([chat("Salon", [["https://www.salon.example", 1, new Date(2026, 11, 2, 9, 30).getTime()]])]);
    const text = refusedAddressText(refused, now);
    expect(text).toContain('"Salon" was loaded on https://www.salon.example');
    expect(text).toContain("(once, last 09:30)");
    expect(refusedAddressText({ ...refused, refusals: 4 }, now)).toContain("(4 times,");
  });
});

describe("pausedLabel", () => {
  it("is null when not paused or the pause is over", () => {
    expect(pausedLabel(null, 1000)).toBeNull();
    expect(pausedLabel(999, 1000)).toBeNull();
  });
  it("says until when", () => {
    expect(pausedLabel(Date.UTC(2026, 0, 1, 15, 40), Date.UTC(2026, 0, 1, 15, 0))).toMatch(/^Notifications paused until \d\d:\d\d$/);
  });
});

describe("applyProfileForm", () => {
  it("applies the form and keeps what the form does not show", () => {
    const next = applyProfileForm(profile, {
      name: "  ",
      description: " Hair and nails in Gràcia ",
      hours: "Mon-Fri 9:00-19:00\n\n Sat 10:00-14:00 ",
      location: "",
      booking_link: "https://book.example/ana",
      phone: "",
      email: "",
      tone: "formal",
      default_language: "es",
      languages: ["es", "en"],
      written_in: "",
      translated_hours: {},
    });
    expect(next.name).toBe("Ana's Salon");
    expect(next.description).toBe("Hair and nails in Gràcia");
    expect(next.hours).toEqual(["Mon-Fri 9:00-19:00", "Sat 10:00-14:00"]);
    expect(next.location).toBeNull();
    expect(next.booking_link).toBe("https://book.example/ana");
    expect(next.tone).toBe("formal");
    expect(next.services).toEqual(profile.services);
    expect(next.languages).toEqual(["es", "en"]);
  });

  it("puts the default language first and keeps the ticked ones", () => {
    const form = { ...profileForm(profile), default_language: "pt", languages: ["en", "es"] };
    expect(applyProfileForm(profile, form).languages).toEqual(["pt", "en", "es"]);
    expect(profileLanguages({ ...form, default_language: "xx", languages: ["pt"] })).toEqual(["en", "pt"]);
    expect(profileForm(applyProfileForm(profile, form)).default_language).toBe("pt");
  });

  it("writes hours in other languages and keeps the other translated words", () => {
    const translated: BusinessProfile = { ...profile, translations: { es: { sign_off: "Ana" } } };
    const form = { ...profileForm(translated), written_in: "en", translated_hours: { es: " Lun-Vie 9-19 \n\n" } };
    expect(translationLanguages(form)).toEqual(["es"]);
    const next = applyProfileForm(translated, form);
    expect(next.written_in).toBe("en");
    expect(next.translations).toEqual({ es: { sign_off: "Ana", hours: ["Lun-Vie 9-19"] } });
    expect(profileForm(next).translated_hours).toEqual({ es: "Lun-Vie 9-19" });
    expect(applyProfileForm(profile, { ...profileForm(profile), written_in: "" }).written_in).toBeNull();
    // Emptied hours leave no empty translation behind.
    const emptied = applyProfileForm(next, { ...profileForm(next), translated_hours: { es: "", pt: " " } });
    expect(emptied.translations).toEqual({ es: { sign_off: "Ana" } });
  });
});

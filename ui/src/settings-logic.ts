// Pure helpers behind the onboarding and settings screens (unit-tested).
import { m } from "./paraglide/messages";
import type { AiSettings, AiSettingsInput, BusinessProfile, ProviderKind, WebsiteChat } from "./ipc/commands";
import { messageTime } from "./format";
import { formatLocale } from "./i18n.svelte";

/** What leaves this computer with each drafting provider, in plain words. */
export function providerDisclosure(provider: string, baseUrl: string): string {
  if (provider === "offline") {
    return m.provider_offline();
  }
  const local = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i.test(baseUrl.trim());
  if (local) {
    return m.provider_local();
  }
  const who = provider === "anthropic" ? "Anthropic" : baseUrl.trim() ? new URL(baseUrl.trim(), "https://x.invalid").host : m.provider_server_you_enter();
  return m.provider_remote({ who });
}

/** One address per line or comma: `https://example.com`. Empty lines are ignored. */
export function parseOrigins(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}

/** A page address one of the owner's chats refused, to offer adding it. */
export type RefusedAddress = { siteId: string; siteName: string; origin: string; refusals: number; lastMs: number };

/** Every refused address of every chat, the most recent first. */
export function refusedAddresses(websites: WebsiteChat[]): RefusedAddress[] {
  return websites
    .flatMap((chat) =>
      chat.refused_origins.map((refused) => ({
        siteId: chat.site_id,
        siteName: chat.name,
        origin: refused.origin,
        refusals: refused.refusals,
        lastMs: refused.last_refused_at_ms,
      })),
    )
    .sort((a, b) => b.lastMs - a.lastMs);
}

/** What the owner is told about a refused address. */
export function refusedAddressText(refused: RefusedAddress, now: Date = new Date()): string {
  return m.refused_address({
    site: refused.siteName,
    origin: refused.origin,
    count: refused.refusals,
    last: messageTime(refused.lastMs, now),
  });
}

/** "Paused until 15:40" or null when not paused. */
export function pausedLabel(pausedUntil: number | null, now: number = Date.now()): string | null {
  if (pausedUntil === null || pausedUntil <= now) return null;
  const time = new Date(pausedUntil).toLocaleTimeString(formatLocale(), { hour: "2-digit", minute: "2-digit" });
  return m.paused_until({ time });
}

const blankToNull = (value: string): string | null => (value.trim() ? value.trim() : null);

/** The profile with the onboarding/settings form's fields applied; the rest is kept. */
export function applyProfileForm(
  profile: BusinessProfile,
  form: ProfileForm,
): BusinessProfile {
  return {
    ...profile,
    name: form.name.trim() || profile.name,
    description: form.description.trim(),
    hours: form.hours
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length > 0),
    location: blankToNull(form.location),
    booking_link: blankToNull(form.booking_link),
    phone: blankToNull(form.phone),
    email: blankToNull(form.email),
    tone: form.tone === "formal" ? "formal" : "friendly",
    languages: profileLanguages(form),
    written_in: form.written_in || null,
    translations: translatedHours(profile, form),
  };
}

/** The profile's translations with the form's hours in each language; other translated words are kept. */
function translatedHours(profile: BusinessProfile, form: ProfileForm): NonNullable<BusinessProfile["translations"]> {
  const translations = { ...(profile.translations ?? {}) };
  for (const [code, text] of Object.entries(form.translated_hours)) {
    const hours = text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    const { hours: _old, ...rest } = translations[code] ?? {};
    if (hours.length > 0) translations[code] = { ...rest, hours };
    else if (Object.keys(rest).length > 0) translations[code] = rest;
    else delete translations[code];
  }
  return translations;
}

/** The languages the form offers translations for: every reply language but the one the profile is written in. */
export function translationLanguages(form: ProfileForm): string[] {
  const written = form.written_in || form.default_language;
  return profileLanguages(form).filter((code) => code !== written);
}

/** The languages the drafter writes in: code and the owner's word for it. */
export const REPLY_LANGUAGES: ReadonlyArray<{ code: string; label: () => string }> = [
  { code: "en", label: m.language_en },
  { code: "es", label: m.language_es },
  { code: "pt", label: m.language_pt },
];

/** The profile's `languages`: the default first, then the others ticked, in a fixed order. */
export function profileLanguages(form: ProfileForm): string[] {
  const known = REPLY_LANGUAGES.map((l) => l.code);
  const first = known.includes(form.default_language) ? form.default_language : "en";
  return [first, ...known.filter((code) => code !== first && form.languages.includes(code))];
}

/** The profile form's fields, as typed. */
export interface ProfileForm {
  name: string;
  description: string;
  hours: string;
  location: string;
  booking_link: string;
  phone: string;
  email: string;
  tone: string;
  /** The language a reply is in when the lead's is not among `languages`. */
  default_language: string;
  /** Every language replies may be in (ticked boxes). */
  languages: string[];
  /** The language the fields above are written in; empty: read from them. */
  written_in: string;
  /** Opening hours in other languages, one line each, by language code. */
  translated_hours: Record<string, string>;
}

export function profileForm(profile: BusinessProfile): ProfileForm {
  return {
    name: profile.name,
    description: profile.description,
    hours: profile.hours.join("\n"),
    location: profile.location ?? "",
    booking_link: profile.booking_link ?? "",
    phone: profile.phone ?? "",
    email: profile.email ?? "",
    tone: profile.tone,
    default_language: profile.languages[0] ?? "en",
    languages: [...profile.languages],
    written_in: profile.written_in ?? "",
    translated_hours: Object.fromEntries(
      Object.entries(profile.translations ?? {}).map(([code, words]) => [code, (words?.hours ?? []).join("\n")]),
    ),
  };
}

/** The provider form's fields; an empty key keeps the saved one. */
export interface ProviderForm {
  provider: ProviderKind;
  base_url: string;
  model: string;
  api_key: string;
  has_api_key: boolean;
}

export function providerForm(settings: AiSettings): ProviderForm {
  return {
    provider: settings.provider,
    base_url: settings.base_url ?? "",
    model: settings.model ?? "",
    api_key: "",
    has_api_key: settings.has_api_key,
  };
}

export function providerInput(form: ProviderForm): AiSettingsInput {
  return {
    provider: form.provider,
    base_url: form.base_url || null,
    model: form.model || null,
    redact: null,
    api_key: form.api_key || null,
  };
}

export const blankProfileForm = (): ProfileForm => ({
  name: "",
  description: "",
  hours: "",
  location: "",
  booking_link: "",
  phone: "",
  email: "",
  tone: "friendly",
  default_language: "en",
  languages: ["en"],
  written_in: "",
  translated_hours: {},
});

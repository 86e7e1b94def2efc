// The window's language. Every message function (`m.key()`, compiled from
// ui/messages/ by Paraglide) reads the locale through `getLocale`, which
// reads this state: a change re-renders every string in place, with no
// reload and no dialog closed.
import { baseLocale, overwriteGetLocale, type Locale } from "./paraglide/runtime";

const current = $state({ locale: baseLocale as Locale, chosen: null as Locale | null, system: baseLocale as Locale });

overwriteGetLocale(() => current.locale);

export function language(): Locale {
  return current.locale;
}

export function useLanguage(locale: Locale): void {
  current.locale = locale;
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

/** What the Rust side keeps: the owner's choice, if any, else the system's language. */
export function applyLanguageChoice(view: { chosen: Locale | null; system: Locale }): void {
  current.chosen = view.chosen;
  current.system = view.system;
  useLanguage(view.chosen ?? view.system);
}

export function languageChoice(): { chosen: Locale | null; system: Locale } {
  return { chosen: current.chosen, system: current.system };
}

/** Each language in its own words, so an owner finds theirs whatever the window speaks. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", es: "Español", pt: "Português" };

/** Each language's usual formats when the system names no region for it. */
const DEFAULT_REGION: Record<Locale, string> = { en: "en-GB", es: "es-ES", pt: "pt-BR" };

/** The locale dates and numbers are written in: the system's own variant
 * of the window's language ("es-MX", "pt-PT"), else the language's default. */
export function formatLocale(
  preferred: readonly string[] = typeof navigator === "undefined" ? [] : navigator.languages,
): string {
  const locale = current.locale;
  const regional = preferred.find((tag) => tag.split(/[-_]/)[0]?.toLowerCase() === locale);
  return regional && regional.includes("-") ? regional : DEFAULT_REGION[locale];
}

/** A number with one decimal in the window's locale: "1.5", "1,5". */
export function oneDecimal(n: number): string {
  return new Intl.NumberFormat(formatLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
}

// Form fields shared by the onboarding and the settings dialog, built here so
// both show the same fields (each with its own id prefix).
import type { AiSettings, AiSettingsInput, BusinessProfile } from "./ipc/commands";
import { providerDisclosure, providerValue } from "./settings-logic";

function field(prefix: string, id: string, label: string, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement) {
  control.id = `${prefix}-${id}`;
  const wrapper = document.createElement("label");
  wrapper.className = "field";
  wrapper.append(document.createTextNode(label), control);
  return wrapper;
}

function input(type: string, placeholder = "") {
  const node = document.createElement("input");
  node.type = type;
  node.placeholder = placeholder;
  return node;
}

function textarea(rows: number, placeholder = "") {
  const node = document.createElement("textarea");
  node.rows = rows;
  node.placeholder = placeholder;
  return node;
}

function select(options: [string, string][]) {
  const node = document.createElement("select");
  for (const [value, label] of options) node.add(new Option(label, value));
  return node;
}

const get = <T extends HTMLElement>(prefix: string, id: string) => document.getElementById(`${prefix}-${id}`) as T;
const value = (prefix: string, id: string) => get<HTMLInputElement>(prefix, id).value;

export function mountProfileForm(container: HTMLElement, prefix: string) {
  container.replaceChildren(
    field(prefix, "name", "Business name", input("text")),
    field(prefix, "description", "What you do, in a sentence or two", textarea(2, "Hair salon in Gràcia: cuts, colour and nails.")),
    field(prefix, "hours", "Opening hours (one line each)", textarea(3, "Mon-Fri 9:00-19:00")),
    field(prefix, "location", "Address", input("text")),
    field(prefix, "booking_link", "Booking link", input("url", "https://")),
    field(prefix, "phone", "Phone", input("tel")),
    field(prefix, "email", "Email", input("email")),
    field(prefix, "tone", "Tone of replies", select([["friendly", "Friendly"], ["formal", "Formal"]])),
  );
}

export function fillProfileForm(prefix: string, profile: BusinessProfile) {
  get<HTMLInputElement>(prefix, "name").value = profile.name;
  get<HTMLTextAreaElement>(prefix, "description").value = profile.description;
  get<HTMLTextAreaElement>(prefix, "hours").value = profile.hours.join("\n");
  get<HTMLInputElement>(prefix, "location").value = profile.location ?? "";
  get<HTMLInputElement>(prefix, "booking_link").value = profile.booking_link ?? "";
  get<HTMLInputElement>(prefix, "phone").value = profile.phone ?? "";
  get<HTMLInputElement>(prefix, "email").value = profile.email ?? "";
  get<HTMLSelectElement>(prefix, "tone").value = profile.tone;
}

export function readProfileForm(prefix: string) {
  return {
    name: value(prefix, "name"),
    description: value(prefix, "description"),
    hours: value(prefix, "hours"),
    location: value(prefix, "location"),
    booking_link: value(prefix, "booking_link"),
    phone: value(prefix, "phone"),
    email: value(prefix, "email"),
    tone: value(prefix, "tone"),
  };
}

export function mountProviderForm(container: HTMLElement, prefix: string) {
  const provider = select([
    ["offline", "Built in (works offline, nothing leaves this computer)"],
    ["openai-compatible", "OpenAI or a compatible server (incl. Ollama on this computer)"],
    ["anthropic", "Anthropic (Claude)"],
  ]);
  const details = document.createElement("div");
  details.id = `${prefix}-provider-details`;
  details.append(
    field(prefix, "base_url", "Server address", input("url", "https://api.openai.com/v1 or http://localhost:11434/v1")),
    field(prefix, "model", "Model", input("text", "gpt-4o-mini, llama3.1, claude-3-5-haiku-latest")),
    field(prefix, "api_key", "API key (kept in the system keychain; leave empty to keep the saved one)", input("password")),
  );
  const disclosure = document.createElement("p");
  disclosure.id = `${prefix}-disclosure`;
  disclosure.className = "dialog-note";
  container.replaceChildren(field(prefix, "provider", "Who writes the suggested replies", provider), details, disclosure);
  const update = () => {
    details.hidden = provider.value === "offline";
    disclosure.textContent = providerDisclosure(provider.value, value(prefix, "base_url"));
  };
  provider.addEventListener("change", update);
  get<HTMLInputElement>(prefix, "base_url").addEventListener("input", update);
  update();
}

export function fillProviderForm(prefix: string, settings: AiSettings) {
  get<HTMLSelectElement>(prefix, "provider").value = providerValue(settings);
  get<HTMLInputElement>(prefix, "base_url").value = settings.base_url ?? "";
  get<HTMLInputElement>(prefix, "model").value = settings.model ?? "";
  const key = get<HTMLInputElement>(prefix, "api_key");
  key.value = "";
  key.placeholder = settings.has_api_key ? "saved" : "";
  get<HTMLSelectElement>(prefix, "provider").dispatchEvent(new Event("change"));
}

export function readProviderForm(prefix: string): AiSettingsInput {
  return {
    provider: value(prefix, "provider"),
    base_url: value(prefix, "base_url") || null,
    model: value(prefix, "model") || null,
    redact: null,
    api_key: value(prefix, "api_key") || null,
  };
}

// The window's entry point. Every piece of untrusted text (names, messages,
// drafts) is rendered by Svelte as text, never parsed as HTML.
import { mount } from "svelte";
import App from "./App.svelte";
import { windowLanguage } from "./ipc/commands";
import { applyLanguageChoice } from "./i18n.svelte";
import { mark } from "./startup-marks";
import { inbox } from "./inbox.svelte";

mark("script");

// The first paint is in the owner's language: asked before mounting (one
// local call); if it fails the window opens in English rather than not at all.
const language = windowLanguage()
  .then(applyLanguageChoice)
  .catch(() => undefined);
// The inbox is read meanwhile; the window shows it once mounted.
void inbox.start();
language
  .finally(() => {
    mark("language");
    mount(App, { target: document.body });
    mark("mounted");
  });

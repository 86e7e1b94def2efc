// The window's entry point. Every piece of untrusted text (names, messages,
// drafts) is rendered by Svelte as text, never parsed as HTML.
import { mount } from "svelte";
import App from "./App.svelte";
import { windowLanguage } from "./ipc/commands";
import { applyLanguageChoice } from "./i18n.svelte";

// The first paint is in the owner's language: asked before mounting (one
// local call); if it fails the window opens in English rather than not at all.
windowLanguage()
  .then(applyLanguageChoice)
  .catch(() => undefined)
  .finally(() => mount(App, { target: document.body }));

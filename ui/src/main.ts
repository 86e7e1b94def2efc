// The window's entry point. Every piece of untrusted text (names, messages,
// drafts) is rendered by Svelte as text, never parsed as HTML.
import { mount } from "svelte";
import App from "./App.svelte";

mount(App, { target: document.body });

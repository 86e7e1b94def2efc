// Keyboard: j/k move through the list, Enter opens, a/e/r/x act on the
// suggested reply, / searches, ? lists the keys. Never while typing.
import { SHORTCUT_HELP, shortcutFor } from "./inbox-logic";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

export interface ShortcutActions {
  move: (delta: 1 | -1) => void;
  open: () => void;
  click: (buttonId: string) => void;
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function wireShortcuts(actions: ShortcutActions) {
  const help = byId<HTMLDialogElement>("shortcuts-dialog");
  byId("shortcuts-list").replaceChildren(
    ...SHORTCUT_HELP.flatMap(([keys, what]) => {
      const dt = document.createElement("dt");
      dt.textContent = keys;
      const dd = document.createElement("dd");
      dd.textContent = what;
      return [dt, dd];
    }),
  );
  byId("shortcuts-close").addEventListener("click", () => help.close());
  document.addEventListener("keydown", (event) => {
    if (document.querySelector("dialog[open]")) return;
    const shortcut = shortcutFor(event.key, typing(event.target), event.ctrlKey || event.metaKey || event.altKey);
    if (!shortcut) return;
    const draftOpen = !byId("draft").hidden;
    switch (shortcut) {
      case "next":
        actions.move(1);
        break;
      case "previous":
        actions.move(-1);
        break;
      case "open":
        actions.open();
        break;
      case "approve":
        if (draftOpen) actions.click("draft-approve");
        break;
      case "edit":
        if (draftOpen) byId<HTMLTextAreaElement>("draft-text").focus();
        break;
      case "regenerate":
        if (draftOpen) actions.click("draft-regenerate");
        break;
      case "reject":
        if (draftOpen) actions.click("draft-reject");
        break;
      case "search":
        byId<HTMLInputElement>("search").focus();
        break;
      case "help":
        help.showModal();
        break;
    }
    event.preventDefault();
  });
}

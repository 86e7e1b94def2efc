// The search box above the conversation list. Results are built from text
// nodes only: the snippet's matched words are wrapped in <mark> elements
// created here, never parsed from a string.
import { searchInbox, type SearchHit } from "./ipc/commands";
import { errorMessage, inert, messageTime, platformName } from "./format";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

function renderHit(hit: SearchHit, open: (id: number, name: string) => void): HTMLLIElement {
  const item = document.createElement("li");
  item.className = "search-result";
  item.tabIndex = 0;
  item.dataset.conversationId = String(hit.conversation_id);
  const head = document.createElement("div");
  head.className = "row";
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = inert(hit.display_name);
  const when = document.createElement("span");
  when.className = "time";
  when.textContent = `${platformName(hit.platform)} · ${messageTime(hit.sent_at)}`;
  head.append(name, when);
  const snippet = document.createElement("p");
  snippet.className = "snippet";
  for (const part of hit.snippet) {
    if (part.hit) {
      const mark = document.createElement("mark");
      mark.textContent = inert(part.text);
      snippet.append(mark);
    } else {
      snippet.append(document.createTextNode(inert(part.text)));
    }
  }
  item.append(head, snippet);
  const go = () => open(hit.conversation_id, hit.display_name);
  item.addEventListener("click", go);
  item.addEventListener("keydown", (event) => {
    if (event.key === "Enter") go();
  });
  return item;
}

/** Wires the search box; `open` shows a conversation. */
export function wireSearch(open: (id: number, name: string) => void) {
  const input = byId<HTMLInputElement>("search");
  const results = byId<HTMLUListElement>("search-results");
  let asked = 0;
  const run = async () => {
    const query = input.value.trim();
    const ticket = ++asked;
    if (query.length < 2) {
      results.hidden = true;
      results.replaceChildren();
      return;
    }
    try {
      const hits = await searchInbox(query);
      if (ticket !== asked) return; // a newer query is on its way
      results.replaceChildren(
        ...(hits.length > 0
          ? hits.map((hit) => renderHit(hit, open))
          : [Object.assign(document.createElement("li"), { className: "empty", textContent: "Nothing matches." })]),
      );
    } catch (error) {
      results.replaceChildren(
        Object.assign(document.createElement("li"), { className: "empty", textContent: errorMessage(error) }),
      );
    }
    results.hidden = false;
  };
  let timer: number | undefined;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void run(), 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      input.value = "";
      void run();
    }
  });
}

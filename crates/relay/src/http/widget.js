/* Leadbox website chat. Embed with:
 *   <script src="https://YOUR-RELAY/widget.js" data-site="SITE_ID" async></script>
 * Optional: data-title="Chat with us", data-color="#0b6e4f", data-ask-name="false".
 * Enter sends, Shift+Enter adds a line, Escape closes; a reply that arrives
 * while the chat is closed shows a count on its button.
 * It talks only to the relay it was loaded from; no other requests, no
 * cookies. The visitor's chat (session secret and messages) is kept in this
 * browser's localStorage; all text is shown as text, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.getAttribute("data-site")) return;
  var site = script.getAttribute("data-site");
  var relay = new URL(script.src, location.href).origin;
  var base = relay + "/widget/v1/" + encodeURIComponent(site);
  var title = script.getAttribute("data-title") || "Chat with us";
  var color = script.getAttribute("data-color") || "#0b6e4f";
  if (!/^#[0-9a-fA-F]{3,8}$/.test(color)) color = "#0b6e4f";
  var askName = script.getAttribute("data-ask-name") !== "false";
  var storeKey = "leadbox-chat:" + site;

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(storeKey) || "null");
      if (saved && Array.isArray(saved.history)) return saved;
    } catch (e) { /* a broken entry starts a new chat */ }
    return { session: null, after: 0, name: "", history: [] };
  }
  var chat = load();
  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(chat)); } catch (e) { /* private mode */ }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var host = el("div", { "data-leadbox-chat": "" });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = el("style", {},
    ":host{all:initial}" +
    ".lb{position:fixed;right:16px;bottom:16px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif;color:#1d1d1f}" +
    ".lb button{font:inherit;cursor:pointer}" +
    ".open{background:" + color + ";color:#fff;border:0;border-radius:24px;padding:10px 16px;box-shadow:0 2px 8px rgba(0,0,0,.25)}" +
    ".panel{display:none;flex-direction:column;width:320px;max-width:calc(100vw - 32px);height:420px;max-height:calc(100vh - 32px);background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.25);overflow:hidden}" +
    ".lb.shown .panel{display:flex}.lb.shown .open{display:none}" +
    ".head{background:" + color + ";color:#fff;padding:10px 12px;display:flex;justify-content:space-between;align-items:center}" +
    ".head button{background:none;border:0;color:#fff;font-size:18px}" +
    ".log{flex:1;overflow-y:auto;padding:8px 12px;display:flex;flex-direction:column;gap:6px}" +
    ".msg{max-width:80%;padding:6px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}" +
    ".me{align-self:flex-end;background:#e7f3ee}.them{align-self:flex-start;background:#f1f1f3}" +
    ".note{color:#6b6b70;font-size:12px;text-align:center}" +
    "form{display:flex;flex-direction:column;gap:6px;padding:8px;border-top:1px solid #e5e5ea}" +
    /* 16 px: a smaller field makes iOS Safari zoom in when it is tapped. */
    "input,textarea{font:16px/1.4 system-ui,sans-serif;border:1px solid #c7c7cc;border-radius:8px;padding:6px 8px;resize:none}" +
    ".unread{display:inline-block;min-width:18px;margin-left:6px;padding:0 5px;border-radius:9px;background:#fff;color:" + color + ";font-weight:700}" +
    ".send{background:" + color + ";color:#fff;border:0;border-radius:8px;padding:6px}");
  var box = el("div", { "class": "lb", role: "region", "aria-label": title });
  var opener = el("button", { "class": "open", type: "button", "aria-expanded": "false", "aria-controls": "leadbox-chat-panel" }, title);
  var badge = el("span", { "class": "unread", hidden: "" });
  opener.appendChild(badge);
  var panel = el("div", { "class": "panel", id: "leadbox-chat-panel" });
  var head = el("div", { "class": "head" });
  head.appendChild(el("span", {}, title));
  var closer = el("button", { type: "button", "aria-label": "Close chat" }, "\u00d7");
  head.appendChild(closer);
  var log = el("div", { "class": "log", "aria-live": "polite" });
  var form = el("form");
  var nameInput = el("input", { type: "text", maxlength: "80", placeholder: "Your name (optional)", "aria-label": "Your name" });
  var textInput = el("textarea", { rows: "2", maxlength: "2000", placeholder: "Write a message", "aria-label": "Message", required: "" });
  var send = el("button", { "class": "send", type: "submit" }, "Send");
  var status = el("div", { "class": "note", role: "status" });
  if (askName && !chat.name) form.appendChild(nameInput);
  form.appendChild(textInput);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  box.appendChild(opener);
  box.appendChild(panel);
  root.appendChild(style);
  root.appendChild(box);

  function show(entry) {
    log.appendChild(el("div", { "class": "msg " + (entry.me ? "me" : "them") }, entry.text));
    log.scrollTop = log.scrollHeight;
  }
  chat.history.forEach(show);
  if (!chat.history.length) log.appendChild(el("div", { "class": "note" }, "Ask us anything. A person will answer here."));

  var unread = 0;
  function isOpen() { return box.classList.contains("shown"); }
  function setUnread(count) {
    unread = count;
    badge.textContent = String(count);
    if (count) badge.removeAttribute("hidden"); else badge.setAttribute("hidden", "");
    opener.setAttribute("aria-label", count ? title + ", " + count + " new" : title);
  }
  function open() {
    box.classList.add("shown");
    opener.setAttribute("aria-expanded", "true");
    setUnread(0);
    // Drawn while hidden, the history has no height: scroll once it shows.
    log.scrollTop = log.scrollHeight;
    textInput.focus();
  }
  function close() {
    box.classList.remove("shown");
    opener.setAttribute("aria-expanded", "false");
    opener.focus();
  }
  opener.addEventListener("click", open);
  closer.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  // Enter sends, Shift+Enter adds a line (and an input method's Enter is its own).
  textInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else send.click();
    }
  });

  function randomId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function problem(response) {
    return response.json().then(function (body) { return body.message; }, function () { return null; })
      .then(function (message) { return message || "The message could not be sent; try again."; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textInput.value.trim();
    if (!text) return;
    if (nameInput.value.trim()) chat.name = nameInput.value.trim();
    var body = { text: text, client_message_id: randomId() };
    if (chat.session) body.session = chat.session;
    if (chat.name) body.name = chat.name;
    send.disabled = true;
    status.textContent = "Sending\u2026";
    fetch(base + "/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit"
    }).then(function (response) {
      if (!response.ok) return problem(response).then(function (m) { status.textContent = m; });
      return response.json().then(function (accepted) {
        var fresh = chat.session !== accepted.session;
        chat.session = accepted.session;
        if (fresh) chat.after = 0;
        var entry = { me: true, text: text };
        chat.history.push(entry);
        save();
        show(entry);
        textInput.value = "";
        if (nameInput.parentNode) form.removeChild(nameInput);
        status.textContent = "";
        if (!polling) poll();
      });
    }, function () {
      status.textContent = "No connection; your message was not sent.";
    }).then(function () { send.disabled = false; textInput.focus(); });
  });

  var polling = false;
  function poll() {
    if (!chat.session) { polling = false; return; }
    polling = true;
    fetch(base + "/replies?wait=25&after=" + chat.after, {
      headers: { "x-leadbox-session": chat.session },
      credentials: "omit"
    }).then(function (response) {
      if (response.status === 410) { chat.session = null; chat.after = 0; save(); polling = false; return; }
      if (response.status === 429) {
        var wait = parseInt(response.headers.get("retry-after") || "30", 10);
        return setTimeout(poll, Math.max(wait, 1) * 1000);
      }
      if (!response.ok) return setTimeout(poll, 15000);
      return response.json().then(function (page) {
        page.replies.forEach(function (reply) {
          var entry = { me: false, text: reply.text };
          chat.history.push(entry);
          chat.after = Math.max(chat.after, reply.seq);
          show(entry);
          if (!isOpen()) setUnread(unread + 1);
        });
        save();
        setTimeout(poll, page.replies.length ? 0 : 1000);
      });
    }, function () { setTimeout(poll, 15000); });
  }

  document.body.appendChild(host);
  if (chat.session) poll();
})();

/* Leadbox website chat. Embed with:
 *   <script src="https://YOUR-RELAY/widget.js" data-site="SITE_ID" async></script>
 * Optional:
 *   data-lang="es"            en, es or pt; without it, the page's <html lang>
 *   data-color="#0b6e4f"      the button and header colour
 *   data-ask-name="false"     no name field
 *   data-ask-contact="email"  an email field ("phone", or "both")
 *   data-contact-required="true"  the visitor must give one of them
 *   data-notify-title="true"  "(1)" in the page title for a reply while the chat is closed
 *   data-notify-sound="true"  a short tone for such a reply
 *   data-title, data-greeting, data-placeholder, data-send, ... (every key of
 *   STRINGS below, as data-KEY) replace the words shown.
 * Enter sends, Shift+Enter adds a line, Escape closes; a reply that arrives
 * while the chat is closed shows a count on its button and is announced to
 * screen readers.
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

  var STRINGS = {
    en: {
      "title": "Chat with us",
      "greeting": "Ask us anything. A person will answer here.",
      "placeholder": "Write a message",
      "message-label": "Message",
      "name": "Your name (optional)",
      "name-label": "Your name",
      "email": "Your email",
      "phone": "Your phone number",
      "contact-optional": "(optional)",
      "send": "Send",
      "close": "Close chat",
      "sending": "Sending\u2026",
      "offline": "No connection; your message was not sent.",
      "failed": "The message could not be sent; try again.",
      "busy": "Too many messages at once; wait a moment and try again.",
      "not-receiving": "The chat is not taking messages right now; please try again later.",
      "unavailable": "The chat is not available on this page.",
      "bad-email": "Check the email address.",
      "bad-phone": "Check the phone number.",
      "contact-needed": "Give us an email or a phone number so that we can answer you.",
      "new-reply": "New reply:",
      "unread": "{n} new"
    },
    es: {
      "title": "Escríbenos",
      "greeting": "Pregúntanos lo que quieras. Te responderá una persona aquí.",
      "placeholder": "Escribe un mensaje",
      "message-label": "Mensaje",
      "name": "Tu nombre (opcional)",
      "name-label": "Tu nombre",
      "email": "Tu correo electrónico",
      "phone": "Tu teléfono",
      "contact-optional": "(opcional)",
      "send": "Enviar",
      "close": "Cerrar el chat",
      "sending": "Enviando\u2026",
      "offline": "Sin conexión: tu mensaje no se ha enviado.",
      "failed": "No se pudo enviar el mensaje; inténtalo de nuevo.",
      "busy": "Demasiados mensajes a la vez; espera un momento y vuelve a intentarlo.",
      "not-receiving": "El chat no recibe mensajes ahora mismo; inténtalo más tarde.",
      "unavailable": "El chat no está disponible en esta página.",
      "bad-email": "Revisa el correo electrónico.",
      "bad-phone": "Revisa el número de teléfono.",
      "contact-needed": "Déjanos un correo o un teléfono para poder responderte.",
      "new-reply": "Nueva respuesta:",
      "unread": "{n} nuevas"
    },
    pt: {
      "title": "Fale connosco",
      "greeting": "Pergunte o que quiser. Uma pessoa vai responder aqui.",
      "placeholder": "Escreva uma mensagem",
      "message-label": "Mensagem",
      "name": "O seu nome (opcional)",
      "name-label": "O seu nome",
      "email": "O seu email",
      "phone": "O seu telefone",
      "contact-optional": "(opcional)",
      "send": "Enviar",
      "close": "Fechar o chat",
      "sending": "A enviar\u2026",
      "offline": "Sem ligação: a sua mensagem não foi enviada.",
      "failed": "Não foi possível enviar a mensagem; tente de novo.",
      "busy": "Demasiadas mensagens de uma vez; aguarde um momento e tente de novo.",
      "not-receiving": "O chat não está a receber mensagens agora; tente mais tarde.",
      "unavailable": "O chat não está disponível nesta página.",
      "bad-email": "Verifique o email.",
      "bad-phone": "Verifique o número de telefone.",
      "contact-needed": "Deixe-nos um email ou um telefone para lhe podermos responder.",
      "new-reply": "Nova resposta:",
      "unread": "{n} novas"
    }
  };
  function pageLanguage() {
    var asked = (script.getAttribute("data-lang") || document.documentElement.lang || "").toLowerCase();
    var primary = asked.split(/[-_]/)[0];
    return STRINGS[primary] ? primary : "en";
  }
  var lang = pageLanguage();
  function t(key) {
    var own = script.getAttribute("data-" + key);
    return own !== null && own !== "" ? own : STRINGS[lang][key];
  }

  var title = t("title");
  var color = script.getAttribute("data-color") || "#0b6e4f";
  if (!/^#[0-9a-fA-F]{3,8}$/.test(color)) color = "#0b6e4f";
  var askName = script.getAttribute("data-ask-name") !== "false";
  var askContact = script.getAttribute("data-ask-contact") || "";
  var askEmail = askContact === "email" || askContact === "both";
  var askPhone = askContact === "phone" || askContact === "both";
  var contactRequired = script.getAttribute("data-contact-required") === "true";
  var notifyTitle = script.getAttribute("data-notify-title") === "true";
  var notifySound = script.getAttribute("data-notify-sound") === "true";
  var storeKey = "leadbox-chat:" + site;

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(storeKey) || "null");
      if (saved && Array.isArray(saved.history)) return saved;
    } catch (e) { /* a broken entry starts a new chat */ }
    return { session: null, after: 0, name: "", contactGiven: false, history: [] };
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

  var host = el("div", { "data-leadbox-chat": "", lang: lang });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = el("style", {},
    ":host{all:initial}" +
    /* The box spans the bottom edge on phones; only its parts take clicks. */
    ".lb{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;pointer-events:none;font:14px/1.4 system-ui,sans-serif;color:#1d1d1f}" +
    ".lb>*{pointer-events:auto}" +
    ".lb button{font:inherit;cursor:pointer}" +
    ".lb button:focus-visible,.lb textarea:focus-visible,.lb input:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}" +
    ".open{background:" + color + ";color:#fff;border:0;border-radius:24px;padding:10px 16px;box-shadow:0 2px 8px rgba(0,0,0,.25)}" +
    ".panel{display:none;flex-direction:column;width:340px;max-width:calc(100vw - 32px);height:460px;max-height:calc(100vh - 32px);background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.25);overflow:hidden}" +
    ".lb.shown .panel{display:flex}.lb.shown .open{display:none}" +
    ".head{background:" + color + ";color:#fff;padding:10px 12px;display:flex;justify-content:space-between;align-items:center;gap:8px}" +
    ".head button{background:none;border:0;color:#fff;font-size:22px;line-height:1;min-width:32px;min-height:32px}" +
    ".log{flex:1;overflow-y:auto;padding:8px 12px;display:flex;flex-direction:column;gap:6px}" +
    ".msg{max-width:80%;padding:6px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}" +
    ".me{align-self:flex-end;background:#e7f3ee}.them{align-self:flex-start;background:#f1f1f3}" +
    ".note{color:#5f5f66;font-size:12px;text-align:center}" +
    ".note:empty{display:none}" +
    /* On a page the chat may not be used on, its one message fills the panel. */
    ".unavailable .log{display:none}.unavailable [role=status]{flex:1;display:flex;align-items:center;justify-content:center;padding:24px;font-size:15px;color:#1d1d1f}" +
    "form{display:flex;flex-direction:column;gap:6px;padding:8px;border-top:1px solid #e5e5ea}" +
    /* 16 px: a smaller field makes iOS Safari zoom in when it is tapped. */
    "input,textarea{font:16px/1.4 system-ui,sans-serif;border:1px solid #8e8e93;border-radius:8px;padding:6px 8px;resize:none;min-width:0}" +
    "[aria-invalid=true]{border-color:#c5221f}" +
    ".unread{display:inline-block;min-width:18px;margin-left:6px;padding:0 5px;border-radius:9px;background:#fff;color:" + color + ";font-weight:700}" +
    ".send{background:" + color + ";color:#fff;border:0;border-radius:8px;padding:8px;min-height:40px}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    /* From 320 px wide: the open chat takes the width of the screen. */
    "@media (max-width:480px){.lb{left:8px;right:8px;bottom:8px}.lb.shown{top:8px}.panel{width:auto;align-self:stretch;max-width:none;height:auto;flex:1;max-height:none}}");
  var box = el("div", { "class": "lb", role: "region", "aria-label": title });
  var opener = el("button", { "class": "open", type: "button", "aria-expanded": "false", "aria-controls": "leadbox-chat-panel" }, title);
  var badge = el("span", { "class": "unread", hidden: "" });
  opener.appendChild(badge);
  var panel = el("div", { "class": "panel", id: "leadbox-chat-panel", role: "dialog", "aria-label": title });
  var head = el("div", { "class": "head" });
  head.appendChild(el("span", {}, title));
  var closer = el("button", { type: "button", "aria-label": t("close") }, "\u00d7");
  head.appendChild(closer);
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite" });
  var form = el("form", { novalidate: "" });
  var nameInput = el("input", { type: "text", maxlength: "80", autocomplete: "name", placeholder: t("name"), "aria-label": t("name-label") });
  var optional = contactRequired ? "" : " " + t("contact-optional");
  var emailInput = el("input", { type: "email", maxlength: "254", autocomplete: "email", placeholder: t("email") + optional, "aria-label": t("email") });
  var phoneInput = el("input", { type: "tel", maxlength: "32", autocomplete: "tel", placeholder: t("phone") + optional, "aria-label": t("phone") });
  var textInput = el("textarea", { rows: "2", maxlength: "2000", placeholder: t("placeholder"), "aria-label": t("message-label"), required: "" });
  var send = el("button", { "class": "send", type: "submit" }, t("send"));
  var status = el("div", { "class": "note", role: "status" });
  // Replies that come while the chat is closed are announced from here.
  var announcer = el("div", { "class": "sr", "aria-live": "polite" });
  if (askName && !chat.name) form.appendChild(nameInput);
  if (!chat.contactGiven) {
    if (askEmail) form.appendChild(emailInput);
    if (askPhone) form.appendChild(phoneInput);
  }
  form.appendChild(textInput);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  box.appendChild(opener);
  box.appendChild(panel);
  box.appendChild(announcer);
  root.appendChild(style);
  root.appendChild(box);

  function show(entry) {
    log.appendChild(el("div", { "class": "msg " + (entry.me ? "me" : "them") }, entry.text));
    log.scrollTop = log.scrollHeight;
  }
  chat.history.forEach(show);
  if (!chat.history.length) log.appendChild(el("div", { "class": "note" }, t("greeting")));

  // The chat may not be used on this page (an address the owner did not
  // list): the visitor is told before they write, and nothing is sent.
  var unavailable = false;
  function becomeUnavailable() {
    unavailable = true;
    if (form.parentNode) panel.removeChild(form);
    panel.classList.add("unavailable");
    status.textContent = t("unavailable");
  }

  var unread = 0;
  var pageTitle = document.title;
  function isOpen() { return box.classList.contains("shown"); }
  function setUnread(count) {
    unread = count;
    badge.textContent = String(count);
    if (count) badge.removeAttribute("hidden"); else badge.setAttribute("hidden", "");
    opener.setAttribute("aria-label", count ? title + ", " + t("unread").replace("{n}", count) : title);
    if (notifyTitle) document.title = count ? "(" + count + ") " + pageTitle : pageTitle;
  }
  function tone() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var context = new Context();
      var beep = context.createOscillator();
      var volume = context.createGain();
      volume.gain.value = 0.05;
      beep.frequency.value = 880;
      beep.connect(volume);
      volume.connect(context.destination);
      beep.start();
      beep.stop(context.currentTime + 0.15);
      beep.onended = function () { context.close(); };
    } catch (e) { /* no sound on this browser */ }
  }

  // On a phone the on-screen keyboard covers the bottom of the layout
  // viewport: keep the open panel within what is visible.
  function fitAboveKeyboard() {
    var view = window.visualViewport;
    if (!view) return;
    var covered = Math.max(0, window.innerHeight - view.height - view.offsetTop);
    box.style.bottom = covered ? (covered + 8) + "px" : "";
    panel.style.maxHeight = isOpen() ? Math.max(200, view.height - 16) + "px" : "";
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", fitAboveKeyboard);
    window.visualViewport.addEventListener("scroll", fitAboveKeyboard);
  }

  function open() {
    box.classList.add("shown");
    opener.setAttribute("aria-expanded", "true");
    setUnread(0);
    fitAboveKeyboard();
    // Drawn while hidden, the history has no height: scroll once it shows.
    log.scrollTop = log.scrollHeight;
    if (!unavailable) (form.firstChild || textInput).focus(); else closer.focus();
  }
  function close() {
    box.classList.remove("shown");
    opener.setAttribute("aria-expanded", "false");
    fitAboveKeyboard();
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

  // The relay's reasons, in the page's language.
  function problem(response) {
    if (response.status === 429) return Promise.resolve(t("busy"));
    return response.json().then(function (body) { return body.code; }, function () { return null; })
      .then(function (code) {
        if (code === "origin_not_allowed" || code === "unknown_site") { becomeUnavailable(); return t("unavailable"); }
        if (code === "not_receiving") return t("not-receiving");
        return t("failed");
      });
  }

  // Digits with the separators people type; the owner's computer reads the number.
  function phoneLooksRight(phone) {
    var digits = phone.replace(/\D/g, "").length;
    return digits >= 6 && digits <= 17 && /^\+?[\d\s().-]+$/.test(phone);
  }
  function invalid(input, message) {
    input.setAttribute("aria-invalid", "true");
    status.textContent = message;
    input.focus();
    return false;
  }
  function contactChecked() {
    [emailInput, phoneInput].forEach(function (input) { input.removeAttribute("aria-invalid"); });
    var email = emailInput.parentNode ? emailInput.value.trim() : "";
    var phone = phoneInput.parentNode ? phoneInput.value.trim() : "";
    if (email && (!emailInput.checkValidity() || email.indexOf("@") < 1)) return invalid(emailInput, t("bad-email"));
    if (phone && !phoneLooksRight(phone)) return invalid(phoneInput, t("bad-phone"));
    var asked = emailInput.parentNode || phoneInput.parentNode;
    if (contactRequired && asked && !email && !phone) {
      return invalid(emailInput.parentNode ? emailInput : phoneInput, t("contact-needed"));
    }
    return { email: email, phone: phone };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (unavailable) return;
    var text = textInput.value.trim();
    if (!text) return;
    var contact = contactChecked();
    if (!contact) return;
    if (nameInput.value.trim()) chat.name = nameInput.value.trim();
    var body = { text: text, client_message_id: randomId() };
    if (chat.session) body.session = chat.session;
    if (chat.name) body.name = chat.name;
    if (contact.email) body.email = contact.email;
    if (contact.phone) body.phone = contact.phone;
    send.disabled = true;
    status.textContent = t("sending");
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
        if (contact.email || contact.phone) chat.contactGiven = true;
        var entry = { me: true, text: text };
        chat.history.push(entry);
        save();
        show(entry);
        textInput.value = "";
        [nameInput, emailInput, phoneInput].forEach(function (input) {
          if (input.parentNode && (input === nameInput || chat.contactGiven)) form.removeChild(input);
        });
        status.textContent = "";
        if (!polling) poll();
      });
    }, function () {
      status.textContent = t("offline");
    }).then(function () {
      send.disabled = false;
      if (!unavailable) textInput.focus();
    });
  });

  var polling = false;
  function poll() {
    if (!chat.session || unavailable) { polling = false; return; }
    polling = true;
    fetch(base + "/replies?wait=25&after=" + chat.after, {
      headers: { "x-leadbox-session": chat.session },
      credentials: "omit"
    }).then(function (response) {
      if (response.status === 410) { chat.session = null; chat.after = 0; save(); polling = false; return; }
      if (response.status === 403 || response.status === 404) { becomeUnavailable(); polling = false; return; }
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
          if (!isOpen()) {
            setUnread(unread + 1);
            announcer.textContent = t("new-reply") + " " + reply.text;
            if (notifySound) tone();
          }
        });
        save();
        setTimeout(poll, page.replies.length ? 0 : 1000);
      });
    }, function () { setTimeout(poll, 15000); });
  }

  document.body.appendChild(host);
  fetch(base + "/hello", { credentials: "omit" }).then(function (response) {
    if (response.status === 403 || response.status === 404) becomeUnavailable();
  }, function () { /* offline: sending will say so */ });
  if (chat.session) poll();
})();

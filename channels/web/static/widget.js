/*
 * govbot web chat widget. Embed on any page with one tag:
 *   <script src="https://GATEWAY/chat/widget.js" defer></script>
 * Optional attributes: data-title="…" (header text), data-open="true" (open at load),
 * data-socket="wss://…/chat/ws" (defaults to /chat/ws next to this script),
 * data-greeting="…" (the welcome line shown, with starter buttons, while the conversation is empty).
 * Plain JavaScript, no framework. Speaks the gateway's small JSON protocol (channels/web/socket.py).
 */
(function () {
  "use strict";
  if (window.govbotChat) return; // loaded twice: still one widget and one connection per tab

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var src = new URL(script ? script.src : "/chat/widget.js", location.href);
  var socketUrl = (script && script.getAttribute("data-socket")) ||
    new URL("ws", src).href.replace(/^http/, "ws");
  var title = (script && script.getAttribute("data-title")) || "ผู้ช่วยบริการประชาชน";
  var startOpen = script && script.getAttribute("data-open") === "true";
  var greeting = (script && script.getAttribute("data-greeting")) ||
    "สวัสดีค่ะ สอบถามงานราชการได้เลย พิมพ์คำถามหรือเล่าเรื่องที่เกิดขึ้น หรือเลือกหัวข้อด้านล่างค่ะ";
  // Starter buttons for an empty conversation: typed texts go through the NLU like anything typed.
  var STARTERS = [
    { title: "ทำบัตรประชาชน", payload: "ทำบัตรประชาชน" },
    { title: "ลูกเพิ่งคลอด", payload: "ลูกเพิ่งคลอด" },
    { title: "ต่อภาษีรถ", payload: "ต่อภาษีรถ" },
    { title: "ติดตามเรื่อง", payload: "/check_case_status" },
    { title: "แจ้งเรื่องร้องเรียน", payload: "/file_complaint" },
    { title: "คุยกับเจ้าหน้าที่", payload: "/request_human" }
  ];
  var storeKey = "govbot-chat:" + new URL(socketUrl).host + ":";
  var MAX_CHARS = 1000;
  var STALE_MS = 10 * 60 * 1000;
  var TYPING_MS = 60 * 1000;

  var CSS =
    '.gbc,.gbc *{box-sizing:border-box}' +
    '.gbc{font-family:"Sarabun","Noto Sans Thai","Leelawadee UI",Tahoma,sans-serif;font-size:16px;line-height:1.5;color:#1b1b1b}' +
    '.gbc button,.gbc input{font:inherit}' +
    '.gbc :focus-visible{outline:3px solid #f5a623;outline-offset:2px}' +
    '.gbc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}' +
    '.gbc-launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:12px 20px;background:#0b4f8a;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}' +
    '.gbc-panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:370px;height:min(600px,calc(100vh - 40px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}' +
    '.gbc-panel[hidden]{display:none}' +
    '.gbc-head{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#0b4f8a;color:#fff}' +
    '.gbc-head h2{flex:1;margin:0;font-size:1.05em}' +
    '.gbc-close{border:0;background:transparent;color:#fff;font-size:1.5em;line-height:1;width:44px;height:44px;cursor:pointer;border-radius:8px}' +
    '.gbc-status{font-size:.85em;padding:4px 12px;background:#fff4d6;color:#5c4300}' +
    '.gbc-status:empty{display:none}' +
    '.gbc-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f4f6f9}' +
    '.gbc-msg{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}' +
    '.gbc-bot,.gbc-welcome{align-self:flex-start;background:#fff;border:1px solid #d5dbe3}' +
    '.gbc-user{align-self:flex-end;background:#0b4f8a;color:#fff}' +
    '.gbc-user a{color:#fff}' +
    '.gbc-note{display:block;font-size:.8em;opacity:.85}' +
    '.gbc-failed{background:#8a1c1c}' +
    '.gbc-typing{padding:0 12px 6px;font-size:.9em;color:#4a5560;background:#f4f6f9;min-height:1.5em}' +
    '.gbc-replies{display:flex;flex-wrap:wrap;gap:6px;padding:8px 12px 0;background:#fff}' +
    '.gbc-replies:empty{display:none}' +
    '.gbc-reply{border:1px solid #0b4f8a;background:#fff;color:#0b4f8a;border-radius:18px;padding:6px 14px;cursor:pointer;min-height:40px}' +
    '.gbc-reply:hover{background:#e8f0f8}' +
    '.gbc-form{display:flex;gap:8px;padding:10px 12px;background:#fff;border-top:1px solid #d5dbe3}' +
    '.gbc-input{flex:1;min-width:0;border:1px solid #8a96a3;border-radius:10px;padding:8px 10px}' +
    '.gbc-send{border:0;border-radius:10px;padding:8px 16px;background:#0b4f8a;color:#fff;cursor:pointer;min-height:44px}' +
    '@media (max-width:480px){.gbc-panel{inset:0;width:100%;height:100%;height:100dvh;border-radius:0}' +
    '.gbc-launch{right:12px;bottom:12px}.gbc-msg{max-width:90%}}';

  // ---- small helpers -----------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  function load(name, fallback) {
    try {
      var raw = localStorage.getItem(storeKey + name);
      return raw == null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(storeKey + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  // Text with safe links: never innerHTML for anything that came over the network.
  function fillText(node, text) {
    var parts = String(text).split(/(https?:\/\/[^\s<>"']+)/);
    for (var i = 0; i < parts.length; i++) {
      if (i % 2) {
        var a = el("a", null, parts[i]);
        a.href = parts[i]; a.target = "_blank"; a.rel = "noopener noreferrer";
        node.appendChild(a);
      } else if (parts[i]) node.appendChild(document.createTextNode(parts[i]));
    }
  }

  // ---- state -------------------------------------------------------------------------------
  var outbox = load("outbox", []); // messages not yet answered: {id, text?|payload+title, acked}
  var shown = {}; // entry id -> element, so history and resends never show anything twice
  var ws = null, ready = false, attempt = 0, retryTimer = 0, lastButtons = [];

  // ---- DOM ---------------------------------------------------------------------------------
  var root = el("div", "gbc");
  root.lang = "th";
  var launch = el("button", "gbc-launch", "💬 สอบถามบริการ");
  launch.type = "button";
  launch.setAttribute("aria-expanded", "false");
  launch.setAttribute("aria-controls", "gbc-panel");
  var panel = el("section", "gbc-panel");
  panel.id = "gbc-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "false");
  panel.setAttribute("aria-labelledby", "gbc-title");
  var head = el("div", "gbc-head");
  var h2 = el("h2", null, title);
  h2.id = "gbc-title";
  var closeBtn = el("button", "gbc-close", "×");
  closeBtn.type = "button";
  closeBtn.setAttribute("aria-label", "ปิดหน้าต่างแชท");
  head.append(h2, closeBtn);
  var status = el("div", "gbc-status");
  status.setAttribute("role", "status");
  var log = el("div", "gbc-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "บทสนทนา");
  log.tabIndex = 0; // scrollable region reachable by keyboard
  var typing = el("div", "gbc-typing");
  typing.setAttribute("role", "status");
  var replies = el("div", "gbc-replies");
  replies.setAttribute("role", "group");
  replies.setAttribute("aria-label", "ตัวเลือกตอบด่วน");
  var form = el("form", "gbc-form");
  var label = el("label", "gbc-sr", "พิมพ์ข้อความถึงผู้ช่วย");
  label.htmlFor = "gbc-input";
  var input = el("input", "gbc-input");
  input.id = "gbc-input";
  input.type = "text";
  input.maxLength = MAX_CHARS;
  input.autocomplete = "off";
  input.setAttribute("enterkeyhint", "send");
  input.placeholder = "พิมพ์คำถาม เช่น ทำบัตรประชาชนใหม่";
  var sendBtn = el("button", "gbc-send", "ส่ง");
  sendBtn.type = "submit";
  form.append(label, input, sendBtn);
  panel.append(head, status, log, typing, replies, form);
  root.append(launch, panel);

  function open() {
    panel.hidden = false;
    launch.hidden = true;
    launch.setAttribute("aria-expanded", "true");
    scrollDown();
    input.focus();
  }
  function close() {
    panel.hidden = true;
    launch.hidden = false;
    launch.setAttribute("aria-expanded", "false");
    launch.focus();
  }
  launch.addEventListener("click", open);
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });

  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function setStatus(text) { status.textContent = text || ""; }
  function pendingReplies() {
    for (var i = 0; i < outbox.length; i++) if (outbox[i].acked) return true;
    return false;
  }
  var typingTimer = 0;
  function updateTyping(on) {
    on = on === undefined ? pendingReplies() : on;
    typing.textContent = on ? "ผู้ช่วยกำลังพิมพ์…" : "";
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { typing.textContent = ""; }, TYPING_MS);
  }

  // ---- rendering ---------------------------------------------------------------------------
  function bubble(entry) {
    var node = el("div", "gbc-msg " + (entry.role === "user" ? "gbc-user" : "gbc-bot"));
    node.setAttribute("data-id", entry.id);
    var who = el("span", "gbc-sr", entry.role === "user" ? "คุณ: " : "ผู้ช่วย: ");
    node.appendChild(who);
    fillText(node, entry.text || entry.title || "");
    if (entry.image) {
      var img = el("img");
      img.src = entry.image; img.alt = "รูปภาพจากผู้ช่วย"; img.style.maxWidth = "100%";
      node.appendChild(img);
    }
    return node;
  }
  // Confirmed entries go before messages that exist only in this browser so far.
  function place(entry) {
    if (shown[entry.id]) return shown[entry.id];
    if (entry.role === "bot" && !entry.text && !entry.image) return null; // answered with nothing
    var node = bubble(entry);
    var local = log.querySelector(".gbc-local");
    log.insertBefore(node, local);
    shown[entry.id] = node;
    return node;
  }
  function note(node, text) {
    var n = node.querySelector(".gbc-note");
    if (!text) { if (n) n.remove(); return; }
    if (!n) { n = el("span", "gbc-note"); node.appendChild(n); }
    n.textContent = text;
  }
  function showLocal(item) {
    var node = shown[item.id];
    if (!node) {
      node = bubble({ id: item.id, role: "user", text: item.text, title: item.title });
      node.classList.add("gbc-local");
      log.appendChild(node);
      shown[item.id] = node;
    }
    note(node, item.acked ? "" : ready ? "กำลังส่ง…" : "ยังไม่ได้ส่ง จะส่งเมื่อเชื่อมต่อได้");
    return node;
  }
  function setButtons(buttons) {
    lastButtons = buttons || [];
    replies.textContent = "";
    lastButtons.forEach(function (b) {
      var btn = el("button", "gbc-reply", b.title);
      btn.type = "button";
      btn.addEventListener("click", function () { queue({ payload: b.payload, title: b.title }); input.focus(); });
      replies.appendChild(btn);
    });
  }

  // An empty conversation opens with a welcome and starter buttons instead of a blank panel; the
  // welcome is local (never sent, never in the history) and goes once the conversation has entries.
  var welcome = null;
  function showWelcome() {
    if (welcome || log.querySelector(".gbc-msg") || outbox.length) return;
    welcome = el("div", "gbc-msg gbc-welcome");
    welcome.appendChild(el("span", "gbc-sr", "ผู้ช่วย: "));
    fillText(welcome, greeting);
    log.insertBefore(welcome, log.firstChild);
    if (!lastButtons.length) setButtons(STARTERS);
  }
  function dropWelcome() {
    if (!welcome) return;
    welcome.remove();
    welcome = null;
    if (lastButtons === STARTERS) setButtons([]);
  }

  // ---- sending -----------------------------------------------------------------------------
  function persist() { save("outbox", outbox); }
  function transmit(item) {
    if (!ready) return;
    var frame = { type: "message", id: item.id };
    if (item.payload) { frame.payload = item.payload; frame.title = item.title; } else frame.text = item.text;
    ws.send(JSON.stringify(frame));
  }
  function queue(item) {
    item.id = newId();
    item.acked = false;
    outbox.push(item);
    persist();
    setButtons([]);
    showLocal(item);
    scrollDown();
    transmit(item);
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    queue({ text: text });
  });
  function drop(id) {
    outbox = outbox.filter(function (m) { return m.id !== id; });
    persist();
  }
  function find(id) {
    for (var i = 0; i < outbox.length; i++) if (outbox[i].id === id) return outbox[i];
    return null;
  }

  // ---- protocol ----------------------------------------------------------------------------
  function settle(id) {
    var node = shown[id];
    if (node) { node.classList.remove("gbc-local"); note(node, ""); }
  }
  function onBot(replyTo, entries) {
    settle(replyTo); // the question goes above its answer
    drop(replyTo);
    var last = null;
    entries.forEach(function (e) { place(e); last = e; });
    if (last && !outbox.length) setButtons(last.buttons);
    updateTyping();
    scrollDown();
  }
  var handlers = {
    session: function (f) {
      save("session", f.session);
      if (f.max_chars) input.maxLength = f.max_chars;
      ready = true;
      root.setAttribute("data-state", "connected");
      attempt = 0;
      setStatus("");
    },
    history: function (f) {
      var answered = {};
      if (f.entries.length) dropWelcome();
      f.entries.forEach(function (e) {
        if (e.role === "bot") { answered[e.reply_to] = true; settle(e.reply_to); }
        place(e);
        if (e.role === "user") settle(e.id);
      });
      // Answered, or accepted so long ago that the server has given up on it: stop resending.
      var stale = Date.now() - STALE_MS;
      outbox.filter(function (m) { return answered[m.id] || (m.ackedAt && m.ackedAt < stale); })
        .forEach(function (m) { drop(m.id); });
      var last = f.entries[f.entries.length - 1];
      if (last && last.role === "bot" && !outbox.length) setButtons(last.buttons);
      // Everything not yet answered is sent again; the server knows each id and never answers twice.
      outbox.forEach(function (m) { showLocal(m); transmit(m); });
      if (!f.entries.length) showWelcome();
      updateTyping();
      scrollDown();
    },
    ack: function (f) {
      var item = find(f.id);
      if (item) { item.acked = true; item.ackedAt = Date.now(); persist(); }
      settle(f.id);
      updateTyping();
    },
    user: function (f) { place(f.entry); settle(f.entry.id); scrollDown(); }, // sent from another tab
    typing: function (f) { updateTyping(f.on || pendingReplies()); },
    bot: function (f) { onBot(f.reply_to, f.entries); },
    error: function (f) {
      var item = f.id && find(f.id);
      if (item && (f.code === "rate_limited" || f.code === "unavailable")) {
        note(shown[item.id], f.message);
        setTimeout(function () { if (find(item.id)) transmit(item); }, Math.max(1000, (f.retry_after || 2) * 1000));
      } else if (item) {
        drop(item.id);
        var node = shown[item.id];
        node.classList.remove("gbc-local");
        node.classList.add("gbc-failed");
        note(node, f.message);
      } else setStatus(f.message);
      updateTyping();
    },
    pong: function () {}
  };

  // ---- connection: one socket per tab, reconnect with exponential backoff and jitter --------------
  function connect() {
    if (ws && ws.readyState <= 1) return;
    clearTimeout(retryTimer);
    if (attempt) setStatus("กำลังเชื่อมต่อใหม่…");
    var sock = new WebSocket(socketUrl);
    ws = sock;
    root.setAttribute("data-state", "connecting");
    sock.onopen = function () { sock.send(JSON.stringify({ type: "hello", session: load("session", null) })); };
    sock.onmessage = function (ev) {
      if (sock !== ws) return;
      var frame;
      try { frame = JSON.parse(ev.data); } catch (e) { return; }
      var handle = handlers[frame.type];
      if (handle) handle(frame);
    };
    sock.onclose = function () {
      if (sock !== ws) return;
      ws = null;
      ready = false;
      root.setAttribute("data-state", "offline");
      outbox.forEach(showLocal);
      var delay = Math.min(15000, 500 * Math.pow(2, attempt++));
      delay = delay / 2 + Math.random() * delay / 2;
      setStatus("ขาดการเชื่อมต่อ กำลังลองใหม่… ข้อความที่พิมพ์ไว้จะส่งเมื่อเชื่อมต่อได้");
      retryTimer = setTimeout(connect, delay);
    };
  }
  window.addEventListener("online", function () { attempt = 0; connect(); });

  function start() {
    var style = el("style", null, CSS);
    document.head.appendChild(style);
    document.body.appendChild(root);
    outbox.forEach(showLocal);
    showWelcome(); // at once, also offline; the history replaces it when there is a conversation
    connect();
    if (startOpen) open();
  }
  window.govbotChat = {
    open: open,
    close: close,
    isConnected: function () { return ready; },
    // For tests and operators: drop the socket as a network failure would.
    disconnect: function () { if (ws) ws.close(); }
  };
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();

// The inbox page (staff/views/inbox.py): lists kept live from the API's event stream, one conversation
// at a time, every action through the JSON API under /staff/api/ with the session's CSRF token.
// Everything shown is set with textContent, never as HTML: transcripts hold what citizens typed.
(() => {
  "use strict";
  const root = document.getElementById("inbox");
  if (!root) return;
  const api = root.dataset.api;
  const csrf = root.dataset.csrf;
  const me = root.dataset.me;
  const labels = JSON.parse(document.getElementById("inbox-labels").textContent);
  const $ = (id) => document.getElementById(id);
  const KEYS = ["waiting", "mine", "others", "closed"];
  const AUTHORS = { citizen: "ประชาชน", bot: "บอท", staff: "เจ้าหน้าที่", note: "โน้ตภายใน", system: "ระบบ" };
  const DELIVERY = { pending: "รอส่ง", sent: "ส่งแล้ว", failed: "ส่งไม่สำเร็จ" };
  const KINDS = { image: "[รูปภาพ]", sticker: "[สติกเกอร์]", location: "[ตำแหน่งที่ตั้ง]" };
  let selected = null; // the open handover's id
  let seen = ""; // its version and last line id, to reload the transcript only when it moved
  let serviceTitle = ""; // the Thai title of the service asked about, from its published record
  const baseTitle = document.title;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function say(message, isError) {
    const box = $(isError ? "inbox-error" : "inbox-status");
    const other = $(isError ? "inbox-status" : "inbox-error");
    other.hidden = true;
    box.textContent = message;
    box.hidden = !message;
  }

  async function call(method, path, body) {
    const options = { method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(api + path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || "เกิดข้อผิดพลาด (" + response.status + ")");
    return data;
  }

  function time(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleTimeString("th-TH", { timeZone: "Asia/Bangkok", hour: "2-digit", minute: "2-digit" });
  }

  function summary(h) {
    const parts = [labels.channels[h.channel] || h.channel, labels.reasons[h.reason] || h.reason];
    if (h.service_id) parts.push(h.service_id);
    if (h.agent && !h.mine) parts.push(h.agent);
    return parts.join(" · ");
  }

  function renderLists(lists) {
    for (const key of KEYS) {
      const items = (lists[key] || []).map((h) => {
        const li = el("li");
        const button = el("button", "h-item");
        button.type = "button";
        button.dataset.id = String(h.id);
        button.setAttribute("aria-pressed", String(h.id === selected));
        button.append(el("strong", "", "#" + h.id), " " + summary(h));
        li.append(button);
        return li;
      });
      $("list-" + key).replaceChildren(...items);
      $("count-" + key).textContent = "(" + items.length + ")";
    }
    const waiting = (lists.waiting || []).length;
    document.title = (waiting ? "(" + waiting + ") " : "") + baseTitle;
  }

  function renderConversation(t) {
    const h = t.handover;
    seen = h.version + ":" + h.last_message_id;
    $("conversation").hidden = false;
    $("conv-title").textContent = "การสนทนา #" + h.id + (h.agent ? " · ผู้รับเรื่อง " + h.agent : "");
    $("conv-channel").textContent = labels.channels[h.channel] || h.channel;
    $("conv-reason").textContent = labels.reasons[h.reason] || h.reason;
    $("conv-intent").textContent = h.intent || "—";
    $("conv-service").textContent = h.service_id ? (serviceTitle ? serviceTitle + " (" + h.service_id + ")" : h.service_id) : "—";
    $("conv-status").textContent = (labels.statuses[h.status] || h.status) +
      (h.resolution ? " (" + (labels.resolutions[h.resolution] || h.resolution) + ")" : "");
    const lines = t.lines.map((line) => {
      const li = el("li", line.author);
      let who = AUTHORS[line.author] || line.author;
      if (line.staff) who += " " + line.staff;
      who += " · " + time(line.created_at);
      if (line.delivery_state) who += " · " + (DELIVERY[line.delivery_state] || line.delivery_state);
      li.append(el("span", "who", who));
      if (line.kind === "image" && line.media_ref && line.media_ref.startsWith("photo:")) {
        const img = el("img", "photo");
        img.src = api + "handovers/" + h.id + "/lines/" + line.id + "/photo";
        img.alt = "รูปภาพจากประชาชน";
        li.append(img);
      } else {
        li.append(line.text || KINDS[line.kind] || "");
      }
      return li;
    });
    const box = $("transcript");
    box.replaceChildren(...lines);
    box.scrollTop = box.scrollHeight;
    const open = h.status === "waiting" || h.status === "active";
    const mine = h.status === "active" && h.agent === me;
    $("claim").hidden = h.status !== "waiting";
    $("reply-form").hidden = !mine;
    $("canned").hidden = !mine || !$("canned-list").children.length;
    $("note-form").hidden = !open;
    $("transfer-form").hidden = !open || (h.status === "active" && !mine);
    $("close-form").hidden = !mine;
    for (const button of document.querySelectorAll(".h-item")) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.id) === h.id));
    }
  }

  async function openConversation(id) {
    selected = id;
    say("", false);
    say("", true);
    const [t, canned, cases] = await Promise.all([
      call("GET", "handovers/" + id + "/transcript"),
      call("GET", "handovers/" + id + "/canned-answers").catch(() => ({ answers: [], service_title: null })),
      call("GET", "handovers/" + id + "/cases").catch(() => ({ cases: [] })),
    ]);
    $("cases-list").replaceChildren(...cases.cases.map((c) => el("li", "", [
      c.reference,
      labels.case_kinds[c.kind] || c.kind,
      c.service_id,
      labels.agencies[c.agency] || c.agency,
      labels.case_statuses[c.status] || c.status,
    ].join(" · "))));
    $("cases-none").hidden = cases.cases.length > 0;
    const list = canned.answers.map((text) => {
      const li = el("li");
      const button = el("button", "", text);
      button.type = "button";
      button.addEventListener("click", () => {
        $("reply-text").value = text;
        $("reply-text").focus();
      });
      li.append(button);
      return li;
    });
    $("canned-list").replaceChildren(...list);
    serviceTitle = canned.service_title || "";
    renderConversation(t);
  }

  async function refresh() {
    if (selected === null) return;
    renderConversation(await call("GET", "handovers/" + selected + "/transcript"));
  }

  function act(promise, done) {
    promise.then((result) => { if (done) say(done, false); return refresh().then(() => result); })
      .catch((error) => say(error.message, true));
  }

  document.querySelector(".inbox-lists").addEventListener("click", (event) => {
    const button = event.target.closest(".h-item");
    if (button) openConversation(Number(button.dataset.id)).catch((error) => say(error.message, true));
  });
  $("claim").addEventListener("click", () => act(call("POST", "handovers/" + selected + "/claim"), "รับเรื่องแล้ว"));
  $("reply-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("reply-text").value;
    act(call("POST", "handovers/" + selected + "/messages", { text }).then(() => { $("reply-text").value = ""; }), "");
  });
  $("note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("note-text").value;
    act(call("POST", "handovers/" + selected + "/note", { text }).then(() => { $("note-text").value = ""; }), "บันทึกโน้ตแล้ว");
  });
  $("transfer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const agency = $("transfer-agency").value;
    call("POST", "handovers/" + selected + "/transfer", { agency })
      .then(() => { say("โอนเรื่องแล้ว", false); return refresh().catch(() => { $("conversation").hidden = true; selected = null; }); })
      .catch((error) => say(error.message, true));
  });
  $("close-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const resolution = $("close-resolution").value;
    act(call("POST", "handovers/" + selected + "/close", { resolution }), "ปิดการสนทนาแล้ว ระบบจะขอให้ประชาชนให้คะแนน");
  });
  $("presence-toggle").addEventListener("click", () => {
    const button = $("presence-toggle");
    const next = button.dataset.status === "available" ? "away" : "available";
    call("PUT", "presence", { status: next }).then((data) => {
      button.dataset.status = data.status;
      $("presence-label").textContent = data.status === "available" ? "พร้อมรับเรื่อง" : "ไม่อยู่";
      button.textContent = data.status === "available" ? "เปลี่ยนเป็นไม่อยู่" : "เปลี่ยนเป็นพร้อมรับเรื่อง";
    }).catch((error) => say(error.message, true));
  });

  const events = new EventSource(api + "handovers/stream");
  events.addEventListener("handovers", (event) => {
    const lists = JSON.parse(event.data);
    renderLists(lists);
    root.dataset.live = "1";
    $("live-state").textContent = "อัปเดตอัตโนมัติ";
    if (selected === null) return;
    const found = KEYS.flatMap((key) => lists[key]).find((h) => h.id === selected);
    if (!found) {
      // Transferred to another agency's queue (or out of the recent list): no longer this inbox's.
      $("conversation").hidden = true;
      selected = null;
    } else if (found.version + ":" + found.last_message_id !== seen) {
      refresh().catch(() => {});
    }
  });
  events.addEventListener("signed_out", () => { events.close(); window.location.reload(); });
  events.addEventListener("error", () => { $("live-state").textContent = "การเชื่อมต่อขาด กำลังเชื่อมใหม่…"; });
})();

// The statistics page (staff/views/dashboard.py): draws the charts from the figures the page embeds
// (#stats-data, analytics.measures.stats()) with the vendored Chart.js, and opens the drill-down: a
// click on a figure or a bar fetches the conversations behind it (/stats/drilldown.json, same origin)
// and lists them. Every text goes in through textContent, never as HTML.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  const source = document.getElementById("stats-data");
  if (!root || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const figures = data.figures;
  if (!figures) return;
  const labels = data.labels;
  const params = data.params;
  const errorBox = document.getElementById("dashboard-error");
  const COLOURS = { line: "#06c755", sms: "#f59f00", web: "#0b5cad" };
  const PALETTE = ["#0b5cad", "#2f9e44", "#f59f00", "#c2255c", "#7048e8", "#1098ad", "#868e96", "#e8590c"];
  const numberTh = new Intl.NumberFormat("th-TH");
  const charts = {};

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false; // drawn at once: a filter change shows its figures straight away
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.scales.linear.ticks.precision = 0; // counts: no 0.5 conversations on an axis

  function channelLabel(key) { return labels.channels[key] || key; }
  // Intents by their Thai name (bot/intent_labels_th.yml); the raw name is in the tooltip and the CSV.
  function intentLabel(key) { return (labels.intents || {})[key] || key; }
  function shortDate(iso) { const [, m, d] = iso.split("-"); return d + "/" + m; }

  function draw(id, config, onPick) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    if (onPick) {
      config.options = config.options || {};
      config.options.onClick = function (event, elements) {
        if (elements.length) onPick(elements[0]);
      };
      config.options.onHover = function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      };
    }
    charts[id] = new Chart(canvas, config);
  }

  function empty(id, isEmpty) {
    const box = document.getElementById(id).closest("figure");
    let note = box.querySelector(".hint.empty");
    if (isEmpty && !note) {
      note = document.createElement("p");
      note.className = "hint empty";
      note.textContent = "ไม่มีข้อมูลในช่วงนี้";
      box.appendChild(note);
    }
  }

  // 1. Conversations per day by channel (stacked bars): a click lists that day's conversations.
  const days = figures.by_day.map((d) => d.date);
  const channels = [...new Set(data.daily.map((r) => r.channel))];
  draw("chart-daily", {
    type: "bar",
    data: {
      labels: days.map(shortDate),
      datasets: channels.map((ch) => ({
        label: channelLabel(ch),
        backgroundColor: COLOURS[ch] || "#868e96",
        data: days.map((day) => {
          const row = data.daily.find((r) => r.date === day && r.channel === ch);
          return row && row.conversations ? row.conversations : 0;
        }),
      })),
    },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: "การสนทนา" } } },
      plugins: { tooltip: { callbacks: { title: (items) => "วันที่ " + days[items[0].dataIndex] } } },
    },
  }, (el) => drill("day", days[el.index], "วันที่ " + days[el.index]));
  empty("chart-daily", figures.conversations === 0);

  // 2. The hour-of-day profile.
  const hours = figures.by_hour.map((h) => h.hour);
  draw("chart-hourly", {
    type: "bar",
    data: {
      labels: hours.map((h) => String(h).padStart(2, "0") + ":00"),
      datasets: [{ label: "การสนทนา", backgroundColor: "#0b5cad", data: figures.by_hour.map((h) => h.conversations) }],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  }, (el) => drill("hour", String(hours[el.index]), "ช่วง " + String(hours[el.index]).padStart(2, "0") + ":00 น."));
  empty("chart-hourly", figures.conversations === 0);

  // 3. Top intents (horizontal bars).
  const intents = figures.top_intents;
  draw("chart-intents", {
    type: "bar",
    data: {
      labels: intents.map((i) => intentLabel(i.intent)),
      datasets: [{ label: "ข้อความ", backgroundColor: "#7048e8", data: intents.map((i) => i.count) }],
    },
    options: {
      indexAxis: "y",
      scales: { x: { beginAtZero: true } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: (items) => intentLabel(intents[items[0].dataIndex].intent) + " (" + intents[items[0].dataIndex].intent + ")" } },
      },
    },
  }, (el) => drill("intent", intents[el.index].intent, "เจตนา " + intentLabel(intents[el.index].intent)));
  empty("chart-intents", intents.length === 0);

  // 4. Top services, each bar split by the aspect asked (documents, fee, place…).
  const services = figures.top_services;
  const aspectKeys = [...new Set(services.flatMap((s) => Object.keys(s.aspects || {})))];
  const aspectSets = aspectKeys.map((key, i) => ({
    label: labels.aspects[key] || key,
    backgroundColor: PALETTE[i % PALETTE.length],
    data: services.map((s) => (s.aspects || {})[key] || 0),
  }));
  aspectSets.push({
    label: "ไม่ระบุประเด็น",
    backgroundColor: "#adb5bd",
    data: services.map((s) => Math.max(0, s.count - Object.values(s.aspects || {}).reduce((a, b) => a + b, 0))),
  });
  const serviceName = (s) => data.titles[s.service_id] || s.service_id;
  draw("chart-services", {
    type: "bar",
    data: { labels: services.map(serviceName), datasets: aspectSets },
    options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } } },
  }, (el) => drill("service", services[el.index].service_id, "บริการ " + serviceName(services[el.index])));
  empty("chart-services", services.length === 0);

  // 5. Handover reasons (doughnut).
  const reasons = Object.entries(figures.handover_reasons || {});
  draw("chart-reasons", {
    type: "doughnut",
    data: {
      labels: reasons.map(([key]) => labels.reasons[key] || key),
      datasets: [{ data: reasons.map(([, n]) => n), backgroundColor: reasons.map((_, i) => PALETTE[i % PALETTE.length]) }],
    },
    options: { plugins: { legend: { position: "right" } } },
  }, (el) => drill("reason", reasons[el.index][0], "ส่งต่อเพราะ" + (labels.reasons[reasons[el.index][0]] || reasons[el.index][0])));
  empty("chart-reasons", reasons.length === 0);

  // 6. Complaints per category (summed over the agencies in scope).
  const byCategory = {};
  for (const c of figures.complaints || []) byCategory[c.category] = (byCategory[c.category] || 0) + c.count;
  const categories = Object.entries(byCategory).sort((a, b) => b[1] - a[1]);
  draw("chart-complaints", {
    type: "bar",
    data: {
      labels: categories.map(([key]) => labels.categories[key] || key),
      datasets: [{ label: "เรื่องร้องเรียน", backgroundColor: "#c2255c", data: categories.map(([, n]) => n) }],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  });
  empty("chart-complaints", categories.length === 0);
  root.dataset.rendered = String(Object.keys(charts).length);

  // The channel and agency selects apply at once (the dates wait for the button).
  for (const id of ["f-channel", "f-agency"]) {
    const select = document.getElementById(id);
    if (select) select.addEventListener("change", () => select.form.requestSubmit());
  }

  // -- drill-down ---------------------------------------------------------------------------------
  const drillBox = document.getElementById("drill");
  const drillBody = document.querySelector("#drill-table tbody");
  const drillSummary = document.getElementById("drill-summary");
  const drillMore = document.getElementById("drill-more");
  const drillCsv = document.getElementById("drill-csv");
  let current = null;

  for (const button of document.querySelectorAll("#headline button.figure")) {
    button.addEventListener("click", () => {
      const label = button.querySelector(".label").textContent;
      drill(button.dataset.kind, "", labels.figures[button.dataset.kind] || label);
    });
  }
  drillMore.addEventListener("click", () => current && load(current.offset));

  function query(kind, key, offset) {
    const q = new URLSearchParams(params);
    q.set("kind", kind);
    if (key) q.set("key", key);
    if (offset) q.set("offset", String(offset));
    return q;
  }

  function drill(kind, key, title) {
    current = { kind, key, title, offset: 0 };
    drillBody.replaceChildren();
    document.getElementById("drill-title").textContent = "การสนทนาเบื้องหลัง: " + title;
    drillCsv.href = root.dataset.drillCsv + "?" + query(kind, key, 0).toString();
    drillBox.hidden = false;
    load(0);
  }

  async function load(offset) {
    const asked = current;
    errorBox.hidden = true;
    drillSummary.textContent = "กำลังโหลด…";
    let body;
    try {
      const response = await fetch(root.dataset.drill + "?" + query(asked.kind, asked.key, offset).toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      body = await response.json();
      if (!response.ok) throw new Error(body.detail || "โหลดไม่สำเร็จ");
    } catch (err) {
      errorBox.textContent = "ดูรายละเอียดไม่ได้: " + err.message;
      errorBox.hidden = false;
      drillSummary.textContent = "";
      return;
    }
    if (asked !== current) return; // another figure was clicked meanwhile
    for (const conv of body.conversations) drillBody.appendChild(row(conv));
    current.offset = offset + body.conversations.length;
    drillSummary.textContent =
      "ทั้งหมด " + numberTh.format(body.total) + " การสนทนา · แสดง " + numberTh.format(current.offset);
    drillMore.hidden = current.offset >= body.total;
    drillBox.scrollIntoView({ block: "start" });
  }

  function cell(text, tag) {
    const td = document.createElement(tag || "td");
    td.textContent = text;
    return td;
  }

  function time(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : ""; }

  function row(conv) {
    const tr = document.createElement("tr");
    tr.className = "drill-row";
    const id = document.createElement("td");
    const code = document.createElement("code");
    code.textContent = conv.conversation;
    id.appendChild(code);
    const outcome = [];
    if (conv.handover) outcome.push("ส่งต่อเจ้าหน้าที่");
    else if (!conv.contained) outcome.push("กลับมาถามใหม่ภายใน 24 ชม.");
    else outcome.push("บอทจบเรื่องได้เอง");
    if (conv.returning) outcome.push("ผู้ใช้เดิม");
    tr.append(id, cell(channelLabel(conv.channel)), cell(time(conv.started_at)), cell(outcome.join(" · ")));
    const turns = document.createElement("td");
    const list = document.createElement("ol");
    list.className = "turns";
    for (const t of conv.turns) {
      const li = document.createElement("li");
      li.appendChild(document.createTextNode(time(t.at).slice(11)));
      if (t.intent) {
        const intent = document.createElement("span");
        intent.className = "intent";
        intent.title = t.intent; // the raw name, as in the CSV
        intent.textContent = " · เจตนา " + intentLabel(t.intent) + (t.confidence != null ? " (" + Math.round(t.confidence * 100) + "%)" : "");
        li.appendChild(intent);
      }
      const parts = [""];
      if (t.answer) parts.push("→ " + t.answer);
      if (t.service_id) parts.push("บริการ " + (data.titles[t.service_id] || t.service_id));
      if (t.aspect) parts.push("ประเด็น " + (labels.aspects[t.aspect] || t.aspect));
      if (parts.length > 1) li.appendChild(document.createTextNode(parts.join(" · ")));
      for (const [flag, text] of [[t.fallback, "บอทไม่เข้าใจ"], [t.handover, "ส่งต่อเจ้าหน้าที่"]]) {
        if (!flag) continue;
        const span = document.createElement("span");
        span.className = "flag";
        span.textContent = " [" + text + "]";
        li.appendChild(span);
      }
      if (t.masked_text) {
        const masked = document.createElement("span");
        masked.className = "masked";
        masked.textContent = "“" + t.masked_text + "”";
        li.appendChild(masked);
      }
      list.appendChild(li);
    }
    if (conv.turn_count > conv.turns.length) {
      const li = document.createElement("li");
      li.className = "hint";
      li.textContent = "และอีก " + numberTh.format(conv.turn_count - conv.turns.length) + " รอบ";
      list.appendChild(li);
    }
    turns.appendChild(list);
    tr.appendChild(turns);
    return tr;
  }
})();

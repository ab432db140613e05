// The report page: highlights, crops on hover/focus, findings that link to their cells,
// and the "doubtful only" mode driven from the keyboard. Every text from the database is
// put into the page with textContent (never as HTML). State changes go to the server as
// JSON POSTs carrying the session token; the server answers with the report's new state.
"use strict";

(() => {
  let state = JSON.parse(document.getElementById("state").textContent);
  const base = `/report/${encodeURIComponent(state.report.sha256)}/${state.report.first_page}`;
  const $ = (id) => document.getElementById(id);
  const mode = { on: false, key: null, extra: null };

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  const cellNode = (key) => document.getElementById(`cell-${key}`);
  const cropUrl = (key) => `/crop/${encodeURIComponent(state.report.sha256)}/${state.report.first_page}/${encodeURIComponent(key)}`;
  const hasCrop = (key) => state.source.found && state.cells[key] && state.cells[key].has_crop;

  // ------------------------------------------------------------------ drawing

  function drawCells() {
    const doubtful = new Set(state.doubtful.map((d) => d.key));
    for (const [key, cell] of Object.entries(state.cells)) {
      const node = cellNode(key);
      if (!node) continue;
      node.textContent = cell.value;
      node.className = ["v", ...cell.classes, doubtful.has(key) ? "doubt" : "", mode.on && key === mode.key ? "current" : ""]
        .filter(Boolean).join(" ");
    }
  }

  // The report's state from the rule accounting in effect: broken, unchecked (its own state:
  // a blank or unreadable cell leaves rules unchecked, never "all hold"), or holding.
  function drawStatus() {
    const r = state.report;
    const s = state.status;
    const status = $("report-status");
    status.textContent = "";
    status.className = "status " + ({ broken: "bad", holds: "good" }[s.state] || "unsure");
    status.dataset.state = s.state;
    status.append(
      `${s.zh} ${s.en}`,
      ` · 错误 ${r.errors} errors · 警告 ${r.warnings} warnings · 可疑单元格 ${state.doubtful.length} doubtful cells`,
    );
    $("reviewed-note").textContent = r.reviewed_at ? `已审核 Reviewed by ${r.reviewed_by} at ${r.reviewed_at}` : "未审核 Not reviewed yet";
    $("reviewed-button").hidden = Boolean(r.reviewed_at);
    $("unmark-button").hidden = !r.reviewed_at;
  }

  function cellLink(key) {
    const label = state.cells[key] ? state.cells[key].label : key;
    const link = el("a", { href: `#cell-${key}`, class: "cell-link", text: label });
    link.addEventListener("click", (event) => {
      event.preventDefault();
      focusCell(key);
    });
    return link;
  }

  function drawFindings() {
    const list = $("findings-list");
    list.textContent = "";
    const order = { error: 0, warning: 1, info: 2 };
    const findings = [...state.findings].sort((a, b) => order[a.severity] - order[b.severity]);
    for (const f of findings) {
      const item = el("li", { class: f.severity },
        el("span", { class: "badge", text: f.severity_words }), " ",
        el("code", { text: f.rule }), " ",
        el("span", { text: f.message }),
        el("div", { class: "en", text: f.message_en }));
      if (f.cells.length) {
        const links = el("div", { class: "links" });
        f.cells.forEach((key, i) => {
          if (i) links.append(" · ");
          links.append(cellLink(key));
        });
        item.append(links);
        item.addEventListener("mouseenter", () => f.cells.forEach((k) => cellNode(k) && cellNode(k).classList.add("linked")));
        item.addEventListener("mouseleave", () => f.cells.forEach((k) => cellNode(k) && cellNode(k).classList.remove("linked")));
      }
      list.append(item);
    }
    if (!findings.length) list.append(el("li", { text: "没有发现 No findings" }));
  }

  function drawCorrections() {
    const list = $("corrections-list");
    list.textContent = "";
    // Each decision in words (never its stored JSON).
    for (const c of [...state.corrections].reverse()) {
      list.append(el("li", {}, cellLink(c.key),
        el("span", { class: "what", text: ` ${c.what_zh} / ${c.what_en}` }),
        el("span", { text: ` · ${c.reviewer} · ${c.at}${c.note ? " · " + c.note : ""}` })));
    }
    if (!state.corrections.length) list.append(el("li", { text: "尚无 None yet" }));
  }

  // `withExpected`: the value this rule alone would give the cell, shown only when the rules
  // determine the cell's value (several cells that could each explain a broken rule get none).
  function describeRule(rule, withExpected = false) {
    const states = { holds: "✓ 成立 holds", broken: "✗ 不成立 broken", unchecked: "? 无法核对 unchecked" };
    const sums = rule.parts === null || rule.totals === null ? "" : ` (${fmt(rule.parts)} vs ${fmt(rule.totals)})`;
    const item = el("li", { class: rule.state },
      el("b", { text: states[rule.state] }), " ", el("span", { text: rule.label }), el("span", { class: "sums", text: sums }));
    if (withExpected && rule.expected_text) item.append(el("div", { class: "expected", text: `其余单元格无误时此格应为 ${rule.expected_text} (this cell, the others as they are)` }));
    return item;
  }

  const fmt = (x) => (Number.isInteger(x) ? String(x) : String(Math.round(x * 1e6) / 1e6));

  function drawDoubtful() {
    const panel = $("doubtful-panel");
    panel.hidden = !mode.on;
    document.body.classList.toggle("doubtful-only", mode.on);
    if (!mode.on) return;
    const item = mode.key && (state.doubtful.find((d) => d.key === mode.key) || (mode.extra && mode.extra.key === mode.key ? mode.extra : null));
    const key = mode.key;
    if (!key) {
      $("doubtful-position").textContent = "";
      $("doubtful-label").textContent = "没有待审的可疑单元格 No doubtful cells left: mark the report reviewed";
      for (const id of ["doubtful-read", "doubtful-value", "doubtful-expected", "doubtful-certainty"]) $(id).textContent = "";
      $("doubtful-rules").textContent = "";
      $("doubtful-candidates").textContent = "";
      document.querySelector("#doubtful-panel .crop-box").hidden = true;
      document.querySelector("#doubtful-panel .cell-facts").hidden = true;
      return;
    }
    document.querySelector("#doubtful-panel .crop-box").hidden = false;
    document.querySelector("#doubtful-panel .cell-facts").hidden = false;
    const cell = state.cells[key];
    const index = state.doubtful.findIndex((d) => d.key === key);
    $("doubtful-position").textContent = index >= 0 ? `${index + 1} / ${state.doubtful.length}` : "· 不在可疑列表 not a doubtful one";
    $("doubtful-label").textContent = cell.label;
    const crop = $("doubtful-crop");
    if (hasCrop(key)) {
      crop.hidden = false;
      $("doubtful-crop-missing").hidden = true;
      if (crop.dataset.key !== key) {
        crop.src = cropUrl(key);
        crop.dataset.key = key;
      }
    } else {
      crop.hidden = true;
      $("doubtful-crop-missing").hidden = false;
    }
    crop.onerror = () => sourceLost(key);
    const confidence = cell.confidence === null ? "" : ` · 置信度 confidence ${cell.confidence.toFixed(2)}`;
    $("doubtful-read").textContent = cell.source ? `“${cell.printed}” → ${cell.read || "空 blank"}${confidence}` : "未印 nothing printed";
    $("doubtful-value").textContent = (cell.value || "空 blank") + (cell.decision ? ` (${cell.decision.changed ? "更正 corrected" : "确认 confirmed"} · ${cell.decision.reviewer})` : "");
    drawSuggestion(item && item.suggestion);
    const rules = $("doubtful-rules");
    rules.textContent = "";
    const determined = Boolean(item && item.suggestion && item.suggestion.certainty === "determined");
    for (const rule of item ? item.rules : []) rules.append(describeRule(rule, determined));
    if (item && !item.rules.length) rules.append(el("li", { text: "没有涉及此格的勾稽关系 No rule involves this cell" }));
    // Other findings naming this cell (its reading, the prose, plausibility), beside the rules.
    const ruleIds = new Set((item ? item.rules : []).map((r) => r.rule));
    for (const index of item ? item.findings : []) {
      const f = state.findings[index];
      if (f && !ruleIds.has(f.rule)) {
        rules.append(el("li", { class: f.severity }, el("b", { text: `${f.severity_words} ` }), el("span", { text: f.message }),
          el("div", { class: "en", text: f.message_en })));
      }
    }
    if (cell.repair) rules.append(el("li", { class: "repair", text: `自动修正 repaired: ${cell.repair}` }));
  }

  // What the rules say this cell should be: a value only when they determine it for this
  // cell alone; otherwise how sure they are and the candidate cells, each with the value
  // that would make the rules hold.
  function drawSuggestion(suggestion) {
    const certainty = $("doubtful-certainty");
    const list = $("doubtful-candidates");
    certainty.textContent = "";
    list.textContent = "";
    $("doubtful-expected").textContent = suggestion && suggestion.certainty === "determined" ? suggestion.value : "—";
    if (!suggestion || suggestion.certainty === "none") return;
    certainty.className = `certainty ${suggestion.certainty}`;
    certainty.append(el("span", { text: suggestion.zh }), el("div", { class: "en", text: suggestion.en }));
    if (suggestion.certainty !== "candidates") return;
    for (const c of suggestion.candidates) {
      const link = cellLink(c.key);
      link.textContent = c.label;
      const doubt = c.doubtful_reading ? " · 读数可疑 doubtful reading" : "";
      list.append(el("li", { "data-key": c.key }, link, el("span", { text: ` → ${c.value}` }),
        el("span", { class: "doubt-note", text: doubt })));
    }
  }

  function drawAll() {
    drawCells();
    drawStatus();
    drawFindings();
    drawCorrections();
    drawDoubtful();
  }

  // ------------------------------------------------------------------ crops on hover and focus

  // A crop that fails to load: the source file went missing (moved or deleted) while the page
  // was open. The crop route says why, in both languages; the page says so and stops asking.
  async function sourceLost(key) {
    if (!state.source.found) return;
    let message = "原件未找到 source file missing";
    try {
      const response = await fetch(cropUrl(key));
      if (!response.ok) message = await response.text();
      else return; // it loads now: a passing failure
    } catch (error) {
      message = error.message;
    }
    state.source.found = false;
    const banner = $("source-missing");
    banner.textContent = message;
    banner.hidden = false;
    $("doubtful-crop").hidden = true;
    $("doubtful-crop-missing").hidden = false;
    $("popover-crop").hidden = true;
  }

  const popover = $("popover");

  function showPopover(node) {
    const key = node.dataset.key;
    const cell = state.cells[key];
    const img = $("popover-crop");
    if (hasCrop(key)) {
      img.hidden = false;
      if (img.dataset.key !== key) {
        img.onerror = () => sourceLost(key);
        img.src = cropUrl(key);
        img.dataset.key = key;
      }
    } else {
      img.hidden = true;
    }
    const text = $("popover-text");
    text.textContent = "";
    text.append(el("div", { class: "cell-label", text: cell.label }));
    if (cell.source) {
      const conf = cell.confidence === null ? "" : ` · ${cell.confidence.toFixed(2)}`;
      text.append(el("div", { text: `印刷 printed “${cell.printed}” · 读作 read ${cell.read || "空"}${conf}` }));
    } else {
      text.append(el("div", { text: "表中未印此格 not printed" }));
    }
    if (cell.value !== cell.read) text.append(el("div", { text: `当前值 in effect ${cell.value || "空"}` }));
    if (!state.source.found) text.append(el("div", { class: "missing", text: "原件未找到 source file missing" }));
    const box = node.getBoundingClientRect();
    popover.hidden = false;
    popover.style.left = `${Math.max(4, Math.min(window.scrollX + box.left, window.scrollX + window.innerWidth - 340))}px`;
    popover.style.top = `${window.scrollY + box.bottom + 6}px`;
  }

  function hidePopover() {
    popover.hidden = true;
  }

  for (const node of document.querySelectorAll("td.v")) {
    node.addEventListener("mouseenter", () => showPopover(node));
    node.addEventListener("mouseleave", hidePopover);
    node.addEventListener("focus", () => showPopover(node));
    node.addEventListener("blur", hidePopover);
    node.addEventListener("click", () => openCell(node.dataset.key));
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        openCell(node.dataset.key);
      }
    });
  }

  function focusCell(key) {
    const node = cellNode(key);
    if (!node) return;
    node.scrollIntoView({ block: "center", inline: "center" });
    node.focus();
    node.classList.add("flash");
    setTimeout(() => node.classList.remove("flash"), 1200);
  }

  // ------------------------------------------------------------------ doubtful-only mode

  function enter(key) {
    mode.on = true;
    mode.key = key;
    drawCells();
    drawDoubtful();
    if (key) cellNode(key).scrollIntoView({ block: "center", inline: "nearest" });
    const entry = $("entry");
    entry.value = "";
    entry.focus();
  }

  // Any cell can be opened (Enter or a click): one that is not doubtful gets its rules from
  // the server.
  async function openCell(key) {
    mode.extra = null;
    enter(key);
    if (state.doubtful.some((d) => d.key === key)) return;
    try {
      const response = await fetch(`${base}/cells/${encodeURIComponent(key)}`);
      if (response.ok && mode.key === key) {
        mode.extra = await response.json();
        drawDoubtful();
      }
    } catch (error) {
      showError(error.message);
    }
  }

  function firstUndecided(after) {
    const list = state.doubtful;
    const start = after ? list.findIndex((d) => d.key === after) + 1 : 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[(start + i) % list.length];
      if (!state.cells[d.key].decision) return d.key;
    }
    return null;
  }

  function step(delta) {
    const list = state.doubtful;
    if (!list.length) return;
    const index = list.findIndex((d) => d.key === mode.key);
    const next = index < 0 ? 0 : Math.max(0, Math.min(list.length - 1, index + delta));
    enter(list[next].key);
  }

  function leave() {
    mode.on = false;
    const key = mode.key;
    mode.key = null;
    drawCells();
    drawDoubtful();
    if (key) focusCell(key);
  }

  const post = window.reviewPost;  // static/post.js

  function showResult(decision) {
    const box = $("decision-result");
    box.hidden = false;
    box.textContent = "";
    const broken = decision.rules.some((r) => r.state === "broken");
    box.className = "decision " + (decision.rules_hold ? "good" : broken ? "bad" : "unsure");
    const what = decision.changed ? `已更正 corrected ${decision.old} → ${decision.new}` : `已确认 confirmed ${decision.new}`;
    box.append(el("p", {}, el("b", { text: decision.label }), el("span", { text: ` ${what}` })));
    const n = decision.rules.length;
    box.append(el("p", {
      class: "verdict",
      text: !n ? "没有涉及此格的勾稽关系 No rule involves this cell"
        : decision.rules_hold ? `涉及此格的 ${n} 条勾稽关系现已全部成立 All ${n} rules involving it now hold`
        : broken ? "涉及此格的勾稽关系仍有不成立 Some rules involving it still do not hold"
        : `涉及此格的 ${decision.unchecked} 条规则未核验 ${decision.unchecked} rules involving it unchecked`,
    }));
    const list = el("ul", { class: "rules" });
    for (const rule of decision.rules) list.append(describeRule(rule));
    box.append(list);
  }

  function showError(message) {
    const box = $("decision-result");
    box.hidden = false;
    box.className = "decision bad";
    box.textContent = `未保存 Not saved: ${message}`;
  }

  async function decide(action) {
    const key = mode.key;
    if (!key) return;
    const value = $("entry").value.trim();
    const note = $("note").value.trim();
    try {
      const answer = await post(`${base}/cells/${encodeURIComponent(key)}`, { action, value, note });
      state = answer.state;
      $("note").value = "";
      drawAll();
      showResult(answer.decision);
      enter(firstUndecided(key));
    } catch (error) {
      showError(error.message);
    }
  }

  $("entry").addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const empty = !event.target.value.trim();
    const commands = {
      Enter: () => decide(empty ? "accept" : "correct"),
      a: () => empty && decide("accept"),
      n: () => step(1), j: () => step(1),
      p: () => step(-1), k: () => step(-1),
      z: () => empty && zoom(mode.key), u: () => empty && undo(), r: () => empty && markReviewed(),
      Escape: () => ($("zoom").hidden && $("help").hidden ? leave() : null),
    };
    const command = commands[event.key];
    if (command) {
      event.preventDefault();
      command();
    }
  });

  $("doubtful-button").addEventListener("click", () => (mode.on ? leave() : enter(firstUndecided(null) || (state.doubtful[0] || {}).key || null)));
  // ------------------------------------------------------------------ sign-off, undo, zoom, queue keys

  // Mark reviewed; with errors still open only once the reviewer said so (the server
  // refuses without `confirm` too).
  async function markReviewed() {
    const errors = state.report.errors;
    let confirm = false;
    if (errors) {
      confirm = window.confirm(`此报告仍有 ${errors} 个错误未解决，仍标记为已审核？\n`
        + `This report still has ${errors} errors open. Mark it reviewed anyway?`);
      if (!confirm) return;
    }
    try {
      const answer = await post(`${base}/reviewed`, { confirm });
      state = answer.state;
      drawAll();
    } catch (error) {
      showError(error.message);
    }
  }

  async function unmarkReviewed() {
    try {
      const answer = await post(`${base}/reviewed`, { reviewed: false });
      state = answer.state;
      drawAll();
    } catch (error) {
      showError(error.message);
    }
  }

  // Undo this reviewer's last decision of the session (on this report or another one).
  async function undo() {
    try {
      const answer = await post("/undo", {});
      const u = answer.undone;
      const box = $("decision-result");
      box.hidden = false;
      box.className = "decision good";
      box.textContent = `已撤销 Undone: ${state.cells[u.key] && u.sha256 === state.report.sha256 ? state.cells[u.key].label : u.key}`
        + ` ${JSON.stringify(u.before)} → ${JSON.stringify(u.now)}`;
      if (u.sha256 === state.report.sha256 && u.first_page === state.report.first_page) {
        state = answer.state;
        drawAll();
      } else {
        box.append(" · ", el("a", { href: u.url, text: "打开该报告 open that report" }));
      }
    } catch (error) {
      showError(`未撤销 not undone: ${error.message}`);
    }
  }

  // The cell in question: the doubtful panel's, else the focused cell.
  const currentKey = () => mode.key || (document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null);

  function zoom(key) {
    const overlay = $("zoom");
    if (!key || !hasCrop(key)) {
      if (key) showError(`无图像 no image for ${state.cells[key] ? state.cells[key].label : key}`);
      return;
    }
    const img = $("zoom-crop");
    img.classList.remove("actual");
    img.src = `${cropUrl(key)}?context=1`;
    $("zoom-caption").textContent = `${state.cells[key].label} · 点击切换实际大小 click: actual size · Esc 关闭 close`;
    overlay.hidden = false;
  }

  $("zoom-crop").addEventListener("click", (event) => {
    event.stopPropagation();
    event.target.classList.toggle("actual");
  });
  $("zoom").addEventListener("click", () => { $("zoom").hidden = true; });
  $("doubtful-crop").addEventListener("click", () => zoom(mode.key));
  $("help").addEventListener("click", () => { $("help").hidden = true; });

  const follow = (id) => { const link = $(id); if (link) window.location.assign(link.getAttribute("href")); };

  $("reviewed-button").addEventListener("click", markReviewed);
  $("unmark-button").addEventListener("click", unmarkReviewed);
  $("undo-button").addEventListener("click", undo);
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const overlays = [$("zoom"), $("help")].filter((o) => !o.hidden);
    if (event.key === "Escape" && overlays.length) {
      event.preventDefault();
      event.stopPropagation();
      overlays.forEach((o) => { o.hidden = true; });
      return;
    }
    const typing = event.target instanceof HTMLInputElement;
    if (typing) return;
    const commands = {
      d: () => !mode.on && $("doubtful-button").click(),
      r: markReviewed, R: unmarkReviewed, u: undo,
      z: () => zoom(currentKey()),
      "]": () => follow("queue-following"), "[": () => follow("queue-previous"), q: () => follow("queue-back"),
      "?": () => { $("help").hidden = !$("help").hidden; },
    };
    const command = commands[event.key];
    if (command) {
      event.preventDefault();
      command();
    }
  }, true);

  // ------------------------------------------------------------------ copies

  // A value this report and a copy disagree in: its link shows the cell here, with its
  // rules (the other copy's page opens from the item's own link, at the same cell).
  for (const link of document.querySelectorAll("#copy-disagreements a.copy-cell")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const key = link.closest("li").dataset.key;
      focusCell(key);
      if (cellNode(key)) openCell(key);
    });
  }

  drawAll();
  // Opened at a cell (#cell-<key>, as a copy's disagreement links here): that cell shown.
  if (location.hash.startsWith("#cell-")) focusCell(decodeURIComponent(location.hash.slice(6)));
})();

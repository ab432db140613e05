// The queue page: filters and sort put in the URL (the page's CSP forbids form submission,
// and a URL is what a reviewer shares), a selected row moved and opened from the keyboard,
// bulk accept of one rule's cells over the filtered reports (a preview of the counts, then
// a confirmation), undo of the last decision, and the help overlay. Every text from the
// server is shown with textContent.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const filterParams = JSON.parse($("queue-filter-params").textContent);
  const rows = [...document.querySelectorAll("#queue-table tbody tr")];
  let selected = -1;

  // ------------------------------------------------------------------ filters in the URL

  $("queue-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const field of event.target.elements) {
      if (!field.name) continue;
      if (field.type === "checkbox" && !field.checked) continue;  // copies: only when ticked
      const value = field.value.trim();
      if (value && !(field.name === "sort" && value === "need")) params.set(field.name, value);
    }
    const query = params.toString();
    window.location.assign("/" + (query ? "?" + query : ""));  // page 1 of the new filter
  });
  // A changed menu filters at once; text fields wait for Enter.
  for (const menu of document.querySelectorAll("#queue-filter select, #queue-filter input[type=checkbox]")) {
    menu.addEventListener("change", () => $("queue-filter").requestSubmit());
  }

  // ------------------------------------------------------------------ selection

  function select(index) {
    if (!rows.length) return;
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("selected", i === selected));
    rows[selected].scrollIntoView({ block: "nearest" });
  }

  function openSelected() {
    if (selected < 0) return;
    const link = rows[selected].querySelector("a.open-report");
    if (link) window.location.assign(link.getAttribute("href"));
  }

  // ------------------------------------------------------------------ writes

  const post = window.reviewPost;  // static/post.js

  const say = (text, bad = false) => {
    const box = $("action-result");
    box.textContent = text;
    box.className = "action-result " + (bad ? "bad" : "good");
  };

  async function bulkAccept() {
    const rule = $("bulk-rule").value;
    if (!rule) return say("没有可选的规则 No rule to choose", true);
    const note = $("bulk-note").value.trim();
    try {
      const preview = await post("/bulk-accept", { filter: filterParams, rule, note });
      if (!preview.cells) return say(`当前筛选中没有待确认的 ${rule} 单元格 No undecided ${rule} cells in this filter`);
      const question = `确认 ${preview.cells} 个单元格（${preview.reports} 份报告，规则 ${rule}）为识别值？\n`
        + `Accept ${preview.cells} cells in ${preview.reports} reports (rule ${rule}) as read?`;
      if (!window.confirm(question)) return say("已取消 Cancelled");
      const done = await post("/bulk-accept", { filter: filterParams, rule, note, confirm: true });
      say(`已确认 ${done.cells} 个单元格，${done.reports} 份报告已重新校验 Accepted ${done.cells} cells; ${done.reports} reports validated again`);
      setTimeout(() => window.location.reload(), 800);
    } catch (error) {
      say(`未保存 Not saved: ${error.message}`, true);
    }
  }

  async function undo() {
    try {
      const answer = await post("/undo", {});
      const u = answer.undone;
      say(`已撤销 Undone: ${u.key} ${JSON.stringify(u.before)} → ${JSON.stringify(u.now)}`);
      setTimeout(() => window.location.reload(), 800);
    } catch (error) {
      say(`未撤销 Not undone: ${error.message}`, true);
    }
  }

  $("bulk-button").addEventListener("click", bulkAccept);
  $("undo-button").addEventListener("click", undo);

  // ------------------------------------------------------------------ keys

  const help = $("help");
  const toggleHelp = (show) => { help.hidden = show === undefined ? !help.hidden : !show; };
  help.addEventListener("click", () => toggleHelp(false));

  const follow = (id) => { const link = $(id); if (link) window.location.assign(link.getAttribute("href")); };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
    if (event.key === "Escape") {
      if (!help.hidden) toggleHelp(false);
      else if (typing) target.blur();
      return;
    }
    if (typing) return;
    const commands = {
      "/": () => $("filter-search").focus(),
      f: () => $("filter-status").focus(),
      j: () => select(selected + 1), ArrowDown: () => select(selected + 1),
      k: () => select(selected - 1), ArrowUp: () => select(selected - 1),
      Enter: openSelected, o: openSelected,
      "]": () => follow("page-next"), "[": () => follow("page-previous"),
      b: bulkAccept, u: undo,
      "?": () => toggleHelp(),
    };
    const command = commands[event.key];
    if (command) {
      event.preventDefault();
      command();
    }
  });
})();

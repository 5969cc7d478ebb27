"""The stylesheet and script inlined into the HTML report.

Kept as string constants (not package data) so the page needs nothing but this
module: no fonts, scripts or images are fetched, and no install step can lose them.
The script only ever sets ``textContent`` and attributes, never ``innerHTML``: the
documents it shows are untrusted.
"""

from __future__ import annotations

CSS = """
:root {
  --ink: #1f2430; --muted: #5f6b7a; --line: #e3e7ee; --bg: #f5f7fa; --panel: #fff;
  --accent: #2f5fd0;
  --boilerplate: #f4a93b; --boilerplate-bg: #fde9c4;
  --offtopic: #e0485f; --offtopic-bg: #fbd3da;
  --duplicate: #3b82f6; --duplicate-bg: #d3e3fd;
  --near-duplicate: #8b5cf6; --near-duplicate-bg: #ebe3fd;
  --shared-bg: #c9f0dc; --shared: #1f9d61;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink); line-height: 1.45; font-size: 14px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header.top { background: #1c2333; color: #fff; padding: 18px 0 0; }
header.top .wrap { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 18px; }
header.top h1 { font-size: 20px; margin: 0; font-weight: 650; letter-spacing: .2px; }
header.top .sub { color: #b9c2d3; font-size: 13px; }
nav.tabs { flex-basis: 100%; display: flex; gap: 2px; margin-top: 12px; }
nav.tabs a {
  color: #cfd6e4; text-decoration: none; padding: 7px 12px; font-size: 13px;
  border-radius: 6px 6px 0 0;
}
nav.tabs a:hover { background: #2b3448; color: #fff; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
main.wrap { padding-top: 20px; padding-bottom: 40px; }
section.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 20px; margin-bottom: 18px;
}
h2 { font-size: 16px; margin: 0 0 12px; font-weight: 650; }
h3 { font-size: 12px; margin: 0 0 10px; color: var(--muted); font-weight: 600;
  text-transform: uppercase; letter-spacing: .5px; }
h3 code { text-transform: none; letter-spacing: 0; }
h3.gap-top { margin-top: 22px; }
p.note { color: var(--muted); margin: 6px 0 10px; font-size: 13px; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px;
  background: #fbfcfe; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .5px; }
.card .v { font-size: 26px; font-weight: 650; margin-top: 2px; }
.card .d { color: var(--muted); font-size: 12px; }
.card.hl .v { color: var(--accent); }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr); gap: 22px;
  margin-top: 18px; }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
.legend { display: flex; flex-wrap: wrap; gap: 8px 16px; font-size: 13px; margin: 4px 0 12px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.sw { width: 12px; height: 12px; border-radius: 3px; display: inline-block; }
.sw.cat-boilerplate { background: var(--boilerplate); }
.sw.cat-offtopic { background: var(--offtopic); }
.sw.cat-duplicate { background: var(--duplicate); }
.sw.cat-near-duplicate { background: var(--near-duplicate); }
.sw.shared { background: var(--shared); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bars { display: grid; grid-template-columns: minmax(120px, 34%) 1fr 64px; gap: 6px 10px;
  align-items: center; font-size: 13px; }
.bars .lbl { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bars .val { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.bar { display: flex; height: 14px; background: #eef1f6; border-radius: 4px; overflow: hidden; }
.bar > span { display: block; height: 100%; }
.bar > .cat-boilerplate { background: var(--boilerplate); }
.bar > .cat-offtopic { background: var(--offtopic); }
.bar > .cat-duplicate { background: var(--duplicate); }
.bar > .cat-near-duplicate { background: var(--near-duplicate); }
.bar > .plain { background: #7b8aa3; }
.chip {
  display: inline-block; font-family: var(--mono); font-size: 11.5px; padding: 1px 6px;
  border-radius: 10px; border: 1px solid; white-space: nowrap; line-height: 1.5;
}
.chip.cat-boilerplate { background: var(--boilerplate-bg); border-color: var(--boilerplate); }
.chip.cat-offtopic { background: var(--offtopic-bg); border-color: var(--offtopic); }
.chip.cat-duplicate { background: var(--duplicate-bg); border-color: var(--duplicate); }
.chip.cat-near-duplicate { background: var(--near-duplicate-bg);
  border-color: var(--near-duplicate); }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 12px; }
.controls input, .controls select, .controls button {
  font: inherit; font-size: 13px; padding: 5px 9px; border: 1px solid #cbd2dd;
  border-radius: 6px; background: #fff; color: var(--ink);
}
.controls input { min-width: 240px; }
.controls button { cursor: pointer; }
.controls button:disabled { opacity: .45; cursor: default; }
.controls .count { color: var(--muted); margin-left: auto; font-size: 13px; }
html:not(.js) .js-only { display: none; }
html.js .nojs { display: none; }
details.file { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 8px;
  background: #fff; }
details.file > summary {
  cursor: pointer; padding: 8px 12px; display: grid; align-items: center; gap: 10px;
  grid-template-columns: minmax(0, 1fr) auto 170px; list-style-position: inside;
}
details.file[open] > summary { border-bottom: 1px solid var(--line); background: #fafbfd;
  border-radius: 8px 8px 0 0; }
details.file .path { font-family: var(--mono); font-size: 13px; overflow-wrap: anywhere; }
details.file .chips { display: flex; flex-wrap: wrap; gap: 4px; justify-content: flex-end; }
details.file .share { display: flex; align-items: center; gap: 8px; }
details.file .share .bar { flex: 1; height: 10px; }
details.file .share .pct { width: 48px; text-align: right; font-variant-numeric: tabular-nums;
  color: var(--muted); font-size: 12.5px; }
details.file .body { padding: 12px 14px; }
.doc {
  font-family: Georgia, "Times New Roman", serif; font-size: 15px; line-height: 1.6;
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 640px; overflow: auto;
  border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; background: #fff;
  position: relative;
}
.doc .gap { font-family: var(--mono); font-size: 12px; color: var(--muted); margin: 6px 0;
  white-space: normal; border-top: 1px dashed var(--line); border-bottom: 1px dashed var(--line);
  padding: 2px 0; text-align: center; }
.doc.snippets .blk::before { content: "line " attr(data-line) "  "; color: var(--muted);
  font-family: var(--mono); font-size: 11px; }
mark.hy { color: inherit; border-radius: 2px; padding: 0 1px; cursor: help; }
mark.hy.cat-near-duplicate { background: var(--near-duplicate-bg); }
mark.hy.cat-boilerplate { background: var(--boilerplate-bg);
  box-shadow: inset 0 -2px 0 var(--boilerplate); }
mark.hy.cat-duplicate { background: var(--duplicate-bg);
  box-shadow: inset 0 -2px 0 var(--duplicate); }
mark.hy.cat-offtopic { background: var(--offtopic-bg);
  box-shadow: inset 0 -2px 0 var(--offtopic); }
mark.hy.nest { outline: 1px dashed #8892a6; outline-offset: -1px; }
mark.hy:target, mark.hy:hover { filter: saturate(1.8) brightness(.95); }
mark.shared { background: var(--shared-bg); color: inherit; border-radius: 2px; }
table.findings { margin-top: 12px; font-size: 13px; }
table.findings td:first-child a { font-family: var(--mono); font-size: 12px;
  color: var(--accent); text-decoration: none; }
.clusters .cluster { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 14px; }
.cluster > .head { padding: 8px 12px; background: #fafbfd; border-bottom: 1px solid var(--line);
  border-radius: 8px 8px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
.cluster .grid { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(260px, 1fr);
  overflow-x: auto; gap: 10px; padding: 10px; }
.cluster .member .meta { font-size: 12px; color: var(--muted); margin-bottom: 6px;
  display: flex; gap: 8px; flex-wrap: wrap; align-items: baseline; }
.cluster .member .meta .mono { color: var(--ink); overflow-wrap: anywhere; }
.cluster .member .doc { max-height: 420px; font-size: 13.5px; padding: 10px 12px; }
.badge { font-size: 11px; padding: 1px 7px; border-radius: 9px; background: #e7ecf5;
  color: #33415c; font-weight: 600; }
.badge.kept { background: #d9f3e6; color: #14673f; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0;
  font-size: 13px; }
dl.kv dt { font-family: var(--mono); color: var(--muted); }
dl.kv dd { margin: 0; font-family: var(--mono); overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 10px 0 30px; }
"""

# Pagination, filter and sort over the JSON block; renders a page's files with the
# same markup the server wrote for the first page (which it reuses when shown).
JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hy-data").textContent);
  var rules = data.rules, cats = data.categories, entries = data.files;
  var list = document.getElementById("file-list");
  if (!list) { return; }
  document.documentElement.classList.add("js");
  var reuse = {};
  Array.prototype.forEach.call(list.querySelectorAll("details.file"), function (node) {
    reuse[node.getAttribute("data-idx")] = node;
  });
  var state = { q: "", cat: "", code: "", sort: "rank", page: 1 };
  var m = /page=(\\d+)/.exec(location.hash);
  if (m) { state.page = parseInt(m[1], 10); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function catsOf(e, idxs) {
    var seen = {};
    idxs.forEach(function (i) { seen[rules[e.r[i][0]][1]] = true; });
    return cats.filter(function (c) { return seen[c]; });
  }
  function mark(e, part) {
    var idxs = part[1];
    var node = el("mark", "hy " + catsOf(e, idxs).map(function (c) {
      return "cat-" + c;
    }).join(" ") + (idxs.length > 1 ? " nest" : ""), part[0]);
    var codes = [];
    idxs.forEach(function (i) {
      if (codes.indexOf(e.r[i][0]) < 0) { codes.push(e.r[i][0]); }
    });
    codes.sort();
    node.setAttribute("data-code", codes.join(" "));
    node.setAttribute("data-f", idxs.join(" "));
    node.title = idxs.map(function (i) {
      var row = e.r[i];
      return row[0] + " " + rules[row[0]][0] + ": " + row[3];
    }).join("\\n");
    if (part[2]) { node.id = part[2]; }
    return node;
  }
  function docView(e) {
    var doc = el("div", e.t === "full" ? "doc" : "doc snippets");
    e.v.forEach(function (item) {
      if (item[0] === "g") { doc.appendChild(el("div", "gap", item[1])); return; }
      var blk = el("div", "blk");
      blk.setAttribute("data-line", String(item[1]));
      item[2].forEach(function (part) {
        blk.appendChild(part[1].length ? mark(e, part) : document.createTextNode(part[0]));
      });
      doc.appendChild(blk);
    });
    return doc;
  }
  function findingsTable(e) {
    var table = el("table", "findings"), head = el("tr");
    ["where", "rule", "name", "reason", "score"].forEach(function (h, i) {
      head.appendChild(el("th", i === 4 ? "num" : "", h));
    });
    table.appendChild(head);
    e.r.forEach(function (row) {
      var tr = el("tr"), td = el("td"), a = el("a", "", row[1]);
      a.href = "#" + row[4];
      td.appendChild(a); tr.appendChild(td);
      var code = el("td");
      code.appendChild(el("span", "chip cat-" + rules[row[0]][1], row[0]));
      tr.appendChild(code);
      tr.appendChild(el("td", "", rules[row[0]][0]));
      tr.appendChild(el("td", "", row[3]));
      tr.appendChild(el("td", "num", row[2]));
      table.appendChild(tr);
    });
    return table;
  }
  function bar(widths) {
    var b = el("span", "bar");
    widths.forEach(function (w) {
      var s = el("span", "cat-" + w[0]);
      s.style.width = w[1];
      b.appendChild(s);
    });
    return b;
  }
  function build(e) {
    var d = el("details", "file");
    d.id = "file-" + e.i;
    d.setAttribute("data-idx", String(e.i));
    d.setAttribute("data-id", e.id);
    var s = el("summary");
    s.appendChild(el("span", "path", e.id));
    var chips = el("span", "chips");
    e.c.forEach(function (c) {
      var label = c[1] > 1 ? c[0] + " \\u00d7" + c[1] : c[0];
      var chip = el("span", "chip cat-" + rules[c[0]][1], label);
      chip.title = rules[c[0]][0];
      chips.appendChild(chip);
    });
    s.appendChild(chips);
    var share = el("span", "share");
    share.appendChild(bar(e.k));
    share.appendChild(el("span", "pct", e.s));
    s.appendChild(share);
    d.appendChild(s);
    var body = el("div", "body");
    var note = e.t === "none" ? data.noteNone : e.n;
    if (note) { body.appendChild(el("p", "note", note)); }
    if (e.v && e.v.length) { body.appendChild(docView(e)); }
    if (e.r && e.r.length) { body.appendChild(findingsTable(e)); }
    d.appendChild(body);
    return d;
  }
  function keep(e) {
    if (state.q && e.id.toLowerCase().indexOf(state.q) < 0) { return false; }
    if (state.code && !e.c.some(function (c) { return c[0] === state.code; })) { return false; }
    if (state.cat && !e.c.some(function (c) { return rules[c[0]][1] === state.cat; })) {
      return false;
    }
    return true;
  }
  var sorts = {
    rank: function (a, b) { return a.i - b.i; },
    share: function (a, b) { return b.x - a.x || a.i - b.i; },
    findings: function (a, b) { return b.f - a.f || a.i - b.i; },
    path: function (a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; }
  };
  function render() {
    var shown = entries.filter(keep).sort(sorts[state.sort]);
    var size = data.pageSize, pages = Math.max(1, Math.ceil(shown.length / size));
    state.page = Math.min(Math.max(1, state.page), pages);
    var from = (state.page - 1) * size, page = shown.slice(from, from + size);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    page.forEach(function (e) {
      var node = reuse[e.i] || build(e);
      reuse[e.i] = node;
      list.appendChild(node);
      if (!node.hyWired) {
        node.hyWired = true;
        node.addEventListener("toggle", function () { focusFirst(node); });
      }
      focusFirst(node);
    });
    document.getElementById("hy-count").textContent = shown.length
      ? (from + 1) + "\\u2013" + (from + page.length) + " of " + shown.length + " files"
      : "no file matches";
    document.getElementById("hy-page").textContent = "page " + state.page + " of " + pages;
    document.getElementById("hy-prev").disabled = state.page <= 1;
    document.getElementById("hy-next").disabled = state.page >= pages;
  }
  // Long texts sit in a scroll box: open it at the first highlight, not the top.
  function focusFirst(node) {
    if (!node.open || node.hyFocused) { return; }
    node.hyFocused = true;
    var doc = node.querySelector(".doc"), first = doc && doc.querySelector("mark.hy");
    if (first && doc.scrollHeight > doc.clientHeight) {
      doc.scrollTop = Math.max(0, first.offsetTop - 60);
    }
  }
  function on(id, ev, fn) { document.getElementById(id).addEventListener(ev, fn); }
  function setter(key, lower) {
    return function (ev) {
      state[key] = lower ? ev.target.value.toLowerCase() : ev.target.value;
      state.page = 1;
      render();
    };
  }
  on("hy-q", "input", setter("q", true));
  on("hy-cat", "change", setter("cat", false));
  on("hy-code", "change", setter("code", false));
  on("hy-sort", "change", setter("sort", false));
  on("hy-prev", "click", function () { state.page -= 1; render(); });
  on("hy-next", "click", function () { state.page += 1; render(); });
  render();
})();
"""

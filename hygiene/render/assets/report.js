
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
  var m = /page=(\d+)/.exec(location.hash);
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
    }).join("\n");
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
      var label = c[1] > 1 ? c[0] + " \u00d7" + c[1] : c[0];
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
      ? (from + 1) + "\u2013" + (from + page.length) + " of " + shown.length + " files"
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

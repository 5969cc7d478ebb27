"""HTML report: one self-contained page (inline CSS and JS, nothing fetched).

Sections: corpus summary and charts, the flagged files with their flagged spans
highlighted, near-duplicate clusters side by side, the thresholds, read errors.

The page must stay a few MB for a 10k-document corpus, so text is embedded under a
budget: full text for the most-flagged files first, then excerpts around findings,
then counts only; the page says what it left out. The file list is paginated in
the browser over a JSON block; the first page is also written as plain HTML so the
page is readable with scripts off. Everything from the documents is escaped.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from itertools import pairwise

from hygiene import __version__
from hygiene.document import Document
from hygiene.findings import Category, Finding
from hygiene.pipeline import FileResult
from hygiene.render.html_assets import CSS, JS
from hygiene.report import Report
from hygiene.rules import RULES

PAGE_SIZE = 25
TEXT_BUDGET = 1_200_000  # bytes of file entries with full text, most-flagged first
SNIPPET_BUDGET = 900_000  # bytes of entries with excerpts, once full text is spent
FULL_TEXT_MAX = 150_000  # a longer file gets excerpts even while budget is left
CONTEXT = 90  # characters shown either side of a finding in excerpts
LONG_SPAN = 500  # longer flagged spans are excerpted by their head and tail
SPAN_EDGE = 200
CHART_FILES_MAX = 40  # above this, the chart aggregates per source folder
CHART_FOLDERS_MAX = 30
CLUSTERS_COMPARED = 12
CLUSTER_COLUMNS = 4  # the kept copy and three others
CLUSTER_TEXT = 3_000
CLUSTER_ROWS_MAX = 500
SHINGLE = 5  # shared text in clusters: word 5-grams present in both copies

CATEGORIES = [c.value for c in Category]
# A span under several findings counts, in charts, for the most specific category.
PRIORITY = ["offtopic", "duplicate", "boilerplate", "near-duplicate"]
_WORD = re.compile(r"\w+")
_NUM = ' class="num"'

NOTE_NONE = (
    "Text not embedded: the page's size budget went to more-flagged files; "
    "`hygiene check` on this file lists its findings."
)

Piece = tuple[str, tuple[int, ...], str]  # text, indices of covering findings, anchor id


@dataclass
class FileView:
    """One flagged file as the page shows it; the same data feeds HTML and the JSON."""

    rank: int
    doc_id: str
    share: float
    share_text: str
    codes: list[tuple[str, int]]
    widths: list[tuple[str, str]]  # category, CSS width of its part of the bar
    tier: str = "none"  # full | snippets | none
    note: str = NOTE_NONE
    items: list[tuple[str, object, list[Piece]]] = field(default_factory=list)
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    n_findings: int = 0

    def to_json(self, *, static: bool) -> dict[str, object]:
        data: dict[str, object] = {
            "i": self.rank,
            "id": self.doc_id,
            "c": self.codes,
            "k": self.widths,
            "s": self.share_text,
            "x": self.share,
            "f": self.n_findings,
            "t": self.tier,
        }
        # The browser reuses the server-written nodes of page one; a file without
        # text gets the shared note (data.noteNone), not a copy of it.
        if not static and self.tier != "none":
            data["n"] = self.note
            data["v"] = [_item_json(item) for item in self.items]
            data["r"] = self.rows
        return data


def _item_json(item: tuple[str, object, list[Piece]]) -> list[object]:
    kind, value, pieces = item
    if kind == "g":
        return ["g", value]
    return ["b", value, [[t, list(idxs), anchor] for t, idxs, anchor in pieces]]


# --- entry point ------------------------------------------------------------------------


def render_html(
    report: Report,
    *,
    page_size: int | None = None,
    text_budget: int | None = None,
    snippet_budget: int | None = None,
) -> str:
    """The whole page. Budgets default to the module constants (read at call time)."""
    views = _file_views(
        report.files,
        TEXT_BUDGET if text_budget is None else text_budget,
        SNIPPET_BUDGET if snippet_budget is None else snippet_budget,
    )
    size = page_size or PAGE_SIZE
    parts = [
        _head(report),
        '<main class="wrap">',
        _summary_section(report),
        _files_section(report, views, size),
        _clusters_section(report),
        _thresholds_section(report.thresholds),
        _errors_section(report),
        "</main>",
        f"<footer>hygiene {escape(__version__)} · a self-contained page: "
        "nothing is fetched from the network</footer>",
        _data_block(views, size),
        f"<script>{JS}</script>",
        "</body></html>\n",
    ]
    page = "\n".join(parts)
    # Lone surrogates (possible in JSONL input) cannot be written as UTF-8.
    return page.encode("utf-8", "replace").decode("utf-8")


def _head(report: Report) -> str:
    s = report.summary()
    sub = (
        f"{s['files']:,} files · {s['findings']:,} findings · "
        f"{_pct(float(str(s['flagged_share'])))} of characters flagged"
    )
    links = "".join(
        f'<a href="#{a}">{t}</a>'
        for a, t in (
            ("summary", "Summary"),
            ("files", "Files"),
            ("clusters", "Near-duplicates"),
            ("thresholds", "Thresholds"),
            ("errors", "Errors"),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>hygiene report</title>"
        f"<style>{CSS}</style></head><body>"
        '<header class="top"><div class="wrap"><h1>hygiene report</h1>'
        f'<span class="sub">{escape(sub)}</span><nav class="tabs">{links}</nav></div></header>'
    )


def _pct(share: float) -> str:
    if 0 < share < 0.001:
        return "<0.1%"
    return f"{share * 100:.1f}%"


def _width(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "0%"


# --- spans ------------------------------------------------------------------------------


def split_spans(
    findings: Sequence[Finding], lo: int, hi: int
) -> list[tuple[int, int, tuple[int, ...]]]:
    """Cut [lo, hi) at every finding boundary: non-overlapping pieces, each with the
    indices of the findings covering it (empty for unflagged text)."""
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for i, f in enumerate(findings):
        a, b = max(lo, f.start), min(hi, f.end)
        if b > a:
            starts[a].append(i)
            ends[b].append(i)
    cuts = sorted({lo, hi, *starts, *ends})
    active: set[int] = set()
    out = []
    for a, b in pairwise(cuts):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        out.append((a, b, tuple(sorted(active))))
    return out


def category_chars(result: FileResult) -> dict[str, int]:
    """Flagged characters per category, each character counted once."""
    out: Counter[str] = Counter()
    cats = [f.category.value for f in result.findings]
    for a, b, idxs in split_spans(result.findings, 0, len(result.doc.text)):
        if idxs:
            present = {cats[i] for i in idxs}
            out[next(c for c in PRIORITY if c in present)] += b - a
    return dict(out)


def _widths(chars: dict[str, int], whole: int) -> list[tuple[str, str]]:
    return [(c, _width(chars[c], whole)) for c in CATEGORIES if chars.get(c)]


# --- file views -------------------------------------------------------------------------


def _file_views(
    files: Sequence[FileResult], text_budget: int, snippet_budget: int
) -> list[FileView]:
    """Most-flagged first; each gets full text, excerpts or counts only, whichever
    still fits its budget (bytes of the file's JSON entry)."""
    flagged = [r for r in files if r.findings]
    flagged.sort(key=lambda r: (-r.flagged_chars, -len(r.findings), r.doc.id))
    views = []
    for rank, result in enumerate(flagged):
        view = _base_view(rank, result)
        text = result.doc.text
        full = None
        if len(text) <= min(text_budget, FULL_TEXT_MAX):  # cheap test before building
            full = _filled(view, result, [(0, len(text))], "full")
            cost = _cost(full)
        if full is not None and cost <= text_budget:
            text_budget -= cost
            views.append(full)
            continue
        windows = _windows(text, result.findings)
        if sum(b - a for a, b in windows) <= snippet_budget:
            snippets = _filled(view, result, windows, "snippets")
            cost = _cost(snippets)
            if cost <= snippet_budget:
                snippet_budget -= cost
                views.append(snippets)
                continue
        views.append(view)
    return views


def _cost(view: FileView) -> int:
    return len(script_json(view.to_json(static=False)).encode("utf-8"))


def _base_view(rank: int, result: FileResult) -> FileView:
    n = len(result.doc.text)
    share = result.flagged_chars / n if n else 0.0
    codes = Counter(f.code for f in result.findings)
    return FileView(
        rank=rank,
        doc_id=result.doc.id,
        share=round(share, 4),
        share_text=_pct(share),
        codes=sorted(codes.items()),
        widths=_widths(category_chars(result), n),
        n_findings=len(result.findings),
    )


def _windows(text: str, findings: Sequence[Finding]) -> list[tuple[int, int]]:
    """Excerpt ranges: each finding with some context; long ones by head and tail."""
    raw: list[tuple[int, int]] = []
    for f in findings:
        if f.end - f.start > LONG_SPAN:
            raw += [(f.start - CONTEXT, f.start + SPAN_EDGE), (f.end - SPAN_EDGE, f.end + CONTEXT)]
        else:
            raw.append((f.start - CONTEXT, f.end + CONTEXT))
    merged: list[tuple[int, int]] = []
    for a, b in sorted((max(0, a), min(len(text), b)) for a, b in raw):
        if merged and a <= merged[-1][1] + 20:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return [_snap(text, a, b) for a, b in merged]


def _snap(text: str, a: int, b: int) -> tuple[int, int]:
    """Start and end excerpts at a word boundary (within the context margin)."""
    if a > 0:
        a = next((k + 1 for k in range(a, min(a + 20, b)) if text[k].isspace()), a)
    if b < len(text):
        b = next((k for k in range(b, max(b - 20, a), -1) if text[k].isspace()), b)
    return a, b


def _filled(
    base: FileView, result: FileResult, windows: list[tuple[int, int]], tier: str
) -> FileView:
    """The view with the text of ``windows`` and the findings table."""
    view = replace(base, tier=tier, items=[], rows=[], note="")
    text, findings = result.doc.text, result.findings
    if tier == "snippets":
        shown = sum(b - a for a, b in windows)
        view.note = (
            f"Excerpts around each finding: {shown:,} of {len(text):,} characters shown "
            "(the page keeps full text for the most-flagged files only)."
        )
    anchors: dict[int, str] = {}
    prev = 0
    for a, b in windows:
        if a > prev:
            view.items.append(("g", _gap(a - prev), []))
        pieces = [
            (text[s:e], idxs, _anchor(view.rank, idxs, anchors))
            for s, e, idxs in split_spans(findings, a, b)
        ]
        view.items.append(("b", text.count("\n", 0, a) + 1, pieces))
        prev = b
    if prev < len(text):
        view.items.append(("g", _gap(len(text) - prev), []))
    view.rows = [
        (
            f.code,
            f"{f.line}:{f.column}",
            f"{f.score:.2f}",
            f.message,
            anchors.get(i, f"file-{view.rank}"),
        )
        for i, f in enumerate(findings)
    ]
    return view


def _gap(chars: int) -> str:
    return f"⋯ {chars:,} characters not shown ⋯"


def _anchor(rank: int, idxs: tuple[int, ...], anchors: dict[int, str]) -> str:
    """The id of the first piece of each finding, so its table row can link to it."""
    new = [i for i in idxs if i not in anchors]
    if not new:
        return ""
    name = f"f{rank}-{new[0]}"
    anchors.update((i, name) for i in new)
    return name


# --- file views as HTML (the JS builds the same markup for later pages) -----------------


def _file_html(view: FileView, *, open_: bool) -> str:
    chips = "".join(
        f'<span class="chip cat-{RULES[code].category.value}" title="{escape(RULES[code].name)}">'
        f"{code}{f' ×{n}' if n > 1 else ''}</span>"
        for code, n in view.codes
    )
    body = [f'<p class="note">{escape(view.note)}</p>'] if view.note else []
    if view.items:
        body.append(_doc_html(view))
    if view.rows:
        body.append(_rows_html(view.rows))
    return (
        f'<details class="file" id="file-{view.rank}" data-idx="{view.rank}" '
        f'data-id="{escape(view.doc_id)}"{" open" if open_ else ""}>'
        f'<summary><span class="path">{escape(view.doc_id)}</span>'
        f'<span class="chips">{chips}</span><span class="share">{_bar(view.widths)}'
        f'<span class="pct">{escape(view.share_text)}</span></span></summary>'
        f'<div class="body">{"".join(body)}</div></details>'
    )


def _bar(widths: Iterable[tuple[str, str]]) -> str:
    spans = "".join(f'<span class="cat-{c}" style="width:{w}"></span>' for c, w in widths)
    return f'<span class="bar">{spans}</span>'


def _doc_html(view: FileView) -> str:
    out = []
    for kind, value, pieces in view.items:
        if kind == "g":
            out.append(f'<div class="gap">{escape(str(value))}</div>')
            continue
        marked = "".join(_piece_html(view.rows, p) for p in pieces)
        out.append(f'<div class="blk" data-line="{value}">{marked}</div>')
    cls = "doc" if view.tier == "full" else "doc snippets"
    return f'<div class="{cls}">{"".join(out)}</div>'


def _piece_html(rows: list[tuple[str, str, str, str, str]], piece: Piece) -> str:
    text, idxs, anchor = piece
    if not idxs:
        return escape(text, quote=False)
    codes = [rows[i][0] for i in idxs]
    present = {RULES[c].category.value for c in codes}
    cls = " ".join(["hy", *(f"cat-{c}" for c in CATEGORIES if c in present)])
    cls += " nest" if len(idxs) > 1 else ""
    title = "\n".join(f"{rows[i][0]} {RULES[rows[i][0]].name}: {rows[i][3]}" for i in idxs)
    id_attr = f' id="{anchor}"' if anchor else ""
    return (
        f'<mark class="{cls}" data-code="{" ".join(sorted(set(codes)))}" '
        f'data-f="{" ".join(map(str, idxs))}" title="{escape(title)}"{id_attr}>'
        f"{escape(text, quote=False)}</mark>"
    )


def _rows_html(rows: list[tuple[str, str, str, str, str]]) -> str:
    head = "".join(
        f"<th{_NUM if h == 'score' else ''}>{h}</th>"
        for h in ("where", "rule", "name", "reason", "score")
    )
    body = "".join(
        f'<tr><td><a href="#{anchor}">{where}</a></td>'
        f'<td><span class="chip cat-{RULES[code].category.value}">{code}</span></td>'
        f"<td>{escape(RULES[code].name)}</td><td>{escape(message)}</td>"
        f'<td class="num">{score}</td></tr>'
        for code, where, score, message, anchor in rows
    )
    return f'<table class="findings"><tr>{head}</tr>{body}</table>'


# --- summary --------------------------------------------------------------------------


def _summary_section(report: Report) -> str:
    s = report.summary()
    share = float(str(s["flagged_share"]))
    cards = [
        ("Files", f"{s['files']:,}", f"{s['files_with_findings']:,} with findings", False),
        ("Findings", f"{s['findings']:,}", f"{len(_counts(report, 'by_rule')):,} rules", False),
        ("Flagged", _pct(share), f"{s['chars_flagged']:,} of {s['chars']:,} characters", True),
        (
            "Near-duplicate clusters",
            f"{len(report.clusters):,}",
            f"{sum(_n_members(c) for c in report.clusters):,} documents",
            False,
        ),
        ("Read errors", f"{s['errors']:,}", "inputs not read", False),
    ]
    card_html = "".join(
        f'<div class="card{" hl" if hl else ""}"><div class="k">{k}</div>'
        f'<div class="v">{escape(v)}</div><div class="d">{escape(d)}</div></div>'
        for k, v, d, hl in cards
    )
    return (
        '<section class="panel" id="summary"><h2>Corpus summary</h2>'
        f'<div class="cards">{card_html}</div>'
        f'<div class="cols"><div><h3>Findings by category</h3>{_by_category(report)}</div>'
        f"<div>{_chart(report)}</div></div>{_by_rule(report)}</section>"
    )


def _n_members(cluster: dict[str, object]) -> int:
    members = cluster.get("members")
    return len(members) if isinstance(members, list) else 0


def _counts(report: Report, key: str) -> dict[str, int]:
    value = report.summary()[key]
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _by_category(report: Report) -> str:
    counts = _counts(report, "by_category")
    top = max(counts.values(), default=0)
    rows = "".join(
        f'<span class="lbl"><i class="sw cat-{c}"></i> {c}</span>'
        f'{_bar([(c, _width(counts.get(c, 0), top))])}<span class="val">{counts.get(c, 0):,}</span>'
        for c in CATEGORIES
    )
    return f'<div class="bars">{rows}</div>'


def _by_rule(report: Report) -> str:
    counts = _counts(report, "by_rule")
    if not counts:
        return '<p class="note">No findings.</p>'
    rows = "".join(
        f'<tr><td><span class="chip cat-{RULES[code].category.value}">{code}</span></td>'
        f'<td title="{escape(RULES[code].explanation)}">{escape(RULES[code].name)}</td>'
        f"<td>{escape(RULES[code].summary)}</td><td>{RULES[code].severity}</td>"
        f'<td class="num">{n:,}</td></tr>'
        for code, n in counts.items()
    )
    return (
        '<h3 class="gap-top">Findings by rule</h3><table><tr><th>rule</th><th>name</th>'
        f'<th>what</th><th>severity</th><th class="num">findings</th></tr>{rows}</table>'
    )


# --- charts ---------------------------------------------------------------------------


def _chart(report: Report) -> str:
    files = report.files
    if not files:
        return '<p class="note">No files were read.</p>'
    if len(files) <= CHART_FILES_MAX:
        return _per_file_chart(files)
    return _per_folder_chart(files) + _histogram(files)


def _per_file_chart(files: Sequence[FileResult]) -> str:
    prefix = _common_dir([r.doc.path for r in files])
    stats = sorted(
        ((r.flagged_chars / max(1, len(r.doc.text)), r) for r in files),
        key=lambda t: (-t[0], t[1].doc.id),
    )
    rows = "".join(
        f'<span class="lbl mono" title="{escape(r.doc.id)}">'
        f"{escape(r.doc.id[len(prefix) :])}</span>"
        f'{_bar(_widths(category_chars(r), len(r.doc.text)))}<span class="val">{_pct(share)}</span>'
        for share, r in stats
    )
    where = f" (under <code>{escape(prefix)}</code>)" if prefix else ""
    return f'<h3>Flagged share per file{where}</h3><div class="bars">{rows}</div>'


def _common_dir(paths: Sequence[str]) -> str:
    try:
        common = os.path.commonpath([os.path.dirname(p) for p in paths])
    except ValueError:  # a mix of absolute and relative paths
        return ""
    return common + os.sep if common else ""


def _folder(doc: Document) -> str:
    """A file's source: its folder, or the JSONL file for records."""
    return doc.path if doc.record_line is not None else os.path.dirname(doc.path) or "."


def _per_folder_chart(files: Sequence[FileResult]) -> str:
    groups: dict[str, list[FileResult]] = defaultdict(list)
    for r in files:
        groups[_folder(r.doc)].append(r)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    shown, rest = ordered[:CHART_FOLDERS_MAX], ordered[CHART_FOLDERS_MAX:]
    if rest:
        shown.append((f"({len(rest):,} other folders)", [r for _, rs in rest for r in rs]))
    rows = "".join(_folder_row(name, rs) for name, rs in shown)
    return (
        f"<h3>Flagged share per source folder ({len(groups):,} folders)</h3>"
        f'<div class="bars">{rows}</div>'
    )


def _folder_row(name: str, results: list[FileResult]) -> str:
    chars = sum(len(r.doc.text) for r in results)
    cats: Counter[str] = Counter()
    for r in results:
        cats.update(category_chars(r))
    share = sum(cats.values()) / chars if chars else 0.0
    return (
        f'<span class="lbl mono" title="{escape(name)}">{escape(name)} · {len(results):,}</span>'
        f'{_bar(_widths(cats, chars))}<span class="val">{_pct(share)}</span>'
    )


def _histogram(files: Sequence[FileResult]) -> str:
    buckets = Counter(_bucket(r.flagged_chars / max(1, len(r.doc.text))) for r in files)
    labels = ["0%"] + [f"{10 * k}–{10 * k + 10}%" for k in range(10)]
    top = max(buckets.values())
    rows = "".join(
        f'<span class="lbl">{label} flagged</span>'
        f"{_bar([('plain', _width(buckets[k], top))])}"
        f'<span class="val">{buckets[k]:,}</span>'
        for k, label in enumerate(labels)
    )
    return f'<h3 class="gap-top">Files by flagged share</h3><div class="bars">{rows}</div>'


def _bucket(share: float) -> int:
    return 0 if share <= 0 else 1 + min(9, int(share * 10))


# --- files ------------------------------------------------------------------------------


def _files_section(report: Report, views: list[FileView], size: int) -> str:
    first = "".join(_file_html(v, open_=v.rank == 0) for v in views[:size])
    more = len(views) - size
    nojs = (
        f'<p class="note nojs">{more:,} more flagged files: turn on JavaScript to page '
        "through them.</p>"
        if more > 0
        else ""
    )
    return (
        '<section class="panel" id="files"><h2>Flagged files</h2>'
        f'<p class="note">{escape(_left_out(report, views))}</p>'
        f"{_legend_inline()}{_controls(report)}"
        f'<div id="file-list">{first}</div>{nojs}</section>'
    )


def _files(n: int) -> str:
    return f"{n:,} file{'' if n == 1 else 's'}"


def _legend_inline() -> str:
    items = "".join(f'<span><i class="sw cat-{c}"></i>{c}</span>' for c in CATEGORIES)
    return (
        f'<div class="legend">{items}<span>dashed outline: several findings overlap; '
        "hover a highlight for the reason</span></div>"
    )


def _left_out(report: Report, views: list[FileView]) -> str:
    tiers = Counter(v.tier for v in views)
    clean = len(report.files) - len(views)
    text = (
        f"{_files(len(views))} with findings, most flagged first. Full text for {tiers['full']:,}"
    )
    if tiers["snippets"]:
        text += f", excerpts around the findings for {tiers['snippets']:,}"
    if tiers["none"]:
        text += f", counts only for {tiers['none']:,} (the page's size budget was spent)"
    text += "."
    if clean:
        text += f" {_files(clean)} without findings {'is' if clean == 1 else 'are'} not listed."
    return text


def _controls(report: Report) -> str:
    cats = "".join(f'<option value="{c}">{c}</option>' for c in CATEGORIES)
    codes = "".join(
        f'<option value="{c}">{c} {escape(RULES[c].name)}</option>'
        for c in _counts(report, "by_rule")
    )
    sorts = (
        '<option value="rank">most flagged characters</option>'
        '<option value="share">highest flagged share</option>'
        '<option value="findings">most findings</option><option value="path">path</option>'
    )
    return (
        '<div class="controls js-only">'
        '<input id="hy-q" type="search" placeholder="Filter by path…" aria-label="Filter by path">'
        '<select id="hy-cat" aria-label="Category"><option value="">all categories</option>'
        f'{cats}</select><select id="hy-code" aria-label="Rule">'
        f'<option value="">all rules</option>{codes}</select>'
        f'<select id="hy-sort" aria-label="Sort">{sorts}</select>'
        '<button id="hy-prev" type="button">‹ prev</button><span id="hy-page"></span>'
        '<button id="hy-next" type="button">next ›</button>'
        '<span class="count" id="hy-count"></span>'
        "</div>"
    )


def _data_block(views: list[FileView], size: int) -> str:
    data = {
        "pageSize": size,
        "noteNone": NOTE_NONE,
        "categories": CATEGORIES,
        "rules": {code: [r.name, r.category.value] for code, r in RULES.items()},
        "files": [v.to_json(static=v.rank < size) for v in views],
    }
    return f'<script type="application/json" id="hy-data">{script_json(data)}</script>'


def script_json(data: object) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# --- clusters -------------------------------------------------------------------------


def _clusters_section(report: Report) -> str:
    head = '<section class="panel clusters" id="clusters"><h2>Near-duplicate clusters</h2>'
    if not report.clusters:
        return head + '<p class="note">No near-duplicate clusters.</p></section>'
    docs = {r.doc.id: r.doc for r in report.files}
    ordered = sorted(report.clusters, key=lambda c: (-_n_members(c), str(c.get("id"))))
    compared = "".join(_cluster_html(c, docs) for c in ordered[:CLUSTERS_COMPARED])
    note = (
        f'<p class="note">{len(report.clusters):,} clusters. Each shows the copy kept and '
        f"up to {CLUSTER_COLUMNS - 1} others side by side; "
        f'<mark class="shared">green</mark> marks text shared with the kept copy '
        f"(runs of {SHINGLE} words or more).</p>"
    )
    return head + note + compared + _cluster_table(ordered[CLUSTERS_COMPARED:]) + "</section>"


def _members(cluster: dict[str, object]) -> tuple[str, list[str]]:
    kept = str(cluster.get("kept", ""))
    members = cluster.get("members")
    names = [str(m) for m in members] if isinstance(members, list) else []
    return kept, [m for m in names if m != kept]


def _cluster_html(cluster: dict[str, object], docs: dict[str, Document]) -> str:
    kept, others = _members(cluster)
    shown = others[: CLUSTER_COLUMNS - 1]
    kept_text = docs[kept].text if kept in docs else ""
    kept_grams = _grams(kept_text)
    other_grams: set[tuple[str, ...]] = set()
    columns = []
    for m in shown:
        text = docs[m].text if m in docs else None
        if text is not None:
            other_grams |= _grams(text)
        columns.append(_member_html(m, text, kept_grams, kept=False))
    columns.insert(
        0, _member_html(kept, kept_text if kept in docs else None, other_grams, kept=True)
    )
    more = len(others) - len(shown)
    extra = f"<span>and {more:,} more not shown</span>" if more > 0 else ""
    sim = cluster.get("similarity")
    return (
        f'<div class="cluster"><div class="head"><b>Cluster {escape(str(cluster.get("id")))}</b>'
        f"<span>{_n_members(cluster):,} documents</span>"
        f"<span>lowest similarity to the kept copy: {escape(_similarity(sim))}</span>{extra}</div>"
        f'<div class="grid">{"".join(columns)}</div></div>'
    )


def _similarity(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float | int) else str(value)


def _member_html(name: str, text: str | None, against: set[tuple[str, ...]], *, kept: bool) -> str:
    if text is None:
        body = '<p class="note">Not in this run (from the archive index).</p>'
        badge = ""
    else:
        ranges, share = shared_ranges(text, against)
        body = _shared_doc(text, ranges)
        what = "shared with the others shown" if kept else "shared with the kept copy"
        badge = f"<span>{_pct(share)} of words {what}</span>"
    label = (
        '<span class="badge kept">kept</span>'
        if kept
        else '<span class="badge">near-duplicate</span>'
    )
    return (
        f'<div class="member"><div class="meta">{label}<span class="mono">{escape(name)}</span>'
        f"{badge}</div>{body}</div>"
    )


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _grams(text: str) -> set[tuple[str, ...]]:
    words = [m.group().lower() for m in _words(text)]
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def shared_ranges(text: str, against: set[tuple[str, ...]]) -> tuple[list[tuple[int, int]], float]:
    """Character ranges of ``text`` made of word 5-grams found in ``against``, and the
    share of its words they cover."""
    words = _words(text)
    lower = [m.group().lower() for m in words]
    covered = [False] * len(words)
    for i in range(len(words) - SHINGLE + 1):
        if tuple(lower[i : i + SHINGLE]) in against:
            covered[i : i + SHINGLE] = [True] * SHINGLE
    ranges: list[tuple[int, int]] = []
    for m, hit in zip(words, covered, strict=True):
        if not hit:
            continue
        if ranges and not _WORD.search(text, ranges[-1][1], m.start()):
            ranges[-1] = (ranges[-1][0], m.end())  # no unshared word in between
        else:
            ranges.append((m.start(), m.end()))
    return ranges, (sum(covered) / len(words) if words else 0.0)


def _shared_doc(text: str, ranges: list[tuple[int, int]]) -> str:
    cut = min(len(text), CLUSTER_TEXT)
    out, prev = [], 0
    for a, b in ranges:
        if a >= cut:
            break
        b = min(b, cut)
        out.append(escape(text[prev:a], quote=False))
        out.append(f'<mark class="shared">{escape(text[a:b], quote=False)}</mark>')
        prev = b
    out.append(escape(text[prev:cut], quote=False))
    if cut < len(text):
        out.append(f'<div class="gap">{escape(_gap(len(text) - cut))}</div>')
    return f'<div class="doc">{"".join(out)}</div>'


def _cluster_table(clusters: list[dict[str, object]]) -> str:
    if not clusters:
        return ""
    rows = "".join(
        f'<tr><td>{escape(str(c.get("id")))}</td><td class="num">{_n_members(c):,}</td>'
        f'<td class="mono">{escape(str(c.get("kept")))}</td>'
        f'<td class="num">{escape(_similarity(c.get("similarity")))}</td></tr>'
        for c in clusters[:CLUSTER_ROWS_MAX]
    )
    left = len(clusters) - CLUSTER_ROWS_MAX
    note = f'<p class="note">{left:,} more clusters not listed.</p>' if left > 0 else ""
    return (
        '<h3 class="gap-top">More clusters</h3><table><tr><th>cluster</th>'
        '<th class="num">documents</th><th>kept</th><th class="num">similarity</th></tr>'
        f"{rows}</table>{note}"
    )


# --- thresholds and errors ------------------------------------------------------------


def _thresholds_section(thresholds: dict[str, object]) -> str:
    head = '<section class="panel" id="thresholds"><h2>Thresholds and settings</h2>'
    if not thresholds:
        return head + '<p class="note">Not recorded.</p></section>'
    rows = "".join(
        f"<dt>{escape(str(k))}</dt><dd>{escape(_value(v))}</dd>" for k, v in thresholds.items()
    )
    return head + f'<dl class="kv">{rows}</dl></section>'


def _value(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "(none)"
    return str(value)


def _errors_section(report: Report) -> str:
    head = '<section class="panel" id="errors"><h2>Read errors</h2>'
    if not report.errors:
        return head + '<p class="note">Every input was read.</p></section>'
    rows = "".join(
        f'<tr><td class="mono">{escape(e.path)}</td><td>{escape(e.message)}</td></tr>'
        for e in report.errors
    )
    return head + f"<table><tr><th>input</th><th>why</th></tr>{rows}</table></section>"

"""HTML report, the flagged files: which files get their full text, which excerpts
around each finding, and the markup of a file with its flagged spans (the page's
script builds the same markup for later pages from the data block)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from itertools import pairwise

from hygiene.document import FileResult
from hygiene.findings import Category, Finding
from hygiene.rules import RULES

TEXT_BUDGET = 1_200_000  # bytes of file entries with full text, most-flagged first


SNIPPET_BUDGET = 900_000  # bytes of entries with excerpts, once full text is spent


FULL_TEXT_MAX = 150_000  # a longer file gets excerpts even while budget is left


CONTEXT = 90  # characters shown either side of a finding in excerpts


LONG_SPAN = 500  # longer flagged spans are excerpted by their head and tail


SPAN_EDGE = 200


CATEGORIES = [c.value for c in Category]


# A span under several findings counts, in charts, for the most specific category.
PRIORITY = ["offtopic", "duplicate", "boilerplate", "near-duplicate"]


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


def pct(share: float) -> str:
    if 0 < share < 0.001:
        return "<0.1%"
    return f"{share * 100:.1f}%"


def width(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "0%"


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


def widths(chars: dict[str, int], whole: int) -> list[tuple[str, str]]:
    return [(c, width(chars[c], whole)) for c in CATEGORIES if chars.get(c)]


def file_views(
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
        share_text=pct(share),
        codes=sorted(codes.items()),
        widths=widths(category_chars(result), n),
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
            view.items.append(("g", gap(a - prev), []))
        pieces = [
            (text[s:e], idxs, _anchor(view.rank, idxs, anchors))
            for s, e, idxs in split_spans(findings, a, b)
        ]
        view.items.append(("b", text.count("\n", 0, a) + 1, pieces))
        prev = b
    if prev < len(text):
        view.items.append(("g", gap(len(text) - prev), []))
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


def gap(chars: int) -> str:
    return f"⋯ {chars:,} characters not shown ⋯"


def _anchor(rank: int, idxs: tuple[int, ...], anchors: dict[int, str]) -> str:
    """The id of the first piece of each finding, so its table row can link to it."""
    new = [i for i in idxs if i not in anchors]
    if not new:
        return ""
    name = f"f{rank}-{new[0]}"
    anchors.update((i, name) for i in new)
    return name


def file_html(view: FileView, *, open_: bool) -> str:
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
        f'<span class="chips">{chips}</span><span class="share">{bar(view.widths)}'
        f'<span class="pct">{escape(view.share_text)}</span></span></summary>'
        f'<div class="body">{"".join(body)}</div></details>'
    )


def bar(widths: Iterable[tuple[str, str]]) -> str:
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


def script_json(data: object) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")

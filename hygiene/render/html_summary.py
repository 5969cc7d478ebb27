"""HTML report, the corpus summary: counts, findings per category and per rule, and
the chart of the flagged share per file (per source folder for a large corpus)."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from html import escape

from hygiene.document import Document, FileResult
from hygiene.render.html_views import CATEGORIES, bar, category_chars, pct, width, widths
from hygiene.report import Report
from hygiene.rules import RULES

CHART_FILES_MAX = 40  # above this, the chart aggregates per source folder


CHART_FOLDERS_MAX = 30


def summary_section(report: Report) -> str:
    s = report.summary()
    share = float(str(s["flagged_share"]))
    cards = [
        ("Files", f"{s['files']:,}", f"{s['files_with_findings']:,} with findings", False),
        ("Findings", f"{s['findings']:,}", f"{len(counts_of(report, 'by_rule')):,} rules", False),
        ("Flagged", pct(share), f"{s['chars_flagged']:,} of {s['chars']:,} characters", True),
        (
            "Near-duplicate clusters",
            f"{len(report.clusters):,}",
            f"{sum(len(c.members) for c in report.clusters):,} documents",
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


def counts_of(report: Report, key: str) -> dict[str, int]:
    value = report.summary()[key]
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _by_category(report: Report) -> str:
    counts = counts_of(report, "by_category")
    top = max(counts.values(), default=0)
    rows = "".join(
        f'<span class="lbl"><i class="sw cat-{c}"></i> {c}</span>'
        f'{bar([(c, width(counts.get(c, 0), top))])}<span class="val">{counts.get(c, 0):,}</span>'
        for c in CATEGORIES
    )
    return f'<div class="bars">{rows}</div>'


def _by_rule(report: Report) -> str:
    counts = counts_of(report, "by_rule")
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
        f'{bar(widths(category_chars(r), len(r.doc.text)))}<span class="val">{pct(share)}</span>'
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
        f'{bar(widths(cats, chars))}<span class="val">{pct(share)}</span>'
    )


def _histogram(files: Sequence[FileResult]) -> str:
    buckets = Counter(_bucket(r.flagged_chars / max(1, len(r.doc.text))) for r in files)
    labels = ["0%"] + [f"{10 * k}–{10 * k + 10}%" for k in range(10)]
    top = max(buckets.values())
    rows = "".join(
        f'<span class="lbl">{label} flagged</span>'
        f"{bar([('plain', width(buckets[k], top))])}"
        f'<span class="val">{buckets[k]:,}</span>'
        for k, label in enumerate(labels)
    )
    return f'<h3 class="gap-top">Files by flagged share</h3><div class="bars">{rows}</div>'


def _bucket(share: float) -> int:
    return 0 if share <= 0 else 1 + min(9, int(share * 10))

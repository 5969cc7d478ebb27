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

import functools
from collections import Counter
from html import escape
from importlib import resources

from hygiene import __version__
from hygiene.render.html_clusters import clusters_section
from hygiene.render.html_summary import counts_of, summary_section
from hygiene.render.html_views import (
    CATEGORIES,
    NOTE_NONE,
    SNIPPET_BUDGET,
    TEXT_BUDGET,
    FileView,
    file_html,
    file_views,
    pct,
    script_json,
)
from hygiene.report import Report
from hygiene.rules import RULES

PAGE_SIZE = 25


@functools.cache
def _asset(name: str) -> str:
    """The page's stylesheet or script, shipped as package data (hygiene/render/assets).
    The script only ever sets ``textContent`` and attributes, never ``innerHTML``:
    the documents it shows are untrusted."""
    return (resources.files("hygiene.render") / "assets" / name).read_text(encoding="utf-8")


def render_html(
    report: Report,
    *,
    page_size: int | None = None,
    text_budget: int | None = None,
    snippet_budget: int | None = None,
) -> str:
    """The whole page. Budgets default to the module constants (read at call time)."""
    views = file_views(
        report.files,
        TEXT_BUDGET if text_budget is None else text_budget,
        SNIPPET_BUDGET if snippet_budget is None else snippet_budget,
    )
    size = page_size or PAGE_SIZE
    parts = [
        _head(report),
        '<main class="wrap">',
        summary_section(report),
        _files_section(report, views, size),
        clusters_section(report),
        _thresholds_section(report.thresholds),
        _errors_section(report),
        "</main>",
        f"<footer>hygiene {escape(__version__)} · a self-contained page: "
        "nothing is fetched from the network</footer>",
        _data_block(views, size),
        f"<script>{_asset('report.js')}</script>",
        "</body></html>\n",
    ]
    page = "\n".join(parts)
    # Lone surrogates (possible in JSONL input) cannot be written as UTF-8.
    return page.encode("utf-8", "replace").decode("utf-8")


def _head(report: Report) -> str:
    s = report.summary()
    sub = (
        f"{s['files']:,} files · {s['findings']:,} findings · "
        f"{pct(float(str(s['flagged_share'])))} of characters flagged"
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
        f"<style>{_asset('report.css')}</style></head><body>"
        '<header class="top"><div class="wrap"><h1>hygiene report</h1>'
        f'<span class="sub">{escape(sub)}</span><nav class="tabs">{links}</nav></div></header>'
    )


def _files_section(report: Report, views: list[FileView], size: int) -> str:
    first = "".join(file_html(v, open_=v.rank == 0) for v in views[:size])
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
        for c in counts_of(report, "by_rule")
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

"""HTML report, near-duplicate clusters: the kept copy beside up to three others,
with the text they share marked; more clusters as a table."""

from __future__ import annotations

import re
from html import escape

from hygiene.corpus.neardup import Cluster
from hygiene.render.html_views import gap, pct
from hygiene.report import Report

CLUSTERS_COMPARED = 12


CLUSTER_COLUMNS = 4  # the kept copy and three others


CLUSTER_TEXT = 3_000


CLUSTER_ROWS_MAX = 500


SHINGLE = 5  # shared text in clusters: word 5-grams present in both copies


_WORD = re.compile(r"\w+")


def clusters_section(report: Report) -> str:
    head = '<section class="panel clusters" id="clusters"><h2>Near-duplicate clusters</h2>'
    if not report.clusters:
        return head + '<p class="note">No near-duplicate clusters.</p></section>'
    ordered = sorted(report.clusters, key=lambda c: (-len(c.members), str(c.id)))
    compared = ordered[:CLUSTERS_COMPARED]
    texts = _texts_of(report, {m for c in compared for m in _shown(c)})
    note = (
        f'<p class="note">{len(report.clusters):,} clusters. Each shows the copy kept and '
        f"up to {CLUSTER_COLUMNS - 1} others side by side; "
        f'<mark class="shared">green</mark> marks text shared with the kept copy '
        f"(runs of {SHINGLE} words or more).</p>"
    )
    sections = "".join(_cluster_html(c, texts) for c in compared)
    return head + note + sections + _cluster_table(ordered[CLUSTERS_COMPARED:]) + "</section>"


def _shown(cluster: Cluster) -> list[str]:
    """The kept copy, then the other members shown beside it."""
    others = [m for m in cluster.members if m != cluster.kept]
    return [cluster.kept, *others[: CLUSTER_COLUMNS - 1]]


def _texts_of(report: Report, keys: set[str]) -> dict[str, str]:
    """The texts of the documents shown, from one pass over the (spooled) files:
    never a map of every document."""
    return {r.doc.id: r.doc.text for r in report.files if r.doc.id in keys}


def _cluster_html(cluster: Cluster, texts: dict[str, str]) -> str:
    kept, *shown = _shown(cluster)
    kept_text = texts.get(kept, "")
    kept_grams = _grams(kept_text)
    other_grams: set[tuple[str, ...]] = set()
    columns = []
    for m in shown:
        text = texts.get(m)
        if text is not None:
            other_grams |= _grams(text)
        columns.append(_member_html(m, text, kept_grams, kept=False))
    columns.insert(0, _member_html(kept, texts.get(kept), other_grams, kept=True))
    more = len(cluster.members) - 1 - len(shown)
    extra = f"<span>and {more:,} more not shown</span>" if more > 0 else ""
    sim = cluster.lowest_similarity
    return (
        f'<div class="cluster"><div class="head"><b>Cluster {escape(str(cluster.id))}</b>'
        f"<span>{len(cluster.members):,} documents</span>"
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
        badge = f"<span>{pct(share)} of words {what}</span>"
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
        out.append(f'<div class="gap">{escape(gap(len(text) - cut))}</div>')
    return f'<div class="doc">{"".join(out)}</div>'


def _cluster_table(clusters: list[Cluster]) -> str:
    if not clusters:
        return ""
    rows = "".join(
        f'<tr><td>{escape(str(c.id))}</td><td class="num">{len(c.members):,}</td>'
        f'<td class="mono">{escape(c.kept)}</td>'
        f'<td class="num">{escape(_similarity(c.lowest_similarity))}</td></tr>'
        for c in clusters[:CLUSTER_ROWS_MAX]
    )
    left = len(clusters) - CLUSTER_ROWS_MAX
    note = f'<p class="note">{left:,} more clusters not listed.</p>' if left > 0 else ""
    return (
        '<h3 class="gap-top">More clusters</h3><table><tr><th>cluster</th>'
        '<th class="num">documents</th><th>kept</th><th class="num">similarity</th></tr>'
        f"{rows}</table>{note}"
    )

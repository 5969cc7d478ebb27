"""Human-readable renderings: the grouped text report and linter-style lines."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from hygiene.document import Document, FileResult
from hygiene.findings import Category, Finding
from hygiene.report import Report
from hygiene.rules import RULES
from hygiene.text import printable

_SNIPPET = 72
# ANSI SGR codes, applied after padding so that columns stay aligned.
_BOLD, _DIM, _RED, _YELLOW, _CYAN = "1", "2", "31", "33", "36"
_SEVERITY_COLOR = {"error": _RED, "warning": _YELLOW}


def location(doc: Document) -> str:
    """How a document is named in linter output: its path, or path#id for records,
    on one line whatever its name holds."""
    return printable(doc.id)


def concise_line(doc: Document, f: Finding) -> str:
    return f"{location(doc)}:{f.line}:{f.column}: {f.code} {f.message} [{RULES[f.code].name}]"


def render_concise(report: Report) -> str:
    return "".join(iter_concise(report))


def iter_concise(report: Report) -> Iterator[str]:
    """The concise rendering a line at a time."""
    for r in report.files:
        for f in r.findings:
            yield concise_line(r.doc, f) + "\n"
    for e in report.errors:
        yield f"{printable(e.path)}: error: {e.message}\n"


def _style(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def snippet(text: str, width: int = _SNIPPET) -> str:
    """The flagged text on one line, cut to width."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# --- shared with the markdown renderer ------------------------------------------------------


@dataclass(frozen=True)
class RuleCount:
    code: str
    count: int
    files: int


def rule_counts(report: Report) -> list[RuleCount]:
    """Findings and files per rule, in code order (the rows of the summary table)."""
    counts: Counter[str] = Counter()
    files: Counter[str] = Counter()
    for r in report.files:
        codes = [f.code for f in r.findings]
        counts.update(codes)
        files.update(set(codes))
    return [RuleCount(code, counts[code], files[code]) for code in sorted(counts)]


def share(flagged: int, chars: int) -> str:
    """A flagged share as a percentage with one decimal.

    Rounded first as Report.summary rounds flagged_share, so the two never disagree."""
    return f"{(round(flagged / chars, 4) if chars else 0.0) * 100:.1f}%"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def file_counts(result: FileResult) -> str:
    """'3 findings (2 boilerplate, 1 duplicate), 12.5% flagged' for a file header."""
    by_category = Counter(f.category for f in result.findings)
    parts = [f"{by_category[c]} {c.value}" for c in Category if by_category[c]]
    flagged = share(result.flagged_chars, len(result.doc.text))
    return f"{plural(len(result.findings), 'finding')} ({', '.join(parts)}), {flagged} flagged"


def rule_row(c: RuleCount) -> tuple[str, ...]:
    """code, count, files, rule, category, severity: a row of the summary table.

    The counts come right after the code, as in ``ruff --statistics``."""
    rule = RULES[c.code]
    return (c.code, str(c.count), str(c.files), rule.name, rule.category.value, rule.severity)


def totals_line(report: Report) -> str:
    s = report.summary()
    flagged = share(_int(s["chars_flagged"]), _int(s["chars"]))
    return (
        f"{plural(report.n_findings, 'finding')} in {s['files_with_findings']} of "
        f"{plural(_int(s['files']), 'file')}, {flagged} of characters flagged, "
        f"{plural(_int(s['errors']), 'error')}"
    )


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


# --- text report ----------------------------------------------------------------------------


def render_text(report: Report, *, color: bool = False, statistics: bool = False) -> str:
    return "".join(iter_text(report, color=color, statistics=statistics))


def iter_text(report: Report, *, color: bool = False, statistics: bool = False) -> Iterator[str]:
    """The text report a block at a time (one per flagged file, then the corpus)."""
    # The cli only knows whether stdout is a terminal; NO_COLOR (no-color.org) is the
    # user's standing request to go without, whatever the output is.
    color = color and not os.environ.get("NO_COLOR")
    if statistics:
        yield _statistics(report, color)
        return
    files = (_file_lines(r, color) for r in report.files if r.findings)
    errors = [
        _style(f"error: {printable(e.path)}: {e.message}", _RED, color) for e in report.errors
    ]
    corpus = (_cluster_lines(report, color), errors, _summary_lines(report, color))
    separator = ""
    for block in chain(files, corpus):
        if block:
            yield separator + "\n".join(block)
            separator = "\n\n"
    yield "\n"


def _file_lines(result: FileResult, color: bool) -> list[str]:
    doc = result.doc
    width = max(len(RULES[f.code].name) for f in result.findings)
    lines = [_style(location(doc), _BOLD, color), f"  {file_counts(result)}"]
    for f in result.findings:
        where = f"{f.line}:{f.column}".rjust(8)
        code = _style(f.code, _SEVERITY_COLOR.get(RULES[f.code].severity, _CYAN), color)
        name = RULES[f.code].name.ljust(width)
        lines.append(f"{where}  {code}  {name}  {f.score:.2f}  {f.message}")
        lines.append(f"{'':10}| {_style(snippet(doc.text[f.start : f.end]), _DIM, color)}")
    return lines


def _cluster_lines(report: Report, color: bool) -> list[str]:
    if not report.clusters:
        return []
    lines = [_style("Near-duplicate clusters", _BOLD, color)]
    for c in report.clusters:
        lines.append(
            f"  cluster {c.id}: {plural(len(c.members), 'document')}, "
            f"lowest similarity {c.lowest_similarity:.2f}"
        )
        lines += [f"    {'kept' if m == c.kept else 'dup ':4}  {m}" for m in c.members]
    return lines


_HEAD = ("code", "count", "files", "rule", "category", "severity")


def _summary_lines(report: Report, color: bool) -> list[str]:
    s = report.summary()
    lines = [_style("Summary", _BOLD, color)]
    rows = [rule_row(c) for c in rule_counts(report)]
    if rows:
        rows.append(("total", str(report.n_findings), str(s["files_with_findings"]), "", "", ""))
        lines += _table([_HEAD, *rows], color)
        lines.append("")
    # Kept in this exact form: scripts and tests match on it.
    lines.append(
        f"{s['files']} files, {s['files_with_findings']} with findings, "
        f"{s['findings']} findings, {share(_int(s['chars_flagged']), _int(s['chars']))} "
        f"of characters flagged, {s['errors']} errors"
    )
    return lines


def _table(rows: list[tuple[str, ...]], color: bool) -> list[str]:
    """Aligned columns, counts (the 2nd and 3rd) to the right; header and total in bold."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(w) if i in (1, 2) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        line = "  " + "  ".join(cells).rstrip()
        out.append(_style(line, _BOLD, color) if n in (0, len(rows) - 1) else line)
    return out


def _statistics(report: Report, color: bool) -> str:
    """Counts per rule, most frequent first, like ``ruff --statistics``."""
    counts = sorted(rule_counts(report), key=lambda c: (-c.count, c.code))
    width = max((len(str(c.count)) for c in counts), default=1)
    lines = [
        f"{c.count:>{width}}  {_style(c.code, _BOLD, color)}  "
        f"{'[*]' if RULES[c.code].fixable else '   '} {RULES[c.code].name}"
        for c in counts
    ]
    lines.append(f"Found {totals_line(report)}.")
    fixable = sum(c.count for c in counts if RULES[c.code].fixable)
    if fixable:
        lines.append(f"[*] {fixable} fixable with `hygiene clean` or `hygiene check --fix`.")
    return "\n".join(lines) + "\n"


def full_lines(doc: Document, f: Finding) -> str:
    rule = RULES[f.code]
    return (
        f"{concise_line(doc, f)}\n"
        f"    {rule.severity}: {rule.summary}; score {f.score:.2f}\n"
        f"    | {snippet(doc.text[f.start : f.end])}\n"
    )


def github_line(doc: Document, f: Finding) -> str:
    """A GitHub Actions workflow command that annotates the file."""
    level = {"error": "error", "warning": "warning"}.get(RULES[f.code].severity, "notice")
    message = f.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    path = (
        doc.path.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(",", "%2C")
        .replace(":", "%3A")
    )
    return (
        f"::{level} file={path},line={f.line},col={f.column},endLine={f.end_line},"
        f"title={f.code} {RULES[f.code].name}::{message}"
    )


def render_findings(report: Report, fmt: str) -> str:
    """hygiene check's output in one of its formats."""
    if fmt == "json":
        import json

        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    render_one = {"concise": concise_line, "full": full_lines, "github": github_line}[fmt]
    return "".join(
        render_one(r.doc, f).rstrip("\n") + "\n" for r in report.files for f in r.findings
    )

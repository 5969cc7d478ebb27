"""The report as GitHub-flavoured Markdown, for pasting into a pull request.

Flagged text is untrusted: it goes into code spans (``|`` escaped, a fence
longer than any backtick run inside) and every other cell is escaped, so that
no document can break a table or inject markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from hygiene.corpus.neardup import Cluster
from hygiene.document import FileResult
from hygiene.render.text import (
    file_counts,
    location,
    plural,
    rule_counts,
    rule_row,
    snippet,
    totals_line,
)
from hygiene.report import Report
from hygiene.rules import RULES
from hygiene.text import printable

_FLAGGED_WIDTH = 100
# ASCII punctuation that means something inline or in a table; a backslash makes it literal.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!#])")


def render_markdown(report: Report, *, statistics: bool = False) -> str:
    blocks = ["# Hygiene report", f"{totals_line(report)}.", *_rule_table(report)]
    if not statistics:
        blocks += _file_sections(report) + _clusters(report) + _errors(report)
    return "\n\n".join(blocks) + "\n"


def text(value: str) -> str:
    """Plain text for a table cell or a paragraph: one line, punctuation escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))


def code(value: str) -> str:
    """A code span showing ``value`` on one line, safe inside a table cell."""
    flat = " ".join(value.split()).replace("|", "\\|")
    if not flat:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    # A span may not start or end with its fence character; a space each side is stripped.
    pad = " " if flat[0] == "`" or flat[-1] == "`" else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: tuple[int, ...]) -> str:
    """A pipe table; ``right`` are the indexes of right-aligned (numeric) columns."""
    rule = tuple("---:" if i in right else "---" for i in range(len(head)))
    return "\n".join("| " + " | ".join(row) + " |" for row in (head, rule, *rows))


def _rule_table(report: Report) -> list[str]:
    counts = rule_counts(report)
    if not counts:
        return ["No findings."]
    rows = [rule_row(c) for c in counts]
    s = report.summary()
    total = ("**Total**", f"**{report.n_findings}**", f"**{s['files_with_findings']}**")
    head = ("Code", "Count", "Files", "Rule", "Category", "Severity")
    return [table(head, [*rows, (*total, "", "", "")], right=(1, 2))]


def _file_sections(report: Report) -> list[str]:
    sections = [_file_section(r) for r in report.files if r.findings]
    return ["## Findings", *sections] if sections else []


def _file_section(result: FileResult) -> str:
    """A collapsible block per file: GitHub shows only its summary line until opened."""
    doc = result.doc
    rows = [
        (
            f"{f.line}:{f.column}",
            f"{f.code} {RULES[f.code].name}",
            f.category.value,
            text(f.message),
            code(snippet(doc.text[f.start : f.end], _FLAGGED_WIDTH)),
        )
        for f in result.findings
    ]
    head = ("Line", "Rule", "Category", "Message", "Flagged text")
    # No Markdown inside <summary> (an HTML block), so the name is HTML-escaped instead.
    summary = f"<code>{html.escape(location(doc))}</code>: {html.escape(file_counts(result))}"
    return "\n\n".join(
        [
            f"<details>\n<summary>{summary}</summary>",
            table(head, rows, right=()),
            "</details>",
        ]
    )


def _clusters(report: Report) -> list[str]:
    if not report.clusters:
        return []
    rows = [_cluster_row(c) for c in report.clusters]
    head = ("Cluster", "Documents", "Lowest similarity", "Kept", "Near-duplicates")
    return ["## Near-duplicate clusters", table(head, rows, right=(0, 1, 2))]


def _cluster_row(cluster: Cluster) -> tuple[str, ...]:
    others = [code(m) for m in cluster.members if m != cluster.kept]
    return (
        str(cluster.id),
        str(len(cluster.members)),
        f"{cluster.lowest_similarity:.2f}",
        code(cluster.kept),
        "<br>".join(others),  # GitHub renders line breaks in a cell only as <br>
    )


def _errors(report: Report) -> list[str]:
    if not report.errors:
        return []
    rows = [(code(printable(e.path)), text(e.message)) for e in report.errors]
    title = f"## Errors ({plural(len(rows), 'file')} not read)"
    return [title, table(("File", "Error"), rows, right=())]

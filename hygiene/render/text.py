"""Human-readable renderings: the grouped text report and linter-style lines."""

from __future__ import annotations

from hygiene.document import Document
from hygiene.findings import Finding
from hygiene.report import Report
from hygiene.rules import RULES

_SNIPPET = 72


def location(doc: Document) -> str:
    """How a document is named in linter output: its path, or path#id for records."""
    return doc.id


def concise_line(doc: Document, f: Finding) -> str:
    return f"{location(doc)}:{f.line}:{f.column}: {f.code} {f.message} [{RULES[f.code].name}]"


def render_concise(report: Report) -> str:
    lines = [concise_line(r.doc, f) for r in report.files for f in r.findings]
    lines += [f"{e.path}: error: {e.message}" for e in report.errors]
    return "".join(line + "\n" for line in lines)


def _style(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIPPET else flat[: _SNIPPET - 1] + "…"


def render_text(report: Report, *, color: bool = False, statistics: bool = False) -> str:
    out: list[str] = []
    for result in report.files:
        if not result.findings:
            continue
        doc = result.doc
        out.append(_style(location(doc), "1", color))
        for f in result.findings:
            rule = RULES[f.code]
            where = f"{f.line}:{f.column}".rjust(8)
            head = f"{where}  {_style(f.code, '33', color)} {rule.category.value:<12} {f.score:.2f}"
            out.append(f"{head}  {f.message}")
            out.append(f"{'':10}| {_style(_snippet(doc.text[f.start : f.end]), '2', color)}")
        out.append("")
    for e in report.errors:
        out.append(_style(f"error: {e.path}: {e.message}", "31", color))
    out.extend(_summary_lines(report))
    return "\n".join(out) + "\n"


def _summary_lines(report: Report) -> list[str]:
    s = report.summary()
    share = float(str(s["flagged_share"])) * 100
    lines = [
        "",
        f"{s['files']} files, {s['files_with_findings']} with findings, "
        f"{s['findings']} findings, {share:.1f}% of characters flagged, {s['errors']} errors",
    ]
    by_rule = s["by_rule"]
    assert isinstance(by_rule, dict)
    for code, count in by_rule.items():
        rule = RULES[code]
        lines.append(f"  {code}  {count:>6}  {rule.category.value:<12} {rule.name}")
    return lines


def full_lines(doc: Document, f: Finding) -> str:
    rule = RULES[f.code]
    return (
        f"{concise_line(doc, f)}\n"
        f"    {rule.severity}: {rule.summary}; score {f.score:.2f}\n"
        f"    | {_snippet(doc.text[f.start : f.end])}\n"
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

"""Render stage: a Report in the format a person or a machine asked for.

Renderers are plain functions of a Report; the heavier ones (html, sarif,
markdown) live in their own modules and are imported only when asked for.
"""

from __future__ import annotations

import json

from hygiene.render.text import render_concise, render_text
from hygiene.report import Report

FORMATS = ("text", "json", "concise", "html", "sarif", "markdown")


def render(report: Report, fmt: str, *, color: bool = False, statistics: bool = False) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "concise":
        return render_concise(report)
    if fmt == "text":
        return render_text(report, color=color, statistics=statistics)
    if fmt == "html":
        from hygiene.render.html import render_html

        return render_html(report)
    if fmt == "sarif":
        from hygiene.render.sarif import render_sarif

        return render_sarif(report)
    if fmt == "markdown":
        from hygiene.render.markdown import render_markdown

        return render_markdown(report, statistics=statistics)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")

"""Render stage: a Report in the format a person or a machine asked for.

Renderers are plain functions of a Report; the heavier ones (html, sarif,
markdown) live in their own modules and are imported only when asked for.
``chunks`` hands the rendering out in pieces for ``write_output`` to stream.
"""

from __future__ import annotations

from collections.abc import Iterator

from hygiene.render.text import iter_concise, iter_text
from hygiene.report import Report

FORMATS = ("text", "json", "concise", "html", "sarif", "markdown")


def render(report: Report, fmt: str, *, color: bool = False, statistics: bool = False) -> str:
    return "".join(chunks(report, fmt, color=color, statistics=statistics))


def chunks(
    report: Report, fmt: str, *, color: bool = False, statistics: bool = False
) -> Iterator[str]:
    """The rendering in pieces: JSON, text and concise a file at a time, so that a
    corpus report is written as a stream; HTML (bounded by its size budget), SARIF
    and Markdown whole."""
    if fmt == "json":
        yield from report.iter_json()
        yield "\n"
    elif fmt == "concise":
        yield from iter_concise(report)
    elif fmt == "text":
        yield from iter_text(report, color=color, statistics=statistics)
    elif fmt == "html":
        from hygiene.render.html import render_html

        yield render_html(report)
    elif fmt == "sarif":
        from hygiene.render.sarif import render_sarif

        yield render_sarif(report)
    elif fmt == "markdown":
        from hygiene.render.markdown import render_markdown

        yield render_markdown(report, statistics=statistics)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")

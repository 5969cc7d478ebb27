"""Render stage: a Report in the format a person or a machine asked for."""

from __future__ import annotations

import json

from hygiene.render.text import render_concise, render_text
from hygiene.report import Report

FORMATS = ("text", "json", "concise")


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "concise":
        return render_concise(report)
    if fmt == "text":
        return render_text(report, color=color)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")

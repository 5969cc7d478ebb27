"""Findings: what a detector says about a span of a document, and the one way to make one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hygiene.rules import RULES, Category

__all__ = ["Category", "Finding", "Place", "Region", "Span", "finding"]


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    """One flagged span.

    ``start``/``end`` are code-point offsets into the document text; ``line``,
    ``column`` and ``end_line`` are 1-based. ``fix`` is the span a cleaner
    removes (usually the flagged span plus its line break), or ``None`` when
    the finding is informational only.
    """

    code: str
    category: Category
    start: int
    end: int
    line: int
    column: int
    end_line: int
    score: float
    message: str
    fix: Span | None = None

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.code)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "code": self.code,
            "category": self.category.value,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "score": round(self.score, 4),
            "message": self.message,
        }
        if self.fix is not None:
            data["fix"] = {"start": self.fix.start, "end": self.fix.end}
        return data


class Place(Protocol):
    """Where a finding sits: a Segment is one, and so is a ``Region``."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...


@dataclass(frozen=True)
class Region:
    """A span that is no single segment (a related-articles tail, a whole document)."""

    start: int
    end: int
    line: int
    column: int
    end_line: int


def finding(code: str, where: Place, score: float, message: str) -> Finding:
    """A finding of rule ``code`` over ``where``: its category and whether ``hygiene
    clean`` may cut it come from the rule, so no detector can get them wrong."""
    rule = RULES[code]
    return Finding(
        code=code,
        category=rule.category,
        start=where.start,
        end=where.end,
        line=where.line,
        column=where.column,
        end_line=where.end_line,
        score=score,
        message=message,
        fix=Span(where.start, where.end) if rule.fixable else None,
    )

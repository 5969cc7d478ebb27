"""Findings: what a detector says about a span of a document."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    BOILERPLATE = "boilerplate"
    OFFTOPIC = "offtopic"
    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near-duplicate"


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

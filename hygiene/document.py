"""The units that flow through the pipeline: a Document, its Segments, and what
becomes of it (a FileResult), or the ReadError it was instead."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hygiene.findings import Finding


@dataclass(frozen=True)
class Document:
    """One input text.

    ``id`` is unique within a run (the path for files, ``path#N`` or the record's
    id for JSONL lines); ``path`` is where the text came from; ``text`` is the text
    exactly as stored (newlines untranslated, BOM removed) so that offsets point
    into what users have on disk.
    """

    id: str
    path: str
    text: str
    # Where a cleaned copy goes, relative to the output folder.
    relpath: str = ""
    # The file started with a UTF-8 byte-order mark (kept out of ``text``).
    bom: bool = False
    # For JSONL input: the 1-based line of the record in its file, and the record
    # itself so that a cleaned copy keeps its other fields.
    record_line: int | None = None
    # When the text was published or stored (ISO 8601): a JSONL record's date
    # field, else the file's modification time. Used by --keep earliest.
    date: str | None = None
    record: dict[str, object] | None = None


class SegmentKind(StrEnum):
    LINE = "line"
    PARAGRAPH = "paragraph"
    SENTENCE = "sentence"


@dataclass(frozen=True, slots=True)  # slots: a large document has 100,000s of them
class Segment:
    """A span of a document's text: a line, a paragraph or a sentence.

    ``start``/``end`` are code-point offsets into ``Document.text``; ``line`` and
    ``end_line`` are 1-based; ``column`` is the 1-based column of ``start``.
    ``index`` is the segment's position among segments of its kind.
    """

    kind: SegmentKind
    start: int
    end: int
    line: int
    column: int
    end_line: int
    text: str
    index: int


@dataclass(frozen=True)
class ReadError:
    """An input that could not become a Document (or be analysed), and why."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass(frozen=True)
class FileResult:
    """A document and its findings, sorted by position."""

    doc: Document
    findings: list[Finding]

    @property
    def flagged_chars(self) -> int:
        covered = 0
        reach = 0
        for f in self.findings:  # sorted, possibly overlapping
            start = max(f.start, reach)
            if f.end > start:
                covered += f.end - start
                reach = f.end
        return covered

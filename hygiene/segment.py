"""Segment stage: lines, paragraphs and sentences with offsets and line numbers.

Two paragraph conventions meet in archives: blank-line-separated blocks
(sometimes hard-wrapped at a fixed width) and one paragraph per line. A block
of lines is one paragraph when it looks hard-wrapped, otherwise each of its
lines is a paragraph of its own.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from itertools import pairwise

from hygiene.document import Document, Segment, SegmentKind
from hygiene.findings import Region
from hygiene.sentences import split_sentences
from hygiene.text import LineIndex

# Hard-wrapped text is wrapped at a console-like width.
_MAX_WRAP_WIDTH = 100
_TERMINAL = tuple(".!?:;\"'”’)")


@dataclass(frozen=True)
class Segmented:
    """A document with its lines, paragraphs and sentences: made once per document
    (``segment``) and passed down to every stage that reads the document."""

    doc: Document
    lines: list[Segment]
    paragraphs: list[Segment]
    sentences: list[Segment]
    _positions: LineIndex = field(repr=False)
    # Per-document results that several detectors use (furniture verdicts,
    # vectors), computed by the first detector that needs them.
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset."""
        return self._positions.position(offset)

    def region(self, start: int, end: int) -> Region:
        """A span that is no single segment, with its lines."""
        line, column = self.position(start)
        end_line, _ = self.position(max(start, end - 1))
        return Region(start, end, line, column, end_line)

    def sentences_of(self, paragraph: Segment) -> list[Segment]:
        """The sentences inside a paragraph."""
        starts = self._sentence_starts
        lo = bisect.bisect_left(starts, paragraph.start)
        hi = bisect.bisect_left(starts, paragraph.end)
        return self.sentences[lo:hi]

    @functools.cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def line_span(self, start: int, end: int) -> tuple[int, int]:
        """The span from the start of start's line to the end of end's line."""
        first, _ = self.position(start)
        last, _ = self.position(max(start, end - 1))
        return self.lines[first - 1].start, self.lines[last - 1].end


def segment(doc: Document) -> Segmented:
    lines, starts = _lines(doc.text)
    paragraphs = _paragraphs(doc.text, lines)
    sentences: list[Segment] = []
    for para in paragraphs:
        for start, end in split_sentences(para.text, para.start):
            sentences.append(
                _make(doc.text, starts, SegmentKind.SENTENCE, start, end, len(sentences))
            )
    return Segmented(doc, lines, paragraphs, sentences, LineIndex.from_starts(starts))


def _lines(text: str) -> tuple[list[Segment], list[int]]:
    """Lines split on "\\n"; a trailing "\\r" belongs to the break, not the line."""
    lines: list[Segment] = []
    starts: list[int] = []
    pos = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        starts.append(pos)
        body = raw[:-1] if raw.endswith("\r") else raw
        lines.append(
            Segment(SegmentKind.LINE, pos, pos + len(body), number, 1, number, body, number - 1)
        )
        pos += len(raw) + 1
    return lines, starts


def _paragraphs(text: str, lines: list[Segment]) -> list[Segment]:
    paragraphs: list[Segment] = []
    for block in _blocks(lines):
        groups = [block] if _is_hard_wrapped(block) else [[line] for line in block]
        for group in groups:
            start, end = _strip(text, group[0].start, group[-1].end)
            if start < end:
                first, last = group[0], group[-1]
                paragraphs.append(
                    Segment(
                        SegmentKind.PARAGRAPH,
                        start,
                        end,
                        first.line,
                        start - first.start + 1,
                        last.line,
                        text[start:end],
                        len(paragraphs),
                    )
                )
    return paragraphs


def _blocks(lines: list[Segment]) -> list[list[Segment]]:
    """Runs of non-blank lines."""
    blocks: list[list[Segment]] = []
    current: list[Segment] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_hard_wrapped(block: list[Segment]) -> bool:
    """A wrapped paragraph breaks mid-sentence and ends like a sentence.

    Stacked headlines, bylines and label blocks neither continue from line to
    line nor end with terminal punctuation, so they stay one paragraph a line.
    """
    if len(block) < 2 or max(len(line.text.rstrip()) for line in block) > _MAX_WRAP_WIDTH:
        return False
    if not block[-1].text.rstrip().endswith(_TERMINAL):
        return False
    joins = sum(_continues(prev.text.rstrip(), nxt.text.lstrip()) for prev, nxt in pairwise(block))
    return joins >= 0.5 * (len(block) - 1)


def _continues(prev: str, nxt: str) -> bool:
    """Whether a line break falls inside a sentence."""
    if nxt[:1].islower():
        return True
    return not prev.endswith(_TERMINAL) and (prev.endswith(("-", ",")) or prev[-1:].islower())


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _make(
    text: str, starts: list[int], kind: SegmentKind, start: int, end: int, index: int
) -> Segment:
    line = bisect.bisect_right(starts, start) - 1
    end_line = bisect.bisect_right(starts, max(start, end - 1)) - 1
    return Segment(
        kind, start, end, line + 1, start - starts[line] + 1, end_line + 1, text[start:end], index
    )

"""Fix stage: remove flagged spans and account for every removed character.

A removal takes the flagged span plus the whitespace that would otherwise be
left dangling: the line break of a removed line, a doubled blank line, the
space after a removed sentence. Each removal is attributed to one finding, so
the cleaned text plus the removals give back the input exactly. ``hygiene
clean`` writes cleaned copies (``hygiene.batch.writer``); ``hygiene check
--fix`` rewrites a file in place and ``--diff`` shows what that would do.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from hygiene.atomic import write_text
from hygiene.document import FileResult
from hygiene.findings import Finding


@dataclass(frozen=True)
class Removal:
    start: int
    end: int
    finding: Finding
    text: str


def plan_removals(text: str, findings: Sequence[Finding]) -> list[Removal]:
    """Non-overlapping removals, in order, for every fixable finding.

    Findings separated by nothing but whitespace are cut as one group, so a run
    of furniture lines goes with the blank lines between them; the group's
    characters are then shared out among its findings.
    """
    removals: list[Removal] = []
    for whole in _groups(text, findings):
        for group in _split_gluing(text, whole):
            spans = [f.fix for f in group if f.fix is not None]
            start, end = _expand(text, spans[0].start, max(s.end for s in spans))
            cuts = [start] + [max(s.start, start) for s in spans[1:]] + [end]
            for f, lo, hi in zip(group, cuts, cuts[1:], strict=False):
                if hi > lo:
                    removals.append(Removal(lo, hi, f, text[lo:hi]))
    return removals


def _split_gluing(text: str, group: list[Finding]) -> list[list[Finding]]:
    """A group cut as one piece must not glue the text of two lines together.

    That happens when it starts after other text on its first line and ends
    before other text on its last one (a sentence ending one paragraph and a
    sentence starting the next): then the findings up to the first line break
    between them are cut apart from the rest, and the line break stays.
    """
    spans = [f.fix for f in group if f.fix is not None]
    start, end = spans[0].start, max(s.end for s in spans)
    line_start = text.rfind("\n", 0, start) + 1
    newline = text.find("\n", end)
    line_end = len(text) if newline < 0 else newline
    if not (text[line_start:start].strip() and text[end:line_end].strip()):
        return [group]
    reach = spans[0].end
    for i, span in enumerate(spans[1:], start=1):
        if "\n" in text[reach : span.start]:
            return [group[:i], group[i:]]
        reach = max(reach, span.end)
    return [group]


def _groups(text: str, findings: Sequence[Finding]) -> list[list[Finding]]:
    fixable = sorted(
        (f for f in findings if f.fix is not None),
        key=lambda f: (f.fix.start, f.fix.end) if f.fix else (0, 0),
    )
    groups: list[list[Finding]] = []
    reach = -1
    for f in fixable:
        assert f.fix is not None
        if groups and (f.fix.start <= reach or not text[reach : f.fix.start].strip()):
            groups[-1].append(f)
        else:
            groups.append([f])
        reach = max(reach, f.fix.end)
    return groups


def fixable_in_place(result: FileResult) -> list[Removal]:
    """The removals a file's findings make, if its text is a file of its own (a
    JSONL record or stdin is never rewritten in place)."""
    doc = result.doc
    if doc.record is not None or doc.path in ("-", "<stdin>"):
        return []
    return plan_removals(doc.text, result.findings)


def fix_in_place(result: FileResult, removals: Sequence[Removal]) -> FileResult:
    """Rewrite the file without its removals, atomically and keeping its mode; the
    result is what is left to report."""
    doc = result.doc
    write_text(doc.path, apply_removals(doc.text, removals), bom=doc.bom)
    fixed = {id(r.finding) for r in removals}
    return FileResult(doc, [f for f in result.findings if id(f) not in fixed])


def unified_diff(result: FileResult, removals: Sequence[Removal]) -> str:
    """What fix_in_place would change, as a unified diff."""
    doc = result.doc
    lines = difflib.unified_diff(
        doc.text.splitlines(keepends=True),
        apply_removals(doc.text, removals).splitlines(keepends=True),
        fromfile=f"a/{doc.path}",
        tofile=f"b/{doc.path}",
    )
    return "".join(lines)


def apply_removals(text: str, removals: Sequence[Removal]) -> str:
    parts: list[str] = []
    pos = 0
    for r in removals:
        parts.append(text[pos : r.start])
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts)


def restore(cleaned: str, removals: Sequence[Removal]) -> str:
    """The inverse of apply_removals: the input text again."""
    parts: list[str] = []
    pos = 0  # in cleaned
    done = 0  # characters of the original emitted so far
    for r in removals:
        keep = r.start - done
        parts.append(cleaned[pos : pos + keep])
        parts.append(r.text)
        pos += keep
        done = r.end
    parts.append(cleaned[pos:])
    return "".join(parts)


def _expand(text: str, start: int, end: int) -> tuple[int, int]:
    if end <= start:
        return start, end
    line_start = text.rfind("\n", 0, start) + 1
    newline = text.find("\n", end)
    line_end = len(text) if newline < 0 else newline
    if text[line_start:start].strip() or text[end:line_end].strip():
        return _expand_inline(text, start, end)
    # Whole lines: take them with their line break.
    start, end = line_start, min(line_end + 1, len(text))
    if not text[end:].strip():
        end = len(text)
    if end == len(text):
        # Removal reaches the end (only blank lines follow): drop the blank lines
        # before it too, keeping the previous line's own break (or its absence, if
        # the file had none).
        keep_break = text.endswith("\n")
        while start > 0 and not text[text.rfind("\n", 0, start - 1) + 1 : start].strip():
            start = text.rfind("\n", 0, start - 1) + 1
        if not keep_break and start > 0:
            start -= 1
            if start > 0 and text[start - 1] == "\r":
                start -= 1
        return start, end
    if start == 0 or _ends_with_blank_line(text, start):
        # Don't leave a doubled blank line (or a blank first line) behind.
        while end < len(text):
            nxt = text.find("\n", end)
            stop = len(text) if nxt < 0 else nxt + 1
            if text[end:stop].strip():
                break
            end = stop
    return start, end


def _ends_with_blank_line(text: str, pos: int) -> bool:
    """Whether the line just before pos (pos at a line start) is blank."""
    prev_start = text.rfind("\n", 0, pos - 1) + 1
    return not text[prev_start:pos].strip()


def _expand_inline(text: str, start: int, end: int) -> tuple[int, int]:
    """Part of a line: take the spaces after it, or before it at the line's end."""
    stop = end
    while stop < len(text) and text[stop] in " \t":
        stop += 1
    if stop < len(text) and text[stop] not in "\r\n":
        return start, stop
    begin = start
    while begin > 0 and text[begin - 1] in " \t":
        begin -= 1
    return begin, stop

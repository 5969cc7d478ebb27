"""Regions after the story: a related-articles tail (HY202), a comment thread (HY106).

Such a tail has a shape: a header ("Related Articles", "More from ...", "You
may also like"), then units of other stories, each a headline and usually a
lede, often with an outlet name and a publication time ("29 minutes ago").
The region is recognised by that rhythm, not by topic: a related story on the
same subject belongs to the tail just the same.

A comment thread is recognised the same way: a comments header ("12 comments",
"Reader comments") or the first commenter's signature ("Posted by: Dana | Jan
13, 2008 9:21 AM"), then comment bodies and more signatures to the end of the
page; comment bodies are prose, so only the structure tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hygiene.detectors.cues import (
    SIGNATURE_REASON,
    STORIES_HEADER,
    LineShape,
    headline_shaped,
    line_cues,
)
from hygiene.detectors.furniture import furniture_flags
from hygiene.detectors.lines import CUE_NAMES_RULE, Verdict
from hygiene.embed import Embedder
from hygiene.findings import Finding, finding
from hygiene.segment import Segmented

# Furniture that stands inside a tail unit: times, outlet names and labels.
_UNIT_CODES = frozenset({"HY101", "HY102", "HY108"})


class Role(Enum):
    HEADER = "header"
    FURNITURE = "furniture"
    LABEL = "label"  # a short line such as an outlet name: furniture inside a tail
    HEADLINE = "headline"
    PROSE = "prose"


@dataclass(frozen=True)
class Region:
    start: int  # paragraph indexes, inclusive
    end: int
    stories: int
    header: str | None


def structure_flags(seg: Segmented, flags: list[Verdict | None]) -> list[Verdict | None]:
    """The furniture a tail or a thread is made of: the line model's verdicts, and the
    lines a written cue marks (an outlet, a time, a signature) even where the model,
    at its precision-first operating point, leaves them: the region's rhythm, not the
    single line, is the evidence here."""
    out = []
    for para, flag in zip(seg.paragraphs, flags, strict=True):
        if flag is None:
            cues = line_cues(para.text)
            if cues and cues[0].weight >= CUE_NAMES_RULE:
                flag = Verdict(cues[0].weight, cues[0].code, cues[0].reason)
        out.append(flag)
    return out


def roles(texts: list[str], flags: list[Verdict | None]) -> list[Role]:
    out: list[Role] = []
    for text, flag in zip(texts, flags, strict=True):
        shape = LineShape.of(text)
        if STORIES_HEADER.match(shape.text):
            out.append(Role.HEADER)
        elif flag is not None and not flag.learned:
            # Only cue-backed furniture: the line model's position evidence would also
            # claim the headlines of a tail, which are what the tail is made of.
            out.append(Role.FURNITURE)
        elif shape.n_words <= 4 and not shape.terminal and len(shape.text) <= 40:
            out.append(Role.LABEL)
        elif headline_shaped(shape):
            out.append(Role.HEADLINE)
        else:
            out.append(Role.PROSE)
    return out


def find_tail(rs: list[Role], flags: list[Verdict | None]) -> Region | None:
    """The tail region, if the document ends in one.

    A parse that fails from one line fails the same way from every later line it
    went through (same units, fewer of them), so the next try starts where it
    stopped: linear in the document, however many furniture lines it has."""
    prose_seen = 0
    i = 0
    while i < len(rs):
        role = rs[i]
        if role is Role.PROSE:
            prose_seen += 1
        elif role is Role.HEADER and prose_seen >= 2:
            region, stop = _parse_units(rs, flags, i + 1, need_furniture=False)
            if region is not None:
                return Region(i, region.end, region.stories, "header")
            i = max(i + 1, stop)
            continue
        i += 1
    # No header: a run of at least two units that each carry an outlet or time line.
    last = _last_content(rs)
    i = 0
    while i < len(rs):
        if prose_seen and rs[i] in (Role.FURNITURE, Role.HEADLINE):
            region, stop = _parse_units(rs, flags, i, need_furniture=True)
            if region is not None and region.stories >= 2 and region.end >= last:
                return region
            i = max(i + 1, stop)
            continue
        i += 1
    return None


def _last_content(rs: list[Role]) -> int:
    return max((i for i, r in enumerate(rs) if r in (Role.HEADLINE, Role.PROSE)), default=-1)


def _parse_units(
    rs: list[Role], flags: list[Verdict | None], start: int, need_furniture: bool
) -> tuple[Region | None, int]:
    """Read headline(+lede) units from start; None unless at least one story. Also
    where the reading stopped."""
    stories = 0
    end = -1
    i = start
    unit_furniture = False
    while i < len(rs):
        role = rs[i]
        if role is Role.LABEL and not need_furniture:
            i += 1
            continue
        if role is Role.FURNITURE or role is Role.HEADER:
            flag = flags[i]
            unit_furniture = (
                unit_furniture
                or role is Role.HEADER
                or (flag is not None and flag.code in _UNIT_CODES)
            )
            i += 1
            continue
        if role is Role.PROSE or role is Role.LABEL:
            break  # running text without a headline: the story goes on
        if need_furniture and not unit_furniture:
            break
        # A headline, then at most one lede paragraph, perhaps after a time or outlet line.
        stories += 1
        end = i
        after = i + 1
        while after < len(rs) and rs[after] in (Role.FURNITURE, Role.LABEL):
            after += 1
        if after < len(rs) and rs[after] is Role.PROSE:
            end = after
        i = end + 1
        unit_furniture = False
    if stories == 0:
        return None, i
    return Region(start, end, stories, None), i


def _is_signature(flag: Verdict | None) -> bool:
    # The line model appends its score to the reason of a cue it keeps.
    return flag is not None and flag.reason.startswith(SIGNATURE_REASON)


def find_comment_thread(rs: list[Role], flags: list[Verdict | None]) -> Region | None:
    """From a comments header or the first signature to the last comment."""
    # Signatures from each line on, and the last line a thread can end on: counted
    # once, so that a page of comment lines costs linear time.
    signatures_from = [0] * (len(rs) + 1)
    for j in range(len(rs) - 1, -1, -1):
        signatures_from[j] = signatures_from[j + 1] + _is_signature(flags[j])
    last_end = max(
        (
            j
            for j in range(len(rs))
            if rs[j] in (Role.PROSE, Role.HEADLINE) or _is_signature(flags[j])
        ),
        default=-1,
    )
    prose_before = 0
    for i, role in enumerate(rs):
        flag = flags[i]
        if role is Role.PROSE:
            prose_before += 1
            continue
        if prose_before < 2 or flag is None or flag.code != "HY106":
            continue
        signatures = signatures_from[i]
        if signatures < (1 if not _is_signature(flag) else 2):
            continue
        if last_end > i:  # a signature at or after i: last_end >= i
            return Region(_thread_start(rs, flags, i), last_end, signatures, "comments")
    return None


def _thread_start(rs: list[Role], flags: list[Verdict | None], i: int) -> int:
    """Where a thread found at line i starts: at a later comments line when prose stands
    between the two before the first signature. A page may link to its comments above
    the story ("Comments", "7"); the story is not the thread, and its own header,
    nearer the signatures, is where the thread begins."""
    start, prose = i, False
    for j in range(i + 1, len(rs)):
        flag = flags[j]
        if _is_signature(flag):
            break
        if rs[j] is Role.PROSE:
            prose = True
        elif prose and flag is not None and flag.code == "HY106":
            start, prose = j, False
    return start


def _holds_the_story(seg: Segmented, rs: list[Role], thread: Region) -> bool:
    """Whether a thread that rests on one signature holds more prose than the page has
    above it. Comments follow the story; such a "signature" is a dateline above the
    story ("Mar 27, 2017 at 1:57 pm | Print View"), and the thread would be the story."""
    if thread.stories != 1:
        return False

    def prose(lines: range) -> int:
        return sum(len(seg.paragraphs[i].text) for i in lines if rs[i] is Role.PROSE)

    return prose(range(thread.start, thread.end + 1)) > prose(range(thread.start))


class RelatedTailDetector:
    name = "related-tail"
    codes: tuple[str, ...] = ("HY202", "HY106")

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder  # for the line model, when no furniture detector ran

    def detect(self, seg: Segmented) -> list[Finding]:
        flags = structure_flags(seg, furniture_flags(seg, self.embedder))
        rs = roles([p.text for p in seg.paragraphs], flags)
        found = []
        thread = find_comment_thread(rs, flags)
        if thread is not None and not _holds_the_story(seg, rs, thread):
            found.append(self._thread_finding(seg, thread))
        tail = self._tail(seg, rs, flags)
        if tail is not None:
            found.append(tail)
        return found

    @staticmethod
    def _thread_finding(seg: Segmented, region: Region) -> Finding:
        first, last = seg.paragraphs[region.start], seg.paragraphs[region.end]
        plural = "s" if region.stories != 1 else ""
        message = (
            f"comment thread: {region.stories} commenter signature{plural}, "
            f"lines {first.line}-{last.end_line}"
        )
        return finding("HY106", seg.region(first.start, last.end), 0.9, message)

    def _tail(self, seg: Segmented, rs: list[Role], flags: list[Verdict | None]) -> Finding | None:
        paras = seg.paragraphs
        region = find_tail(rs, flags)
        if region is None:
            return None
        first, last = paras[region.start], paras[region.end]
        if region.header == "header":
            how = f"after the header '{LineShape.of(first.text).text}'"
            score = 0.95
        else:
            how = "each with an outlet or time line"
            score = 0.85
        plural = "y" if region.stories == 1 else "ies"
        message = (
            f"related-articles tail: {region.stories} other stor{plural} {how}, "
            f"lines {first.line}-{last.end_line}"
        )
        return finding("HY202", seg.region(first.start, last.end), score, message)

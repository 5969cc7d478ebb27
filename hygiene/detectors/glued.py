"""Furniture glued to an article paragraph: a photo credit run into its last sentence,
a "click here" tail, flagged as its own span while the rest of the paragraph stays.
The line model judges whole lines; this looks inside them, at the first and last
sentences, with the written cues.
"""

from __future__ import annotations

import re

from hygiene.detectors.cues import CREDIT_WORDS, Cue, LineShape, line_cues
from hygiene.sentences import split_sentences

# A credit in parentheses closing a paragraph: "(Jane Roe/AP)", "(Photo: Reuters)".
_GLUED_CREDIT = re.compile(
    rf"\((?:(?:photo|image|credit|pictured)s?\s*:\s*)?[^()]{{0,60}}?"
    rf"(?:/\s*[A-Z][\w.&' -]{{1,40}}|\b(?:{CREDIT_WORDS})\b[^()]{{0,40}})\)\s*$",
    re.IGNORECASE,
)
GLUED_MIN = 0.75  # a glued sentence needs a strong cue of its own
# What may be run into an article paragraph: captions and photo credits, media labels,
# calls to action and copyright notices. A byline or a navigation label inside running
# text is a sentence that happens to look like one; a wire story's closing reporting
# credit ("(Reporting by ...; Editing by ...)") is part of the story as archives keep
# it (the intrusion-news bench's clean articles hold it as article text).
_GLUED_CODES = frozenset({"HY103", "HY104", "HY105"})
_GLUED_REASONS = frozenset({"a copyright or rights notice"})


def glued_furniture(
    text: str, sentences: list[tuple[int, int]] | None = None
) -> list[tuple[int, int, Cue]]:
    """Furniture run into the first or last sentence of an article paragraph:
    (start, end, cue) of each piece, offsets into ``text`` (``sentences``: its
    sentences' spans, when already split). The rest of the paragraph must be running
    prose, so a caption or a call to action standing alone is the line model's
    business, not this."""
    markers = _inline_markers(text)
    if markers:
        return markers
    spans = split_sentences(text) if sentences is None else sentences
    if len(spans) < 2:
        return _glued_credit(text)
    out = []
    for start, end in (spans[0], spans[-1]):
        cues = [
            c
            for c in line_cues(text[start:end])
            if c.code in _GLUED_CODES or c.reason in _GLUED_REASONS
        ]
        rest = (text[:start] + " " + text[end:]).strip()
        if cues and cues[0].weight >= GLUED_MIN and _is_prose(rest):
            out.append((start, end, cues[0]))
    return out or _glued_credit(text)


# Markers a page inserts into running text with no sentence break around them: an
# advertisement slot ("Story continues below advertisement The expansion adds ...") and
# a media player's clock with its label ("... four years. 0:00 / 2:13 Watch: ...").
_AD_MARKER = re.compile(
    r"""(?:\b(?:story|article)\s+continues\s+(?:below|after)(?:\s+(?:this|the))?
          (?:\s+(?:advertisement|advert|ad))?|\bcontinue\s+reading\s+(?:below|the\s+main\s+story))
        (?=\s+[A-Z0-9"“‘'])""",
    re.IGNORECASE | re.VERBOSE,
)
# The bare word: in capitals anywhere, capitalised only where a sentence could start
# ("The Advertisement Standards Authority said" is story text).
_AD_WORD = re.compile(r"(?:\bADVERTISEMENT|(?:^|(?<=[.!?] ))Advertisement)(?=\s+[A-Z0-9\"“‘'])")
_PLAYER_CLOCK = re.compile(
    r"\b0?0:00(?::00)?\s*/\s*\d{1,2}:\d{2}(?::\d{2})?"  # a player that never started
    r"(?:\s+(?:watch|video|listen|play)\b[^.!?]*$)?",
    re.IGNORECASE,
)


def _inline_markers(text: str) -> list[tuple[int, int, Cue]]:
    """Advertisement markers and player clocks glued into an article paragraph, each its
    own span, when what is left is running prose."""
    found = [
        (m.start(), m.end(), Cue("HY108", 0.85, "an advertisement marker"))
        for pattern in (_AD_MARKER, _AD_WORD)
        for m in pattern.finditer(text)
    ]
    found += [
        (m.start(), m.end(), Cue("HY103", 0.9, "a media player's clock"))
        for m in _PLAYER_CLOCK.finditer(text)
    ]
    if not found:
        return []
    rest = text
    for start, end, _ in sorted(found, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    return sorted(found) if _is_prose(rest) else []


CAPTION_WORDS = 30  # a single sentence this short before a credit is its caption


def _glued_credit(text: str) -> list[tuple[int, int, Cue]]:
    """A closing credit: alone when it closes an article paragraph, with its sentence
    when that one short sentence is all there is (a caption)."""
    match = _GLUED_CREDIT.search(text)
    if match is None or not _is_prose(text[: match.start()]):
        return []
    credit = match.group(0).strip()
    before = split_sentences(text[: match.start()])
    if len(before) == 1 and len(text[: match.start()].split()) <= CAPTION_WORDS:
        return [
            (0, match.start() + len(credit), Cue("HY104", 0.85, f"a caption credited '{credit}'"))
        ]
    return [
        (
            match.start(),
            match.start() + len(credit),
            Cue("HY104", 0.85, f"a photo credit '{credit}'"),
        )
    ]


def _is_prose(text: str) -> bool:
    """Running text: eight words or more ending like a sentence, with no cue of its own."""
    shape = LineShape.of(text)
    return (
        shape.n_words >= 8 and shape.terminal and not any(c.weight >= 0.5 for c in line_cues(text))
    )

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

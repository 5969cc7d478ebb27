"""Another story glued after the story, with no header, outlet or time line (HY202).

A scraper that runs past the end of an article picks up the next one: a headline,
then paragraphs about something else. The related-tail rhythm (``tail.py``) needs a
header or outlet and time lines; this needs neither. It looks for the place where
the document splits into two parts that say different things: the cosine between
the embedding centroid of the paragraphs before and of those after is below
``APPENDED_MAX_COSINE``, the part after starts with a headline and a paragraph of
prose, and it is no longer than the part before (the story is the longer part; a
page whose extractor kept other stories' teasers above the story must not lose the
story). Only the end of a document is searched: a story pasted into the middle is the
paragraph model's business (HY201).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hygiene.detectors.cues import LineShape, headline_shaped
from hygiene.detectors.vectors import DocVectors
from hygiene.segment import Segmented

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Floats = npt.NDArray[np.float64]

# The largest of scripts/appended_eval.py's grid that flags at most 1 in 2,000 of the
# 3,115 clean documents of the planted data's train and cal splits (1 of them: the
# topic rules spend the rest of the 1 % budget); with another story's first 2 to 5
# paragraphs glued after each of them, 45 % are found (most of the rest are too short
# to split).
APPENDED_MAX_COSINE = 0.3
MIN_STORY = 3  # judged paragraphs before the split: the story
MIN_APPENDED = 2  # and after it: a headline and a paragraph at least
MAX_HEADLINE_NUMBERS = 2  # "Storm kills 12 in 3 states"; a table row has more
PROSE_WORDS = 8  # the paragraph after the headline: a sentence of the story


@dataclass(frozen=True)
class Appended:
    start: int  # index into seg.paragraphs: the appended story's headline
    cosine: float  # between the two parts' centroids


def appended_story(seg: Segmented, vecs: DocVectors) -> Appended | None:
    """Where another story starts at the end of the document, if one does."""
    split = closest_split(seg, vecs)
    return split if split is not None and split.cosine < APPENDED_MAX_COSINE else None


def closest_split(seg: Segmented, vecs: DocVectors) -> Appended | None:
    """The split at a headline whose two parts are furthest apart, whatever the
    distance (None: the document is too short, or has no headline to split at)."""
    import numpy as np

    ids = vecs.paragraph_ids
    n = len(ids)
    if n < MIN_STORY + MIN_APPENDED:
        return None
    lengths = np.array([len(seg.paragraphs[i].text) for i in ids], dtype=np.float64)
    weights = np.sqrt(lengths)
    text_before = np.cumsum(lengths)
    weighted: Floats = vecs.paragraphs.astype(np.float64) * weights[:, None]
    before = np.cumsum(weighted, axis=0)
    total = before[-1]
    best: Appended | None = None
    judged = set(ids)
    for k in range(MIN_STORY, n - MIN_APPENDED + 1):
        if text_before[k - 1] < text_before[-1] - text_before[k - 1]:
            continue  # the story is the longer part: what comes first is not it
        start = _headline_at(seg, ids[k], judged)
        if start is None:
            continue
        head, tail = before[k - 1], total - before[k - 1]
        cosine = float(head @ tail / max(np.linalg.norm(head) * np.linalg.norm(tail), 1e-12))
        if best is None or cosine < best.cosine:
            best = Appended(start, cosine)
    return best


def _headline_at(seg: Segmented, index: int, judged: set[int]) -> int | None:
    """The headline a part starting at paragraph ``index`` opens with: that paragraph,
    or the one right before it when that one is too short to be judged; either way
    followed by a paragraph of prose, as a story begins (a table's rows are not)."""
    paras = seg.paragraphs
    if _is_headline(paras[index].text):
        return index if index + 1 < len(paras) and _is_prose(paras[index + 1].text) else None
    before = index - 1
    if before >= 0 and before not in judged and _is_headline(paras[before].text):
        return before if _is_prose(paras[index].text) else None
    return None


def _is_headline(text: str) -> bool:
    shape = LineShape.of(text)
    numbers = sum(any(c.isdigit() for c in w) for w in shape.words)
    return headline_shaped(shape) and numbers <= MAX_HEADLINE_NUMBERS


def _is_prose(text: str) -> bool:
    shape = LineShape.of(text)
    return shape.n_words >= PROSE_WORDS and shape.terminal

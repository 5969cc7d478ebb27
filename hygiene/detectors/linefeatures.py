"""Features of a paragraph as page furniture, with its context, for the learned line model.

Everything here is a general property of a line or of its place on the page:
cue strengths per furniture rule, length and punctuation, capitalisation,
position, its neighbours, and whether it sits inside the page's main block of
running prose (found as the best-scoring contiguous run of prose-like lines,
the idea of Finn et al.'s Body Text Extraction).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hygiene.detectors.cues import LineShape, line_cues

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from hygiene.detectors.furniture import LineContext

CUE_CODES = tuple(f"HY10{i}" for i in range(1, 9))
_STOP = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been it its "
    "this that he she they we his her their not will would has have had said says who which".split()
)
_URL = re.compile(r"https?://|www\.|\S+@\S+\.\w+")
_BULLET = re.compile(r"^[-–—•*·>»|]\s")

OWN = (
    "log_words",
    "log_chars",
    "terminal",
    "ends_colon",
    "starts_upper",
    "starts_digit",
    "starts_bullet",
    "title_ratio",
    "upper_ratio",
    "digit_ratio",
    "stop_ratio",
    "url",
    "pipes",
    "prose",
)
FEATURES: tuple[str, ...] = (
    *(f"cue_{c}" for c in CUE_CODES),
    *OWN,
    "cue_any",
    "rel_position",
    "is_first",
    "log_from_top",
    "log_from_bottom",
    "prev_cue",
    "next_cue",
    "prev_log_words",
    "next_log_words",
    "prev_prose",
    "next_prose",
    "in_main_block",
    "log_block_distance",
    "doc_prose_share",
)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words, counting two CJK characters as one (those scripts do not space words)."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _own(text: str) -> tuple[list[float], float]:
    """The line's own shape features, and its strongest cue."""
    shape = LineShape.of(text)
    words = shape.words
    n = max(len(words), 1)
    n_words = word_count(shape.text)
    cues = {c: 0.0 for c in CUE_CODES}
    for cue in line_cues(text):
        cues[cue.code] = max(cues[cue.code], cue.weight)
    stop = sum(w.lower() in _STOP for w in words) / n
    # Sentence-shaped and long enough; the stopword share is a feature, not a
    # condition, so that prose in other languages still counts as prose.
    terminal = shape.terminal or shape.text.endswith(("。", "！", "？"))
    prose = float(n_words >= 8 and terminal)
    own = [
        math.log1p(n_words),
        math.log1p(len(shape.text)),
        float(terminal),
        float(shape.text.endswith(":")),
        float(shape.text[:1].isupper()),
        float(shape.text[:1].isdigit()),
        float(bool(_BULLET.match(shape.text))),
        sum(w[:1].isupper() for w in words) / n,
        sum(w.isupper() and len(w) > 1 for w in words) / n,
        sum(any(ch.isdigit() for ch in w) for w in words) / n,
        stop,
        float(bool(_URL.search(shape.text))),
        float(shape.text.count("|") >= 2),
        prose,
    ]
    return [*cues.values(), *own], max(cues.values())


def main_block(prose: Sequence[float], words: Sequence[int]) -> tuple[int, int]:
    """The contiguous run of lines that maximises prose words minus other lines' words."""
    best, best_span = -math.inf, (0, -1)
    run, start = 0.0, 0
    for i, (is_prose, n) in enumerate(zip(prose, words, strict=True)):
        gain = float(n) if is_prose else -(min(n, 30) + 3.0)
        if run <= 0:
            run, start = gain, i
        else:
            run += gain
        if run > best:
            best, best_span = run, (start, i)
    return best_span


def line_features(lines: Sequence[LineContext]) -> npt.NDArray[np.float64]:
    """One row of FEATURES per paragraph of a document."""
    import numpy as np

    own = [_own(line.text) for line in lines]
    n = len(lines)
    prose = [row[len(CUE_CODES) + OWN.index("prose")] for row, _ in own]
    words = [word_count(line.text) for line in lines]
    lo, hi = main_block(prose, words) if n else (0, -1)
    share = sum(prose) / n if n else 0.0
    rows = []
    for i, (row, top_cue) in enumerate(own):
        prev = own[i - 1] if i > 0 else None
        nxt = own[i + 1] if i + 1 < n else None
        distance = 0 if lo <= i <= hi else (lo - i if i < lo else i - hi)
        rows.append(
            [
                *row,
                top_cue,
                i / max(n - 1, 1),
                float(i == 0),
                math.log1p(i),
                math.log1p(n - 1 - i),
                prev[1] if prev else 0.0,
                nxt[1] if nxt else 0.0,
                math.log1p(words[i - 1]) if prev else 0.0,
                math.log1p(words[i + 1]) if nxt else 0.0,
                prose[i - 1] if prev else 0.0,
                prose[i + 1] if nxt else 0.0,
                float(lo <= i <= hi),
                math.log1p(distance),
                share,
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(n, len(FEATURES))

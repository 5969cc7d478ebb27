"""Features of a line and its place on the page, for the learned line model.

Three kinds, all cheap:

- the line's own shape: the hand-written cues of ``hygiene.detectors.cues`` (one
  weight per rule), length, punctuation, capitalisation, dates, names, links;
- its context: position, the neighbours' shape, the run of short lines it sits
  in, and whether it lies in the page's main block of running prose (the
  best-scoring contiguous run of prose-like lines, the idea of Finn et al.'s
  Body Text Extraction), or how far from it;
- optionally its MiniLM vector: cosine to the main block, to its neighbours and
  to the page's first lines, and the line's projection on a learned direction.

The learned model stacks two layers of these (``stacked``): the first layer's
furniture probabilities of the neighbours become features of the second.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from hygiene.detectors.cues import (
    LineShape,
    cached_for_short_lines,
    line_cues,
    looks_like_name,
    mentions_date,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float64]

CUE_CODES = tuple(f"HY10{i}" for i in range(1, 9))
STOPWORDS = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been it its "
    "this that he she they we his her their not will would has have had said says who which".split()
)
_URL = re.compile(r"https?://|www\.|[^\s@]{1,64}@[^\s@.]{1,63}\.\w")
BULLET = re.compile(r"^[-–—•*·>»|]\s")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+(?=\S)")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PUNCT = re.compile(r"[^\w\s]|_")  # neither alphanumeric nor space, as str methods say

OWN: tuple[str, ...] = (
    *(f"cue_{c}" for c in CUE_CODES),
    "cue_any",
    "log_words",
    "log_chars",
    "terminal",
    "ends_colon",
    "ends_other",
    "starts_upper",
    "starts_lower",
    "starts_digit",
    "starts_bullet",
    "starts_quote",
    "title_ratio",
    "upper_ratio",
    "digit_ratio",
    "stop_ratio",
    "comma_ratio",
    "punct_ratio",
    "mean_word_len",
    "log_sentences",
    "url",
    "pipes",
    "date",
    "year",
    "name",
    "prose",
)
NEIGHBOUR = ("log_words", "terminal", "prose", "cue_any", "title_ratio", "stop_ratio")
CONTEXT: tuple[str, ...] = (
    "rel_position",
    "is_first",
    "is_last",
    "log_from_top",
    "log_from_bottom",
    "log_lines",
    "doc_prose_share",
    "in_main_block",
    "log_before_block",
    "log_after_block",
    "block_share",
    "log_short_run",
    "log_prose_above",
    "log_prose_below",
    "in_prose_span",
    "same_start_prev",
    "same_start_next",
    "log_repeats",
    "char_share",
    "window_prose",
    "window_words",
    *(f"{side}{k}_{name}" for k in (1, 2) for side in ("prev", "next") for name in NEIGHBOUR),
)
EMBEDDING: tuple[str, ...] = (
    "cos_block",
    "cos_prev",
    "cos_next",
    "cos_top",
    "cos_rank",
)
_IX = {name: i for i, name in enumerate(OWN)}


def word_count(text: str) -> int:
    """Words, counting two CJK characters as one (those scripts do not space words)."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


@cached_for_short_lines
def word_shares(text: str) -> tuple[float, float, float, float]:
    """Shares of the line's words that are capitalised, all capitals, hold a digit,
    and are stopwords (both line models ask: short lines are computed once)."""
    words = LineShape.of(text).words
    n = max(len(words), 1)
    return (
        sum(w[:1].isupper() for w in words) / n,
        sum(w.isupper() and len(w) > 1 for w in words) / n,
        sum(any(ch.isdigit() for ch in w) for w in words) / n,
        sum(w.lower() in STOPWORDS for w in words) / n,
    )


def own_features(text: str) -> list[float]:
    """The line's own shape, one value per name in OWN."""
    shape = LineShape.of(text)
    body = shape.text
    words = shape.words
    n = max(len(words), 1)
    n_words = word_count(body)
    cues = dict.fromkeys(CUE_CODES, 0.0)
    for cue in line_cues(text):
        cues[cue.code] = max(cues[cue.code], cue.weight)
    terminal = shape.terminal or body.endswith(("。", "！", "？"))
    punct = len(_PUNCT.findall(body))
    first = body[:1]
    return [
        *cues.values(),
        max(cues.values()),
        math.log1p(n_words),
        math.log1p(len(body)),
        float(terminal),
        float(body.endswith(":")),
        float(bool(body) and not terminal and not body[-1:].isalnum() and body[-1:] != ":"),
        float(first.isupper()),
        float(first.islower()),
        float(first.isdigit()),
        float(bool(BULLET.match(body))),
        float(first in "\"'“‘«"),
        *word_shares(text),
        body.count(",") / n,
        punct / max(len(body), 1),
        sum(map(len, words)) / n,
        math.log1p(len(_SENTENCE_END.findall(body)) + 1),
        float(bool(_URL.search(body))),
        float(body.count("|") >= 2),
        float(mentions_date(shape)),
        float(bool(_YEAR.search(body))),
        float(looks_like_name(shape)),
        float(n_words >= 8 and terminal),
    ]


def plain_features(texts: Sequence[str]) -> tuple[Matrix, Matrix]:
    """The lines' own features (OWN), and those with their context (OWN + CONTEXT)."""
    import numpy as np

    n = len(texts)
    own = np.array([own_features(t) for t in texts], dtype=np.float64).reshape(n, len(OWN))
    return own, np.hstack([own, context_features(texts, own)])


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


def _short_runs(prose: Sequence[float]) -> list[int]:
    """For each line, the length of the run of non-prose lines it belongs to (0 for prose)."""
    out = [0] * len(prose)
    i = 0
    while i < len(prose):
        if prose[i]:
            i += 1
            continue
        j = i
        while j < len(prose) and not prose[j]:
            j += 1
        out[i:j] = [j - i] * (j - i)
        i = j
    return out


def _prose_distances(prose: Matrix) -> tuple[Matrix, Matrix]:
    """Lines to the nearest prose line above and below (n when there is none)."""
    import numpy as np

    n = len(prose)
    above, below = np.full(n, float(n)), np.full(n, float(n))
    last = -1
    for i in range(n):
        if last >= 0:
            above[i] = i - last
        if prose[i]:
            last = i
    last = -1
    for i in range(n - 1, -1, -1):
        if last >= 0:
            below[i] = last - i
        if prose[i]:
            last = i
    return above, below


def _start_kind(text: str) -> str:
    """How a line opens: a bullet, a digit, a capital, a lowercase letter, or other."""
    body = text.lstrip()
    first = body[:1]
    if BULLET.match(body):
        return "bullet"
    if first.isdigit():
        return "digit"
    if first.isupper():
        return "upper"
    return "lower" if first.islower() else "other"


def context_features(texts: Sequence[str], own: Matrix) -> Matrix:
    """One row of CONTEXT per line, from the lines' own features."""
    import numpy as np

    n = len(texts)
    out = np.zeros((n, len(CONTEXT)))
    if not n:
        return out
    prose = own[:, _IX["prose"]]
    words = [word_count(t) for t in texts]
    lo, hi = main_block(prose.tolist(), words)
    chars = np.array([len(t) for t in texts], dtype=np.float64)
    counts = Counter(t.strip() for t in texts)
    index = np.arange(n, dtype=np.float64)
    col = {name: i for i, name in enumerate(CONTEXT)}
    out[:, col["rel_position"]] = index / max(n - 1, 1)
    out[0, col["is_first"]] = 1.0
    out[-1, col["is_last"]] = 1.0
    out[:, col["log_from_top"]] = np.log1p(index)
    out[:, col["log_from_bottom"]] = np.log1p(n - 1 - index)
    out[:, col["log_lines"]] = math.log1p(n)
    out[:, col["doc_prose_share"]] = prose.mean()
    out[:, col["in_main_block"]] = (index >= lo) & (index <= hi)
    out[:, col["log_before_block"]] = np.log1p(np.clip(lo - index, 0, None))
    out[:, col["log_after_block"]] = np.log1p(np.clip(index - hi, 0, None))
    out[:, col["block_share"]] = chars[lo : hi + 1].sum() / max(chars.sum(), 1.0)
    out[:, col["log_short_run"]] = np.log1p(_short_runs(prose.tolist()))
    above, below = _prose_distances(prose)
    out[:, col["log_prose_above"]] = np.log1p(above)
    out[:, col["log_prose_below"]] = np.log1p(below)
    out[:, col["in_prose_span"]] = (above < n) & (below < n)
    starts = [_start_kind(t) for t in texts]
    same = np.array([a == b for a, b in pairwise(starts)], dtype=np.float64)
    out[1:, col["same_start_prev"]] = same
    out[:-1, col["same_start_next"]] = same
    out[:, col["log_repeats"]] = np.log([counts[t.strip()] for t in texts])
    out[:, col["char_share"]] = chars / max(chars.sum(), 1.0)
    out[:, col["window_prose"]] = _window_mean(prose, 3)
    out[:, col["window_words"]] = _window_mean(own[:, _IX["log_words"]], 3)
    for k in (1, 2):
        for side, shift in (("prev", k), ("next", -k)):
            for name in NEIGHBOUR:
                out[:, col[f"{side}{k}_{name}"]] = _shifted(own[:, _IX[name]], shift)
    return out


def _shifted(values: Matrix, shift: int) -> Matrix:
    """values moved down by ``shift`` rows (up when negative), zeros where nothing came."""
    import numpy as np

    out = np.zeros_like(values)
    if shift > 0:
        out[shift:] = values[:-shift]
    elif shift < 0:
        out[:shift] = values[-shift:]
    else:
        out[:] = values
    return out


def _window_mean(values: Matrix, radius: int) -> Matrix:
    """The mean of each value and its neighbours up to ``radius`` lines away, itself left out."""
    import numpy as np

    padded = np.concatenate([np.zeros(radius), values, np.zeros(radius)])
    sums = np.convolve(padded, np.ones(2 * radius + 1), mode="valid") - values
    ones = np.concatenate([np.zeros(radius), np.ones(len(values)), np.zeros(radius)])
    counts = np.convolve(ones, np.ones(2 * radius + 1), mode="valid") - 1
    mean: Matrix = sums / np.clip(counts, 1, None)
    return mean


def embedding_features(vectors: Matrix, own: Matrix, weights: Matrix) -> Matrix:
    """One row of EMBEDDING per line: how the line's vector sits among the page's.

    Products are written out elementwise: a matrix product this small would wake
    numpy's BLAS threads, whose spinning slows the embedding model's own threads.

    ``weights`` (one per line, its length) weigh the main block's centroid, which
    leaves the line itself out, so a line is never compared with itself.
    """
    import numpy as np

    n = len(vectors)
    out = np.zeros((n, len(EMBEDDING)))
    if not n:
        return out
    prose = own[:, _IX["prose"]]
    lo, hi = main_block(prose.tolist(), [int(w) for w in np.expm1(own[:, _IX["log_words"]])])
    block = np.zeros(n)
    block[lo : hi + 1] = weights[lo : hi + 1]
    if not block.any():
        block = weights.copy()
    total = (vectors * block[:, None]).sum(axis=0)
    others = total[None, :] - vectors * block[:, None]
    others /= np.clip(np.linalg.norm(others, axis=1, keepdims=True), 1e-9, None)
    cos_block = (vectors * others).sum(axis=1)
    near = (vectors[:-1] * vectors[1:]).sum(axis=1)
    top = vectors[: min(n, 3)].mean(axis=0)
    top /= max(float(np.sqrt((top * top).sum())), 1e-9)
    out[:, 0] = cos_block
    out[1:, 1] = near
    out[:-1, 2] = near
    out[:, 3] = (vectors * top).sum(axis=1)
    out[:, 4] = cos_block.argsort().argsort() / max(n - 1, 1)
    return out

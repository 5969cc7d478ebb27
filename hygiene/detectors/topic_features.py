"""Features of each paragraph or sentence against the rest of its own document.

The topic models (HY201 paragraphs, HY203 sentences) score these rows; the
training script (scripts/train_topic.py) computes them with the same code.
Every feature compares a unit with its own document, never with a vocabulary
or a topic list, so the models learn what "standing apart" looks like, not
what any one bench is about:

- embeddings: cosine to the leave-one-out centroid, to the previous and next
  unit, to the document's first paragraph (its headline or lede), the best
  match anywhere, and where the unit ranks among its document's units;
- words: the share of its content words, capitalised tokens (names) and
  numbers that occur elsewhere in the document;
- shape: length, position, whether it reads like a headline, quote marks and
  reporting verbs;
- register: its legal and promotional probabilities against the document's own
  (reported speech gets the document's, so quoting a law is never foreign).

Sentences add how they sit in their own paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hygiene.detectors.register import MARKER_PATTERNS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Floats = npt.NDArray[np.float64]

COMMON = (
    "loo",
    "loo_gap",
    "loo_z",
    "loo_rank",
    "is_lowest",
    "neighbour_max",
    "neighbour_min",
    "title",
    "best",
    "best_gap",
    "words_shared",
    "words_gap",
    "words_count",
    "words_neighbour",
    "names_shared",
    "names_count",
    "numbers_shared",
    "numbers_count",
    "length",
    "position",
    "is_last",
    "headline_like",
    "capitalised",
    "quote",
    "reporting",
    "legal_markers",
    "offer_markers",
    "legal",
    "promo",
    "legal_background",
    "promo_background",
    "units",
)
PARAGRAPH_FEATURES = (*COMMON, "sentences")
SENTENCE_FEATURES = (
    *COMMON,
    "paragraph_cos",
    "paragraph_words",
    "paragraph_size",
    "paragraph_loo",
)

_STOP = frozenset(
    "the and for with from that this these those have has had were was are been being will would "
    "could should their there which when where while after before over into about also more most "
    "than then they them what said says just only some such very other another because".split()
)
_WORD = re.compile(r"[a-z][a-z'-]{3,}")
_TOKEN = re.compile(r"[\w'’-]+")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_QUOTE = re.compile(r"[\"“”«»]|``|''")
_REPORTING = re.compile(
    r"\b(?:said|says|told|according\s+to|wrote|added|asked|argued)\b", re.IGNORECASE
)
_TERMINAL = (".", "!", "?", ":", ";", '"', "”", "'", "’", ")")


# The register rule: legal or promotional language is foreign to a document whose
# other units are not (median below this), in a unit that stands further from the
# document than its typical unit does; whatever it is about, so that legal text
# written to name the story's subject is found too.
QUIET_BACKGROUND = 0.1


def register_scores(rows: Floats, names: Sequence[str]) -> Floats:
    """Per row, (legal, promotional) probability where the register rule applies, else 0.
    Reported speech has the document's register (``common_features``), so it never does."""
    import numpy as np

    apart = rows[:, names.index("loo_gap")] < 0
    out = []
    for name in ("legal", "promo"):
        quiet = rows[:, names.index(f"{name}_background")] < QUIET_BACKGROUND
        out.append(np.where(apart & quiet, rows[:, names.index(name)], 0.0))
    scores: Floats = np.column_stack(out) if len(rows) else np.zeros((0, 2))
    return scores


def reported(text: str) -> bool:
    """Quoted or reported speech: the story talking about a text, not a pasted text."""
    return bool(_QUOTE.search(text) or _REPORTING.search(text))


@dataclass(frozen=True)
class Units:
    """One level of a document (its paragraphs, or its sentences) in reading order."""

    texts: Sequence[str]
    vectors: Floats  # unit-length rows
    weights: Floats  # in the leave-one-out centroid
    register: Floats  # (n, 2): legal and promotional probabilities
    title: Floats  # per unit: the vector it is compared with as the document's title


@dataclass(frozen=True)
class Words:
    content: list[set[str]]
    names: list[set[str]]
    numbers: list[set[str]]
    tokens: list[set[str]]


def words_of(texts: Sequence[str]) -> Words:
    content, names, numbers, tokens = [], [], [], []
    for text in texts:
        raw = _TOKEN.findall(text)
        tokens.append({t.lower() for t in raw})
        content.append({w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP})
        # Capitalised tokens past the first: names, mostly.
        names.append({t.lower() for t in raw[1:] if t[:1].isupper() and len(t) > 1} - _STOP)
        numbers.append({n.replace(",", "") for n in _NUMBER.findall(text)})
    return Words(content, names, numbers, tokens)


def _shared(sets: list[set[str]], anywhere: list[set[str]] | None = None) -> tuple[Floats, Floats]:
    """Per unit: the share of its items found in another unit (of ``anywhere``, else
    of ``sets``), and how many items it has (log)."""
    import numpy as np

    pool = anywhere if anywhere is not None else sets
    counts = Counter(w for ws in pool for w in ws)
    share, count = [], []
    for i, ws in enumerate(sets):
        own = pool[i]
        found = sum(counts[w] - (w in own) > 0 for w in ws)
        share.append(found / len(ws) if ws else 1.0)
        count.append(np.log1p(len(ws)))
    return np.array(share), np.array(count)


def _others_median(values: Floats) -> Floats:
    """For each row, the median of the other rows (from one sort, not n medians)."""
    import numpy as np

    n = len(values)
    if n < 2:
        return values.astype(np.float64)
    order = np.argsort(values, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ordered = values[order]

    def others(j: int) -> Floats:  # the j-th smallest of the other rows, per row
        picked: Floats = ordered[np.where(j < rank, j, j + 1)]
        return picked

    middle = (n - 1) // 2
    if (n - 1) % 2:
        return others(middle)
    return (others(middle - 1) + others(middle)) / 2


def common_features(units: Units) -> Floats:
    """One row per unit, columns as ``COMMON``."""
    import numpy as np

    v, w, n = units.vectors, units.weights, len(units.texts)
    total = (v * w[:, None]).sum(axis=0)
    others = total[None, :] - v * w[:, None]
    others /= np.clip(np.linalg.norm(others, axis=1, keepdims=True), 1e-12, None)
    loo = (v * others).sum(axis=1)
    sims = v @ v.T
    np.fill_diagonal(sims, -1.0)
    best = sims.max(axis=1) if n > 1 else np.ones(n)
    prev = np.array([sims[i, i - 1] if i > 0 else np.nan for i in range(n)])
    nxt = np.array([sims[i, i + 1] if i + 1 < n else np.nan for i in range(n)])
    pair = np.column_stack([prev, nxt])
    pair = np.where(np.isnan(pair), np.nan_to_num(pair[:, ::-1], nan=1.0), pair)
    order = np.argsort(np.argsort(loo, kind="stable"), kind="stable")
    words = words_of(units.texts)
    words_shared, words_count = _shared(words.content)
    names_shared, names_count = _shared(words.names, words.tokens)
    numbers_shared, numbers_count = _shared(words.numbers)
    lengths = np.array([len(t.split()) for t in units.texts], dtype=np.float64)
    register = units.register.copy()
    background = np.column_stack([_others_median(register[:, k]) for k in range(2)])
    speech = np.array([reported(t) for t in units.texts])
    register[speech] = background[speech]  # reported speech is exempt from register
    columns = [
        loo,
        loo - _others_median(loo),
        _z_against_others(loo),
        order / max(n - 1, 1),
        (order == 0).astype(np.float64),
        pair.max(axis=1),
        pair.min(axis=1),
        (v * units.title).sum(axis=1),
        best,
        best - _others_median(best),
        words_shared,
        words_shared - _others_median(words_shared),
        words_count,
        _found_in(words.content, [_neighbours(i, n) for i in range(n)]),
        names_shared,
        names_count,
        numbers_shared,
        numbers_count,
        np.log(lengths + 1),
        np.arange(n) / max(n - 1, 1),
        (np.arange(n) == n - 1).astype(np.float64),
        np.array([not t.rstrip().endswith(_TERMINAL) for t in units.texts], dtype=np.float64),
        np.array([_capitalised(t) for t in units.texts]),
        np.array([bool(_QUOTE.search(t)) for t in units.texts], dtype=np.float64),
        np.array([bool(_REPORTING.search(t)) for t in units.texts], dtype=np.float64),
        *_markers(units.texts),
        register[:, 0],
        register[:, 1],
        background[:, 0],
        background[:, 1],
        np.full(n, np.log(n)),
    ]
    out: Floats = np.column_stack(columns)
    return out


def _z_against_others(values: Floats) -> Floats:
    """How many standard deviations a row lies from the mean of the other rows."""
    import numpy as np

    n = len(values)
    if n < 3:
        return np.zeros(n)
    total, squares = values.sum(), (values**2).sum()
    mean = (total - values) / (n - 1)
    var = (squares - values**2) / (n - 1) - mean**2
    z: Floats = (values - mean) / np.sqrt(np.clip(var, 1e-4, None))
    return z


def _neighbours(i: int, n: int) -> list[int]:
    return [j for j in (i - 1, i + 1) if 0 <= j < n]


def _found_in(sets: list[set[str]], where: list[list[int]]) -> Floats:
    """Per unit: the share of its items found in the units ``where`` names for it."""
    import numpy as np

    out = []
    for ws, others in zip(sets, where, strict=True):
        pool = set().union(*(sets[j] for j in others)) if others else set()
        out.append(len(ws & pool) / len(ws) if ws else 1.0)
    return np.array(out)


def _markers(texts: Sequence[str]) -> tuple[Floats, Floats]:
    """Drafting markers of law (shall, cross-references, legal vocabulary) and of
    advertising (offers, prices, second person), as the register model counts them."""
    import numpy as np

    def counted(names: tuple[str, ...]) -> Floats:
        # Only the markers summed here are searched for (this runs on every unit).
        patterns = [MARKER_PATTERNS[n] for n in names]
        return np.array(
            [sum(min(len(p.findall(t)), 3) / 3 for p in patterns) for t in texts],
            dtype=np.float64,
        )

    return counted(("shall", "cross_reference", "legal_vocabulary")), counted(
        ("offer", "price", "second_person")
    )


def _capitalised(text: str) -> float:
    words = [w for w in text.split() if w[:1].isalpha()]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def paragraph_features(units: Units, sentences: Sequence[int]) -> Floats:
    """``PARAGRAPH_FEATURES`` rows; ``sentences``: how many sentences each paragraph has."""
    import numpy as np

    out: Floats = np.column_stack([common_features(units), np.log(np.asarray(sentences))])
    return out


def sentence_features(units: Units, paragraph: Sequence[int], paragraph_loo: Floats) -> Floats:
    """``SENTENCE_FEATURES`` rows. ``paragraph``: each sentence's paragraph (a row of
    the paragraph level); ``paragraph_loo``: that level's leave-one-out cosines."""
    import numpy as np

    owner = np.asarray(paragraph)
    v = units.vectors
    mate_cos, size, mate_lists = [], [], []
    for i in range(len(owner)):
        mates = np.flatnonzero((owner == owner[i]) & (np.arange(len(owner)) != i))
        mate_lists.append(mates.tolist())
        size.append(len(mates) + 1)
        if len(mates):
            centre = v[mates].sum(axis=0)
            mate_cos.append(float(v[i] @ centre / max(float(np.linalg.norm(centre)), 1e-12)))
        else:
            mate_cos.append(1.0)
    out: Floats = np.column_stack(
        [
            common_features(units),
            np.array(mate_cos),
            _found_in(words_of(units.texts).content, mate_lists),
            np.log(np.array(size, dtype=np.float64)),
            paragraph_loo[owner],
        ]
    )
    return out

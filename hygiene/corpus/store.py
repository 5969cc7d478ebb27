"""The near-duplicate sketches of a corpus, in columns.

A million documents as a million ``Entry`` objects (a numpy array, a frozenset of
strings and a dataclass each) cost several times their data; here a sketch is a
row: its signature in one growing uint32 matrix, its sizes in arrays, its figures
as 64-bit digests in one flat array. The pair check over arrays of rows
(``PairCheck``) is the finder's one pair check, ``NearDuplicateFinder.same_story``,
written for many pairs at once.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hygiene.corpus.minhash import containment, jaccard

if TYPE_CHECKING:
    import numpy.typing as npt

    from hygiene.corpus.neardup import Entry, NearDupOptions

    Rows = npt.NDArray[np.int64]
    Floats = npt.NDArray[np.float64]
    Mask = npt.NDArray[np.bool_]


def figure_digest(figure: str) -> int:
    """A figure as 64 bits (stable across processes, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(figure.encode(), digest_size=8).digest(), "little")


class SketchStore:
    """Sketches by row; ``add`` of a key already stored replaces its sketch."""

    def __init__(self, num_perm: int) -> None:
        self.num_perm = num_perm
        self.rows: dict[str, int] = {}
        self.keys: list[str] = []
        self._paths: list[str | None] = []  # None: the same as the key
        self.dates: list[str | None] = []
        self.lengths = array("q")
        self.sizes = array("q")
        self._signatures = np.zeros((0, num_perm), dtype=np.uint32)
        self._figures = array("Q")
        self._figure_start = array("q")
        self._figure_count = array("q")

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, entry: Entry) -> None:
        row = self.rows.get(entry.key)
        if row is None:
            row = self._append(entry.key)
        self._paths[row] = None if entry.path == entry.key else entry.path
        self.dates[row] = entry.date
        self.lengths[row] = entry.length
        self.sizes[row] = entry.size
        self._signatures[row] = entry.signature
        self._figure_start[row] = len(self._figures)
        self._figure_count[row] = len(entry.numbers)
        self._figures.extend(sorted(figure_digest(f) for f in entry.numbers))

    def _append(self, key: str) -> int:
        row = len(self.keys)
        if row == len(self._signatures):  # grow by half: amortised, and no more than that idle
            grown = np.zeros((max(1024, row + row // 2), self.num_perm), dtype=np.uint32)
            grown[:row] = self._signatures
            self._signatures = grown
        self.rows[key] = row
        self.keys.append(key)
        self._paths.append(None)
        self.dates.append(None)
        self.lengths.append(0)
        self.sizes.append(0)
        self._figure_start.append(0)
        self._figure_count.append(0)
        return row

    def path(self, row: int) -> str:
        return self._paths[row] or self.keys[row]

    @property
    def signatures(self) -> npt.NDArray[np.uint32]:
        return self._signatures[: len(self.keys)]

    def columns(self) -> Columns:
        """The arrays the pair check reads (views, no copies)."""
        n = len(self.keys)
        return Columns(
            self.signatures,
            np.frombuffer(self.sizes, dtype=np.int64)[:n].astype(np.float64),
            np.frombuffer(self._figures, dtype=np.uint64) if self._figures else _NO_FIGURES,
            np.frombuffer(self._figure_start, dtype=np.int64)[:n],
            np.frombuffer(self._figure_count, dtype=np.int64)[:n],
        )


_NO_FIGURES = np.zeros(0, dtype=np.uint64)
_CHUNK = 16384  # pairs compared at once: two 8 MiB blocks of signature rows
_FEW = 8  # pairs checked one by one up to this many


@dataclass(frozen=True)
class Columns:
    signatures: npt.NDArray[np.uint32]
    sizes: Floats
    figures: npt.NDArray[np.uint64]  # every row's figure digests, sorted per row
    figure_start: Rows
    figure_count: Rows


class PairCheck:
    """``same_story`` over arrays of row pairs: the same arithmetic, pair by pair."""

    def __init__(self, options: NearDupOptions, columns: Columns) -> None:
        self.options = options
        self.columns = columns

    def estimates(self, a: Rows, b: Rows) -> tuple[Floats, Floats]:
        """(estimated Jaccard, containment of the smaller in the larger) per pair."""
        j, _ = self._compare(a, b, 0, 0)
        return j, containment_array(j, self.columns.sizes[a], self.columns.sizes[b])

    def _compare(self, a: Rows, b: Rows, bands: int, rows: int) -> tuple[Floats, Mask]:
        """Estimated Jaccard per pair, and whether the pair shares one of ``bands``
        LSH bands of ``rows`` rows (an LSH candidate), from one comparison."""
        sig = self.columns.signatures
        j = np.zeros(len(a), dtype=np.float64)
        shared = np.zeros(len(a), dtype=np.bool_)
        for lo in range(0, len(a), _CHUNK):  # bounded temporaries: rows are 512 bytes
            hi = lo + _CHUNK
            equal = sig[a[lo:hi]] == sig[b[lo:hi]]
            j[lo:hi] = np.count_nonzero(equal, axis=1) / sig.shape[1]
            if bands:
                banded = equal[:, : bands * rows].reshape(-1, bands, rows)
                shared[lo:hi] = banded.all(axis=2).any(axis=1)
        return j, shared

    def close(self, j: Any, c: Any, scale: float = 1.0) -> Any:
        """Jaccard, or containment above a Jaccard floor: for one pair (floats) or
        many (arrays), by the same expression."""
        opts = self.options
        return (j >= opts.threshold * scale) | (
            (c >= opts.min_containment * scale) & (j >= opts.containment_floor * scale)
        )

    def same_story(self, a: Rows, b: Rows, scale: float = 1.0) -> Mask:
        """Which pairs pass: close enough, then the same figures."""
        if len(a) <= _FEW:  # array set-up would cost more than the pairs themselves
            pairs = zip(a.tolist(), b.tolist(), strict=True)
            return np.array([self._one(x, y, scale) for x, y in pairs], dtype=np.bool_)
        j, c = self.estimates(a, b)
        return self._passing(a, b, j, c, scale)

    def _one(self, a: int, b: int, scale: float) -> bool:
        cols = self.columns
        j = jaccard(cols.signatures[a], cols.signatures[b])
        if not self.close(j, containment(j, int(cols.sizes[a]), int(cols.sizes[b])), scale):
            return False
        fa, fb = self._figure_set(a), self._figure_set(b)
        overlap = len(fa & fb) / min(len(fa), len(fb)) if min(len(fa), len(fb)) >= 3 else 1.0
        return overlap >= self.options.min_number_overlap * scale

    def same_story_candidates(self, a: Rows, b: Rows, bands: int, rows: int) -> Mask:
        """Which pairs are LSH candidates (share a band) and pass."""
        j, shared = self._compare(a, b, bands, rows)
        c = containment_array(j, self.columns.sizes[a], self.columns.sizes[b])
        return self._passing(a, b, j, c) & shared

    def _passing(self, a: Rows, b: Rows, j: Floats, c: Floats, scale: float = 1.0) -> Mask:
        keep: Mask = np.asarray(self.close(j, c, scale), dtype=np.bool_)
        at = np.flatnonzero(keep)
        keep[at] = self.figure_overlap(a[at], b[at]) >= self.options.min_number_overlap * scale
        return keep

    def figure_overlap(self, a: Rows, b: Rows) -> Floats:
        """``number_overlap`` per pair: the share of the smaller set of figures found
        in the other, 1.0 when either has fewer than three. Both sets of each pair are
        laid out tagged with the pair, sorted; a digest seen twice is shared."""
        cols = self.columns
        smaller = np.minimum(cols.figure_count[a], cols.figure_count[b])
        out = np.ones(len(a), dtype=np.float64)
        judged = np.flatnonzero(smaller >= 3)
        if not judged.size:
            return out
        tags, values = [], []
        for side in (a[judged], b[judged]):
            counts = cols.figure_count[side]
            tags.append(np.repeat(np.arange(len(judged)), counts))
            values.append(cols.figures[_ranges(cols.figure_start[side], counts)])
        tag, value = np.concatenate(tags), np.concatenate(values)
        order = np.lexsort((value, tag))
        tag, value = tag[order], value[order]
        shared = (tag[1:] == tag[:-1]) & (value[1:] == value[:-1])
        common = np.bincount(tag[1:][shared], minlength=len(judged))
        out[judged] = common / smaller[judged]
        return out

    def _figure_set(self, row: int) -> set[int]:
        start = int(self.columns.figure_start[row])
        return set(self.columns.figures[start : start + self.columns.figure_count[row]].tolist())


def _ranges(starts: Rows, counts: Rows) -> Rows:
    """The indexes ``start, start + 1, ..., start + count - 1`` of every range, joined."""
    ends = np.cumsum(counts)
    offsets = np.repeat(starts - (ends - counts), counts)
    return offsets + np.arange(int(ends[-1]) if len(ends) else 0)


def containment_array(j: Floats, size_a: Floats, size_b: Floats) -> Floats:
    """``minhash.containment`` over arrays (the same arithmetic, element by element)."""
    smaller = np.minimum(size_a, size_b)
    inter = j * (size_a + size_b) / (1.0 + j)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(smaller > 0, inter / np.where(smaller > 0, smaller, 1.0), 0.0)
    return np.minimum(1.0, np.maximum(0.0, share))

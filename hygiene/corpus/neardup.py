"""Near-duplicate stories: MinHash signatures, LSH candidates, verified clusters.

Reprints of one story differ in headline, wrapping, house style, length
(abridged to the lead) and OCR noise, so documents are compared as sets of
character 5-grams of their normalised text. LSH banding proposes candidate
pairs; a pair is verified when its estimated Jaccard similarity, or the
containment of the shorter text in the longer one (an abridged copy), passes
its threshold and the two share their figures (template stories such as weekly
statistics share words, not numbers). Groups then merge strongest pair first,
and only when most of their cross pairs hold too, so that one bridging document
or a shared footer cannot chain two stories together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hygiene.config import DEFAULTS, KEEP_POLICIES
from hygiene.corpus.minhash import (
    MinHasher,
    band_keys,
    containment,
    jaccard,
    lsh_params,
    shingle_hashes,
)

if TYPE_CHECKING:
    import numpy.typing as npt

_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def figures(text: str) -> frozenset[str]:
    """The numbers of a story (two digits or more): reprints keep them, template
    stories (weekly figures, bond issues) change them."""
    return frozenset(f for f in _FIGURE.findall(text) if sum(ch.isdigit() for ch in f) >= 2)


def number_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set of figures found in the other; 1.0 when either has
    fewer than three (too few to judge)."""
    if min(len(a), len(b)) < 3:
        return 1.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True)
class NearDupOptions:
    k: int = 5  # character k-grams
    num_perm: int = 128
    # Jaccard at which LSH bands are tuned and pairs accepted
    threshold: float = DEFAULTS["near-duplicate-threshold"]
    # An abridged copy: the shorter text inside the longer.
    min_containment: float = DEFAULTS["near-duplicate-containment"]
    min_shingles: int = 30  # shorter texts carry too little to compare
    cohesion: float = 0.7  # inside a cluster, pairs need this share of the thresholds
    containment_floor: float = 0.15  # containment alone is noisy below this Jaccard
    min_number_overlap: float = 0.3  # template stories: same words, other figures
    keep: str = DEFAULTS["keep"]

    def __post_init__(self) -> None:
        if self.keep not in KEEP_POLICIES:
            raise ValueError(f"unknown keep policy {self.keep!r}; choose from {KEEP_POLICIES}")


@dataclass
class Entry:
    key: str
    path: str
    length: int
    date: str | None
    size: int  # distinct shingles
    signature: npt.NDArray[np.uint32]
    numbers: frozenset[str] = frozenset()


@dataclass
class Cluster:
    id: int
    members: list[str]  # keys, sorted
    kept: str
    similarity: dict[str, float] = field(default_factory=dict)  # member -> Jaccard to kept
    containment: dict[str, float] = field(default_factory=dict)

    @property
    def lowest_similarity(self) -> float:
        """The least Jaccard similarity of a member to the kept copy, to 4 places."""
        others = [s for k, s in self.similarity.items() if k != self.kept]
        return round(min(others), 4) if others else 1.0

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "members": list(self.members),
            "kept": self.kept,
            "similarity": self.lowest_similarity,
        }


class NearDuplicateFinder:
    """Collects sketches with ``add``; ``clusters`` groups the near-duplicates.

    Built for corpora: the sketches are the only per-document state, candidates
    come from sorting each band's rows (documents with equal rows share the LSH
    bucket) and verified pairs are kept in numpy arrays, so a corpus full of
    reprints costs arrays, not millions of Python objects.
    """

    def __init__(self, options: NearDupOptions | None = None) -> None:
        self.options = options or NearDupOptions()
        self.hasher = MinHasher(self.options.num_perm)
        self.bands, self.rows = lsh_params(self.options.threshold, self.options.num_perm)
        self.entries: dict[str, Entry] = {}

    def add(self, key: str, path: str, text: str, date: str | None = None) -> None:
        self.add_entry(self.entry(key, path, text, date))

    def entry(self, key: str, path: str, text: str, date: str | None = None) -> Entry:
        """A document's sketch (pure: workers compute these, the finder collects them).
        Signature values fit in 32 bits (datasketch masks them), which halves the index."""
        hashes = shingle_hashes(text, self.options.k)
        signature = self.hasher.signature(hashes).astype(np.uint32)
        return Entry(key, path, len(text), date, len(hashes), signature, figures(text))

    def add_entry(self, entry: Entry) -> None:
        """Collect a sketch; candidates are found when clusters are asked for."""
        self.entries[entry.key] = entry

    def comparable(self, entry: Entry) -> bool:
        return entry.size >= self.options.min_shingles

    def band_keys(self, entry: Entry) -> list[bytes]:
        """The LSH bucket keys of a sketch: documents sharing one are candidates."""
        return band_keys(entry.signature, self.bands, self.rows)

    def similar(self, a: Entry, b: Entry) -> tuple[float, float]:
        """(estimated Jaccard, estimated containment of the smaller in the larger)."""
        j = jaccard(a.signature, b.signature)
        return j, containment(j, a.size, b.size)

    def same_story(self, a: Entry, b: Entry, j: float, c: float, scale: float = 1.0) -> bool:
        """The verification of a candidate pair (thresholds scaled by ``scale``)."""
        return bool(self._close(j, c, scale)) and self._same_figures(a, b, scale)

    def _close(self, j: Any, c: Any, scale: float = 1.0) -> Any:
        """Jaccard, or containment above a Jaccard floor: for one pair (floats) or
        many (arrays), by the same expression."""
        opts = self.options
        return (j >= opts.threshold * scale) | (
            (c >= opts.min_containment * scale) & (j >= opts.containment_floor * scale)
        )

    def _same_figures(self, a: Entry, b: Entry, scale: float = 1.0) -> bool:
        return number_overlap(a.numbers, b.numbers) >= self.options.min_number_overlap * scale

    def _comparable_keys(self) -> list[str]:
        return sorted(k for k, e in self.entries.items() if self.comparable(e))

    def _band_codes(self, keys: list[str]) -> Iterator[npt.NDArray[np.int64]]:
        """Per band, its candidate pairs as ``i * n + j`` (i < j, indexes into sorted
        ``keys``): sort the documents by the band's rows; a run of equal rows is a
        bucket, and every pair in it is a candidate."""
        n = len(keys)
        if n < 2:
            return
        sig = np.stack([self.entries[k].signature for k in keys]).astype("<u4")
        width = np.dtype((np.void, self.rows * 4))
        for band in range(self.bands):
            rows = np.ascontiguousarray(sig[:, band * self.rows : (band + 1) * self.rows])
            column = rows.view(width).ravel()
            order = np.argsort(column, kind="stable")
            same = column[order][1:] == column[order][:-1]
            if same.any():
                runs = [np.sort(order[lo:hi]) for lo, hi in _runs(same) if hi - lo > 1]
                yield np.unique(np.concatenate([_pair_codes(r, n) for r in runs]))

    def candidates(self) -> Iterable[tuple[str, str]]:
        """Pairs (a < b) sharing an LSH band."""
        keys = self._comparable_keys()
        n = len(keys)
        found = np.zeros(0, dtype=np.int64)
        for codes in self._band_codes(keys):
            found = np.union1d(found, codes)
        for code in found.tolist():
            yield keys[code // n], keys[code % n]

    def _verified(
        self, candidates: Iterable[tuple[str, str]] | None
    ) -> tuple[
        list[str],
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
    ]:
        """(keys, a, b, jaccard, containment) of the verified pairs, as arrays.

        Candidates are verified band by band and only the verified pairs are kept:
        with a low threshold most candidates are false, and a reprint-heavy corpus
        has millions of them."""
        keys = sorted(self.entries)
        n = len(keys)
        rank = {k: i for i, k in enumerate(keys)}
        if candidates is None:
            comparable = self._comparable_keys()
            remap = np.array([rank[k] for k in comparable], dtype=np.int64)
            m = max(len(comparable), 1)
            batches: Iterable[npt.NDArray[np.int64]] = (
                remap[codes // m] * n + remap[codes % m] for codes in self._band_codes(comparable)
            )
        else:
            pairs = {(rank[x], rank[y]) if x < y else (rank[y], rank[x]) for x, y in candidates}
            batches = [np.array(sorted(x * n + y for x, y in pairs), dtype=np.int64)]
        sig = np.stack([self.entries[k].signature for k in keys]) if keys else _NO_SIGNATURES
        size = np.array([self.entries[k].size for k in keys], dtype=np.float64)
        verified = np.zeros(0, dtype=np.int64)
        for codes in batches:
            fresh = codes[~np.isin(codes, verified, kind="sort")]
            kept = [verified]
            for lo in range(0, len(fresh), _CHUNK):  # bounded temporaries
                chunk = fresh[lo : lo + _CHUNK]
                kept.append(chunk[self._verify(keys, sig, size, chunk // n, chunk % n)])
            verified = np.unique(
                np.concatenate(kept)
            )  # once per band: merging per chunk is quadratic
        a, b = verified // n, verified % n
        j, c = self._estimates(sig, size, a, b)
        return keys, a, b, j, c

    @staticmethod
    def _estimates(
        sig: npt.NDArray[np.unsignedinteger[Any]],
        size: npt.NDArray[np.float64],
        a: npt.NDArray[np.int64],
        b: npt.NDArray[np.int64],
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        j = np.zeros(len(a), dtype=np.float64)
        for lo in range(0, len(a), _CHUNK):  # bounded temporaries: rows are 512 bytes
            hi = lo + _CHUNK
            j[lo:hi] = np.count_nonzero(sig[a[lo:hi]] == sig[b[lo:hi]], axis=1) / sig.shape[1]
        return j, _containment(j, size[a], size[b])

    def _verify(
        self,
        keys: list[str],
        sig: npt.NDArray[np.unsignedinteger[Any]],
        size: npt.NDArray[np.float64],
        a: npt.NDArray[np.int64],
        b: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.bool_]:
        """Which candidate pairs pass: close enough, then the same figures."""
        j, c = self._estimates(sig, size, a, b)
        keep: npt.NDArray[np.bool_] = self._close(j, c)
        for i in np.flatnonzero(keep).tolist():
            ea, eb = self.entries[keys[int(a[i])]], self.entries[keys[int(b[i])]]
            keep[i] = self._same_figures(ea, eb)
        return keep

    def pairs(
        self, candidates: Iterable[tuple[str, str]] | None = None
    ) -> Iterable[tuple[str, str, float, float]]:
        """Verified candidate pairs (a < b)."""
        keys, a, b, j, c = self._verified(candidates)
        for i in range(len(a)):
            yield keys[int(a[i])], keys[int(b[i])], float(j[i]), float(c[i])

    def linked(self, a: str, b: str) -> bool:
        """A pair that belongs together, under the looser bar used inside a cluster."""
        ea, eb = self.entries[a], self.entries[b]
        j, c = self.similar(ea, eb)
        return self.same_story(ea, eb, j, c, self.options.cohesion)

    def groups(self, candidates: Iterable[tuple[str, str]] | None = None) -> list[list[str]]:
        """Verified pairs merged strongest first; two groups merge only when most of
        their cross pairs are linked too, so one bridging document (a copy that gained
        a sentence from another story, a shared template) cannot chain two stories."""
        keys, a, b, j, c = self._verified(candidates)
        order = np.lexsort((b, a, -np.maximum(j, c)))  # strongest first, then by keys
        members: dict[int, list[int]] = {}
        owner: dict[int, int] = {}
        for x, y in _chunked_pairs(a[order], b[order]):
            for key in (x, y):
                if key not in owner:
                    owner[key] = key
                    members[key] = [key]
            ga, gb = owner[x], owner[y]
            if ga == gb:
                continue
            cross = [(p, q) for p in members[ga] for q in members[gb]]
            if sum(self.linked(keys[p], keys[q]) for p, q in cross) * 2 < len(cross):
                continue
            keep, gone = sorted((ga, gb))
            for key in members[gone]:
                owner[key] = keep
            members[keep] += members.pop(gone)
        return sorted(sorted(keys[i] for i in m) for m in members.values() if len(m) > 1)

    def clusters(self, candidates: Iterable[tuple[str, str]] | None = None) -> list[Cluster]:
        """Clusters of verified pairs; ``candidates`` (a < b) replace the in-memory
        LSH lookup when an engine found them by grouping band keys."""
        out: list[Cluster] = []
        for members in self.groups(candidates):
            kept = self._keep(members)
            cluster = Cluster(len(out), members, kept)
            for m in members:
                j, c = self.similar(self.entries[kept], self.entries[m])
                cluster.similarity[m] = 1.0 if m == kept else j
                cluster.containment[m] = 1.0 if m == kept else c
            out.append(cluster)
        return out

    def _keep(self, members: list[str]) -> str:
        entries = [self.entries[m] for m in members]
        by_path = sorted(entries, key=lambda e: (e.path, e.key))
        if self.options.keep == "longest":
            return max(by_path, key=lambda e: e.length).key  # ties: first path
        if self.options.keep == "earliest":
            dated = [e for e in by_path if e.date]
            if dated:
                return min(dated, key=lambda e: e.date or "").key
        return by_path[0].key


_NO_SIGNATURES = np.zeros((0, 0), dtype=np.uint32)
_CHUNK = 16384  # pairs compared at once: two 8 MiB blocks of signature rows


def _chunked_pairs(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], size: int = 65536
) -> Iterable[tuple[int, int]]:
    """The pairs as Python ints, a chunk at a time (millions of pairs in a
    reprint-heavy corpus would otherwise become millions of objects at once)."""
    for lo in range(0, len(a), size):
        yield from zip(a[lo : lo + size].tolist(), b[lo : lo + size].tolist(), strict=True)


def _runs(same: npt.NDArray[np.bool_]) -> Iterable[tuple[int, int]]:
    """(start, end) of each run of equal neighbours in a sorted column."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], same.astype(np.int8), [0]))))
    for lo, hi in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True):
        yield lo, hi + 1


def _pair_codes(members: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """Every pair (i < j) of a sorted bucket, as ``i * n + j``."""
    i, j = np.triu_indices(len(members), k=1)
    return members[i].astype(np.int64) * n + members[j].astype(np.int64)


def _containment(
    j: npt.NDArray[np.float64], size_a: npt.NDArray[np.float64], size_b: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """``minhash.containment`` over arrays (the same arithmetic, element by element)."""
    smaller = np.minimum(size_a, size_b)
    inter = j * (size_a + size_b) / (1.0 + j)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(smaller > 0, inter / np.where(smaller > 0, smaller, 1.0), 0.0)
    return np.minimum(1.0, np.maximum(0.0, share))

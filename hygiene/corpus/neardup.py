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

The work is linear in the corpus however many copies a story has: which pairs are
verified is bounded per document (``hygiene.corpus.linking``), and the cohesion of
two groups is judged on a bounded number of members of each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from hygiene.config import DEFAULTS, KEEP_POLICIES
from hygiene.corpus import linking
from hygiene.corpus.minhash import (
    MinHasher,
    band_keys,
    containment,
    jaccard,
    lsh_params,
    shingle_hashes,
)
from hygiene.corpus.store import PairCheck, SketchStore

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

    Built for corpora: the sketches, in columns (``SketchStore``), are the only
    per-document state; candidates come from sorting each band's rows (documents
    with equal rows share the LSH bucket), and verification and grouping work on
    arrays of pairs bounded per document.
    """

    def __init__(self, options: NearDupOptions | None = None) -> None:
        self.options = options or NearDupOptions()
        self.hasher = MinHasher(self.options.num_perm)
        self.bands, self.rows = lsh_params(self.options.threshold, self.options.num_perm)
        self.store = SketchStore(self.options.num_perm)

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
        self.store.add(entry)

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
        """The one pair check (thresholds scaled by ``scale``); ``PairCheck`` is the
        same over arrays of pairs."""
        opts = self.options
        close = (j >= opts.threshold * scale) or (
            c >= opts.min_containment * scale and j >= opts.containment_floor * scale
        )
        overlap = number_overlap(a.numbers, b.numbers)
        return close and overlap >= opts.min_number_overlap * scale

    def check(self) -> PairCheck:
        return PairCheck(self.options, self.store.columns())

    def comparable_rows(self) -> npt.NDArray[np.int64]:
        """Store rows of the comparable sketches, in key order: position p is row
        ``rows[p]``, and positions order pairs the same way whatever the input order."""
        store, least = self.store, self.options.min_shingles
        keys = sorted(k for k, r in store.rows.items() if store.sizes[r] >= least)
        return np.fromiter((store.rows[k] for k in keys), dtype=np.int64, count=len(keys))

    def groups(self, linked: Iterable[tuple[str, str]] | None = None) -> list[list[str]]:
        """Verified pairs merged strongest first; two groups merge only when most of
        their cross pairs are linked too, so one bridging document (a copy that gained
        a sentence from another story, a shared template) cannot chain two stories.

        ``linked``: pairs an engine verified itself (``linking`` step 1), instead of
        the in-memory LSH lookup."""
        rows, check = self.comparable_rows(), self.check()
        if linked is None:
            component = linking.components(check, rows, self.bands, self.rows)
        else:
            component = linking.components_of(len(rows), *self._positions(rows, linked))
        codes = linking.verified_pairs(check, rows, component, self.bands, self.rows)
        a, b = codes // max(len(rows), 1), codes % max(len(rows), 1)
        j, c = check.estimates(rows[a], rows[b])
        order = np.lexsort((b, a, -np.maximum(j, c)))  # strongest first, then by keys
        big = np.bincount(component, minlength=len(rows))[component] > linking.SMALL
        merged = _Merger(check, rows, big, self.options.cohesion)
        for x, y in _chunked_pairs(a[order], b[order]):
            merged.offer(x, y)
        keys = self.store.keys
        found = (sorted(keys[int(rows[p])] for p in m) for m in merged.groups())
        return sorted(found)

    def _positions(
        self, rows: npt.NDArray[np.int64], pairs: Iterable[tuple[str, str]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        position = np.full(len(self.store), -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        found = np.array(
            [(self.store.rows[x], self.store.rows[y]) for x, y in pairs], dtype=np.int64
        ).reshape(-1, 2)
        p, q = position[found[:, 0]], position[found[:, 1]]
        usable = (p >= 0) & (q >= 0)
        return p[usable], q[usable]

    def clusters(self, linked: Iterable[tuple[str, str]] | None = None) -> list[Cluster]:
        """Clusters of verified pairs, each with its kept copy and every member's
        similarity to it; ``linked`` as for ``groups``."""
        out = [
            Cluster(i, members, self._keep(members))
            for i, members in enumerate(self.groups(linked))
        ]
        rows = self.store.rows
        kept = np.array([rows[c.kept] for c in out for _ in c.members], dtype=np.int64)
        member = np.array([rows[m] for c in out for m in c.members], dtype=np.int64)
        j, c = self.check().estimates(kept, member)
        at = 0
        for cluster in out:
            for m in cluster.members:
                same = m == cluster.kept
                cluster.similarity[m] = 1.0 if same else float(j[at])
                cluster.containment[m] = 1.0 if same else float(c[at])
                at += 1
        return out

    def sketch(self, key: str) -> Entry:
        """The stored sketch of a document, without its figures (stored as digests)."""
        store, row = self.store, self.store.rows[key]
        signature = store.signatures[row].copy()
        return Entry(
            key, store.path(row), store.lengths[row], store.dates[row], store.sizes[row], signature
        )

    def _keep(self, members: list[str]) -> str:
        store = self.store
        rows = sorted((store.path(store.rows[m]), m, store.rows[m]) for m in members)
        if self.options.keep == "longest":
            return max(rows, key=lambda r: store.lengths[r[2]])[1]  # ties: first path
        if self.options.keep == "earliest":
            dated = [r for r in rows if store.dates[r[2]]]
            if dated:
                return min(dated, key=lambda r: store.dates[r[2]] or "")[1]
        return rows[0][1]


class _Merger:
    """Groups of positions, merged when most of their cross pairs are linked (the
    pair check at the ``cohesion`` share of its thresholds). Cohesion is judged on
    every cross pair in a component of up to ``linking.SMALL`` documents, and on the
    first ``linking.SAMPLE`` members of each group in a bigger one: bounded work
    for a story with hundreds of copies. A refusal is remembered until either
    group grows."""

    def __init__(
        self,
        check: PairCheck,
        rows: npt.NDArray[np.int64],
        big: npt.NDArray[np.bool_],
        cohesion: float,
    ) -> None:
        self.check, self.rows, self.big, self.cohesion = check, rows, big, cohesion
        self.members: dict[int, list[int]] = {}
        self.owner: dict[int, int] = {}
        self.refused: set[tuple[int, int, int, int]] = set()

    def offer(self, x: int, y: int) -> None:
        for key in (x, y):
            if key not in self.owner:
                self.owner[key] = key
                self.members[key] = [key]
        keep, gone = sorted((self.owner[x], self.owner[y]))
        if keep == gone:
            return
        state = (keep, gone, len(self.members[keep]), len(self.members[gone]))
        if state in self.refused:
            return
        if not self._cohesive(self.members[keep], self.members[gone]):
            self.refused.add(state)
            return
        for key in self.members[gone]:
            self.owner[key] = keep
        self.members[keep] += self.members.pop(gone)

    def _cohesive(self, first: list[int], second: list[int]) -> bool:
        most = linking.SAMPLE if self.big[first[0]] else linking.SMALL
        a = np.array(first[:most], dtype=np.int64)
        b = np.array(second[:most], dtype=np.int64)
        p, q = np.repeat(a, len(b)), np.tile(b, len(a))
        linked = self.check.same_story(self.rows[p], self.rows[q], self.cohesion)
        return int(linked.sum()) * 2 >= len(p)

    def groups(self) -> Iterable[list[int]]:
        return (m for m in self.members.values() if len(m) > 1)


def _chunked_pairs(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], size: int = 65536
) -> Iterable[tuple[int, int]]:
    """The pairs as Python ints, a chunk at a time (millions of pairs in a
    reprint-heavy corpus would otherwise become millions of objects at once)."""
    for lo in range(0, len(a), size):
        yield from zip(a[lo : lo + size].tolist(), b[lo : lo + size].tolist(), strict=True)

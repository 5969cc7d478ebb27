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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from hygiene.minhash import (
    LSHIndex,
    MinHasher,
    band_keys,
    containment,
    jaccard,
    lsh_params,
    shingle_hashes,
)

if TYPE_CHECKING:
    import numpy.typing as npt

KEEP_POLICIES = ("first-path", "longest", "earliest")
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
    threshold: float = 0.25  # Jaccard at which LSH bands are tuned and pairs accepted
    min_containment: float = 0.6  # an abridged copy: the shorter text inside the longer
    min_shingles: int = 30  # shorter texts carry too little to compare
    cohesion: float = 0.7  # inside a cluster, pairs need this share of the thresholds
    containment_floor: float = 0.15  # containment alone is noisy below this Jaccard
    min_number_overlap: float = 0.3  # template stories: same words, other figures
    keep: str = "first-path"

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

    def to_json(self, paths: dict[str, str]) -> dict[str, object]:
        others = [s for k, s in self.similarity.items() if k != self.kept]
        return {
            "id": self.id,
            "members": [paths[m] for m in self.members],
            "kept": paths[self.kept],
            "similarity": round(min(others), 4) if others else 1.0,
        }


class NearDuplicateFinder:
    """Collects signatures with ``add``; ``clusters`` groups the near-duplicates."""

    def __init__(self, options: NearDupOptions | None = None) -> None:
        self.options = options or NearDupOptions()
        self.hasher = MinHasher(self.options.num_perm)
        bands, rows = lsh_params(self.options.threshold, self.options.num_perm)
        self.index = LSHIndex(bands, rows)
        self.entries: dict[str, Entry] = {}

    def add(self, key: str, path: str, text: str, date: str | None = None) -> None:
        self.add_entry(self.entry(key, path, text, date))

    def entry(self, key: str, path: str, text: str, date: str | None = None) -> Entry:
        """A document's sketch (pure: workers compute these, the finder collects them).
        Signature values fit in 32 bits (datasketch masks them), which halves the index."""
        hashes = shingle_hashes(text, self.options.k)
        signature = self.hasher.signature(hashes).astype(np.uint32)
        return Entry(key, path, len(text), date, len(hashes), signature, figures(text))

    def add_entry(self, entry: Entry, *, index: bool = True) -> None:
        """Collect a sketch; ``index=False`` when candidates come from elsewhere
        (an engine that groups band keys itself)."""
        self.entries[entry.key] = entry
        if index and self.comparable(entry):
            self.index.add(entry.key, entry.signature)

    def comparable(self, entry: Entry) -> bool:
        return entry.size >= self.options.min_shingles

    def band_keys(self, entry: Entry) -> list[bytes]:
        """The LSH bucket keys of a sketch: documents sharing one are candidates."""
        return band_keys(entry.signature, self.index.bands, self.index.rows)

    def similar(self, a: Entry, b: Entry) -> tuple[float, float]:
        """(estimated Jaccard, estimated containment of the smaller in the larger)."""
        j = jaccard(a.signature, b.signature)
        return j, containment(j, a.size, b.size)

    def same_story(self, a: Entry, b: Entry, j: float, c: float, scale: float = 1.0) -> bool:
        """The verification of a candidate pair (thresholds scaled by ``scale``)."""
        opts = self.options
        close = j >= opts.threshold * scale or (
            c >= opts.min_containment * scale and j >= opts.containment_floor * scale
        )
        return close and number_overlap(a.numbers, b.numbers) >= opts.min_number_overlap * scale

    def candidates(self) -> Iterable[tuple[str, str]]:
        """Pairs (a < b) sharing an LSH band, from the in-memory index."""
        for key in sorted(self.entries):
            entry = self.entries[key]
            if not self.comparable(entry):
                continue
            for other in sorted(self.index.query(entry.signature)):
                if other > key:
                    yield key, other

    def pairs(
        self, candidates: Iterable[tuple[str, str]] | None = None
    ) -> Iterable[tuple[str, str, float, float]]:
        """Verified candidate pairs (a < b)."""
        for key, other in self.candidates() if candidates is None else candidates:
            entry = self.entries[key]
            j, c = self.similar(entry, self.entries[other])
            if self.same_story(entry, self.entries[other], j, c):
                yield key, other, j, c

    def linked(self, a: str, b: str) -> bool:
        """A pair that belongs together, under the looser bar used inside a cluster."""
        ea, eb = self.entries[a], self.entries[b]
        j, c = self.similar(ea, eb)
        return self.same_story(ea, eb, j, c, self.options.cohesion)

    def groups(self, candidates: Iterable[tuple[str, str]] | None = None) -> list[list[str]]:
        """Verified pairs merged strongest first; two groups merge only when most of
        their cross pairs are linked too, so one bridging document (a copy that gained
        a sentence from another story, a shared template) cannot chain two stories."""
        members: dict[str, list[str]] = {}
        owner: dict[str, str] = {}
        edges = sorted(self.pairs(candidates), key=lambda e: (-max(e[2], e[3]), e[0], e[1]))
        for a, b, _, _ in edges:
            for key in (a, b):
                if key not in owner:
                    owner[key] = key
                    members[key] = [key]
            ga, gb = owner[a], owner[b]
            if ga == gb:
                continue
            cross = [(x, y) for x in members[ga] for y in members[gb]]
            if sum(self.linked(x, y) for x, y in cross) * 2 < len(cross):
                continue
            keep, gone = sorted((ga, gb))
            for key in members[gone]:
                owner[key] = keep
            members[keep] += members.pop(gone)
        return sorted(sorted(m) for m in members.values() if len(m) > 1)

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

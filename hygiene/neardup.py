"""Near-duplicate stories: MinHash signatures, LSH candidates, verified clusters.

Reprints of one story differ in headline, wrapping, house style, length
(abridged to the lead) and OCR noise, so documents are compared as sets of
character 5-grams of their normalised story text (page furniture already
found is left out, so that shared headers and footers cannot join unrelated
stories). LSH banding proposes candidate pairs; a pair joins a cluster only
when its estimated Jaccard similarity, or the containment of the shorter text
in the longer one (an abridged copy), passes its threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hygiene.minhash import LSHIndex, MinHasher, containment, jaccard, lsh_params, shingle_hashes

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

KEEP_POLICIES = ("first-path", "longest", "earliest")


@dataclass(frozen=True)
class NearDupOptions:
    k: int = 5  # character k-grams
    num_perm: int = 128
    threshold: float = 0.3  # Jaccard at which LSH bands are tuned and pairs accepted
    min_containment: float = 0.7  # an abridged copy: the shorter text inside the longer
    min_shingles: int = 30  # shorter texts carry too little to compare
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
    signature: npt.NDArray[np.uint64]


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
        hashes = shingle_hashes(text, self.options.k)
        entry = Entry(key, path, len(text), date, len(hashes), self.hasher.signature(hashes))
        self.entries[key] = entry
        if entry.size >= self.options.min_shingles:
            self.index.add(key, entry.signature)

    def similar(self, a: Entry, b: Entry) -> tuple[float, float]:
        """(estimated Jaccard, estimated containment of the smaller in the larger)."""
        j = jaccard(a.signature, b.signature)
        return j, containment(j, a.size, b.size)

    def pairs(self) -> Iterable[tuple[str, str, float, float]]:
        """Verified candidate pairs (a < b)."""
        opts = self.options
        for key in sorted(self.entries):
            entry = self.entries[key]
            if entry.size < opts.min_shingles:
                continue
            for other in sorted(self.index.query(entry.signature)):
                if other <= key:
                    continue
                j, c = self.similar(entry, self.entries[other])
                if j >= opts.threshold or c >= opts.min_containment:
                    yield key, other, j, c

    def clusters(self) -> list[Cluster]:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                parent[x] = parent.get(parent[x], parent[x])
                x = parent[x]
            return x

        for a, b, _, _ in self.pairs():
            # Every paired key is a node, roots included: else a root is never grouped.
            parent.setdefault(a, a)
            parent.setdefault(b, b)
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        groups: dict[str, list[str]] = {}
        for key in parent:
            groups.setdefault(find(key), []).append(key)
        out: list[Cluster] = []
        for members in sorted(sorted(m) for m in groups.values() if len(m) > 1):
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

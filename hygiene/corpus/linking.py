"""Verified near-duplicate pairs in work that grows linearly with the corpus.

LSH puts documents that agree on a band of their signature in one bucket. A story
reprinted hundreds of times fills its buckets with hundreds of copies, and every
pair of a bucket is quadratic, so pairs are taken in two steps, each bounded per
document:

1. **Components.** Per band, each document is compared with its next ``WINDOW - 1``
   bucket-mates (every pair of a bucket of up to ``WINDOW``), and only when the two
   are not yet connected; verified pairs join a union-find. A big bucket is thus
   verified along a chain of near neighbours, not pair by pair.
2. **Pairs.** Inside a component of up to ``SMALL`` documents, every candidate pair
   is verified once, as a plain all-pairs LSH would (the clusters a corpus of
   ordinary size gets do not depend on the bounds). Inside a bigger one, each
   document is verified against its next bucket-mate of the same component, in
   every band.

Documents are numbered by their position in key order, so that everything here is
independent of input order. Engines that find bucket-mates elsewhere (Ray) hand in
the verified pairs of step 1 instead (``components_of``); their components, and so
everything after, are the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    from hygiene.corpus.store import PairCheck

    Ints = npt.NDArray[np.int64]

WINDOW = 64  # step 1: bucket-mates a document is compared with, per band
SMALL = 64  # step 2: components verified pair by pair; cohesion is exact up to this
SAMPLE = 16  # cohesion in a bigger component: members of each group compared
WIDE = 2  # step 2, bigger components: bucket-mates a document is compared with, +1


def bucket_order(
    signatures: npt.NDArray[np.uint32], band: int, rows: int, first: Ints | None = None
) -> tuple[Ints, Ints]:
    """(order, bucket of each position in that order): positions sorted by the
    band's rows (by ``first`` before them, when given), ties in position order."""
    columns = signatures[:, band * rows : (band + 1) * rows]
    sort_keys: list[npt.NDArray[Any]] = [columns[:, i] for i in reversed(range(rows))]
    if first is not None:
        sort_keys.append(first)
    order: Ints = np.lexsort(sort_keys).astype(np.int64)
    ordered = [k[order] for k in sort_keys]
    change = np.zeros(len(order), dtype=np.bool_)
    for key in ordered:
        change[1:] |= key[1:] != key[:-1]
    return order, np.cumsum(change)


def window_pairs(order: Ints, bucket: Ints, width: int) -> Iterator[tuple[int, Ints, Ints]]:
    """(distance, p, q) of bucket-mates ``distance`` apart in ``order``, for each
    distance below ``width`` (p < q: buckets keep position order)."""
    for d in range(1, width):
        same = bucket[d:] == bucket[:-d]
        if not same.any():
            return  # no bucket is longer than d
        yield d, order[:-d][same], order[d:][same]


class UnionFind:
    """Connected components over ``n`` positions, joined a batch of pairs at a time.

    Every position points straight at its component's root, the least position in
    it, after each batch: ``root[p] == root[q]`` tests a whole batch at once."""

    def __init__(self, n: int) -> None:
        self.root: Ints = np.arange(n, dtype=np.int64)

    def join(self, p: Ints, q: Ints) -> None:
        root = self.root
        while len(p):
            rp, rq = root[p], root[q]
            apart = rp != rq
            if not apart.any():
                return
            p, q, rp, rq = p[apart], q[apart], rp[apart], rq[apart]
            np.minimum.at(root, np.maximum(rp, rq), np.minimum(rp, rq))
            while True:  # hooked roots point lower: flatten until every root is one hop away
                hop = root[root]
                if np.array_equal(hop, root):
                    break
                root[:] = hop


def components(check: PairCheck, rows: Ints, bands: int, band_rows: int) -> Ints:
    """Step 1: the component (its least position) of each position; ``rows[p]`` is
    the store row of position p."""
    signatures = check.columns.signatures[rows]
    found = UnionFind(len(rows))
    for band in range(bands):
        order, bucket = bucket_order(signatures, band, band_rows)
        for _, p, q in window_pairs(order, bucket, WINDOW):
            apart = found.root[p] != found.root[q]
            p, q = p[apart], q[apart]
            ok = check.same_story(rows[p], rows[q])
            found.join(p[ok], q[ok])
    return found.root


def components_of(n: int, p: Ints, q: Ints) -> Ints:
    """Step 1 from pairs verified elsewhere."""
    found = UnionFind(n)
    found.join(p, q)
    return found.root


def verified_pairs(
    check: PairCheck, rows: Ints, component: Ints, bands: int, band_rows: int
) -> Ints:
    """Step 2: verified pairs as codes ``p * n + q`` (p < q), sorted, unique."""
    n = len(rows)
    size = np.bincount(component, minlength=n)[component]
    found = [_small_components(check, rows, component, size, bands, band_rows)]
    big = np.flatnonzero(size > SMALL)
    signatures = check.columns.signatures[rows[big]]
    pending = 0
    for band in range(bands):
        order, bucket = bucket_order(signatures, band, band_rows, first=component[big])
        for _, i, k in window_pairs(order, bucket, WIDE):
            p, q = big[i], big[k]
            ok = check.same_story(rows[p], rows[q])
            found.append(p[ok] * n + q[ok])
            pending += int(ok.sum())
        if pending > 4 * len(found[0]) + (1 << 20):  # a pair recurs across bands
            found, pending = [np.unique(np.concatenate(found))], 0
    return np.unique(np.concatenate(found))


def _small_components(
    check: PairCheck, rows: Ints, component: Ints, size: Ints, bands: int, band_rows: int
) -> Ints:
    """Every pair of each component of 2 to ``SMALL`` documents that is an LSH
    candidate and passes: one signature comparison per pair tells both."""
    n = len(rows)
    small = np.flatnonzero((size > 1) & (size <= SMALL))
    order = small[np.argsort(component[small], kind="stable")]
    found = [np.zeros(0, dtype=np.int64)]
    for _, p, q in window_pairs(order, component[order], SMALL):
        ok = check.same_story_candidates(rows[p], rows[q], bands, band_rows)
        found.append(p[ok] * n + q[ok])
    return np.concatenate(found)

"""Speed and agreement of hygiene.corpus.minhash against datasketch's MinHash.

    .venv/bin/python scripts/bench_minhash.py [--docs ../shared/bench/neardup/docs] [--n 2000]
        [--num-perm 128] [--pairs 2000] [--seed 0]

On the first N files (sorted by name) of the docs folder, single process:

speed, documents per second
  ours            raw text -> normalise -> 5-gram hashes -> signature (both schemes)
  datasketch      ``MinHash.update`` once per shingle, and ``update_batch`` once per
                  document, on the same character 5-grams (of the normalised text) as
                  UTF-8 bytes; making those shingles is timed on its own line and
                  is not included in the datasketch figures.

agreement, on ``--pairs`` document pairs, about half of them near-duplicates (true
5-gram Jaccard > 0.2, found among our LSH candidates at threshold 0.2) and the
rest random pairs: mean absolute error of our estimate and of datasketch's
(its own SHA-1 hashing of the shingles) against the true Jaccard of the shingle
sets, and the correlation between the two estimates. A last line checks that
our signatures fed datasketch's SHA-1 hashes equal datasketch's, bit for bit.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from datasketch import MinHash
from datasketch.hashfunc import sha1_hash32

from hygiene.corpus.minhash import MinHasher, band_keys, jaccard, lsh_params, shingle_hashes
from hygiene.text import normalise

ROOT = Path(__file__).resolve().parent.parent
K = 5
T = TypeVar("T")


def shingles(text: str) -> set[str]:
    t = normalise(text)
    if len(t) < K:
        return {t} if t else set()
    return {t[i : i + K] for i in range(len(t) - K + 1)}


def rate(label: str, n: int, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    out = fn()
    secs = time.perf_counter() - start
    print(f"  {label:<52} {n / secs:9.1f} docs/s  ({secs:.2f} s)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=Path, default=ROOT.parent / "shared/bench/neardup/docs")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    paths = sorted(args.docs.glob("*.txt"))[: args.n]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    n, num_perm = len(texts), args.num_perm
    mean_chars = sum(map(len, texts)) / n
    print(f"{n} documents from {args.docs}, mean {mean_chars:.0f} chars, num_perm {num_perm}")

    ours = MinHasher(num_perm)
    legacy = MinHasher(num_perm, scheme="legacy")
    print("speed")
    sigs = rate(
        "ours, raw text -> signature (affine32)",
        n,
        lambda: [ours.signature(shingle_hashes(t)) for t in texts],
    )
    rate("  of which raw text -> 5-gram hashes", n, lambda: [shingle_hashes(t) for t in texts])
    rate(
        "ours, raw text -> signature (legacy)",
        n,
        lambda: [legacy.signature(shingle_hashes(t)) for t in texts],
    )
    sets = rate(
        "shingle sets for datasketch (Python, not counted)", n, lambda: [shingles(t) for t in texts]
    )
    encoded = [[s.encode("utf-8") for s in ss] for ss in sets]

    def ds_update() -> list[MinHash]:
        out = []
        for sh in encoded:
            m = MinHash(num_perm)
            for s in sh:
                m.update(s)
            out.append(m)
        return out

    def ds_batch() -> list[MinHash]:
        out = []
        for sh in encoded:
            m = MinHash(num_perm)
            m.update_batch(sh)
            out.append(m)
        return out

    rate("datasketch MinHash.update per shingle", n, ds_update)
    ds = rate("datasketch MinHash.update_batch", n, ds_batch)

    # Pairs: near-duplicates from our LSH candidates, the rest at random.
    rng = random.Random(args.seed)
    bands, rows = lsh_params(0.2, num_perm)
    buckets: dict[bytes, list[int]] = {}
    for i, sig in enumerate(sigs):
        for key in band_keys(sig, bands, rows):
            buckets.setdefault(key, []).append(i)
    candidates = {(i, j) for ids in buckets.values() for i in ids for j in ids if i < j}

    def true_j(i: int, j: int) -> float:
        union = len(sets[i] | sets[j])
        return len(sets[i] & sets[j]) / union if union else 1.0

    near = sorted(p for p in candidates if true_j(*p) > 0.2)
    want_near = min(len(near), args.pairs // 2)
    pairs = rng.sample(near, want_near)
    while len(pairs) < args.pairs:
        i, j = sorted(rng.sample(range(n), 2))
        pairs.append((i, j))
    truth = np.array([true_j(i, j) for i, j in pairs])
    est_ours = np.array([jaccard(sigs[i], sigs[j]) for i, j in pairs])
    est_ds = np.array([ds[i].jaccard(ds[j]) for i, j in pairs])
    print(
        f"agreement on {len(pairs)} pairs ({want_near} near-duplicates of {len(near)} found "
        f"among {len(candidates)} LSH candidates; mean true Jaccard {truth.mean():.3f})"
    )

    def mae(err: np.ndarray) -> str:
        return f"{err.mean():.4f}" if err.size else "-"

    for label, est in (("ours", est_ours), ("datasketch", est_ds)):
        err = np.abs(est - truth)
        print(
            f"  {label:<11} MAE {mae(err)}  (near-dup {mae(err[:want_near])}, "
            f"random {mae(err[want_near:])})  max {err.max():.3f}"
        )
    print(f"  correlation ours vs datasketch {np.corrcoef(est_ours, est_ds)[0, 1]:.4f}")
    print(f"  correlation ours vs truth      {np.corrcoef(est_ours, truth)[0, 1]:.4f}")

    same = all(
        np.array_equal(
            ours.signature(np.array([sha1_hash32(s) for s in encoded[i]], dtype=np.uint64)),
            ds[i].hashvalues.astype(np.uint64),
        )
        for i in range(min(n, 200))
    )
    print(f"identical to datasketch given its SHA-1 hashes (first {min(n, 200)} docs): {same}")


if __name__ == "__main__":
    main()

"""MinHash signatures and LSH banding for near-duplicate detection, in numpy.

Reprinted wire copy differs from its source by wrapping, case, punctuation,
abridgement and OCR noise, so documents are compared as sets of character
5-grams of a normalised text and the sets are sketched with MinHash. This
module computes the same signatures as ``datasketch.MinHash`` (same permutation
parameters and update rule, given the same 32-bit shingle hashes) but hashes
the shingles and applies the permutations with whole-array numpy operations
instead of one SHA-1 call per shingle, which is where datasketch spends its
time. Both of datasketch's 32-bit schemes are available; the default is its
2.x default, ``affine32``, which is also the faster one here. ``band_keys`` is
the banding shared by the near-duplicate finder and the persistent index.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from hygiene.text import normalise

Hashes = npt.NDArray[np.uint64]
# uint64 as computed; stored as uint32 (values are masked to 32 bits).
Signature = npt.NDArray[np.unsignedinteger[Any]]
Scheme = Literal["affine32", "legacy"]

# datasketch's constants (datasketch/minhash.py).
MERSENNE_PRIME = (1 << 61) - 1
MAX_HASH = (1 << 32) - 1

_U64 = np.uint64
_MERSENNE = _U64(MERSENNE_PRIME)
_MASK32 = _U64(MAX_HASH)
# Multiplier and start value of the polynomial shingle hash (odd, well mixed).
_POLY_MUL = _U64(0x9E3779B97F4A7C15)
_POLY_SEED = _U64(0x243F6A8885A308D3)
# Elements per block of the shingles x permutations matrix: bounds memory
# whatever the document length. Measured best on 1-2k-character news stories;
# legacy's two uint64 buffers prefer smaller blocks (fresh large ones fault in).
_BLOCK = 1 << 16
_BLOCK_LEGACY = 1 << 14


def _splitmix64(h: Hashes) -> Hashes:
    """splitmix64 finaliser in place: a polynomial hash has weak low bits."""
    h ^= h >> _U64(30)
    h *= _U64(0xBF58476D1CE4E5B9)
    h ^= h >> _U64(27)
    h *= _U64(0x94D049BB133111EB)
    h ^= h >> _U64(31)
    return h


def shingle_hashes(text: str, k: int = 5) -> Hashes:
    """Sorted unique 32-bit hashes of the character k-grams of ``normalise(text)``.

    A normalised text shorter than k is one shingle (so short texts still
    compare); an empty one has none. Each window's hash is a 64-bit polynomial
    over its code points, built with k whole-array multiply-adds, then mixed
    and cut to 32 bits, the width of datasketch's hashes.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    norm = normalise(text)
    if not norm:
        return np.empty(0, dtype=_U64)
    width = min(k, len(norm))
    windows = len(norm) - width + 1
    # In blocks of windows, each deduplicated: memory stays a few times the text
    # (a 100 MB document must not need 4 GB here), and the hashes are the same.
    blocks = [
        _unique(_window_hashes(norm[i : i + _WINDOWS + width - 1], width))
        for i in range(0, windows, _WINDOWS)
    ]
    hashes = blocks[0] if len(blocks) == 1 else _unique(np.concatenate(blocks))
    return hashes.astype(_U64)


_WINDOWS = 1 << 20  # windows hashed at a time


def _window_hashes(chunk: str, width: int) -> npt.NDArray[np.uint32]:
    """The 32-bit hash of every window of ``width`` code points in ``chunk``."""
    codes = np.frombuffer(chunk.encode("utf-32-le"), dtype="<u4").astype(_U64)
    windows = codes.size - width + 1
    h = np.full(windows, _POLY_SEED, dtype=_U64)
    for j in range(width):
        h *= _POLY_MUL
        h += codes[j : j + windows]
    h = _splitmix64(h)
    h >>= _U64(32)
    return h.astype(np.uint32)


def _unique(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    h.sort()  # np.unique costs several times a sort on document-sized arrays
    return h[np.concatenate(([True], h[1:] != h[:-1]))]


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finaliser, datasketch's pre-mix for affine32."""
    h = h ^ (h >> np.uint32(16))
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


class MinHasher:
    """datasketch-compatible MinHash permutations applied to whole hash arrays.

    ``scheme="affine32"`` is datasketch 2.x's default (``h -> a*fmix32(h) + b``
    mod 2^32, a bijection); ``scheme="legacy"`` is datasketch 1.x's
    ``((a*h + b) mod 2^64 mod (2^61 - 1)) & (2^32 - 1)``. The parameters are drawn
    from ``RandomState(seed)`` exactly as datasketch draws them, so signatures
    equal ``datasketch.MinHash(num_perm, seed=seed, scheme=scheme)`` fed the same
    32-bit hashes.
    """

    def __init__(self, num_perm: int = 128, seed: int = 1, *, scheme: Scheme = "affine32") -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        self.num_perm = num_perm
        self.seed = seed
        self.scheme: Scheme = scheme
        gen = np.random.RandomState(seed)
        if scheme == "legacy":
            pairs = [
                (
                    gen.randint(1, MERSENNE_PRIME, dtype=np.uint64),
                    gen.randint(0, MERSENNE_PRIME, dtype=np.uint64),
                )
                for _ in range(num_perm)
            ]
            self._a: npt.NDArray[np.unsignedinteger] = np.array([p[0] for p in pairs], _U64)
            self._b: npt.NDArray[np.unsignedinteger] = np.array([p[1] for p in pairs], _U64)
        elif scheme == "affine32":
            half = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32)
            self._a = half * np.uint32(2) + np.uint32(1)  # odd: a bijection mod 2^32
            self._b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        else:
            raise ValueError(f"unknown scheme {scheme!r}")

    def signature(self, hashes: npt.ArrayLike) -> Signature:
        """Minimum of each permutation over the hashes (32-bit values).

        No hashes gives all ``MAX_HASH``, like a fresh datasketch MinHash.
        The shingles x permutations matrix is built in blocks of bounded size.
        """
        hv = np.asarray(hashes).ravel()
        sig = np.full(self.num_perm, MAX_HASH, dtype=_U64)
        if hv.size == 0:
            return sig
        if hv.dtype.kind not in "iu" or int(hv.min()) < 0 or int(hv.max()) > MAX_HASH:
            raise ValueError("hashes must be integers in [0, 2**32)")
        if self.scheme == "affine32":
            self._min_affine32(hv, sig, max(1, _BLOCK // self.num_perm))
        else:
            self._min_legacy(hv, sig, max(1, _BLOCK_LEGACY // self.num_perm))
        return sig

    def _min_affine32(self, hv: npt.NDArray[np.integer], sig: Signature, step: int) -> None:
        h32 = _fmix32(hv.astype(np.uint32))[:, None]
        buf = np.empty((min(step, hv.size), self.num_perm), dtype=np.uint32)
        for i in range(0, hv.size, step):
            block = buf[: min(step, hv.size - i)]
            np.multiply(h32[i : i + step], self._a, out=block)  # wraps mod 2^32
            block += self._b
            np.minimum(sig, block.min(axis=0), out=sig)

    def _min_legacy(self, hv: npt.NDArray[np.integer], sig: Signature, step: int) -> None:
        h64 = hv.astype(_U64)[:, None]
        buf = np.empty((min(step, hv.size), self.num_perm), dtype=_U64)
        high = np.empty_like(buf)
        for i in range(0, hv.size, step):
            block = buf[: min(step, hv.size - i)]
            top = high[: block.shape[0]]
            np.multiply(h64[i : i + step], self._a, out=block)  # wraps mod 2^64, as datasketch's
            block += self._b
            # x mod (2^61 - 1) without division: fold the top 3 bits onto the
            # rest (2^61 = 1 mod p); the sum s <= p + 7 and s + 1 carries into
            # bit 61 exactly when s >= p, which subtracts p once more.
            np.right_shift(block, _U64(61), out=top)
            block &= _MERSENNE
            block += top
            np.add(block, _U64(1), out=top)
            top >>= _U64(61)
            block += top
            block &= _MASK32  # mod p, then datasketch's & max_hash
            np.minimum(sig, block.min(axis=0), out=sig)


def jaccard(sig_a: Signature, sig_b: Signature) -> float:
    """Estimated Jaccard similarity: the share of positions where the signatures agree."""
    if sig_a.shape != sig_b.shape or sig_a.size == 0:
        raise ValueError("signatures must be non-empty and of the same length")
    return float(np.count_nonzero(sig_a == sig_b)) / sig_a.size


def containment(j: float, size_a: int, size_b: int) -> float:
    """Estimated |A∩B| / min(|A|, |B|) from a Jaccard estimate and the set sizes.

    An abridged reprint (the lead only) has a low Jaccard with its source but
    is almost wholly contained in it; |A∩B| = J(|A| + |B|) / (1 + J).
    """
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    inter = j * (size_a + size_b) / (1.0 + j)
    return min(1.0, max(0.0, inter / smaller))


def lsh_params(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false positive and negative areas.

    datasketch's ``_optimal_param`` method: for each b * r <= num_perm, integrate
    the probability 1 - (1 - s^r)^b that a pair of Jaccard s shares a band below
    the threshold (false positives) and its complement above it (false
    negatives). Gauss-Legendre quadrature is exact here for num_perm <= 512,
    as the integrand is a polynomial of degree b * r, and needs no scipy.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError("threshold must be in (0, 1)")
    if num_perm < 1:
        raise ValueError("num_perm must be positive")
    nodes, weights = np.polynomial.legendre.leggauss(min(num_perm // 2 + 1, 257))

    def grid(lo: float, hi: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        half = (hi - lo) / 2.0
        return nodes * half + (hi + lo) / 2.0, weights * half

    s_fp, w_fp = grid(0.0, threshold)
    s_fn, w_fn = grid(threshold, 1.0)
    best, best_err = (0, 0), float("inf")
    for b in range(1, num_perm + 1):
        r = np.arange(1, num_perm // b + 1, dtype=np.float64)[:, None]
        fp = (1.0 - (1.0 - s_fp**r) ** b) @ w_fp
        fn = ((1.0 - s_fn**r) ** b) @ w_fn
        err = fp * fp_weight + fn * fn_weight
        i = int(np.argmin(err))
        if err[i] < best_err:
            best, best_err = (b, i + 1), float(err[i])
    return best


def band_keys(sig: Signature, bands: int, rows: int) -> list[bytes]:
    """One bucket key per band: the band index (2 bytes) and its rows as uint32 LE.

    Signatures that agree on all rows of some band share that band's key. The
    band index keeps equal rows in different bands apart, so one key space
    (a dict, a SQLite column) serves all bands.
    """
    if bands < 1 or rows < 1 or bands > 0xFFFF:
        raise ValueError("bands must be in [1, 65535] and rows positive")
    if sig.size < bands * rows:
        raise ValueError(f"signature of {sig.size} values is shorter than {bands} x {rows}")
    if sig.size and int(sig.max()) > MAX_HASH:
        raise ValueError("signature values must fit in 32 bits")
    raw = np.ascontiguousarray(sig[: bands * rows], dtype="<u4").tobytes()
    width = rows * 4
    return [i.to_bytes(2, "big") + raw[i * width : (i + 1) * width] for i in range(bands)]

"""MinHash: datasketch-identical signatures, sound estimates, working LSH banding."""

from __future__ import annotations

import inspect
import random
from typing import Any

import numpy as np
import pytest
from datasketch import MinHash
from datasketch.hashfunc import sha1_hash32

from hygiene.corpus.minhash import (
    MAX_HASH,
    MinHasher,
    Signature,
    band_keys,
    containment,
    jaccard,
    lsh_params,
    shingle_hashes,
)
from hygiene.text import normalise

WORDS = (
    "council budget harbour police minister election tariff wheat export shares bank rate "
    "strike union river flood court judge mayor school hospital train airport oil price "
    "dollar yen market trader farmer weather storm bridge road tax vote report profit loss"
).split()


HAS_SCHEMES = "scheme" in inspect.signature(MinHash).parameters  # datasketch >= 2.0


def signature_of(hasher: MinHasher, text: str) -> Signature:
    return hasher.signature(shingle_hashes(text))


def ds_minhash(num_perm: int, seed: int, scheme: str = "affine32", **kw: Any) -> Any:
    """datasketch's MinHash with a scheme; before 2.0, legacy was the only one."""
    if HAS_SCHEMES:
        return MinHash(num_perm, seed=seed, scheme=scheme, **kw)
    if scheme != "legacy":
        pytest.skip("datasketch < 2.0 has only the legacy scheme")
    return MinHash(num_perm, seed=seed, **kw)


def story(seed: int, n_words: int = 180) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + str(rng.randrange(100)) for _ in range(n_words))


def true_jaccard(a: str, b: str, k: int = 5) -> float:
    sa, sb = ({t[i : i + k] for i in range(len(t) - k + 1)} for t in (normalise(a), normalise(b)))
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize("num_perm", [1, 16, 128, 256])
def test_signature_identical_to_datasketch(scheme: str, num_perm: int) -> None:
    text = normalise(story(1))
    shingles = sorted({text[i : i + 5].encode() for i in range(len(text) - 4)})
    hashes = np.array([sha1_hash32(s) for s in shingles], dtype=np.uint64)
    for seed in (1, 42):
        ref = ds_minhash(num_perm, seed, scheme)
        ref.update_batch(shingles)
        ours = MinHasher(num_perm, seed, scheme=scheme)
        sig = ours.signature(hashes)
        assert sig.dtype == np.uint64 and sig.shape == (num_perm,)
        assert np.array_equal(sig, ref.hashvalues.astype(np.uint64))


def test_default_scheme_matches_datasketch_default() -> None:
    hashes = np.array([0, 1, 7, MAX_HASH, 123456789], dtype=np.uint64)
    ref = ds_minhash(64, 5, hashfunc=int)  # hashes given as they are
    ref.update_batch([int(h) for h in hashes])
    assert np.array_equal(MinHasher(64, 5).signature(hashes), ref.hashvalues.astype(np.uint64))


def test_legacy_fold_matches_modulo_at_extremes() -> None:
    hashes = np.array([0, 1, 2, MAX_HASH - 1, MAX_HASH], dtype=np.uint64)
    ref = ds_minhash(256, 9, "legacy", hashfunc=int)
    ref.update_batch([int(h) for h in hashes])
    assert np.array_equal(MinHasher(256, 9, scheme="legacy").signature(hashes), ref.hashvalues)


def test_empty_signature_is_max_hash_and_bad_hashes_rejected() -> None:
    hasher = MinHasher(32)
    assert np.array_equal(hasher.signature(np.empty(0, np.uint64)), MinHash(32).hashvalues)
    with pytest.raises(ValueError):
        hasher.signature(np.array([1 << 40], dtype=np.uint64))


def test_signature_independent_of_block_size() -> None:
    hashes = shingle_hashes(story(2, 3000))  # many blocks at num_perm=256
    hasher = MinHasher(256)
    whole = hasher.signature(hashes)
    parts = np.minimum.reduce([hasher.signature(p) for p in np.array_split(hashes, 7)])
    assert np.array_equal(whole, parts)


def test_normalise_ignores_wrapping_case_and_punctuation() -> None:
    a = "The Council approved the budget -- 12 pct higher, officials said."
    b = "the council\napproved the\n  BUDGET: 12 PCT higher; officials said!!"
    assert (
        normalise(a)
        == normalise(b)
        == "the council approved the budget 12 pct higher officials said"
    )
    assert normalise("ﬁnance  Straße_x") == "finance strasse x"  # NFKC, casefold, underscore
    assert normalise(" \n--\t ") == ""
    assert normalise("नमस्ते, दुनिया") == "नमस्ते दुनिया"  # combining vowel signs stay in words
    assert np.array_equal(shingle_hashes(a), shingle_hashes(b))


def test_shingle_hashes_sorted_unique_short_and_empty() -> None:
    h = shingle_hashes("abcab abcab abcab")
    assert h.dtype == np.uint64
    assert np.all(np.diff(h.astype(np.int64)) > 0)
    assert len(h) == len({"abcab abcab abcab"[i : i + 5] for i in range(13)})
    assert int(h.max()) <= MAX_HASH
    assert len(shingle_hashes("Hi!")) == 1
    assert not np.array_equal(shingle_hashes("hi"), shingle_hashes("ho"))
    assert shingle_hashes("").size == 0 and shingle_hashes(" ?! ").size == 0
    assert len(shingle_hashes("abcdef", k=1)) == 6


@pytest.mark.parametrize("overlap", [0.0, 0.3, 0.6, 0.9])
def test_jaccard_estimate_close_to_truth(overlap: float) -> None:
    rng = random.Random(int(overlap * 10))
    base = story(10).split()
    b = [w if rng.random() < overlap else rng.choice(WORDS) + "x" for w in base]
    a_text, b_text = " ".join(base), " ".join(b)
    hasher = MinHasher(256)
    est = jaccard(signature_of(hasher, a_text), signature_of(hasher, b_text))
    assert abs(est - true_jaccard(a_text, b_text)) <= 0.1


def test_jaccard_of_identical_and_mismatched() -> None:
    sig = signature_of(MinHasher(64), story(3))
    assert jaccard(sig, sig.copy()) == 1.0
    with pytest.raises(ValueError):
        jaccard(sig, sig[:32])


def test_containment_of_abridged_copy_is_high_while_jaccard_low() -> None:
    full = story(4, 300)
    lead = full[: len(full) // 3]
    hasher = MinHasher(256)
    ha, hb = shingle_hashes(lead), shingle_hashes(full)
    j = jaccard(hasher.signature(ha), hasher.signature(hb))
    assert j < 0.45
    assert containment(j, len(ha), len(hb)) > 0.85
    assert containment(0.0, 10, 20) == 0.0 and containment(1.0, 10, 20) == 1.0
    assert containment(0.5, 0, 20) == 0.0


def test_lsh_params() -> None:
    for num_perm in (32, 128, 256):
        bands = []
        for t in (0.2, 0.5, 0.8):
            b, r = lsh_params(t, num_perm)
            assert b >= 1 and r >= 1 and b * r <= num_perm
            bands.append(b)
        assert bands[0] > bands[1] > bands[2]
    with pytest.raises(ValueError):
        lsh_params(1.0, 128)


def test_lsh_params_match_datasketch() -> None:
    lsh = pytest.importorskip("datasketch.lsh")
    for t in (0.3, 0.5, 0.85):
        assert lsh_params(t, 64) == lsh._optimal_param(t, 64, 0.5, 0.5)
    assert lsh_params(0.3, 64, 0.2, 0.8) == lsh._optimal_param(0.3, 64, 0.2, 0.8)


def test_band_keys() -> None:
    sig = signature_of(MinHasher(128), story(5))
    keys = band_keys(sig, 16, 8)
    assert len(keys) == 16 and len(set(keys)) == 16
    assert all(len(k) == 2 + 8 * 4 for k in keys)
    other = sig.copy()
    other[0] += 1  # only band 0 changes
    changed = [a != b for a, b in zip(keys, band_keys(other, 16, 8), strict=True)]
    assert changed == [True] + [False] * 15
    with pytest.raises(ValueError):
        band_keys(sig, 16, 9)


def test_band_keys_put_a_near_duplicate_in_a_shared_bucket_only() -> None:
    hasher = MinHasher(128)
    bands, rows = lsh_params(0.3, 128)
    original = story(6)
    reprint = "KICKER: " + original.upper().replace(" ", "\n", 40)[: int(len(original) * 0.9)]
    unrelated = story(7)
    texts = {"original": original, "reprint": reprint, "unrelated": unrelated}
    keys = {k: set(band_keys(signature_of(hasher, t), bands, rows)) for k, t in texts.items()}
    assert keys["reprint"] & keys["original"]
    assert not keys["reprint"] & keys["unrelated"]

"""The embedding engine: the fast ONNX path agrees with the sentence-transformers reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hygiene.embed.onnx import OnnxEmbedder
from hygiene.embed.reference import SentenceTransformerEmbedder
from hygiene.embed.shared import CachedEmbedder, shared_embedder

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


def fixture_paragraphs() -> list[str]:
    paras: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        paras += [p for p in path.read_text(encoding="utf-8").split("\n") if len(p) > 40]
    return paras[:80]


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbedder:
    return OnnxEmbedder()


def test_vectors_are_unit_length_and_deterministic(onnx: OnnxEmbedder) -> None:
    texts = ["The council approved the budget.", "Sign up for our newsletter.", ""]
    first = onnx.embed(texts)
    assert first.shape == (3, 384)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, onnx.embed(texts))


def test_a_texts_vector_does_not_depend_on_its_neighbours(onnx: OnnxEmbedder) -> None:
    texts = fixture_paragraphs()[:20]
    together = onnx.embed(texts)
    alone = np.stack([onnx.embed([t])[0] for t in reversed(texts)])[::-1]
    assert np.array_equal(together, alone)


def test_similar_texts_are_closer_than_unrelated_ones(onnx: OnnxEmbedder) -> None:
    a, b, c = onnx.embed(
        [
            "The city council voted to raise property taxes to repair school roofs.",
            "Council members approved a tax increase to fix leaking school buildings.",
            "The striker scored twice as the home side won the cup final.",
        ]
    )
    assert a @ b > a @ c + 0.3


def test_onnx_path_agrees_with_sentence_transformers(onnx: OnnxEmbedder) -> None:
    texts = fixture_paragraphs()
    fast = onnx.embed(texts)
    reference = SentenceTransformerEmbedder().embed(texts)
    cosines = (fast * reference).sum(axis=1)
    assert cosines.min() > 0.95
    # Both rank paragraphs against the document mean the same way.
    from scipy.stats import spearmanr

    rho = spearmanr(fast @ fast.mean(axis=0), reference @ reference.mean(axis=0)).correlation
    assert rho > 0.97


class CountingEmbedder:
    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:  # type: ignore[type-arg]
        self.seen += texts
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_cache_embeds_each_text_once() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner)
    first = cached.embed(["a", "bb", "a"])
    second = cached.embed(["bb", "ccc"])
    assert sorted(inner.seen) == ["a", "bb", "ccc"]
    assert first[0].tolist() == first[2].tolist() == [1.0, 1.0]
    assert second[0].tolist() == [2.0, 1.0]
    assert (cached.hits, cached.misses) == (2, 3)


def test_a_full_cache_keeps_the_vectors_of_the_call_that_fills_it() -> None:
    cached = CachedEmbedder(CountingEmbedder(), max_items=3)
    cached.embed(["a", "bb", "ccc"])
    both = cached.embed(["bb", "dddd"])  # one text cached, one new, and no room left
    assert both.tolist() == [[2.0, 1.0], [4.0, 1.0]]
    assert len(cached._cache) <= 3


def test_shared_embedder_is_loaded_once() -> None:
    assert shared_embedder("onnx") is shared_embedder("onnx")
    with pytest.raises(ValueError, match="unknown embedding backend"):
        shared_embedder("word2vec")

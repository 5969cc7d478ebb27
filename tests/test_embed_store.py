"""The on-disk vector cache: the same vectors, fewer model runs, never a failed run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from hygiene.embed import DIM
from hygiene.embed.shared import CachedEmbedder
from hygiene.embed.store import VectorStore


class CountingEmbedder:
    """A stand-in model: a text's vector is derived from its hash; counts texts embedded."""

    name = "counting"
    identity = "counting v1"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += texts
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=DIM) for t in texts]
        return np.array(rows, dtype=np.float32).reshape(len(texts), DIM)


def test_a_second_run_reads_vectors_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "vectors.sqlite"
    texts = ["One sentence.", "Another sentence.", "One sentence.", "Third."]
    first_model = CountingEmbedder()
    first = CachedEmbedder(first_model, store=VectorStore(path, first_model.identity))
    expected = first.embed(texts)
    assert sorted(first_model.embedded) == sorted(set(texts))

    second_model = CountingEmbedder()  # a new process: empty memory cache
    second = CachedEmbedder(second_model, store=VectorStore(path, second_model.identity))
    np.testing.assert_array_equal(
        second.embed([*texts, "New one."]), first.embed([*texts, "New one."])
    )
    assert second_model.embedded == ["New one."]
    np.testing.assert_array_equal(second.embed(texts), expected)


def test_another_model_never_gets_these_vectors(tmp_path: Path) -> None:
    path = tmp_path / "vectors.sqlite"
    CachedEmbedder(CountingEmbedder(), store=VectorStore(path, "model A")).embed(["Text."])
    other = CountingEmbedder()
    CachedEmbedder(other, store=VectorStore(path, "model B")).embed(["Text."])
    assert other.embedded == ["Text."]


def test_an_unusable_cache_file_warns_once_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    model = CountingEmbedder()
    cached = CachedEmbedder(model, store=VectorStore(blocker / "vectors.sqlite", "m"))
    assert cached.embed(["Text.", "More text."]).shape == (2, DIM)
    err = capsys.readouterr().err
    assert err.count("embedding cache") == 1 and "not used" in err

    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    cached = CachedEmbedder(CountingEmbedder(), store=VectorStore(garbage, "m"))
    assert cached.embed(["Text."]).shape == (1, DIM)
    assert "not used" in capsys.readouterr().err


def test_the_env_variable_turns_the_store_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hygiene.embed import shared

    monkeypatch.setenv("HYGIENE_EMBED_CACHE", str(tmp_path / "v.sqlite"))
    store = shared._store_for(CountingEmbedder())
    assert store is not None and store.model == "counting v1"
    monkeypatch.delenv("HYGIENE_EMBED_CACHE")
    assert shared._store_for(CountingEmbedder()) is None

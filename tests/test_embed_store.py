"""The on-disk vector cache: the same vectors, fewer model runs, never a failed run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from hygiene.embed import DIM
from hygiene.embed.shared import CachedEmbedder
from hygiene.embed.store import VectorStore

if TYPE_CHECKING:
    from conftest import Cli


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


def test_the_configured_file_or_the_env_variable_turns_the_store_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hygiene.embed import configure_cache, shared

    embedder = CachedEmbedder(CountingEmbedder())
    monkeypatch.setenv("HYGIENE_EMBED_CACHE", str(tmp_path / "env.sqlite"))
    shared._attach_store(embedder)
    assert embedder.store is not None and embedder.store.path == tmp_path / "env.sqlite"
    assert embedder.store.model == "counting v1"
    configure_cache(str(tmp_path / "configured.sqlite"))
    try:
        shared._attach_store(embedder)
        assert embedder.store.path == tmp_path / "configured.sqlite"
    finally:
        configure_cache(None)
    monkeypatch.delenv("HYGIENE_EMBED_CACHE")
    shared._attach_store(embedder)
    assert embedder.store is None


def test_report_keeps_vectors_beside_the_archive_index(tmp_path: Path, cli: Cli) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    story = Path(__file__).parent.parent / "fixtures" / "offtopic" / "harbour-dredging.txt"
    (archive / "story.txt").write_text(story.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("index", "build", str(archive))[0] == 0
    first = cli("check", str(archive / "story.txt"), "--format", "json")
    cache = archive / ".hygiene" / "embeddings.sqlite"
    assert cache.is_file() and cache.stat().st_size > 0
    again = cli("check", str(archive / "story.txt"), "--format", "json")
    assert again == first  # the same findings from stored vectors
    off = tmp_path / "elsewhere.sqlite"
    cli("report", str(archive / "story.txt"), "--embedding-cache", str(off), "--format", "json")
    assert off.is_file()

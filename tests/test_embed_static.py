"""The static embedding: cheap, batch-independent, and close to MiniLM where it matters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hygiene.assets import ModelError
from hygiene.embed.static import StaticEmbedder

TEXTS = [
    "The city council approved the new budget after a long debate.",
    "Councillors voted to pass the spending plan for next year.",
    "The striker scored twice as the home side won the derby.",
    "",
]


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    return StaticEmbedder()


def test_vectors_are_unit_length_and_independent_of_their_batch(static: StaticEmbedder) -> None:
    together = static.embed(TEXTS)
    alone = np.vstack([static.embed([t]) for t in TEXTS])
    np.testing.assert_array_equal(together, alone)
    norms = np.linalg.norm(together[:3], axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)
    assert not together[3].any()  # no tokens, no direction
    assert static.embed([]).shape == (0, static.dim)


def test_it_places_topics_as_minilm_does(static: StaticEmbedder) -> None:
    from hygiene.embed.shared import shared_embedder

    for vectors in (static.embed(TEXTS[:3]), shared_embedder("onnx").embed(TEXTS[:3])):
        same_topic = float(vectors[0] @ vectors[1])
        other_topic = float(vectors[0] @ vectors[2])
        assert same_topic > other_topic + 0.15


def test_a_missing_or_foreign_table_is_a_named_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="could not be loaded"):
        StaticEmbedder(tmp_path / "absent.npy")
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((10, 4), dtype=np.float16))
    with pytest.raises(ModelError, match="another version"):
        StaticEmbedder(wrong)

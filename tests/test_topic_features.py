"""The features the topic models read: each unit against the rest of its document."""

from __future__ import annotations

import numpy as np
import pytest

from hygiene.detectors.topic_features import (
    COMMON,
    PARAGRAPH_FEATURES,
    SENTENCE_FEATURES,
    Units,
    _others_median,
    common_features,
    paragraph_features,
    register_scores,
    reported,
    sentence_features,
)

STORY = [
    "Harbour Board approves dredging of the Calder channel",
    "The Calder Harbour Board voted on Tuesday to dredge the main channel before the autumn.",
    "Dredging the Calder channel will cost $4 million, the Harbour Board said.",
    "Fishing crews said the Calder channel had silted up badly since the storms of 2019.",
    "Member States shall notify the Commission of any measure adopted under Article 12.",
    "The Harbour Board expects the dredgers to start work on the Calder channel in August.",
]
FOREIGN = 4  # the row that is not the story's


def units(texts: list[str], register: list[tuple[float, float]] | None = None) -> Units:
    """Rows of a document: the story's units share one direction, the foreign one another."""
    rng = np.random.default_rng(0)
    story, other = rng.standard_normal(16), rng.standard_normal(16)
    rows = []
    for i in range(len(texts)):
        v = (other if i == FOREIGN else story) + 0.3 * rng.standard_normal(16)
        rows.append(v / np.linalg.norm(v))
    vectors = np.array(rows)
    title = np.tile(vectors[0], (len(texts), 1))
    title[0] = vectors[1]
    proba = np.array(register or [(0.02, 0.01)] * len(texts), dtype=np.float64)
    return Units(texts, vectors, np.ones(len(texts)), proba, title)


def column(rows: np.ndarray, name: str, names: tuple[str, ...] = COMMON) -> np.ndarray:
    return rows[:, names.index(name)]


def test_others_median_is_the_median_of_the_other_rows() -> None:
    rng = np.random.default_rng(1)
    for n in range(1, 9):
        values = rng.integers(0, 4, n).astype(np.float64)
        expected = [np.median(np.delete(values, i)) for i in range(n)] if n > 1 else values
        assert np.allclose(_others_median(values), expected)


def test_the_foreign_unit_stands_apart_on_every_embedding_feature() -> None:
    rows = common_features(units(STORY))
    assert rows.shape == (len(STORY), len(COMMON))
    loo = column(rows, "loo")
    assert int(np.argmin(loo)) == FOREIGN
    assert column(rows, "is_lowest").tolist() == [float(i == FOREIGN) for i in range(len(STORY))]
    assert column(rows, "loo_rank")[FOREIGN] == 0.0
    gap = column(rows, "loo_gap")
    assert gap[FOREIGN] < -0.3 < min(np.delete(gap, FOREIGN))
    assert column(rows, "loo_z")[FOREIGN] < -2
    assert int(np.argmin(column(rows, "best"))) == FOREIGN
    assert int(np.argmin(column(rows, "title"))) == FOREIGN


def test_words_names_and_numbers_found_elsewhere() -> None:
    rows = common_features(units(STORY))
    words, names = column(rows, "words_shared"), column(rows, "names_shared")
    assert words[FOREIGN] < 0.2 and words[2] > 0.5
    # "Calder", "Harbour", "Board" recur; "Member", "States", "Commission", "Article" do not.
    assert names[FOREIGN] == 0.0 and names[2] == 1.0
    assert column(rows, "numbers_count")[2] > 0  # "$4 million"
    assert column(rows, "headline_like").tolist() == [1.0, 0, 0, 0, 0, 0]
    assert column(rows, "is_last").tolist() == [0, 0, 0, 0, 0, 1.0]


def test_register_is_compared_with_the_rest_of_the_document() -> None:
    register = [(0.02, 0.01)] * len(STORY)
    register[FOREIGN] = (0.97, 0.01)
    rows = common_features(units(STORY, register))
    assert column(rows, "legal")[FOREIGN] == pytest.approx(0.97)
    assert column(rows, "legal_background")[FOREIGN] == pytest.approx(0.02)
    # "shall", "Article 12": drafting markers of law, and none elsewhere.
    markers = column(rows, "legal_markers")
    assert markers[FOREIGN] > 0 and not np.delete(markers, FOREIGN).any()


def test_reported_speech_gets_the_documents_register() -> None:
    quoted = "“Member States shall notify the Commission,” the commissioner said."
    assert reported(quoted) and not reported(STORY[FOREIGN])
    texts = [*STORY[:FOREIGN], quoted, *STORY[FOREIGN + 1 :]]
    register = [(0.02, 0.01)] * len(STORY)
    register[FOREIGN] = (0.97, 0.01)
    rows = common_features(units(texts, register))
    assert column(rows, "legal")[FOREIGN] == column(rows, "legal_background")[FOREIGN]
    assert column(rows, "quote")[FOREIGN] == column(rows, "reporting")[FOREIGN] == 1.0


def test_level_features_have_their_models_columns() -> None:
    u = units(STORY)
    assert paragraph_features(u, [1] * len(STORY)).shape == (len(STORY), len(PARAGRAPH_FEATURES))
    owner = [0, 1, 1, 2, 2, 2]
    rows = sentence_features(u, owner, np.linspace(0.2, 0.8, 3))
    assert rows.shape == (len(STORY), len(SENTENCE_FEATURES))
    size = column(rows, "paragraph_size", SENTENCE_FEATURES)
    assert np.exp(size).round().tolist() == [1, 2, 2, 3, 3, 3]
    # The foreign sentence is the odd one of its paragraph, too.
    mates = column(rows, "paragraph_cos", SENTENCE_FEATURES)
    assert mates[FOREIGN] < min(mates[3], mates[5])
    assert column(rows, "paragraph_loo", SENTENCE_FEATURES).tolist() == [0.2, 0.5, 0.5] + [0.8] * 3


def test_the_register_rule_needs_a_quiet_document_and_a_unit_apart() -> None:
    register = [(0.02, 0.01)] * len(STORY)
    register[FOREIGN] = (0.97, 0.01)
    rows = common_features(units(STORY, register))
    scores = register_scores(rows, COMMON)
    assert scores[FOREIGN, 0] == pytest.approx(0.97)
    assert np.delete(scores, FOREIGN, axis=0).max() < 0.1
    # In a document mostly in legal language, a legal sentence is not foreign.
    rows = common_features(units(STORY, [(0.9, 0.01)] * len(STORY)))
    assert not register_scores(rows, COMMON)[:, 0].any()

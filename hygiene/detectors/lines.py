"""What a line of a page is: the learned line model behind the furniture rules.

The model gives every paragraph of a document a ``Verdict``: how likely it is
page furniture, which HY1xx rule it falls under, and why. It was trained on
real labelled pages (``scripts/train_line_model.py``) and is stored as JSON
run by ``hygiene.learn``, in four files:

- ``line-model.json``: gradient-boosted trees over ``FEATURES`` (the line's
  cues and shape, its place on the page, and how its MiniLM vector sits among
  the page's), giving the probability that the line is furniture;
- ``line-model-plain.json``: the same without the embedding features, for
  ``--embedder none``;
- ``line-direction.json``: a logistic regression on the line's vector alone,
  whose score is one of the embedding features;
- ``line-kinds.json``: a multinomial logistic regression that names the kind of
  a furniture line (byline, timestamp, caption, call to action, ...) when no
  hand-written cue does.

A line's vector is the length-weighted mean of its sentences' vectors, taken
from the shared embedder, so the off-topic detector gets the same sentences
from its cache.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hygiene.detectors.cues import line_cues
from hygiene.detectors.linefeatures import (
    CONTEXT,
    EMBEDDING,
    OWN,
    embedding_features,
    plain_features,
)
from hygiene.embed import DIM, Embedder
from hygiene.learn import LinearModel, TreeModel, load_model
from hygiene.segment import Segmented

if TYPE_CHECKING:
    from pathlib import Path

    from hygiene.detectors.linefeatures import Matrix

PLAIN: tuple[str, ...] = (*OWN, *CONTEXT)
FEATURES: tuple[str, ...] = (*PLAIN, *EMBEDDING, "direction")
VECTOR: tuple[str, ...] = tuple(f"v{i}" for i in range(DIM))
KINDS = ("HY101", "HY102", "HY103", "HY104", "HY105", "HY106", "HY107", "HY108")
MODEL_FILE = "line-model.json"
PLAIN_FILE = "line-model-plain.json"
DIRECTION_FILE = "line-direction.json"
KINDS_FILE = "line-kinds.json"
CUE_NAMES_RULE = 0.5  # a written cue this strong names the rule of a furniture line

# What a furniture line of each kind is, for a verdict no cue explains.
KIND_NAMES = {
    "HY101": "a byline or credit",
    "HY102": "a date or time line",
    "HY103": "media player residue",
    "HY104": "a photo caption",
    "HY105": "a call to action",
    "HY106": "comment section text",
    "HY107": "a tag list",
    "HY108": "navigation or a link to another story",
}


@dataclass(frozen=True)
class Verdict:
    score: float  # the cue's weight for a cue-explained line, else the model's probability
    code: str  # the HY1xx rule it falls under ("" when not furniture)
    reason: str
    learned: bool = False  # no hand-written cue backs it: the model's evidence alone
    furniture: bool = False  # the model's decision at its operating point


class LineModel(Protocol):
    """Judges the paragraphs of one document: a verdict each, with the model's
    decision. ``vectors`` (one row per paragraph) when it uses embeddings."""

    @property
    def uses_embeddings(self) -> bool: ...

    def predict(self, texts: Sequence[str], vectors: Matrix | None = None) -> list[Verdict]: ...


@dataclass(frozen=True)
class LearnedLineModel:
    """Furniture probabilities and kinds for the paragraphs of one document.

    The operating point has two thresholds, both in the model file: a line that a
    written cue explains is furniture when the model agrees (``cue_threshold``), any
    other line only when the model is all but certain (``threshold``).
    """

    trees: TreeModel
    kinds: LinearModel
    direction: LinearModel | None  # None: the plain variant, no embeddings
    threshold: float
    cue_threshold: float

    @property
    def uses_embeddings(self) -> bool:
        return self.direction is not None

    def features(self, texts: Sequence[str], vectors: Matrix | None = None) -> Matrix:
        """One row of the model's features per line."""
        import numpy as np

        own, plain = plain_features(texts)
        if self.direction is None:
            return plain
        if vectors is None:
            raise ValueError("this line model needs the lines' vectors")
        weights = np.array([len(t) for t in texts], dtype=np.float64)
        direction = _linear_proba(self.direction, vectors)
        return np.hstack([plain, embedding_features(vectors, own, weights), direction])

    def predict(self, texts: Sequence[str], vectors: Matrix | None = None) -> list[Verdict]:
        if not texts:
            return []
        x = self.features(texts, vectors)
        proba = self.trees.predict_proba(x)[:, 1]
        cued = x[:, PLAIN.index("cue_any")] >= CUE_NAMES_RULE
        # Only furniture needs a rule and a reason.
        return [
            self._verdict(text, float(p), row)
            if p >= (self.cue_threshold if has_cue else self.threshold)
            else Verdict(float(p), "", "")
            for text, p, row, has_cue in zip(texts, proba, x, cued, strict=True)
        ]

    def _verdict(self, text: str, p: float, row: Matrix) -> Verdict:
        """The rule a furniture line falls under: its strongest written cue names it,
        else the kind head; the reason says which, and the model's score."""
        cues = line_cues(text)
        if cues and cues[0].weight >= CUE_NAMES_RULE:
            # Scored by the cue it is flagged for; the model's agreement is in the reason.
            reason = f"{cues[0].reason} (line model {p:.4f})"
            return Verdict(cues[0].weight, cues[0].code, reason, furniture=True)
        kind = self.kinds.predict_proba(row[None, : len(PLAIN)])[0]
        code = self.kinds.classes[int(kind.argmax())]
        reason = f"{KIND_NAMES[code]}, {_where(row)} (line model {p:.4f})"
        return Verdict(p, code, reason, learned=True, furniture=True)


def _linear_proba(model: LinearModel, x: Matrix) -> Matrix:
    """A binary logistic regression's probabilities as one column, by elementwise
    products: ``model.predict_proba`` would take a matrix product, and one this
    small wakes numpy's BLAS threads, whose spinning slows the embedding model's."""
    import numpy as np

    z = (((x - model.mean) / model.scale) * model.coef[0]).sum(axis=1) + model.intercept[0]
    proba: Matrix = 1.0 / (1.0 + np.exp(-z))
    return proba[:, None]


def _where(row: Matrix) -> str:
    """Where a line sits on the page, in words, from its context features."""
    at = {name: float(row[len(OWN) + i]) for i, name in enumerate(CONTEXT)}
    if at["in_main_block"]:
        place = "inside the story's main text"
    elif at["log_before_block"] > 0:
        place = "above the story's main text"
    else:
        place = "below the story's main text"
    run = round(math.expm1(at["log_short_run"]))
    return f"{place}, in a run of {run} short lines" if run >= 3 else place


def load_line_model(embeddings: bool = True, folder: Path | None = None) -> LearnedLineModel:
    """The shipped line model (read once per process), with or without embeddings;
    ``folder`` reads the files from elsewhere (a model being trained or tried)."""
    if folder is None:
        return _shipped(embeddings)
    return _load(embeddings, folder)


@functools.cache
def _shipped(embeddings: bool) -> LearnedLineModel:
    return _load(embeddings, None)


def _load(embeddings: bool, folder: Path | None) -> LearnedLineModel:
    def path(name: str) -> Path | None:
        return None if folder is None else folder / name

    name = MODEL_FILE if embeddings else PLAIN_FILE
    trees = load_model(name, FEATURES if embeddings else PLAIN, path(name))
    kinds = load_model(KINDS_FILE, PLAIN, path(KINDS_FILE))
    direction = load_model(DIRECTION_FILE, VECTOR, path(DIRECTION_FILE)) if embeddings else None
    if not isinstance(trees, TreeModel) or not isinstance(kinds, LinearModel):
        raise TypeError("line model files of the wrong kind")
    if direction is not None and not isinstance(direction, LinearModel):
        raise TypeError("line direction file of the wrong kind")
    meta = trees.meta
    return LearnedLineModel(
        trees, kinds, direction, float(meta["threshold"]), float(meta["cue_threshold"])
    )


def line_vectors(seg: Segmented, embedder: Embedder) -> Matrix:
    """Each paragraph's vector: the length-weighted mean of its sentences' vectors."""
    import numpy as np

    pieces = [seg.sentences_of(p) or [p] for p in seg.paragraphs]
    texts = sorted({s.text for piece in pieces for s in piece})
    if not texts:
        return np.zeros((0, DIM))
    vectors = embedder.embed(texts).astype(np.float64)
    row = {text: i for i, text in enumerate(texts)}
    out = np.zeros((len(pieces), DIM))
    for i, piece in enumerate(pieces):
        for s in piece:
            out[i] += vectors[row[s.text]] * len(s.text)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    normalised: Matrix = out / np.clip(norms, 1e-12, None)
    return normalised

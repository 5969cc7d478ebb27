"""What a line of a page is: the learned line model behind the furniture rules.

The model gives every paragraph of a document a ``Verdict``: how likely it is
page furniture, which HY1xx rule it falls under, and why. It was trained on
real labelled pages (``scripts/train_line_model.py``) and is stored as JSON
run by ``hygiene.learn``, in four files:

- ``line-model.json``: gradient-boosted trees over ``FEATURES`` (the line's
  cues and shape, its place on the page, and how its vector sits among the
  page's), giving the probability that the line is furniture;
- ``line-model-plain.json``: the same without the embedding features, for
  ``--embedder none``;
- ``line-direction.json``: a logistic regression on the line's vector alone,
  whose score is one of the embedding features;
- ``line-kinds.json``: a multinomial logistic regression that names the kind of
  a furniture line (byline, timestamp, caption, call to action, ...) when no
  hand-written cue does.

A line's vector comes from the static embedder (``hygiene.embed.static``: the
sum of its tokens' vectors, a table lookup), so judging lines costs no
transformer time; a model trained on MiniLM vectors (``line_vectors`` in its
meta) takes the length-weighted mean of the line's sentences' vectors from the
shared embedder instead.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hygiene.detectors.cuemodel import cue_verdicts
from hygiene.detectors.cues import line_cues
from hygiene.detectors.glued import glued_furniture
from hygiene.detectors.linefeatures import (
    CONTEXT,
    EMBEDDING,
    OWN,
    embedding_features,
    plain_features,
)
from hygiene.detectors.synthetic import SyntheticLineModel
from hygiene.embed import DIM, Embedder
from hygiene.learn import LinearModel, TreeModel, load_model
from hygiene.segment import Segmented
from hygiene.sentences import split_sentences

if TYPE_CHECKING:
    from pathlib import Path

    from hygiene.detectors.linefeatures import Matrix
    from hygiene.embed.static import StaticEmbedder

PLAIN: tuple[str, ...] = (*OWN, *CONTEXT)
FEATURES: tuple[str, ...] = (*PLAIN, *EMBEDDING, "direction")
# Where a line's vector comes from, and its width: the static token-lookup embedder
# (cheap, the default) or MiniLM sentence vectors from the shared embedder.
VECTOR_SOURCES = {"static": 256, "minilm": DIM}
KINDS = ("HY101", "HY102", "HY103", "HY104", "HY105", "HY106", "HY107", "HY108")
MODEL_FILE = "line-model.json"
PLAIN_FILE = "line-model-plain.json"
DIRECTION_FILE = "line-direction.json"
KINDS_FILE = "line-kinds.json"
SYNTHETIC_FILE = "line-model-synthetic.json"
CUE_NAMES_RULE = 0.5  # a written cue this strong names the rule of a furniture line
# Below this score the model reads a line a call-to-action or caption cue flags as
# article text; when that furniture is glued to its start or end, it alone is flagged.
GLUED_BELOW = 0.5

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

    @property
    def vectors(self) -> str:
        """Where the lines' vectors come from: a key of VECTOR_SOURCES."""
        ...

    def predict(self, texts: Sequence[str], vectors: Matrix | None = None) -> list[Verdict]: ...


@dataclass(frozen=True)
class LearnedLineModel:
    """Furniture probabilities and kinds for the paragraphs of one document.

    The real-page model decides: a line is furniture when the model gives it
    ``threshold`` or more. The written cues (``hygiene.detectors.cuemodel``: cues
    combined, neighbours vouching) are among its features; a line they flag is named
    and explained by them, and is furniture at ``cue_threshold`` or more (the
    shipped model: the same threshold). A model file may keep the earlier decision
    for comparison: ``cue_threshold`` 0 lets every cue-flagged line through, and a
    ``synthetic_threshold`` lets a line the synthetic-page model flags through at that
    score (None: that model is not consulted).
    """

    trees: TreeModel
    kinds: LinearModel
    direction: LinearModel | None  # None: the plain variant, no embeddings
    threshold: float
    cue_threshold: float
    synthetic_threshold: float | None = None
    synthetic: SyntheticLineModel | None = None
    vectors: str = "static"  # a key of VECTOR_SOURCES

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
        earlier = self._earlier_path(texts)
        # Only furniture needs a rule and a reason.
        return [
            dataclasses.replace(before, reason=f"{before.reason} (line model {p:.4f})")
            if before is not None and p >= self._bar(before) and not _glued(before, text, p)
            else self._verdict(text, float(p), row)
            if p >= self.threshold
            else Verdict(float(p), "", "")
            for text, p, row, before in zip(texts, proba, x, earlier, strict=True)
        ]

    def _bar(self, before: Verdict) -> float:
        """The model's score a line the earlier path flags needs to stay furniture."""
        if before.learned and self.synthetic_threshold is not None:
            return self.synthetic_threshold
        return self.cue_threshold

    def _earlier_path(self, texts: Sequence[str]) -> list[Verdict | None]:
        """Per line, the verdict of the written cues (neighbours vouching), then of the
        line model of synthetic pages where it is consulted, when one flags it, else None."""
        cues = cue_verdicts(texts)
        if self.synthetic is None or self.synthetic_threshold is None:
            return [
                Verdict(c.score, c.code, c.reason, furniture=True) if c.flagged else None
                for c in cues
            ]
        judged = self.synthetic.judge(texts)
        out: list[Verdict | None] = []
        for cue, (p, code, reason) in zip(cues, judged, strict=True):
            if cue.flagged:
                out.append(Verdict(cue.score, cue.code, cue.reason, furniture=True))
            elif p >= self.synthetic.threshold:
                out.append(Verdict(p, code, reason, learned=True, furniture=True))
            else:
                out.append(None)
        return out

    def _verdict(self, text: str, p: float, row: Matrix) -> Verdict:
        """The rule of a line the model flags on its own evidence: its strongest written
        cue names it, else the kind head; the reason says which, and the model's score."""
        cues = line_cues(text)
        if cues and cues[0].weight >= CUE_NAMES_RULE:
            # Scored by the cue it is flagged for: corpus evidence (HY109) keeps its place.
            reason = f"{cues[0].reason} (line model {p:.4f})"
            return Verdict(cues[0].weight, cues[0].code, reason, furniture=True)
        kind = self.kinds.predict_proba(row[None, : len(PLAIN)])[0]
        code = self.kinds.classes[int(kind.argmax())]
        reason = f"{KIND_NAMES[code]}, {_where(row)} (line model {p:.4f})"
        return Verdict(p, code, reason, learned=True, furniture=True)


def _glued(before: Verdict, text: str, p: float) -> bool:
    """Whether a line a call-to-action or caption cue flags is story prose with the
    furniture glued to one end: the model reads the line as article, and the glued
    detector finds the furniture as a span of its own. A call to action: "... at peak
    hours. Sign up for our newsletter."; a credit: "... the utility said. About 2,000
    homes were still dark. (Nina Albrecht/AP)", after two sentences or more (one
    sentence and its credit are a caption, credit and all)."""
    if before.code not in ("HY104", "HY105") or p >= GLUED_BELOW:
        return False
    glued = glued_furniture(text)
    if not glued or before.code == "HY105":
        return bool(glued)
    return len(split_sentences(text[: glued[-1][0]])) >= 2


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


def vector_names(source: str) -> tuple[str, ...]:
    """The direction model's features: one per dimension of the source's vectors."""
    return tuple(f"v{i}" for i in range(VECTOR_SOURCES[source]))


def _load(embeddings: bool, folder: Path | None) -> LearnedLineModel:
    def path(name: str) -> Path | None:
        return None if folder is None else folder / name

    name = MODEL_FILE if embeddings else PLAIN_FILE
    trees = load_model(name, FEATURES if embeddings else PLAIN, path(name))
    kinds = load_model(KINDS_FILE, PLAIN, path(KINDS_FILE))
    if not isinstance(trees, TreeModel) or not isinstance(kinds, LinearModel):
        raise TypeError("line model files of the wrong kind")
    meta = trees.meta
    source = str(meta.get("line_vectors", "minilm"))
    if source not in VECTOR_SOURCES:
        raise TypeError(f"line model of unknown line vectors {source!r}")
    direction: LinearModel | None = None
    if embeddings:
        loaded = load_model(DIRECTION_FILE, vector_names(source), path(DIRECTION_FILE))
        if not isinstance(loaded, LinearModel):
            raise TypeError("line direction file of the wrong kind")
        direction = loaded
    threshold = float(meta["threshold"])
    # A model file without a cue threshold is one of the earlier decision (cues let through).
    cue_veto = float(meta.get("cue_threshold", 0.0))
    veto = meta.get("synthetic_threshold")
    if veto is None:
        return LearnedLineModel(trees, kinds, direction, threshold, cue_veto, vectors=source)
    synthetic = SyntheticLineModel.load(path(SYNTHETIC_FILE))
    return LearnedLineModel(
        trees, kinds, direction, threshold, cue_veto, float(veto), synthetic, source
    )


def line_vectors(seg: Segmented, embedder: Embedder, source: str = "static") -> Matrix:
    """Each paragraph's vector: from the static embedder (the sum of its tokens'
    vectors), or for ``minilm`` the length-weighted mean of its sentences' vectors
    from ``embedder``."""
    import numpy as np

    if source == "static":
        texts = [p.text for p in seg.paragraphs]
        if not texts:
            return np.zeros((0, VECTOR_SOURCES["static"]))
        return static_embedder().embed(texts).astype(np.float64)
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


@functools.cache
def static_embedder() -> StaticEmbedder:
    """The static embedder, its table loaded once per process."""
    from hygiene.embed.static import StaticEmbedder

    return StaticEmbedder()

"""HY1xx: page furniture lines (bylines, timestamps, captions, calls to action...).

The detector asks a *line model* for a verdict on every paragraph. The model is
pluggable: ``HeuristicLineModel`` combines the hand-written cues of
``hygiene.detectors.cues``; a learned classifier implements the same
``predict`` and takes its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from hygiene.detectors import finding_for
from hygiene.detectors.cues import LineShape, line_cues, looks_like_name
from hygiene.findings import Finding
from hygiene.segment import Segmented


@dataclass(frozen=True)
class LineContext:
    """One paragraph as the line model sees it: its text and its surroundings."""

    text: str
    index: int
    total: int
    prev: str | None
    next: str | None

    @property
    def position(self) -> float:
        """0.0 at the first paragraph, 1.0 at the last."""
        return self.index / max(self.total - 1, 1)


@dataclass(frozen=True)
class Verdict:
    score: float  # probability-like, 0..1
    code: str  # the HY1xx rule it falls under
    reason: str
    learned: bool = False  # from the learned line model's place-on-the-page evidence alone


class LineModel(Protocol):
    """Scores paragraphs of one document as page furniture."""

    threshold: float

    def predict(self, lines: Sequence[LineContext]) -> list[Verdict]: ...


def contexts(seg: Segmented) -> list[LineContext]:
    paras = [p.text for p in seg.paragraphs]
    n = len(paras)
    return [
        LineContext(text, i, n, paras[i - 1] if i else None, paras[i + 1] if i + 1 < n else None)
        for i, text in enumerate(paras)
    ]


class HeuristicLineModel:
    """Cues combined by noisy-OR, then a pass that lets furniture vouch for its neighbours.

    Furniture comes in clusters (a name between a caption and "Updated:"), so a
    short label or a weak cue counts when the lines around it are furniture.
    """

    threshold = 0.5
    weak = 0.25  # a weak cue plus one furniture neighbour is enough

    def predict(self, lines: Sequence[LineContext]) -> list[Verdict]:
        verdicts = [self._own(line) for line in lines]
        for _ in range(3):
            changed = False
            for i, line in enumerate(lines):
                if verdicts[i].score >= self.threshold or i == 0:
                    continue
                better = self._from_neighbours(line, verdicts, i)
                if better is not None:
                    verdicts[i] = better
                    changed = True
            if not changed:
                break
        return verdicts

    def _own(self, line: LineContext) -> Verdict:
        cues = line_cues(line.text)
        if not cues:
            return Verdict(0.0, "", "")
        miss = 1.0
        for cue in cues:
            miss *= 1.0 - cue.weight
        top = cues[0]
        return Verdict(1.0 - miss, top.code, top.reason)

    def _from_neighbours(
        self, line: LineContext, verdicts: list[Verdict], i: int
    ) -> Verdict | None:
        before = i > 0 and verdicts[i - 1].score >= self.threshold
        after = i + 1 < len(verdicts) and verdicts[i + 1].score >= self.threshold
        own = verdicts[i]
        if own.score >= self.weak and (before or after):
            return Verdict(0.55, own.code, f"{own.reason}, next to other page furniture")
        shape = LineShape.of(line.text)
        label = shape.n_words <= 4 and len(shape.text) <= 40 and not shape.terminal
        if not label:
            return None
        if before and verdicts[i - 1].code == "HY107":
            return Verdict(0.55, "HY107", "an item of the tag list above")
        if before and after:
            if looks_like_name(shape):
                return Verdict(0.55, "HY101", "a bare name between other page furniture lines")
            return Verdict(0.55, "HY108", "a short label between other page furniture lines")
        return None


VERDICTS = "furniture-verdicts"


def default_line_model() -> LineModel:
    """The heuristic cues joined by the learned line model (a missing model file is
    an error, never a quieter detector)."""
    from hygiene.detectors.linemodel import JointLineModel, LearnedLineModel

    return JointLineModel(LearnedLineModel.load())


def furniture_flags(seg: Segmented) -> list[Verdict | None]:
    """Per paragraph, its furniture verdict when it is furniture, else None.

    Reuses what the furniture detector computed for this document; other
    detectors (the related-tail detector) read page structure from it.
    """
    cached = seg.derived.get(VERDICTS)
    if not isinstance(cached, _Verdicts):
        model = default_line_model()
        cached = _Verdicts(model.predict(contexts(seg)), model.threshold)
        seg.derived[VERDICTS] = cached
    return [v if v.score >= cached.threshold else None for v in cached.verdicts]


@dataclass(frozen=True)
class _Verdicts:
    verdicts: list[Verdict]
    threshold: float


class FurnitureDetector:
    name = "furniture"
    codes: tuple[str, ...] = tuple(f"HY10{i}" for i in range(1, 9))

    def __init__(self, model: LineModel | None = None) -> None:
        self.model: LineModel = model or default_line_model()

    def detect(self, seg: Segmented) -> list[Finding]:
        verdicts = self.model.predict(contexts(seg))
        seg.derived[VERDICTS] = _Verdicts(verdicts, self.model.threshold)
        return [
            finding_for(v.code, para, v.score, v.reason)
            for para, v in zip(seg.paragraphs, verdicts, strict=True)
            if v.score >= self.model.threshold
        ]

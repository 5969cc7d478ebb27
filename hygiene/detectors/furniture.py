"""HY1xx: page furniture lines (bylines, timestamps, captions, calls to action...).

The detector asks a *line model* (``hygiene.detectors.lines``) for a verdict on
every paragraph and flags those it places among page furniture. The verdicts
stay with the segmented document, so the related-tail detector reads page
structure from them without asking again.
"""

from __future__ import annotations

from dataclasses import dataclass

from hygiene.detectors.lines import JointLineModel, LearnedLineModel, LineModel, Verdict, contexts
from hygiene.findings import Finding, finding
from hygiene.segment import Segmented

VERDICTS = "furniture-verdicts"


def default_line_model() -> LineModel:
    """The heuristic cues joined by the learned line model (a missing model file is
    an error, never a quieter detector)."""
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
            finding(v.code, para, v.score, v.reason)
            for para, v in zip(seg.paragraphs, verdicts, strict=True)
            if v.score >= self.model.threshold
        ]

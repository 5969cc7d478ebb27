"""Score stage: detectors turn a segmented document into findings.

A detector is anything with a ``name``, the rule ``codes`` it may emit and a
``detect`` method. Detectors know nothing of output formats or of each other;
the decide stage resolves overlaps between them.
"""

from __future__ import annotations

from typing import Protocol

from hygiene.findings import Finding
from hygiene.segment import Segmented


class Detector(Protocol):
    name: str
    codes: tuple[str, ...]

    def detect(self, seg: Segmented) -> list[Finding]: ...


def default_detectors(
    embedder: str = "onnx", include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> list[Detector]:
    """The detectors a plain run uses, cheapest first: only those with a selected
    rule are built, so an unselected detector's model is never loaded or required.

    ``embedder`` picks the embedding backend of the line model and the topic
    detector: the fast int8 ONNX path, the sentence-transformers reference, or
    ``none`` for the line model trained without embeddings and no topic detector.
    """
    from hygiene.decide import selected
    from hygiene.detectors.furniture import FurnitureDetector
    from hygiene.detectors.repeated import RepeatedParagraphDetector
    from hygiene.detectors.tail import RelatedTailDetector

    def wanted(codes: tuple[str, ...]) -> bool:
        return any(selected(code, include, exclude) for code in codes)

    vectors = None
    if embedder != "none":
        from hygiene.embed.shared import LazyEmbedder

        vectors = LazyEmbedder(embedder)
    detectors: list[Detector] = []
    if wanted(RepeatedParagraphDetector.codes):
        detectors.append(RepeatedParagraphDetector())
    if wanted(FurnitureDetector.codes):
        detectors.append(FurnitureDetector(embedder=vectors))
    if wanted(RelatedTailDetector.codes):
        detectors.append(RelatedTailDetector(embedder=vectors))
    if vectors is not None:
        from hygiene.detectors.topic import TopicDetector

        if wanted(TopicDetector.codes):
            detectors.append(TopicDetector(embedder=vectors))
    return detectors

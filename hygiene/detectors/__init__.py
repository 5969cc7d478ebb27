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

    ``embedder`` picks the embedding backend of the topic detector: the fast
    int8 ONNX path, the sentence-transformers reference, or ``none`` to skip
    the detectors that need embeddings.
    """
    from hygiene.decide import selected
    from hygiene.detectors.furniture import FurnitureDetector
    from hygiene.detectors.repeated import RepeatedParagraphDetector
    from hygiene.detectors.tail import RelatedTailDetector

    def wanted(codes: tuple[str, ...]) -> bool:
        return any(selected(code, include, exclude) for code in codes)

    detectors: list[Detector] = [
        kind()
        for kind in (RepeatedParagraphDetector, FurnitureDetector, RelatedTailDetector)
        if wanted(kind.codes)
    ]
    if embedder != "none":
        from hygiene.detectors.topic import TopicDetector

        if wanted(TopicDetector.codes):
            from hygiene.embed.shared import LazyEmbedder

            detectors.append(TopicDetector(embedder=LazyEmbedder(embedder)))
    return detectors

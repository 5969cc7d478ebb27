"""The per-document data flow: segment -> score -> decide.

``Pipeline.analyze`` takes a document segmented once by its caller (the batch
worker also hands the same ``Segmented`` to the corpus decisions), runs every
selected detector over it and resolves their findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hygiene.decide import resolve, select, selected
from hygiene.detectors import Detector, default_detectors
from hygiene.document import FileResult
from hygiene.findings import Finding
from hygiene.segment import Segmented


@dataclass
class Pipeline:
    detectors: Sequence[Detector] = field(default_factory=default_detectors)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A detector none of whose rules is selected is not run (nor its model loaded).
        self.detectors = [
            d
            for d in self.detectors
            if any(selected(code, self.include, self.exclude) for code in d.codes)
        ]

    def analyze(self, seg: Segmented) -> FileResult:
        found: list[Finding] = []
        for detector in self.detectors:
            found.extend(detector.detect(seg))
        return FileResult(seg.doc, resolve(select(found, self.include, self.exclude)))

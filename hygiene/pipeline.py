"""The data flow: read -> segment -> score -> decide, one document at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from hygiene.decide import resolve, select, selected
from hygiene.detectors import Detector, default_detectors
from hygiene.document import Document
from hygiene.findings import Finding
from hygiene.read import ReadError
from hygiene.segment import segment


@dataclass(frozen=True)
class FileResult:
    doc: Document
    findings: list[Finding]

    @property
    def flagged_chars(self) -> int:
        covered = 0
        reach = 0
        for f in self.findings:  # sorted, possibly overlapping
            start = max(f.start, reach)
            if f.end > start:
                covered += f.end - start
                reach = f.end
        return covered


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

    def analyze(self, doc: Document) -> FileResult:
        seg = segment(doc)
        found: list[Finding] = []
        for detector in self.detectors:
            found.extend(detector.detect(seg))
        return FileResult(doc, resolve(select(found, self.include, self.exclude)))

    def run(self, items: Iterable[Document | ReadError]) -> Iterator[FileResult | ReadError]:
        for item in items:
            yield item if isinstance(item, ReadError) else self.analyze(item)

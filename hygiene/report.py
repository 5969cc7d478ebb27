"""The report: per-file findings, read errors, clusters and a summary.

``to_json`` is the ``hygiene/1`` contract documented in the README. Keys and
order are stable and output is deterministic.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from hygiene.batch.spool import Spool
from hygiene.corpus.neardup import Cluster
from hygiene.document import FileResult, ReadError

SCHEMA = "hygiene/1"


@dataclass
class Report:
    # A list, or a Spool on disk for a corpus: renderers iterate, in order, and count.
    files: list[FileResult] | Spool[FileResult] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    # The settings and model thresholds the findings were made with (for people).
    thresholds: dict[str, object] = field(default_factory=dict)

    @property
    def n_findings(self) -> int:
        return sum(len(r.findings) for r in self.files)

    def summary(self) -> dict[str, object]:
        by_rule = Counter(f.code for r in self.files for f in r.findings)
        by_category = Counter(f.category.value for r in self.files for f in r.findings)
        chars = sum(len(r.doc.text) for r in self.files)
        flagged = sum(r.flagged_chars for r in self.files)
        return {
            "files": len(self.files),
            "files_with_findings": sum(1 for r in self.files if r.findings),
            "findings": self.n_findings,
            "errors": len(self.errors),
            "by_rule": dict(sorted(by_rule.items())),
            "by_category": dict(sorted(by_category.items())),
            "chars": chars,
            "chars_flagged": flagged,
            "flagged_share": round(flagged / chars, 4) if chars else 0.0,
        }

    def iter_json(self) -> Iterator[str]:
        """``json.dumps(self.to_json(), ensure_ascii=False, indent=2)``, a file at a time:
        a corpus report need not fit in memory."""
        yield '{\n  "schema": ' + _dumps(SCHEMA, 2)
        lists: dict[str, Iterable[object]] = {
            "files": (file_json(r) for r in self.files),
            "clusters": (c.to_json() for c in self.clusters),
            "errors": (e.to_json() for e in self.errors),
        }
        for key, items in lists.items():
            head = f',\n  "{key}": ['
            before = head + "\n    "
            for item in items:
                yield before + _dumps(item, 4)
                before = ",\n    "
            yield head + "]" if before.startswith(head) else "\n  ]"
        yield ',\n  "summary": ' + _dumps(self.summary(), 2) + "\n}"

    def to_json(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "files": [file_json(r) for r in self.files],
            "clusters": [c.to_json() for c in self.clusters],
            "errors": [e.to_json() for e in self.errors],
            "summary": self.summary(),
        }


def _dumps(value: object, depth: int) -> str:
    """A value as ``json.dumps(..., indent=2)`` writes it ``depth`` spaces in (JSON
    strings hold no raw line breaks, so every line break is indentation)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * depth)


def file_json(result: FileResult) -> dict[str, object]:
    doc = result.doc
    entry: dict[str, object] = {"path": doc.path}
    if doc.record_line is not None:
        entry["id"] = doc.id.removeprefix(f"{doc.path}#")
        entry["record_line"] = doc.record_line
    entry["findings"] = [f.to_json() for f in result.findings]
    return entry

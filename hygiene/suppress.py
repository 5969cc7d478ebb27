"""Ways to accept findings without touching article text.

- ``min-severity``: findings under it are not reported;
- ``per-file-ignores``: rule codes ignored for paths matching a glob;
- a directive in Markdown or HTML files, ``<!-- hygiene: ignore HY105 -->`` (or
  ``ignore`` alone, for every rule), for the block right after it;
- a baseline: today's findings by content fingerprint, so that an archive that
  already has junk can adopt the hook and fail only on new findings. A
  fingerprint is the path, the rule and the flagged text normalised, so it
  survives lines moving around.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hygiene.config import DEFAULTS, SEVERITIES
from hygiene.document import FileResult
from hygiene.findings import Finding
from hygiene.read import path_matches, relative_path
from hygiene.rules import RULES, matches
from hygiene.text import normalise

BASELINE_SCHEMA = "hygiene-baseline/1"
_DIRECTIVE = re.compile(r"<!--\s*hygiene:\s*ignore\b([^>]*?)-->", re.IGNORECASE)
_DIRECTIVE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
# A blank line ends a block, as in segment.py: it may hold spaces or a "\r" (CRLF files).
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


@dataclass(frozen=True)
class Suppression:
    """What a run does not report, from its settings; picklable, part of the job."""

    min_severity: str = DEFAULTS["min-severity"]
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, codes)
    root: str = "."  # what the globs are relative to: the config file's folder

    @classmethod
    def from_table(
        cls, min_severity: str, table: Mapping[str, Sequence[str]], root: Path
    ) -> Suppression:
        ignores = tuple((glob, tuple(codes)) for glob, codes in table.items())
        return cls(min_severity, ignores, str(root))

    def apply(self, result: FileResult) -> FileResult:
        """The result without findings under min-severity, per-file-ignored, or in a
        block an ignore directive exempts."""
        floor = SEVERITIES.index(self.min_severity)
        table = dict(self.per_file_ignores)
        root = Path(self.root)
        spans = directive_spans(result.doc.text, result.doc.path)
        kept = [
            f
            for f in result.findings
            if SEVERITIES.index(RULES[f.code].severity) >= floor
            and not per_file_ignored(result.doc.path, f.code, table, root)
            and not exempt_by_directive(f, spans)
        ]
        return result if len(kept) == len(result.findings) else FileResult(result.doc, kept)


def per_file_ignored(path: str, code: str, table: Mapping[str, Sequence[str]], root: Path) -> bool:
    return any(
        path_matches(path, glob, root) and matches(code, tuple(codes))
        for glob, codes in table.items()
    )


Exempt = tuple[int, int, tuple[str, ...] | None]


def directive_spans(text: str, path: str) -> list[Exempt]:
    """(start, end, codes) of the blocks that directives exempt; no codes = all rules.

    codes None marks a directive comment itself: a finding inside it is exempt from
    every rule, since the comment is markup, not text, and flagging it (then cutting
    it with --fix) would undo the directive."""
    if not path.lower().endswith(_DIRECTIVE_SUFFIXES):
        return []
    out: list[Exempt] = []
    for m in _DIRECTIVE.finditer(text):
        codes = tuple(c.upper() for c in re.findall(r"HY\d+", m.group(1), re.IGNORECASE))
        out.append((m.start(), m.end(), None))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
        blank = _BLANK_LINE.search(text, start)
        out.append((start, len(text) if blank is None else blank.start(), codes))
    return out


def exempt_by_directive(f: Finding, spans: Iterable[Exempt]) -> bool:
    return any(
        start <= f.start and f.end <= end
        if codes is None
        else start <= f.start < end and (not codes or matches(f.code, codes))
        for start, end, codes in spans
    )


def fingerprint(path: str, f: Finding, text: str, root: Path) -> str:
    body = normalise(text[f.start : f.end])
    raw = f"{relative_path(path, root)}\0{f.code}\0{body}"
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def write_baseline(results: Sequence[FileResult], path: Path, root: Path) -> int:
    prints = sorted(fingerprint(r.doc.id, f, r.doc.text, root) for r in results for f in r.findings)
    from hygiene.atomic import write_text

    data = {"schema": BASELINE_SCHEMA, "fingerprints": prints}
    write_text(path, json.dumps(data, indent=1) + "\n")
    return len(prints)


def load_baseline(path: Path) -> Counter[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read baseline {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
        raise ValueError(f"{path} is not a {BASELINE_SCHEMA} file")
    return Counter(data.get("fingerprints", []))


def without_baseline(
    results: Sequence[FileResult], baseline: Counter[str], root: Path
) -> list[FileResult]:
    """Results less the findings the baseline already holds (each print once per copy)."""
    left = Counter(baseline)
    out = []
    for r in results:
        kept = []
        for f in r.findings:
            key = fingerprint(r.doc.id, f, r.doc.text, root)
            if left[key] > 0:
                left[key] -= 1
            else:
                kept.append(f)
        out.append(FileResult(r.doc, kept))
    return out

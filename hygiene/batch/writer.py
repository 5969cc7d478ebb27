"""Writing cleaned copies and the removal manifest, atomically, never into inputs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from hygiene.atomic import AtomicFile
from hygiene.batch.outdir import OutDir, is_environment_error
from hygiene.batch.state import JobState
from hygiene.batch.worker import Analysed
from hygiene.document import Document, FileResult, ReadError
from hygiene.errors import OutputUnavailable, describe
from hygiene.findings import Finding
from hygiene.fix import Removal, apply_removals, plan_removals
from hygiene.read import MANIFEST_NAME, STDIN

MANIFEST = MANIFEST_NAME


class OutputConflict(Exception):
    """The output folder would overlap the inputs."""


@dataclass
class CleanStats:
    files: int = 0  # documents written (cleaned or copied)
    removals: int = 0
    removed_chars: int = 0
    dropped: int = 0  # near-duplicates left out of the output
    skipped: int = 0  # inputs that could not be read or written
    copied: int = 0  # documents that could not be analysed (time limit), copied unchanged


class CleanWriter:
    """Receives analysed documents in input order and writes the cleaned corpus.

    Text files are written as they come (each atomically). JSONL records and
    manifest entries go to the job's part files, one per shard of documents, each
    committed whole; ``__exit__`` assembles them into the JSONL outputs and the
    manifest. A job killed at any moment leaves only whole files, and a restart
    redoes at most the shard it was in (see hygiene.batch.state).
    """

    def __init__(
        self,
        out_dir: str,
        inputs: Sequence[str],
        text_field: str = "text",
        *,
        annotate: bool = False,
        state: JobState | None = None,
    ) -> None:
        self.out = Path(out_dir).resolve()
        self.text_field = text_field
        self.annotate = annotate
        _check_no_overlap(self.out, inputs)
        self.manifest_path = self.out / MANIFEST
        self.stats = CleanStats()
        self.state = state or JobState(self.out)
        self.dir: OutDir = self.state.out
        self._owners: dict[str, str] = {}  # output relpath -> the input that writes it
        self._next = 0
        self._shard = -1
        self._part: list[dict[str, object]] = []

    def __enter__(self) -> CleanWriter:
        if not self.state.started:
            self.state.begin("", restart=True)
        for entry in self.state.read_parts():  # a resumed job: outputs already claimed
            if "out" in entry:
                self._owners.setdefault(str(entry["out"]), str(entry["path"]))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self._commit_part()
            self.stats = self._assemble()
            self.state.clear()

    def add(
        self, item: FileResult | ReadError | Analysed, ordinal: int | None = None
    ) -> ReadError | None:
        """Write one document; a ReadError (given or met while writing) is returned."""
        analysed = item if isinstance(item, Analysed) else Analysed(item)
        ordinal = self._next if ordinal is None else ordinal
        self._next = ordinal + 1
        shard = self.state.shard_of(ordinal)
        if shard != self._shard:
            self._commit_part()
            self._shard = shard
        entry, error = self._entry(analysed)
        entry["o"] = ordinal
        self._part.append(entry)
        return error

    def _entry(self, analysed: Analysed) -> tuple[dict[str, object], ReadError | None]:
        item = analysed.item
        if isinstance(item, ReadError):
            return _skipped(item.path, item.message), item
        doc = item.doc
        owner = self._owners.setdefault(doc.relpath, doc.path)
        if owner != doc.path:
            error = ReadError(doc.id, f"another input already writes {doc.relpath!r} ({owner})")
            return _skipped(doc.id, error.message), error
        dup = next((f for f in item.findings if f.code == "HY311"), None)
        if dup is not None and analysed.problem is None:
            return {"kind": "dropped", "manifest": [_dropped(doc, dup)]}, None
        findings = [] if analysed.problem else item.findings
        removals = plan_removals(doc.text, findings)
        cleaned = apply_removals(doc.text, removals)
        manifest = [_removed(doc, r) for r in removals]
        if analysed.problem:
            manifest = [_copied(doc, analysed.problem)]
        try:
            entry = self._write(item, cleaned)
        except OSError as exc:
            if is_environment_error(exc):  # no other document could be written either
                raise OutputUnavailable(_stopped(self.out, exc)) from exc
            error = ReadError(doc.id, f"cannot write cleaned copy: {describe(exc)}")
            return _skipped(doc.id, error.message), error
        entry["manifest"] = manifest
        if analysed.problem:
            return entry, ReadError(doc.id, analysed.problem + "; copied unchanged")
        return entry, None

    def _write(self, result: FileResult, cleaned: str) -> dict[str, object]:
        doc = result.doc
        if doc.record is None:
            self.dir.write_text(doc.relpath, cleaned, bom=doc.bom)
            return {"kind": "file", "path": doc.path, "out": doc.relpath}
        record = dict(doc.record)
        record[self.text_field] = cleaned
        if self.annotate:
            record["hygiene"] = {"findings": [f.to_json() for f in result.findings]}
        line = json.dumps(record, ensure_ascii=False)
        return {"kind": "record", "path": doc.path, "out": doc.relpath, "record": line}

    def _commit_part(self) -> None:
        if self._part:
            self.state.write_part(self._shard, self._part)
        self._part = []

    def _assemble(self) -> CleanStats:
        """The JSONL outputs and the manifest, from every part, in input order."""
        try:
            return self._assemble_parts()
        except OSError as exc:
            raise OutputUnavailable(_stopped(self.out, exc)) from exc

    def _assemble_parts(self) -> CleanStats:
        stats = CleanStats()
        manifest = self.dir.atomic(MANIFEST)
        current: tuple[str, AtomicFile] | None = None
        try:
            for entry in self.state.read_parts():
                kind = entry["kind"]
                if kind == "record":
                    out = str(entry["out"])
                    if current is None or current[0] != out:
                        if current is not None:
                            current[1].commit()
                        current = (out, self.dir.atomic(out))
                    current[1].fh.write(str(entry["record"]) + "\n")
                stats.files += kind in ("file", "record")
                stats.dropped += kind == "dropped"
                stats.skipped += kind == "skipped"
                stats.copied += any(m["action"] == "copied" for m in entry["manifest"])
                for m in entry.get("manifest", ()):
                    manifest.fh.write(json.dumps(m, ensure_ascii=False) + "\n")
                    if m["action"] == "removed":
                        stats.removals += 1
                        stats.removed_chars += m["end"] - m["start"]
            if current is not None:
                current[1].commit()
                current = None
            manifest.commit()
        except BaseException:
            if current is not None:
                current[1].discard()
            manifest.discard()
            raise
        return stats


def _stopped(out: Path, exc: OSError) -> str:
    return (
        f"cannot write to --out {out}: {describe(exc)}; what was written is whole: "
        "run the same command again to resume"
    )


def _doc_fields(doc: Document) -> dict[str, object]:
    fields: dict[str, object] = {"path": doc.path}
    if doc.record is not None:
        fields["id"] = doc.id.removeprefix(f"{doc.path}#")
    fields["out"] = doc.relpath
    return fields


def _removed(doc: Document, r: Removal) -> dict[str, object]:
    f = r.finding
    return {
        "action": "removed",
        **_doc_fields(doc),
        "start": r.start,
        "end": r.end,
        "line": f.line,
        "end_line": f.end_line,
        "rule": f.code,
        "category": f.category.value,
        "score": round(f.score, 4),
        "message": f.message,
        "text": r.text,
    }


def _dropped(doc: Document, f: Finding) -> dict[str, object]:
    """A near-duplicate left out: the whole text goes to the manifest, so nothing is lost."""
    return {
        "action": "dropped",
        **_doc_fields(doc),
        "rule": f.code,
        "category": f.category.value,
        "score": round(f.score, 4),
        "message": f.message,
        "text": doc.text,
    }


def _copied(doc: Document, problem: str) -> dict[str, object]:
    return {"action": "copied", **_doc_fields(doc), "message": problem + "; copied unchanged"}


def _skipped(path: str, message: str) -> dict[str, object]:
    return {
        "kind": "skipped",
        "manifest": [{"action": "skipped", "path": path, "message": message}],
    }


def _check_no_overlap(out: Path, inputs: Sequence[str]) -> None:
    for raw in inputs:
        if raw == STDIN:
            continue
        src = Path(raw).resolve()
        if src == out or (src.is_dir() and out.is_relative_to(src)):
            raise OutputConflict(
                f"--out {out} is inside the input {raw}; choose a folder outside it"
            )
        if src.is_relative_to(out):
            raise OutputConflict(f"input {raw} is inside --out {out}; choose another output folder")

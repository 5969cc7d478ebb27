"""Writing cleaned copies and the removal manifest, atomically, never into inputs."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from hygiene.clean import Removal, apply_removals, plan_removals
from hygiene.document import Document
from hygiene.pipeline import FileResult
from hygiene.read import MANIFEST_NAME, STDIN, ReadError

MANIFEST = MANIFEST_NAME


class OutputConflict(Exception):
    """The output folder would overlap the inputs."""


def _file_mode(target: Path) -> int:
    """The target's own mode when it exists, else what the umask gives a new file
    (mkstemp's temp files are 0600, which a cleaned copy should not inherit)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: str | Path, text: str, *, bom: bool = False) -> None:
    """Write text exactly (no newline translation) via a temp file and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(("\ufeff" if bom else "") + text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class CleanStats:
    files: int = 0
    removals: int = 0
    removed_chars: int = 0


class _AtomicFile:
    """A text file that appears under its name only when committed."""

    def __init__(self, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.target = target
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def commit(self) -> None:
        self.fh.close()
        os.chmod(self.tmp, _file_mode(self.target))
        os.replace(self.tmp, self.target)

    def discard(self) -> None:
        self.fh.close()
        Path(self.tmp).unlink(missing_ok=True)


class CleanWriter:
    """Receives pipeline results in input order and writes cleaned copies."""

    def __init__(self, out_dir: str, inputs: Sequence[str], text_field: str = "text") -> None:
        self.out = Path(out_dir).resolve()
        self.text_field = text_field
        _check_no_overlap(self.out, inputs)
        self.manifest_path = self.out / MANIFEST
        self.stats = CleanStats()
        self._written: set[str] = set()
        self._manifest: _AtomicFile | None = None
        self._jsonl: tuple[str, _AtomicFile] | None = None  # open JSONL output

    def __enter__(self) -> CleanWriter:
        self._manifest = _AtomicFile(self.manifest_path)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._manifest is not None
        if kind is None:
            self._close_jsonl()
            self._manifest.commit()
        else:
            if self._jsonl:
                self._jsonl[1].discard()
            self._manifest.discard()

    def add(self, item: FileResult | ReadError) -> ReadError | None:
        """Write one result; a ReadError (given or met while writing) is returned."""
        if isinstance(item, ReadError):
            return item
        doc = item.doc
        removals = plan_removals(doc.text, item.findings)
        cleaned = apply_removals(doc.text, removals)
        try:
            if doc.record is not None:
                self._write_record(doc, cleaned)
            else:
                self._close_jsonl()
                self._write_file(doc, cleaned)
        except (OSError, OutputConflict) as exc:
            return ReadError(doc.id, f"cannot write cleaned copy: {exc}")
        self._log(doc, removals)
        return None

    def _claim(self, relpath: str, owner: str) -> Path:
        if relpath in self._written:
            raise OutputConflict(f"another input already wrote {relpath!r} (from {owner})")
        self._written.add(relpath)
        return self.out / relpath

    def _write_file(self, doc: Document, cleaned: str) -> None:
        target = self._claim(doc.relpath, doc.path)
        atomic_write(target, cleaned, bom=doc.bom)

    def _write_record(self, doc: Document, cleaned: str) -> None:
        if self._jsonl is None or self._jsonl[0] != doc.path:
            self._close_jsonl()
            self._jsonl = (doc.path, _AtomicFile(self._claim(doc.relpath, doc.path)))
        assert doc.record is not None
        record = dict(doc.record)
        record[self.text_field] = cleaned
        self._jsonl[1].fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _close_jsonl(self) -> None:
        if self._jsonl is not None:
            self._jsonl[1].commit()
            self._jsonl = None

    def _log(self, doc: Document, removals: list[Removal]) -> None:
        assert self._manifest is not None
        self.stats.files += 1
        for r in removals:
            f = r.finding
            entry: dict[str, object] = {"path": doc.path}
            if doc.record is not None:
                entry["id"] = doc.id.removeprefix(f"{doc.path}#")
            entry.update(
                {
                    "out": doc.relpath,
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
            )
            self._manifest.fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.stats.removals += 1
            self.stats.removed_chars += r.end - r.start


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

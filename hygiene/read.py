"""Read stage: turn paths (files, folders, JSONL, stdin) into Documents.

Every problem with an input becomes a ``ReadError`` naming it; reading goes on
with the rest. Text is decoded as UTF-8 without newline translation so that
offsets match the bytes on disk (a leading BOM is dropped and remembered).
"""

from __future__ import annotations

import fnmatch
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, cast

from hygiene.config import DEFAULTS
from hygiene.document import Document, ReadError

DEFAULT_GLOBS: tuple[str, ...] = tuple(DEFAULTS["include"])
JSONL_SUFFIXES: tuple[str, ...] = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
DEFAULT_MAX_BYTES: int = DEFAULTS["max-bytes"]
STDIN = "-"
MANIFEST_NAME = "hygiene-manifest.jsonl"
# Files hygiene itself writes; a folder walk never reads them back as articles.
OWN_OUTPUTS = frozenset({MANIFEST_NAME})
_BOM = "\ufeff"
# Bytes that never occur in text; one of them in the first block means binary.
_BINARY_BYTE = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass(frozen=True)
class ReadOptions:
    globs: tuple[str, ...] = DEFAULT_GLOBS
    text_field: str = DEFAULTS["text-field"]
    id_field: str = DEFAULTS["id-field"]
    date_field: str = "date"
    max_bytes: int = DEFAULT_MAX_BYTES
    exclude: tuple[str, ...] = ()  # globs of files to leave out (config: exclude)
    root: str = "."  # what exclude globs are relative to: the config file's folder


@dataclass(frozen=True)
class Source:
    """One input file (or stdin) that yields documents: a text file gives one, a
    JSONL file one per record. Engines hand sources to workers, which read them."""

    path: str  # as shown in messages; "<stdin>" for standard input
    relpath: str  # where its cleaned copy goes under an output folder

    @property
    def is_stdin(self) -> bool:
        return self.path == "<stdin>"


def iter_sources(
    paths: Sequence[str], options: ReadOptions | None = None
) -> Iterator[Source | ReadError]:
    """The files behind the given paths (folders walked), in a deterministic order."""
    opts = options or ReadOptions()
    for raw in paths:
        if raw == STDIN:
            yield Source("<stdin>", "stdin.txt")
            continue
        path = Path(raw)
        if path.is_dir():
            for file in _walk(path, opts.globs):
                if not _excluded(str(file), opts):
                    yield Source(str(file), file.relative_to(path).as_posix())
        elif path.exists() or path.is_symlink():
            if not _excluded(str(path), opts):
                yield Source(str(path), path.name)
        else:
            yield ReadError(raw, "no such file or directory")


def _excluded(path: str, opts: ReadOptions) -> bool:
    return any(path_matches(path, glob, Path(opts.root)) for glob in opts.exclude)


def relative_path(path: str, root: Path) -> str:
    """The path relative to root when it is below it, else as given."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def path_matches(path: str, glob: str, root: Path) -> bool:
    """A glob against the path relative to the config root, or against the file name."""
    rel = relative_path(path, root)
    return fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(Path(rel).name, glob)


def read_source(
    source: Source, options: ReadOptions | None = None
) -> Iterator[Document | ReadError]:
    """The documents of one source; JSONL is streamed record by record."""
    opts = options or ReadOptions()
    if source.is_stdin:
        yield from _read_stream(
            io.BytesIO(stdin_bytes(opts.max_bytes)), source.path, source.relpath, opts
        )
        return
    yield from _read_file(Path(source.path), source.relpath, opts)


_STDIN: list[tuple[object, bytes]] = []  # (the stdin object read, what it held)


def stdin_bytes(limit: int) -> bytes:
    """Standard input, read once and kept: a corpus job reads its inputs twice.
    The stream object itself is kept with its bytes, so a replaced sys.stdin (a
    test, an embedding program) is read afresh."""
    if not _STDIN or _STDIN[0][0] is not sys.stdin:
        _STDIN[:] = [(sys.stdin, sys.stdin.buffer.read(limit + 1))]  # a byte over: too large
    return _STDIN[0][1]


def iter_documents(
    paths: Sequence[str], options: ReadOptions | None = None
) -> Iterator[Document | ReadError]:
    """Yield a Document or a ReadError for each input, in a deterministic order."""
    opts = options or ReadOptions()
    for source in iter_sources(paths, opts):
        if isinstance(source, ReadError):
            yield source
        else:
            yield from read_source(source, opts)


def is_jsonl(path: str) -> bool:
    return path.endswith(JSONL_SUFFIXES)


def _walk(root: Path, globs: tuple[str, ...]) -> list[Path]:
    """Files under root matching any glob, sorted, skipping hidden folders."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name in OWN_OUTPUTS:
                continue
            rel = Path(dirpath, name).relative_to(root).as_posix()
            if any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(rel, g) for g in globs):
                found.append(Path(dirpath, name))
    return found


def _read_file(path: Path, relpath: str, opts: ReadOptions) -> Iterator[Document | ReadError]:
    shown = str(path)
    try:
        info = path.stat()
        jsonl = is_jsonl(shown)
        if info.st_size > opts.max_bytes and not jsonl:  # JSONL: the limit is per record
            yield ReadError(shown, f"file too large: {info.st_size} bytes (limit {opts.max_bytes})")
            return
        stamp = datetime.fromtimestamp(info.st_mtime, tz=UTC).isoformat()
        with path.open("rb") as raw:
            fh = cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if shown.endswith(".gz") else raw
            for item in _read_stream(fh, shown, relpath, opts):
                if isinstance(item, Document) and item.date is None:
                    item = replace(item, date=stamp)
                yield item
    except IsADirectoryError:
        yield ReadError(shown, "is a directory")
    except PermissionError:
        yield ReadError(shown, "cannot read: permission denied")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield ReadError(shown, f"not a readable gzip file: {exc}")
    except OSError as exc:
        yield ReadError(shown, f"cannot read: {exc.strerror or exc}")


def _read_stream(
    fh: IO[bytes], shown: str, relpath: str, opts: ReadOptions
) -> Iterator[Document | ReadError]:
    if is_jsonl(shown):
        yield from _parse_jsonl(fh, shown, relpath, opts)
        return
    data = fh.read(opts.max_bytes + 1)
    if len(data) > opts.max_bytes:
        yield ReadError(shown, f"input too large: over {opts.max_bytes} bytes")
        return
    result = decode_text(data)
    if isinstance(result, str):
        yield ReadError(shown, result)
        return
    text, bom = result
    yield Document(id=shown, path=shown, text=text, relpath=relpath, bom=bom)


def decode_text(data: bytes) -> tuple[str, bool] | str:
    """Decode bytes as UTF-8 text: ``(text, had_bom)``, or an error message."""
    if _BINARY_BYTE.search(data, 0, 8192):
        return "binary file (control bytes found), not text"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    if not text.strip():
        return "empty file: no text to check"
    return text, bom


def _lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line, or None for a line over ``limit`` bytes,
    which is skipped without ever being held in memory whole."""
    number = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # drain the rest of the long line
                line = fh.readline(1 << 20)
            yield number, None
            continue
        yield number, line


def _parse_jsonl(
    fh: IO[bytes], shown: str, relpath: str, opts: ReadOptions
) -> Iterator[Document | ReadError]:
    records = 0
    seen: set[str] = set()
    for number, raw in _lines(fh, opts.max_bytes):
        where = f"{shown}:{number}"
        if raw is None:
            records += 1
            yield ReadError(where, f"record too large: over {opts.max_bytes} bytes")
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            records += 1
            yield ReadError(
                where, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}"
            )
            continue
        if not line.strip():
            continue
        records += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(record, dict):
            yield ReadError(where, "a record must be a JSON object")
            continue
        text = record.get(opts.text_field)
        if not isinstance(text, str):
            yield ReadError(where, f"no string field {opts.text_field!r} in record")
            continue
        if not text.strip():
            yield ReadError(where, f"field {opts.text_field!r} is empty")
            continue
        key = record.get(opts.id_field)
        doc_id = str(key) if isinstance(key, str | int) else str(number)
        if doc_id in seen:
            yield ReadError(where, f"duplicate record id {doc_id!r} in {shown}")
            continue
        seen.add(doc_id)
        date = record.get(opts.date_field)
        yield Document(
            date=str(date) if isinstance(date, str | int | float) else None,
            id=f"{shown}#{doc_id}",
            path=shown,
            text=text,
            relpath=relpath,
            record_line=number,
            record=record,
        )
    if records == 0:
        yield ReadError(shown, "empty file: no records")

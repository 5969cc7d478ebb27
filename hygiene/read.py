"""Read stage: turn paths (files, folders, JSONL, stdin) into Documents.

Every problem with an input becomes a ``ReadError`` naming it; reading goes on
with the rest. Text is decoded as UTF-8 without newline translation so that
offsets match the bytes on disk (a leading BOM is dropped and remembered).
"""

from __future__ import annotations

import fnmatch
import gzip
import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, cast

from hygiene.config import DEFAULTS
from hygiene.document import Document, ReadError
from hygiene.errors import describe
from hygiene.jsonl import parse_jsonl
from hygiene.limits import read_limited, size_limit, too_large

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
    # Per input file, what a JSONL(.gz) may expand to: a small gzip of millions of
    # tiny records must not grow the job without limit.
    max_input_bytes: int = DEFAULTS["max-input-bytes"]
    max_records: int = DEFAULTS["max-records"]


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
                if isinstance(file, ReadError):
                    yield file
                elif not _excluded(str(file), opts):
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
            io.BytesIO(stdin_bytes(size_limit(opts.max_bytes))), source.path, source.relpath, opts
        )
        return
    yield from _read_file(Path(source.path), source.relpath, opts)


_STDIN: list[tuple[object, bytes]] = []  # (the stdin object read, what it held)


def stdin_bytes(limit: int) -> bytes:
    """Standard input, read once and kept: a corpus job reads its inputs twice.
    The stream object itself is kept with its bytes, so a replaced sys.stdin (a
    test, an embedding program) is read afresh."""
    if not _STDIN or _STDIN[0][0] is not sys.stdin:
        _STDIN[:] = [(sys.stdin, read_limited(sys.stdin.buffer, limit))]  # a byte over: too large
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


def _walk(root: Path, globs: tuple[str, ...]) -> list[Path | ReadError]:
    """Files under root matching any glob, sorted, skipping hidden folders; a folder
    that cannot be listed (permissions, a path over PATH_MAX) is an error in its
    place, never skipped in silence. Links to folders are not followed."""
    found: list[Path | ReadError] = []

    def unlisted(exc: OSError) -> None:
        where = exc.filename if isinstance(exc.filename, str) else str(root)
        found.append(ReadError(where, f"cannot open folder: {describe(exc)}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name in OWN_OUTPUTS:
                continue
            rel = Path(dirpath, name).relative_to(root).as_posix()
            if any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(rel, g) for g in globs):
                found.append(Path(dirpath, name))
    return found


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read: only regular files are (a FIFO would
    block the run forever, a device never ends)."""
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISREG(mode):
        return None
    kind = _KINDS.get(stat.S_IFMT(mode), "a special file")
    return f"not a regular file ({kind}); only regular files are read"


def _open_regular(path: Path) -> tuple[IO[bytes], os.stat_result] | str:
    """The file opened for reading, or why not. O_NONBLOCK: a FIFO put in its place
    after the check cannot block the open; it is then refused by fstat."""
    why = _not_regular(os.stat(path).st_mode)
    if why is not None:
        return why
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    info = os.fstat(fd)
    why = _not_regular(info.st_mode)
    if why is not None:
        os.close(fd)
        return why
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb"), info


def _read_file(path: Path, relpath: str, opts: ReadOptions) -> Iterator[Document | ReadError]:
    shown = str(path)
    try:
        opened = _open_regular(path)
        if isinstance(opened, str):
            yield ReadError(shown, opened)
            return
        raw, info = opened
        with raw:
            jsonl = is_jsonl(shown)
            if (
                info.st_size > size_limit(opts.max_bytes) and not jsonl
            ):  # JSONL: the limit is per record
                yield ReadError(
                    shown, too_large(opts.max_bytes, f"file too large: {info.st_size} bytes")
                )
                return
            stamp = datetime.fromtimestamp(info.st_mtime, tz=UTC).isoformat()
            gz = shown.endswith(".gz")
            fh = cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if gz else raw
            size = None if gz else info.st_size
            for item in _read_stream(fh, shown, relpath, opts, size):
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
        yield ReadError(shown, f"cannot read: {describe(exc)}")


def _read_stream(
    fh: IO[bytes], shown: str, relpath: str, opts: ReadOptions, size: int | None = None
) -> Iterator[Document | ReadError]:
    if is_jsonl(shown):
        yield from parse_jsonl(fh, shown, relpath, opts)
        return
    data = read_limited(fh, size_limit(opts.max_bytes), size)
    if len(data) > size_limit(opts.max_bytes):
        yield ReadError(shown, too_large(opts.max_bytes, "input too large"))
        return
    result = decode_text(data)
    if isinstance(result, str):
        yield ReadError(shown, result)
        return
    text, bom = result
    yield Document(id=shown, path=shown, text=text, relpath=relpath, bom=bom)


def decode_text(data: bytes) -> tuple[str, bool] | str:
    """Decode bytes as UTF-8 text: ``(text, had_bom)``, or an error message. A NUL
    anywhere is binary (no text holds one); other control bytes are looked for in
    the first block."""
    encoding = _utf16_or_32(data[:8192])
    if encoding is not None:
        return (
            f"{encoding} text, not UTF-8; convert it first, e.g. "
            f"iconv -f {encoding.split()[0]} -t UTF-8"
        )
    if _BINARY_BYTE.search(data, 0, 8192) or b"\x00" in data:
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


_WIDE_BOMS = (  # longest first: the UTF-32 LE mark begins like UTF-16 LE's
    (b"\xff\xfe\x00\x00", "UTF-32LE"),
    (b"\x00\x00\xfe\xff", "UTF-32BE"),
    (b"\xff\xfe", "UTF-16LE"),
    (b"\xfe\xff", "UTF-16BE"),
)


def _utf16_or_32(head: bytes) -> str | None:
    """UTF-16 or UTF-32 by its byte-order mark, or UTF-16 without one: most
    characters of Latin text then have a NUL in every other byte."""
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            return f"{name} (byte-order mark)"
    even, odd = head[0::2], head[1::2]
    if len(odd) >= 4:
        if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
            return "UTF-16LE (no byte-order mark)"
        if even.count(0) > 0.4 * len(odd) and odd.count(0) == 0:
            return "UTF-16BE (no byte-order mark)"
    return None

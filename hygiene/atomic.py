"""Files that appear whole or not at all: every file hygiene writes goes through here.

A temporary file is written beside the target, flushed to disk and renamed
over it, so a reader, or a run killed at any moment, sees the old file or the
new one, never half of either. A cleaned copy keeps the mode of the file it
replaces (mkstemp's 0600 is never exposed). Names ending in ``.gz`` are written
as gzip with no time stamp or name in the header, so the bytes are reproducible.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, cast

# What the temporary files are named: ".NAME.XXXXXXXX.tmp".
TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def file_mode(target: Path) -> int:
    """The target's own mode when it exists, else what the umask gives a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class AtomicFile:
    """A file that appears under its name only when committed (text or bytes)."""

    def __init__(self, target: str | Path, *, sync: bool = False) -> None:
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.sync = sync
        fd, self.tmp = tempfile.mkstemp(
            prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent
        )
        self._raw = os.fdopen(fd, "wb")
        self.binary: IO[bytes] = self._raw
        if self.target.name.endswith(".gz"):
            self.binary = cast(
                IO[bytes], gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
            )
        self._text: io.TextIOWrapper | None = None

    @property
    def fh(self) -> IO[str]:
        """The file as text: UTF-8, newlines written exactly as given."""
        if self._text is None:
            self._text = io.TextIOWrapper(self.binary, encoding="utf-8", newline="")
        return self._text

    def commit(self) -> None:
        self._close()
        os.chmod(self.tmp, file_mode(self.target))
        os.replace(self.tmp, self.target)

    def discard(self) -> None:
        self._close()
        Path(self.tmp).unlink(missing_ok=True)

    def _close(self) -> None:
        if self._text is not None:
            self._text.flush()
            self._text.detach()  # the layers below are closed here, in order
            self._text = None
        if self.binary is not self._raw:
            self.binary.close()  # the gzip layer writes its trailer; the file stays open
        if not self._raw.closed:
            self._raw.flush()
            if self.sync:
                os.fsync(self._raw.fileno())  # the rename must never expose a short file
            self._raw.close()


def write_bytes(target: str | Path, data: bytes, *, sync: bool = False) -> None:
    out = AtomicFile(target, sync=sync)
    try:
        out.binary.write(data)
        out.commit()
    except BaseException:
        out.discard()
        raise


def write_text(target: str | Path, text: str, *, bom: bool = False) -> None:
    """Write text exactly (no newline translation), with a BOM when asked."""
    write_pieces(target, [("\ufeff" if bom else "") + text])


def write_pieces(target: str | Path, pieces: Iterable[str]) -> None:
    """Write text given in pieces (a report streamed as it is rendered)."""
    out = AtomicFile(target)
    try:
        for piece in pieces:
            out.fh.write(piece)
        out.commit()
    except BaseException:
        out.discard()
        raise


def sweep_temp_files(folder: Path) -> int:
    """Remove the temporary files a killed run left under a folder."""
    removed = 0
    for where, _, names in os.walk(folder):
        for name in names:
            if TEMP_NAME.match(name):
                Path(where, name).unlink(missing_ok=True)
                removed += 1
    return removed

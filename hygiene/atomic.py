"""Files that appear whole or not at all: every file hygiene writes goes through here.

A temporary file is written beside the target, flushed to disk and renamed
over it, so a reader, or a run killed at any moment, sees the old file or the
new one, never half of either. A cleaned copy keeps the mode of the file it
replaces (the temporary file's 0600 is never exposed). Names ending in ``.gz``
are written as gzip with no time stamp or name in the header, so the bytes are
reproducible.

Everything happens relative to the descriptor of the target's folder, and the
temporary file is created with ``O_EXCL | O_NOFOLLOW``: the rename lands in the
folder that was opened, whatever links appear meanwhile. A target that exists
and is not a regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is written
in place, never replaced: a rename would put a regular file where a device was.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import IO, cast

# What the temporary files are named: ".NAME.XXXXXXXX.hygiene.tmp". The marker
# keeps a sweep after a killed run from touching a user's own ".x.12345678.tmp".
TEMP_SUFFIX = ".hygiene.tmp"
TEMP_NAME = re.compile(r"^\..*\.[0-9a-f]{8}\.hygiene\.tmp$", re.DOTALL)
# A name that was not UTF-8 arrives as surrogate escapes: written escaped
# (valid JSON inside a JSON string), never a crash.
ENCODING_ERRORS = "backslashreplace"
OPEN_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def file_mode(dir_fd: int, name: str) -> int:
    """The mode of the regular file being replaced, else what the umask gives a new file."""
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    except FileNotFoundError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _create_temp(dir_fd: int, name: str) -> tuple[str, int]:
    short = os.fsdecode(os.fsencode(name)[:200])  # room for the marker within NAME_MAX
    while True:
        tmp = f".{short}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        try:
            return tmp, os.open(tmp, _NEW_FILE, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue


class AtomicFile:
    """A file that appears under its name in a folder only when committed (text or
    bytes). ``dir_fd`` is the folder's descriptor, ``name`` one component."""

    def __init__(
        self, name: str, dir_fd: int, *, sync: bool = False, owns_dir: bool = False
    ) -> None:
        self.name = name
        self.dir_fd = dir_fd
        self.sync = sync
        self._owns_dir = owns_dir
        self.tmp, fd = _create_temp(dir_fd, name)
        self._raw = os.fdopen(fd, "wb")
        self.binary: IO[bytes] = self._raw
        if name.endswith(".gz"):
            self.binary = cast(
                IO[bytes], gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
            )
        self._text: io.TextIOWrapper | None = None

    @classmethod
    def at(cls, target: str | Path, *, sync: bool = False) -> AtomicFile:
        """A path a person named (``-o``, ``--fix``): its folder is created, and a
        symbolic link is followed to the file it names, which is replaced, not the link."""
        real = Path(os.path.realpath(target))
        real.parent.mkdir(parents=True, exist_ok=True)
        dir_fd = os.open(real.parent, OPEN_FOLDER)
        try:
            return cls(real.name, dir_fd, sync=sync, owns_dir=True)
        except BaseException:
            os.close(dir_fd)
            raise

    @property
    def fh(self) -> IO[str]:
        """The file as text: UTF-8, newlines written exactly as given."""
        if self._text is None:
            self._text = io.TextIOWrapper(
                self.binary, encoding="utf-8", errors=ENCODING_ERRORS, newline=""
            )
        return self._text

    def write_whole(self, data: bytes) -> None:
        """Write ``data`` and commit; on any failure nothing appears."""
        try:
            self.binary.write(data)
        except BaseException:
            self.discard()
            raise
        self.commit()

    def commit(self) -> None:
        try:
            self._close(mode=file_mode(self.dir_fd, self.name))
            os.replace(self.tmp, self.name, src_dir_fd=self.dir_fd, dst_dir_fd=self.dir_fd)
        except BaseException:
            self.discard()
            raise
        self._release()

    def discard(self) -> None:
        with contextlib.suppress(OSError):  # a full disk: the temporary file goes all the same
            self._close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp, dir_fd=self.dir_fd)
        self._release()

    def _close(self, mode: int | None = None) -> None:
        try:
            if self._text is not None:
                text, self._text = self._text, None
                text.flush()
                text.detach()  # the layers below are closed here, in order
            if self.binary is not self._raw:
                layer, self.binary = self.binary, self._raw
                layer.close()  # the gzip layer writes its trailer; the file stays open
            if not self._raw.closed:
                self._raw.flush()
                if mode is not None:
                    os.fchmod(self._raw.fileno(), mode)
                if self.sync:
                    os.fsync(self._raw.fileno())  # the rename must never expose a short file
        finally:
            self._raw.close()

    def _release(self) -> None:
        if self._owns_dir and self.dir_fd >= 0:
            os.close(self.dir_fd)
            self.dir_fd = -1


def _special(target: str | Path) -> bool:
    """The target exists and is no regular file (a device, a FIFO): written in place."""
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except FileNotFoundError:
        return False


def write_bytes(target: str | Path, data: bytes, *, sync: bool = False) -> None:
    """Write a file a person named: atomically when it is a regular file or new, in
    place when it is a device, a FIFO or another special file."""
    if _special(target):
        _write_in_place(target, data)
        return
    AtomicFile.at(target, sync=sync).write_whole(data)


def write_pieces(target: str | Path, pieces: Iterable[str]) -> None:
    """Write text given in pieces (a report streamed as it is rendered), by the
    same rules as ``write_bytes``."""
    if _special(target):
        opener = gzip.open if str(target).endswith(".gz") else open
        with opener(target, "wb") as raw:
            for piece in pieces:
                raw.write(piece.encode("utf-8", ENCODING_ERRORS))
        return
    out = AtomicFile.at(target)
    try:
        for piece in pieces:
            out.fh.write(piece)
    except BaseException:
        out.discard()
        raise
    out.commit()


def _write_in_place(target: str | Path, data: bytes) -> None:
    if str(target).endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    with open(target, "wb") as fh:
        fh.write(data)


def write_text(target: str | Path, text: str, *, bom: bool = False) -> None:
    """Write text exactly (no newline translation), with a BOM when asked."""
    write_bytes(target, (("\ufeff" if bom else "") + text).encode("utf-8", ENCODING_ERRORS))

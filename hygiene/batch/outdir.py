"""The output folder of a clean job: every file under it is reached from its descriptor.

``--out`` is opened once; folders below it are opened one component at a time
with ``O_NOFOLLOW`` and files are created and renamed relative to them. So no
write follows a symbolic link out of ``--out``: a link where a folder is
expected (``out/sub -> ../in/sub``) is refused for the documents that would go
through it, never written through, whatever the link points at.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from hygiene.atomic import OPEN_FOLDER, TEMP_NAME, AtomicFile
from hygiene.errors import OutputUnavailable, describe

_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
# A full, read-only or failing file system: no other document could be written either.
ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})


def is_environment_error(exc: OSError) -> bool:
    return exc.errno in ENVIRONMENT_ERRNOS


class OutDir:
    """``--out``, opened on first use (and created). Paths are relative, '/'-separated."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1

    @property
    def fd(self) -> int:
        if self._fd < 0:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, OPEN_FOLDER)
            except OSError as exc:
                raise OutputUnavailable(f"cannot use --out {self.path}: {describe(exc)}") from exc
        return self._fd

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:  # an OutDir used without ``with`` (a JobState in a test)
        self.close()

    def __enter__(self) -> OutDir:
        _ = self.fd
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def folder(self, rel: str, *, create: bool = True) -> int:
        """A new descriptor of the folder ``rel`` (the caller closes it), created when
        missing; a symbolic link among its components is an OSError (ELOOP)."""
        fd = os.dup(self.fd)
        done: list[str] = []
        for part in PurePosixPath(rel).parts:
            if part in ("/", "..", "."):
                os.close(fd)
                raise OSError(errno.EINVAL, f"{rel!r} leaves --out")
            fd = self._step(fd, part, "/".join([*done, part]), create)  # closes fd
            done.append(part)
        return fd

    @staticmethod
    def _step(fd: int, part: str, shown: str, create: bool) -> int:
        """The child folder ``part`` of ``fd`` (which is closed in any case)."""
        try:
            try:
                return os.open(part, OPEN_FOLDER | os.O_NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, dir_fd=fd)
                return os.open(part, OPEN_FOLDER | os.O_NOFOLLOW, dir_fd=fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(fd, part):
                raise OSError(
                    errno.ELOOP, f"{shown} is a symbolic link inside --out; not followed"
                ) from exc
            raise
        finally:
            os.close(fd)

    def atomic(self, rel: str, *, sync: bool = False) -> AtomicFile:
        parent, name = _split(rel)
        fd = self.folder(parent)
        try:
            return AtomicFile(name, fd, sync=sync, owns_dir=True)
        except BaseException:
            os.close(fd)
            raise

    def write_bytes(self, rel: str, data: bytes, *, sync: bool = False) -> None:
        self.atomic(rel, sync=sync).write_whole(data)

    def write_text(self, rel: str, text: str, *, bom: bool = False) -> None:
        self.write_bytes(rel, (("\ufeff" if bom else "") + text).encode("utf-8"))

    def open_read(self, rel: str) -> IO[bytes] | None:
        """A file under ``--out`` to read, or None when it is not there."""
        parent, name = _split(rel)
        try:
            fd = self.folder(parent, create=False)
        except FileNotFoundError:
            return None
        try:
            return os.fdopen(os.open(name, _OPEN_FILE, dir_fd=fd), "rb")
        except FileNotFoundError:
            return None
        finally:
            os.close(fd)

    def listdir(self, rel: str) -> list[str]:
        try:
            fd = self.folder(rel, create=False)
        except FileNotFoundError:
            return []
        try:
            return os.listdir(fd)
        finally:
            os.close(fd)

    def remove_tree(self, name: str) -> None:
        """Remove a folder directly under ``--out`` (never through a link)."""
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(name, dir_fd=self.fd)

    def sweep_temp_files(self) -> int:
        """Remove the temporary files a killed run left under ``--out``."""
        removed = 0
        for _, _, names, dir_fd in self._walk():
            for name in names:
                if TEMP_NAME.match(name):
                    try:
                        os.unlink(name, dir_fd=dir_fd)
                        removed += 1
                    except FileNotFoundError:
                        pass
        return removed

    def _walk(self) -> Iterator[tuple[str, list[str], list[str], int]]:
        return os.fwalk(".", dir_fd=self.fd)  # links to folders are not followed


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=dir_fd).st_mode)
    except OSError:
        return False


def _split(rel: str) -> tuple[str, str]:
    path = PurePosixPath(rel)
    if not path.name:
        raise OSError(errno.EINVAL, f"{rel!r} names no file")
    return str(path.parent), path.name

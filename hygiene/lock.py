"""One job at a time per output folder and per archive index.

Two clean jobs into one ``--out`` would each resume the same state and the
second would overwrite the first's manifest; two index updates would fight
over SQLite's write lock. So a job holds an exclusive ``flock`` on a lock file
for its whole run, and a second job is refused at once, with the holder's pid.
The kernel drops the lock when its holder dies, however it dies, so a killed
job never blocks the next one; the pid in the file is only for the message.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from hygiene.errors import RunError, describe

_OPEN = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC


class LockHeld(RunError):
    """Another hygiene process holds the lock."""


@contextmanager
def exclusive(dir_fd: int, name: str, what: str) -> Iterator[None]:
    """Hold the lock file ``name`` in the folder ``dir_fd`` for the block, or raise
    LockHeld. ``what`` names the locked thing in the message."""
    fd = _acquire(dir_fd, name, what)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        # Removed while still held: a process that opened it meanwhile finds, once it
        # has the lock, that the name is gone, and starts again on a new file.
        with suppress(OSError):
            os.unlink(name, dir_fd=dir_fd)
        os.close(fd)


def _acquire(dir_fd: int, name: str, what: str) -> int:
    while True:
        try:
            fd = os.open(name, _OPEN, 0o644, dir_fd=dir_fd)
        except OSError as exc:
            raise RunError(f"cannot lock {what}: {describe(exc)}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise LockHeld(
                f"{what} is in use by another hygiene job ({holder}); "
                "wait for it to finish, or stop it"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        if _still_named(dir_fd, name, fd):
            return fd
        os.close(fd)  # its holder removed it as we opened it: take the new one


def _still_named(dir_fd: int, name: str, fd: int) -> bool:
    try:
        named = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"

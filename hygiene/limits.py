"""How much of an input is read: per document, --max-bytes or what memory allows.

Analysing a document takes a multiple of its size in memory, so a document is
also refused, with its own message, when this machine could not analyse it;
and inputs are read in bounded chunks, never with a buffer as large as the
limit (``read(n)`` reserves n bytes up front).
"""

from __future__ import annotations

import functools
import os
from typing import IO

CHUNK = 1 << 20  # bytes read at a time where the size is not known

# Peak memory of analysing one document, as a multiple of its size in bytes: about
# 18 measured for articles of 20 and 100 MB (README, "Bounds"), rounded up.
MEMORY_FACTOR = 20


@functools.cache
def memory_bound() -> int:
    """The largest document this machine can analyse: its memory (or the cgroup's
    limit, when lower) over MEMORY_FACTOR."""
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        if limit.isdigit():
            total = min(total, int(limit))
    except OSError:
        pass
    return max(total // MEMORY_FACTOR, 1)


def size_limit(max_bytes: int) -> int:
    """Bytes per document (or JSONL record): --max-bytes, unless memory is lower."""
    return min(max_bytes, memory_bound())


def too_large(max_bytes: int, what: str) -> str:
    """Why a document over size_limit is not read: --max-bytes or this machine's memory."""
    if max_bytes <= memory_bound():
        if what.startswith("file"):
            return f"{what} (limit {max_bytes})"
        return f"{what}: over {max_bytes} bytes"
    bound = memory_bound()
    return (
        f"{what}: over {bound} bytes, the most this machine's memory can analyse "
        f"(a document needs about {MEMORY_FACTOR} times its size; {bound * MEMORY_FACTOR} "
        "bytes here)"
    )


def read_limited(fh: IO[bytes], limit: int, size: int | None = None) -> bytes:
    """Up to ``limit + 1`` bytes (one over: too large), never allocating more than
    the data needs: ``read(n)`` reserves n bytes up front, which a raised
    ``--max-bytes`` would turn into a MemoryError on a tiny file."""
    if size is not None:  # a regular file: its size, plus a byte to see it grow
        data = fh.read(min(limit, size) + 1)
        if len(data) <= size or len(data) > limit:
            return data
        return data + read_limited(fh, limit - len(data))
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = fh.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)

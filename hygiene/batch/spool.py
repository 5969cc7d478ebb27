"""A sequence kept on disk: a corpus report holds one entry per document, and a
corpus can be larger than memory. Items are pickled to an anonymous temporary
file (gone when the process ends); only their offsets stay in memory."""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Generic, TypeVar, overload

T = TypeVar("T")


class Spool(Sequence[T], Generic[T]):
    def __init__(self, items: Iterable[T] = ()) -> None:
        # Lives as long as the spool; closed by close() or when collected.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="hygiene-spool-")  # noqa: SIM115
        self._offsets = array("Q")
        self._end = 0
        for item in items:
            self.append(item)

    def append(self, item: T) -> None:
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        self._offsets.append(self._end)
        self._end += len(data)

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("spool index out of range")
        self._file.seek(self._offsets[index])
        item: T = pickle.load(self._file)
        return item

    def __iter__(self) -> Iterator[T]:
        for i in range(len(self)):  # by index: safe while another iteration is open
            yield self[i]

    def close(self) -> None:
        self._file.close()

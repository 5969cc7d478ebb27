"""Vectors kept on disk between runs, by content hash.

A corpus re-run, ``hygiene index update`` and the training scripts embed much
the same text again; this SQLite file lets them skip it. Keys hash the model's
identity with the text, so a file shared by two backends (or an old model)
never serves a vector of another model. Several processes may use one file at
once (WAL mode, a busy timeout). The store only ever saves work: when it can't
be opened or written it says so once on stderr and the run goes on without it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hygiene.embed import DIM

if TYPE_CHECKING:
    from hygiene.embed import Vectors

ENV = "HYGIENE_EMBED_CACHE"
_BATCH = 500  # keys per SELECT: under SQLite's limit on bound parameters


def text_key(model: str, text: str) -> bytes:
    return hashlib.blake2b(
        f"{model}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()


class VectorStore:
    """A file of float32 vectors keyed by ``text_key``."""

    def __init__(self, path: Path, model: str) -> None:
        self.path = path
        self.model = model
        self._db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB)")
            self._db = db
        except (OSError, sqlite3.Error) as exc:
            self._give_up(exc)

    def keys(self, texts: Sequence[str]) -> list[bytes]:
        return [text_key(self.model, t) for t in texts]

    def get(self, keys: Sequence[bytes]) -> dict[bytes, Vectors]:
        import numpy as np

        found: dict[bytes, Vectors] = {}
        if self._db is None:
            return found
        try:
            for i in range(0, len(keys), _BATCH):
                chunk = list(keys[i : i + _BATCH])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk
                )
                for key, blob in rows:
                    if len(blob) == DIM * 4:  # a torn or foreign row is recomputed
                        found[key] = np.frombuffer(blob, dtype=np.float32).copy()
        except sqlite3.Error as exc:
            self._give_up(exc)
        return found

    def put(self, items: Sequence[tuple[bytes, Vectors]]) -> None:
        import numpy as np

        if self._db is None or not items:
            return
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items]
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        print(
            f"hygiene: warning: embedding cache {self.path} not used ({exc}); "
            "vectors are computed as usual",
            file=sys.stderr,
        )
        if self._db is not None:
            self._db.close()
        self._db = None

"""A persistent archive index in SQLite: signatures, LSH buckets, paragraph counts.

``hygiene index build PATH`` / ``update PATH`` keep ``PATH/.hygiene/index.sqlite``
in step with the archive: new files are added, changed ones re-indexed,
deleted ones removed, without a rebuild. ``hygiene check`` then compares new
files with the archive through indexed lookups, so its cost grows with the
files checked, not with the archive. The parameters an index was built with
are stored in it; asking for others is refused, never silently mixed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hygiene.corpus.minhash import band_keys, lsh_params
from hygiene.corpus.neardup import Entry, NearDuplicateFinder, NearDupOptions
from hygiene.corpus.paragraphs import paragraph_fingerprints, short
from hygiene.errors import RunError, describe
from hygiene.lock import exclusive
from hygiene.segment import segment

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

INDEX_DIR = ".hygiene"
INDEX_FILE = "index.sqlite"
LOCK_FILE = "index.lock"  # held by build and update: one writer at a time
FORMAT = "hygiene-index/2"  # /2: figures per document, 64-bit paragraph digests

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, mtime REAL, bytes INTEGER,
    digest TEXT NOT NULL, length INTEGER, shingles INTEGER, date TEXT, signature BLOB,
    figures TEXT
);
CREATE TABLE IF NOT EXISTS bands (key BLOB NOT NULL, doc INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands (key);
CREATE INDEX IF NOT EXISTS bands_doc ON bands (doc);
CREATE TABLE IF NOT EXISTS paragraphs (hash INTEGER NOT NULL, doc INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS paragraphs_hash ON paragraphs (hash);
CREATE INDEX IF NOT EXISTS paragraphs_doc ON paragraphs (doc);
"""


class IndexMismatch(Exception):
    """The index was built with other parameters than those asked for."""


class IndexCorrupt(IndexMismatch, RunError):
    """The index file cannot be read: not SQLite, or rows that are not what hygiene
    writes. Opening it, a command says so as of a mismatch; met during a run, it
    stops the run with one line (exit 2)."""


_REBUILD = "rebuild it with 'hygiene index build --force'"


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """SQLite's own errors on this index, as IndexCorrupt naming it."""
    try:
        yield
    except sqlite3.Error as exc:
        raise IndexCorrupt(f"{path} cannot be read ({exc}); {_REBUILD}") from exc


@dataclass(frozen=True)
class IndexParams:
    k: int
    num_perm: int
    threshold: float
    bands: int
    rows: int
    seed: int = 1
    format: str = FORMAT

    @classmethod
    def from_options(cls, opts: NearDupOptions) -> IndexParams:
        bands, rows = lsh_params(opts.threshold, opts.num_perm)
        return cls(opts.k, opts.num_perm, opts.threshold, bands, rows)


def find_index(start: Path) -> Path | None:
    """The nearest ``.hygiene/index.sqlite`` at or above a path."""
    here = start.resolve()
    for folder in [here, *here.parents] if here.is_dir() else list(here.parents):
        candidate = folder / INDEX_DIR / INDEX_FILE
        if candidate.exists():
            return candidate
    return None


class ArchiveIndex:
    def __init__(self, path: Path, options: NearDupOptions | None = None, create: bool = False):
        self.path = path
        self.options = options or NearDupOptions()
        wanted = IndexParams.from_options(self.options)
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.exists():
            raise FileNotFoundError(f"no index at {path}; run 'hygiene index build' first")
        self.db = sqlite3.connect(path)
        try:
            self.params = self._params(wanted)
        except BaseException:
            self.db.close()
            raise
        if self.params is not wanted:
            if self.params.format != wanted.format:
                self.db.close()
                raise IndexMismatch(
                    f"{path} is a {self.params.format} index, written by another version of "
                    f"hygiene ({wanted.format} here); rebuild it with 'hygiene index build --force'"
                )
            if self.params != wanted:
                self.db.close()
                raise IndexMismatch(
                    f"{path} was built with {_describe(self.params)}, not {_describe(wanted)}; "
                    "rebuild it with 'hygiene index build --force' or ask for its parameters"
                )

    def _params(self, wanted: IndexParams) -> IndexParams:
        """The parameters stored in the index (``wanted``, stored, in a new one)."""
        with _readable(self.path):
            self.db.executescript(_SCHEMA)
            stored = self.db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
            if stored is None:
                self.db.execute(
                    "INSERT INTO meta VALUES ('params', ?)",
                    (json.dumps(asdict(wanted), sort_keys=True),),
                )
                self.db.commit()
                return wanted
        try:
            params = IndexParams(**json.loads(stored[0]))
            if not isinstance(params.num_perm, int) or not isinstance(params.format, str):
                raise TypeError("parameters of the wrong type")
        except (ValueError, TypeError) as exc:
            message = f"{self.path}: its parameters are unreadable ({exc}); {_REBUILD}"
            raise IndexCorrupt(message) from exc
        return params

    def close(self) -> None:
        self.db.close()

    # --- maintenance ------------------------------------------------------
    def known(self) -> dict[str, tuple[float, int, str]]:
        rows = self.db.execute("SELECT path, mtime, bytes, digest FROM docs")
        return {p: (m, b, d) for p, m, b, d in rows}

    def upsert(
        self, key: str, entry: Entry, paragraphs: Iterable[int], stat: tuple[float, int, str]
    ) -> None:
        """Index a document's sketch under ``key``; ``stat`` is (mtime, bytes, sha256)."""
        mtime, size, digest = stat
        self.remove(key)
        cur = self.db.execute(
            "INSERT INTO docs (path, mtime, bytes, digest, length, shingles, date, signature, "
            "figures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                mtime,
                size,
                digest,
                entry.length,
                entry.size,
                entry.date,
                entry.signature.astype("<u4").tobytes(),
                json.dumps(sorted(entry.numbers)),
            ),
        )
        doc = cur.lastrowid
        if entry.size >= self.options.min_shingles:
            self.db.executemany(
                "INSERT INTO bands VALUES (?, ?)",
                [(k, doc) for k in band_keys(entry.signature, self.params.bands, self.params.rows)],
            )
        self.db.executemany(
            "INSERT INTO paragraphs VALUES (?, ?)", [(_signed(h), doc) for h in set(paragraphs)]
        )

    def remove(self, key: str) -> None:
        row = self.db.execute("SELECT id FROM docs WHERE path = ?", (key,)).fetchone()
        if row is None:
            return
        for table in ("bands", "paragraphs"):
            self.db.execute(f"DELETE FROM {table} WHERE doc = ?", row)
        self.db.execute("DELETE FROM docs WHERE id = ?", row)

    def commit(self) -> None:
        self.db.commit()

    def size(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    # --- queries ------------------------------------------------------------
    def near_duplicates(
        self, entry: Entry, finder: NearDuplicateFinder, exclude: str | None = None
    ) -> list[tuple[str, float, float]]:
        """Indexed documents that are near-duplicates of a sketch, best first, as
        (path, Jaccard, containment): the finder's own pair check decides."""
        if not finder.comparable(entry):
            return []
        keys = finder.band_keys(entry)
        marks = ",".join("?" * len(keys))
        with _readable(self.path):
            rows = self.db.execute(
                f"SELECT DISTINCT d.path, d.length, d.date, d.shingles, d.signature, d.figures "
                f"FROM bands b JOIN docs d ON d.id = b.doc WHERE b.key IN ({marks})",
                keys,
            ).fetchall()
        out = []
        for path, length, date, shingles, blob, figures in rows:
            if path == exclude:
                continue
            signature, numbers = self._sketch_of(path, blob, figures)
            archived = Entry(path, path, length, date, shingles, signature, numbers)
            j, c = finder.similar(entry, archived)
            if finder.same_story(entry, archived, j, c):
                out.append((path, j, c))
        return sorted(out, key=lambda m: (-max(m[1], m[2]), m[0]))

    def _sketch_of(
        self, path: str, blob: object, figures: object
    ) -> tuple[npt.NDArray[np.uint32], frozenset[str]]:
        """An archived document's signature and figures, checked: a row hygiene did
        not write is IndexCorrupt, not a crash in the middle of a run."""
        import numpy as np

        size = 4 * self.params.num_perm
        try:
            if not isinstance(blob, bytes) or len(blob) != size:
                raise ValueError(f"a signature of {size} bytes expected")
            numbers = json.loads(str(figures))
            if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
                raise ValueError("a list of figures expected")
        except ValueError as exc:
            message = f"{self.path}: the row of {path} is unreadable ({exc}); {_REBUILD}"
            raise IndexCorrupt(message) from exc
        return np.frombuffer(blob, dtype="<u4").astype(np.uint32), frozenset(numbers)

    def paragraph_counts(
        self, digests: Iterable[int], exclude: Sequence[str] = ()
    ) -> dict[int, int]:
        """How many indexed documents (other than ``exclude``) hold each paragraph."""
        out: dict[int, int] = {}
        others = ",".join("?" * len(exclude))
        for digest in digests:
            with _readable(self.path):
                row = self.db.execute(
                    "SELECT COUNT(DISTINCT p.doc) FROM paragraphs p JOIN docs d ON d.id = p.doc "
                    f"WHERE p.hash = ? AND d.path NOT IN ({others})",
                    (_signed(digest), *exclude),
                ).fetchone()
            out[digest] = int(row[0])
        return out


def _signed(digest: int) -> int:
    """A 64-bit digest as SQLite's signed INTEGER."""
    return digest - (1 << 64) if digest >= 1 << 63 else digest


def _describe(p: IndexParams) -> str:
    return f"k={p.k}, num_perm={p.num_perm}, threshold={p.threshold} ({p.bands}x{p.rows} bands)"


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    errors: int = 0


def index_path(root: Path) -> Path:
    return root / INDEX_DIR / INDEX_FILE


def relative_key(root: Path, doc_id: str) -> str:
    """A document's key in the index: its path relative to the archive root."""
    path, sep, record = doc_id.partition("#")
    try:
        rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path
    return rel + sep + record


def sync(
    root: Path, options: NearDupOptions | None = None, rebuild: bool = False
) -> tuple[IndexStats, list[str]]:
    """Bring the archive's index in step with its files; returns stats and error lines.
    One writer at a time: a second build or update is refused (LockHeld)."""
    target = index_path(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise RunError(f"cannot write the index {target}: {describe(exc)}") from exc
    try:
        with exclusive(folder, LOCK_FILE, f"the index {target}"):
            if rebuild and target.exists():
                target.unlink()
            with _readable(target):
                return _sync(root, target, options)
    finally:
        os.close(folder)


def _sync(root: Path, target: Path, options: NearDupOptions | None) -> tuple[IndexStats, list[str]]:
    from hygiene.document import ReadError
    from hygiene.read import iter_documents

    index = ArchiveIndex(target, options, create=True)
    finder = NearDuplicateFinder(index.options)  # a run's own sketches, the same way
    stats, errors = IndexStats(), []
    known = index.known()
    seen: set[str] = set()
    for item in iter_documents([str(root)]):
        if isinstance(item, ReadError):
            stats.errors += 1
            errors.append(f"{item.path}: {item.message}")
            continue
        key = relative_key(root, item.id)
        seen.add(key)
        digest = hashlib.sha256(item.text.encode()).hexdigest()
        old = known.get(key)
        if old is not None and old[2] == digest:
            stats.unchanged += 1
            continue
        info = Path(item.path).stat()
        entry = finder.entry(key, item.path, item.text, item.date)
        paragraphs = [short(d) for d, _ in paragraph_fingerprints(segment(item))]
        index.upsert(key, entry, paragraphs, (info.st_mtime, info.st_size, digest))
        if old is None:
            stats.added += 1
        else:
            stats.updated += 1
    for key in set(known) - seen:
        index.remove(key)
        stats.removed += 1
    index.commit()
    index.close()
    return stats, errors

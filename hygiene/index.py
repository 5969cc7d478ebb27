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
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hygiene.corpus import near_duplicate, paragraph_fingerprints, repeated_paragraph, story_text
from hygiene.minhash import MinHasher, band_keys, containment, jaccard, lsh_params, shingle_hashes
from hygiene.neardup import NearDupOptions
from hygiene.pipeline import FileResult

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

INDEX_DIR = ".hygiene"
INDEX_FILE = "index.sqlite"
FORMAT = "hygiene-index/1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, mtime REAL, bytes INTEGER,
    digest TEXT NOT NULL, length INTEGER, shingles INTEGER, date TEXT, signature BLOB
);
CREATE TABLE IF NOT EXISTS bands (key BLOB NOT NULL, doc INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands (key);
CREATE INDEX IF NOT EXISTS bands_doc ON bands (doc);
CREATE TABLE IF NOT EXISTS paragraphs (hash BLOB NOT NULL, doc INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS paragraphs_hash ON paragraphs (hash);
CREATE INDEX IF NOT EXISTS paragraphs_doc ON paragraphs (doc);
"""


class IndexMismatch(Exception):
    """The index was built with other parameters than those asked for."""


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


@dataclass(frozen=True)
class Match:
    path: str
    jaccard: float
    containment: float


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
        self.db.executescript(_SCHEMA)
        stored = self.db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        if stored is None:
            self.db.execute(
                "INSERT INTO meta VALUES ('params', ?)",
                (json.dumps(asdict(wanted), sort_keys=True),),
            )
            self.db.commit()
            self.params = wanted
        else:
            self.params = IndexParams(**json.loads(stored[0]))
            if self.params != wanted:
                self.db.close()
                raise IndexMismatch(
                    f"{path} was built with {_describe(self.params)}, not {_describe(wanted)}; "
                    "rebuild it with 'hygiene index build --force' or ask for its parameters"
                )
        self.hasher = MinHasher(self.params.num_perm, self.params.seed)

    def close(self) -> None:
        self.db.close()

    # --- maintenance ------------------------------------------------------
    def known(self) -> dict[str, tuple[float, int, str]]:
        rows = self.db.execute("SELECT path, mtime, bytes, digest FROM docs")
        return {p: (m, b, d) for p, m, b, d in rows}

    def upsert(self, key: str, result: FileResult, mtime: float, size: int) -> None:
        import numpy as np

        text = story_text(result)
        digest = hashlib.sha256(result.doc.text.encode()).hexdigest()
        hashes = shingle_hashes(text, self.params.k)
        sig = self.hasher.signature(hashes)
        self.remove(key)
        cur = self.db.execute(
            "INSERT INTO docs (path, mtime, bytes, digest, length, shingles, date, signature) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                mtime,
                size,
                digest,
                len(text),
                len(hashes),
                result.doc.date,
                sig.astype(np.uint32).tobytes(),
            ),  # hash values fit 32 bits
        )
        doc = cur.lastrowid
        if len(hashes) >= self.options.min_shingles:
            self.db.executemany(
                "INSERT INTO bands VALUES (?, ?)",
                [(k, doc) for k in band_keys(sig, self.params.bands, self.params.rows)],
            )
        self.db.executemany(
            "INSERT INTO paragraphs VALUES (?, ?)",
            [(h, doc) for h in {h for h, _ in paragraph_fingerprints(result.doc)}],
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
    def near_duplicates(self, result: FileResult, exclude: str | None = None) -> list[Match]:
        """Indexed documents that are near-duplicates of this one, best first."""
        import numpy as np

        hashes = shingle_hashes(story_text(result), self.params.k)
        if len(hashes) < self.options.min_shingles:
            return []
        sig = self.hasher.signature(hashes)
        keys = band_keys(sig, self.params.bands, self.params.rows)
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT DISTINCT d.path, d.shingles, d.signature FROM bands b "
            f"JOIN docs d ON d.id = b.doc WHERE b.key IN ({marks})",
            keys,
        ).fetchall()
        out = []
        for path, shingles, blob in rows:
            if path == exclude:
                continue
            other: npt.NDArray[np.uint64] = np.frombuffer(blob, dtype=np.uint32).astype(np.uint64)
            j = jaccard(sig, other)
            c = containment(j, len(hashes), shingles)
            if j >= self.options.threshold or c >= self.options.min_containment:
                out.append(Match(path, j, c))
        return sorted(out, key=lambda m: (-max(m.jaccard, m.containment), m.path))

    def paragraph_counts(
        self, hashes: Iterable[bytes], exclude: Sequence[str] = ()
    ) -> dict[bytes, int]:
        """How many indexed documents (other than ``exclude``) hold each paragraph."""
        out: dict[bytes, int] = {}
        for h in hashes:
            row = self.db.execute(
                "SELECT COUNT(DISTINCT p.doc) FROM paragraphs p JOIN docs d ON d.id = p.doc "
                f"WHERE p.hash = ? AND d.path NOT IN ({','.join('?' * len(exclude))})",
                (h, *exclude),
            ).fetchone()
            out[h] = int(row[0])
        return out


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
    """Bring the archive's index in step with its files; returns stats and error lines."""
    from hygiene.read import ReadError, iter_documents

    target = index_path(root)
    if rebuild and target.exists():
        target.unlink()
    index = ArchiveIndex(target, options, create=True)
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
        stat = Path(item.path).stat()
        digest = hashlib.sha256(item.text.encode()).hexdigest()
        old = known.get(key)
        if old is not None and old[2] == digest:
            stats.unchanged += 1
            continue
        index.upsert(key, FileResult(item, []), stat.st_mtime, stat.st_size)
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


def compare_with_index(
    results: Sequence[FileResult], index: ArchiveIndex, root: Path, min_documents: int = 5
) -> list[FileResult]:
    """Results with HY311 (near-duplicate of an archived article) and HY109 (paragraph
    repeated across the archive) added from the index."""
    from dataclasses import replace

    from hygiene.decide import resolve

    # Documents of this run were compared with each other by the corpus stage, under
    # the keep policy; an index over the same files must not flag the kept one again.
    run_keys = {relative_key(root, r.doc.id) for r in results}
    out = []
    for r in results:
        key = relative_key(root, r.doc.id)
        matches = index.near_duplicates(r, exclude=key)
        outside = [m for m in matches if m.path not in run_keys]
        added = []
        if outside:
            best = outside[0]
            why = f"found in the archive index, {len(outside)} match(es)"
            added.append(near_duplicate(r.doc, best.path, best.jaccard, best.containment, why))
        prints = paragraph_fingerprints(r.doc)
        counts = index.paragraph_counts(
            {h for h, _ in prints}, exclude=[key, *(m.path for m in matches)]
        )
        for digest, paragraph in prints:
            if counts.get(digest, 0) >= min_documents:
                added.append(repeated_paragraph(paragraph, counts[digest], "the archive"))
        out.append(replace(r, findings=resolve([*r.findings, *added])) if added else r)
    return out

"""Decisions that need every document first, made at the end of the first pass.

- near-duplicate clusters (HY311 on every member but the one kept);
- paragraphs repeated across documents (HY109), the CCNet signal for
  boilerplate: a paragraph that recurs in many unrelated documents (sign-offs,
  disclaimers, calls to action) is not story text. Copies inside one
  near-duplicate cluster count once, so a reprinted lead is not boilerplate;
- the same two against an archive index (``hygiene.corpus.index``), when there
  is one: a new document that reprints an archived one, or a paragraph found
  in many archived documents.

The first pass keeps a ``Sketch`` of each document; ``CorpusDecisions`` is what
the second pass applies to each document, from its segmented text.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hygiene.config import DEFAULTS
from hygiene.corpus.neardup import Cluster, Entry, NearDuplicateFinder, NearDupOptions
from hygiene.corpus.paragraphs import paragraph_fingerprints, short
from hygiene.decide import selected
from hygiene.document import Document, Segment
from hygiene.findings import Finding, Region, finding
from hygiene.segment import Segmented, segment

if TYPE_CHECKING:
    from hygiene.corpus.index import ArchiveIndex


@dataclass(frozen=True)
class CorpusOptions:
    neardup: NearDupOptions = field(default_factory=NearDupOptions)
    # HY109: in at least this many unrelated documents
    min_documents: int = DEFAULTS["repeated-min-documents"]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # The archive index the documents are compared with, if any (hygiene index).
    index: str | None = None


@dataclass(frozen=True)
class Sketch:
    """What the first pass keeps of a document: enough for every corpus-wide
    decision, a few hundred bytes instead of the text."""

    key: str
    entry: Entry | None  # near-duplicate sketch; None when neither rule is selected
    paragraphs: tuple[int, ...]  # 64-bit digests of its paragraphs, for HY109


@dataclass(frozen=True)
class Duplicate:
    """A document that is a near-duplicate of another: the copy a cluster keeps, or
    an archived article."""

    kept: str
    similarity: float
    containment: float
    why: str


@dataclass
class CorpusDecisions:
    """The outcome of the first pass, applied to each document in the second."""

    clusters: list[Cluster] = field(default_factory=list)
    duplicates: dict[str, Duplicate] = field(default_factory=dict)  # key -> its kept copy
    repeated: dict[int, int] = field(default_factory=dict)  # paragraph digest -> documents
    has_repeats: frozenset[str] = frozenset()  # keys of documents with such a paragraph
    # The same, against the archive index: key -> the archived article it reprints,
    # and key -> {paragraph digest: archived documents holding it}.
    archived: dict[str, Duplicate] = field(default_factory=dict)
    archive_repeats: dict[str, dict[int, int]] = field(default_factory=dict)

    def findings(self, seg: Segmented) -> list[Finding]:
        """The HY311 and HY109 findings of one document."""
        doc = seg.doc
        found = [
            near_duplicate(doc, dup)
            for dup in (self.duplicates.get(doc.id), self.archived.get(doc.id))
            if dup is not None
        ]
        in_archive = self.archive_repeats.get(doc.id, {})
        if doc.id in self.has_repeats or in_archive:
            for digest, paragraph in paragraph_fingerprints(seg):
                key = short(digest)
                count = self.repeated.get(key) if doc.id in self.has_repeats else None
                if count is not None:
                    found.append(repeated_paragraph(paragraph, count, "this corpus"))
                if key in in_archive:
                    found.append(repeated_paragraph(paragraph, in_archive[key], "the archive"))
        return found


class CorpusPass:
    """The first pass: sketch every document, then decide clusters and repeats.

    Memory grows with the corpus only by the sketches (a 32-bit MinHash signature,
    a few figures, 8 bytes per paragraph), never by the texts.
    """

    def __init__(self, options: CorpusOptions | None = None) -> None:
        self.options = options or CorpusOptions()
        self.want_dups = selected("HY311", self.options.include, self.options.exclude)
        self.want_repeats = selected("HY109", self.options.include, self.options.exclude)
        self.finder = NearDuplicateFinder(self.options.neardup)
        self._keys: list[str] = []
        self._para_digest = array("Q")
        self._para_doc = array("I")
        self._archive: ArchiveComparison | None = None

    @property
    def needed(self) -> bool:
        return self.want_dups or self.want_repeats

    def sketch(self, doc: Document) -> Sketch:
        """Pure: safe to run in a worker process. Segments the document only when
        HY109 wants its paragraphs."""
        if not self.needed:
            return Sketch(doc.id, None, ())
        entry = self.finder.entry(doc.id, doc.path, doc.text, doc.date)
        digests: tuple[int, ...] = ()
        if self.want_repeats:
            digests = tuple(short(d) for d, _ in paragraph_fingerprints(segment(doc)))
        return Sketch(doc.id, entry, digests)

    def add(self, sketch: Sketch) -> None:
        if sketch.entry is None:
            return
        self.finder.add_entry(sketch.entry)
        ordinal = len(self._keys)
        self._keys.append(sketch.key)
        for digest in set(sketch.paragraphs):
            self._para_digest.append(digest)
            self._para_doc.append(ordinal)
        if self.options.index is not None:
            if self._archive is None:
                self._archive = ArchiveComparison(self)
            self._archive.add(sketch)

    def decide(self, linked: Iterable[tuple[str, str]] | None = None) -> CorpusDecisions:
        """Clusters (from the LSH index, or from the pairs an engine ``linked``, see
        ``NearDuplicateFinder.groups``), then the paragraphs repeated across
        unrelated documents, then the archive."""
        if not self.needed:
            return CorpusDecisions()
        clusters = self.finder.clusters(linked)
        decisions = CorpusDecisions(clusters)
        if self.want_dups:
            for c in clusters:
                for m in c.members:
                    if m != c.kept:
                        why = (
                            f"cluster {c.id} of {len(c.members)} documents, {c.kept} kept by policy"
                        )
                        decisions.duplicates[m] = Duplicate(
                            c.kept, c.similarity[m], c.containment[m], why
                        )
        if self.want_repeats:
            self._repeats(decisions)
        if self._archive is not None:
            self._archive.decide(decisions)
        return decisions

    def _repeats(self, decisions: CorpusDecisions) -> None:
        """Count each paragraph's owners (a cluster counts once) with numpy, so that
        millions of paragraphs cost arrays, not Python objects."""
        if not self._para_digest:
            return
        owner_of = np.arange(len(self._keys), dtype=np.int64)
        ordinal = {key: i for i, key in enumerate(self._keys)}
        for c in decisions.clusters:
            first = ordinal[c.members[0]]
            for m in c.members:
                owner_of[ordinal[m]] = first
        digests = np.frombuffer(self._para_digest, dtype=np.uint64)
        docs = np.frombuffer(self._para_doc, dtype=np.uint32)

        owners = owner_of[docs.astype(np.int64)]
        pairs = np.unique(np.stack([digests, owners.astype(np.uint64)], axis=1), axis=0)
        values, counts = np.unique(pairs[:, 0], return_counts=True)
        keep = counts >= self.options.min_documents
        decisions.repeated = {
            int(v): int(n) for v, n in zip(values[keep], counts[keep], strict=True)
        }
        flagged = np.isin(digests, values[keep])
        decisions.has_repeats = frozenset(self._keys[int(i)] for i in np.unique(docs[flagged]))


class ArchiveComparison:
    """Each sketch against the archive index, as it arrives: its near-duplicates
    there and the archived documents holding its paragraphs. Which matches count
    is decided at the end, once every document of this run is known: a file of
    this run that is also in the archive was compared under the keep policy."""

    def __init__(self, corpus: CorpusPass) -> None:
        from hygiene.corpus.index import ArchiveIndex

        assert corpus.options.index is not None
        location = Path(corpus.options.index)
        self.corpus = corpus
        self.root = location.parent.parent
        self.index: ArchiveIndex = ArchiveIndex(location, corpus.options.neardup)
        self._matches: dict[str, list[tuple[str, float, float]]] = {}
        self._repeats: dict[str, dict[int, int]] = {}
        self._run_keys: set[str] = set()

    def add(self, sketch: Sketch) -> None:
        from hygiene.corpus.index import relative_key

        assert sketch.entry is not None
        key = relative_key(self.root, sketch.key)
        self._run_keys.add(key)
        matches = self.index.near_duplicates(sketch.entry, self.corpus.finder, exclude=key)
        if matches and self.corpus.want_dups:
            self._matches[sketch.key] = matches
        if sketch.paragraphs and self.corpus.want_repeats:
            counts = self.index.paragraph_counts(
                set(sketch.paragraphs), exclude=[key, *(path for path, _, _ in matches)]
            )
            wanted = {d: n for d, n in counts.items() if n >= self.corpus.options.min_documents}
            if wanted:
                self._repeats[sketch.key] = wanted

    def decide(self, decisions: CorpusDecisions) -> None:
        for doc, matches in self._matches.items():
            outside = [m for m in matches if m[0] not in self._run_keys]
            if outside:
                path, j, c = outside[0]
                why = f"found in the archive index, {len(outside)} match(es)"
                decisions.archived[doc] = Duplicate(path, j, c, why)
        decisions.archive_repeats = self._repeats
        self.index.close()


def near_duplicate(doc: Document, dup: Duplicate) -> Finding:
    """HY311 over a whole document."""
    j, c = dup.similarity, dup.containment
    message = (
        f"near-duplicate of {dup.kept} (estimated Jaccard {j:.2f}, containment {c:.2f}); {dup.why}"
    )
    whole = Region(0, len(doc.text), 1, 1, doc.text.count("\n") + 1)
    return finding("HY311", whole, max(j, c), message)


def repeated_paragraph(paragraph: Segment, documents: int, where: str) -> Finding:
    return finding(
        "HY109",
        paragraph,
        min(0.99, 0.5 + documents / 20),
        f"paragraph found in {documents} unrelated documents of {where}",
    )

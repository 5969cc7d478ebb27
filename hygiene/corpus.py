"""Corpus stage: decisions that need every document first.

After the per-document pipeline has run over the whole corpus:
- near-duplicate clusters (HY311 on every member but the one kept);
- paragraphs repeated across documents (HY109), the CCNet signal for
  boilerplate: a paragraph that recurs in many unrelated documents (sign-offs,
  disclaimers, calls to action) is not story text. Copies inside one
  near-duplicate cluster count once, so a reprinted lead is not boilerplate.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from hygiene.decide import resolve, selected
from hygiene.detectors import finding_for
from hygiene.detectors.repeated import normalise
from hygiene.document import Document, Segment
from hygiene.findings import Category, Finding
from hygiene.neardup import Cluster, Entry, NearDuplicateFinder, NearDupOptions
from hygiene.pipeline import FileResult
from hygiene.segment import segment


@dataclass(frozen=True)
class CorpusOptions:
    neardup: NearDupOptions = field(default_factory=NearDupOptions)
    min_documents: int = 5  # HY109: in at least this many unrelated documents
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def story_text(result: FileResult) -> str:
    """What near-duplicates compare: the document as stored.

    Measured on the neardup bench, leaving out the furniture found before
    comparing did not help (ARI 0.973 against 0.979 on the whole text): the
    figures and names in tables and datelines tell template stories apart, and
    the cluster cohesion rule already stops shared footers from chaining stories.
    """
    return result.doc.text


@dataclass(frozen=True)
class Sketch:
    """What the first pass keeps of a document: enough for every corpus-wide
    decision, a few hundred bytes instead of the text."""

    key: str
    entry: Entry | None  # near-duplicate sketch; None when neither rule is selected
    paragraphs: tuple[int, ...]  # 64-bit digests of its paragraphs, for HY109


@dataclass(frozen=True)
class Duplicate:
    """A document that is a near-duplicate of the one its cluster keeps."""

    kept: str
    similarity: float
    containment: float
    cluster: int
    size: int


@dataclass
class CorpusDecisions:
    """The outcome of the first pass, applied to each document in the second."""

    clusters: list[Cluster] = field(default_factory=list)
    duplicates: dict[str, Duplicate] = field(default_factory=dict)  # key -> its kept copy
    repeated: dict[int, int] = field(default_factory=dict)  # paragraph digest -> documents
    has_repeats: frozenset[str] = frozenset()  # keys of documents with such a paragraph

    def findings(self, doc: Document) -> list[Finding]:
        """The HY311 and HY109 findings of one document."""
        found: list[Finding] = []
        dup = self.duplicates.get(doc.id)
        if dup is not None:
            why = f"cluster {dup.cluster} of {dup.size} documents, {dup.kept} kept by policy"
            found.append(near_duplicate(doc, dup.kept, dup.similarity, dup.containment, why))
        if doc.id in self.has_repeats:
            for digest, paragraph in paragraph_fingerprints(doc):
                count = self.repeated.get(_short(digest))
                if count is not None:
                    found.append(repeated_paragraph(paragraph, count, "this corpus"))
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

    @property
    def needed(self) -> bool:
        return self.want_dups or self.want_repeats

    def sketch(self, doc: Document) -> Sketch:
        """Pure: safe to run in a worker process."""
        if not self.needed:
            return Sketch(doc.id, None, ())
        entry = self.finder.entry(doc.id, doc.path, doc.text, doc.date)
        digests: tuple[int, ...] = ()
        if self.want_repeats:
            digests = tuple(_short(d) for d, _ in paragraph_fingerprints(doc))
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

    def decide(self, candidates: Iterable[tuple[str, str]] | None = None) -> CorpusDecisions:
        """Clusters (from the LSH index, or from ``candidates`` found by an engine),
        then the paragraphs repeated across unrelated documents."""
        if not self.needed:
            return CorpusDecisions()
        clusters = self.finder.clusters(candidates)
        decisions = CorpusDecisions(clusters)
        if self.want_dups:
            for c in clusters:
                for m in c.members:
                    if m != c.kept:
                        dup = Duplicate(
                            c.kept, c.similarity[m], c.containment[m], c.id, len(c.members)
                        )
                        decisions.duplicates[m] = dup
        if self.want_repeats:
            self._repeats(decisions)
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


def _short(digest: bytes) -> int:
    return int.from_bytes(digest[:8], "big")


def apply_corpus_stage(
    results: Sequence[FileResult], options: CorpusOptions | None = None
) -> tuple[list[FileResult], list[Cluster]]:
    """New results with HY311/HY109 findings added, and the clusters (both passes
    over results already in memory)."""
    corpus = CorpusPass(options)
    for r in results:
        corpus.add(corpus.sketch(r.doc))
    decisions = corpus.decide()
    out = []
    for r in results:
        added = decisions.findings(r.doc)
        out.append(replace(r, findings=resolve([*r.findings, *added])) if added else r)
    return out, decisions.clusters


def near_duplicate(doc: Document, of: str, j: float, c: float, why: str) -> Finding:
    """HY311 over a whole document."""
    text = doc.text
    message = f"near-duplicate of {of} (estimated Jaccard {j:.2f}, containment {c:.2f}); {why}"
    end_line = text.count("\n") + 1
    return Finding(
        code="HY311",
        category=Category.NEAR_DUPLICATE,
        start=0,
        end=len(text),
        line=1,
        column=1,
        end_line=end_line,
        score=max(j, c),
        message=message,
        fix=None,  # a whole document: dropped by a corpus job, never cut from a file
    )


MIN_PARAGRAPH_CHARS = 25


def paragraph_fingerprints(doc: Document) -> list[tuple[bytes, Segment]]:
    """(digest of the normalised text, paragraph) for paragraphs long enough to count."""
    out = []
    for p in segment(doc).paragraphs:
        key = normalise(p.text)
        if len(key) >= MIN_PARAGRAPH_CHARS:
            out.append((hashlib.blake2b(key.encode(), digest_size=12).digest(), p))
    return out


def repeated_paragraph(paragraph: Segment, documents: int, where: str) -> Finding:
    return finding_for(
        "HY109",
        paragraph,
        min(0.99, 0.5 + documents / 20),
        f"paragraph found in {documents} unrelated documents of {where}",
    )

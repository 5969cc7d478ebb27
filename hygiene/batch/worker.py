"""The per-document work of a job, run wherever an engine puts it.

A ``Worker`` is built once per process (or Ray actor) from a picklable
``JobSpec``; it loads the detectors and their model lazily, once, and then
turns documents into sketches (first pass) or analysed results (second pass).
The guards live here, so that every engine has them: a per-document time limit
and a catch-all that turns a crash on one document into a reported problem
instead of a dead job.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from hygiene.assets import SetupError
from hygiene.config import DEFAULTS
from hygiene.corpus.decisions import (
    CorpusDecisions,
    CorpusOptions,
    CorpusPass,
    Sketch,
    near_duplicate,
)
from hygiene.decide import resolve
from hygiene.document import Document, FileResult, ReadError
from hygiene.pipeline import Pipeline
from hygiene.read import ReadOptions
from hygiene.segment import segment
from hygiene.suppress import Suppression


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs, picklable: how to read, which rules, which model,
    what is not reported. It names the job too: a resumed job must have the same."""

    read: ReadOptions = field(default_factory=ReadOptions)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    embedder: str = DEFAULTS["embedder"]
    corpus: CorpusOptions = field(default_factory=CorpusOptions)
    suppress: Suppression = field(default_factory=Suppression)
    time_limit: float = DEFAULTS["time-limit"]  # seconds per document; 0: none
    # A clean job drops near-duplicates whole: they need their HY311 finding only.
    skip_duplicates: bool = False
    threads: int | None = None  # per worker for the embedding model; None: its default
    embedding_cache: str | None = None  # vectors kept between runs (speed only)


@dataclass(frozen=True)
class Analysed:
    """A document after the second pass, or the read error it was.

    ``problem`` says why a document could not be analysed (time limit, crash);
    it is then passed through unchanged and reported, never dropped silently.
    """

    item: FileResult | ReadError
    problem: str | None = None
    # Only the corpus findings: a near-duplicate that a clean job drops whole is
    # not run through the pipeline (in a reprint-heavy corpus, half the work).
    partial: bool = False


class DocumentTimeout(Exception):
    """A document ran past the per-document time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout in this block after ``seconds`` (main thread only:
    the signal is checked between Python steps, so a document bounded by the size
    limit cannot hold it off for long)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def fingerprint(item: Document | ReadError) -> int:
    """64 bits that change when a document's id or text does: a resumed job checks
    that its inputs are still the ones its first pass saw."""
    if isinstance(item, ReadError):
        data = f"error\0{item.path}\0{item.message}"
    else:
        data = f"doc\0{item.id}\0{item.text}"
    blob = data.encode("utf-8", "surrogatepass")  # a name that was not UTF-8 too
    return int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "big")


def preflight(spec: JobSpec) -> None:
    """Build the selected detectors here and now: a missing model file or backend
    stops the run (SetupError) before any input is read. Loads are cached per
    process, so a worker in this process does not load them twice."""
    _ = Worker(spec).pipeline


class Worker:
    """The work of one process: sketches in the first pass, analysis in the second."""

    def __init__(self, spec: JobSpec, decisions: CorpusDecisions | None = None) -> None:
        self.spec = spec
        self.decisions = decisions
        self._corpus = CorpusPass(spec.corpus)
        self._pipeline: Pipeline | None = None

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            from hygiene.detectors import default_detectors
            from hygiene.embed import configure_cache, configure_threads

            configure_threads(self.spec.threads)
            configure_cache(self.spec.embedding_cache)
            spec = self.spec
            detectors = default_detectors(spec.embedder, spec.include, spec.exclude)
            self._pipeline = Pipeline(detectors, self.spec.include, self.spec.exclude)
        return self._pipeline

    def sketch(self, item: Document | ReadError) -> tuple[Sketch | ReadError, int]:
        """First pass: the document's sketch (or its read error) and fingerprint."""
        if isinstance(item, ReadError):
            return item, fingerprint(item)
        return self._corpus.sketch(item), fingerprint(item)

    def analyse(self, item: Document | ReadError) -> Analysed:
        """Second pass: the document segmented once, the pipeline's findings plus the
        corpus decisions, less what the job does not report."""
        if isinstance(item, ReadError):
            return Analysed(item)
        dropped = self._dropped_whole(item)
        if dropped is not None:
            return Analysed(dropped, partial=True)
        try:
            with time_limit(self.spec.time_limit):
                seg = segment(item)
                result = self.pipeline.analyze(seg)
                if self.decisions is not None:
                    added = self.decisions.findings(seg)
                    if added:
                        result = FileResult(item, resolve([*result.findings, *added]))
        except SetupError:
            raise  # the installation, not this document: the run stops with it
        except DocumentTimeout:
            limit = f"{self.spec.time_limit:g}"
            return Analysed(FileResult(item, []), f"time limit of {limit} s exceeded")
        except Exception as exc:  # one bad document must not end a corpus job
            return Analysed(FileResult(item, []), f"internal error: {type(exc).__name__}: {exc}")
        return Analysed(self.spec.suppress.apply(result))

    def _dropped_whole(self, doc: Document) -> FileResult | None:
        """A near-duplicate a clean job leaves out: its HY311 is all it needs, unless
        the job does not report that HY311 (then it stays, and is analysed)."""
        dup = self.decisions.duplicates.get(doc.id) if self.decisions else None
        if not self.spec.skip_duplicates or dup is None:
            return None
        result = self.spec.suppress.apply(FileResult(doc, [near_duplicate(doc, dup)]))
        return result if result.findings else None

"""Corpus jobs in two passes, on any engine.

Corpus-wide decisions need the whole corpus first, and the corpus need not fit
in memory, so a job reads its inputs twice:

1. **sketch**: every document becomes a ``Sketch`` (MinHash signature, figures,
   paragraph digests); the sketches give the near-duplicate clusters and the
   paragraphs repeated across documents (``CorpusDecisions``). Memory grows
   with the corpus only by the sketches: this is the near-duplicate index.
2. **analyse**: every document runs through the pipeline, plus the corpus
   decisions that concern it, and goes straight to its consumer (the clean
   writer, the report) in input order.

``run_clean`` adds what batch cleaning needs: the job state in the output
folder, so that a killed job resumes where it stopped (see hygiene.batch.state).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from hygiene import __version__
from hygiene.batch.engines import Engine
from hygiene.batch.outdir import OutDir
from hygiene.batch.progress import Progress
from hygiene.batch.spool import Spool
from hygiene.batch.state import LOCK_NAME, JobState
from hygiene.batch.worker import Analysed, JobSpec, fingerprint
from hygiene.batch.writer import CleanStats, CleanWriter
from hygiene.corpus.decisions import CorpusDecisions, CorpusPass
from hygiene.document import Document, ReadError
from hygiene.lock import exclusive
from hygiene.report import Report


class InputsChanged(Exception):
    """A resumed job found inputs that differ from what its first pass saw."""


@dataclass
class FirstPass:
    decisions: CorpusDecisions
    fingerprints: array  # type: ignore[type-arg]  # 'Q', one per input item, in order

    def __len__(self) -> int:
        return len(self.fingerprints)


def first_pass(
    engine: Engine, paths: Sequence[str], spec: JobSpec, *, progress: bool | None = None
) -> FirstPass:
    """Sketch every document and decide the corpus-wide findings."""
    corpus = CorpusPass(spec.corpus)
    prints = array("Q")
    with Progress("pass 1/2: sketching", enabled=progress) as bar:
        for sketch, print_ in engine.sketches(paths, spec):
            prints.append(print_)
            if not isinstance(sketch, ReadError):
                corpus.add(sketch)
            bar.advance()
    return FirstPass(corpus.decide(engine.linked()), prints)


def second_pass(
    engine: Engine,
    paths: Sequence[str],
    spec: JobSpec,
    first: FirstPass,
    *,
    skip: Callable[[int], bool] | None = None,
    already: int = 0,
    progress: bool | None = None,
) -> Iterator[tuple[int, Analysed]]:
    """Analyse every document (but those ``skip`` names), in input order.

    Every input, skipped or not, must be the one the first pass saw (same id and
    text, same count): a resumed job whose inputs changed would otherwise mix
    decisions made on other texts into its output."""
    seen = 0

    def visit(ordinal: int, item: Document | ReadError) -> bool:
        nonlocal seen
        if ordinal >= len(first) or first.fingerprints[ordinal] != fingerprint(item):
            raise InputsChanged(f"{_name(item)} changed since this job's first pass; {_AGAIN}")
        seen += 1
        return skip is not None and skip(ordinal)

    with Progress("pass 2/2: analysing", total=len(first), enabled=progress) as bar:
        bar.done = already
        for ordinal, analysed in engine.analysed(paths, spec, first.decisions, visit):
            bar.advance()
            yield ordinal, analysed
    if seen != len(first):
        raise InputsChanged(
            f"the inputs changed since this job's first pass: {len(first) - seen} "
            f"document(s) are gone; {_AGAIN}"
        )


_AGAIN = "add --restart to start the job again"


def _name(item: Document | ReadError) -> str:
    return item.path if isinstance(item, ReadError) else item.id


def job_key(paths: Sequence[str], spec: JobSpec, **extra: object) -> str:
    """Names a job by what decides its output: inputs, settings, version."""
    settings = asdict(spec)
    settings.pop("threads")  # how fast, not what: a resumed job may change them
    settings.pop("embedding_cache")
    data = {
        "version": __version__,
        "paths": [str(Path(p).resolve()) if p != "-" else p for p in paths],
        "spec": settings,
        "extra": extra,
    }
    blob = json.dumps(data, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


@dataclass
class CleanOutcome:
    stats: CleanStats
    resumed: bool
    errors: int  # inputs skipped or copied unchanged, in this run and before it


def run_clean(
    engine: Engine,
    paths: Sequence[str],
    spec: JobSpec,
    out_dir: str,
    *,
    text_field: str = "text",
    annotate: bool = False,
    restart: bool = False,
    progress: bool | None = None,
    on_error: Callable[[ReadError], None] | None = None,
) -> CleanOutcome:
    """Clean a corpus into ``out_dir``, resuming an interrupted run of the same job.
    The job holds the lock of ``out_dir`` from start to end: a second job into the
    same folder is refused (LockHeld), never merged with this one."""
    out = OutDir(Path(out_dir).resolve())
    state = JobState(out)
    writer = CleanWriter(out_dir, paths, text_field, annotate=annotate, state=state)
    with out, exclusive(out.fd, LOCK_NAME, f"--out {out_dir}"):
        return _clean(engine, paths, spec, state, writer, restart, progress, on_error)


def _clean(
    engine: Engine,
    paths: Sequence[str],
    spec: JobSpec,
    state: JobState,
    writer: CleanWriter,
    restart: bool,
    progress: bool | None,
    on_error: Callable[[ReadError], None] | None,
) -> CleanOutcome:
    key = job_key(paths, spec, text_field=writer.text_field, annotate=writer.annotate)
    resumed = state.begin(key, restart=restart)
    first: FirstPass | None = state.load("first-pass") if resumed else None
    if first is None:
        first = first_pass(engine, paths, spec, progress=progress)
        state.save("first-pass", first)
    done = state.done_shards()
    already = sum(min(state.shard_size, len(first) - s * state.shard_size) for s in done)
    spec = replace(spec, skip_duplicates=True)
    with writer:
        for ordinal, analysed in second_pass(
            engine,
            paths,
            spec,
            first,
            skip=lambda o: state.shard_of(o) in done,
            already=already,
            progress=progress,
        ):
            error = writer.add(analysed, ordinal)
            if error is not None and on_error is not None:
                on_error(error)
    stats = writer.stats
    return CleanOutcome(stats, resumed, stats.skipped + stats.copied)


def run_report(
    engine: Engine, paths: Sequence[str], spec: JobSpec, *, progress: bool | None = None
) -> Report:
    """Both passes over the inputs; the per-file results go to a spool on disk, so
    memory stays flat whatever the corpus size."""
    report = Report(files=Spool(), thresholds=thresholds(spec))
    first = first_pass(engine, paths, spec, progress=progress)
    for _, analysed in second_pass(engine, paths, spec, first, progress=progress):
        item = analysed.item
        if isinstance(item, ReadError):
            report.errors.append(item)
            continue
        report.files.append(item)
        if analysed.problem:
            report.errors.append(ReadError(item.doc.id, analysed.problem))
    report.clusters = first.decisions.clusters
    return report


def thresholds(spec: JobSpec) -> dict[str, object]:
    """The settings that decide what is flagged, and the calibrated model thresholds."""
    neardup = spec.corpus.neardup
    out: dict[str, object] = {
        "near-duplicate-threshold": neardup.threshold,
        "near-duplicate-containment": neardup.min_containment,
        "repeated-min-documents": spec.corpus.min_documents,
        "keep": neardup.keep,
        "embedder": spec.embedder,
        "select": list(spec.include),
        "ignore": list(spec.exclude),
    }
    if spec.embedder != "none":
        from dataclasses import asdict

        from hygiene.detectors.topic import Calibration

        out.update({f"topic.{k}": v for k, v in asdict(Calibration.load()).items()})
    return out

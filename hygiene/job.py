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
folder, so that a killed job resumes where it stopped (see hygiene.state).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from hygiene import __version__
from hygiene.corpus import CorpusDecisions, CorpusPass
from hygiene.document import Document
from hygiene.engine import Engine
from hygiene.pipeline import FileResult
from hygiene.progress import Progress
from hygiene.read import ReadError
from hygiene.state import JobState
from hygiene.work import Analysed, JobSpec, Worker, fingerprint
from hygiene.writer import CleanStats, CleanWriter

Postprocess = Callable[[FileResult], FileResult]


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
    return FirstPass(corpus.decide(engine.candidates()), prints)


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


def _dropped(analysed: Analysed) -> bool:
    item = analysed.item
    return isinstance(item, FileResult) and any(f.code == "HY311" for f in item.findings)


def job_key(paths: Sequence[str], spec: JobSpec, **extra: object) -> str:
    """Names a job by what decides its output: inputs, settings, version."""
    settings = asdict(spec)
    settings.pop("threads")
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
    postprocess: Postprocess | None = None,
    on_error: Callable[[ReadError], None] | None = None,
    key_extra: dict[str, object] | None = None,
) -> CleanOutcome:
    """Clean a corpus into ``out_dir``, resuming an interrupted run of the same job."""
    state = JobState(Path(out_dir).resolve())
    writer = CleanWriter(out_dir, paths, text_field, annotate=annotate, state=state)
    key = job_key(paths, spec, text_field=text_field, annotate=annotate, **(key_extra or {}))
    resumed = state.begin(key, restart=restart)
    first: FirstPass | None = state.load("first-pass") if resumed else None
    if first is None:
        first = first_pass(engine, paths, spec, progress=progress)
        state.save("first-pass", first)
    done = state.done_shards()
    already = sum(min(state.shard_size, len(first) - s * state.shard_size) for s in done)
    spec = replace(spec, skip_duplicates=True)
    fallback: Worker | None = None
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
            item = analysed.item
            if postprocess is not None and isinstance(item, FileResult):
                analysed = replace(analysed, item=postprocess(item))
            if analysed.partial and not _dropped(analysed):
                # Its HY311 was suppressed (per-file-ignores, a directive): it stays in
                # the corpus after all, so it is analysed here like any other.
                fallback = fallback or Worker(replace(spec, skip_duplicates=False), first.decisions)
                analysed = fallback.analyse(item.doc if isinstance(item, FileResult) else item)
                if postprocess is not None and isinstance(analysed.item, FileResult):
                    analysed = replace(analysed, item=postprocess(analysed.item))
            error = writer.add(analysed, ordinal)
            if error is not None and on_error is not None:
                on_error(error)
    stats = writer.stats
    return CleanOutcome(stats, resumed, stats.skipped + stats.copied)

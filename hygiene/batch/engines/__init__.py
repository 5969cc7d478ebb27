"""Engines: where the per-document work of a job runs.

An engine runs the two passes of a job over the inputs and hands back results
in input order, so output never depends on the engine or on ``--jobs``:

- ``sketches``: the first pass, a (sketch or read error, fingerprint) per item;
- ``linked``: near-duplicate pairs the engine verified itself, bucket by bucket
  of the LSH band keys (None: the job's in-memory LSH index finds them; see
  ``hygiene.corpus.linking``);
- ``analysed``: the second pass, one ``Analysed`` per item not skipped; every
  item is first shown to ``visit``, which may skip it.

``local.LocalEngine`` uses worker processes on this machine; ``ray.RayEngine``
runs the same ``Worker`` on Ray Data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from hygiene.batch.worker import Analysed, JobSpec
from hygiene.corpus.decisions import CorpusDecisions, Sketch
from hygiene.document import Document, ReadError

ENGINES = ("local", "ray")


class EngineUnavailable(Exception):
    """An engine that cannot run here (Ray not installed, or stdin given to Ray)."""


Item = Document | ReadError
SketchResult = tuple[Sketch | ReadError, int]
# Called with every item of the second pass, in order, before it is analysed;
# True skips it (a resumed job's finished shard). The job checks inputs here.
Visit = Callable[[int, Item], bool]


class Engine(Protocol):
    def sketches(self, paths: Sequence[str], spec: JobSpec) -> Iterator[SketchResult]: ...

    def linked(self) -> Iterator[tuple[str, str]] | None: ...

    def analysed(
        self,
        paths: Sequence[str],
        spec: JobSpec,
        decisions: CorpusDecisions,
        visit: Visit | None = None,
    ) -> Iterator[tuple[int, Analysed]]: ...

    def close(self) -> None: ...


def resolve_jobs(jobs: int) -> int:
    """``--jobs 0`` means one per core."""
    return jobs if jobs > 0 else max(1, os.cpu_count() or 1)

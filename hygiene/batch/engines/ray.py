"""The Ray engine: the same two passes on Ray Data, for corpora beyond one machine.

- Sources (files) are a dataset; ``flat_map`` reads each into documents on the
  workers, so the driver never holds the corpus.
- Per-document stages are ``map_batches`` over a pool of actors, each holding
  one ``Worker`` (the model loads once per actor).
- Near-duplicate candidates are found by grouping LSH band keys with
  ``groupby``: documents sharing a bucket become candidate pairs, the same set
  the local engine's in-memory index finds. Verification and clustering then
  run on the driver over the (small) sketches, with the same code as locally,
  so the output is the same as the local engine's.

Rows carry pickled objects: our Documents, Sketches and results are plain
dataclasses, and pickle keeps them exact. Install with ``pip install
'hygiene[ray]'``; connect to a cluster with ``--ray-address`` or RAY_ADDRESS.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any

from hygiene.batch.engines import EngineUnavailable, Visit
from hygiene.batch.worker import Analysed, JobSpec, Worker
from hygiene.corpus.decisions import CorpusDecisions, CorpusPass
from hygiene.document import ReadError
from hygiene.read import ReadOptions, Source, iter_sources, read_source

if TYPE_CHECKING:
    import ray.data

SketchResult = tuple[Any, int]
BATCH = 16  # documents per batch handed to an actor


class RayEngine:
    """Runs a job on Ray Data: a local Ray instance, or the cluster at ``address``."""

    def __init__(self, jobs: int = 2, address: str | None = None) -> None:
        try:
            import ray
            import ray.data
        except ImportError as exc:
            raise EngineUnavailable("the ray engine needs Ray: pip install 'hygiene[ray]'") from exc
        address = address or os.environ.get("RAY_ADDRESS")
        if not ray.is_initialized():
            options: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": "ERROR",
            }
            if address:
                ray.init(address=address, **options)
            else:
                ray.init(num_cpus=jobs, **options)
        import logging

        logging.getLogger("ray.data").setLevel(logging.ERROR)  # the job reports progress
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # output in input order
        context.enable_progress_bars = False  # the job draws its own
        context.print_on_execution_start = False
        self.jobs = jobs
        self._sketched: ray.data.Dataset | None = None
        self._spec: JobSpec | None = None

    def _documents(self, paths: Sequence[str], spec: JobSpec) -> ray.data.Dataset:
        import ray.data

        sources = list(iter_sources(paths, spec.read))
        if any(isinstance(s, Source) and s.is_stdin for s in sources):
            raise EngineUnavailable("the ray engine reads files, not standard input")
        rows = [{"blob": pickle.dumps(s)} for s in sources]
        blocks = max(1, min(len(rows), self.jobs * 4))
        dataset = ray.data.from_items(rows, override_num_blocks=blocks)
        # Reading is light: it takes no CPU slot, which the model actors need.
        read: Any = _read_source
        return dataset.flat_map(read, fn_kwargs={"read": spec.read}, num_cpus=0)

    def sketches(self, paths: Sequence[str], spec: JobSpec) -> Iterator[SketchResult]:
        import ray.data

        dataset = self._documents(paths, spec).map_batches(
            _Sketcher,
            fn_constructor_args=(spec,),
            batch_size=BATCH * 4,
            compute=ray.data.ActorPoolStrategy(size=self.jobs),
            batch_format="numpy",
        )
        self._sketched = dataset.materialize()
        self._spec = spec
        for row in self._sketched.iter_rows():
            yield pickle.loads(row["blob"])

    def candidates(self) -> set[tuple[str, str]] | None:
        """Candidate pairs from documents that share an LSH bucket."""
        if self._sketched is None or self._spec is None:
            return set()
        bands = self._sketched.flat_map(_band_rows)
        if bands.count() == 0:
            return set()
        pairs = bands.groupby("band").map_groups(_pairs_in_bucket, batch_format="numpy")
        return {(str(row["a"]), str(row["b"])) for row in pairs.iter_rows()}

    def analysed(
        self,
        paths: Sequence[str],
        spec: JobSpec,
        decisions: CorpusDecisions,
        visit: Visit | None = None,
    ) -> Iterator[tuple[int, Analysed]]:
        """Every document analysed on the actors. A resumed job redoes the shards it
        had finished too (Ray retries failed tasks itself), and the writer skips them."""
        import ray
        import ray.data

        shared = ray.put(decisions)
        dataset = self._documents(paths, spec).map_batches(
            _Analyser,
            fn_constructor_args=(spec, shared),
            batch_size=BATCH,
            compute=ray.data.ActorPoolStrategy(size=self.jobs),
            batch_format="numpy",
        )
        for ordinal, row in enumerate(dataset.iter_rows()):
            analysed: Analysed = pickle.loads(row["blob"])
            item = analysed.item
            document = item if isinstance(item, ReadError) else item.doc
            if visit is None or not visit(ordinal, document):
                yield ordinal, analysed

    def close(self) -> None:
        self._sketched = None


def _read_source(row: dict[str, Any], read: ReadOptions) -> list[dict[str, bytes]]:
    source = pickle.loads(row["blob"])
    if isinstance(source, ReadError):
        return [{"blob": row["blob"]}]
    return [{"blob": pickle.dumps(item)} for item in read_source(source, read)]


class _Sketcher:
    def __init__(self, spec: JobSpec) -> None:
        self.worker = Worker(spec)
        self.finder = CorpusPass(spec.corpus).finder  # for the band keys

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        blobs, bands = [], []
        for blob in batch["blob"]:
            sketch, print_ = self.worker.sketch(pickle.loads(blob))
            entry = getattr(sketch, "entry", None)
            comparable = entry is not None and self.finder.comparable(entry)
            keys = self.finder.band_keys(entry) if entry is not None and comparable else []
            blobs.append(pickle.dumps((sketch, print_)))
            bands.append(pickle.dumps((getattr(sketch, "key", ""), keys)))
        return {"blob": blobs, "bands": bands}


def _band_rows(row: dict[str, Any]) -> list[dict[str, Any]]:
    key, keys = pickle.loads(row["bands"])
    return [{"band": band, "key": key} for band in keys]


def _pairs_in_bucket(group: dict[str, Any]) -> dict[str, list[str]]:
    members = sorted({str(k) for k in group["key"]})
    pairs = list(combinations(members, 2))
    return {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]}


class _Analyser:
    def __init__(self, spec: JobSpec, decisions: Any) -> None:
        import ray

        if isinstance(decisions, ray.ObjectRef):  # shared once through the object store
            decisions = ray.get(decisions)
        self.worker = Worker(spec, decisions)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[bytes]]:
        out = [pickle.dumps(self.worker.analyse(pickle.loads(blob))) for blob in batch["blob"]]
        return {"blob": out}

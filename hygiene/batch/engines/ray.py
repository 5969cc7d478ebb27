"""The Ray engine: the same two passes on Ray Data, for corpora beyond one machine.

- Sources (files) are a dataset; ``flat_map`` reads each into documents on the
  workers, so the driver never holds the corpus.
- Per-document stages are ``map_batches`` over a pool of actors, each holding
  one ``Worker`` (the model loads once per actor).
- Near-duplicates are linked on the workers: the LSH band keys are grouped with
  ``groupby``, and each bucket's documents are verified against their next
  bucket-mates (``hygiene.corpus.linking`` step 1) with the finder's pair check.
  Only a spanning forest of each bucket's verified pairs reaches the driver,
  whose components are those the local engine finds; the driver then verifies
  the pairs inside each component and groups them with the same code as locally,
  so the output is the same as the local engine's.

Rows carry pickled objects: our Documents, Sketches and results are plain
dataclasses, and pickle keeps them exact. Install with ``pip install
'hygiene[ray]'``; connect to a cluster with ``--ray-address`` or RAY_ADDRESS.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from hygiene.batch.engines import EngineUnavailable, Visit
from hygiene.batch.worker import Analysed, JobSpec, Worker
from hygiene.corpus.decisions import CorpusDecisions, CorpusPass
from hygiene.corpus.linking import WINDOW
from hygiene.corpus.neardup import Entry, NearDuplicateFinder, NearDupOptions
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

    def linked(self) -> Iterator[tuple[str, str]] | None:
        """Verified pairs linking documents that share an LSH bucket."""
        if self._sketched is None or self._spec is None:
            return iter(())
        bands = self._sketched.flat_map(_band_rows)
        if bands.count() == 0:
            return iter(())
        options = self._spec.corpus.neardup
        link: Any = _linked_in_bucket
        pairs = bands.groupby("band").map_groups(
            link, fn_kwargs={"options": options}, batch_format="numpy"
        )
        return ((str(row["a"]), str(row["b"])) for row in pairs.iter_rows())

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
            bands.append(pickle.dumps((entry, keys)))
        return {"blob": blobs, "bands": bands}


def _band_rows(row: dict[str, Any]) -> list[dict[str, Any]]:
    entry, keys = pickle.loads(row["bands"])
    sketch = pickle.dumps(entry)
    return [{"band": band, "key": entry.key, "entry": sketch} for band in keys]


def _linked_in_bucket(group: dict[str, Any], options: NearDupOptions) -> dict[str, list[str]]:
    """A bucket's documents in key order, each verified against its next
    ``WINDOW - 1`` bucket-mates unless already linked: the verified pairs that
    joined two groups (a spanning forest of the bucket's verified pairs)."""
    finder = NearDuplicateFinder(options)
    entries: dict[str, Entry] = {
        str(k): pickle.loads(e) for k, e in zip(group["key"], group["entry"], strict=True)
    }
    members = sorted(entries)
    root = list(range(len(members)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    a, b = [], []
    for i, x in enumerate(members):
        for k in range(i + 1, min(i + WINDOW, len(members))):
            ri, rk = find(i), find(k)
            if ri == rk:
                continue
            ex, ey = entries[x], entries[members[k]]
            if finder.same_story(ex, ey, *finder.similar(ex, ey)):
                root[max(ri, rk)] = min(ri, rk)
                a.append(x)
                b.append(members[k])
    return {"a": a, "b": b}


class _Analyser:
    def __init__(self, spec: JobSpec, decisions: Any) -> None:
        import ray

        if isinstance(decisions, ray.ObjectRef):  # shared once through the object store
            decisions = ray.get(decisions)
        self.worker = Worker(spec, decisions)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[bytes]]:
        out = [pickle.dumps(self.worker.analyse(pickle.loads(blob))) for blob in batch["blob"]]
        return {"blob": out}

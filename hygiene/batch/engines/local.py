"""The local engine: worker processes on this machine, each loading the model once."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from hygiene.batch.engines import Item, SketchResult, Visit, resolve_jobs
from hygiene.batch.worker import Analysed, JobSpec, Worker
from hygiene.corpus.decisions import CorpusDecisions
from hygiene.read import iter_documents

CHUNK = 16  # documents per task: amortises the inter-process hop
AHEAD = 4  # tasks in flight per worker: keeps workers busy, memory bounded


class LocalEngine:
    """Worker processes on this machine, each loading the model once.

    With one job everything runs in this process (no start-up cost, the right
    choice for a pre-commit hook). Documents are read here and sent to workers
    in chunks, with a bounded number of chunks in flight, so memory stays flat
    however large the corpus.
    """

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = resolve_jobs(jobs)

    def sketches(self, paths: Sequence[str], spec: JobSpec) -> Iterator[SketchResult]:
        items = iter_documents(paths, spec.read)
        return self._map(spec, None, "sketch", items)

    def linked(self) -> Iterator[tuple[str, str]] | None:
        return None

    def analysed(
        self,
        paths: Sequence[str],
        spec: JobSpec,
        decisions: CorpusDecisions,
        visit: Visit | None = None,
    ) -> Iterator[tuple[int, Analysed]]:
        numbered = enumerate(iter_documents(paths, spec.read))
        todo = ((i, item) for i, item in numbered if visit is None or not visit(i, item))
        ordinals: deque[int] = deque()

        def items() -> Iterator[Item]:
            for i, item in todo:
                ordinals.append(i)
                yield item

        for result in self._map(spec, decisions, "analyse", items()):
            analysed: Analysed = result
            yield ordinals.popleft(), analysed

    def close(self) -> None:
        pass

    def _map(
        self, spec: JobSpec, decisions: CorpusDecisions | None, method: str, items: Iterable[Item]
    ) -> Iterator[Any]:
        if self.jobs == 1:
            worker = Worker(spec, decisions)
            call = getattr(worker, method)
            return (call(item) for item in items)
        return self._pooled(spec, decisions, method, items)

    def _pooled(
        self, spec: JobSpec, decisions: CorpusDecisions | None, method: str, items: Iterable[Item]
    ) -> Iterator[Any]:
        import multiprocessing

        # spawn, not fork: forking a process whose model runtime has threads can deadlock.
        context = multiprocessing.get_context("spawn")
        threads = spec.threads or 1  # a thread per worker: the processes are the parallelism
        with ProcessPoolExecutor(
            self.jobs,
            context,
            initializer=_start_worker,
            initargs=(spec, decisions, threads, os.getpid()),
        ) as pool:
            pending: deque[Future[list[Any]]] = deque()
            iterator = iter(items)
            while chunk := list(islice(iterator, CHUNK)):
                pending.append(pool.submit(_run_chunk, method, chunk))
                if len(pending) >= self.jobs * AHEAD:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()


_WORKER: Worker | None = None


def _start_worker(
    spec: JobSpec, decisions: CorpusDecisions | None, threads: int, parent: int
) -> None:
    global _WORKER
    from dataclasses import replace

    exit_with_parent(parent)

    _WORKER = Worker(replace(spec, threads=threads), decisions)


def _run_chunk(method: str, chunk: list[Item]) -> list[object]:
    assert _WORKER is not None, "worker not started"
    call = getattr(_WORKER, method)
    return [call(item) for item in chunk]


PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_INTERVAL = 1.0  # seconds between two looks at the parent


def exit_with_parent(parent: int) -> None:
    """A worker must not outlive its job: after ``kill -9`` of the main process its
    workers would go on for hours. On Linux the kernel kills the worker with its
    parent (PR_SET_PDEATHSIG); everywhere, a thread checks the parent every second."""
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):  # the watchdog still stops it
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before this worker was ready
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)

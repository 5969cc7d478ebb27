"""The state of a batch job in its output folder, so that a killed job resumes.

``OUT/.hygiene-job/`` holds:
- ``job.json``: the job's key (inputs and settings); another job is refused;
- ``first-pass.pickle``: the corpus decisions and the fingerprint of every input
  document, saved once the first pass is complete;
- ``parts/NNNNNNNN.jsonl``: the outcome of each shard of documents of the second
  pass (records, manifest entries), each written whole or not at all.

Every file here is written to a temporary name and renamed, so ``kill -9`` at
any moment leaves whole files; a restart skips the shards with a part and the
first pass when its result is saved. The folder is removed when the job ends.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hygiene.batch.outdir import OutDir
from hygiene.errors import OutputUnavailable, describe

STATE_DIR = ".hygiene-job"
LOCK_NAME = ".hygiene-lock"  # held for the whole job (hygiene.lock), then removed
SHARD = 256  # documents per part file


class JobMismatch(Exception):
    """The output folder holds an unfinished job with other inputs or settings."""


@contextmanager
def _state_io(out: OutDir) -> Iterator[None]:
    """The job's own files are essential: failing to write them stops the job."""
    try:
        yield
    except OSError as exc:
        raise OutputUnavailable(
            f"cannot write the job state in --out {out.path}: {describe(exc)}; what was "
            "written is whole: run the same command again to resume"
        ) from exc


class JobState:
    def __init__(self, out: Path | OutDir, shard_size: int | None = None) -> None:
        self.out = out if isinstance(out, OutDir) else OutDir(out)
        self.shard_size = shard_size or SHARD
        self.started = False
        self.resumed = False

    def begin(self, key: str, *, restart: bool = False) -> bool:
        """Start or resume the job named by ``key``; True when resuming."""
        with _state_io(self.out):
            job = self.out.open_read(f"{STATE_DIR}/job.json")
            if job is not None and not restart:
                with job:
                    try:
                        found = json.loads(job.read().decode("utf-8")).get("key")
                    except (OSError, ValueError, AttributeError):
                        found = None
                if found != key:
                    raise JobMismatch(
                        f"{self.out.path} holds an unfinished job with other inputs or "
                        "settings; run that job's command again to finish it, or add "
                        "--restart to discard it"
                    )
                self.started = self.resumed = True
                self.out.sweep_temp_files()  # a kill between a temp file and its rename
                return True
            if job is not None:
                job.close()
            if self.out.listdir(STATE_DIR):
                self.out.sweep_temp_files()
            self.clear()
            self._write(f"{STATE_DIR}/job.json", json.dumps({"key": key}).encode())
        self.started = True
        return False

    def shard_of(self, ordinal: int) -> int:
        return ordinal // self.shard_size

    def save(self, name: str, value: object) -> None:
        self._write(f"{STATE_DIR}/{name}.pickle", pickle.dumps(value, protocol=5))

    def load(self, name: str) -> Any:
        """A saved value, or None. Only this job's own files are ever unpickled."""
        with _state_io(self.out):
            fh = self.out.open_read(f"{STATE_DIR}/{name}.pickle")
            if fh is None:
                return None
            with fh:
                return pickle.load(fh)

    def done_shards(self) -> set[int]:
        with _state_io(self.out):
            names = self.out.listdir(f"{STATE_DIR}/parts")
        return {int(n[:-6]) for n in names if n.endswith(".jsonl") and n[:-6].isdigit()}

    def write_part(self, shard: int, entries: list[dict[str, object]]) -> None:
        data = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        # A name that was not UTF-8 (surrogate escapes) stays a JSON escape.
        self._write(f"{STATE_DIR}/parts/{shard:08d}.jsonl", data.encode("utf-8", "surrogatepass"))

    def read_parts(self) -> Iterator[dict[str, Any]]:
        """Every part entry, in input order."""
        for shard in sorted(self.done_shards()):
            with _state_io(self.out):
                fh = self.out.open_read(f"{STATE_DIR}/parts/{shard:08d}.jsonl")
            if fh is None:
                continue
            with fh:
                for line in fh:
                    yield json.loads(line.decode("utf-8", "surrogatepass"))

    def clear(self) -> None:
        with _state_io(self.out):
            self.out.remove_tree(STATE_DIR)

    def _write(self, rel: str, data: bytes) -> None:
        with _state_io(self.out):
            self.out.write_bytes(rel, data, sync=True)

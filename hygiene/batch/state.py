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
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hygiene.atomic import sweep_temp_files, write_bytes

STATE_DIR = ".hygiene-job"
SHARD = 256  # documents per part file


class JobMismatch(Exception):
    """The output folder holds an unfinished job with other inputs or settings."""


class JobState:
    def __init__(self, out: Path, shard_size: int | None = None) -> None:
        self.dir = out / STATE_DIR
        self.shard_size = shard_size or SHARD
        self.started = False
        self.resumed = False

    def begin(self, key: str, *, restart: bool = False) -> bool:
        """Start or resume the job named by ``key``; True when resuming."""
        job = self.dir / "job.json"
        if job.exists() and not restart:
            try:
                found = json.loads(job.read_text("utf-8")).get("key")
            except (OSError, ValueError):
                found = None
            if found != key:
                raise JobMismatch(
                    f"{self.dir.parent} holds an unfinished job with other inputs or settings; "
                    "run that job's command again to finish it, or add --restart to discard it"
                )
            self.started = self.resumed = True
            sweep_temp_files(self.dir.parent)  # a kill between a temp file and its rename
            return True
        if self.dir.exists():
            sweep_temp_files(self.dir.parent)
        self.clear()
        write_bytes(job, json.dumps({"key": key}).encode(), sync=True)
        self.started = True
        return False

    def shard_of(self, ordinal: int) -> int:
        return ordinal // self.shard_size

    def save(self, name: str, value: object) -> None:
        write_bytes(self.dir / f"{name}.pickle", pickle.dumps(value, protocol=5), sync=True)

    def load(self, name: str) -> Any:
        """A saved value, or None. Only this job's own files are ever unpickled."""
        path = self.dir / f"{name}.pickle"
        if not path.exists():
            return None
        with path.open("rb") as fh:
            return pickle.load(fh)

    def done_shards(self) -> set[int]:
        parts = self.dir / "parts"
        if not parts.is_dir():
            return set()
        return {int(p.stem) for p in parts.glob("*.jsonl") if p.stem.isdigit()}

    def write_part(self, shard: int, entries: list[dict[str, object]]) -> None:
        data = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        write_bytes(self.dir / "parts" / f"{shard:08d}.jsonl", data.encode("utf-8"), sync=True)

    def read_parts(self) -> Iterator[dict[str, Any]]:
        """Every part entry, in input order."""
        for shard in sorted(self.done_shards()):
            path = self.dir / "parts" / f"{shard:08d}.jsonl"
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line)

    def clear(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

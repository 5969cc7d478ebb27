"""Near-duplicates at scale: time and peak RSS from 10k to 1M documents.

Builds corpora from the neardup dev folder under a work folder (never in the
repository), as JSONL shards of 10,000 records:

- **reprint-heavy**: the dev documents repeated, each copy after the first with
  light random edits (a word dropped, doubled or swapped with its neighbour, a
  house-style rewrite) about once per 40 words; a copy belongs to its original's
  gold cluster, so the clusters are scored (ARI, the bench's own scorer);
- **reprint-free**: the dev documents' lines shuffled across documents and
  recombined into documents of the dev documents' line counts: the same text, few
  near-duplicates.

Then, per kind and size, each in a fresh process (peak RSS is that process's):

1. the **near-duplicate pass alone**: the job's first pass with only HY311
   selected (read, sketch, cluster), one process;
2. the **whole pipeline on a sample** (``--sample`` documents of each kind):
   ``hygiene report --format json`` with the default embedder, ``-j 1``.

Usage: python scripts/bench_scale.py [--sizes 10000,100000,1000000]
       [--kinds reprint-heavy,reprint-free] [--work DIR] [--sample 2000] [--no-pipeline]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("reprint-heavy", "reprint-free")
SHARD = 10_000
STYLE = {" said ": " says ", " pct ": " percent ", " mln ": " million ", " dlrs ": " dollars "}


def dev_documents(bench: Path) -> tuple[list[str], list[str]]:
    """(names, texts) of the neardup dev documents, in name order."""
    paths = sorted((bench / "neardup" / "docs").glob("*.txt"))
    return [p.name for p in paths], [p.read_text("utf-8") for p in paths]


def edited(text: str, rng: random.Random) -> str:
    """A light edit: about one word in 40 dropped, doubled or swapped; a house style."""
    words = text.split(" ")
    for _ in range(max(1, len(words) // 40)):
        i = rng.randrange(len(words))
        kind = rng.randrange(3)
        if kind == 0 and len(words) > 1:
            del words[i]
        elif kind == 1:
            words.insert(i, words[i])
        elif i + 1 < len(words):
            words[i], words[i + 1] = words[i + 1], words[i]
    out = " ".join(words)
    old, new = rng.choice(list(STYLE.items()))
    return out.replace(old, new)


def reprint_heavy(texts: list[str], size: int, seed: int) -> Iterator[tuple[int, str]]:
    """(original, text) per document: copy k of document i is record k * n + i."""
    rng = random.Random(seed)
    for ordinal in range(size):
        original = ordinal % len(texts)
        text = texts[original]
        yield original, text if ordinal < len(texts) else edited(text, rng)


def reprint_free(texts: list[str], size: int, seed: int) -> Iterator[tuple[int, str]]:
    """Documents of the dev documents' line counts, made of lines drawn from all of them."""
    rng = random.Random(seed)
    lines = [line for t in texts for line in t.splitlines() if line.strip()]
    counts = [max(1, len(t.splitlines())) for t in texts]
    pool: list[str] = []
    for ordinal in range(size):
        want = counts[ordinal % len(counts)]
        if len(pool) < want:
            pool = lines[:]
            rng.shuffle(pool)
        yield -1, "\n".join(pool[-want:]) + "\n"
        del pool[-want:]


def build(kind: str, size: int, texts: list[str], work: Path) -> tuple[Path, Path]:
    """(folder of JSONL shards, gold file: record id -> original), built once."""
    folder = work / f"{kind}-{size}"
    gold = work / f"{kind}-{size}.gold.json"
    if gold.exists():
        return folder, gold
    folder.mkdir(parents=True, exist_ok=True)
    make = reprint_heavy if kind == "reprint-heavy" else reprint_free
    originals: dict[str, int] = {}
    shard = None
    for ordinal, (original, text) in enumerate(make(texts, size, seed=size)):
        if ordinal % SHARD == 0:
            if shard is not None:
                shard.close()
            shard = (folder / f"part-{ordinal // SHARD:05d}.jsonl").open("w", encoding="utf-8")
        assert shard is not None
        key = f"d{ordinal}"
        shard.write(json.dumps({"id": key, "text": text}) + "\n")
        originals[key] = original
    if shard is not None:
        shard.close()
    gold.write_text(json.dumps(originals), "utf-8")
    return folder, gold


NEARDUP_PASS = """
import json, sys, time
from hygiene.batch.engines.local import LocalEngine
from hygiene.batch.job import first_pass
from hygiene.batch.worker import JobSpec
from hygiene.corpus.decisions import CorpusOptions
only = ("HY311",)
spec = JobSpec(include=only, embedder="none", corpus=CorpusOptions(include=only))
start = time.perf_counter()
first = first_pass(LocalEngine(1), [sys.argv[1]], spec, progress=False)
seconds = time.perf_counter() - start
clusters = first.decisions.clusters
json.dump([c.members for c in clusters], open(sys.argv[2], "w"))
print(json.dumps({"seconds": seconds, "documents": len(first), "clusters": len(clusters)}))
"""


def measured(cmd: list[str]) -> tuple[str, float, float, int]:
    """(stdout, wall seconds, CPU seconds, peak RSS in MB) of a child process.

    The peak is the child's own VmHWM, polled while it runs: Linux carries a
    process's RSS high-water mark over fork and exec, so ``ru_maxrss`` would
    report this (large) parent's resident size for a child that stayed small."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak = [0]
    watcher = threading.Thread(target=_watch_peak, args=(child.pid, peak), daemon=True)
    watcher.start()
    assert child.stdout is not None
    out = child.stdout.read()
    watcher.join()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 2):
        raise SystemExit(f"{cmd[:4]}... failed with {child.returncode}")
    return out, seconds, usage.ru_utime + usage.ru_stime, peak[0] // 1024


def _watch_peak(pid: int, peak: list[int]) -> None:
    """Keep the highest VmHWM (kB) of ``pid`` in ``peak[0]`` until it has exited."""
    status = Path(f"/proc/{pid}/status")
    while True:
        try:
            text = status.read_text()
        except OSError:
            return
        hwm = next(
            (line.split()[1] for line in text.splitlines() if line.startswith("VmHWM")), None
        )
        if hwm is None:  # a zombie: the child has exited, its last reading stands
            return
        peak[0] = max(peak[0], int(hwm))
        time.sleep(0.05)


def ari(bench: Path, gold_file: Path, clusters_file: Path, names: list[str]) -> float:
    """The bench scorer's ARI: a copy is in its original's gold cluster."""
    spec = importlib.util.spec_from_file_location("score_clusters", bench / "score_clusters.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    story = json.loads((bench / "neardup" / "clusters.json").read_text("utf-8"))
    originals = json.loads(gold_file.read_text("utf-8"))
    gold = {key: str(story[names[o]]) for key, o in originals.items()}
    predicted = {}
    for i, members in enumerate(json.loads(clusters_file.read_text("utf-8"))):
        for member in members:
            predicted[member.rpartition("#")[2]] = str(i)
    return float(scorer.score(gold, predicted)[0])


def sample(folder: Path, n: int, work: Path) -> Path:
    out = work / f"{folder.name}-sample-{n}.jsonl"
    with (folder / "part-00000.jsonl").open(encoding="utf-8") as src:
        out.write_text("".join(line for _, line in zip(range(n), src, strict=False)), "utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--no-pipeline", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="hygiene-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    names, texts = dev_documents(args.bench)
    print(f"work folder {work}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}")
    for kind in args.kinds.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            folder, gold = build(kind, size, texts, work)
            built = time.perf_counter() - started
            clusters = work / f"{kind}-{size}.clusters.json"
            cmd = [sys.executable, "-c", NEARDUP_PASS, str(folder), str(clusters)]
            out, wall, cpu, rss = measured(cmd)
            found = json.loads(out)
            score = f"  ARI {ari(args.bench, gold, clusters, names):.3f}" if "heavy" in kind else ""
            print(
                f"{kind:13} {size:>9,} docs  near-duplicate pass {wall:7.1f} s wall "
                f"{cpu:7.1f} s CPU  peak RSS {rss:5} MB  {found['clusters']:,} clusters{score}"
                f"  (corpus built in {built:.0f} s; load {os.getloadavg()[0]:.2f})",
                flush=True,
            )
        if not args.no_pipeline:
            part = sample(folder, args.sample, work)
            report = work / f"{kind}-report.json"
            cmd = [*HYGIENE_REPORT, str(part), "-o", str(report)]
            _, wall, cpu, rss = measured(cmd)
            print(
                f"{kind:13} whole pipeline, {args.sample:,} documents: {wall:.1f} s wall "
                f"{cpu:.1f} s CPU ({args.sample / wall:.1f} documents/s)  peak RSS {rss} MB",
                flush=True,
            )


HYGIENE_REPORT = [sys.executable, "-m", "hygiene.cli", "report", "--format", "json", "-j", "1"]
HYGIENE_REPORT += ["--no-progress"]

if __name__ == "__main__":
    main()

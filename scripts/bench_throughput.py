"""Articles per core: the whole pipeline on a corpus without duplicates.

    .venv/bin/python scripts/bench_throughput.py [--bench ../shared/bench] [--jobs 1]
        [--baseline DIR] [--sample N] [-- extra hygiene report options]

The corpus is the article text (gold article lines) of the full-page dev benches
(boilerplate/ and boilerplate-big9chaos/), one file per page, written to a
temporary folder: real news, no reprints, so no document is skipped as a
near-duplicate and every one is analysed. ``hygiene report --format json`` runs
on it as a child process; the figure is articles per CPU-second (user + system
time of the whole process tree), which is what "per core" means and holds up
on a busy machine better than wall time. ``--baseline DIR`` runs another
checkout of hygiene (its code and its models) the same way, right after, and
says whether both reports hold the same findings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("boilerplate", "boilerplate-big9chaos")


def build_corpus(bench: Path, out: Path, sample: int) -> int:
    """Write each dev page's article lines as one file; return how many."""
    n = 0
    for folder in FOLDERS:
        for labels_path in sorted((bench / folder).glob("*.labels.json")):
            text_path = labels_path.with_name(labels_path.name.replace(".labels.json", ".txt"))
            labels = json.loads(labels_path.read_text(encoding="utf-8"))
            lines = text_path.read_text(encoding="utf-8").split("\n")
            article = [
                line for line, label in zip(lines, labels, strict=False) if label == "article"
            ]
            if len(article) < 2:
                continue
            (out / f"{folder}-{text_path.name}").write_text("\n".join(article) + "\n", "utf-8")
            n += 1
            if sample and n >= sample:
                return n
    return n


def run(
    checkout: Path, corpus: Path, report: Path, jobs: str, extra: list[str]
) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child process tree) of one report."""
    env = dict(os.environ, PYTHONPATH=str(checkout), HYGIENE_MODELS=str(checkout / "models"))
    env.pop("HYGIENE_EMBED_CACHE", None)  # every vector computed
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "hygiene", "report", str(corpus), "--format", "json"]
    cmd += ["-o", str(report), "-j", jobs, "--no-progress", *extra]
    done = subprocess.run(cmd, cwd=checkout, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 2):
        raise SystemExit(f"report failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def findings_digest(report: Path) -> tuple[int, str]:
    data = json.loads(report.read_text(encoding="utf-8"))
    rows = sorted(
        (Path(f["path"]).name, x["code"], x["start"], x["end"])
        for f in data["files"]
        for x in f["findings"]
    )
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--sample", type=int, default=0, help="first N pages only")
    parser.add_argument("--baseline", type=Path, help="another hygiene checkout to compare")
    parser.add_argument("extra", nargs="*", help="more `hygiene report` options")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        n = build_corpus(args.bench, corpus, args.sample)
        print(f"corpus: article text of {n} dev pages ({', '.join(FOLDERS)}), no reprints")
        checkouts = [("this checkout", ROOT)]
        if args.baseline:
            checkouts.append(("baseline", args.baseline.resolve()))
        results = []
        for name, checkout in checkouts:
            report = Path(tmp) / f"{name}.json"
            wall, cpu = run(checkout, corpus, report, args.jobs, args.extra)
            count, digest = findings_digest(report)
            results.append((name, n / cpu, digest))
            print(
                f"  {name:14s} -j {args.jobs}: wall {wall:6.1f} s  CPU {cpu:6.1f} s  "
                f"{n / cpu:6.1f} articles per CPU-second  {count} findings ({digest})"
            )
        if len(results) == 2:
            ratio = results[0][1] / results[1][1]
            same = "same findings" if results[0][2] == results[1][2] else "findings differ"
            print(f"  ratio this/baseline: {ratio:.2f}x articles per core; {same}")


if __name__ == "__main__":
    main()

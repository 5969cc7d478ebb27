"""Batch cleaning at scale: throughput, memory, kill/resume and the Ray engine.

Prints the figures of issue 6, each measured here, in one run:

1. throughput of ``hygiene clean`` (both passes, writing included) on
   neardup/docs with ``-j 1`` and ``-j 2``, beside a naive sentence-transformers
   pipeline (one process, the same detectors, the fp32 reference model with no
   cache, sentences batched per document) on the first ``--naive`` documents;
2. peak RSS of ``hygiene clean -j 1`` at 10k and 100k documents (the 100k corpus
   repeats the dev folder with edits), with ``--embedder none`` so that the
   figure is the streaming machinery's, and the size of the first pass's saved
   decisions (the near-duplicate index);
3. ``kill -9`` in the middle of a ``-j 2`` job, then the same command again:
   output checksums against the uninterrupted run, input checksums before/after;
4. ``--engine ray`` on the dev folder: its sorted manifest and output checksums
   against the local engine's.

Usage: python scripts/bench_batch.py [--bench ../shared/bench] [--only throughput,...]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HYGIENE = [sys.executable, "-m", "hygiene.cli"]
STEPS = ("throughput", "memory", "resume", "ray")


def run_clean(src: Path, out: Path, *args: str) -> tuple[float, int, str]:
    """(seconds, peak RSS in MB of the largest process, stderr's last line)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = ["/usr/bin/time", "-f", "%M", *HYGIENE, "clean", str(src), "--out", str(out), *args]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    lines = done.stderr.strip().splitlines()
    if done.returncode not in (0, 2):
        raise SystemExit(f"clean failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, int(lines[-1]) // 1024, lines[-2] if len(lines) > 1 else ""


def tree_digest(folder: Path) -> str:
    """One checksum over every file's relative path and bytes."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def throughput(docs: Path, work: Path, naive_n: int) -> None:
    n = sum(1 for _ in docs.glob("*.txt"))
    print(f"throughput on {docs} ({n:,} articles), 2 cores, whole process:")
    for jobs in ("1", "2"):
        seconds, rss, _ = run_clean(docs, work / f"out-j{jobs}", "-j", jobs, "--no-progress")
        print(
            f"  hygiene clean -j {jobs}: {seconds:7.1f} s  {n / seconds:6.1f} articles/s  "
            f"peak RSS {rss} MB (largest process)"
        )
    # report analyses every document (a clean job skips the near-duplicates it drops).
    cmd = ["/usr/bin/time", "-f", "%M", *HYGIENE, "report", str(docs), "-j", "2", "--format"]
    start = time.perf_counter()
    done = subprocess.run(
        [*cmd, "json", "-o", str(work / "report.json"), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    rss = int(done.stderr.strip().splitlines()[-1]) // 1024
    print(
        f"  hygiene report -j 2 (every document analysed): {seconds:7.1f} s  "
        f"{n / seconds:6.1f} articles/s  peak RSS {rss} MB (largest process)"
    )
    subset = work / "naive-docs"
    subset.mkdir(exist_ok=True)
    for path in sorted(docs.glob("*.txt"))[:naive_n]:
        shutil.copy(path, subset / path.name)
    done = subprocess.run(
        [sys.executable, __file__, "--naive-run", str(subset)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    count, seconds = done.stdout.split()
    rate = int(count) / float(seconds)
    print(
        f"  naive sentence-transformers pipeline, first {count} articles: "
        f"{float(seconds):7.1f} s  {rate:6.1f} articles/s"
    )


def naive_run(folder: Path) -> None:
    """The pipeline as a first version would run it: one process, the reference
    sentence-transformers model (fp32, no cache), each document's sentences encoded
    in one call, the same detectors, then the cleaned copy written."""
    start = time.perf_counter()
    from hygiene.detectors import default_detectors
    from hygiene.detectors.topic import TopicDetector
    from hygiene.document import ReadError
    from hygiene.embed.reference import SentenceTransformerEmbedder
    from hygiene.fix import apply_removals, plan_removals
    from hygiene.pipeline import Pipeline
    from hygiene.read import iter_documents
    from hygiene.segment import segment

    detectors = default_detectors("none")
    detectors.append(TopicDetector(embedder=SentenceTransformerEmbedder()))
    pipeline = Pipeline(detectors)
    out = Path(tempfile.mkdtemp(prefix="hygiene-naive-"))
    n = 0
    for doc in iter_documents([str(folder)]):
        if isinstance(doc, ReadError):
            continue
        result = pipeline.analyze(segment(doc))
        cleaned = apply_removals(doc.text, plan_removals(doc.text, result.findings))
        (out / Path(doc.path).name).write_text(cleaned, "utf-8")
        n += 1
    shutil.rmtree(out)
    print(n, time.perf_counter() - start)


def edited(text: str, copy: int, rng: random.Random) -> str:
    """A light edit: a kicker line, one word in twenty replaced, figures unchanged."""
    words = re.split(r"(\s+)", text)
    for i in range(0, len(words), 2):
        if words[i].isalpha() and rng.random() < 0.05:
            words[i] = words[i][::-1]
    return f"Edition {copy}\n\n" + "".join(words)


def build_corpus(docs: Path, target: Path, n: int) -> Path:
    if target.exists() and sum(1 for _ in target.rglob("*.txt")) == n:
        return target
    shutil.rmtree(target, ignore_errors=True)
    sources = sorted(docs.glob("*.txt"))
    rng = random.Random(7)
    for i in range(n):
        src = sources[i % len(sources)]
        copy = i // len(sources)
        folder = target / f"{copy:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = src.read_text("utf-8")
        (folder / src.name).write_text(edited(text, copy, rng) if copy else text, "utf-8")
    return target


def memory(docs: Path, work: Path) -> None:
    print("peak RSS of hygiene clean -j 1 --embedder none (streaming, one process):")
    for n in (10_000, 100_000):
        corpus = build_corpus(docs, work / f"corpus-{n}", n)
        out = work / f"mem-{n}"
        state = out / ".hygiene-job" / "first-pass.pickle"
        seconds, rss, _ = run_clean(corpus, out, "--embedder", "none", "--no-progress")
        # The decisions are deleted with the job folder; measure them in a rerun
        # of the first pass alone.
        index_mb = first_pass_size(corpus)
        print(
            f"  {n:>7,} documents: peak RSS {rss:5d} MB, {seconds:6.1f} s, "
            f"first-pass decisions {index_mb:.1f} MB pickled"
        )
        shutil.rmtree(out, ignore_errors=True)
        del state


def first_pass_size(corpus: Path) -> float:
    code = (
        "import pickle, sys\n"
        "from hygiene.batch.engines.local import LocalEngine\n"
        "from hygiene.batch.job import first_pass\n"
        "from hygiene.batch.worker import JobSpec\n"
        "fp = first_pass(LocalEngine(1), [sys.argv[1]], JobSpec(embedder='none'), progress=False)\n"
        "print(len(pickle.dumps(fp)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(corpus)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return int(done.stdout) / 1e6


def resume(docs: Path, work: Path) -> None:
    print("kill -9 and resume, hygiene clean -j 2 on the dev folder:")
    before = tree_digest(docs)
    reference = work / "out-j2"
    if not reference.exists():
        run_clean(docs, reference, "-j", "2", "--no-progress")
    out = work / "out-killed"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [*HYGIENE, "clean", str(docs), "--out", str(out), "-j", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL, start_new_session=True)
    parts = out / ".hygiene-job" / "parts"
    while proc.poll() is None and len(list(parts.glob("*.jsonl")) if parts.exists() else []) < 15:
        time.sleep(0.5)
    if proc.poll() is not None:
        print("  the job ended before it could be killed; no figure")
        return
    os.killpg(proc.pid, signal.SIGKILL)  # the job and its worker processes
    proc.wait()
    done_parts = len(list(parts.glob("*.jsonl")))
    temps = [p.name for p in out.rglob("*.tmp")]
    print(f"  killed after {done_parts} parts of 256 documents; temp files left: {len(temps)}")
    seconds, _, last = run_clean_keep(docs, out, "-j", "2", "--no-progress")
    same = tree_digest(out) == tree_digest(reference)
    print(f"  resumed in {seconds:.1f} s: {last}")
    print(
        f"  output checksum {tree_digest(out)} vs uninterrupted {tree_digest(reference)}: "
        f"{'identical' if same else 'DIFFERENT'}"
    )
    print(
        f"  input checksum before {before}, after {tree_digest(docs)}: "
        f"{'unchanged' if before == tree_digest(docs) else 'CHANGED'}"
    )
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == ".hygiene-job"]
    print(f"  temp files or job state left after the resumed run: {len(leftovers)}")


def run_clean_keep(src: Path, out: Path, *args: str) -> tuple[float, int, str]:
    """Like run_clean, without clearing the output folder first (a resume)."""
    cmd = ["/usr/bin/time", "-f", "%M", *HYGIENE, "clean", str(src), "--out", str(out), *args]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    lines = done.stderr.strip().splitlines()
    return time.perf_counter() - start, int(lines[-1]) // 1024, lines[-2]


def ray(docs: Path, work: Path) -> None:
    print("--engine ray (local Ray, 2 CPUs) against the local engine on the dev folder:")
    reference = work / "out-j2"
    if not reference.exists():
        run_clean(docs, reference, "-j", "2", "--no-progress")
    seconds, _, last = run_clean(
        docs, work / "out-ray", "--engine", "ray", "-j", "2", "--no-progress"
    )
    n = sum(1 for _ in docs.glob("*.txt"))
    print(f"  ray: {seconds:.1f} s, {n / seconds:.1f} articles/s; {last}")

    def manifest(folder: Path) -> list[str]:
        return sorted((folder / "hygiene-manifest.jsonl").read_text("utf-8").splitlines())

    same = manifest(work / "out-ray") == manifest(reference)
    print(
        f"  sorted manifests: {'identical' if same else 'DIFFERENT'} "
        f"({len(manifest(reference)):,} entries); output trees: "
        f"{tree_digest(work / 'out-ray')} vs {tree_digest(reference)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--only", default=",".join(STEPS))
    parser.add_argument("--naive", type=int, default=1000, help="documents for the naive run")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (kept)")
    parser.add_argument("--naive-run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_run:
        naive_run(args.naive_run)
        return 0
    docs = args.bench / "neardup" / "docs"
    work = args.work or Path(tempfile.mkdtemp(prefix="hygiene-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.pop("CI", None)
    steps = args.only.split(",")
    if "throughput" in steps:
        throughput(docs, work, args.naive)
    if "memory" in steps:
        memory(docs, work)
    if "resume" in steps:
        resume(docs, work)
    if "ray" in steps:
        ray(docs, work)
    print(f"(scratch folder: {work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

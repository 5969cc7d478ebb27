"""Batch jobs end to end: `hygiene clean` over a corpus with -j workers, resume after an
interruption or kill -9, refused mismatches, guards, and `report` with workers.

The corpus is built in a temporary folder from fixtures/corpus and fixtures/neardup plus
near-duplicates derived here, so that HY311 clusters and HY109 repeats exist.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from hygiene.batch import state
from hygiene.batch.engines.local import LocalEngine
from hygiene.batch.worker import Worker
from hygiene.batch.writer import CleanWriter
from hygiene.cli import main
from hygiene.document import Document
from hygiene.read import MANIFEST_NAME, iter_documents

if TYPE_CHECKING:
    from conftest import Cli


ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
NONE = ("--embedder", "none")
JOB_DIR = state.STATE_DIR
SMALL_SHARD = 4

# The near-duplicate pairs built below: (original, derived copy), as document ids
# relative to the corpus folder ("file" or "file#record-id").
PAIRS = [
    ("calder-fossil-fish.txt", "reprints/calder-fossil-fish-reprint.txt"),
    ("marlow-mill-closure.txt", "reprints/marlow-mill-closure-abridged.txt"),
    ("wire.jsonl#mw-20250311-0042", "feeds/news.jsonl#ledger-halvorsen"),
    ("port-calloway-storm.txt", "feeds/archive.jsonl.gz#arc-storm"),
]


# --- the corpus ------------------------------------------------------------------------------


def _edit_words(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _drop_last_paragraph(text: str) -> str:
    paragraphs = text.rstrip("\n").split("\n\n")
    assert len(paragraphs) > 3
    return "\n\n".join(paragraphs[:-1]) + "\n"


def _drop_last_lines(text: str, n: int) -> str:
    lines = text.splitlines(keepends=True)
    assert len(lines) > 3 * n
    return "".join(lines[:-n])


def _story(name: str) -> str:
    return (FIXTURES / "neardup" / name).read_text("utf-8")


def build_corpus(root: Path) -> Path:
    """fixtures/corpus, two derived near-duplicate files, a JSONL feed and a gzipped one
    (records with extra fields), each feed holding a near-duplicate of another document."""
    corpus = root / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    reprints = corpus / "reprints"
    reprints.mkdir()
    calder = (corpus / "calder-fossil-fish.txt").read_text("utf-8")
    (reprints / "calder-fossil-fish-reprint.txt").write_text(
        _edit_words(calder, [(" said ", " says "), (" said ", " says "), ("urged", "asked")]),
        "utf-8",
    )
    marlow = (corpus / "marlow-mill-closure.txt").read_text("utf-8")
    (reprints / "marlow-mill-closure-abridged.txt").write_text(
        _drop_last_paragraph(marlow), "utf-8"
    )
    wire = [json.loads(line) for line in (corpus / "wire.jsonl").read_text("utf-8").splitlines()]
    halvorsen = next(r["text"] for r in wire if r["id"] == "mw-20250311-0042")
    feeds = corpus / "feeds"
    feeds.mkdir()
    ledger = {"source": "The Harbor Ledger"}
    news: list[dict[str, object]] = [
        {"id": "ledger-c", **ledger, "date": "2025-03-01", "tags": ["finance"]},
        {"id": "ledger-d", **ledger, "date": "2025-03-02", "tags": []},
        {"id": "ledger-halvorsen", **ledger, "date": "2025-03-12", "tags": ["reprint"]},
        {"id": "ledger-e", **ledger, "date": "2025-03-03", "tags": None},
    ]
    texts = [
        _story("c-building-society-profit.txt"),
        _story("d-brewery-canning-line.txt"),
        _edit_words(halvorsen, [("record", "bumper"), ("stayed", "remained")]),
        _story("e-software-job-cuts.txt"),
    ]
    for record, text in zip(news, texts, strict=True):
        record["text"] = text  # a field in the middle: order of fields is kept
        record["page"] = 12
    (feeds / "news.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in news), "utf-8"
    )
    storm = (corpus / "port-calloway-storm.txt").read_text("utf-8")
    archive = [
        {"section": "business", "id": "arc-f", "text": _story("f-supermarket-price-freeze.txt")},
        {"section": "local", "id": "arc-storm", "text": _drop_last_lines(storm, 3), "n": 2},
        {"section": "planning", "id": "arc-g", "text": _story("g-wind-farm-approval.txt")},
        {"section": "business", "id": "arc-h", "text": _story("h-textile-mill-cooperative.txt")},
    ]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in archive).encode("utf-8")
    (feeds / "archive.jsonl.gz").write_bytes(gzip.compress(data, mtime=0))
    return corpus


@dataclass
class Doc:
    path: str  # as the tool shows it
    out: str  # relative path of its cleaned copy
    id: str | None  # record id, None for a text file
    text: str
    record: dict[str, Any] | None

    @property
    def key(self) -> str:
        return self.path if self.id is None else f"{self.path}#{self.id}"


def _jsonl_lines(path: Path) -> list[str]:
    data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    return [line for line in data.decode("utf-8").split("\n") if line.strip()]


def input_docs(corpus: Path) -> list[Doc]:
    """Every document of the corpus, read here without hygiene's reader."""
    docs = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        rel = path.relative_to(corpus).as_posix()
        if ".jsonl" in path.name:
            for line in _jsonl_lines(path):
                record = json.loads(line)
                docs.append(Doc(str(path), rel, record["id"], record["text"], record))
        else:
            docs.append(Doc(str(path), rel, None, path.read_bytes().decode("utf-8"), None))
    return docs


def by_rel(corpus: Path, docs: list[Doc], rel_key: str) -> Doc:
    return next(d for d in docs if d.key == f"{corpus}/{rel_key}")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (hidden ones too), by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in tree(folder).items()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.as_posix() for p in folder.rglob("*.tmp"))


def manifest(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / MANIFEST_NAME).read_text("utf-8").splitlines()]


def out_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in _jsonl_lines(path)]


def rebuild(cleaned: str, entries: list[dict[str, Any]]) -> str:
    """Put the removed texts back at their start offsets, in manifest order."""
    text = cleaned
    for e in entries:
        text = text[: e["start"]] + e["text"] + text[e["start"] :]
    return text


def entries_of(entries: list[dict[str, Any]], doc: Doc) -> list[dict[str, Any]]:
    return [e for e in entries if e["path"] == doc.path and e.get("id") == doc.id]


def cleaned_texts(out: Path, docs: list[Doc]) -> dict[str, str]:
    """Document key -> cleaned text, for the documents present in the output."""
    found: dict[str, str] = {}
    records: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        target = out / doc.out
        if doc.id is None:
            if target.exists():
                found[doc.key] = target.read_bytes().decode("utf-8")
            continue
        if doc.out not in records:
            records[doc.out] = out_records(target) if target.exists() else []
        for record in records[doc.out]:
            if record["id"] == doc.id:
                found[doc.key] = record["text"]
    return found


def clean_args(corpus: Path, out: Path, *extra: str) -> list[str]:
    return ["clean", str(corpus), "--out", str(out), *extra]


# --- mechanisms to interrupt a job -----------------------------------------------------------


def small_shards(monkeypatch: pytest.MonkeyPatch, size: int = SMALL_SHARD) -> None:
    """JobState takes its shard size as a default argument, bound when the class was
    defined, so patching state.SHARD alone would not reach it."""
    monkeypatch.setattr(state, "SHARD", size)
    monkeypatch.setattr(state.JobState.__init__, "__defaults__", (size,))
    assert state.JobState(Path("/nonexistent")).shard_size == size


def interrupt_after(monkeypatch: pytest.MonkeyPatch, n: int) -> Callable[[], None]:
    """CleanWriter.add raises KeyboardInterrupt on its (n+1)th call; returns a function
    that puts the real method back."""
    real = CleanWriter.add
    calls = [0]

    def add(self: CleanWriter, item: Any, ordinal: int | None = None) -> Any:
        if calls[0] >= n:
            raise KeyboardInterrupt
        calls[0] += 1
        return real(self, item, ordinal)

    monkeypatch.setattr(CleanWriter, "add", add)
    return lambda: monkeypatch.setattr(CleanWriter, "add", real)


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> list[int]:
    real = getattr(owner, name)
    calls = [0]

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return calls


def part_names(out: Path) -> list[str]:
    return sorted(p.name for p in (out / JOB_DIR / "parts").glob("*.jsonl"))


# --- shared corpus and an uninterrupted run of it --------------------------------------------


@dataclass
class Baseline:
    corpus: Path
    out: Path
    docs: list[Doc]
    input_digests: dict[str, str]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    root = tmp_path_factory.mktemp("batch")
    corpus = build_corpus(root)
    before = digests(corpus)
    out = root / "baseline"
    assert main(clean_args(corpus, out, *NONE)) == 0
    return Baseline(corpus, out, input_docs(corpus), before)


def test_the_corpus_reads_as_expected(baseline: Baseline) -> None:
    """The helpers here see the same documents, in the same order, as hygiene's reader."""
    seen = [i for i in iter_documents([str(baseline.corpus)])]
    assert all(isinstance(i, Document) for i in seen)
    assert sorted(i.id for i in seen if isinstance(i, Document)) == sorted(
        d.key for d in baseline.docs
    )
    assert len(seen) == 24 > 4 * SMALL_SHARD


# --- 1. determinism: -j 1 and -j 2, and run after run ----------------------------------------


def test_clean_output_is_identical_for_one_and_two_workers_and_across_runs(
    baseline: Baseline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the default embedder (the off-topic rules run too)."""
    pooled = count_calls(monkeypatch, LocalEngine, "_pooled")
    corpus = baseline.corpus
    assert main(clean_args(corpus, tmp_path / "j1")) == 0
    assert pooled[0] == 0
    assert main(clean_args(corpus, tmp_path / "j2", "-j", "2")) == 0
    assert pooled[0] == 2  # both passes ran in worker processes
    assert main(clean_args(corpus, tmp_path / "again")) == 0
    one = tree(tmp_path / "j1")
    assert one == tree(tmp_path / "j2")
    assert one == tree(tmp_path / "again")
    entries = manifest(tmp_path / "j1")
    actions = {e["action"] for e in entries}
    assert {"removed", "dropped"} <= actions
    assert {"HY109", "HY311"} <= {e["rule"] for e in entries}
    assert not leftovers(tmp_path)


# --- 2. nothing lost ----------------------------------------------------------------------------


def test_clean_loses_nothing_and_drops_only_near_duplicates(baseline: Baseline) -> None:
    corpus, out, docs = baseline.corpus, baseline.out, baseline.docs
    entries = manifest(out)
    assert {e["action"] for e in entries} == {"removed", "dropped"}
    cleaned = cleaned_texts(out, docs)
    dropped = {
        e["path"] if "id" not in e else f"{e['path']}#{e['id']}": e
        for e in entries
        if e["action"] == "dropped"
    }
    expected_dups = {f"{corpus}/{copy}" for _, copy in PAIRS} | {
        f"{corpus}/{original}" for original, _ in PAIRS
    }
    assert set(dropped) <= expected_dups
    # --keep first-path: of each pair, the copy with the later path is dropped
    assert set(dropped) == {max(f"{corpus}/{a}", f"{corpus}/{b}") for a, b in PAIRS}
    for original, copy in PAIRS:  # one of each pair is dropped, the other kept
        a, b = f"{corpus}/{original}", f"{corpus}/{copy}"
        assert (a in dropped) != (b in dropped), (a, b)
    removed_somewhere = 0
    for doc in docs:
        mine = entries_of(entries, doc)
        if doc.key in dropped:
            entry = dropped[doc.key]
            assert doc.key not in cleaned
            assert mine == [entry]
            assert entry["rule"] == "HY311" and entry["text"] == doc.text
            assert entry["out"] == doc.out
            match = re.search(r"near-duplicate of (.+?) \(", entry["message"])
            assert match, entry["message"]
            kept = match[1]
            assert kept != doc.key and kept in cleaned and kept not in dropped
            pair = next(p for p in PAIRS if doc.key in (f"{corpus}/{p[0]}", f"{corpus}/{p[1]}"))
            assert {kept, doc.key} == {f"{corpus}/{pair[0]}", f"{corpus}/{pair[1]}"}
            continue
        assert doc.key in cleaned, doc.key
        assert all(e["action"] == "removed" for e in mine)
        for e in mine:
            assert doc.text[e["start"] : e["end"]] == e["text"] and e["out"] == doc.out
        removed_somewhere += bool(mine)
        assert rebuild(cleaned[doc.key], mine) == doc.text, doc.key
    assert removed_somewhere >= 5
    assert digests(corpus) == baseline.input_digests  # inputs untouched
    assert not leftovers(out) and not (out / JOB_DIR).exists()


# --- 3. JSONL and gzip --------------------------------------------------------------------------


def test_jsonl_records_keep_their_fields_and_order(baseline: Baseline) -> None:
    corpus, out = baseline.corpus, baseline.out
    dropped = {
        (e["path"], e["id"]) for e in manifest(out) if e["action"] == "dropped" and "id" in e
    }
    assert dropped == {(str(corpus / "wire.jsonl"), "mw-20250311-0042")}
    for name in ("wire.jsonl", "feeds/news.jsonl", "feeds/archive.jsonl.gz"):
        inputs = [json.loads(line) for line in _jsonl_lines(corpus / name)]
        kept = [r for r in inputs if (str(corpus / name), r["id"]) not in dropped]
        written = out_records(out / name)
        assert [r["id"] for r in written] == [r["id"] for r in kept]
        for before, after in zip(kept, written, strict=True):
            assert list(after) == list(before)  # same fields, same order
            assert {k: v for k, v in after.items() if k != "text"} == {
                k: v for k, v in before.items() if k != "text"
            }
    assert len(out_records(out / "wire.jsonl")) == 3


def test_gzip_input_gives_reproducible_gzip_output(baseline: Baseline, tmp_path: Path) -> None:
    name = "feeds/archive.jsonl.gz"
    first = (baseline.out / name).read_bytes()
    assert first[:2] == b"\x1f\x8b" and first[4:8] == b"\0\0\0\0"  # gzip, mtime 0
    assert [r["id"] for r in out_records(baseline.out / name)] == [
        "arc-f",
        "arc-storm",
        "arc-g",
        "arc-h",
    ]
    assert not (baseline.out / "feeds" / "archive.jsonl").exists()
    assert main(clean_args(baseline.corpus, tmp_path / "again", *NONE)) == 0
    assert (tmp_path / "again" / name).read_bytes() == first


def test_annotate_adds_findings_whose_offsets_point_into_the_input(
    baseline: Baseline, tmp_path: Path, cli: Cli
) -> None:
    corpus, docs = baseline.corpus, baseline.docs
    out = tmp_path / "annotated"
    assert cli(*clean_args(corpus, out, *NONE, "--annotate"))[0] == 0
    code, report_json, _ = cli("report", str(corpus), *NONE, "--format", "json")
    assert code == 0
    reported = {
        f"{f['path']}#{f['id']}": f["findings"]
        for f in json.loads(report_json)["files"]
        if "id" in f
    }
    removed = [e for e in manifest(out) if e["action"] == "removed"]
    checked = 0
    for name in ("wire.jsonl", "feeds/news.jsonl", "feeds/archive.jsonl.gz"):
        for record in out_records(out / name):
            doc = by_rel(corpus, docs, f"{name}#{record['id']}")
            findings = record["hygiene"]["findings"]
            assert findings == reported[doc.key]
            assert {k: v for k, v in record.items() if k not in ("text", "hygiene")} == {
                k: v for k, v in (doc.record or {}).items() if k != "text"
            }
            for f in findings:
                flagged = doc.text[f["start"] : f["end"]]
                assert flagged.strip() and f["end"] <= len(doc.text)
                assert doc.text.count("\n", 0, f["start"]) + 1 == f["line"]
                if f.get("fix"):
                    mine = entries_of(removed, doc)
                    covering = [
                        e
                        for e in mine
                        if e["start"] <= f["fix"]["start"] and f["fix"]["end"] <= e["end"]
                    ]
                    assert covering, (doc.key, f)
                    assert flagged in covering[0]["text"]
                checked += 1
    assert checked >= 3
    # the text files are written exactly as without --annotate
    plain = tree(baseline.out)
    annotated = tree(out)
    assert {k: v for k, v in annotated.items() if ".jsonl" not in k} == {
        k: v for k, v in plain.items() if ".jsonl" not in k
    }


# --- 4. resume --------------------------------------------------------------------------------


def test_interrupted_job_resumes_and_ends_with_the_same_output(
    baseline: Baseline,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
) -> None:
    small_shards(monkeypatch)
    out = tmp_path / "out"
    restore = interrupt_after(monkeypatch, 2 * SMALL_SHARD + 2)
    code, _, err = cli(*clean_args(baseline.corpus, out, *NONE))
    assert code == 130 and "Aborted" in err
    assert part_names(out) == ["00000000.jsonl", "00000001.jsonl"]
    assert (out / JOB_DIR / "first-pass.pickle").exists()
    assert not (out / MANIFEST_NAME).exists()
    assert not leftovers(out)
    restore()
    sketched = count_calls(monkeypatch, Worker, "sketch")
    analysed = count_calls(monkeypatch, Worker, "analyse")
    code, _, err = cli(*clean_args(baseline.corpus, out, *NONE))
    assert code == 0, err
    assert "(resumed)" in err
    assert sketched[0] == 0  # the saved first pass is reused
    assert analysed[0] == len(baseline.docs) - 2 * SMALL_SHARD  # finished shards skipped
    assert tree(out) == tree(baseline.out)
    assert not (out / JOB_DIR).exists()
    assert not leftovers(tmp_path)


# A real process, with a small shard size and a slow second pass so that a kill -9 lands
# in the middle of it; HY_TEST_HANG_ON=NAME makes it hang while NAME's temp file exists.
BOOTSTRAP = """
import os, sys, time
import hygiene.batch.state as state
size = int(os.environ["HY_TEST_SHARD"])
state.SHARD = size
state.JobState.__init__.__defaults__ = (size,)
import hygiene.batch.worker as work
delay = float(os.environ.get("HY_TEST_DELAY", "0"))
analyse = work.Worker.analyse
def slow(self, item):
    time.sleep(delay)
    return analyse(self, item)
work.Worker.analyse = slow
hang = os.environ.get("HY_TEST_HANG_ON")
if hang:
    replace = os.replace
    def hanging(src, dst, *args, **kwargs):
        if os.path.basename(str(dst)) == hang and str(src).endswith(".tmp"):
            open(os.environ["HY_TEST_MARKER"], "w").close()
            time.sleep(120)
        return replace(src, dst, *args, **kwargs)
    os.replace = hanging
from hygiene.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def start_job(argv: list[str], **env: str) -> subprocess.Popen[bytes]:
    environ = {**os.environ, "HY_TEST_SHARD": str(SMALL_SHARD), **env}
    environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), environ.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, "-c", BOOTSTRAP, *argv],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str) -> None:
    """Poll until ``ready``; skip (not pass) when the job ended first."""
    deadline = time.monotonic() + 60
    while not ready():
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.skip(f"the job ended (rc {proc.returncode}) before {what}: {err.decode()}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate()
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def kill_9(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    _, err = proc.communicate()
    if proc.returncode != -signal.SIGKILL:
        pytest.skip(f"the job ended (rc {proc.returncode}) before kill -9: {err.decode()}")


def finish(argv: list[str]) -> tuple[int, str]:
    proc = start_job(argv)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode()


def test_job_killed_with_sigkill_resumes_and_ends_with_the_same_output(
    baseline: Baseline, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    argv = clean_args(baseline.corpus, out, *NONE)
    proc = start_job(argv, HY_TEST_DELAY="0.05")
    wait_for(proc, lambda: len(part_names(out)) >= 2, "two parts were written")
    kill_9(proc)
    assert len(part_names(out)) >= 2
    assert (out / JOB_DIR / "job.json").exists() and not (out / MANIFEST_NAME).exists()
    code, err = finish(argv)
    assert code == 0, err
    assert "(resumed)" in err
    assert not leftovers(tmp_path)
    assert tree(out) == tree(baseline.out)
    assert not (out / JOB_DIR).exists()


@pytest.mark.parametrize("hang_on", ["hadley-treasurer-verdict.txt", MANIFEST_NAME])
def test_kill_9_while_an_output_is_being_written_leaves_no_temp_files_after_resume(
    baseline: Baseline, tmp_path: Path, hang_on: str
) -> None:
    out = tmp_path / "out"
    marker = tmp_path / "hanging"
    argv = clean_args(baseline.corpus, out, *NONE)
    proc = start_job(argv, HY_TEST_HANG_ON=hang_on, HY_TEST_MARKER=str(marker))
    wait_for(proc, marker.exists, f"the job was writing {hang_on}")
    kill_9(proc)
    assert leftovers(out)  # the kill left a temp file behind
    code, err = finish(argv)
    assert code == 0, err
    assert "(resumed)" in err
    assert not leftovers(tmp_path), "a resumed job must clear the temp files of the killed one"
    assert tree(out) == tree(baseline.out)


# --- 5. mismatches ----------------------------------------------------------------------------


def test_another_job_into_an_unfinished_out_is_refused_until_restart(
    baseline: Baseline,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
) -> None:
    small_shards(monkeypatch)
    out = tmp_path / "out"
    restore = interrupt_after(monkeypatch, SMALL_SHARD + 1)
    assert cli(*clean_args(baseline.corpus, out, *NONE))[0] == 130
    restore()
    job_files = tree(out / JOB_DIR)
    assert "parts/00000000.jsonl" in job_files
    other = clean_args(baseline.corpus, out, *NONE, "--select", "HY1")
    code, _, err = cli(*other)
    assert code == 2
    assert "unfinished job" in err and "--restart" in err
    assert tree(out / JOB_DIR) == job_files  # the unfinished job is kept, not discarded
    code, _, err = cli(*other, "--restart")
    assert code == 0, err
    assert "(resumed)" not in err
    assert not (out / JOB_DIR).exists()
    fresh = tmp_path / "fresh"
    assert cli(*clean_args(baseline.corpus, fresh, *NONE, "--select", "HY1"))[0] == 0
    assert tree(out) == tree(fresh)
    assert {e["rule"] for e in manifest(out)} <= {f"HY1{n:02d}" for n in range(100)}


@pytest.mark.parametrize(
    ("change", "name", "finished_shard"),
    [
        pytest.param(
            "edit",
            "calder-fossil-fish.txt",
            True,
            id="edited-in-a-finished-shard",
        ),
        pytest.param("edit", "ridgeway-council-budget.txt", False, id="edited-in-a-pending-shard"),
        pytest.param(
            "delete",
            "reprints/marlow-mill-closure-abridged.txt",
            False,
            id="last-input-deleted",
        ),
    ],
)
def test_inputs_changed_since_the_interruption_are_refused_until_restart(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
    change: str,
    name: str,
    finished_shard: bool,
) -> None:
    corpus = build_corpus(tmp_path)
    small_shards(monkeypatch)
    out = tmp_path / "out"
    restore = interrupt_after(monkeypatch, 2 * SMALL_SHARD + 1)
    assert cli(*clean_args(corpus, out, *NONE))[0] == 130
    restore()
    ids = [d.id for d in iter_documents([str(corpus)]) if isinstance(d, Document)]
    ordinal = ids.index(str(corpus / name))
    finished = state.JobState(out.resolve()).done_shards()
    assert finished == {0, 1}
    assert (ordinal // SMALL_SHARD in finished) == finished_shard
    path = corpus / name
    if change == "edit":
        path.write_text(path.read_text("utf-8").replace(" the ", " a ", 1), "utf-8")
    else:
        assert ordinal == len(ids) - 1
        path.unlink()
    code, _, err = cli(*clean_args(corpus, out, *NONE))
    assert code == 2, err
    assert "changed" in err and "--restart" in err
    code, _, err = cli(*clean_args(corpus, out, *NONE, "--restart"))
    assert code == 0, err
    fresh = tmp_path / "fresh"
    assert cli(*clean_args(corpus, fresh, *NONE))[0] == 0
    assert tree(out) == tree(fresh)


def test_python_m_hygiene_runs_the_cli(cli: Cli) -> None:
    """`python -m hygiene` is the module entry point (the subprocess tests above use it
    through a bootstrap that calls hygiene.cli.main)."""
    done = subprocess.run(
        [sys.executable, "-m", "hygiene", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "hygiene" in done.stdout


def test_python_m_hygiene_cli_runs_the_cli(cli: Cli) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hygiene.cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "hygiene" in done.stdout


# --- 6. guards --------------------------------------------------------------------------------


def test_time_limit_copies_documents_unchanged_and_names_them(
    baseline: Baseline, tmp_path: Path, cli: Cli
) -> None:
    out = tmp_path / "out"
    code, _, err = cli(*clean_args(baseline.corpus, out, *NONE, "--time-limit", "0.000001"))
    assert code == 2
    entries = manifest(out)
    # Near-duplicates are decided by the first pass and dropped without analysis, so
    # no time limit applies to them; every other document ran out of time.
    dropped = {(e["path"], e.get("id")) for e in manifest(baseline.out) if e["action"] == "dropped"}
    analysed = [d for d in baseline.docs if (d.path, d.id) not in dropped]
    assert dropped and len(analysed) < len(baseline.docs)
    assert sorted(e["action"] for e in entries) == sorted(
        ["copied"] * len(analysed) + ["dropped"] * len(dropped)
    )
    cleaned = cleaned_texts(out, analysed)
    for doc in analysed:
        assert cleaned[doc.key] == doc.text
        (entry,) = entries_of(entries, doc)
        assert "time limit" in entry["message"] and entry["out"] == doc.out
        assert f"hygiene: error: {doc.key}: time limit of 1e-06 s exceeded" in err
    assert f"{len(analysed)} errors" in err
    for name in ("wire.jsonl", "feeds/news.jsonl"):  # records copied whole, but dropped ones
        path = str(baseline.corpus / name)
        assert (out / name).read_bytes() == b"".join(
            json.dumps(record, ensure_ascii=False).encode() + b"\n"
            for record in map(json.loads, _jsonl_lines(baseline.corpus / name))
            if (path, str(record["id"])) not in dropped
        )


def write_small_corpus(folder: Path) -> list[Path]:
    """Three short articles, each under 300 bytes, each with a removable byline."""
    folder.mkdir()
    texts = {
        "a-ferry.txt": "Ferry timetable changes from Monday\n\nBy Ana Reyes\n\nThe harbour "
        "ferry will run every twenty minutes at peak hours, the operator said on Friday.\n",
        "b-library.txt": "Library extends weekend hours\n\nBy Tom Okafor\n\nThe central "
        "library will open on Sundays from next month after a council vote.\n",
        "c-market.txt": "Farmers market moves to the quay\n\nBy Lena Brandt\n\nStalls will "
        "set up along the quay from April while the square is repaved.\n",
    }
    paths = []
    for name, text in texts.items():
        (folder / name).write_text(text, "utf-8")
        assert len(text.encode()) < 300
        paths.append(folder / name)
    return paths


def test_max_bytes_skips_a_large_file_and_cleans_the_others(tmp_path: Path, cli: Cli) -> None:
    corpus = tmp_path / "corpus"
    small = write_small_corpus(corpus)
    big = corpus / "big.txt"
    shutil.copy(FIXTURES / "corpus" / "port-calloway-storm.txt", big)
    out = tmp_path / "out"
    code, _, err = cli(*clean_args(corpus, out, *NONE, "--max-bytes", "300"))
    assert code == 2
    assert f"hygiene: error: {big}: file too large" in err
    entries = manifest(out)
    skipped = [e for e in entries if e["action"] == "skipped"]
    assert skipped == [{"action": "skipped", "path": str(big), "message": skipped[0]["message"]}]
    assert "300" in skipped[0]["message"]
    assert not (out / "big.txt").exists()
    removed = [e for e in entries if e["action"] == "removed"]
    for path in small:
        mine = [e for e in removed if e["path"] == str(path)]
        assert "HY101" in {e["rule"] for e in mine}, mine
        text = path.read_text("utf-8")
        assert rebuild((out / path.name).read_text("utf-8"), mine) == text
        assert "By " not in (out / path.name).read_text("utf-8")


def test_binary_and_invalid_utf8_inputs_are_named_and_the_run_goes_on(
    tmp_path: Path, cli: Cli
) -> None:
    corpus = tmp_path / "corpus"
    small = write_small_corpus(corpus)
    binary = corpus / "b0-scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    latin1 = corpus / "b1-cafe.txt"
    latin1.write_bytes("Café au lait on the quay\n\nA new café opened.\n".encode("latin-1"))
    out = tmp_path / "out"
    code, _, err = cli(*clean_args(corpus, out, *NONE))
    assert code == 2
    assert f"hygiene: error: {binary}: binary" in err
    assert f"hygiene: error: {latin1}: not valid UTF-8" in err
    assert "Cleaned 3 documents" in err and "2 errors" in err
    skipped = {e["path"]: e["message"] for e in manifest(out) if e["action"] == "skipped"}
    assert set(skipped) == {str(binary), str(latin1)}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST_NAME, *(p.name for p in small)]
    )


# --- 7. report with workers -------------------------------------------------------------------


def test_report_with_two_workers_equals_one(baseline: Baseline, cli: Cli) -> None:
    args = ["report", str(baseline.corpus), *NONE, "--format", "json"]
    code, one, _ = cli(*args)
    assert code == 0
    code, two, _ = cli(*args, "-j", "2")
    assert code == 0
    assert one == two
    data = json.loads(one)
    assert len(data["clusters"]) == len(PAIRS)
    assert data["summary"]["files"] == len(baseline.docs)
    assert {"HY109", "HY311"} <= set(data["summary"]["by_rule"])


# --- dropped duplicates are not analysed -------------------------------------------------------


def test_dropped_duplicates_skip_the_pipeline_unless_their_hy311_is_suppressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    story = (ROOT / "fixtures" / "corpus" / "marlow-mill-closure.txt").read_text("utf-8")
    (corpus / "a-original.txt").write_text(story, "utf-8")
    (corpus / "b-reprint.txt").write_text(story.replace(" the ", " a ", 2), "utf-8")
    from hygiene.pipeline import Pipeline

    analysed: list[str] = []
    real = Pipeline.analyze

    def spy(self: Pipeline, seg: Any) -> Any:
        analysed.append(Path(seg.doc.path).name)
        return real(self, seg)

    monkeypatch.setattr(Pipeline, "analyze", spy)
    out = tmp_path / "out"
    code, _, err = cli(*clean_args(corpus, out, *NONE))
    assert code == 0, err
    assert analysed == ["a-original.txt"]  # the reprint is dropped whole, unanalysed
    assert not (out / "b-reprint.txt").exists()
    assert [e["action"] for e in manifest(out) if e["path"].endswith("b-reprint.txt")] == [
        "dropped"
    ]
    # Suppressed for the reprint's path, HY311 no longer drops it: it is analysed and
    # cleaned like any other document.
    (tmp_path / "hygiene.toml").write_text(
        'per-file-ignores = { "b-*.txt" = ["HY311"] }\n', "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    analysed.clear()
    code, _, err = cli(*clean_args(corpus, tmp_path / "out2", *NONE))
    assert code == 0, err
    assert analysed == ["a-original.txt", "b-reprint.txt"]
    assert (tmp_path / "out2" / "b-reprint.txt").exists()
    assert (tmp_path / "out2" / "a-original.txt").read_text("utf-8") == (
        out / "a-original.txt"
    ).read_text("utf-8")

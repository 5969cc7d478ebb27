"""The Ray engine gives the same output as the local one: `clean` and `report`.

One local Ray instance for the whole module (started by the engine, shut down at the
end so that it does not leak into other tests)."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hygiene.cli import main
from hygiene.read import MANIFEST_NAME

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray Data's own

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def build_corpus(root: Path) -> Path:
    """fixtures/corpus, a near-duplicate text file, a gzipped feed with extra fields."""
    corpus = root / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    calder = (corpus / "calder-fossil-fish.txt").read_text("utf-8")
    (corpus / "zz-calder-reprint.txt").write_text(
        calder.replace(" said ", " says ", 2).replace("urged", "asked"), "utf-8"
    )
    stories = ["c-building-society-profit.txt", "f-supermarket-price-freeze.txt"]
    records = [
        {"id": f"s{i}", "desk": "business", "text": (FIXTURES / "neardup" / name).read_text()}
        for i, name in enumerate(stories)
    ]
    data = "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")
    (corpus / "feed.jsonl.gz").write_bytes(gzip.compress(data, mtime=0))
    return corpus


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@dataclass
class Runs:
    local: Path
    ray: Path
    local_report: str
    ray_report: str
    codes: dict[str, int]
    stderr: str


def run(argv: list[str], err: io.StringIO) -> int:
    with contextlib.redirect_stderr(err):
        return main(argv)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """Without the embedding model: Ray's own start-up costs seconds per stage on a
    small machine, and the model's engine independence is covered by test_job's -j 2."""
    root = tmp_path_factory.mktemp("ray")
    corpus = build_corpus(root)
    local, on_ray = root / "local", root / "ray"
    args = [str(corpus), "--embedder", "none"]
    report_args = ["report", *args, "--format", "json", "-o"]
    err = io.StringIO()
    codes = {}
    try:
        codes["clean-ray"] = run(
            ["clean", *args, "--out", str(on_ray), "--engine", "ray", "-j", "2"], err
        )
        assert ray.is_initialized(), f"the ray engine did not start Ray: {err.getvalue()}"
        codes["report-ray"] = run([*report_args, str(root / "ray.json"), "--engine", "ray"], err)
    finally:
        ray.shutdown()
    codes["clean-local"] = run(["clean", *args, "--out", str(local)], err)
    codes["report-local"] = run([*report_args, str(root / "local.json")], err)
    reports = {
        name: path.read_text("utf-8") if path.exists() else ""
        for name in ("ray", "local")
        for path in [root / f"{name}.json"]
    }
    yield Runs(local, on_ray, reports["local"], reports["ray"], codes, err.getvalue())


def test_ray_runs_succeed(runs: Runs) -> None:
    expected = {"clean-ray": 0, "report-ray": 0, "clean-local": 0, "report-local": 0}
    assert runs.codes == expected, runs.stderr
    assert not ray.is_initialized()  # shut down: nothing leaks into other tests


def test_ray_clean_output_equals_the_local_engine(runs: Runs) -> None:
    local, on_ray = tree(runs.local), tree(runs.ray)
    manifest = local[MANIFEST_NAME].decode("utf-8").splitlines()
    assert sorted(on_ray[MANIFEST_NAME].decode("utf-8").splitlines()) == sorted(manifest)
    actions = {json.loads(line)["action"] for line in manifest}
    assert {"removed", "dropped"} <= actions
    assert "feed.jsonl.gz" in local and "zz-calder-reprint.txt" not in local
    assert on_ray == local  # byte for byte, manifest order included


def test_ray_report_equals_the_local_report(runs: Runs) -> None:
    assert runs.ray_report == runs.local_report
    data = json.loads(runs.local_report)
    assert len(data["clusters"]) == 1
    assert data["summary"]["findings"] > 0

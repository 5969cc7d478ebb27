"""The tool as users install it: a wheel in a fresh virtualenv, outside the checkout.

The wheel is built from this checkout and installed with its core dependencies
only (no torch, no sentence-transformers), then run from another folder: its
JSON report must be byte-identical to the checkout's. Building the venv takes
about a minute (onnxruntime, numpy and tokenizers come from the package index).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(str(p) for p in (ROOT / "fixtures" / "corpus").iterdir() if p.is_file())
TIMEOUT = 900

pytestmark = pytest.mark.slow


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT),
        cwd=out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("hygiene-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A fresh virtualenv with the wheel and its core dependencies; returns its bin/."""
    where = tmp_path_factory.mktemp("venv") / "env"
    proc = run(sys.executable, "-m", "venv", str(where), cwd=where.parent)
    assert proc.returncode == 0, proc.stderr
    pip = where / "bin" / "pip"
    proc = run(str(pip), "install", "-q", "--disable-pip-version-check", str(wheel), cwd=where)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return where / "bin"


def test_wheel_carries_every_module_and_model(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "hygiene").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    models = {f"hygiene/models/{p.name}" for p in (ROOT / "models").iterdir() if p.suffix != ".py"}
    assert models and models <= names, sorted(models - names)
    assert "hygiene/models/tokenizer.json" in names
    assets = {f"hygiene/render/assets/{n}" for n in ("report.css", "report.js")}
    assert assets <= names  # the HTML report's stylesheet and script


def test_installed_wheel_reports_like_the_checkout(venv: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    installed = run(str(venv / "hygiene"), "report", "--format", "json", *FIXTURES, cwd=elsewhere)
    checkout = run(
        sys.executable, "-m", "hygiene", "report", "--format", "json", *FIXTURES, cwd=elsewhere
    )
    assert installed.returncode == checkout.returncode == 0, installed.stderr + checkout.stderr
    assert installed.stdout == checkout.stdout
    by_rule = json.loads(installed.stdout)["summary"]["by_rule"]
    assert by_rule.get("HY203") and by_rule.get("HY104")  # embeddings and line model ran


def test_installed_core_has_no_torch_and_names_the_reference_extra(
    venv: Path, tmp_path: Path
) -> None:
    python = str(venv / "python")
    probe = run(python, "-c", "import torch", cwd=tmp_path)
    assert probe.returncode != 0  # the core install stays light
    proc = run(
        str(venv / "hygiene"), "report", "--embedder", "sentence-transformers", FIXTURES[0],
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "pip install 'hygiene[reference]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_sdist_builds_a_wheel_with_the_models(tmp_path: Path) -> None:
    """A wheel built from the sdist (as pip does from an index) carries the models too."""
    import tarfile

    build = (
        "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    )
    proc = run(sys.executable, "-c", build, str(tmp_path), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    sdist = tmp_path / proc.stdout.split()[-1]
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path / "src", filter="data")
    (source,) = (tmp_path / "src").iterdir()
    proc = run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "-w", str(tmp_path / "dist"), str(source), cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = (tmp_path / "dist").glob("hygiene-*.whl")
    names = set(zipfile.ZipFile(built).namelist())
    assert {"hygiene/models/minilm-l6-v2-int8.onnx", "hygiene/models/tokenizer.json"} <= names

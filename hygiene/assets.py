"""Where the shipped models live, and the one error for a model that is not there.

The files of the repository's ``models/`` folder are installed as the package
``hygiene.models`` (see pyproject.toml), so a wheel, an sdist and a pre-commit
environment find them exactly as a checkout does. ``$HYGIENE_MODELS`` points
elsewhere, for a model being rebuilt or tried out.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from hygiene.errors import RunError

# What rebuilds each file, for the error message of a missing one.
REBUILD = {
    "minilm-l6-v2-int8.onnx": "python scripts/build_onnx_model.py",
    "tokenizer.json": "python scripts/build_onnx_model.py --tokenizer-only",
    "line-model.json": "python scripts/train_line_model.py",
    "line-model-plain.json": "python scripts/train_line_model.py",
    "line-direction.json": "python scripts/train_line_model.py",
    "line-kinds.json": "python scripts/train_line_model.py",
    "line-model-synthetic.json": "python scripts/train_synthetic_line_model.py",
    "register.json": "python scripts/train_register.py",
    "topic.json": "python scripts/train_topic.py",
    "topic-paragraph.json": "python scripts/train_topic.py",
    "topic-sentence.json": "python scripts/train_topic.py",
    "static-minilm.npy": "python scripts/build_static_model.py",
}


class SetupError(RunError):
    """The installation lacks something the run needs: it stops the run with one
    line and exit 2, before or instead of any per-document result."""


class ModelError(SetupError):
    """A model file the run needs is missing, unreadable or of another version.

    It stops the run with one line (exit 2) instead of letting a detector go quiet.
    """


def models_dir() -> Path:
    """$HYGIENE_MODELS, else the installed ``hygiene.models`` package."""
    env = os.environ.get("HYGIENE_MODELS")
    if env:
        return Path(env)
    return Path(str(resources.files("hygiene.models")))


def model_file(name: str) -> Path:
    """The path of a shipped model file; ModelError when it is not there or not readable."""
    path = models_dir() / name
    if not path.is_file() or not os.access(path, os.R_OK):
        state = "is not readable" if path.exists() else "is missing"
        raise ModelError(f"model file {path} {state}; {how_to_restore(name)}")
    return path


def how_to_restore(name: str) -> str:
    rebuild = REBUILD.get(name)
    where = f", or rebuild it from a checkout with '{rebuild}'" if rebuild else ""
    return f"reinstall hygiene (the file ships in the package){where}"


def load_text(name: str) -> str:
    """A model file's text; ModelError when it can't be read."""
    path = model_file(name)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(
            f"model file {path} could not be read ({exc}); {how_to_restore(name)}"
        ) from exc


def load_json(name: str, path: Path | None = None) -> dict[str, Any]:
    """A JSON model file as a dict; ModelError when it is missing or not valid JSON."""
    import json

    if path is None:
        text, where = load_text(name), models_dir() / name
    else:
        where = path
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelError(f"model file {path} could not be read ({exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"model file {where} is not valid JSON ({exc}); {how_to_restore(name)}"
        ) from exc
    if not isinstance(data, dict):
        raise ModelError(f"model file {where} is not a JSON object; {how_to_restore(name)}")
    return data


def version_mismatch(name: str, path: Path, what: str) -> ModelError:
    """The error for a model file written for another version of hygiene."""
    rebuild = REBUILD.get(name, "")
    return ModelError(
        f"model file {path} {what}; it was written for another version of hygiene: "
        f"reinstall hygiene, or rebuild it with '{rebuild}'"
    )

"""Settings: defaults, then the project's config file, then command-line flags.

The config file is the first found walking up from the current folder:
``hygiene.toml``, ``.hygiene.toml`` (top-level keys), or ``pyproject.toml``
(the ``[tool.hygiene]`` table). Keys are kebab-case, as in ruff. An unknown
key or a bad value is an error naming the file and key, never ignored.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEVERITIES = ("info", "warning", "error")
FORMATS = ("concise", "full", "json", "github")
EMBEDDERS = ("onnx", "sentence-transformers", "none")
KEEP_POLICIES = ("first-path", "longest", "earliest")
CONFIG_FILES = ("hygiene.toml", ".hygiene.toml", "pyproject.toml")

# key -> (default, allowed values or a type). Every default of the tool lives
# here; the options of each stage (ReadOptions, NearDupOptions, JobSpec...) take
# theirs from DEFAULTS, so a setting means the same wherever it is used.
SCHEMA: dict[str, tuple[Any, Any]] = {
    "include": (["*.txt", "*.md", "*.jsonl", "*.jsonl.gz"], list),
    "exclude": ([], list),
    "select": ([], list),
    "ignore": ([], list),
    "per-file-ignores": ({}, dict),
    "fail-on": ("warning", SEVERITIES),
    "min-severity": ("info", SEVERITIES),
    "output-format": ("concise", FORMATS),
    "embedder": ("onnx", EMBEDDERS),
    "keep": ("first-path", KEEP_POLICIES),
    "text-field": ("text", str),
    "id-field": ("id", str),
    "max-bytes": (20 * 1024 * 1024, int),
    "max-input-bytes": (8 * 1024**3, int),
    "max-records": (1_000_000, int),
    "time-limit": (60.0, float),
    "baseline": (None, str),
    "near-duplicate-threshold": (0.25, float),
    "near-duplicate-containment": (0.6, float),
    "repeated-min-documents": (5, int),
    # Vectors kept between runs (a path, or "none"); unset: beside the archive index.
    "embedding-cache": (None, str),
}
DEFAULTS: Mapping[str, Any] = {key: default for key, (default, _) in SCHEMA.items()}


def _between(low: float, high: float, *, above: bool = False) -> Callable[[float], bool]:
    """low <= value <= high (low < value when ``above``), and finite: nan and inf
    fail every comparison or the last one."""
    return lambda v: math.isfinite(v) and (low < v if above else low <= v) and v <= high


# The numbers and what they may be: a value out of range is an error, like a bad type.
RANGES: dict[str, tuple[Callable[[float], bool], str]] = {
    "max-bytes": (_between(1, 2**40), "a number of bytes from 1 to 2**40"),
    "max-input-bytes": (_between(1, 2**50), "a number of bytes from 1 to 2**50"),
    "max-records": (_between(1, 2**40), "a number of records from 1 to 2**40"),
    "time-limit": (_between(0, 10**6), "seconds from 0 (no limit) to 1000000, a finite number"),
    "near-duplicate-threshold": (
        lambda v: math.isfinite(v) and 0 < v < 1,
        "an estimated Jaccard similarity between 0 and 1, both excluded",
    ),
    "near-duplicate-containment": (_between(0, 1), "a share from 0 to 1"),
    "repeated-min-documents": (_between(2, 2**31), "a number of documents from 2 up"),
}
# Lists of rule codes also take comma-separated items, as linters do: "HY311,HY109".
_CODE_LISTS = ("select", "ignore")


class ConfigError(Exception):
    """A config file or flag with an unknown key or a bad value."""


@dataclass
class Settings:
    values: dict[str, Any]
    sources: dict[str, str]
    root: Path = field(default_factory=Path.cwd)  # where relative globs are anchored

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def override(self, key: str, value: Any) -> None:
        """A command's own flag, when given, wins over the config file."""
        if value is not None:
            self.values[key] = _checked(key, value, "flag")
            self.sources[key] = "command line"


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above ``start`` and its hygiene table."""
    here = start.resolve()
    for folder in [here, *here.parents]:
        for name in CONFIG_FILES:
            path = folder / name
            if not path.is_file():
                continue
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
            if name == "pyproject.toml":
                tool = data.get("tool")
                table = tool.get("hygiene") if isinstance(tool, dict) else None
                if table is None:
                    continue
                if not isinstance(table, dict):
                    raise ConfigError(f"{path}: [tool.hygiene] must be a table, not {table!r}")
                return path, table
            return path, data
    return None


def load_settings(start: Path | None = None, flags: Mapping[str, Any] | None = None) -> Settings:
    """Defaults, overridden by the config file, overridden by flags (None = not given)."""
    values = {key: default for key, (default, _) in SCHEMA.items()}
    sources = dict.fromkeys(SCHEMA, "default")
    root = (start or Path.cwd()).resolve()
    found = find_config(start or Path.cwd())
    if found is not None:
        path, table = found
        root = path.parent
        for key, value in table.items():
            values[key] = _checked(key, value, str(path))
            sources[key] = str(path)
    for key, value in (flags or {}).items():
        if value is None or value == () or value == []:
            continue
        values[key] = _checked(key, list(value) if isinstance(value, tuple) else value, "flag")
        sources[key] = "command line"
    return Settings(values, sources, root)


def _checked(key: str, value: Any, where: str) -> Any:
    if key not in SCHEMA:
        known = ", ".join(sorted(SCHEMA))
        raise ConfigError(f"{where}: unknown key {key!r} (known keys: {known})")
    default, allowed = SCHEMA[key]
    if isinstance(allowed, tuple):
        if value not in allowed:
            raise ConfigError(f"{where}: {key} = {value!r}; choose from {', '.join(allowed)}")
        return value
    if allowed is float and isinstance(value, int | float) and not isinstance(value, bool):
        return _in_range(key, float(value), where)
    if allowed is str and default is None and value is None:
        return value
    if not isinstance(value, allowed) or isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be {allowed.__name__}, not {value!r}")
    if allowed is list and not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    if key in _CODE_LISTS:
        return [code.strip() for item in value for code in item.split(",") if code.strip()]
    if allowed is int:
        return _in_range(key, value, where)
    if allowed is dict:
        for glob, codes in value.items():
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise ConfigError(f"{where}: per-file-ignores[{glob!r}] must be a list of codes")
    return value


def _in_range(key: str, value: Any, where: str) -> Any:
    check = RANGES.get(key)
    if check is not None and not check[0](value):
        raise ConfigError(f"{where}: {key} = {value!r} is out of range; it must be {check[1]}")
    return value


def render(settings: Settings) -> str:
    """`hygiene config show`: each resolved setting and where it came from."""
    lines = [f"# config root: {settings.root}"]
    width = max(len(k) for k in SCHEMA)
    for key in SCHEMA:
        value = settings.values[key]
        lines.append(f"{key:<{width}} = {value!r:<40} # {settings.sources[key]}")
    return "\n".join(lines) + "\n"

"""Settings: defaults < config file (hygiene.toml, .hygiene.toml, pyproject.toml) < flags."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hygiene.config import SCHEMA, load_settings

# Furniture: HY101 on line 3, HY104 on line 9, HY105 on line 11 (all warnings).
STORY = """\
Council approves new library on Elm Street

By Ana Lima

The city council voted on Tuesday to build a new public library on Elm Street, ending a debate that had lasted more than two years. The building will replace the old branch, which closed in 2021 after its roof failed.

Construction is expected to begin next spring and to cost about 14 million dollars, most of it from a state grant. Council member Ruth Okafor said the site was chosen because it sits near two schools and a bus line.

Mayor Daniel Reyes speaks at the council meeting on Tuesday. (Jane Roe/AP)

Sign up for our newsletter to get the latest local news in your inbox.

The library is due to open in the autumn of 2027, the council said.
"""  # noqa: E501
LINT = re.compile(r"^(?P<path>.+):(?P<line>\d+):\d+: (?P<code>HY\d{3}) ")


if TYPE_CHECKING:
    from conftest import Cli


def found(out: str) -> list[tuple[str, int, str]]:
    """(path, line, code) of each concise lint line."""
    matches = [LINT.match(line) for line in out.splitlines()]
    assert all(matches), out
    return [(m["path"], int(m["line"]), m["code"]) for m in matches if m]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_without_a_config_file(project: Path, cli: Cli) -> None:
    settings = load_settings(project)
    assert settings.values == {key: default for key, (default, _) in SCHEMA.items()}
    assert set(settings.sources.values()) == {"default"}
    assert settings.root == project.resolve()
    assert settings["fail-on"] == "warning" and settings["output-format"] == "concise"
    write(project / "story.txt", STORY)
    code, out, _ = cli("check", "--embedder", "none", "story.txt")
    # Default fail-on warning: furniture alone fails the run.
    assert code == 1
    assert found(out) == [
        ("story.txt", 3, "HY101"),
        ("story.txt", 9, "HY104"),
        ("story.txt", 11, "HY105"),
    ]


def test_pyproject_tool_hygiene_is_applied(project: Path, cli: Cli) -> None:
    write(
        project / "pyproject.toml",
        '[project]\nname = "archive"\n\n'
        "[tool.hygiene]\n"
        'select = ["HY1"]\n'
        'ignore = ["HY104"]\n'
        'fail-on = "error"\n'
        '[tool.hygiene.per-file-ignores]\n"notes/*.txt" = ["HY105"]\n',
    )
    write(project / "story.txt", STORY)
    write(project / "notes" / "copy.txt", STORY)  # a near-duplicate, but HY3 is not selected
    code, out, _ = cli("check", "--embedder", "none", "story.txt", "notes/copy.txt")
    assert sorted(found(out)) == [
        ("notes/copy.txt", 3, "HY101"),
        ("story.txt", 3, "HY101"),
        ("story.txt", 11, "HY105"),
    ]
    assert code == 0  # fail-on error: warnings are shown but do not fail


def test_pyproject_without_tool_hygiene_is_passed_over(
    project: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    write(project / "hygiene.toml", 'select = ["HY104"]\n')
    write(project / "sub" / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    write(project / "sub" / "story.txt", STORY)
    monkeypatch.chdir(project / "sub")
    code, out, _ = cli("check", "--embedder", "none", "story.txt")
    assert (code, [c for _, _, c in found(out)]) == (1, ["HY104"])


@pytest.mark.parametrize("name", ["hygiene.toml", ".hygiene.toml"])
def test_config_file_is_found_walking_up_from_a_subfolder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, name: str
) -> None:
    write(
        tmp_path / name,
        'select = ["HY1"]\n[per-file-ignores]\n"2024/march/*.txt" = ["HY101"]\n',
    )
    deep = tmp_path / "2024" / "march"
    write(deep / "story.txt", STORY)
    monkeypatch.chdir(deep)
    code, out, _ = cli("check", "--embedder", "none", "story.txt")
    # select applied; per-file-ignores globs are anchored at the config file's folder.
    assert (code, found(out)) == (1, [("story.txt", 9, "HY104"), ("story.txt", 11, "HY105")])
    settings = load_settings(deep)
    assert settings.root == tmp_path.resolve()
    assert settings.sources["select"] == str((tmp_path / name).resolve())


def test_flags_override_the_config_file(project: Path, cli: Cli) -> None:
    write(
        project / "hygiene.toml",
        'select = ["HY1"]\noutput-format = "json"\nfail-on = "error"\n',
    )
    repeated = STORY + "\nSign up for our newsletter to get the latest local news in your inbox.\n"
    write(project / "story.txt", repeated)
    code, out, _ = cli("check", "--embedder", "none", "story.txt")
    report = json.loads(out)  # output-format from the file
    assert {f["code"] for f in report["files"][0]["findings"]} == {"HY101", "HY104", "HY105"}
    assert code == 0  # fail-on from the file
    argv = ["--select", "HY3", "--format", "concise", "--fail-on", "warning"]
    code, out, _ = cli("check", "--embedder", "none", *argv, "story.txt")
    assert (code, found(out)) == (1, [("story.txt", 15, "HY301")])


@pytest.mark.parametrize("name", ["hygiene.toml", ".hygiene.toml", "pyproject.toml"])
def test_unknown_key_is_an_error_naming_file_and_key(project: Path, cli: Cli, name: str) -> None:
    table = "[tool.hygiene]\n" if name == "pyproject.toml" else ""
    config = write(project / name, f'{table}select = ["HY1"]\ncolour = "red"\n')
    write(project / "story.txt", STORY)
    for argv in (["check", "--embedder", "none", "story.txt"], ["config", "show"]):
        code, out, err = cli(*argv)
        assert code == 2 and out == ""
        assert str(config.resolve()) in err and "'colour'" in err


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('fail-on = "fatal"', ["fail-on", "fatal"]),
        ('min-severity = "loud"', ["min-severity", "loud"]),
        ('select = "HY1"', ["select", "list"]),
        ("max-bytes = true", ["max-bytes", "int"]),
        ('per-file-ignores = {"*.txt" = "HY101"}', ["per-file-ignores", "*.txt"]),
        ("fail-on = ", ["not valid TOML"]),
    ],
)
def test_bad_value_is_an_error(project: Path, cli: Cli, line: str, words: list[str]) -> None:
    config = write(project / "hygiene.toml", line + "\n")
    write(project / "story.txt", STORY)
    code, out, err = cli("check", "--embedder", "none", "story.txt")
    assert code == 2 and out == ""
    assert str(config.resolve()) in err
    for word in words:
        assert word in err


def test_tool_hygiene_that_is_not_a_table_is_an_error(project: Path, cli: Cli) -> None:
    config = write(project / "pyproject.toml", "[tool]\nhygiene = 3\n")
    code, out, err = cli("config", "show")
    assert (code, out) == (2, "")
    assert str(config.resolve()) in err and "[tool.hygiene]" in err


def test_config_show_lists_every_key_with_its_source(project: Path, cli: Cli) -> None:
    config = write(
        project / "pyproject.toml",
        '[tool.hygiene]\nfail-on = "error"\nselect = ["HY1", "HY3"]\nmax-bytes = 1000\n',
    )
    code, out, err = cli("config", "show")
    assert (code, err) == (0, "")
    head, *lines = out.splitlines()
    assert head == f"# config root: {project.resolve()}"
    rows = {}
    for line in lines:
        m = re.fullmatch(r"(\S+)\s+= (.+?)\s+# (.+)", line)
        assert m, line
        rows[m[1]] = (m[2], m[3])
    assert list(rows) == list(SCHEMA)
    here = str(config.resolve())
    assert rows["fail-on"] == ("'error'", here)
    assert rows["select"] == ("['HY1', 'HY3']", here)
    assert rows["max-bytes"] == ("1000", here)
    assert rows["include"] == ("['*.txt', '*.md', '*.jsonl', '*.jsonl.gz']", "default")
    assert rows["min-severity"] == ("'info'", "default")
    from_file = {key for key, (_, src) in rows.items() if src != "default"}
    assert from_file == {"fail-on", "select", "max-bytes"}


def test_include_and_exclude_globs(project: Path, cli: Cli) -> None:
    write(
        project / "hygiene.toml", 'include = ["*.md"]\nexclude = ["drafts/*"]\nselect = ["HY1"]\n'
    )
    for name in ("story.txt", "story.md", "drafts/story.md", "world/story.md"):
        write(project / name, STORY)
    code, out, _ = cli("check", "--embedder", "none", ".")
    assert code == 1
    assert {path for path, _, _ in found(out)} == {"story.md", "world/story.md"}
    # An excluded file named on the command line is not reported either.
    assert cli("check", "--embedder", "none", "drafts/story.md")[:2] == (0, "")
    # A --glob flag replaces the include list.
    code, out, _ = cli("check", "--embedder", "none", "--glob", "*.txt", ".")
    assert {path for path, _, _ in found(out)} == {"story.txt"}

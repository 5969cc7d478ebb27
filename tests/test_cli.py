"""End-to-end tests of the command line: check, report, clean, rule, help, stdin."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from hygiene.rules import RULES

if TYPE_CHECKING:
    from conftest import Cli


ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
CLEAN_FILE = CORPUS / "marlow-mill-closure.txt"
DIRTY_FILE = CORPUS / "port-calloway-storm.txt"
# Explicit globs, so folder runs take the same files whatever the default.
GLOBS = ["--glob", "*.txt", "--glob", "*.md", "--glob", "*.jsonl"]
LINT_LINE = re.compile(
    r"^(?P<loc>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>HY\d{3}) .+ \[[a-z-]+\]$"
)


def lint_lines(out: str) -> list[re.Match[str]]:
    matches = [LINT_LINE.match(line) for line in out.splitlines()]
    assert all(matches), out
    return [m for m in matches if m]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]


def corpus_texts() -> dict[tuple[str, str | None], str]:
    """(file name, record id or None) -> text exactly as stored."""
    texts: dict[tuple[str, str | None], str] = {}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix == ".jsonl":
            for record in read_jsonl(path):
                texts[path.name, record["id"]] = record["text"]
        else:
            texts[path.name, None] = path.read_bytes().decode("utf-8")
    return texts


# --- check -----------------------------------------------------------------------------------


def test_check_clean_file_exits_0(cli: Cli) -> None:
    assert cli("check", str(CLEAN_FILE)) == (0, "", "")


def test_check_contaminated_file_prints_lint_lines_and_exits_1(
    cli: Cli,
) -> None:
    code, out, err = cli("check", str(DIRTY_FILE))
    assert code == 1
    lines = DIRTY_FILE.read_text("utf-8").split("\n")
    found = lint_lines(out)
    for m in found:
        assert m["loc"] == str(DIRTY_FILE)
        assert m["col"] == "1" and lines[int(m["line"]) - 1].strip()
    by_line = {int(m["line"]): m["code"] for m in found}
    assert "(Nina Albrecht/AP)" in lines[8] and by_line[9] == "HY104"
    assert lines[3] == "Listen to this article" and by_line[4] == "HY103"
    assert f"Found {len(found)} findings in 1 file." in err


def test_check_select_and_ignore(cli: Cli) -> None:
    code, out, _ = cli("check", "--select", "HY104", str(DIRTY_FILE))
    assert code == 1 and {m["code"] for m in lint_lines(out)} == {"HY104"}
    assert cli("check", "--ignore", "hy1", "--ignore", "HY2", str(DIRTY_FILE))[0] == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "no such file"),
        ("binary.txt", b"\x00\x01\x02PNG\x00", "binary"),
        ("latin1.txt", "Café au lait\n".encode("latin-1"), "not valid UTF-8"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\n\t\n", "empty"),
    ],
)
def test_check_bad_input_is_named_and_others_still_checked(
    cli: Cli,
    tmp_path: Path,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    code, out, err = cli("check", str(bad), str(DIRTY_FILE), str(CLEAN_FILE))
    assert code == 2
    assert f"hygiene: error: {bad}: " in err and message in err
    assert {m["loc"] for m in lint_lines(out)} == {str(DIRTY_FILE)}


def test_check_reads_stdin(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DIRTY_FILE.read_bytes())))
    code, out, _ = cli("check", "-")
    assert code == 1
    found = lint_lines(out)
    assert {m["loc"] for m in found} == {"<stdin>"}
    assert ("9", "HY104") in {(m["line"], m["code"]) for m in found}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CLEAN_FILE.read_bytes())))
    assert cli("check", "-") == (0, "", "")


# --- report ----------------------------------------------------------------------------------


def report_json(cli: pytest.CaptureFixture[str], *args: str) -> tuple[str, dict[str, Any]]:
    code, out, err = cli("report", "--format", "json", *GLOBS, str(CORPUS), *args)
    assert (code, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    return out, data


def test_report_json_contract(cli: Cli) -> None:
    out, data = report_json(cli)
    assert data["schema"] == "hygiene/1"
    assert data["errors"] == []
    texts = corpus_texts()
    keys = [(Path(f["path"]).name, f.get("id")) for f in data["files"]]
    assert sorted(keys, key=str) == sorted(texts, key=str)
    n = 0
    for entry in data["files"]:
        text = texts[Path(entry["path"]).name, entry.get("id")]
        for f in entry["findings"]:
            n += 1
            flagged = text[f["start"] : f["end"]]
            assert flagged and flagged == flagged.strip()
            assert f["line"] == text.count("\n", 0, f["start"]) + 1
            assert f["column"] == f["start"] - text.rfind("\n", 0, f["start"])
            assert f["end_line"] == text.count("\n", 0, f["end"]) + 1
            assert f["fix"]["start"] <= f["start"] < f["end"] <= f["fix"]["end"]
            assert f["category"] == RULES[f["code"]].category.value
            assert 0 < f["score"] <= 1
    summary = data["summary"]
    assert summary["findings"] == n == sum(summary["by_rule"].values())
    assert summary["files"] == len(texts) and summary["errors"] == 0
    assert out == report_json(cli)[0]  # deterministic, byte for byte


def test_report_output_file(cli: Cli, tmp_path: Path) -> None:
    expected, _ = report_json(cli)
    target = tmp_path / "sub" / "report.json"
    code, out, err = cli("report", "--format", "json", *GLOBS, str(CORPUS), "-o", str(target))
    assert (code, out, err) == (0, "", "")
    assert target.read_bytes().decode("utf-8") == expected


def test_report_text_has_summary(cli: Cli) -> None:
    code, out, _ = cli("report", str(DIRTY_FILE), str(CLEAN_FILE))
    assert code == 0
    assert str(DIRTY_FILE) in out and str(CLEAN_FILE) not in out  # only files with findings
    assert re.search(r"^2 files, 1 with findings, \d+ findings, [\d.]+% of characters", out, re.M)
    assert re.search(r"^  HY104 +1 +1  photo-caption +boilerplate +warning$", out, re.M)
    assert "| Utility crews repair downed lines" in out


def test_report_select_and_ignore(cli: Cli) -> None:
    _, everything = report_json(cli)
    _, dup = report_json(cli, "--select", "HY3")
    _, no_furniture = report_json(cli, "--ignore", "HY1", "--ignore", "HY2")

    def codes(data: dict[str, Any]) -> list[str]:
        return [f["code"] for entry in data["files"] for f in entry["findings"]]

    assert {"HY101", "HY104", "HY301"} <= set(codes(everything))
    assert codes(dup) == ["HY301"] * 3
    assert codes(no_furniture) == codes(dup)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--select", "HY9"],
        ["check", "--ignore", "XX1"],
        ["clean", "--select", "HY302", "--out", "OUT"],
        ["report", "--format", "xml"],
    ],
)
def test_bad_option_is_a_usage_error(cli: Cli, tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    code, out, err = cli(*args, str(DIRTY_FILE))
    assert code == 2 and out == ""
    assert "Usage:" in err and "Error:" in err
    assert not (tmp_path / "out").exists()


# --- clean -----------------------------------------------------------------------------------


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def restore(cleaned: str, removals: list[dict[str, Any]]) -> str:
    """Put removed texts back at their offsets (offsets into the original)."""
    text = cleaned
    for r in sorted(removals, key=lambda r: r["start"]):
        text = text[: r["start"]] + r["text"] + text[r["start"] :]
    return text


def blank_runs(text: str) -> int:
    return len(re.findall(r"\n(?:[ \t]*\r?\n){2,}", text)) + text.startswith(("\n", "\r\n"))


def trailing_space(text: str) -> int:
    return len(re.findall(r"[ \t]+(?=\r?\n|$)", text))


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def test_clean_writes_copies_and_a_lossless_manifest(
    cli: Cli, corpus_copy: Path, tmp_path: Path
) -> None:
    before = digests(corpus_copy)
    out = tmp_path / "cleaned"
    code, stdout, err = cli("clean", *GLOBS, str(corpus_copy), "--out", str(out))
    assert (code, stdout) == (0, "")
    assert "Cleaned 14 documents" in err
    assert digests(corpus_copy) == before  # inputs untouched
    assert set(digests(out)) == set(before) | {"hygiene-manifest.jsonl"}

    manifest = read_jsonl(out / "hygiene-manifest.jsonl")
    assert manifest and all(m["path"].startswith(str(corpus_copy)) for m in manifest)
    removals: dict[tuple[str, str | None], list[dict[str, Any]]] = defaultdict(list)
    for m in manifest:
        removals[m["out"], m.get("id")].append(m)
        assert m["rule"] in RULES and m["text"]

    originals = corpus_texts()
    cleaned: dict[tuple[str, str | None], str] = {}
    for rel in before:
        if rel.endswith(".jsonl"):
            records, source = read_jsonl(out / rel), read_jsonl(corpus_copy / rel)
            assert [r["id"] for r in records] == [r["id"] for r in source]
            for new, old in zip(records, source, strict=True):
                assert {k: v for k, v in new.items() if k != "text"} == {
                    k: v for k, v in old.items() if k != "text"
                }
                cleaned[rel, new["id"]] = new["text"]
        else:
            cleaned[rel, None] = (out / rel).read_bytes().decode("utf-8")
    assert set(cleaned) == set(originals)
    assert set(removals) <= set(originals)

    for key, original in originals.items():
        text = cleaned[key]
        assert restore(text, removals[key]) == original, key
        for r in removals[key]:
            assert original[r["start"] : r["end"]] == r["text"]
        assert blank_runs(text) <= blank_runs(original), key
        assert trailing_space(text) <= trailing_space(original), key
        assert (text == original) == (not removals[key]), key
    assert cleaned["marlow-mill-closure.txt", None] == originals["marlow-mill-closure.txt", None]
    assert "Listen to this article" not in cleaned["port-calloway-storm.txt", None]


def test_clean_refuses_output_inside_input(cli: Cli, corpus_copy: Path) -> None:
    before = digests(corpus_copy)
    out = corpus_copy / "cleaned"
    code, stdout, err = cli("clean", str(corpus_copy), "--out", str(out))
    assert (code, stdout) == (2, "")
    assert "inside the input" in err
    assert not out.exists()
    assert digests(corpus_copy) == before


# --- rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["HY104", "hy104"])
def test_rule_explains_a_code(cli: Cli, code: str) -> None:
    rc, out, _ = cli("rule", code)
    assert rc == 0
    assert out.startswith("HY104 (photo-caption)\n")
    assert "Category: boilerplate" in out
    assert RULES["HY104"].explanation in out


def test_rule_all_lists_every_code(cli: Cli) -> None:
    rc, out, _ = cli("rule", "--all")
    assert rc == 0
    assert [line.split()[0] for line in out.splitlines()] == list(RULES)
    assert cli("rule")[1] == out


def test_unknown_rule_exits_2(cli: Cli) -> None:
    rc, out, err = cli("rule", "HY999")
    assert (rc, out) == (2, "")
    assert "unknown rule 'HY999'" in err


# --- help, version and the console entry -----------------------------------------------------

_PROBE = """
import sys
from hygiene.cli import main
rc = main(sys.argv[1:])
print("HEAVY=" + ",".join(m for m in ("torch", "sentence_transformers") if m in sys.modules))
sys.exit(rc)
"""


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["clean", "-h"]])
def test_help_does_not_import_heavy_modules(tmp_path: Path, args: list[str]) -> None:
    # Importable stand-ins, so an import of them would succeed and show in sys.modules.
    for name in ("torch", "sentence_transformers"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: hygiene")
    assert result.stdout.rstrip().endswith("HEAVY=")


def test_version(cli: Cli) -> None:
    rc, out, _ = cli("--version")
    assert rc == 0 and out.startswith("hygiene, version ")


def _launchers() -> list[list[str]]:
    launchers = [[sys.executable, "-m", "hygiene"]]
    script = Path(sys.executable).parent / "hygiene"
    if script.exists():
        launchers.append([str(script)])
    return launchers


@pytest.mark.parametrize("launcher", _launchers(), ids=lambda cmd: Path(cmd[-1]).name)
def test_console_entry(launcher: list[str]) -> None:
    dirty = subprocess.run(
        [*launcher, "check", str(DIRTY_FILE)], capture_output=True, text=True, cwd=ROOT
    )
    assert dirty.returncode == 1, dirty.stderr
    assert f"{DIRTY_FILE}:9:1: HY104 " in dirty.stdout
    clean = subprocess.run(
        [*launcher, "check", str(CLEAN_FILE)], capture_output=True, text=True, cwd=ROOT
    )
    assert (clean.returncode, clean.stdout) == (0, "")


def test_one_math_thread_per_process_unless_the_user_chose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hygiene.cli import one_math_thread

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("TOKENIZERS_PARALLELISM", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    one_math_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"  # BLAS threads would spin, idle
    assert os.environ["TOKENIZERS_PARALLELISM"] == "false"
    assert os.environ["OMP_NUM_THREADS"] == "4"  # the user's choice stands


def test_a_run_and_its_workers_use_one_math_thread(tmp_path: Path) -> None:
    """numpy loaded after the CLI's setting, in this process or a child it starts,
    runs its BLAS on one thread."""
    pytest.importorskip("threadpoolctl")
    probe = (
        "import subprocess, sys; from hygiene.cli import one_math_thread; one_math_thread(); "
        "child = 'import numpy, threadpoolctl; "
        'print(max(p["num_threads"] for p in threadpoolctl.threadpool_info()))\'; '
        "subprocess.run([sys.executable, '-c', child], check=True)"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "1"  # numpy's BLAS would otherwise take a thread per core

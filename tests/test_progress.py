"""The progress line: off unless asked or on a terminal outside CI, and what it says."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from hygiene.batch.progress import Progress, interactive
from hygiene.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_disabled_progress_writes_nothing() -> None:
    stream = io.StringIO()
    with Progress("pass 1/2", total=10, enabled=False, stream=stream) as bar:
        for _ in range(10):
            bar.advance()
    assert bar.done == 10
    assert stream.getvalue() == ""


def test_enabled_progress_draws_count_rate_percent_and_eta() -> None:
    stream = io.StringIO()
    with Progress("pass 2/2: analysing", total=10, enabled=True, stream=stream) as bar:
        bar.advance(5)
        line = bar.line(now=bar._start + 2.0)  # 5 of 10 in 2 s: 2.5/s, 2 s to go
    assert "pass 2/2: analysing" in line
    assert " 50% " in line and "5/10 docs" in line
    assert "2.5/s" in line and "ETA 0:02" in line
    drawn = stream.getvalue()
    assert drawn.startswith("\r\x1b[K") and drawn.endswith("\n")
    assert "pass 2/2: analysing" in drawn and "ETA" in drawn and "10 docs" in drawn
    assert bar.enabled is False  # closed: nothing more is drawn
    bar.advance()
    assert stream.getvalue() == drawn


def test_progress_without_total_counts_without_percent_or_eta() -> None:
    bar = Progress("pass 1/2: sketching", enabled=False, stream=io.StringIO())
    bar.advance(3)
    line = bar.line(now=bar._start + 3661.0)
    assert line.startswith("pass 1/2: sketching: 3 docs")
    assert "%" not in line and "ETA" not in line
    assert "1:01:01" in line  # elapsed, with hours


def test_interactive_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert interactive(FakeTerminal()) is True
    assert interactive(io.StringIO()) is False
    monkeypatch.setenv("CI", "true")
    assert interactive(FakeTerminal()) is False
    terminal = FakeTerminal()
    with Progress("pass 1/2", total=3, stream=terminal) as bar:  # enabled=None: decided here
        bar.advance(3)
    assert terminal.getvalue() == ""
    monkeypatch.delenv("CI")
    with Progress("pass 1/2", total=3, stream=terminal) as bar:
        bar.advance(3)
    assert "3/3 docs" in terminal.getvalue()


@pytest.mark.parametrize(("flag", "drawn"), [("--no-progress", False), ("--progress", True)])
def test_clean_progress_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, drawn: bool
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("port-calloway-storm.txt", "marlow-mill-closure.txt", "wire.jsonl"):
        shutil.copy(CORPUS / name, corpus / name)
    code = main(["clean", str(corpus), "--out", str(tmp_path / "out"), "--embedder", "none", flag])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Cleaned 6 documents" in err
    assert ("\r" in err) is drawn
    assert ("pass 1/2: sketching" in err) is drawn
    assert ("pass 2/2: analysing" in err and "6/6 docs" in err) is drawn
